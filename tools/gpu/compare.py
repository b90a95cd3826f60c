"""Compares tensors of two safetensors files by name: max|a - b| / max|b| (the fixture criterion).

Usage: python3 tools/gpu/compare.py OURS.safetensors REFERENCE.safetensors NAME [NAME ...]
Prints one line per name; exits 1 if a name is missing or non-finite values appear.
"""
import sys

import numpy as np
from safetensors.numpy import load_file


def main():
    ours, ref, names = load_file(sys.argv[1]), load_file(sys.argv[2]), sys.argv[3:]
    status = 0
    for name in names:
        if name not in ours or name not in ref:
            print(f"{name}: missing ({'ours' if name not in ours else 'reference'})")
            status = 1
            continue
        a, b = ours[name].astype(np.float64), ref[name].astype(np.float64)
        if a.shape != b.shape:
            print(f"{name}: shape {a.shape} vs {b.shape}")
            status = 1
            continue
        if not np.isfinite(a).all():
            print(f"{name}: non-finite values in ours")
            status = 1
            continue
        rel = np.abs(a - b).max() / max(np.abs(b).max(), 1e-30)
        print(f"{name}: max|ours - ref| / max|ref| = {rel:.3e}  (max|ref| = {np.abs(b).max():.4g})")
    sys.exit(status)


if __name__ == "__main__":
    main()
