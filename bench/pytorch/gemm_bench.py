"""PyTorch bf16 GEMM yardstick at the Kontext-dev shapes (run on the GPU machine).

Prints one line per shape: M N K, median ms, TFLOP/s. Shapes follow the Locus Linear benchmark:
M = 8704 tokens (512 text + 4096 target + 4096 reference), K/N in {3072, 12288}, and 8192^3.
Usage: python3 bench/pytorch/gemm_bench.py [--json out.json]
"""
import argparse
import json

import torch

SHAPES = [(8704, 3072, 3072), (8704, 12288, 3072), (8704, 3072, 12288), (8192, 8192, 8192)]


def bench(m, n, k, iters=50):
    a = torch.randn(m, k, device="cuda", dtype=torch.bfloat16)
    w = torch.randn(n, k, device="cuda", dtype=torch.bfloat16)  # nn.Linear layout [out, in]
    for _ in range(5):
        torch.matmul(a, w.t())
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        torch.matmul(a, w.t())
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    ms = times[len(times) // 2]
    return ms, 2.0 * m * n * k / (ms * 1e-3) / 1e12


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    args = parser.parse_args()
    rows = []
    print(f"device: {torch.cuda.get_device_name()}  torch {torch.__version__}")
    for m, n, k in SHAPES:
        ms, tflops = bench(m, n, k)
        rows.append({"m": m, "n": n, "k": k, "ms": ms, "tflops": tflops})
        print(f"torch.matmul bf16  M={m} N={n} K={k}: {ms:.3f} ms  {tflops:.1f} TFLOP/s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
