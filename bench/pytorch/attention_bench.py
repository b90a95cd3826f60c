"""PyTorch SDPA (flash backend) yardstick for the Locus attention kernel (run on the GPU machine).

Shape: one Kontext joint attention, B=1, H=24, N=8704 (512 text + 4096 target + 4096 reference), D=128, bf16.
Prints median ms and TFLOP/s (4·B·H·N²·D FLOPs) for plain SDPA, SDPA with an additive f32/bf16 bias (memory-efficient
backend: flash does not take a mask) and, as a capture yardstick, one 4096×512 probability block recomputed by matmul.
Usage: python3 bench/pytorch/attention_bench.py [--n 8704] [--json out.json]
"""
import argparse
import json

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel


def timed(fn, iters=20, warmup=3):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return times[len(times) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--b", type=int, default=1)
    parser.add_argument("--h", type=int, default=24)
    parser.add_argument("--n", type=int, default=8704)
    parser.add_argument("--d", type=int, default=128)
    parser.add_argument("--json")
    args = parser.parse_args()
    b, h, n, d = args.b, args.h, args.n, args.d
    flops = 4.0 * b * h * n * n * d
    torch.manual_seed(0)
    q, k, v = (torch.randn(b, h, n, d, device="cuda", dtype=torch.bfloat16) for _ in range(3))
    rows = []
    print(f"device: {torch.cuda.get_device_name()}  torch {torch.__version__}  B={b} H={h} N={n} D={d}")

    def report(name, ms, work=flops):
        tflops = work / (ms * 1e-3) / 1e12
        rows.append({"case": name, "ms": ms, "tflops": tflops})
        print(f"{name:40s} {ms:8.3f} ms  {tflops:7.1f} TFLOP/s")

    with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
        report("sdpa flash (plain)", timed(lambda: F.scaled_dot_product_attention(q, k, v)))
    bias = torch.randn(1, 1, n, n, device="cuda", dtype=torch.bfloat16)
    with sdpa_kernel(SDPBackend.EFFICIENT_ATTENTION):
        report("sdpa mem-efficient (plain)", timed(lambda: F.scaled_dot_product_attention(q, k, v)))
        report("sdpa mem-efficient + bf16 bias [1,1,N,N]", timed(lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=bias)))
    del bias

    # Capture yardstick: head-averaged probabilities of a 4096 x 512 (target x text) block from q, k and lse.
    rows_, cols = min(4096, n), min(512, n)
    lse = torch.randn(b, h, rows_, 1, device="cuda", dtype=torch.float32)
    scale = d ** -0.5

    def capture():
        s = torch.matmul(q[:, :, :rows_].float(), k[:, :, :cols].float().transpose(-1, -2)) * scale
        return torch.exp(s - lse).mean(dim=1)

    ms = timed(capture)
    report(f"capture {rows_}x{cols} (torch f32 matmul+exp)", ms, 2.0 * b * h * rows_ * cols * d)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
