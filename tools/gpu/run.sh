#!/usr/bin/env bash
# Runs on the GPU machine from the repository root (publish/gpu/ carried): finds the CUDA 13 libraries of the torch venv,
# compiles every kernel for the device, runs CUDA parity and the quick benchmarks; logs go to $OUT (or ./gpu-logs).
# Usage: bash publish/gpu/run.sh [parity|compile|bench|all]   (default all)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
locus="$here/locus"
out="${OUT:-$PWD/gpu-logs}"
mkdir -p "$out"
what="${1:-all}"
py="${LOCUS_PYTHON:-/opt/torch/.venv/bin/python3}"

# CUDA libraries: nvidia/cu13/lib (CUDA 13 wheels) plus every nvidia/*/lib of the venv's site-packages.
if [[ -z "${LOCUS_CUDA_PATH:-}" && -x "$py" ]]; then
  LOCUS_CUDA_PATH="$("$py" - <<'PY'
import glob, os, site
dirs = []
for s in site.getsitepackages():
    dirs += [d for d in [os.path.join(s, "nvidia", "cu13", "lib")] + sorted(glob.glob(os.path.join(s, "nvidia", "*", "lib"))) if os.path.isdir(d)]
print(":".join(dict.fromkeys(dirs)))
PY
)"
  export LOCUS_CUDA_PATH
fi
export LOCUS_CACHE_DIR="${LOCUS_CACHE_DIR:-/tmp/locus-kernel-cache}"
arch="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d '. ')"
arch="sm_${arch:-90}"
{
  echo "date: $(date -u +%FT%TZ)"; nvidia-smi -L 2>&1; nvidia-smi --query-gpu=driver_version,compute_cap --format=csv 2>&1
  echo "LOCUS_CUDA_PATH=$LOCUS_CUDA_PATH"; echo "arch=$arch"; ls -la "$here"
} > "$out/env.log" 2>&1
cat "$out/env.log"
rc=0
step() { local name="$1"; shift; echo "== $name: $*"; "$@" > "$out/$name.log" 2>&1; local r=$?; tail -n 40 "$out/$name.log"; echo "== $name exit $r"; [[ $r -eq 0 ]] || rc=1; }
if [[ "$what" == all || "$what" == compile ]]; then step compile "$locus" kernels compile --arch "$arch" --arch compute_90 --verbose; fi
if [[ "$what" == all || "$what" == parity ]]; then step parity "$locus" parity --backend cuda; fi
if [[ "$what" == all || "$what" == bench ]]; then step bench "$locus" kernels bench ${LOCUS_BENCH_QUICK:+--quick}; fi
exit $rc
