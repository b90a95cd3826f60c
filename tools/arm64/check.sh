#!/usr/bin/env bash
# Runs Locus's CPU backend as linux-arm64 under qemu-user on an x64 Linux host (see tools/arm64/README.md):
#   1. the SIMD flags the .NET JIT reports on the emulated CPU and the SGEMM kernel Locus picks (tools/arm64/SimdProbe),
#   2. `locus parity --backend cpu` (every shared op case, CPU kernels against the scalar reference),
#   3. `locus demo --steps N` (the whole edit pipeline), its PNGs compared with the same demo run natively on x64,
#   4. (native, seconds) `locus parity --backend cpu` on x64 with AVX2 disabled (DOTNET_EnableAVX2=0): the JIT then
#      reports the same widths as on ARM64 (Vector128 only), so the same kernel dispatch runs at native speed.
# Prints one summary line last; exit 0 when everything passed, 1 when something failed, 2 on a setup error.
#
# Usage: tools/arm64/check.sh [--src DIR] [--cpu MODEL] [--steps N] [--no-publish] [--no-demo]
#   --src DIR     source tree to build (default: this checkout; use a `git worktree` of a commit to test it alone)
#   --cpu MODEL   qemu CPU model (default neoverse-n1 = AWS Graviton2: ARMv8.2 + NEON + dotprod, no SVE; `max` adds SVE)
#   --steps N     demo steps (default 2)
#   --no-publish  reuse publish/arm64/ from a previous run
#   --no-demo     only the probe and the parity runs
# Needs root (or the packages already there) for apt: qemu-user-static and the arm64 glibc/libstdc++ (multiarch).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
src="$root"; cpu="neoverse-n1"; steps=2; publish=1; demo=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --src) src="$(cd "$2" && pwd)"; shift 2 ;;
    --cpu) cpu="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --no-publish) publish=0; shift ;;
    --no-demo) demo=0; shift ;;
    *) echo "error: unknown argument '$1' (see the header of $0)" >&2; exit 2 ;;
  esac
done
out="$root/publish/arm64"                      # git-ignored (/publish/)
art="${LOCUS_ARM64_ARTIFACTS:-/tmp/art-arm64}"
work="${TMPDIR:-/tmp}/locus-arm64-check"
mkdir -p "$out" "$work"

# --- 1. tools: qemu-aarch64-static and the arm64 dynamic loader/libc/libstdc++ the .NET apphost links against ---
if ! command -v qemu-aarch64-static >/dev/null; then
  echo "installing qemu-user-static" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null
fi
if [[ ! -e /lib/ld-linux-aarch64.so.1 ]] || ! dpkg -s libstdc++6:arm64 >/dev/null 2>&1; then
  echo "installing the arm64 libc6/libstdc++6/libgcc-s1 (dpkg multiarch)" >&2
  dpkg --add-architecture arm64
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 >/dev/null
fi

# --- 2. publish: self-contained linux-arm64, not trimmed, ReadyToRun off (the JIT compiles our kernels for the
#        emulated CPU's features, as `dotnet run` would on a real ARM64 machine); plus a native x64 build ---
probe_src="$src/tools/arm64/SimdProbe/SimdProbe.csproj"
[[ -f "$probe_src" ]] || probe_src="$root/tools/arm64/SimdProbe/SimdProbe.csproj"
if [[ $publish == 1 ]]; then
  rm -rf "$out/locus" "$out/probe" "$out/x64"
  common=(-c Release -p:PublishReadyToRun=false -p:PublishTrimmed=false --artifacts-path "$art" -nologo)
  t0=$SECONDS
  pub() {
    if ! nice dotnet publish "$@" > "$work/publish.log" 2>&1; then
      tail -30 "$work/publish.log" >&2; echo "error: dotnet publish $1 failed (log $work/publish.log)" >&2; exit 2
    fi
  }
  pub "$src/tools/Locus.Cli/Locus.Cli.csproj" -r linux-arm64 --self-contained "${common[@]}" -o "$out/locus"
  pub "$probe_src" -r linux-arm64 --self-contained "${common[@]}" -o "$out/probe"
  pub "$src/tools/Locus.Cli/Locus.Cli.csproj" -r linux-x64 --self-contained false "${common[@]}" -o "$out/x64"
  echo "published in $((SECONDS - t0)) s: $out/{locus,probe} (linux-arm64), $out/x64 (native reference)"
fi

# QEMU_CPU picks the model. DOTNET_EnableWriteXorExecute=0: with W^X on, the runtime writes code through a second,
# writable mapping that qemu-user does not watch, so qemu keeps running stale translations of patched stubs and the
# process dies at random with SIGSEGV (seen here: `parity` crashed once in 3 runs); .NET documents qemu as unsupported.
arm() { QEMU_CPU="$cpu" DOTNET_EnableWriteXorExecute=0 nice qemu-aarch64-static "$@"; }
count() { sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$1" | tail -1; }
status=0
commit="$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?')"
dirty="$(git -C "$src" status --porcelain --untracked-files=no 2>/dev/null | wc -l)"
[[ $dirty != 0 ]] && commit="$commit+$dirty-modified"

# --- 3. what the JIT reports on the emulated CPU ---
simd="$(arm "$out/probe/simd-probe" 2>&1 || true)"
echo "qemu $cpu: $simd"
if [[ "$simd" != *"arch=Arm64"* ]]; then
  status=1; echo "error: the probe did not run as Arm64 under qemu" >&2
fi

# --- 4. parity under emulation ---
t0=$SECONDS
set +e; arm "$out/locus/locus" parity --backend cpu > "$work/parity-arm64.txt" 2>&1; rc=$?; set -e
parity_s=$((SECONDS - t0))
read -r p f s <<< "$(count "$work/parity-arm64.txt")" || true
grep -v '^Passed' "$work/parity-arm64.txt" | grep -v ' passed, ' || true
if [[ $rc != 0 || -z "${p:-}" || "${f:-1}" != 0 ]]; then
  status=1; parity="parity FAILED (exit $rc, ${p:-?} passed, ${f:-?} failed; log $work/parity-arm64.txt)"
else
  parity="parity $p passed, 0 failed, $s skipped"
fi
echo "arm64 $parity in ${parity_s} s"

# --- 5. the same parity natively on x64 with the ARM64 widths (Vector128 only) ---
t0=$SECONDS
set +e; DOTNET_EnableAVX2=0 "$out/x64/locus" parity --backend cpu > "$work/parity-x64-narrow.txt" 2>&1; rc=$?; set -e
read -r np nf ns <<< "$(count "$work/parity-x64-narrow.txt")" || true
if [[ $rc != 0 || "${nf:-1}" != 0 ]]; then
  status=1; narrow="x64-narrow parity FAILED (exit $rc; log $work/parity-x64-narrow.txt)"
  grep -v '^Passed' "$work/parity-x64-narrow.txt" || true
else
  narrow="x64-narrow parity $np passed"
fi
echo "$narrow in $((SECONDS - t0)) s (DOTNET_EnableAVX2=0)"

# --- 6. the whole pipeline under emulation, compared with x64 ---
demo_line="demo skipped"
if [[ $demo == 1 ]]; then
  rm -rf "$work/demo-arm64" "$work/demo-x64" "$work/pngdiff.txt"
  t0=$SECONDS
  set +e; arm "$out/locus/locus" demo --steps "$steps" --out "$work/demo-arm64" > "$work/demo-arm64.txt" 2>&1; rc=$?; set -e
  demo_s=$((SECONDS - t0))
  grep -v 'RANDOM' "$work/demo-arm64.txt" || true
  if [[ $rc != 0 ]]; then
    status=1; demo_line="demo FAILED (exit $rc, ${demo_s} s; log $work/demo-arm64.txt)"
  else
    set +e
    "$out/x64/locus" demo --steps "$steps" --out "$work/demo-x64" > "$work/demo-x64.txt" 2>&1 \
      && python3 "$root/tools/arm64/pngdiff.py" "$work/demo-x64" "$work/demo-arm64" > "$work/pngdiff.txt" 2>&1
    rc=$?; set -e
    [[ -s "$work/pngdiff.txt" ]] || echo "x64 reference demo or pngdiff failed (logs $work/demo-x64.txt)" > "$work/pngdiff.txt"
    grep -v '^identical' "$work/pngdiff.txt" || true
    [[ $rc != 0 ]] && status=1
    demo_line="demo --steps $steps ok in ${demo_s} s, PNGs vs x64: $(tail -1 "$work/pngdiff.txt")"
  fi
fi

echo "ARM64 CHECK $([[ $status == 0 ]] && echo PASSED || echo FAILED) ($commit, $(date -u '+%Y-%m-%d %H:%M UTC'), qemu-aarch64 $cpu, $(echo "$simd" | grep -o 'Vector128=[a-z]* Vector256=[a-z]*' || echo 'probe failed') $(echo "$simd" | grep -o 'sgemm="[^"]*"' || true)): arm64 $parity in ${parity_s} s; $narrow; $demo_line"
exit $status
