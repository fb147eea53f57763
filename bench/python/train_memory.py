"""k. Training on a CSV: peak memory. `backprop train FILE --target label --layers 4 --epochs 1 --quiet`, each run in a
fresh process under /usr/bin/time -v (maximum resident set size), with --precision f32 and f64, and with --cache (the
first run writes the cache, the second reads it), for this build and optionally an older one (--before), the runs
interleaved for --rounds rounds; a figure is the median over the rounds. Every run saves its model; the models of one
file and precision must be byte for byte the same across rounds, --cache or not, and builds.

Two generated (seeded) files, written into the folder of --out (not committed): 60000 x 785, a text label then 784
whole-number pixels 0..255, about half of them 0 (workload f's mix); and 60000 x 785, a text label then 784 decimals
with four digits (0.1234), which float32 cannot hold exactly: the loader holds them as decimal codes (4 bytes a value),
a cache as float64.

Goal (issue 28): peak RSS <= 1.2 x the feature matrix at the training precision + 100 MiB (the runtime).

    python3 train_memory.py --backprop "dotnet src/Backprop.Cli/bin/Release/net10.0/backprop.dll" \
        [--before "dotnet OLD/backprop.dll"] --rounds 3 --out bench/results/memory-train.json
"""
import argparse
import filecmp
import json
import os
import random
import re
import shlex
import shutil
import statistics
import subprocess
import tempfile
import time

TIME = "/usr/bin/time"
FILES = {
    # name: (rows, feature columns, kind)
    "pixels": (60000, 784, "int"),
    "decimals": (60000, 784, "decimal"),
}
FLAGS = ["--target", "label", "--layers", "4", "--epochs", "1", "--quiet"]
MIB = 1048576


def generate(path, rows, features, kind, seed):
    """A seeded CSV: `label` (text: c0..c9), then the features. Written once; kept while its size is right."""
    if os.path.exists(path):
        return
    rng = random.Random(seed)
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        f.write("label," + ",".join(f"{'pixel' if kind == 'int' else 'x'}{c + 1}" for c in range(features)) + "\n")
        if kind == "int":
            # About half 0, the rest 1..255, as workload f's file (CsvLoadBench.Generate), from Python's own stream.
            values = [str(v) for v in range(256)]
            weights = [255] + [1] * 255   # 0 half the time, else 1..255 alike
            for _ in range(rows):
                f.write(f"c{rng.randrange(10)}," + ",".join(rng.choices(values, weights, k=features)) + "\n")
        else:
            for _ in range(rows):
                f.write(f"c{rng.randrange(10)}," + ",".join(f"{rng.random():.4f}" for _ in range(features)) + "\n")
    os.replace(tmp, path)


def max_rss_kib(text):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return int(m.group(1)) if m else None


def run(program, args, model, time_file):
    start = time.monotonic()
    done = subprocess.run([TIME, "-v", "-o", time_file] + program + ["train"] + args + ["--save", model],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"train_memory: {' '.join(program + args)} failed ({done.returncode}):\n{done.stdout}")
    with open(time_file) as f:
        return max_rss_kib(f.read()), seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backprop", required=True, help="the command that runs this build, e.g. 'dotnet .../backprop.dll'")
    parser.add_argument("--before", help="the command that runs an older build (no --cache runs for it)")
    parser.add_argument("--before-label", default="before")
    parser.add_argument("--label", default="this build")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", help="folder for the generated CSV files (default: the folder of --out)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    data = os.path.abspath(args.data or os.path.dirname(os.path.abspath(args.out)))
    os.makedirs(data, exist_ok=True)
    paths = {}
    for i, (name, (rows, features, kind)) in enumerate(FILES.items()):
        paths[name] = os.path.join(data, f"memory-{name}-{rows}x{features + 1}.csv")
        generate(paths[name], rows, features, kind, seed=28 + i)

    builds = [(args.label, shlex.split(args.backprop), True)]
    if args.before:
        builds.append((args.before_label, shlex.split(args.before), False))
    configs = []  # (build label, program, file, precision, cache step or None)
    for label, program, has_cache in builds:
        for name in FILES:
            for precision in ("f32", "f64"):
                configs.append((label, program, name, precision, None))
            if has_cache:
                # The cache at the file's natural precision: f32 for the whole numbers, f64 for the decimals.
                precision = "f32" if FILES[name][2] == "int" else "f64"
                configs.append((label, program, name, precision, "write"))
                configs.append((label, program, name, precision, "reuse"))

    work = tempfile.mkdtemp(prefix="backprop-memory-bench-")
    rss, secs, models = {}, {}, {}
    try:
        # A warm-up run of each build (the first start of a program reads it from disk), not counted.
        for label, program, _ in builds:
            run(program, [paths["decimals"]] + FLAGS + ["--precision", "f32"], os.path.join(work, "warm.model"),
                os.path.join(work, "warm.time"))
        for r in range(args.rounds):
            # Interleaved: file by file, precision by precision, the builds one after the other (their order alternating
            # by round), then this build's cache runs (the write before the reuse).
            order = []
            for name in FILES:
                for precision in ("f32", "f64"):
                    same = [i for i, c in enumerate(configs) if c[2] == name and c[3] == precision and c[4] is None]
                    order += same if r % 2 == 0 else same[::-1]
                order += [i for i, c in enumerate(configs) if c[2] == name and c[4] == "write"]
                order += [i for i, c in enumerate(configs) if c[2] == name and c[4] == "reuse"]
            cache_dir = os.path.join(work, f"cache-r{r}")
            os.makedirs(cache_dir)
            for i in order:
                label, program, name, precision, cache = configs[i]
                key = f"{label}|{name}|{precision}|{cache or ''}"
                extra = ["--precision", precision]
                if cache:
                    extra += ["--cache", os.path.join(cache_dir, f"{name}.cache")]
                model = os.path.join(work, f"m{i}-r{r}.model")
                kib, s = run(program, [paths[name]] + FLAGS + extra, model, os.path.join(work, f"m{i}-r{r}.time"))
                rss.setdefault(key, []).append(kib)
                secs.setdefault(key, []).append(s)
                models.setdefault(f"{name}|{precision}", []).append((key, model))
                print(f"  round {r + 1}: {label:<12} {name:<8} {precision} {('--cache ' + cache) if cache else '':<14} "
                      f"{kib / 1024:7.0f} MiB  {s:6.1f} s", flush=True)
            shutil.rmtree(cache_dir)
        identical = {}
        for group, runs in models.items():
            # Against this build's first run of the file and precision (no --cache).
            first = runs[[k.split("|")[0] for k, _ in runs].index(args.label)][1]
            differ = sorted({key for key, m in runs if not filecmp.cmp(first, m, shallow=False)})
            identical[group] = {"runs": len(runs), "identical": not differ, "differ": differ,
                                "within_build": not any(k.startswith(args.label + "|") for k in differ)}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows_out = []
    for label, program, name, precision, cache in configs:
        key = f"{label}|{name}|{precision}|{cache or ''}"
        rows, features, kind = FILES[name]
        matrix = rows * features * (4 if precision == "f32" else 8)
        goal = 1.2 * matrix + 100 * MIB
        peak = statistics.median(rss[key]) * 1024
        rows_out.append({
            "build": label, "file": name, "rows": rows, "features": features, "values": kind,
            "file_bytes": os.path.getsize(paths[name]), "precision": precision, "cache": cache,
            "command": "backprop train " + os.path.basename(paths[name]) + " " + " ".join(FLAGS) + f" --precision {precision}"
                       + (" --cache DIR/" + name + ".cache" if cache else "") + " --save M.model",
            "max_rss_kib": rss[key], "median_max_rss_kib": statistics.median(rss[key]),
            "seconds": secs[key], "median_seconds": statistics.median(secs[key]),
            "matrix_bytes": matrix, "goal_bytes": goal, "met": peak <= goal,
            "models_identical": identical[f"{name}|{precision}"]["identical"],
        })
        print(f"{label:<12} {name:<8} {precision} {('--cache ' + cache) if cache else '':<14} peak {peak / MIB:6.0f} MiB  "
              f"matrix {matrix / MIB:5.0f} MiB  goal {goal / MIB:5.0f} MiB  {'met' if peak <= goal else 'MISSED'}")
    result = {
        "workload": "train-memory", "flags": FLAGS, "rounds": args.rounds,
        "builds": [{"label": label, "command": " ".join(program)} for label, program, _ in builds],
        "files": {name: {"rows": r, "features": f, "values": k, "bytes": os.path.getsize(paths[name]),
                         "name": os.path.basename(paths[name])} for name, (r, f, k) in FILES.items()},
        "runs": rows_out, "models": identical,
        "load_average": os.getloadavg(), "cores": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    for group, v in identical.items():
        print(f"models {group}: {v['runs']} runs, " + ("byte-identical" if v["identical"] else f"DIFFER: {', '.join(v['differ'])}"))
    if not all(v["within_build"] for v in identical.values()):
        raise SystemExit("train_memory: this build's saved models differ between runs (see above)")


if __name__ == "__main__":
    main()
