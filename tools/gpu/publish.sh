#!/usr/bin/env bash
# Builds the self-contained `locus` binary for the GPU machine (which has no .NET SDK) into publish/gpu/ (git-ignored).
# Trimmed single-file (~15 MB, glibc >= 2.27); pass --aot for NativeAOT x86-64-v3 (needs clang/gcc + ILCompiler packages).
# Usage: tools/gpu/publish.sh [--aot]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/publish/gpu"
art="${LOCUS_PUBLISH_ARTIFACTS:-/tmp/art-gpu-publish}"
rm -rf "$out"
if [[ "${1:-}" == "--aot" ]]; then
  mode=(-p:PublishAot=true -p:IlcInstructionSet=x86-64-v3 -p:StripSymbols=true)
else
  mode=(-p:PublishSingleFile=true -p:PublishTrimmed=true -p:EnableCompressionInSingleFile=true -p:DebugType=none)
fi
dotnet publish "$root/tools/Locus.Cli/Locus.Cli.csproj" -c Release -r linux-x64 --self-contained \
  "${mode[@]}" --artifacts-path "$art" -o "$out"
cp "$root/tools/gpu/run.sh" "$out/run.sh"
chmod +x "$out/run.sh" "$out/locus"
rm -f "$out"/*.pdb "$out"/*.dbg "$out"/*.xml
du -sh "$out"
ls -la "$out"
