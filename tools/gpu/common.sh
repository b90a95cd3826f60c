# Shared set-up of tools/gpu/full.sh and pipeline.sh (sourced, with the log folder name as $1): repository root as the
# working folder, $final_out (= $OUT or ./gpu-logs) and a fresh /tmp/$1 for the logs, the published locus binary, the
# kernel cache, the torch venv's CUDA 13 libraries on LOCUS_CUDA_PATH, and the sec / run helpers
# (run NAME SECONDS CMD…: CMD under a time limit, output to $logs/NAME.log, prints "[NAME exit N]").
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
final_out="${OUT:-$root/gpu-logs}"
logs="/tmp/$1"
rm -rf "$logs"; mkdir -p "$logs" "$final_out"
locus="$root/publish/gpu/locus"
export LOCUS_CACHE_DIR=/tmp/locus-kernel-cache
py=/opt/torch/.venv/bin/python3
export LOCUS_CUDA_PATH="${LOCUS_CUDA_PATH:-$("$py" -c 'import glob,site;print(":".join(d for s in site.getsitepackages() for d in [s+"/nvidia/cu13/lib"]+sorted(glob.glob(s+"/nvidia/*/lib"))))')}"
sec() { echo; echo "== $*"; }
run() { local name="$1" limit="$2"; shift 2; timeout "$limit" "$@" > "$logs/$name.log" 2>&1; local r=$?; echo "[$name exit $r]"; return $r; }
