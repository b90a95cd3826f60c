#!/usr/bin/env bash
# Packs the libraries (Locus.Engine, Locus.Kernels, Locus.Models) and the `locus` tool as NuGet packages, then proves
# an application outside the repository can use them: builds and runs samples/Locus.Samples.Embedding against the
# packages (not the projects), and installs the tool into a tool path and runs it. Everything lands under one work
# folder with its own NuGet package cache, so a stale 0.1.0 from an earlier run is never picked up.
#   bash tools/packaging/check.sh [WORK_DIR]      (default /tmp/locus-packaging; ≈ 1–2 minutes)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-/tmp/locus-packaging}"
rm -rf "$work"; mkdir -p "$work"
export NUGET_PACKAGES="$work/nuget-cache" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
feed="$work/feed"
for project in src/Engine src/Kernels src/Models tools/Locus.Cli; do
    dotnet pack "$root/$project" -c Release -o "$feed" --artifacts-path "$work/artifacts" -v quiet -nologo
done
ls "$feed"
echo "== the embedding sample against the packages"
dotnet build "$root/samples/Locus.Samples.Embedding" -c Release --artifacts-path "$work/sample" -v quiet -nologo \
    -p:LocusFromPackages=true -p:RestoreAdditionalProjectSources="$feed"
# The sample must have resolved Locus.* from the feed, not from project references.
grep -q '"Locus.Models/' "$work/sample/obj/Locus.Samples.Embedding/project.assets.json" \
    || { echo "error: the sample did not restore Locus.Models as a package" >&2; exit 1; }
dotnet "$work/sample/bin/Locus.Samples.Embedding/release/Locus.Samples.Embedding.dll"
echo "== the locus tool from the package"
dotnet tool install Locus.Cli --tool-path "$work/tool" --add-source "$feed" --version "$(ls "$feed" | sed -n 's/^Locus\.Cli\.\(.*\)\.nupkg$/\1/p')" >/dev/null
"$work/tool/locus" --version
"$work/tool/locus" demo --out "$work/demo" --steps 2 >/dev/null
test -f "$work/demo/index.html"
echo "packaging check passed"
