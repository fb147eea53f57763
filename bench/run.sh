#!/usr/bin/env bash
# Backprop side by side with numpy, scikit-learn and PyTorch, in one run; regenerates docs/benchmarks.md and .png.
#
#   bench/run.sh                      full run (over an hour): every workload, BenchmarkDotNet, the doc
#   bench/run.sh --quick              fewer repetitions, 1 Fashion-MNIST epoch (2 for tta), no BenchmarkDotNet, no doc
#   bench/run.sh --only gemm,fashion  a subset of: tta, epoch, streetlights, fashion, gemm, micro, csv, predict, serve, sweep,
#                                     memory (no doc unless --doc)
#                                     (csv: loading a 60000x785 CSV against Sylvan.Data.Csv; predict: the Predictor against
#                                     ONNX Runtime, BenchmarkDotNet, also part of micro; serve: tests/serve-load.sh, wrk;
#                                     sweep: a 12-trial sweep with --jobs 1 and --jobs 2; epoch: an Adam epoch of tta's network
#                                     against its matrix products alone; memory: `backprop train` on a 60000x785 and a
#                                     60000x785 CSV of decimals, peak RSS per precision and --cache; BEFORE_BACKPROP="dotnet OLD/backprop.dll"
#                                     adds an older build's runs)
#   options: --doc (write the doc even for --quick/--only), --no-doc, --no-install
#
# Raw results go to bench/results/ (git-ignored). Python is Debian's /usr/bin/python3 (set BENCH_PYTHON to change),
# since the apt-installed numpy, scikit-learn and torch live there, not in a pyenv or venv python3 on PATH.
# Every Python peer runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, plus the OPENBLAS_CORETYPE that
# bench/python/openblas_core.py finds fastest when OpenBLAS does not know this CPU (see PEER_ENV below).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

COMMAND="bench/run.sh${*:+ $*}"
QUICK=0
ONLY="tta,epoch,streetlights,fashion,gemm,micro,csv,serve,sweep,memory"
SUBSET=0
DOC=auto
INSTALL=1
while (($#)); do
  case "$1" in
    --quick) QUICK=1 ;;
    --only) ONLY="${2:?--only needs a list}"; SUBSET=1; shift ;;
    --only=*) ONLY="${1#--only=}"; SUBSET=1 ;;
    --doc) DOC=yes ;;
    --no-doc) DOC=no ;;
    --no-install) INSTALL=0 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see bench/run.sh --help)" >&2; exit 2 ;;
  esac
  shift
done
if [[ $DOC == auto ]]; then
  if ((QUICK || SUBSET)); then DOC=no; else DOC=yes; fi
fi
if ((QUICK)) && ((!SUBSET)); then ONLY="tta,streetlights,fashion,gemm"; fi
wants() { [[ ",$ONLY," == *",$1,"* ]]; }

PY="${BENCH_PYTHON:-/usr/bin/python3}"
RESULTS="bench/results"
DATA="/usr/share/datasets/fashion-mnist"
BENCH_DLL="bench/Backprop.Bench/bin/Release/net10.0/Backprop.Bench.dll"
TIME=/usr/bin/time

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
fail() { echo "$*" | tee -a "$RESULTS/failures.txt" >&2; }

# ------------------------------------------------------------------ install what is missing
install_packages() {
  local wanted=(python3-numpy python3-sklearn python3-torch libopenblas0-pthread dataset-fashion-mnist
                python3-matplotlib python3-threadpoolctl time)
  local missing=() p
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || { echo "packages: all present"; return 0; }
  local sudo=""
  if ((EUID != 0)); then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  echo "packages: installing ${missing[*]}"
  $sudo apt-get update -qq || echo "apt-get update failed; trying the install anyway" >&2
  # One at a time, so that a package that cannot be had (e.g. threadpoolctl on an older release) skips only itself.
  for p in "${missing[@]}"; do
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$p" >/dev/null \
      || echo "warning: could not install $p; the workloads that need it will be skipped" >&2
  done
}

mkdir -p "$RESULTS"
if ((INSTALL)); then say "Installing"; install_packages; fi
[[ -x $PY ]] || { echo "no $PY; install python3 (apt-get install python3)" >&2; exit 1; }

# Fresh results for what this run measures (a full run starts from an empty folder).
if ((!SUBSET && !QUICK)); then rm -rf "${RESULTS:?}"/*; fi
rm -f "$RESULTS/failures.txt" "$RESULTS/load.txt" "$RESULTS/.times"
wants tta && rm -f "$RESULTS"/tta-*
wants epoch && rm -f "$RESULTS"/epoch-*
wants streetlights && rm -f "$RESULTS"/streetlights-*
wants fashion && rm -f "$RESULTS"/fashion-*
wants gemm && rm -f "$RESULTS"/gemm-*
wants micro && rm -rf "$RESULTS/micro"
wants predict && rm -rf "$RESULTS/predict"
wants serve && rm -f "$RESULTS/serve-load.json"
wants csv && rm -f "$RESULTS"/csv-*
wants sweep && rm -f "$RESULTS"/sweep-*
wants memory && rm -f "$RESULTS"/memory-train.json   # (its generated CSV files are kept: seeded, made once)

say "Building bench/Backprop.Bench (Release)"
dotnet build -c Release -v quiet -nologo bench/Backprop.Bench/Backprop.Bench.csproj || { echo "build failed" >&2; exit 1; }
BP=(dotnet "$BENCH_DLL")

say "Machine"
"$PY" bench/python/machine.py --command "$COMMAND" --mode "$( ((QUICK)) && echo quick || echo full )$( ((SUBSET)) && echo " ($ONLY)" )" \
  --out "$RESULTS/machine.json" || fail "machine: could not record the machine"
"$PY" -c "import numpy" 2>/dev/null || { echo "numpy is not importable by $PY; nothing to compare with" >&2; exit 1; }
HAVE_SK=1; HAVE_TORCH=1
"$PY" -c "import sklearn, threadpoolctl" 2>/dev/null || { HAVE_SK=0; fail "scikit-learn (with threadpoolctl): not importable, skipped"; }
"$PY" -c "import torch" 2>/dev/null || { HAVE_TORCH=0; fail "PyTorch: not importable, skipped"; }

# OpenBLAS at its best for this CPU, for every Python peer (numpy, scikit-learn, PyTorch all load Debian's OpenBLAS):
# the variables unset, plus the core type openblas_core.py chose when OpenBLAS's own pick lacks the CPU's AVX2 or
# AVX-512 (an OpenBLAS older than the CPU falls back to SSE3 kernels). It records why in $RESULTS/openblas.json.
PEER_ENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
OB_LINE=$("$PY" bench/python/openblas_core.py --out "$RESULTS/openblas.json") \
  || fail "openblas_core: failed; the peers run with OpenBLAS's own pick"
if [[ $OB_LINE =~ ^OPENBLAS_CORETYPE=([A-Za-z0-9_]+)$ ]]; then
  PEER_ENV+=("OPENBLAS_CORETYPE=${BASH_REMATCH[1]}")
fi
echo "peers run with: ${PEER_ENV[*]}"

# How busy the machine was with other work while a workload ran: CPU time of the whole machine (/proc/stat) minus
# the CPU time of this script's children (bash `times`), as a share of both cores; and the hypervisor's steal.
stat_now() { local _c u n s i w q sq st _r; read -r _c u n s i w q sq st _r < /proc/stat
             echo "$((u + n + s + q + sq)) $st $((u + n + s + i + w + q + sq + st))"; }
# `times` must run in this shell itself (a $(...) subshell would count its own, empty, children), so it writes a file.
children_cs() { times > "$RESULTS/.times"
                CHILD_CS=$(tail -1 "$RESULTS/.times" | "$PY" -c "import re,sys; print(round(sum(int(m)*6000+float(x)*100 for m,x in re.findall(r'(\d+)m([\d.]+)s', sys.stdin.read()))))"); }
mark_start() { MARK_STAT=$(stat_now); children_cs; MARK_CHILD=$CHILD_CS; }
mark_end() {
  local busy0 steal0 total0 busy1 steal1 total1 child1
  read -r busy0 steal0 total0 <<<"$MARK_STAT"; read -r busy1 steal1 total1 <<<"$(stat_now)"; children_cs; child1=$CHILD_CS
  "$PY" - "$1" "$busy0" "$steal0" "$total0" "$busy1" "$steal1" "$total1" "$MARK_CHILD" "$child1" >> "$RESULTS/load.txt" <<'PYEOF'
import os, sys
name, b0, s0, t0, b1, s1, t1, c0, c1 = sys.argv[1], *map(float, sys.argv[2:])
hz = os.sysconf("SC_CLK_TCK")
total = max(t1 - t0, 1)
own = (c1 - c0) * hz / 100
other = max(0.0, (b1 - b0) - own) / total
print(f"{name} {other:.3f} {(s1 - s0) / total:.3f} {total / hz / os.cpu_count():.0f}")
PYEOF
}
report() { "$PY" bench/python/report.py --results "$RESULTS" --print "$1"; }
py() { (cd bench/python && "${PEER_ENV[@]}" "$PY" "$@"); }   # the scripts import common.py from their folder
py_as_is() { (cd bench/python && "$PY" "$@"); }              # the environment as it is (gemm's reference run only)
abs() { echo "$ROOT/$1"; }
timed() {  # timed NAME COMMAND...: runs under /usr/bin/time -v, keeping its report beside the JSON
  local name=$1; shift
  if [[ -x $TIME ]]; then "$TIME" -v -o "$(abs "$RESULTS/$name.time")" "$@"; else "$@"; fi
}

# ------------------------------------------------------------------ e. time to accuracy (first: the doc leads with it)
if wants tta; then
  say "e. time to accuracy: Fashion-MNIST 784-512-256-10, Adam, dropout 0.2"
  mark_start
  if ((QUICK)); then EPOCHS=2; REPS=1; else EPOCHS=20; REPS=5; fi
  [[ -d $DATA ]] || fail "tta: $DATA missing (apt-get install dataset-fashion-mnist)"
  NET=(--data "$DATA" --layers 512,256 --batch 64 --epochs $EPOCHS --threads 2)
  for rep in $(seq 1 $REPS); do
    # Interleaved, run r with seed r on every side, as in b. scikit-learn has no dropout (and only Glorot init).
    timed "tta-backprop-$rep" "${BP[@]}" fashion "${NET[@]}" --optimizer adam --lr 0.001 --dropout 0.2 --seed $rep \
      --init he --breakdown 0 --out "$RESULTS/tta-backprop-$rep.json" || fail "tta backprop run $rep: failed"
    if ((HAVE_TORCH)); then
      (cd bench/python && timed "tta-torch-$rep" "${PEER_ENV[@]}" "$PY" fashion_torch.py "${NET[@]}" --optimizer adam \
        --lr 0.001 --dropout 0.2 --seed $rep --init he --out "$(abs "$RESULTS/tta-torch-$rep.json")") \
        || fail "tta PyTorch run $rep: failed"
    fi
    if ((HAVE_SK)); then
      (cd bench/python && timed "tta-sklearn-$rep" "${PEER_ENV[@]}" "$PY" fashion_sklearn.py "${NET[@]}" --optimizer adam \
        --lr 0.001 --seed $rep --out "$(abs "$RESULTS/tta-sklearn-$rep.json")") || fail "tta scikit-learn run $rep: failed"
    fi
  done
  # Backprop alone, seed 1, no dropout: what each optimizer costs an epoch against plain SGD, and whether epochs stay flat.
  for opt in sgd:0.01 momentum:0.01 adam:0.001; do
    "${BP[@]}" fashion "${NET[@]}" --optimizer "${opt%%:*}" --lr "${opt#*:}" --dropout 0 --seed 1 --init he --breakdown 0 \
      --out "$RESULTS/tta-opt-${opt%%:*}.json" || fail "tta backprop ${opt%%:*} (optimizer comparison): failed"
  done
  mark_end tta
  report tta
fi

# ------------------------------------------------------------------ j. an epoch against its matrix products
if wants epoch; then
  say "j. an epoch of tta's network (784-512-256-10, Adam, dropout 0.2, batch 64) against its matrix products alone"
  mark_start
  [[ -d $DATA ]] || fail "epoch: $DATA missing (apt-get install dataset-fashion-mnist)"
  if ((QUICK)); then ROUNDS=3; PROCS=1; else ROUNDS=5; PROCS=3; fi
  for rep in $(seq 1 $PROCS); do
    "${BP[@]}" epoch --data "$DATA" --rounds $ROUNDS --label "this build" --out "$RESULTS/epoch-backprop-$rep.json" \
      || fail "epoch run $rep: failed"
  done
  "${BP[@]}" epoch --data "$DATA" --rounds $ROUNDS --parts 1 --label "this build" --out "$RESULTS/epoch-parts.json" \
    || fail "epoch --parts: failed"
  mark_end epoch
  report epoch
fi

# ------------------------------------------------------------------ a. streetlights
if wants streetlights; then
  say "a. streetlights 3-4-1, one example per update"
  mark_start
  if ((QUICK)); then R_BP=60; R_NP=7; R_TH=5; else R_BP=300; R_NP=30; R_TH=15; fi
  "${BP[@]}" streetlights --epochs-per-rep 500 --reps $R_BP --out "$RESULTS/streetlights-backprop.json" \
    || fail "streetlights backprop: failed"
  py streetlights_numpy.py --epochs-per-rep 500 --reps $R_NP --out "$(abs "$RESULTS/streetlights-numpy.json")" \
    || fail "streetlights numpy: failed"
  if ((HAVE_TORCH)); then
    py streetlights_torch.py --epochs-per-rep 500 --reps $R_TH --out "$(abs "$RESULTS/streetlights-torch.json")" \
      || fail "streetlights PyTorch: failed"
  fi
  mark_end streetlights
  report streetlights
fi

# ------------------------------------------------------------------ b + d. Fashion-MNIST, with peak RSS
if wants fashion; then
  say "b. Fashion-MNIST 784-128-10 float32 (d. peak RSS of the same processes)"
  mark_start
  if ((QUICK)); then EPOCHS=1; REPS=1; else EPOCHS=5; REPS=5; fi
  LR=0.1
  [[ -d $DATA ]] || fail "fashion: $DATA missing (apt-get install dataset-fashion-mnist)"
  for rep in $(seq 1 $REPS); do
    # Interleaved, so that a slow spell of the shared machine does not fall on one implementation only; run r uses
    # seed r on every side, so the accuracies spread over seeds as well.
    timed "fashion-backprop-$rep" "${BP[@]}" fashion --data "$DATA" --epochs $EPOCHS --lr $LR --batch 100 --threads 2 \
      --seed $rep --out "$RESULTS/fashion-backprop-$rep.json" || fail "fashion backprop run $rep: failed"
    if ((HAVE_SK)); then
      (cd bench/python && timed "fashion-sklearn-$rep" "${PEER_ENV[@]}" "$PY" fashion_sklearn.py --data "$DATA" --epochs $EPOCHS --lr $LR \
        --batch 100 --threads 2 --seed $rep --out "$(abs "$RESULTS/fashion-sklearn-$rep.json")") || fail "fashion scikit-learn run $rep: failed"
    fi
    if ((HAVE_TORCH)); then
      (cd bench/python && timed "fashion-torch-$rep" "${PEER_ENV[@]}" "$PY" fashion_torch.py --data "$DATA" --epochs $EPOCHS --lr $LR \
        --batch 100 --threads 2 --seed $rep --out "$(abs "$RESULTS/fashion-torch-$rep.json")") || fail "fashion PyTorch run $rep: failed"
    fi
  done
  mark_end fashion
  report fashion
fi

# ------------------------------------------------------------------ c. matrix products
if wants gemm; then
  say "c. square matrix products, float32 and float64"
  mark_start
  if ((QUICK)); then MINT=0.2; MINR=3; ROUNDS=1; else MINT=1.0; MINR=5; ROUNDS=3; fi
  # Interleaved round by round and size by size (Backprop, numpy as the environment is, numpy as every peer runs: the
  # variables unset plus the chosen core, OpenBLAS at its fastest), so that a slow spell of the shared machine does not
  # fall on one side only; the report takes each side's median over the rounds. The JSON labels stay "env" and "unset".
  for round in $(seq 1 $ROUNDS); do
    for n in 256 512 1024 2048; do
      "${BP[@]}" gemm --sizes $n --types float,double --threads 2 --min-time $MINT --min-reps $MINR \
        --out "$RESULTS/gemm-backprop-$n-r$round.json" || fail "gemm backprop n=$n round $round: failed"
      py_as_is gemm_numpy.py --label env --sizes $n --min-time $MINT --min-reps $MINR \
        --out "$(abs "$RESULTS/gemm-numpy-env-$n-r$round.json")" || fail "gemm numpy (environment) n=$n round $round: failed"
      py gemm_numpy.py --label unset --sizes $n --min-time $MINT --min-reps $MINR \
        --out "$(abs "$RESULTS/gemm-numpy-unset-$n-r$round.json")" || fail "gemm numpy (peer environment) n=$n round $round: failed"
    done
  done
  # The float64 register tile alone, fused against separate multiply-adds: the processor's own ceiling for NumpySeparate (the notes' rounding).
  "${BP[@]}" kernel-limit --min-time $MINT --out "$RESULTS/gemm-kernel-limit.json" || fail "kernel limit: failed"
  mark_end gemm
  report gemm
fi

# ------------------------------------------------------------------ BenchmarkDotNet
if wants micro; then
  say "BenchmarkDotNet micro-benchmarks (in process)"
  mark_start
  "${BP[@]}" micro --artifacts "$RESULTS/micro" || fail "micro: BenchmarkDotNet failed"
  mark_end micro
fi

# ------------------------------------------------------------------ g. the Predictor against ONNX Runtime (alone; micro runs it too)
if wants predict && ! wants micro; then
  say "g. Predicting: Backprop's Predictor against ONNX Runtime's InferenceSession (BenchmarkDotNet, in process)"
  mark_start
  "${BP[@]}" micro --filter '*PredictVsOnnxRuntime*' --artifacts "$RESULTS/predict" || fail "predict: BenchmarkDotNet failed"
  mark_end predict
fi

# ------------------------------------------------------------------ h. backprop serve under load (wrk, 127.0.0.1)
if wants serve; then
  say "h. backprop serve under load: wrk, 32 keep-alive connections on 127.0.0.1, bad requests mixed in"
  mark_start
  tests/serve-load.sh --duration $( ((QUICK)) && echo 5 || echo 20 ) --out "$RESULTS/serve-load.json" || fail "serve: tests/serve-load.sh failed"
  mark_end serve
fi

# ------------------------------------------------------------------ f. loading a CSV file, against Sylvan.Data.Csv
if wants csv; then
  say "f. CSV loading: 60000x785 numbers (Fashion-MNIST's shape) to float64, Backprop against Sylvan.Data.Csv"
  mark_start
  CSV_FILE="$RESULTS/csv-60000x785.csv"   # generated (seeded) on the first run, git-ignored with the results
  # Time: both in one process, interleaved, medians. Memory: each alone in its own process (VmHWM and max RSS).
  "${BP[@]}" csv-load --file "$CSV_FILE" --impl both --rounds $( ((QUICK)) && echo 3 || echo 7 ) \
    --out "$RESULTS/csv-time.json" || fail "csv-load (time): failed"
  for impl in backprop sylvan; do
    timed "csv-memory-$impl" "${BP[@]}" csv-load --file "$CSV_FILE" --impl $impl --out "$RESULTS/csv-memory-$impl.json" \
      || fail "csv-load ($impl memory): failed"
  done
  mark_end csv
  report csv
fi

# ------------------------------------------------------------------ g. a 12-trial sweep, --jobs 1 and --jobs 2
if wants sweep; then
  say "g. a 12-trial sweep: --jobs 1 against --jobs 2"
  mark_start
  dotnet build -c Release -v quiet -nologo src/Backprop.Cli/Backprop.Cli.csproj || fail "sweep: building src/Backprop.Cli failed"
  "$PY" bench/python/sweep_time.py --backprop "dotnet $ROOT/src/Backprop.Cli/bin/Release/net10.0/backprop.dll" \
    --rounds $( ((QUICK)) && echo 1 || echo 5 ) --out "$RESULTS/sweep-time.json" || fail "sweep: failed"
  mark_end sweep
fi

# ------------------------------------------------------------------ k. training on a CSV: peak memory
if wants memory; then
  say "k. training on a CSV: peak memory of backprop train (f32, f64, --cache)"
  mark_start
  dotnet build -c Release -v quiet -nologo src/Backprop.Cli/Backprop.Cli.csproj || fail "memory: building src/Backprop.Cli failed"
  "$PY" bench/python/train_memory.py --backprop "dotnet $ROOT/src/Backprop.Cli/bin/Release/net10.0/backprop.dll" \
    ${BEFORE_BACKPROP:+--before "$BEFORE_BACKPROP"} --rounds $( ((QUICK)) && echo 1 || echo 3 ) \
    --out "$RESULTS/memory-train.json" || fail "memory: failed"
  mark_end memory
  report memory
fi

# ------------------------------------------------------------------ the doc
if [[ $DOC == yes ]]; then
  say "Writing docs/benchmarks.md and docs/benchmarks.png"
  "$PY" bench/python/report.py --results "$RESULTS" --doc docs/benchmarks.md --chart docs/benchmarks.png \
    || { echo "report failed" >&2; exit 1; }
fi

say "All figures"
report all
if [[ -s $RESULTS/failures.txt ]]; then
  say "Did not run"
  cat "$RESULTS/failures.txt"
fi
