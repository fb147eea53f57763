#!/usr/bin/env bash
# The Native AOT tool package, as a release makes it and a user installs it. Packs Backprop.Cli as the plain
# `dotnet pack` does (the top-level package and one framework-dependent package per platform), then packs
# Backprop.Cli.linux-x64 again as a Native AOT binary (-p:NativeTool=true -r linux-x64) over the plain one; installs
# both sets into temporary tool paths, and fails unless
#   - the builds print no warning at all (trim and AOT analysis included);
#   - the installed command is the native binary and prints for `demo backprop` exactly what the framework-dependent
#     tool prints; the "any" package's tool too;
#   - `train --plot` draws a chart, and the binary copied alone (without libSkiaSharp.so) fails before training with
#     one line naming --plot and libSkiaSharp.so, exit code 2.
# Then it times startup, the median of 20 runs of each tool. Needs linux-x64 with clang and zlib (Native AOT's
# linker). Takes a few minutes. tests/package.sh checks most of this too (PackageTests, NativeToolTests); this script
# adds the release's order of packing and the startup times, and shows every step.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(uname -s) != Linux || $(uname -m) != x86_64 ]]; then
  echo "aot-tool.sh: the Native AOT package is built for linux-x64; this is $(uname -sm)" >&2
  exit 1
fi
if [[ $(compgen -c clang | grep -cE '^clang(-[0-9]+)?$') == 0 || ! -e /usr/include/zlib.h ]]; then
  echo "aot-tool.sh: Native AOT links with clang and zlib: apt-get install clang zlib1g-dev" >&2
  exit 1
fi
for tool in file unzip; do
  command -v "$tool" >/dev/null || { echo "aot-tool.sh: needs $tool (apt-get install $tool)" >&2; exit 1; }
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d /tmp/backprop-aot-XXXXXX)
trap 'rm -rf "$work"' EXIT
version=$(dotnet msbuild src/Backprop.Cli -getProperty:Version)
data=tests/Backprop.Tests/Data/csv
fail() { echo "aot-tool.sh: FAILED: $*" >&2; exit 1; }

pack() { # into FOLDER, with the rest as arguments; each folder builds in its own artifacts folder
  local into=$1
  shift
  dotnet pack src/Backprop.Cli -c Release -o "$work/$into" --artifacts-path "$work/artifacts-$into" "$@" 2>&1 | tee -a "$work/pack.log"
}
echo "== packing Backprop.Cli $version (one build per platform, then the Native AOT compile: minutes)"
pack plain
cp -r "$work/plain" "$work/native"
pack native -p:NativeTool=true -r linux-x64
if grep -E ': warning [A-Z]+[0-9]+' "$work/pack.log"; then fail "the builds printed the warnings above"; fi
ls -l "$work/native" "$work/plain"
cmp -s "$work/native/Backprop.Cli.linux-x64.$version.nupkg" "$work/plain/Backprop.Cli.linux-x64.$version.nupkg" \
  && fail "the Native AOT pack did not replace the linux-x64 package"

install() { # the packages in FOLDER into the tool path TOOLS, from a nuget.config that lists only FOLDER
  cat >"$work/$1.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /><add key="packed" value="$work/$1" /></packageSources></configuration>
EOF
  dotnet tool install Backprop.Cli --version "$version" --tool-path "$work/$2" --configfile "$work/$1.config"
}
echo "== installing"
install native aot
install plain fdd
aot=$work/aot/backprop
fdd=$work/fdd/backprop
binary=$(readlink -f "$aot")
file "$binary" | grep -q 'ELF 64-bit.*x86-64' || fail "the installed $binary is not a native x86-64 binary: $(file "$binary")"
[[ ! -e $(dirname "$binary")/backprop.dll ]] || fail "the Native AOT package has a backprop.dll"

echo "== demo backprop through each tool"
"$fdd" demo backprop >"$work/fdd.txt"
"$aot" demo backprop >"$work/aot.txt"
diff "$work/fdd.txt" "$work/aot.txt" || fail "the Native AOT tool prints something else for demo backprop"
grep -qx 'Error:1.5055622665134859e-05' "$work/aot.txt" || fail "demo backprop does not end with the notes' error"
mkdir "$work/any"
unzip -q "$work/plain/Backprop.Cli.any.$version.nupkg" -d "$work/any"
dotnet "$work/any/tools/net10.0/any/backprop.dll" demo backprop | diff "$work/fdd.txt" - || fail "the any package's tool prints something else"
echo "the same $(wc -l <"$work/aot.txt") lines from the Native AOT tool, the framework-dependent tool and the any package"

echo "== --plot"
"$aot" train "$data/flowers.csv" --target species --epochs 5 --quiet --plot "$work/loss.png"
[[ $(head -c 4 "$work/loss.png" | od -An -tx1 | tr -d ' ') == 89504e47 ]] || fail "--plot did not write a PNG"
mkdir "$work/alone"
cp "$binary" "$work/alone/"
set +e
"$work/alone/backprop" train "$data/flowers.csv" --target species --epochs 5 --plot "$work/alone.png" >"$work/alone.out" 2>"$work/alone.err"
code=$?
set -e
cat "$work/alone.err"
[[ $code == 2 ]] || fail "the binary alone with --plot exited with $code, not 2"
[[ $(wc -l <"$work/alone.err") == 1 ]] || fail "the binary alone with --plot printed more than one line of error"
grep -q -- '--plot' "$work/alone.err" && grep -q 'libSkiaSharp.so' "$work/alone.err" || fail "the error does not name --plot and libSkiaSharp.so"
[[ ! -s $work/alone.out && ! -e $work/alone.png ]] || fail "the binary alone trained or wrote something before failing"

echo "== startup: median of 20 runs"
median_ms() { # the command's median wall-clock time in milliseconds
  local times=()
  for _ in $(seq 20); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(((end - start) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { printf "%.1f", (t[10] + t[11]) / 2000 }'
}
for args in "--help" "demo streetlights"; do
  # shellcheck disable=SC2086 # the arguments are words
  echo "backprop $args: Native AOT $(median_ms "$aot" $args) ms, framework-dependent $(median_ms "$fdd" $args) ms"
done
echo "aot-tool.sh: passed"
