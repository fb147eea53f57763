#!/usr/bin/env bash
# Runs the test suite three times: with every instruction set this processor has, without AVX-512 (the AVX2
# kernels), and without any SIMD intrinsics (the scalar loops). CI runs only the first (`dotnet test`); run this
# after changing a kernel. Each run must pass on its own. Then trains small models with the CLI in each of the three
# modes (tanh, sigmoid and softmax layers, float32 and float64) and fails unless each model's saved file is the same,
# byte for byte, in all three.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -v quiet -nologo tests/Backprop.Tests
echo "== all instruction sets";  dotnet test --no-build tests/Backprop.Tests
echo "== no AVX-512";            DOTNET_EnableAVX512F=0 DOTNET_EnableAVX512=0 dotnet test --no-build tests/Backprop.Tests
echo "== no SIMD intrinsics";    DOTNET_EnableHWIntrinsic=0 dotnet test --no-build tests/Backprop.Tests

echo "== the same model files in every mode"
dotnet build -v quiet -nologo -c Release src/Backprop.Cli
cli=src/Backprop.Cli/bin/Release/net10.0/backprop.dll
data=tests/Backprop.Tests/Data/csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# 20 classes, so softmax rows run the vector loops and the scalar tail (flowers has 3); values from arithmetic alone.
{
  echo "a,b,c,label"
  for i in $(seq 0 199); do echo "$((i % 7)),$(((i * 13) % 11)),$(((i * 5) % 17)),c$(((i * 7 + i / 20) % 20))"; done
} >"$work/classes20.csv"
models=(
  "tanh-f32|$data/flowers.csv --target species --activation tanh --epochs 3"
  "sigmoid-f64|$data/flowers.csv --target species --activation sigmoid --precision f64 --epochs 3"
  "softmax20-tanh-f32|$work/classes20.csv --target label --activation tanh --layers 24 --epochs 3"
  "softmax20-sigmoid-f64|$work/classes20.csv --target label --activation sigmoid --layers 24 --precision f64 --epochs 3"
  "sigmoid-output-f32|$data/streetlights.csv --target walk --activation tanh --output sigmoid --loss binary-cross-entropy --epochs 30"
)
modes=("all|" "no-avx512|DOTNET_EnableAVX512F=0 DOTNET_EnableAVX512=0" "no-simd|DOTNET_EnableHWIntrinsic=0")
for mode in "${modes[@]}"; do
  for model in "${models[@]}"; do
    # shellcheck disable=SC2086 # the settings and arguments are words
    env ${mode#*|} dotnet "$cli" train ${model#*|} --save "$work/${model%%|*}.${mode%%|*}.model" --quiet
  done
done
failed=0
for model in "${models[@]}"; do
  name=${model%%|*}
  for mode in no-avx512 no-simd; do
    if cmp -s "$work/$name.all.model" "$work/$name.$mode.model"; then
      echo "$name: $mode the same as all instruction sets"
    else
      echo "$name: $mode DIFFERS from all instruction sets" >&2
      failed=1
    fi
  done
done
exit "$failed"
