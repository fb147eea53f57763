#!/usr/bin/env bash
# Mutation fuzzing through the command line, for as long as you leave it running: each round runs CliFuzzTests (and the
# loaders' fuzz tests) with a new seed and more cases than `dotnet test` uses. It stops at the first failing round and
# prints the seed and the cases, which reproduce with BACKPROP_FUZZ_SEED=SEED BACKPROP_FUZZ_CASES=N.
#   tests/fuzz-cli.sh [CASES_PER_ROUND]    (default 5000; Ctrl-C to stop)
set -uo pipefail
cd "$(dirname "$0")/.."
CASES="${1:-5000}"
dotnet build -v quiet -nologo tests/Backprop.Tests || exit 1
round=0
while true; do
  round=$((round + 1))
  seed=$(( (RANDOM << 15) | RANDOM ))
  echo "round $round: seed $seed, $CASES cases"
  if ! BACKPROP_FUZZ_SEED=$seed BACKPROP_FUZZ_CASES=$CASES dotnet test --no-build tests/Backprop.Tests \
      --filter "FullyQualifiedName~Fuzz" --logger "console;verbosity=minimal"; then
    echo "failed in round $round with BACKPROP_FUZZ_SEED=$seed BACKPROP_FUZZ_CASES=$CASES"
    exit 1
  fi
done
