#!/usr/bin/env bash
# A sweep on a real Slurm cluster, against the same sweep run locally (issue 26, item 4). Installs Debian's slurm-wlm
# and munge when they are missing (apt-get; as root, or with sudo), starts a one-node cluster on 127.0.0.1 as a user
# of Slurm would configure one (munged with a key of its own, slurmctld and slurmd, on free ports, every file in a
# temporary folder), plans a small sweep with --slurm --submit (sbatch --array, and a collecting job after it), waits
# for both jobs, and fails unless every trial's model and result line equals the local sweep's, byte for byte (but the
# seconds column), and results.csv likewise. Stops what it started and removes its folder on any exit (trap).
# Takes about a minute once the packages are there.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "slurm.sh: $*"; }
fail() { echo "slurm.sh: FAILED: $*" >&2; exit 1; }

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }
missing=()
for tool in slurmctld slurmd sbatch munged; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if (( ${#missing[@]} > 0 )); then
  say "installing slurm-wlm and munge (missing: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y --no-install-recommends slurm-wlm munge >/dev/null 2>&1 \
    || { as_root apt-get update >/dev/null && as_root apt-get install -y --no-install-recommends slurm-wlm munge >/dev/null; } \
    || fail "could not install slurm-wlm and munge with apt-get"
fi
for tool in slurmctld slurmd sbatch squeue scontrol munged mungekey; do command -v "$tool" >/dev/null || fail "$tool is still missing after installing slurm-wlm and munge"; done
# slurmd runs jobs as their user and must start as root; so does this script's cluster.
[[ $(id -u) == 0 ]] || fail "starting slurmd needs root (run it as root, as CI does)"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d /tmp/backprop-slurm-XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  local code=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if (( code != 0 )) && [[ -d $work ]]; then
    for log in "$work"/log/*.log "$work"/cluster/slurm/*.out; do [[ -f $log ]] && { echo "== $log"; tail -n 20 "$log"; }; done >&2
  fi
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work"/{log,state,spool,munge}

say "building backprop"
dotnet build -c Release src/Backprop.Cli -o "$work/bin" >"$work/log/build.log" 2>&1 || { tail -n 30 "$work/log/build.log" >&2; fail "build"; }
backprop=(dotnet "$work/bin/backprop.dll")

# A free TCP port on 127.0.0.1 for each daemon (other runs of this script may be using Slurm's defaults).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
ctld_port=$(free_port)
d_port=$(free_port)
while [[ $d_port == "$ctld_port" ]]; do d_port=$(free_port); done

# munge: a key and a socket of our own, so that nothing of the machine's munge is touched.
mungekey --create --keyfile="$work/munge/munge.key" --force >/dev/null 2>&1 \
  || dd if=/dev/urandom of="$work/munge/munge.key" bs=1 count=1024 status=none
chmod 700 "$work/munge"
chmod 400 "$work/munge/munge.key"
socket="$work/munge/munge.socket"
munged --foreground --force --key-file="$work/munge/munge.key" --socket="$socket" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/log/munged.log" --seed-file="$work/munge/seed" >"$work/log/munged.out" 2>&1 &
pids+=($!)

cpus=$(nproc)
cat > "$work/slurm.conf" <<EOF
ClusterName=backprop-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
for _ in $(seq 50); do [[ -S $socket ]] && break; sleep 0.1; done
[[ -S $socket ]] || fail "munged did not start"

say "starting slurmctld (port $ctld_port) and slurmd (port $d_port) on 127.0.0.1"
slurmctld -D -i -f "$SLURM_CONF" >"$work/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" >"$work/log/slurmd.out" 2>&1 &
pids+=($!)
deadline=$((SECONDS + 60))
until sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed)'; do
  (( SECONDS < deadline )) || { sinfo >&2 || true; fail "the node did not become idle in a minute"; }
  sleep 1
done
say "cluster up: $(sinfo -h -o '%P %D %T %c CPUs')"

# The sweep: 6 trials of a small network, shuffled, with dropout; two trials a task (an array of 3 tasks).
data=tests/Backprop.Tests/Data/csv/flowers.csv
flags=(--target species --epochs 15 --batch 10 --shuffle --dropout 0.1 --validation 0.2 --grid 'alpha=0.01|0.003|0.001' --grid 'layers=8|16,8')
say "the sweep locally"
"${backprop[@]}" sweep "$data" "${flags[@]}" --out "$work/local" --jobs 2 --quiet
say "the same sweep through sbatch --array"
mkdir -p "$work/cluster"
BACKPROP="${backprop[*]}" "${backprop[@]}" sweep "$data" "${flags[@]}" --out "$work/cluster" --slurm --per-task 2 --submit | tee "$work/log/submit.out"
jobs=$(sed -n 's/^submitted job array \([0-9]*\) (.*) and job \([0-9]*\),.*/\1 \2/p' "$work/log/submit.out")
[[ -n $jobs ]] || fail "no job ids in: $(cat "$work/log/submit.out")"
deadline=$((SECONDS + 300))
while [[ -n $(squeue -h -j "${jobs// /,}" 2>/dev/null) ]]; do
  (( SECONDS < deadline )) || { squeue >&2 || true; fail "the jobs did not finish in 5 minutes"; }
  sleep 2
done
for job in $jobs; do
  state=$(scontrol show job "$job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | sort -u | tr '\n' ' ')
  [[ -z $state || $state == "COMPLETED " ]] || fail "job $job ended $state"
done
[[ -f $work/cluster/results.csv ]] || fail "the collecting job wrote no results.csv"

say "comparing every trial's model and result, byte for byte"
without_seconds() { python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
s = rows[0].index('seconds')
for r in rows:
    del r[s]
    print(r)
PY
}
n=0
for model in "$work"/local/trials/*.model; do
  cmp "$model" "$work/cluster/trials/$(basename "$model")" || fail "$(basename "$model") differs"
  result=${model%.model}.csv
  diff <(without_seconds "$result") <(without_seconds "$work/cluster/trials/$(basename "$result")") || fail "$(basename "$result") differs"
  n=$((n + 1))
done
(( n == 6 )) || fail "$n trial models, not 6"
diff <(without_seconds "$work/local/results.csv") <(without_seconds "$work/cluster/results.csv") || fail "results.csv differs"
say "OK: 6 trials through a Slurm job array (jobs $jobs), models and results equal to the local sweep's"
