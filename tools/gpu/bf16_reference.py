"""Writes fixture io files whose per-step scalars are the values a bf16 diffusers run feeds the sinusoids.

A bf16 forward (diffusers or Locus) rounds σ and σ·1000, guidance·1000 to bf16 (mmdit-spec §1.11): Flux sees
timestep·1000 = 700 and guidance·1000 = 3504, Qwen sees σ = bf16(0.7) = 0.69921875. At these tiny random widths
those few radians of the sinusoid change the output by tens of percent, so a bf16 run is compared with an f32
run on these rounded scalars, which differs from it only by activation rounding.
Usage: python3 tools/gpu/bf16_reference.py FIXTURES_DIR OUT_DIR
"""
import os
import sys

import torch
from safetensors.torch import load_file, save_file


def bf16(x):
    return torch.tensor(x, dtype=torch.float32).to(torch.bfloat16).to(torch.float32)


def main():
    fixtures, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    flux = load_file(os.path.join(fixtures, "flux_kontext_tiny", "io.safetensors"))
    t = flux["timestep"]
    flux["timestep"] = bf16(bf16(t) * 1000) / 1000
    flux["guidance"] = bf16(flux["guidance"] * 1000) / 1000
    save_file({k: v.contiguous() for k, v in flux.items()}, os.path.join(out, "flux_io_bf16_scalars.safetensors"))
    qwen = load_file(os.path.join(fixtures, "qwen_image_edit_tiny", "io.safetensors"))
    qwen["timestep"] = bf16(qwen["timestep"])
    save_file({k: v.contiguous() for k, v in qwen.items()}, os.path.join(out, "qwen_io_bf16_scalars.safetensors"))
    print("flux timestep", flux["timestep"].tolist(), "guidance", flux["guidance"].tolist(), "qwen timestep", qwen["timestep"].tolist())


if __name__ == "__main__":
    main()
