#!/usr/bin/env bash
# Runs the test suite three times: with every instruction set this processor has, without AVX-512 (the AVX2
# kernels), and without any SIMD intrinsics (the scalar loops). CI runs only the first (`dotnet test`); run this
# after changing a kernel. Each run must pass on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -v quiet -nologo tests/Backprop.Tests
echo "== all instruction sets";  dotnet test --no-build tests/Backprop.Tests
echo "== no AVX-512";            DOTNET_EnableAVX512F=0 DOTNET_EnableAVX512=0 dotnet test --no-build tests/Backprop.Tests
echo "== no SIMD intrinsics";    DOTNET_EnableHWIntrinsic=0 dotnet test --no-build tests/Backprop.Tests
