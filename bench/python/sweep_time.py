"""g. A 12-trial sweep with --jobs 1 and --jobs 2, side by side: the same `backprop sweep` command, each run in a
fresh --out folder, the two interleaved for several rounds; wall-clock time of the whole command (starting the
program included). Fails unless every run's models and result lines (but seconds) are the first run's.

    python3 sweep_time.py --backprop "dotnet src/Backprop.Cli/bin/Release/net10.0/backprop.dll" --rounds 3 --out sweep-time.json
"""
import argparse
import csv
import glob
import json
import os
import resource
import shlex
import shutil
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = "tests/Backprop.Tests/Data/csv/flowers.csv"
# 12 trials: 3 learning rates x 2 architectures x 2 dropouts, each 1000 epochs of 72 rows in batches of 8 (a second or
# so a trial: long enough that training, not starting the program, is what is measured).
FLAGS = ["--target", "species", "--epochs", "1000", "--batch", "8", "--shuffle", "--validation", "0.2",
         "--grid", "alpha=0.01|0.003|0.001", "--grid", "layers=64|128,64", "--grid", "dropout=0|0.2", "--quiet"]


def without_seconds(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    s = rows[0].index("seconds")
    return [r[:s] + r[s + 1:] for r in rows]


def fingerprint(folder):
    models = {os.path.basename(p): open(p, "rb").read() for p in sorted(glob.glob(os.path.join(folder, "trials", "*.model")))}
    return models, without_seconds(os.path.join(folder, "results.csv"))


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backprop", required=True, help="the command that runs backprop, e.g. 'dotnet .../backprop.dll'")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    program = shlex.split(args.backprop)
    work = tempfile.mkdtemp(prefix="backprop-sweep-bench-")
    times = {1: [], 2: [], "p": []}
    cpu = {1: [], 2: [], "p": []}   # CPU seconds (user + system) each run used: over its wall-clock time, the cores it got
    reference = None
    try:
        # A warm-up run (the first start of a program reads it from disk), not counted.
        subprocess.run(program + ["sweep", DATA] + FLAGS + ["--out", os.path.join(work, "warm"), "--jobs", "2"], cwd=ROOT, check=True)
        for r in range(args.rounds):
            for jobs in [(1, 2, "p"), (2, "p", 1), ("p", 1, 2)][r % 3]:
                folder = os.path.join(work, f"j{jobs}-r{r}")
                if jobs == "p":
                    # A control: the plan's two halves as two processes of one job each, at once (as two cluster tasks on
                    # this machine would run): what two cores give when each trial has a process of its own.
                    subprocess.run(program + ["sweep", DATA] + FLAGS + ["--out", folder, "--plan"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
                    start, used = time.monotonic(), cpu_seconds()
                    tasks = [subprocess.Popen(program + ["sweep", "run", folder, "--index", str(i), "--per-task", "6", "--quiet"], cwd=ROOT) for i in (0, 1)]
                    if any(t.wait() != 0 for t in tasks):
                        raise SystemExit("sweep_time: a 'sweep run' task failed")
                    times[jobs].append(time.monotonic() - start)
                    cpu[jobs].append(cpu_seconds() - used)
                    subprocess.run(program + ["sweep", "collect", folder], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
                else:
                    start, used = time.monotonic(), cpu_seconds()
                    subprocess.run(program + ["sweep", DATA] + FLAGS + ["--out", folder, "--jobs", str(jobs)], cwd=ROOT, check=True)
                    times[jobs].append(time.monotonic() - start)
                    cpu[jobs].append(cpu_seconds() - used)
                got = fingerprint(folder)
                reference = reference or got
                if got != reference:
                    raise SystemExit(f"sweep_time: --jobs {jobs} round {r + 1} gave other models or results than the first run")
                shutil.rmtree(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = {j: sorted(v)[len(v) // 2] for j, v in times.items()}
    result = {
        "command": "backprop sweep " + DATA + " " + " ".join(shlex.quote(f) for f in FLAGS) + " --out DIR --jobs N",
        "trials": 12, "rounds": args.rounds, "cores": os.cpu_count(),
        "jobs1_seconds": times[1], "jobs2_seconds": times[2],
        "jobs1_median_seconds": med[1], "jobs2_median_seconds": med[2],
        "jobs1_cpu_seconds": cpu[1], "jobs2_cpu_seconds": cpu[2],
        "two_processes_seconds": times["p"], "two_processes_median_seconds": med["p"], "two_processes_cpu_seconds": cpu["p"],
        "load_average": os.getloadavg(),
        "identical": True,
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    print(f"sweep: --jobs 1 {med[1]:.2f} s, --jobs 2 {med[2]:.2f} s, two processes {med['p']:.2f} s (medians of {args.rounds}); "
          f"ratio {med[2] / med[1]:.2f}")


if __name__ == "__main__":
    main()
