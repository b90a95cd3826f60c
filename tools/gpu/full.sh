#!/usr/bin/env bash
# The whole GPU session in one call (issue "GPU bring-up"): kernel compile, CUDA parity, the diffusers fixtures through
# `locus forward --device cuda` (f32 and bf16) compared with diffusers, then Locus vs PyTorch benchmarks.
# Run from the repository root on the GPU machine with publish/gpu carried:  bash tools/gpu/full.sh
# Logs land in $OUT (or ./gpu-logs) as one tarball plus a short summary on stdout.
set -uo pipefail
source "$(dirname "$0")/common.sh" locus-gpu-logs
arch="sm_$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d '. ')"

sec "device"; nvidia-smi --query-gpu=name,driver_version,compute_cap,clocks.sm,clocks.max.sm --format=csv | tee "$logs/device.log"; date -u | tee -a "$logs/device.log"
sec "compile"; run compile 120 "$locus" kernels compile --arch "$arch" --arch compute_90; tail -2 "$logs/compile.log"
sec "parity (cuda)"; run parity 300 "$locus" parity --backend cuda; grep -E "^Failed" "$logs/parity.log" | head -20; tail -1 "$logs/parity.log"
if [[ -n "${LOCUS_FLASH_VARIANTS:-}" ]]; then
  for v in $LOCUS_FLASH_VARIANTS; do
    sec "parity attention, flash variant $v"; LOCUS_FLASH_VARIANT=$v run "parity_attn_v$v" 120 "$locus" parity --backend cuda --op Attention
    grep -E "^Failed" "$logs/parity_attn_v$v.log" | head -10; tail -1 "$logs/parity_attn_v$v.log"
  done
fi

sec "diffusers fixtures on cuda"
fx=tests/fixtures/diffusers
for dt in f32 bf16; do
  run "fwd_flux_$dt" 120 "$locus" forward --model $fx/flux_kontext_tiny/weights.safetensors --config $fx/flux_kontext_tiny/CASE.json --inputs $fx/flux_kontext_tiny/io.safetensors --out /tmp/flux_$dt.safetensors --device cuda --dtype $dt
  echo "flux $dt: $("$py" tools/gpu/compare.py /tmp/flux_$dt.safetensors $fx/flux_kontext_tiny/io.safetensors sample 2>&1 | tail -1)"
  run "fwd_qwen_$dt" 120 "$locus" forward --model $fx/qwen_image_edit_tiny/weights.safetensors --config $fx/qwen_image_edit_tiny/CASE.json --inputs $fx/qwen_image_edit_tiny/io.safetensors --out /tmp/qwen_$dt.safetensors --device cuda --dtype $dt --zero-cond-t
  echo "qwen $dt: $("$py" tools/gpu/compare.py /tmp/qwen_$dt.safetensors $fx/qwen_image_edit_tiny/io.safetensors sample sample_zero_cond_t 2>&1 | tr '\n' ' ')"
  run "fwd_vae_enc_$dt" 120 "$locus" forward --model $fx/vae_flux_tiny/weights.safetensors --config $fx/vae_flux_tiny/CASE.json --inputs $fx/vae_flux_tiny/io.safetensors --out /tmp/vae_$dt.safetensors --device cuda --dtype $dt
  echo "vae $dt: $("$py" tools/gpu/compare.py /tmp/vae_$dt.safetensors $fx/vae_flux_tiny/io.safetensors latent_dist_mean decoded 2>&1 | tr '\n' ' ')"
done

sec "bf16 on cuda vs f32 with the scalars a bf16 run sees (see tools/gpu/bf16_reference.py)"
"$py" tools/gpu/bf16_reference.py $fx /tmp/bf16ref > "$logs/bf16ref.log" 2>&1; cat "$logs/bf16ref.log"
run ref_flux 120 "$locus" forward --model $fx/flux_kontext_tiny/weights.safetensors --config $fx/flux_kontext_tiny/CASE.json --inputs /tmp/bf16ref/flux_io_bf16_scalars.safetensors --out /tmp/flux_ref.safetensors --device cpu --dtype f32
echo "flux bf16 vs f32(bf16 scalars): $("$py" tools/gpu/compare.py /tmp/flux_bf16.safetensors /tmp/flux_ref.safetensors sample 2>&1 | tail -1)"
run ref_qwen 120 "$locus" forward --model $fx/qwen_image_edit_tiny/weights.safetensors --config $fx/qwen_image_edit_tiny/CASE.json --inputs /tmp/bf16ref/qwen_io_bf16_scalars.safetensors --out /tmp/qwen_ref.safetensors --device cpu --dtype f32 --zero-cond-t
echo "qwen bf16 vs f32(bf16 scalars): $("$py" tools/gpu/compare.py /tmp/qwen_bf16.safetensors /tmp/qwen_ref.safetensors sample sample_zero_cond_t 2>&1 | tr '\n' ' ')"

sec "edit pipeline on cuda (demo's tiny random model)"
run demo 120 "$locus" demo --out /tmp/demo --steps 8; tail -3 "$logs/demo.log"
run edit_cuda 120 "$locus" edit --model /tmp/demo/model --image /tmp/demo/source.png --embeds /tmp/demo/prompt.safetensors --out /tmp/edit_cuda.png \
  --mask /tmp/demo/mask.png --blend --grag 1,1.3 --steps 8 --device cuda; tail -6 "$logs/edit_cuda.log"

sec "GEMM: Locus Linear vs cuBLASLt, elementwise GB/s"; run kbench 180 "$locus" kernels bench --quick; cat "$logs/kbench.log" | tail -25
sec "GEMM: PyTorch"; run gemm_torch 120 "$py" bench/pytorch/gemm_bench.py; cat "$logs/gemm_torch.log"
sec "attention: Locus"; run attn 120 "$locus" bench attention ${LOCUS_ATTN_ARGS:-}; tail -12 "$logs/attn.log"
sec "attention: PyTorch"; run attn_torch 120 "$py" bench/pytorch/attention_bench.py; tail -6 "$logs/attn_torch.log"
sec "Kontext-dev step: Locus (plain, GRAG official, GRAG target rows)"
run model_flux 300 "$locus" bench model --arch flux-kontext-dev --device cuda --steps 3; tail -2 "$logs/model_flux.log"
run model_flux_grag 300 "$locus" bench model --arch flux-kontext-dev --device cuda --steps 3 --grag 1.0,1.1; tail -2 "$logs/model_flux_grag.log"
run model_flux_grag_rows 300 "$locus" bench model --arch flux-kontext-dev --device cuda --steps 3 --grag 1.0,1.1 --grag-rows target; tail -2 "$logs/model_flux_grag_rows.log"
sec "Qwen-Image-Edit step: Locus (plain, GRAG official)"
run model_qwen 300 "$locus" bench model --arch qwen-image-edit --device cuda --steps 3; tail -2 "$logs/model_qwen.log"
run model_qwen_grag 300 "$locus" bench model --arch qwen-image-edit --device cuda --steps 3 --grag 1.0,1.1; tail -2 "$logs/model_qwen_grag.log"
# The region adapter and end-to-end edit benchmarks are in tools/gpu/pipeline.sh (a second call: each call has 10 minutes).
sec "Kontext-dev blocks and step: PyTorch"; run blocks_torch 240 "$py" bench/pytorch/flux_blocks_bench.py; tail -12 "$logs/blocks_torch.log"
# Qwen-Image-Edit blocks have the Flux double block's op structure and FLOPs (mmdit-spec §3.4): 60 of them, 1400 text tokens.
sec "Qwen-Image-Edit-shaped step: PyTorch (60 double blocks, 1400 text)"; run qwen_torch 240 "$py" bench/pytorch/flux_blocks_bench.py --text 1400 --double 60 --single 0; tail -4 "$logs/qwen_torch.log"
tar czf "$final_out/gpu-logs.tgz" -C "$logs" .
