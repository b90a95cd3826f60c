#!/usr/bin/env bash
# The pipeline-level GPU benchmarks in one call (issues #7 item 5 and #8 item 7), after tools/gpu/full.sh:
# the region adapter's overhead at paper scale, then end-to-end edits (encode, mask, steps, decode) of a random-weight
# Kontext-dev model with the FLUX VAE at 1024², with each mask source. Run from the repository root with publish/gpu carried:
#   bash tools/gpu/pipeline.sh [all|adapter|edit]     (logs: $OUT/pipeline-logs.tgz, summary on stdout)
# Expected ≈ 4–6 minutes for "all" on an H100 (binding ≈ 50 GB of random weights dominates the adapter runs); split it
# into "adapter" and "edit" calls if a call would pass its 10 minutes.
set -uo pipefail
source "$(dirname "$0")/common.sh" locus-pipeline-logs

sec "device"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$logs/device.log"; date -u | tee -a "$logs/device.log"
# Region adapter (issue #7 item 5), paper scale in bf16 with random weights (D = 3072, 24 heads, N_q = 64, N_m = 256, FFN 2·D):
# backbone vs adapted step (Precomputed c and gates, every block adapted), interleaved in one run, and the once-per-edit prelude
# (user mask, predicted mask) as % of a backbone step. Targets: adapter ≤ 15% of a step at 1024²; predicted mask ≤ 2% of a step.
# Weights are bound once and shared by the four graphs (Qwen ≈ 41 GB + adapter ≈ 9.6 GB; Kontext-dev ≈ 24 GB + ≈ 9.2 GB).
what="${1:-all}"
if [[ "$what" == all || "$what" == adapter ]]; then
sec "Region adapter overhead: Qwen-Image-Edit (60 adapted blocks) and Kontext-dev (19 + 38 adapted blocks)"
run model_qwen_adapter 300 "$locus" bench model --arch qwen-image-edit --device cuda --steps 5 --adapter; tail -6 "$logs/model_qwen_adapter.log"
run model_flux_adapter 300 "$locus" bench model --arch flux-kontext-dev --device cuda --steps 5 --adapter; tail -6 "$logs/model_flux_adapter.log"
fi

# End-to-end edit at 1024² (Kontext-dev transformer + FLUX VAE, random bf16 weights, 512 text tokens), 28 steps, after a
# 1-step warm-up: per-stage seconds. The mask sources: none, a user mask (ellipse) + FlowBlend, attention maps + FlowBlend
# (capture on the first 30 % of the steps over every joint attention, then k-means on the 2×2-pooled target map).
if [[ "$what" == all || "$what" == edit ]]; then
sec "End-to-end edit 1024², Kontext-dev shape (bf16)"
run edit_none 240 "$locus" bench edit --device cuda --size 1024 --steps 28; tail -1 "$logs/edit_none.log"
run edit_user 240 "$locus" bench edit --device cuda --size 1024 --steps 28 --mask-source user --blend; tail -1 "$logs/edit_user.log"
run edit_attention 240 "$locus" bench edit --device cuda --size 1024 --steps 28 --mask-source attention --blend; tail -1 "$logs/edit_attention.log"
# Qwen-Image-Edit at its defaults: 50 steps, true CFG 4 (two passes per step), ≈ 1400 text tokens (VL image + prompt).
run edit_qwen 300 "$locus" bench edit --arch qwen-image-edit --device cuda --size 1024 --steps 50 --text-tokens 1400 --true-cfg 4; tail -1 "$logs/edit_qwen.log"
fi
tar czf "$final_out/pipeline-logs.tgz" -C "$logs" .
