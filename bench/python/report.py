"""Reads bench/results/ (written by bench/run.sh) and either prints one workload's comparison (--print) or writes
docs/benchmarks.md and docs/benchmarks.png (--doc, --chart). The doc is generated: edit this file, not the doc."""
import argparse
import glob
import json
import os
import re
import statistics

TARGETS = {
    "streetlights": 3.0,     # guard: Backprop's Fit time per update never worse than 3x the hand-written C# floor's
                             # (the 2x goal was withdrawn in issue 28: it would need a second code path for tiny layers)
    "fashion_sklearn": 2.0,  # Backprop samples/s >= 2x sklearn's
    "fashion_torch": 4.0,    # ... >= 4x PyTorch's
    "gemm": 0.9,             # Backprop GFLOP/s >= 0.9x OpenBLAS's fastest, n >= 512
    "memory": 1.0,           # Backprop peak RSS <= sklearn's
    "tta_time": 0.25,        # e: Backprop training time <= 0.25x PyTorch's (same network, Adam, dropout)
    "tta_optimizer": 1.3,    # e: Backprop Adam (momentum) epoch <= 1.3x its SGD epoch
    "tta_flat": 1.1,         # e: slowest of epochs 3.. <= 1.1x epoch 2 (Adam, momentum)
    "tta_dropout": 0.10,     # e: dropout's share of an Adam epoch <= 10%
    "epoch_products": 1.2,   # j: an Adam epoch of e's network <= 1.2x the same matrix products alone
}
NAMES = {"backprop": "Backprop", "numpy": "numpy", "torch": "PyTorch", "sklearn": "scikit-learn"}


# ---------------------------------------------------------------- loading

def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def max_rss_kib(time_file):
    """'Maximum resident set size (kbytes): N' from /usr/bin/time -v."""
    try:
        with open(time_file) as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
        return int(m.group(1)) if m else None
    except OSError:
        return None


def per_epoch(run):
    """Median seconds an epoch of one run: over its epoch_seconds when it has them, else training time ÷ epochs."""
    if run.get("epoch_seconds"):
        return statistics.median(run["epoch_seconds"])
    epochs = run.get("epochs_run") or run.get("epochs")
    return run["train_seconds"] / epochs if epochs and run.get("train_seconds") else None


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def kernel_limit_text(limit):
    """A sentence on the float64 register tile alone (bench kernel-limit), or nothing when it did not run."""
    tiles = {(t["bits"], t["summation"]): t["gflops_one_core"] for t in (limit or {}).get("tiles", [])}
    parts = []
    for bits in (512, 256):
        fused, exact = tiles.get((bits, "Fused")), tiles.get((bits, "NumpySeparate")) or tiles.get((bits, "Exact"))
        if fused and exact:
            parts.append(f"{bits}-bit: {fused:.1f} GFLOP/s fused, {exact:.1f} separate ({exact / fused:.2f}×)")
    if not parts:
        return ""
    return (" Measured apart from any blocking or packing (`Backprop.Bench kernel-limit`: a 4-row tile of 16 "
            "accumulators over 256 steps of k from L1, one core), the processor itself gives " + "; ".join(parts)
            + ": a `NumpySeparate` product cannot pass that share of a fusing BLAS on this machine, whatever the blocking.")


def predict_rows(path):
    """(network, category, Backprop median ns, ONNX Runtime median ns) from BenchmarkDotNet's CSV report."""
    import csv as csvmod
    with open(path, newline="") as f:
        table = list(csvmod.DictReader(f))
    def ns(text):
        value, unit = text.replace(",", "").split()
        return float(value) * {"ns": 1, "μs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]
    medians = {(r["Network"], r["Categories"], r["Method"].startswith("Backprop")): ns(r.get("Median") or r["Mean"]) for r in table}
    rows = []
    for network in ("784-128-10", "tabular-10"):
        for category in ("one row", "1000 rows"):
            ours, theirs = medians.get((network, category, True)), medians.get((network, category, False))
            if ours and theirs:
                rows.append((network, category, ours, theirs))
    return rows


def fmt_ns(value):
    return f"{value:,.0f} ns" if value < 1e3 else f"{value / 1e3:,.1f} µs" if value < 1e6 else f"{value / 1e6:,.2f} ms"


class Results:
    def __init__(self, folder):
        self.folder = folder
        self.machine = load_json(os.path.join(folder, "machine.json")) or {}
        self.streetlights = {impl: load_json(os.path.join(folder, f"streetlights-{impl}.json"))
                             for impl in ("backprop", "numpy", "torch")}
        self.fashion = {impl: self._fashion(impl) for impl in ("backprop", "sklearn", "torch")}
        self.tta = {impl: self._fashion(impl, "tta") for impl in ("backprop", "sklearn", "torch")}
        self.tta_opt = {opt: load_json(os.path.join(folder, f"tta-opt-{opt}.json")) for opt in ("sgd", "momentum", "adam")}
        self.openblas = load_json(os.path.join(folder, "openblas.json"))
        self.gemm = {label: self._gemm(label) for label in ("backprop", "numpy-env", "numpy-unset")}
        self.kernel_limit = load_json(os.path.join(folder, "gemm-kernel-limit.json"))
        self.csv_time = load_json(os.path.join(folder, "csv-time.json"))
        self.csv_memory = {impl: load_json(os.path.join(folder, f"csv-memory-{impl}.json")) for impl in ("backprop", "sylvan")}
        self.sweep = load_json(os.path.join(folder, "sweep-time.json"))
        self.train_memory = load_json(os.path.join(folder, "memory-train.json"))  # k: bench/python/train_memory.py
        # j: `Backprop.Bench epoch` runs (epoch-*.json), each labelled by the build it measured; and its --parts runs.
        runs = [load_json(p) for p in sorted(glob.glob(os.path.join(folder, "epoch-*.json")))]
        self.epoch = [r for r in runs if r and r.get("workload") == "epoch"]
        self.epoch_parts = [r for r in runs if r and r.get("workload") == "epoch-parts"]
        self.load = {}
        path = os.path.join(folder, "load.txt")
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 2:
                        self.load[parts[0]] = parts[1:]
        self.micro = sorted(p for p in glob.glob(os.path.join(folder, "micro", "results", "*-report-github.md"))
                            if "PredictVsOnnxRuntime" not in p)
        self.predict = (glob.glob(os.path.join(folder, "micro", "results", "*PredictVsOnnxRuntime-report.csv"))
                        + glob.glob(os.path.join(folder, "predict", "results", "*PredictVsOnnxRuntime-report.csv")))
        self.serve_load = load_json(os.path.join(folder, "serve-load.json"))
        self.failures = []
        path = os.path.join(folder, "failures.txt")
        if os.path.exists(path):
            with open(path) as f:
                self.failures = [line.strip() for line in f if line.strip()]

    def _gemm(self, label):
        """gemm-LABEL.json, or gemm-LABEL-N.json for each size (run.sh interleaves sizes), merged."""
        paths = sorted(glob.glob(os.path.join(self.folder, f"gemm-{label}-[0-9]*.json")))
        paths += [p for p in [os.path.join(self.folder, f"gemm-{label}.json")] if os.path.exists(p)]
        merged = None
        for path in paths:
            r = load_json(path)
            if r is None:
                continue
            if merged is None:
                merged = dict(r, results=[])
            merged["results"] += r.get("results", [])
        if merged is not None:
            merged["results"] = combine_rounds(merged["results"])
        return merged

    def _fashion(self, impl, prefix="fashion"):
        """The runs of PREFIX-IMPL-SEED.json (workload b, or e with prefix "tta") and their medians."""
        reps = []
        for path in sorted(glob.glob(os.path.join(self.folder, f"{prefix}-{impl}-[0-9]*.json"))):
            r = load_json(path)
            if r is None:
                continue
            r["max_rss_kib"] = max_rss_kib(path[:-5] + ".time")
            reps.append(r)
        if not reps:
            return None
        first = reps[0]
        return {
            "reps": reps, "n": len(reps), "first": first,
            "samples_per_second": med([r["samples_per_second"] for r in reps]),
            "train_seconds": med([r["train_seconds"] for r in reps]),
            "test_accuracy": med([r["test_accuracy"] for r in reps]),
            "accuracies": [r["test_accuracy"] for r in reps],
            "seeds": [r.get("seed") for r in reps],
            "max_rss_kib": med([r["max_rss_kib"] for r in reps]),
            "max_rss_all": [r["max_rss_kib"] for r in reps],
            "peak_after_load": med([r.get("peak_rss_kib_after_load") for r in reps]),
            "epoch_seconds": med([per_epoch(r) for r in reps]),
        }

    def gemm_rows(self):
        """[(dtype, n, backprop, numpy-env, numpy-unset)] GFLOP/s, None where missing."""
        def index(result):
            return {(r["dtype"], r["n"]): r for r in (result or {}).get("results", [])}
        bp, env, unset = (index(self.gemm[k]) for k in ("backprop", "numpy-env", "numpy-unset"))
        keys = sorted(set(bp) | set(env) | set(unset), key=lambda k: (k[0], k[1]))
        return [(dtype, n, bp.get((dtype, n)), env.get((dtype, n)), unset.get((dtype, n))) for dtype, n in keys]


# ---------------------------------------------------------------- formatting

def num(v, digits=0):
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f}"


def ratio_text(r):
    if r is None:
        return "n/a"
    return f"{r:.3g}×" if r < 10 else f"{r:,.0f}×"


def verdict_at_least(ratio, target):
    if ratio is None:
        return "not measured"
    if ratio >= target:
        return f"**met** ({ratio / target:.2f}× the target)"
    return f"**missed**: {ratio / target:.0%} of the target (needs {target / ratio:.1f}× more)"


def csv_figures(res):
    """(time ratio Backprop ÷ Sylvan, {impl: (peak - runtime) ÷ feature matrix}) of the csv workload, or Nones."""
    t = res.csv_time
    r_time = (t["backprop_median_seconds"] / t["sylvan_median_seconds"]) if t and t.get("sylvan_median_seconds") else None
    memory = {}
    for impl, m in res.csv_memory.items():
        if m and m.get("matrix_bytes"):
            memory[impl] = (m["peak_rss_kib"] - m["runtime_peak_rss_kib"]) * 1024 / m["matrix_bytes"]
    return r_time, memory


def guard_verdict(ratio, limit):
    """A guard's verdict: pass or fail against a limit never to be passed (no margin talk: it is not a goal)."""
    if ratio is None:
        return "not measured"
    return f"**pass** ({ratio:.2f}× ≤ {limit:g}×)" if ratio <= limit else f"**FAIL** ({ratio:.2f}× > {limit:g}×)"


def verdict_at_most(ratio, target):
    if ratio is None:
        return "not measured"
    of = "" if target == 1 else " the target"
    if ratio <= target:
        return f"**met** ({1 - ratio / target:.0%} below{of})"
    return f"**missed**: {ratio / target - 1:.0%} above{of} (needs {ratio / target:.2f}× less)"


# Student's t, 97.5th percentile, by whole degrees of freedom (any statistics table); 1.96 above 30.
T975 = [None, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def mean_difference(ours, theirs):
    """Difference of mean accuracies over the seeds (pp) and the half-width of its 95% interval (Welch's t, degrees of
    freedom rounded down, so the interval errs wide); None when a side has fewer than 2 runs."""
    a, b = [x * 100 for x in ours["accuracies"]], [x * 100 for x in theirs["accuracies"]]
    if len(a) < 2 or len(b) < 2:
        return None
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    se = (va + vb) ** 0.5
    diff = statistics.mean(a) - statistics.mean(b)
    if se == 0:
        return diff, 0.0
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    t = T975[max(1, int(df))] if df < len(T975) else 1.96
    return diff, t * se


def verdict_accuracy(ours, theirs):
    """Equal or better: the median over the seeds is at least the peer's, or, when it is below, the mean difference
    is not significantly below zero (its 95% interval reaches 0): the seeds cannot tell the two apart."""
    if not ours or not theirs:
        return "not measured"
    diff = (ours["test_accuracy"] - theirs["test_accuracy"]) * 100
    if diff >= 0:
        return f"**met** ({diff:+.2f} pp)"
    md = mean_difference(ours, theirs)
    if md is None:
        return f"**missed** ({diff:+.2f} pp)"
    mean, half = md
    interval = f"median {diff:+.2f} pp; mean {mean:+.2f} pp, 95% interval {mean - half:+.2f} to {mean + half:+.2f} pp"
    if mean + half >= 0:
        return f"**met**: equal within seed noise ({interval})"
    return f"**missed** ({interval})"


def pct(r):
    return f"{r['test_accuracy']:.2%}" if r else "n/a"


def mib(kib):
    return None if kib is None else kib / 1024


def plain(text):
    return text.replace("**", "")


# ---------------------------------------------------------------- figures per workload

def floor_ratio(bp):
    """Backprop's Fit time per update divided by the same update written out by hand in C# (the floor)."""
    if not bp or not bp.get("handwritten_us_per_update"):
        return None
    return bp["us_per_update"] / bp["handwritten_us_per_update"]


def streetlights_figures(res):
    s = res.streetlights
    bp, np_, th = s["backprop"], s["numpy"], s["torch"]
    ratio_np = bp["updates_per_second"] / np_["updates_per_second"] if bp and np_ else None
    ratio_th = bp["updates_per_second"] / th["updates_per_second"] if bp and th else None
    return bp, np_, th, ratio_np, ratio_th


def fashion_figures(res):
    f = res.fashion
    bp, sk, th = f["backprop"], f["sklearn"], f["torch"]
    r_sk = bp["samples_per_second"] / sk["samples_per_second"] if bp and sk else None
    r_th = bp["samples_per_second"] / th["samples_per_second"] if bp and th else None
    return bp, sk, th, r_sk, r_th


def combine_rounds(results):
    """One result per (dtype, n): run.sh measures every size in several rounds, each side in turn within a round, so
    that a slow spell of the shared machine falls on both sides; a size's figure is the median over its rounds."""
    groups = {}
    for r in results:
        groups.setdefault((r["dtype"], r["n"]), []).append(r)
    combined = []
    for rounds in groups.values():
        first = dict(rounds[0])
        first["rounds"] = len(rounds)
        first["round_gflops"] = [r["gflops"] for r in rounds]
        first["gflops"] = med([r["gflops"] for r in rounds])
        first["median_seconds"] = med([r["median_seconds"] for r in rounds])
        first["min_seconds"] = min(r["min_seconds"] for r in rounds)
        first["max_relative_error"] = max(r["max_relative_error"] for r in rounds)
        if all(r.get("gflops_numpy") for r in rounds):
            first["gflops_numpy"] = med([r["gflops_numpy"] for r in rounds])
        combined.append(first)
    return combined


def gemm_fastest(env, unset):
    values = [r["gflops"] for r in (env, unset) if r]
    return max(values) if values else None


def memory_figures(res):
    f = res.fashion
    bp, sk = f["backprop"], f["sklearn"]
    ratio = bp["max_rss_kib"] / sk["max_rss_kib"] if bp and sk and bp["max_rss_kib"] and sk["max_rss_kib"] else None
    return ratio


def epochs_after_first(run):
    """Median seconds of epochs 2.. of a Backprop run (the first can carry JIT tiering and first-touch costs)."""
    e = (run or {}).get("epoch_seconds") or []
    return statistics.median(e[1:]) if len(e) >= 2 else None


def flatness(run):
    """Slowest of epochs 3.. ÷ epoch 2: whether epochs get slower as training goes on (None below 3 epochs)."""
    e = (run or {}).get("epoch_seconds") or []
    return max(e[2:]) / e[1] if len(e) >= 3 and e[1] > 0 else None


def tta_figures(res):
    """Workload e: the three implementations' runs, Backprop ÷ PyTorch training time, and the Backprop-only
    optimizer comparison (SGD, momentum, Adam without dropout, and the seed-1 Adam + dropout run of the comparison)."""
    t = res.tta
    bp, sk, th = t["backprop"], t["sklearn"], t["torch"]
    r_time = bp["train_seconds"] / th["train_seconds"] if bp and th and th["train_seconds"] else None
    dropout_run = None
    if bp:
        dropout_run = next((r for r in bp["reps"] if r.get("seed") == 1), bp["first"])
    runs = {"sgd": res.tta_opt["sgd"], "momentum": res.tta_opt["momentum"], "adam": res.tta_opt["adam"],
            "adam+dropout": dropout_run}
    epoch = {k: epochs_after_first(r) for k, r in runs.items()}
    ratio = lambda a, b: epoch[a] / epoch[b] if epoch[a] and epoch[b] else None
    share = ((epoch["adam+dropout"] - epoch["adam"]) / epoch["adam+dropout"]
             if epoch["adam+dropout"] and epoch["adam"] else None)
    return {"bp": bp, "sk": sk, "th": th, "r_time": r_time, "runs": runs, "epoch": epoch,
            "r_adam": ratio("adam", "sgd"), "r_momentum": ratio("momentum", "sgd"),
            "flat_adam": flatness(runs["adam"]), "flat_momentum": flatness(runs["momentum"]), "flat_sgd": flatness(runs["sgd"]),
            "flat": {k: flatness(r) for k, r in runs.items()}, "dropout_share": share}


OPT_LABELS = {"sgd": "SGD", "momentum": "momentum", "adam": "Adam", "adam+dropout": "Adam + dropout 0.2"}


def tta_checks(e):
    """[(what, Backprop's figure, the figure it is compared with, shown ratio, target text, verdict)] of the
    Backprop-only targets of workload e."""
    ep, n = e["epoch"], len((e["runs"]["adam"] or e["runs"]["sgd"] or {}).get("epoch_seconds") or [])
    from2 = f"epochs 2–{n}" if n > 2 else "epoch 2" if n == 2 else "epochs 2–"
    from3 = f"epochs 3–{n}" if n > 3 else "epoch 3" if n == 3 else "epochs 3– (not run)" if n else "epochs 3–"
    sec = lambda v: f"{v:.3f} s" if v is not None else "n/a"
    rows = []
    for key, name in (("adam", "Adam"), ("momentum", "momentum")):
        r = e[f"r_{key}"]
        rows.append((f"Backprop {name} epoch ÷ SGD epoch (no dropout, median of {from2})", sec(ep[key]),
                     f"SGD {sec(ep['sgd'])}", ratio_text(r), f"≤ {TARGETS['tta_optimizer']}×",
                     verdict_at_most(r, TARGETS["tta_optimizer"])))
    for key, name in (("adam", "Adam"), ("momentum", "momentum")):
        run, r = e["runs"][key], e[f"flat_{key}"]
        es = (run or {}).get("epoch_seconds") or []
        slowest = sec(max(es[2:])) if len(es) >= 3 else "n/a"
        rows.append((f"Backprop {name} epochs flat: slowest of {from3} ÷ epoch 2", slowest,
                     f"epoch 2 {sec(es[1] if len(es) >= 2 else None)}", ratio_text(r), f"≤ {TARGETS['tta_flat']}×",
                     verdict_at_most(r, TARGETS["tta_flat"]) if r is not None or not run
                     else "not measured (fewer than 3 epochs)"))
    sgd_run, sgd_flat = e["runs"]["sgd"], e["flat_sgd"]
    if sgd_flat is not None:
        es = sgd_run.get("epoch_seconds") or []
        rows.append((f"Backprop SGD by the same rule: slowest of {from3} ÷ epoch 2", sec(max(es[2:])),
                     f"epoch 2 {sec(es[1])}", ratio_text(sgd_flat), "—",
                     "information: plain SGD does no per-weight state, so what it shows is the shared machine's "
                     "epoch-to-epoch noise, which the rule above cannot tell from a slowdown"))
    share = e["dropout_share"]
    verdict = verdict_at_most(share, TARGETS["tta_dropout"])
    if share is not None and share < 0:
        verdict = "**met** (the run with dropout was the faster one: the cost is below the noise)"
    rows.append((f"Backprop dropout's share of an Adam epoch, (with − without) ÷ with ({from2})", sec(ep["adam+dropout"]),
                 f"without {sec(ep['adam'])}", f"{share:.1%}" if share is not None else "n/a",
                 f"≤ {TARGETS['tta_dropout']:.0%}", verdict))
    return rows


def gemm_peer_label(res):
    """(description, column label) of numpy's second matrix-product run ("unset" in the JSON): since openblas_core.py
    it runs as every peer does (variables unset, plus the chosen core); older results ran with the variables unset."""
    unset = res.gemm["numpy-unset"] or {}
    core = ((unset.get("blas") or {}).get("env") or {}).get("OPENBLAS_CORETYPE")
    if core:
        return (f"numpy, OpenBLAS at its fastest for this CPU (variables unset; `OPENBLAS_CORETYPE={core}` chosen by "
                "`bench/python/openblas_core.py`)", f"numpy ({core})")
    if res.openblas:
        return ("numpy, OpenBLAS at its fastest for this CPU (variables unset; OpenBLAS's own pick, which "
                "`bench/python/openblas_core.py` kept)", "numpy (own pick)")
    return "numpy with `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` unset", "numpy (variables unset)"


def openblas_candidates_text(ob):
    """'unset (Prescott) 38, Cooperlake 216, SkylakeX 209, Haswell 125 GFLOP/s' from openblas.json."""
    parts = []
    if ob.get("unset_gflops"):
        parts.append(f"unset ({ob.get('picked_unset')}) {ob['unset_gflops']:.0f}")
    for c in ob.get("candidates", []):
        if c.get("gflops") and c.get("honoured"):
            parts.append(f"{c['coretype']} {c['gflops']:.0f}")
        elif c.get("skipped"):
            parts.append(f"{c['coretype']} not tried ({c['skipped']})")
        else:
            parts.append(f"{c['coretype']} not honoured (OpenBLAS ran {c.get('reported_core') or '?'})")
    return ", ".join(parts) + (" GFLOP/s" if any(c.get("gflops") for c in ob.get("candidates", [])) or ob.get("unset_gflops") else "")


def peer_env_text(ob):
    """The command prefix every Python peer ran with."""
    chosen = (ob or {}).get("chosen")
    return "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE" + (f" OPENBLAS_CORETYPE={chosen}" if chosen else "")


# ---------------------------------------------------------------- --print

def print_section(res, section):
    if section in ("tta", "all"):
        e = tta_figures(res)
        first = (e["bp"] or e["th"] or e["sk"] or {}).get("first", {})
        print(f"== e. time to accuracy: Fashion-MNIST 784-{'-'.join(map(str, first.get('layers', [512, 256])))}-10, "
              f"Adam lr {first.get('lr', 0.001)}, dropout {(e['bp'] or {}).get('first', {}).get('dropout', 0.2)}, "
              f"batch {first.get('batch', 64)}, {first.get('epochs', '?')} epochs (medians over the seeds)")
        for name, r in (("Backprop", e["bp"]), ("PyTorch", e["th"]), ("sklearn", e["sk"])):
            if r:
                print(f"   {name:<10} {r['train_seconds']:9.2f} s  {num(r['epoch_seconds'], 3):>7} s/epoch  accuracy "
                      f"{r['test_accuracy']:.2%} (seeds: {', '.join(f'{a:.2%}' for a in r['accuracies'])}; {r['n']} run(s))"
                      + ("  [no dropout, Glorot init]" if name == "sklearn" else ""))
            else:
                print(f"   {name:<10} not measured")
        print(f"   Backprop ÷ PyTorch time {ratio_text(e['r_time']):>8}  target ≤ {TARGETS['tta_time']}×: "
              f"{plain(verdict_at_most(e['r_time'], TARGETS['tta_time']))}")
        if e["bp"] and e["sk"] and e["sk"]["train_seconds"]:
            print(f"   Backprop ÷ sklearn time {ratio_text(e['bp']['train_seconds'] / e['sk']['train_seconds']):>8}  (information)")
        print(f"   accuracy vs PyTorch: {plain(verdict_accuracy(e['bp'], e['th']))}")
        print(f"   accuracy vs sklearn (information: no dropout there): {plain(verdict_accuracy(e['bp'], e['sk']))}")
        print("   Backprop alone, seed 1, s per epoch:")
        for key, run in e["runs"].items():
            es = (run or {}).get("epoch_seconds")
            print(f"     {OPT_LABELS[key]:<18} " + (" ".join(f"{v:.2f}" for v in es) +
                                                   f"  (accuracy {run['test_accuracy']:.2%})" if es else "not measured"))
        for what, ours, theirs, shown, target, verdict in tta_checks(e):
            print(f"   {what}: {ours} vs {theirs} = {shown}  target {target}: {plain(verdict)}")
    if section in ("streetlights", "all"):
        bp, np_, th, r_np, r_th = streetlights_figures(res)
        print("== a. streetlights 3-4-1, one example per update (median µs/update; updates/s)")
        for name, r in (("Backprop", bp), ("numpy", np_), ("PyTorch", th)):
            if r:
                print(f"   {name:<10} {r['us_per_update']:10.3f} µs  {r['updates_per_second']:14,.0f} /s")
            else:
                print(f"   {name:<10} not measured")
        print(f"   Backprop ÷ numpy   {ratio_text(r_np):>8}  (information)")
        print(f"   Fit ÷ hand-written floor {ratio_text(floor_ratio(bp)):>8}  guard ≤ {TARGETS['streetlights']:g}× (never worse): "
              f"{plain(guard_verdict(floor_ratio(bp), TARGETS['streetlights']))}")
        print(f"   Backprop ÷ PyTorch {ratio_text(r_th):>8}")
    if section in ("fashion", "all"):
        bp, sk, th, r_sk, r_th = fashion_figures(res)
        print("== b. Fashion-MNIST 784-128-10, float32, batch 100, plain SGD (median samples/s; test accuracy)")
        for name, r in (("Backprop", bp), ("sklearn", sk), ("PyTorch", th)):
            if r:
                print(f"   {name:<10} {r['samples_per_second']:12,.0f} /s  accuracy {r['test_accuracy']:.2%}  "
                      f"({r['n']} run(s), {r['first']['epochs']} epochs)")
            else:
                print(f"   {name:<10} not measured")
        print(f"   Backprop ÷ sklearn {ratio_text(r_sk):>8}  target ≥ 2×: {plain(verdict_at_least(r_sk, 2.0))}; "
              f"accuracy {plain(verdict_accuracy(bp, sk))}")
        print(f"   Backprop ÷ PyTorch {ratio_text(r_th):>8}  target ≥ 4×: {plain(verdict_at_least(r_th, 4.0))}; "
              f"accuracy {plain(verdict_accuracy(bp, th))}")
    if section in ("memory", "fashion", "all"):
        f = res.fashion
        print("== d. peak memory of the Fashion-MNIST run (max RSS, /usr/bin/time -v)")
        for impl in ("backprop", "sklearn", "torch"):
            r = f[impl]
            print(f"   {NAMES[impl]:<12} {num(mib(r and r['max_rss_kib']), 0):>8} MiB" if r else f"   {NAMES[impl]:<12} not measured")
        ratio = memory_figures(res)
        print(f"   Backprop ÷ sklearn {ratio_text(ratio):>8}  target ≤ 1×: {plain(verdict_at_most(ratio, 1.0))}")
    if section in ("gemm", "all"):
        print("== c. square matrix products (median GFLOP/s = 2n³/time)")
        env, unset = res.gemm["numpy-env"], res.gemm["numpy-unset"]
        if env:
            print(f"   numpy as the environment is: {env.get('blas_summary')}")
        if unset:
            print(f"   {plain(gemm_peer_label(res)[0]).replace('`', '')}: {unset.get('blas_summary')}")
        print(f"   {'dtype':<8} {'n':>5} {'Backprop':>9} {'numpy':>9} {'fastest':>9} {'ratio':>7}")
        for dtype, n, bp, e, u in res.gemm_rows():
            fastest = gemm_fastest(e, u)
            r = bp["gflops"] / fastest if bp and fastest else None
            target = f"target ≥ 0.9×: {plain(verdict_at_least(r, 0.9))}" if n >= 512 else ""
            print(f"   {dtype:<8} {n:>5} {num(bp and bp['gflops'], 1):>9} {num(e and e['gflops'], 1):>9} "
                  f"{num(u and u['gflops'], 1):>9} {ratio_text(r):>7}  {target}")
    if section in ("epoch", "all"):
        print("== j. an epoch of e's network against its matrix products alone (medians over the rounds)")
        for label, e in epoch_figures(res).items():
            print(f"   {label:<24} epoch {e['epoch']:.3f} s  products {e['products_median']:.3f} s  ratio {ratio_text(e['ratio'])}  "
                  f"target ≤ {TARGETS['epoch_products']:g}×: {plain(verdict_at_most(e['ratio'], TARGETS['epoch_products']))}")
    if section in ("memory", "all") and res.train_memory:
        tm = res.train_memory
        print(f"== k. training on a CSV: peak memory of `backprop train FILE {' '.join(tm['flags'])}` (max RSS, medians of {tm['rounds']})")
        for r in tm["runs"]:
            print(f"   {r['build']:<22} {r['rows']}x{r['features'] + 1} {r['precision']} {train_memory_cache_text(r):<16} "
                  f"{mib(r['median_max_rss_kib']):6.0f} MiB  matrix {r['matrix_bytes'] / 1048576:5.0f} MiB  goal "
                  f"{r['goal_bytes'] / 1048576:5.0f} MiB: {plain(verdict_at_most(train_memory_ratio(r), 1))}")
        for group, v in tm["models"].items():
            print(f"   models {group}: " + ("byte-identical" if v["identical"] else "differ: " + ", ".join(v["differ"]))
                  + f" ({v['runs']} runs)")
    if section in ("csv", "all"):
        r_csv, memory = csv_figures(res)
        t = res.csv_time
        print("== f. loading a CSV file to doubles (median s, interleaved; memory: (peak - runtime) / feature matrix)")
        if t:
            print(f"   Backprop   {t['backprop_median_seconds']:8.3f} s   Sylvan.Data.Csv {t['sylvan_median_seconds']:8.3f} s   "
                  f"ratio {ratio_text(r_csv)}  target ≤ 1×: {plain(verdict_at_most(r_csv, 1))}")
        else:
            print("   time not measured")
        for impl, v in memory.items():
            target = f"  target ≤ 1.2: {plain(verdict_at_most(v, 1.2))}" if impl == "backprop" else ""
            print(f"   memory {impl:<8} {v:.2f}{target}")


# ---------------------------------------------------------------- chart

def chart(res, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"Backprop": "#1f77b4", "numpy": "#ff7f0e", "PyTorch": "#d62728", "scikit-learn": "#2ca02c",
              "numpy (unset)": "#9467bd"}
    e = tta_figures(res)
    has_tta = any(e[k] for k in ("bp", "sk", "th")) or any(e["runs"].values())
    if has_tta:
        # e leads: its two panels form the first column, a-d keep their 2x2 arrangement to the right.
        fig, grid = plt.subplots(2, 3, figsize=(17.5, 8.5))
        axes = [[grid[0][1], grid[0][2]], [grid[1][1], grid[1][2]]]
    else:
        fig, axes = plt.subplots(2, 2, figsize=(12, 8.5))
    fig.suptitle(f"Backprop vs numpy / scikit-learn / PyTorch — {res.machine.get('cpu_model', '?')}, "
                 f"{res.machine.get('cpus', '?')} cores, {res.machine.get('date', '?')}", fontsize=11)

    def target(ax, value, label):
        if value:
            lo, hi = ax.get_ylim()
            if value * 1.2 > hi:
                ax.set_ylim(lo, value * (4 if ax.get_yscale() == "log" else 1.2))
            ax.axhline(value, color="black", linestyle=":", linewidth=1)
            ax.annotate(label, (ax.get_xlim()[0], value), ha="left", va="bottom", fontsize=8,
                        xytext=(3, 2), textcoords="offset points",
                        bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.8))

    def bars(ax, labels, values, title, ylabel, log=False, notes=None, fmt="{:,.0f}"):
        shown = [(l, v) for l, v in zip(labels, values) if v is not None]
        xs = range(len(shown))
        ax.bar(xs, [v for _, v in shown], color=[colors.get(l, "gray") for l, _ in shown])
        ax.set_xticks(list(xs), [l for l, _ in shown])
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(ylabel)
        if log:
            ax.set_yscale("log")
        for i, (l, v) in enumerate(shown):
            text = fmt.format(v) + (f"\n{notes[l]}" if notes and l in notes else "")
            ax.annotate(text, (i, v), ha="center", va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")
        ax.margins(y=0.25)

    if has_tta:
        first = (e["bp"] or e["th"] or e["sk"] or {}).get("first", {})
        acc = {name: f"acc {r['test_accuracy']:.1%}" + (" (no dropout)" if name == "scikit-learn" else "")
               for name, r in (("Backprop", e["bp"]), ("PyTorch", e["th"]), ("scikit-learn", e["sk"])) if r}
        bars(grid[0][0], ["Backprop", "PyTorch", "scikit-learn"],
             [r and r["train_seconds"] for r in (e["bp"], e["th"], e["sk"])],
             f"e. time to accuracy: 784-512-256-10, Adam, dropout 0.2,\n{first.get('epochs', '?')} epochs: "
             "training seconds (lower is better)", "s", notes=acc, fmt="{:,.1f}")
        if e["th"]:  # in a legend (top left, above Backprop's short bar), where it cannot cover a bar's figures
            grid[0][0].axhline(TARGETS["tta_time"] * e["th"]["train_seconds"], color="black", linestyle=":",
                               linewidth=1, label=f"target: ≤ {TARGETS['tta_time']}× PyTorch's time")
            grid[0][0].legend(fontsize=8, loc="upper left")
        ax = grid[1][0]
        styles = {"sgd": ("#7f7f7f", "o"), "momentum": ("#2ca02c", "s"), "adam": ("#1f77b4", "^"),
                  "adam+dropout": ("#d62728", "v")}
        for key, run in e["runs"].items():
            es = (run or {}).get("epoch_seconds")
            if es:
                ax.plot(range(1, len(es) + 1), es, marker=styles[key][1], color=styles[key][0], markersize=4,
                        label=f"{OPT_LABELS[key]} (median from epoch 2: {num(e['epoch'][key], 2)} s)")
        ax.set_xlabel("epoch")
        ax.set_ylabel("s per epoch")
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.set_title("e. Backprop alone, seed 1: seconds per epoch by optimizer", fontsize=10)
        ax.legend(fontsize=7, loc="lower right")
        ax.grid(True, alpha=0.3)

    bp, np_, th, _, _ = streetlights_figures(res)
    bars(axes[0][0], ["Backprop", "numpy", "PyTorch"],
         [r and r["updates_per_second"] for r in (bp, np_, th)],
         "a. streetlights 3-4-1: updates per second (log)", "updates/s", log=True)
    if bp and bp.get("handwritten_us_per_update"):
        target(axes[0][0], 1e6 / (TARGETS["streetlights"] * bp["handwritten_us_per_update"]),
               f"guard: ≥ 1/{TARGETS['streetlights']:g} of the hand-written floor's")

    fb, fs, ft, _, _ = fashion_figures(res)
    acc = {name: f"acc {r['test_accuracy']:.1%}" for name, r in (("Backprop", fb), ("scikit-learn", fs), ("PyTorch", ft)) if r}
    bars(axes[0][1], ["Backprop", "scikit-learn", "PyTorch"],
         [r and r["samples_per_second"] for r in (fb, fs, ft)],
         "b. Fashion-MNIST 784-128-10 float32: training samples per second", "samples/s", notes=acc)
    if fs:
        target(axes[0][1], 2 * fs["samples_per_second"], "target: 2× scikit-learn")
    if ft:
        target(axes[0][1], 4 * ft["samples_per_second"], "target: 4× PyTorch")

    ax = axes[1][0]
    rows = res.gemm_rows()
    for dtype, style in (("float32", "-"), ("float64", "--")):
        sub = [r for r in rows if r[0] == dtype]
        if not sub:
            continue
        ns = [r[1] for r in sub]
        for label, idx in (("Backprop", 2), ("numpy", 3), ("numpy (unset)", 4)):
            ys = [r[idx]["gflops"] if r[idx] else None for r in sub]
            shown = gemm_peer_label(res)[1] if idx == 4 else label
            if any(y is not None for y in ys):
                ax.plot(ns, ys, style, marker="o", color=colors[label], label=f"{shown} {dtype}")
    ax.set_xscale("log", base=2)
    ax.set_xticks([r[1] for r in rows if r[0] == "float32"] or [256, 512, 1024, 2048])
    ax.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.set_yscale("log")
    ax.set_xlabel("n (square n×n·n×n)")
    ax.set_ylabel("GFLOP/s (log)")
    ax.set_title("c. matrix product, all cores: GFLOP/s", fontsize=10)
    ax.legend(fontsize=7, ncol=2, loc="center right")
    ax.grid(True, which="both", alpha=0.3)

    f = res.fashion
    mem = [mib(f[k]["max_rss_kib"]) if f[k] else None for k in ("backprop", "sklearn", "torch")]
    bars(axes[1][1], ["Backprop", "scikit-learn", "PyTorch"], mem,
         "d. peak memory (max RSS) of the Fashion-MNIST run", "MiB")
    if f["sklearn"]:
        target(axes[1][1], mib(f["sklearn"]["max_rss_kib"]), "target: ≤ scikit-learn")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------- markdown

def doc_tta(res, e, w):
    """Section e of the doc: time to accuracy, and Backprop's optimizers against each other."""
    tb, ts, tt = e["bp"], e["sk"], e["th"]
    first = (tb or tt or ts or {}).get("first", {})
    layers = first.get("layers", [512, 256])
    hidden = ", ".join(map(str, layers))
    lr, batch, epochs = first.get("lr", 0.001), first.get("batch", 64), first.get("epochs", "?")
    dropout = (tb or tt or {}).get("first", {}).get("dropout", 0.2)
    threads = first.get("threads", 2)
    sizes = [784] + list(layers) + [10]
    params = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    runs = (tb or tt or ts or {}).get("n", "?")
    w(f"## e. Time to accuracy: Fashion-MNIST 784-{'-'.join(map(str, layers))}-10, Adam, dropout {dropout}")
    w("")
    w(f"A network as one would train it for accuracy: relu hidden layers of {' and '.join(map(str, layers))} "
      f"({params:,} parameters, with biases), dropout {dropout} after each hidden relu (inverted: kept values scaled "
      f"by 1/{1 - dropout:g} while training, nothing at test time), softmax + cross-entropy averaged over the batch, "
      f"Adam at learning rate {lr} (β1 0.9, β2 0.999, ε 1e-8), He-normal initial weights (std √(2/fan_in)) and zero "
      f"biases, mini-batches of {batch}, shuffled every epoch, {epochs} epoch{'s' if epochs != 1 else ''}, float32, "
      f"{threads} threads, 60,000 training images, accuracy on the 10,000 test images. The figure is the training "
      f"time of the whole run (not loading, not the test pass) and the test accuracy it reaches. Each implementation "
      f"runs in its own process, {runs} time(s), interleaved, run r with seed r on every side; times and accuracies "
      "are medians over the runs (an accuracy below the peer's counts as equal when the 95% interval of the "
      "difference of the means over the seeds, by Welch's t, reaches zero). Each process first warms up on 3,000 "
      "images with a throwaway network, as in b.")
    w("")
    w(f"- **Backprop**: `Trainer<float>` with `Batching.MiniBatch({batch})`, `ShuffleWith = new NumpyRandom(seed)`, "
      f"`new NetworkSpec(784, [{hidden}], 10) {{ OutputActivation = Activation.Softmax, Bias = true, "
      f"Init = Initializer.He, Dropout = {dropout}, Compute = new Compute {{ Threads = {threads} }} }}` (built with `NumpyRandom(seed)`, which also draws the dropout "
      f"masks), `CrossEntropy<float>`, `new Adam<float>({lr}f)`; data as in b "
      "(`IdxLoader.LoadFolder`, `Dataset.RowsAs<float>()`).")
    w(f"- **PyTorch**: `nn.Sequential(Linear(784,{layers[0]}), ReLU(), Dropout({dropout}), "
      + "".join(f"Linear({a},{b}), ReLU(), Dropout({dropout}), " for a, b in zip(layers, layers[1:]))
      + f"Linear({layers[-1]},10))`, each `Linear`'s weight `nn.init.kaiming_normal_(w, nonlinearity='relu')` and "
      f"bias `nn.init.zeros_`, `CrossEntropyLoss`, `torch.optim.Adam(model.parameters(), lr={lr})` (its defaults "
      f"otherwise), `model.train()` while training and `model.eval()` for the test, batches of {batch} cut by hand "
      f"from a fresh `randperm` each epoch (no DataLoader), `torch.set_num_threads({threads})`, float32.")
    w(f"- **scikit-learn** (for information; it has neither dropout nor a choice of initialisation): "
      f"`MLPClassifier(hidden_layer_sizes=({hidden}), activation='relu', solver='adam', learning_rate_init={lr}, "
      f"batch_size={batch}, alpha=0, max_iter={epochs}, shuffle=True, early_stopping=False, tol=0, "
      f"n_iter_no_change={epochs + 1 if isinstance(epochs, int) else 'epochs+1'})` (beta_1 0.9, beta_2 0.999, "
      f"epsilon 1e-8: its defaults), Glorot-uniform init (its only one), float32 input, OpenBLAS limited to {threads} "
      "threads (threadpoolctl); so its accuracy is not a like-for-like target.")
    w("")
    w("| implementation | training s | s/epoch | test accuracy | accuracy by seed | runs | Backprop's time ÷ this | target | verdict |")
    w("|---|---|---|---|---|---|---|---|---|")
    for name, r in (("Backprop", tb), ("PyTorch", tt), ("scikit-learn (no dropout)", ts)):
        if not r:
            w(f"| {name} | not measured | | | | | | | |")
            continue
        by_seed = ", ".join(f"{a:.2%} ({sd})" for a, sd in zip(r["accuracies"], r["seeds"]))
        ratio = tb["train_seconds"] / r["train_seconds"] if tb and r is not tb and r["train_seconds"] else None
        if r is tt:
            target = f"≤ {TARGETS['tta_time']}×, accuracy equal"
            verdict = f"{verdict_at_most(ratio, TARGETS['tta_time'])}; accuracy {verdict_accuracy(tb, tt)}"
        elif r is ts:
            target, verdict = "— (information)", f"accuracy {verdict_accuracy(tb, ts)}"
        else:
            target, verdict = "", ""
        w(f"| {name} | {r['train_seconds']:.1f} | {num(r['epoch_seconds'], 2)} | {r['test_accuracy']:.2%} | {by_seed} "
          f"| {r['n']} | {ratio_text(ratio) if ratio else '—'} | {target} | {verdict} |")
    w("")
    w("s/epoch: the median over the runs of each run's median epoch (scikit-learn reports no epoch times: its "
      "training time ÷ epochs). Training seconds of each run: " + "; ".join(
          f"{NAMES[k]} " + ", ".join(f"{r['train_seconds']:.1f}" for r in res.tta[k]["reps"])
          for k in ("backprop", "torch", "sklearn") if res.tta[k]) + ".")
    w("")

    if any(e["runs"].values()):
        opt_epochs = len((e["runs"]["adam"] or e["runs"]["sgd"] or {}).get("epoch_seconds") or [])
        w(f"**Backprop's optimizers against each other.** Backprop alone, same network, batch, initialisation and "
          f"threads, seed 1, {opt_epochs or '?'} epochs each, no dropout: `new Sgd<float>(0.01f)`, "
          "`new Momentum<float>(0.01f, 0.9f)`, `new Adam<float>(0.001f)`; and the seed-1 run of the comparison "
          f"above (Adam with dropout {dropout}). An epoch's figure is the median of epochs 2 onwards (the first can "
          "carry tiered-compilation and first-touch costs); flat means the slowest of epochs 3 onwards is within "
          f"{TARGETS['tta_flat'] - 1:.0%} of epoch 2 (no slowdown as training goes on, e.g. from subnormal numbers); dropout's share is "
          "(Adam with dropout − Adam without) ÷ Adam with dropout, from two separate processes.")
        w("")
        w("| run | s/epoch (epochs 2–) | ÷ SGD | slowest of 3– ÷ epoch 2 | test accuracy |")
        w("|---|---|---|---|---|")
        for key, run in e["runs"].items():
            if not run:
                w(f"| {OPT_LABELS[key]} | not measured | | | |")
                continue
            r_sgd = e["epoch"][key] / e["epoch"]["sgd"] if e["epoch"][key] and e["epoch"]["sgd"] else None
            w(f"| {OPT_LABELS[key]} | {num(e['epoch'][key], 3)} | {ratio_text(r_sgd)} | {ratio_text(e['flat'][key])} "
              f"| {run['test_accuracy']:.2%} |")
        w("")
        w("| target | Backprop | compared with | ratio | target | verdict |")
        w("|---|---|---|---|---|---|")
        for row in tta_checks(e):
            w("| " + " | ".join(row) + " |")
        w("")
        longest = max(len((r or {}).get("epoch_seconds") or []) for r in e["runs"].values())
        shown = [k for k, r in e["runs"].items() if r and r.get("epoch_seconds")]
        w("Seconds of each epoch:")
        w("")
        w("| epoch | " + " | ".join(OPT_LABELS[k] for k in shown) + " |")
        w("|---|" + "---|" * len(shown))
        for i in range(longest):
            cells = [e["runs"][k]["epoch_seconds"][i] if i < len(e["runs"][k]["epoch_seconds"]) else None for k in shown]
            w(f"| {i + 1} | " + " | ".join(num(c, 3) for c in cells) + " |")
        w("")


def doc_serving(res, w):
    """Sections g (the Predictor against ONNX Runtime) and h (backprop serve under load)."""
    # g. predicting against ONNX Runtime
    w("## g. Predicting: Backprop's Predictor and ONNX Runtime")
    w("")
    rows = predict_rows(res.predict[0]) if res.predict else []
    if rows:
        w("The same model, exported by `OnnxModel.ToBytes`, run by Backprop's `Predictor` and by ONNX Runtime's "
          "`InferenceSession` (Microsoft.ML.OnnxRuntime 1.31.1, default graph optimizations, `IntraOpNumThreads` = "
          f"{res.machine.get('cpus', 'all')} cores as Backprop's `Compute.Default`, inputs and outputs bound once as "
          "`OrtValue`s), float32, the same raw inputs: one row (latency; the predictor's span call, which allocates "
          "nothing) and 1,000 rows (throughput; the predictor's batch call, which allocates its result). BenchmarkDotNet "
          "in one process (`dotnet run -c Release --project bench/Backprop.Bench -- micro --filter '*PredictVsOnnxRuntime*'`), "
          "medians. 784-128-10: relu, softmax, no scaling (pixels 0 to 1); tabular-10: 10-32-16-3, relu, softmax, "
          "standard scaling (in the graph for ONNX Runtime).")
        w("")
        w("| model | work | Backprop | ONNX Runtime | Backprop's time ÷ ONNX Runtime's | target ≤ 1× |")
        w("|---|---|---:|---:|---:|---|")
        for network, category, ours, theirs in rows:
            r = ours / theirs
            w(f"| {network} | {category} | {fmt_ns(ours)} | {fmt_ns(theirs)} | {r:.2f}× | {'met' if r <= 1 else '**missed**'} |")
        w("")
    else:
        w("Not run this time (`bench/run.sh` runs it with the micro-benchmarks, or `--only predict`).")
        w("")

    # h. serving under load
    w("## h. `backprop serve` under load")
    w("")
    sl = res.serve_load
    if sl:
        w(f"`{sl['command']}`: `backprop serve` (Release) of a 3-column model (one text column, missing values filled) on "
          f"127.0.0.1, driven by `wrk` with {sl['threads']} threads and {sl['connections']} keep-alive connections for "
          f"{sl['duration_s']} s, each request 20 rows or 1 row in turn, while another client sent {sl['bad_requests']} bad "
          "requests (each answered with its 4xx); every answer was checked byte for byte against one checked against "
          f"`predict`. Server and load generator share the machine's {sl['cores']} cores.")
        w("")
        w("| requests | requests a second | p50 | p90 | p99 | max |")
        w("|---:|---:|---:|---:|---:|---:|")
        w(f"| {sl['requests']:,} | {sl['rps']:,.0f} | {sl['p50_us'] / 1000:.2f} ms | {sl['p90_us'] / 1000:.2f} ms | "
          f"{sl['p99_us'] / 1000:.2f} ms | {sl['max_us'] / 1000:.2f} ms |")
        w("")
    else:
        w("Not run this time (`bench/run.sh` runs it, or `--only serve`; alone: `tests/serve-load.sh --out FILE.json`).")
        w("")


def epoch_figures(res):
    """Per label (the build measured), in the order first seen: every round's epoch and products seconds pooled over
    the processes, their medians, the ratio of the medians, and the processes' commands."""
    by = {}
    for r in res.epoch:
        e = by.setdefault(r.get("label", "this build"), {"epochs": [], "products": [], "epochs_cpu": [], "products_cpu": [],
                                                         "processes": 0, "losses": set(), "first": r})
        e["epochs"] += r["epoch_seconds"]
        e["products"] += r["products_seconds"]
        e["epochs_cpu"] += r.get("epoch_cpu_seconds", [])
        e["products_cpu"] += r.get("products_cpu_seconds", [])
        e["processes"] += 1
        e["losses"].add(tuple(r.get("train_mean_loss", [])))
    for e in by.values():
        e["epoch"], e["products_median"] = med(e["epochs"]), med(e["products"])
        e["ratio"] = e["epoch"] / e["products_median"] if e["epoch"] and e["products_median"] else None
        e["epoch_cpu"], e["products_cpu"] = med(e["epochs_cpu"]), med(e["products_cpu"])
        e["cpu_ratio"] = e["epoch_cpu"] / e["products_cpu"] if e["epoch_cpu"] and e["products_cpu"] else None
        e["slice_ratio"] = med([r.get("median_chunk_ratio") for r in res.epoch if r.get("label", "this build") == e["first"].get("label", "this build")])
    return by


def doc_epoch(res, w):
    """Section j: an epoch of e's network against its matrix products alone (`Backprop.Bench epoch`)."""
    by = epoch_figures(res)
    if not by:
        return
    first = next(iter(by.values()))["first"]
    w("## j. An epoch against its matrix products")
    w("")
    w(f"The network of e (784-{'-'.join(map(str, first['layers']))}-10, relu, dropout {first['dropout']}, softmax + "
      f"cross-entropy, Adam at {first['lr']}, batches of {first['batch']}, float32, {first['threads']} threads, the "
      f"60,000 Fashion-MNIST training images shuffled each epoch, {first['steps_per_epoch']} steps an epoch) trains epoch "
      "after epoch in one process, a step at a time (`TrainingSession.Step`), and the same matrix products those steps "
      "computed run alone: the same shapes (the last, smaller batch included), buffers of the same sizes, the same "
      "`Compute`, through the `Gemm` entry points `Dense<T>` calls — per step " + "; ".join(f"`{p}`" for p in first["products"])
      + " (the first layer's input delta is not computed: the trainer does not need it). Each epoch is cut into "
      f"{first.get('chunks', 1)} slices of its steps, and each slice's training is followed at once by its products "
      "alone, so a burst of other work on the shared machine falls on both sides of a slice; an epoch's time is the sum "
      "of its slices (the epoch's end in the last), its products' likewise. A figure is the median over the epochs of "
      "every process of a build; the slice ratio is the median over the processes of each one's median slice "
      "(training ÷ products), the figure least moved by other work. Target: an epoch at most "
      f"{TARGETS['epoch_products']:g}× its products (issue 28).")
    w("")
    w("| build | processes × epochs | epoch, s | its products alone, s | epoch ÷ products | median slice ratio | CPU time: epoch ÷ products | target | verdict |")
    w("|---|---|---:|---:|---:|---:|---:|---|---|")
    for label, e in by.items():
        w(f"| {label} | {e['processes']} × {e['first']['rounds']} | {e['epoch']:.3f} | {e['products_median']:.3f} | "
          f"{ratio_text(e['ratio'])} | {num(e['slice_ratio'], 3)} | {ratio_text(e['cpu_ratio'])} ({num(e['epoch_cpu'], 3)} s ÷ {num(e['products_cpu'], 3)} s) "
          f"| ≤ {TARGETS['epoch_products']:g}× | {verdict_at_most(e['ratio'], TARGETS['epoch_products'])} |")
    w("")
    w("CPU time is the process's (`Process.TotalProcessorTime`, both threads, read around each slice): a thread that "
      "waits for a core while other work runs adds wall-clock time but no CPU time, so on a busy machine the CPU-time "
      "ratio is the steadier figure (the worker pool's threads spin briefly between parts, so an epoch counts about "
      "two cores' time throughout, as its products do).")
    w("")
    # Every process trains the same seed: its epochs' losses must be the longest run's first ones, digit for digit.
    runs = [l for e in by.values() for l in e["losses"]]
    longest = max(runs, key=len)
    same = all(l == longest[:len(l)] for l in runs)
    w("Mean training loss of each epoch: " + ("the same digits in every process of every build (" if same else "**not the same in every process** (")
      + ", ".join(f"{v!r}" for v in longest) + ").")
    w("")
    for label, e in by.items():
        w(f"- {label}: epochs " + ", ".join(f"{v:.3f}" for v in e["epochs"]) + " s; products "
          + ", ".join(f"{v:.3f}" for v in e["products"]) + " s.")
    w("")
    for parts in res.epoch_parts:
        p = parts["parts_median_seconds"]
        layers = parts["layers_mean_seconds"]
        elementwise = [l for l in layers if l["name"] != "dense"]
        w(f"Where the time of an epoch goes ({parts.get('label', 'this build')}, `--parts 1`: each step's pieces timed "
          f"apart with `Stopwatch`, medians of {parts['rounds']} epochs, the products alone after each): gathering the "
          f"batch {p['gather']:.3f} s, forward {p['forward']:.3f} s (its products alone {p['forward products']:.3f} s), "
          f"loss and accuracy {p['loss+accuracy']:.3f} s, backward {p['backward']:.3f} s (its products alone "
          f"{p['backward products']:.3f} s), Adam's update {p['update']:.3f} s. Of the layers other than dense "
          "(means, forward + backward): " + ", ".join(f"{l['name']} {l['layer']} {l['forward'] + l['backward']:.3f} s" for l in elementwise)
          + f"; the output delta {parts['backward_start_mean_seconds']:.3f} s.")
        w("")


def train_memory_ratio(r):
    """Peak RSS ÷ the goal (1.2 × the feature matrix at the training precision + 100 MiB): met at ≤ 1."""
    return r["median_max_rss_kib"] * 1024 / r["goal_bytes"] if r.get("median_max_rss_kib") else None


def train_memory_cache_text(r):
    return {"write": "--cache (writes it)", "reuse": "--cache (reads it)"}.get(r.get("cache"), "—")


def train_memory_summary(res, w):
    """Summary rows of k: this build's runs without --cache, the older build's peak beside when measured."""
    tm = res.train_memory
    if not tm:
        return
    this = tm["builds"][0]["label"]
    before = {(r["file"], r["precision"]): r for r in tm["runs"] if r["build"] != this and not r["cache"]}
    for r in tm["runs"]:
        if r["build"] != this or r["cache"]:
            continue
        b = before.get((r["file"], r["precision"]))
        w(f"| k. `backprop train` on a {r['rows']}×{r['features'] + 1} CSV ({'whole numbers' if r['values'] == 'int' else 'decimals'}), "
          f"{r['precision']}: peak RSS, MiB | {num(mib(r['median_max_rss_kib']))} | "
          + (f"{b['build']} {num(mib(b['median_max_rss_kib']))}" if b else "—") + " | "
          + (f"{ratio_text(r['median_max_rss_kib'] / b['median_max_rss_kib'])} of its peak" if b else "—")
          + f" | ≤ 1.2 × {r['matrix_bytes'] / 1048576:.0f} MiB + 100 MiB = {r['goal_bytes'] / 1048576:.0f} MiB | "
          f"{verdict_at_most(train_memory_ratio(r), 1)} |")


def doc_train_memory(res, w):
    """Section k: the peak memory of `backprop train` on a CSV (bench/python/train_memory.py)."""
    tm = res.train_memory
    if not tm:
        return
    files = tm["files"]
    px, dec = files.get("pixels"), files.get("decimals")
    w("## k. Training on a CSV: peak memory")
    w("")
    w(f"`backprop train FILE {' '.join(tm['flags'])} --precision f32|f64 --save M.model`, each run in a fresh process "
      "under `/usr/bin/time -v` (maximum resident set size, the .NET runtime included), and again with `--cache "
      "DIR/FILE.cache` (the first run writes the cache from the CSV, the next one trains from it, memory-mapped), "
      + ("for two builds, " + " and ".join(b["label"] for b in tm["builds"])
         + ", interleaved (the `--cache` runs for the first only)" if len(tm["builds"]) > 1 else f"for {tm['builds'][0]['label']}")
      + f"; {tm['rounds']} round{'s' if tm['rounds'] != 1 else ''}, a figure is the median over them (`bench/python/train_memory.py`). Two generated "
      "(seeded) files: "
      + (f"{px['rows']:,} rows × {px['features'] + 1} columns ({px['bytes'] / 1048576:.0f} MiB: a text label c0–c9, then "
         f"{px['features']} whole-number pixels 0–255, about half of them 0, as in f)" if px else "")
      + (f", and {dec['rows']:,} rows × {dec['features'] + 1} columns ({dec['bytes'] / 1048576:.0f} MiB: a text label, then "
         f"{dec['features']} decimals with four digits such as 0.1234, which float32 cannot hold exactly: held as decimal codes, "
         "4 bytes a value, since commit e471b21; a cache holds them in float64)" if dec else "")
      + ". The feature matrix is rows × features × 4 bytes (f32) or 8 (f64), the training precision; goal (issue 28): "
      "a peak of at most 1.2 × that matrix + 100 MiB for the runtime.")
    w("")
    w("| build | file | precision | cache | peak RSS, MiB | each round, MiB | feature matrix, MiB | goal, MiB | verdict | seconds (median) |")
    w("|---|---|---|---|---:|---|---:|---:|---|---:|")
    # Side by side: by file, precision and cache step, the builds next to each other.
    files_order, builds_order = list(tm["files"]), [b["label"] for b in tm["builds"]]
    steps = [None, "write", "reuse"]
    for r in sorted(tm["runs"], key=lambda r: (files_order.index(r["file"]), r["precision"], steps.index(r["cache"]),
                                               builds_order.index(r["build"]))):
        w(f"| {r['build']} | {r['rows']}×{r['features'] + 1} {'pixels' if r['values'] == 'int' else 'decimals'} | {r['precision']} | {train_memory_cache_text(r)} | "
          f"{num(mib(r['median_max_rss_kib']))} | " + ", ".join(f"{mib(v):.0f}" for v in r["max_rss_kib"])
          + f" | {r['matrix_bytes'] / 1048576:.0f} | {r['goal_bytes'] / 1048576:.0f} | "
          f"{verdict_at_most(train_memory_ratio(r), 1)} | {r['median_seconds']:.1f} |")
    w("")
    same = all(v["identical"] for v in tm["models"].values())
    w("Saved models (compared byte for byte, `filecmp`): "
      + ("every run of a file and precision saved the same model, in every round, with `--cache` or without"
         + (", and in both builds" if len(tm["builds"]) > 1 else "") + "." if same else
         "; ".join(f"{g}: " + ("the same in every run" if v["identical"] else "**differ** in " + ", ".join(v["differ"]))
                   for g, v in tm["models"].items()) + ".")
      + f" Seconds are the whole command's wall-clock time (starting the program, reading the CSV or cache, one epoch, "
      f"saving), on a shared machine: information only. Load average when the runs ended: {tm['load_average'][0]:.1f}.")
    w("")
    w("Before decimal codes, a table of decimals was held in float64 whatever the training precision (a parsed decimal "
      "is not exact in float32, and training scales the value as parsed), 8 bytes a value, about 2× its f32 matrix: "
      "the 1.2× goal was not met for a large file of decimals trained in f32. A short decimal (at most 14 digits after "
      "the point, about 8 significant digits) is now held in 4 bytes as a whole number and a count of digits, decoded "
      "to the parsed value to the bit as batches are gathered; numbers with more digits are still held in float64.")
    w("")


def doc_sweep(sw):
    """Section i: a 12-trial sweep with --jobs 1 and --jobs 2 (bench/python/sweep_time.py)."""
    ratio = sw["jobs2_median_seconds"] / sw["jobs1_median_seconds"]
    return "\n".join([
        "## i. A 12-trial sweep, one job and two",
        "",
        f"`{sw['command']}`, with `--jobs 1` and with `--jobs 2` (on {sw['cores']} cores: one thread a trial with two jobs, "
        "two with one), each run in a fresh `--out` folder, the two interleaved for "
        f"{sw['rounds']} rounds after a warm-up run (each round in another order); wall-clock time of the whole command, starting the program, loading "
        "the data and writing every trial's result, model and final checkpoint included (`bench/python/sweep_time.py`). "
        "Each trial trains a small network (3 inputs, hidden 64 or 128,64, 3 classes) for 1000 epochs of 72 rows in "
        "batches of 8, a fraction of a second of CPU; every run gave the same models and results (but `seconds`).",
        "",
        "--jobs 1: " + ", ".join(f"{v:.2f}" for v in sw["jobs1_seconds"]) + " s; --jobs 2: "
        + ", ".join(f"{v:.2f}" for v in sw["jobs2_seconds"]) + f" s. Medians {sw['jobs1_median_seconds']:.2f} s and "
        f"{sw['jobs2_median_seconds']:.2f} s: two jobs take {ratio_text(ratio)} of one job's time." + cores_got(sw)
        + (" As a control, the same trials as two `sweep run` processes of six trials each, started at once (two cluster "
           "tasks on this machine): " + ", ".join(f"{v:.2f}" for v in sw["two_processes_seconds"])
           + f" s, median {sw['two_processes_median_seconds']:.2f} s, {med([c / t for c, t in zip(sw['two_processes_cpu_seconds'], sw['two_processes_seconds'])]):.2f} "
           "cores' worth of CPU." if "two_processes_seconds" in sw else ""),
        "",
        "The machine is shared with other work (see \"Other work on the machine\" above), so single runs vary. Two jobs "
        "can be faster only by the CPU time they are given: small networks gain little from a second thread in their "
        "products, so on idle cores two trials at a time use both better than one trial with two threads; on a machine "
        "whose cores are busy with other sessions' work, Linux shares the CPU between sessions (autogroup), not threads, "
        "and a second job gets no more of it.",
    ])


def cores_got(sw):
    """' The runs got 0.61 (one job) and 0.64 (two jobs) cores' worth of CPU ...', from the CPU seconds they used."""
    if "jobs1_cpu_seconds" not in sw:
        return ""
    got = {j: med([c / t for c, t in zip(sw[f"jobs{j}_cpu_seconds"], sw[f"jobs{j}_seconds"])]) for j in (1, 2)}
    load = sw.get("load_average")
    return (f" The runs used {got[1]:.2f} (one job) and {got[2]:.2f} (two jobs) cores' worth of CPU time over their "
            f"wall-clock time (medians), of the {sw['cores']} cores" + (f"; the load average was {load[0]:.1f} when they ended" if load else "") + ".")


def doc(res, path, chart_name):
    m = res.machine
    out = []
    w = out.append
    bp_s, np_s, th_s, r_np, r_th_s = streetlights_figures(res)
    fb, fs, ft, r_sk, r_th = fashion_figures(res)
    mem_ratio = memory_figures(res)
    gemm_rows = res.gemm_rows()
    env, unset = res.gemm["numpy-env"], res.gemm["numpy-unset"]
    tf = tta_figures(res)  # (not "e": the gemm loops below bind e)
    tb, ts, tt = tf["bp"], tf["sk"], tf["th"]
    ob = res.openblas
    gemm_peer, gemm_peer_col = gemm_peer_label(res)

    w("# Benchmarks")
    w("")
    w("<!-- Generated by bench/run.sh (bench/python/report.py) from bench/results/. Do not edit: rerun the script. -->")
    w("")
    w("Backprop measured side by side with numpy, scikit-learn and PyTorch, in one run of one script, on one machine. "
      "Every timing is the **median** of several repetitions after a warm-up; every ratio compares figures "
      "taken **in the same run**, one workload after another. The machine is shared with other work, so two runs "
      "can differ by several per cent; the ratios matter more than the absolute figures.")
    w("")
    w(f"- **Date**: {m.get('date', '?')}; commit `{m.get('git_commit', '?')}` (branch `{m.get('git_branch', '?')}`"
      f"{', src/ modified' if m.get('git_dirty_src') else ''}); mode: {m.get('mode', '?')}")
    w(f"- **Command**: `{m.get('command', 'bench/run.sh')}` (from the repository root)")
    zen = " Zen 4" if m.get("cpu_family_model") == "family 25, model 17" else ""
    w(f"- **Machine**: {m.get('cpu_model', '?')}{zen} ({m.get('cpu_family_model', '')}), "
      f"{m.get('cpus', '?')} cores, {m.get('threads_per_core', '?')} thread a core, AVX-512 "
      f"{'yes' if m.get('avx512') else 'no'}, L2 {m.get('l2', '?')}, L3 {m.get('l3', '?')}, "
      f"{m.get('memory_gib', '?')} GiB, {(m.get('hypervisor') + ' guest') if m.get('hypervisor') else 'bare metal'}; {m.get('os', '?')}, Linux {m.get('kernel', '?')}")
    pk = m.get("packages", {})
    deb = lambda name: f" (Debian {pk[name]})" if pk.get(name) else ""
    w(f"- **Versions**: .NET SDK {m.get('dotnet', '?')}; Python {m.get('python', '?')}; numpy {m.get('numpy', '?')}{deb('python3-numpy')}; "
      f"scikit-learn {m.get('sklearn', '?')}{deb('python3-sklearn')}; PyTorch {m.get('torch', '?')}{deb('python3-torch')}; "
      f"threadpoolctl {m.get('threadpoolctl', '?')}; {m.get('openblas', '?')}"
      f"{' with the environment as it is' if ob and ob.get('chosen') else ''} (Debian libopenblas0-pthread "
      f"{m.get('openblas_package', '?')}); BenchmarkDotNet 0.15.8 (NuGet)")
    envs = m.get("openblas_env") or {}
    env_text = ", ".join(f"`{k}={v}`" if v is not None else f"`{k}` unset" for k, v in envs.items())
    if ob is None:  # results from before bench/python/openblas_core.py
        w(f"- **OpenBLAS environment**: {env_text or 'unknown'}. The matrix-product comparison runs numpy twice: once with "
          "the environment as it is, once with `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` so that OpenBLAS picks its "
          "fastest kernel for this CPU; the core each run used is printed below. The other peers run with the environment as it is.")
    else:
        chosen, picked = ob.get("chosen"), ob.get("picked_unset")
        note = re.sub(r"^no choice: ", "", ob.get("note") or "unknown reason")
        if not env_text:
            env_text = ", ".join(f"`{k}={v}`" if v is not None else f"`{k}` unset"
                                 for k, v in (ob.get("environment") or {}).items())
        flags = ob.get("cpu_flags") or {}
        width = "AVX-512" if flags.get("avx512f") else "AVX2" if flags.get("avx2") else "no AVX2"
        text = (f"- **OpenBLAS environment**: every Python peer (numpy, scikit-learn and PyTorch, in every workload; all "
                f"three load the same OpenBLAS) ran with `{peer_env_text(ob)}`")
        if chosen:
            text += (f". Why: with the variables unset, OpenBLAS {ob.get('openblas_version', '')} picks core "
                     f"**{picked}** on this CPU ({ob.get('cpu_family_model', '?')}, {width}), a core without "
                     f"{ob.get('lacks')}: it does not know this model. `bench/python/openblas_core.py` timed a float32 "
                     f"1024×1024 `np.matmul` (median of 11 after 3 warm-ups, each core type in its own process, the "
                     f"best of {len(ob.get('unset_rounds') or [1])} interleaved rounds) with each core type the CPU's "
                     f"flags allow: {openblas_candidates_text(ob)}; it chose the fastest, **{chosen}** (of candidates "
                     "within 5% of the fastest, the most specific).")
        elif picked:
            text += f" (no `OPENBLAS_CORETYPE` chosen: {note}"
            text += f"; {openblas_candidates_text(ob)})." if ob.get("unset_gflops") else ")."
        else:
            text += f" (no `OPENBLAS_CORETYPE` chosen: {note})."
        text += (f" The environment itself had {env_text or 'unknown'}; the matrix-product comparison (c) also runs "
                 "numpy once with the environment as it is, for reference.")
        w(text)
    if res.load:
        def busy(v):
            other, steal, seconds = float(v[0]), float(v[1]), v[2]
            return f"{other:.0%} other work{f', {steal:.0%} stolen by the hypervisor' if steal >= 0.005 else ''} over {seconds} s"
        w("- **Other work on the machine** while each workload ran (the machine's CPU time minus this run's, as a "
          "share of both cores): " + "; ".join(f"{k}: {busy(v)}" for k, v in res.load.items() if len(v) >= 3)
          + ". Where this is high, absolute figures suffer; ratios suffer less, since the sides are interleaved.")
    if res.failures:
        w(f"- **Did not run**: " + "; ".join(res.failures))
    w("")

    # summary
    w("## Summary")
    w("")
    w("| workload | Backprop | peer | ratio | target | verdict |")
    w("|---|---|---|---|---|---|")
    if tb or ts or tt:
        n_ep = (tb or tt or ts)["first"].get("epochs", "?")
        w(f"| e. time to accuracy, training s ({n_ep} epochs) | {num(tb and tb['train_seconds'], 1)} | PyTorch "
          f"{num(tt and tt['train_seconds'], 1)} | {ratio_text(tf['r_time'])} of its time | ≤ {TARGETS['tta_time']}× "
          f"| {verdict_at_most(tf['r_time'], TARGETS['tta_time'])} |")
        w(f"| e. time to accuracy, test accuracy | {pct(tb)} | PyTorch {pct(tt)} | — | equal within seed noise | "
          f"{verdict_accuracy(tb, tt)} |")
        w(f"| e. time to accuracy, test accuracy (information: no dropout, Glorot init there) | {pct(tb)} | "
          f"scikit-learn {pct(ts)} | — | — | information: {verdict_accuracy(tb, ts)} |")
    if any(tf["runs"].values()):
        for what, ours, theirs, shown, target, verdict in tta_checks(tf):
            w(f"| e. {what} | {ours} | {theirs} | {shown} | {target} | {verdict} |")
    if bp_s or np_s:
        r_floor = floor_ratio(bp_s)
        w(f"| a. streetlights 3-4-1, ns per update | {num(bp_s and bp_s['us_per_update'] * 1000, 0)} (Fit) | hand-written C# floor "
          f"{num(bp_s and bp_s.get('handwritten_us_per_update') and bp_s['handwritten_us_per_update'] * 1000, 0)} | "
          f"{ratio_text(r_floor)} the floor's time | ≤ {TARGETS['streetlights']:g}× (a guard: never worse; the 2× goal was withdrawn in issue 28) "
          f"| {guard_verdict(r_floor, TARGETS['streetlights'])} |")
        w(f"| a. streetlights 3-4-1, updates/s | {num(bp_s and bp_s['updates_per_second'])} | numpy {num(np_s and np_s['updates_per_second'])} "
          f"| {ratio_text(r_np)} | — | information (the 200× target was withdrawn in issue 10) |")
    if fb or fs or ft:
        w(f"| b. Fashion-MNIST, samples/s | {num(fb and fb['samples_per_second'])} | scikit-learn {num(fs and fs['samples_per_second'])} "
          f"| {ratio_text(r_sk)} | ≥ 2× | {verdict_at_least(r_sk, 2)} |")
        w(f"| b. Fashion-MNIST, samples/s | {num(fb and fb['samples_per_second'])} | PyTorch {num(ft and ft['samples_per_second'])} "
          f"| {ratio_text(r_th)} | ≥ 4× | {verdict_at_least(r_th, 4)} |")
        for name, peer in (("scikit-learn", fs), ("PyTorch", ft)):
            w(f"| b. Fashion-MNIST, test accuracy | {pct(fb)} | {name} {pct(peer)} | — | ≥ peer | "
              f"{verdict_accuracy(fb, peer)} |")
    for dtype, n, bp, e, u in gemm_rows:
        if n < 512:
            continue
        fastest = gemm_fastest(e, u)
        r = bp["gflops"] / fastest if bp and fastest else None
        mode = f" ({bp['summation']})" if bp and bp.get("summation") else ""
        w(f"| c. matrix product {dtype}{mode} n={n}, GFLOP/s | {num(bp and bp['gflops'], 1)} | OpenBLAS fastest {num(fastest, 1)} "
          f"| {ratio_text(r)} | ≥ 0.9× | {verdict_at_least(r, 0.9)} |")
        if bp and bp.get("gflops_numpy"):
            rn = bp["gflops_numpy"] / fastest if fastest else None
            w(f"| c. matrix product {dtype} (NumpySeparate, the notes' preset) n={n}, GFLOP/s | {num(bp['gflops_numpy'], 1)} "
              f"| OpenBLAS fastest {num(fastest, 1)} | {ratio_text(rn)} | none (numpy's rounding) | - |")
    if fb or fs:
        w(f"| d. peak RSS of the Fashion-MNIST run, MiB | {num(mib(fb and fb['max_rss_kib']))} | scikit-learn "
          f"{num(mib(fs and fs['max_rss_kib']))} | {ratio_text(mem_ratio)} | ≤ 1× | {verdict_at_most(mem_ratio, 1)} |")
    r_csv, csv_mem = csv_figures(res)
    if res.csv_time:
        t = res.csv_time
        w(f"| f. loading a {t['rows']}×{t['columns']} CSV to doubles, s | {num(t['backprop_median_seconds'], 2)} | Sylvan.Data.Csv "
          f"{num(t['sylvan_median_seconds'], 2)} | {ratio_text(r_csv)} of its time | ≤ 1× | {verdict_at_most(r_csv, 1)} |")
    if "backprop" in csv_mem:
        w(f"| f. CSV loading: peak memory less the runtime ÷ the feature matrix | {csv_mem['backprop']:.2f} | Sylvan.Data.Csv "
          f"{csv_mem['sylvan']:.2f} | — | ≤ 1.2 | {verdict_at_most(csv_mem['backprop'], 1.2)} |" if "sylvan" in csv_mem else
          f"| f. CSV loading: peak memory less the runtime ÷ the feature matrix | {csv_mem['backprop']:.2f} | — | — | ≤ 1.2 | "
          f"{verdict_at_most(csv_mem['backprop'], 1.2)} |")
    for label, ep in epoch_figures(res).items():
        w(f"| j. an epoch of e's network ÷ its matrix products alone ({label}) | {num(ep['epoch'], 3)} s | products "
          f"{num(ep['products_median'], 3)} s | {ratio_text(ep['ratio'])} | ≤ {TARGETS['epoch_products']:g}× | "
          f"{verdict_at_most(ep['ratio'], TARGETS['epoch_products'])} |")
    train_memory_summary(res, w)
    if res.sweep:
        sw = res.sweep
        r_sweep = sw["jobs2_median_seconds"] / sw["jobs1_median_seconds"]
        w(f"| i. a 12-trial sweep, s (--jobs 2 against --jobs 1) | {num(sw['jobs2_median_seconds'], 2)} | --jobs 1 "
          f"{num(sw['jobs1_median_seconds'], 2)} | {ratio_text(r_sweep)} of its time | ≤ 1× (never slower) | {verdict_at_most(r_sweep, 1)} |")
    w("")
    w(f"![Backprop vs numpy, scikit-learn and PyTorch]({chart_name})")
    w("")

    # e
    if tb or ts or tt or any(tf["runs"].values()):
        doc_tta(res, tf, w)

    # a
    w("## a. The notes' 3-4-1 network, one example per update")
    w("")
    w("The streetlights (4×3 inputs `[[1,0,1],[0,1,1],[0,0,1],[1,1,1]]`, targets `walk_vs_stop` `[[1],[1],[0],[0]]`), "
      "relu hidden layer of 4, no bias, weights `2*np.random.random(shape)-1` after seed 1, alpha 0.2, squared error, "
      "one example per update, float64. A repetition trains fresh seed-1 weights for "
      f"{(bp_s or np_s or {}).get('epochs_per_rep', '?')} epochs ({(bp_s or np_s or {}).get('updates_per_rep', '?')} updates; "
      "fresh weights keep the error far from subnormal numbers, which would slow every side); the figure is the "
      "median repetition divided by its updates.")
    w("")
    w("- **Backprop**: `Trainer<double>` with `Batching.Stochastic`, `SquaredError`, `Sgd(0.2)`, run by `Fit` over the "
      "epochs (what users run).")
    w("- **numpy**: the notes' \"Backpropagation in code\" loop, verbatim but for its progress print (left out on every "
      "side), inside a function.")
    w("- **PyTorch**: the same loop with float64 tensors (`.mm` for `.dot`), no autograd, `torch.set_num_threads(1)` "
      "(1×3 products cannot use a second thread).")
    w("")
    w("| implementation | µs per update | updates/s | Backprop's ratio | repetitions | error after 60 epochs |")
    w("|---|---|---|---|---|---|")
    for name, r, ratio in (("Backprop (Fit)", bp_s, None), ("numpy", np_s, r_np), ("PyTorch", th_s, r_th_s)):
        if r:
            w(f"| {name} | {r['us_per_update']:.3f} | {r['updates_per_second']:,.0f} | {ratio_text(ratio) if ratio else '—'} "
              f"| {r['reps']} | `{r['error_at_epoch_60']!r}`{' (the notes’ digits)' if r.get('matches_notes') else ''} |")
        else:
            w(f"| {name} | not measured | | | | |")
    if bp_s and bp_s.get("step_loop_us_per_update"):
        w(f"| Backprop (`Step` in a loop, for reference) | {bp_s['step_loop_us_per_update']:.3f} | "
          f"{1e6 / bp_s['step_loop_us_per_update']:,.0f} | "
          f"{ratio_text(1e6 / bp_s['step_loop_us_per_update'] / np_s['updates_per_second']) if np_s else '—'} | {bp_s['reps']} | |")
    if bp_s and bp_s.get("handwritten_us_per_update"):
        hw = bp_s["handwritten_us_per_update"]
        w(f"| C# written out by hand for this network (a floor, not the library) | {hw:.3f} | {1e6 / hw:,.0f} | "
          f"{ratio_text(np_s['us_per_update'] / hw) if np_s else '—'} | {bp_s['reps']} | "
          f"{'the notes’ digits' if bp_s.get('handwritten_matches_notes') else 'differs from the notes'} |")
    w("")
    w(f"Guard: Backprop's `Fit` never worse than {TARGETS['streetlights']:g}× the time of the same update written out by hand "
      f"— {guard_verdict(floor_ratio(bp_s), TARGETS['streetlights'])}. The goal of 2× was withdrawn in issue 28: it would "
      "need a second code path for tiny layers beside the general one. The earlier target, 200× numpy's "
      "updates/s, was withdrawn too: it measured numpy's interpreter more than Backprop. "
      + (f"`Fit` allocates {bp_s['allocated_bytes_per_update']:,.0f} bytes an update: the run's history, one "
         "`EpochResult` an epoch kept in a list sized once per `Fit`, nothing per step. " if bp_s and bp_s.get('allocated_bytes_per_update') is not None else "")
      + "(The notes print `1.5055622665134859e-05`, as Backprop does; numpy here differs in the last digits because it "
      "runs on OpenBLAS, whose kernels use fused multiply-adds, where the notes' numpy ran on a BLAS without them.)")
    w("")

    # b
    w("## b. Fashion-MNIST 784-128-10")
    w("")
    first = (fb or fs or ft or {}).get("first", {})
    w(f"Relu hidden layer of 128, softmax + cross-entropy, mini-batches of {first.get('batch', 100)}, float32, plain SGD "
      f"(no momentum, no L2) at learning rate {first.get('lr', 0.1)} on gradients averaged over the batch (Backprop, "
      f"scikit-learn and PyTorch all average), shuffled every epoch, {first.get('epochs', '?')} epoch{'s' if first.get('epochs') != 1 else ''}, "
      f"{first.get('threads', 2)} threads, 60,000 training images, accuracy on the 10,000 test images. Only the "
      "training loop is timed (not loading, not the test pass). Each implementation runs in its own process, "
      f"{(fb or {}).get('n', '?')} time(s), interleaved, run r with seed r on every side (initial weights and "
      "shuffling); speed and accuracy are the medians over these runs (an accuracy below a peer's still counts as "
      "equal when the 95% interval of the difference of the means over the seeds, by Welch's t, reaches zero). Each process first warms up on 3,000 images "
      "with a throwaway network (Backprop: for at least 1.5 s, so that .NET's tiered compilation has optimised the "
      "hot loops).")
    w("")
    w("- **Backprop**: `Trainer<float>` with `Batching.MiniBatch(100)`, `ShuffleWith = new NumpyRandom(seed)`, "
      "`new NetworkSpec(784, [128], 10) { OutputActivation = Activation.Softmax, Bias = true, Init = Initializer.He, Compute = new Compute { Threads = 2 } }`, "
      "`CrossEntropy<float>`, `Sgd<float>`; data from `IdxLoader.LoadFolder` and `Dataset.RowsAs<float>()`: the images stay bytes and each batch's rows are converted (byte / 255, the same float32 values as `FeaturesAs<float>()`) as the trainer gathers them.")
    if fs:
        wd = fs["first"].get("weights_dtype")
        w(f"- **scikit-learn**: `MLPClassifier(hidden_layer_sizes=(128,), activation='relu', solver='sgd', "
          f"learning_rate='constant', learning_rate_init=lr, momentum=0, nesterovs_momentum=False, batch_size=100, "
          f"alpha=0, max_iter=epochs, shuffle=True, early_stopping=False, tol=0, n_iter_no_change=epochs+1)`, "
          f"float32 input, OpenBLAS limited to 2 threads (threadpoolctl). scikit-learn {fs['first'].get('sklearn', '')} "
          f"keeps float32 input as float32 (no upcast): its weights came out {wd}. It ran {fs['first'].get('epochs_run', '?')} "
          "epoch(s); Glorot-uniform init.")
    else:
        w("- **scikit-learn**: not measured.")
    w("- **PyTorch**: `nn.Sequential(Linear(784,128), ReLU(), Linear(128,10))`, `CrossEntropyLoss`, `torch.optim.SGD(lr, "
      "momentum=0)`, batches cut by hand from a fresh `randperm` each epoch (no DataLoader), `torch.set_num_threads(2)`, "
      "float32, PyTorch's default init.")
    w("")
    w("| implementation | samples/s | training s | test accuracy | Backprop's speed ratio | target | verdict |")
    w("|---|---|---|---|---|---|---|")
    if fb:
        w(f"| Backprop | {num(fb['samples_per_second'])} | {fb['train_seconds']:.2f} | {fb['test_accuracy']:.2%} | — | | |")
    for name, r, ratio, target in (("scikit-learn", fs, r_sk, 2), ("PyTorch", ft, r_th, 4)):
        if r:
            w(f"| {name} | {num(r['samples_per_second'])} | {r['train_seconds']:.2f} | {r['test_accuracy']:.2%} | "
              f"{ratio_text(ratio)} | ≥ {target}×, accuracy ≥ | {verdict_at_least(ratio, target)}; accuracy "
              f"{verdict_accuracy(fb, r)} |")
        else:
            w(f"| {name} | not measured | | | | | |")
    w("")
    if fb:
        losses = ", ".join(f"{v:.4f}" for v in fb["first"].get("train_mean_loss", []))
        w("Samples/s of each run: " + "; ".join(
            f"{NAMES[k]} " + ", ".join(f"{r['samples_per_second']:,.0f}" for r in res.fashion[k]["reps"])
            for k in ("backprop", "sklearn", "torch") if res.fashion[k]) + ".")
        w("")
        w(f"Backprop's mean training loss by epoch (run 1): {losses}. Test accuracy of each run (seed): "
          + "; ".join(f"{NAMES[k]} " + ", ".join(f"{a:.2%} ({sd})" for a, sd in zip(res.fashion[k]['accuracies'], res.fashion[k]['seeds']))
                      for k in ("backprop", "sklearn", "torch") if res.fashion[k]) + ".")
        w("")

    # c
    w("## c. Square matrix products")
    w("")
    rounds = max([r[2].get("rounds", 1) for r in res.gemm_rows() if r[2]] or [1])
    w("c = a·b for n×n matrices of uniform [0, 1) numbers, GFLOP/s = 2n³ / median time of one product, both into a "
      "preallocated c: Backprop's `Gemm.Multiply<T>(new Compute { Threads = 2 }, a, b, c, n, n, n)`, numpy's "
      "`np.matmul(a, b, out=c)` with OpenBLAS's 2 threads. Each side checks 64 entries of c against float64 sums. "
      f"Every size ran in {rounds} round(s), the sides one after another within a round, so that a slow spell of the "
      "shared machine falls on both; a figure is the median over the rounds.")
    w("")
    if env:
        w(f"- numpy with the environment as it is: **{env.get('blas_summary')}**.")
    if unset:
        w(f"- {gemm_peer}: **{unset.get('blas_summary')}**.")
    if env and unset and env.get("blas_summary") == unset.get("blas_summary"):
        w("- Both runs used the same kernel (the environment did not force another), so they differ only by noise.")
    w("")
    w(f"| dtype | n | Backprop GFLOP/s | numpy (environment) | {gemm_peer_col} | Backprop ÷ fastest | target | verdict |")
    w("|---|---|---|---|---|---|---|---|")
    for dtype, n, bp, e, u in gemm_rows:
        fastest = gemm_fastest(e, u)
        r = bp["gflops"] / fastest if bp and fastest else None
        target = "≥ 0.9×" if n >= 512 else "—"
        verdict = verdict_at_least(r, 0.9) if n >= 512 else ""
        w(f"| {dtype} | {n} | {num(bp and bp['gflops'], 1)} | {num(e and e['gflops'], 1)} | {num(u and u['gflops'], 1)} "
          f"| {ratio_text(r)} | {target} | {verdict} |")
    w("")

    errors = []
    for label, key in (("Backprop", 2), ("numpy", 3), (gemm_peer_col, 4)):
        for dtype, limit in (("float32", 1e-4), ("float64", 1e-12)):
            values = [r[key]["max_relative_error"] for r in gemm_rows if r[0] == dtype and r[key]]
            if values:
                worst = max(values)
                errors.append(f"{label} {dtype} {worst:.1e}" + (" (**too large: results wrong?**)" if worst > limit else ""))
    if errors:
        w("Largest relative error of the checked entries, over the sizes: " + "; ".join(errors) + ".")
        w("")

    # d
    w("## d. Peak memory of the Fashion-MNIST run")
    w("")
    w("Maximum resident set size of each process of workload b, from `/usr/bin/time -v` (median over the runs), and "
      "the peak already reached once the data was loaded (read inside the process before training).")
    w("")
    w("| implementation | max RSS, MiB | peak after loading, MiB | Backprop ÷ this | target | verdict |")
    w("|---|---|---|---|---|---|")
    for impl in ("backprop", "sklearn", "torch"):
        r = res.fashion[impl]
        if not r:
            w(f"| {NAMES[impl]} | not measured | | | | |")
            continue
        ratio = (fb["max_rss_kib"] / r["max_rss_kib"]) if fb and fb["max_rss_kib"] and r["max_rss_kib"] and impl != "backprop" else None
        w(f"| {NAMES[impl]} | {num(mib(r['max_rss_kib']))} | {num(mib(r['peak_after_load']))} | "
          f"{ratio_text(ratio) if ratio else '—'} | {'≤ 1×' if impl == 'sklearn' else ''} | "
          f"{verdict_at_most(ratio, 1) if impl == 'sklearn' else ''} |")
    w("")

    # f
    if res.csv_time or csv_mem:
        w("## f. Loading a CSV file")
        w("")
        t = res.csv_time or next(m for m in res.csv_memory.values() if m)
        w(f"A generated (seeded) file of {t['rows']} rows × {t['columns']} columns ({num(t['file_bytes'] / 1048576, 1)} MiB: a "
          "label, then pixels, about half of them 0), read to doubles: by Backprop's `CsvLoader` (features and targets), and by "
          "Sylvan.Data.Csv's reader with `GetDouble` into one preallocated array (rows counted first, as Backprop counts "
          "them). `Backprop.Bench csv-load`.")
        w("")
        if res.csv_time:
            w(f"Time, the two interleaved in one process, {t['rounds']} rounds: Backprop "
              + ", ".join(f"{v:.3f}" for v in t["backprop_seconds"]) + " s; Sylvan "
              + ", ".join(f"{v:.3f}" for v in t["sylvan_seconds"]) + f" s. Medians {t['backprop_median_seconds']:.3f} s and "
              f"{t['sylvan_median_seconds']:.3f} s: Backprop takes {ratio_text(r_csv)} of Sylvan's time.")
            w("")
        if csv_mem:
            w("Memory, each loader alone in a fresh process: (peak resident set − the runtime's before loading) ÷ the "
              "feature matrix's bytes: " + "; ".join(f"{NAMES.get(i, 'Sylvan.Data.Csv')} {v:.2f}" for i, v in csv_mem.items()) + ".")
            w("")

    doc_serving(res, w)
    # i
    if res.sweep:
        w(doc_sweep(res.sweep))
        w("")
    doc_epoch(res, w)
    doc_train_memory(res, w)

    # micro
    w("## Micro-benchmarks (BenchmarkDotNet)")
    w("")
    if res.micro:
        w("`dotnet run -c Release --project bench/Backprop.Bench -- micro` (in-process toolchain, 3 warm-up and 12 "
          "measured iterations, `[MemoryDiagnoser]`): the three product kernels on square n×n·n×n with "
          "`new Compute { Threads = 2 }`, and one `Trainer<float>.Step` of 784-128-10 on a batch of 100.")
        w("")
        shown_env = False
        for report_path in res.micro:
            with open(report_path) as f:
                text = f.read()
            name = os.path.basename(report_path)[:-len("-report-github.md")].replace("Backprop.Bench.", "")
            name = re.sub(r"_(\w+)_$", lambda m: "<" + {"single": "float"}.get(m.group(1).lower(), m.group(1).lower()) + ">", name)
            body = [line.replace("**", "").replace("&lt;", "<").replace("&gt;", ">")
                    for line in text.splitlines() if line.startswith("|")]
            env_lines = [line.strip() for line in text.splitlines()
                         if line.startswith("BenchmarkDotNet") or line.startswith(".NET SDK") or "[Host]" in line]
            if env_lines and not shown_env:
                w("<sub>" + "; ".join(env_lines) + "</sub>")
                w("")
                shown_env = True
            w(f"**`{name}`**")
            w("")
            w("\n".join(body))
            w("")
    else:
        w("Not run this time (`bench/run.sh` runs them unless `--quick`; alone: "
          "`dotnet run -c Release --project bench/Backprop.Bench -- micro`).")
        w("")

    # limits
    w("## What limits it")
    w("")
    w("Written by the script from this run's figures, for each target not met.")
    w("")
    any_missed = False
    if tf["r_time"] is not None and tf["r_time"] > TARGETS["tta_time"]:
        any_missed = True
        need = TARGETS["tta_time"] * tt["train_seconds"]
        w(f"**e. time to accuracy ({ratio_text(tf['r_time'])} PyTorch's time, target ≤ {TARGETS['tta_time']}×).** "
          f"Backprop trains in {tb['train_seconds']:.1f} s ({num(tb['epoch_seconds'], 2)} s an epoch); "
          f"{TARGETS['tta_time']}× PyTorch's {tt['train_seconds']:.1f} s would be {need:.1f} s "
          f"({need / max(1, tb['first'].get('epochs', 1)):.2f} s an epoch).")
        if tf["epoch"]["sgd"] and tf["epoch"]["adam+dropout"]:
            w(f"The same network with plain SGD and no dropout takes {tf['epoch']['sgd']:.2f} s an epoch, Adam with "
              f"dropout {tf['epoch']['adam+dropout']:.2f} s: the optimizer and dropout account for "
              f"{max(0.0, 1 - tf['epoch']['sgd'] / tf['epoch']['adam+dropout']):.0%} of an epoch, the forward and "
              "backward passes (matrix products, relu, softmax, batch gather) for the rest.")
        w("")
    if tb and tt and verdict_accuracy(tb, tt).startswith("**missed"):
        any_missed = True
        w(f"**e. accuracy.** Backprop's median test accuracy is {tb['test_accuracy']:.2%} against PyTorch's "
          f"{tt['test_accuracy']:.2%} ({verdict_accuracy(tb, tt).replace('**', '')}). Both sides run the same "
          "network, loss, optimizer, dropout rate and initialisation scheme, but draw their initial weights, "
          "shuffles and dropout masks from their own random streams.")
        w("")
    missed_e = [row for row in tta_checks(tf) if row[-1].startswith("**missed")] if any(tf["runs"].values()) else []
    if missed_e:
        any_missed = True
        w("**e. Backprop's optimizers and dropout.** " + " ".join(
            f"{what}: {ours} against {theirs}, {shown} (target {target})." for what, ours, theirs, shown, target, _ in missed_e)
          + " These compare separate processes run one after another on a shared machine, so a slow spell during "
          "one run shows here; the per-epoch table in e tells a steady cost from a spell.")
        w("")
    if floor_ratio(bp_s) is not None and floor_ratio(bp_s) > TARGETS["streetlights"] and np_s:
        any_missed = True
        need_ns = bp_s["handwritten_us_per_update"] * TARGETS["streetlights"] * 1000
        w(f"**a. streetlights ({ratio_text(floor_ratio(bp_s))} the hand-written floor's time, guard ≤ {TARGETS['streetlights']:g}×).** "
          f"One update takes {bp_s['us_per_update'] * 1000:,.0f} ns through `Fit`; {TARGETS['streetlights']:g}× the floor would be "
          f"{need_ns:,.0f} ns. The arithmetic of a "
          "3-4-1 update is a few dozen multiply-adds, a few nanoseconds, so the time is per-call overhead: each update "
          "goes layer by layer through `Forward`, the loss, `Backward` and the optimizer, with matrix-product calls on "
          "1×3 and 1×4 shapes that each check lengths and pick a kernel.")
        if bp_s.get("step_loop_us_per_update"):
            step = bp_s["step_loop_us_per_update"]
            w(f"Calling `Trainer.Step` on pre-cut one-row matrices takes {step * 1000:,.0f} ns an update "
              f"({ratio_text(np_s['us_per_update'] / step)} numpy), so {max(0.0, 1 - step / bp_s['us_per_update']):.0%} "
              "of `Fit`'s time is `Fit`'s own work around the steps (copying each example into the batch buffer; with "
              "4 examples an epoch, the per-epoch result and weight snapshot come every 4 updates).")
        if bp_s.get("handwritten_us_per_update"):
            hw = bp_s["handwritten_us_per_update"]
            w(f"The same update written out by hand in C# for this one network (plain arrays, no layers, no calls, the "
              f"notes' rounding) takes {hw * 1000:,.0f} ns ({ratio_text(np_s['us_per_update'] / hw)} numpy): the general "
              f"path (layers, losses and optimizers that serve any network) costs {bp_s['us_per_update'] / hw:.1f}× that, "
              "spread over some 25 calls an update rather than in one place. Closing the gap would take a second, fused "
              "implementation of small networks beside the layers; the general path is kept as the one path instead.")
        if bp_s.get("allocated_bytes_per_update") is not None:
            w(f"`Fit` allocates {bp_s['allocated_bytes_per_update']:,.0f} bytes an update "
              "(`GC.GetAllocatedBytesForCurrentThread`), which also costs garbage collections.")
        w("")
    if fb and fs and r_sk is not None and (r_sk < 2 or (r_th is not None and r_th < 4)):
        any_missed = True
        bd = fb["first"].get("gemm_breakdown")
        w(f"**b. Fashion-MNIST ({ratio_text(r_sk)} scikit-learn, target 2×; {ratio_text(r_th)} PyTorch, target 4×).** "
          f"An epoch takes Backprop {60000 / fb['samples_per_second']:.2f} s; 2× scikit-learn would be "
          f"{60000 / (2 * fs['samples_per_second']):.2f} s" +
          (f" and 4× PyTorch {60000 / (4 * ft['samples_per_second']):.2f} s" if ft else "") + ".")
        if bd:
            per_epoch = bd["seconds_per_step"] * 600
            parts = ", ".join(f"{p['name']} ({p['m']}×{p['k']}·{p['k']}×{p['n']}) {p['gflops']:.1f} GFLOP/s"
                              for p in bd["products"])
            w(f"The five matrix products of a step, timed alone through the public `Gemm` API at the training shapes, "
              f"take {per_epoch:.2f} s an epoch, {bd['share_of_train_time']:.0%} of the measured training time: {parts}. "
              "scikit-learn runs the same products through OpenBLAS's sgemm (see c for the kernel-speed gap), so the "
              "products bound Backprop's speed here until they run near OpenBLAS's rate; the rest "
              "(relu, softmax, loss, bias sums, SGD update, batch gather) is elementwise work.")
        if fb["first"].get("allocated_bytes_per_step") is not None:
            gc = fb["first"].get("gc_collections_gen012", [])
            w(f"Training allocated {fb['first']['allocated_bytes_per_step']:,.0f} bytes a step "
              f"(garbage collections gen0/1/2 during training: {'/'.join(str(c) for c in gc)}).")
        w("")
    if fb and ((fs and fb["test_accuracy"] < fs["test_accuracy"]) or (ft and fb["test_accuracy"] < ft["test_accuracy"])):
        if any(p and verdict_accuracy(fb, p).startswith("**missed") for p in (fs, ft)):
            any_missed = True
        spread = "; ".join(f"{NAMES[k]} {min(res.fashion[k]['accuracies']):.2%}–{max(res.fashion[k]['accuracies']):.2%}"
                           for k in ("backprop", "sklearn", "torch") if res.fashion[k])
        w(f"**b. accuracy.** Backprop's median test accuracy is {fb['test_accuracy']:.2%} against "
          + ", ".join(f"{n} {r['test_accuracy']:.2%}" for n, r in (("scikit-learn", fs), ("PyTorch", ft)) if r)
          + ". Means over the seeds: "
          + ", ".join(f"{NAMES[k]} {statistics.mean(res.fashion[k]['accuracies']):.2%}" for k in ("backprop", "sklearn", "torch") if res.fashion[k])
          + f". Over the seeds of this run the accuracies ranged: {spread}. The three run the same algorithm (same "
          "architecture, loss, batch, learning rate and averaging) but each starts from its own default "
          "initialisation (Backprop He normal, scikit-learn Glorot uniform, PyTorch Kaiming uniform with a=√5) and "
          "shuffles with its own random stream, so where the gap is within the seed-to-seed spread it is noise, "
          "not a difference in learning. The verdict therefore counts a lower median as equal when the 95% interval "
          "of the difference of the means (Welch's t over the seeds) reaches zero: "
          + "; ".join(f"against {n}, {verdict_accuracy(fb, r).replace('**', '')}" for n, r in (("scikit-learn", fs), ("PyTorch", ft))
                      if r and fb["test_accuracy"] < r["test_accuracy"]) + ".")
        w("")
    for label, ep in epoch_figures(res).items():
        if ep["ratio"] is None or ep["ratio"] <= TARGETS["epoch_products"]:
            continue
        any_missed = True
        w(f"**j. an epoch against its products ({label}: {ratio_text(ep['ratio'])}, target ≤ {TARGETS['epoch_products']:g}×).** "
          f"An epoch takes {ep['epoch']:.3f} s, its matrix products alone {ep['products_median']:.3f} s: "
          f"{ep['epoch'] - ep['products_median']:.3f} s of other work, where {TARGETS['epoch_products']:g}× allows "
          f"{(TARGETS['epoch_products'] - 1) * ep['products_median']:.3f} s.")
        parts = next((p for p in res.epoch_parts if p.get("label", "this build") == label), None)
        if parts:
            p = parts["parts_median_seconds"]
            small = sum(l["forward"] + l["backward"] for l in parts["layers_mean_seconds"] if l["name"] != "dense")
            w(f"Timed apart (`--parts 1`), Adam's update takes {p['update']:.3f} s an epoch: it reads the weights, "
              "gradients and both moments of all 535,818 parameters and writes three of them back at every step, about "
              "15 MB a step, far more than a core's own cache holds, and two divisions and a square "
              "root an element, which cannot become multiplications without changing the result. Gathering the "
              f"batches takes {p['gather']:.3f} s, the relu, dropout and softmax layers {small:.3f} s together, the "
              f"loss and accuracy {p['loss+accuracy']:.3f} s; the rest is the dense layers' bias additions and sums and "
              "their products running slower inside an epoch than alone (the update between two steps leaves the "
              "caches full of moments, not of weights)."
              + " Meeting the goal would take the update out of the step's critical path, not more fusing of the small layers (together a tenth of the gap): applying Adam in the weight-gradient product's last pass over each tile, while the gradient is in registers (two of its seven memory streams and a pass saved, the same operations on each element), or overlapping each layer's update with the rest of the backward pass (which, on two cores busy with the products, needs the products themselves to leave room).")
        w("")
    for r in (res.train_memory or {}).get("runs", []):
        ratio = train_memory_ratio(r)
        if ratio is None or ratio <= 1 or r["build"] != res.train_memory["builds"][0]["label"]:
            continue
        any_missed = True
        w(f"**k. training memory ({r['rows']}×{r['features'] + 1}, {r['precision']}, {train_memory_cache_text(r)}: "
          f"{num(mib(r['median_max_rss_kib']))} MiB, goal {r['goal_bytes'] / 1048576:.0f} MiB).** "
          f"{verdict_at_most(ratio, 1).replace('**', '')}.")
        w("")
    missed_gemm = []
    for dtype, n, bp, e, u in gemm_rows:
        fastest = gemm_fastest(e, u)
        if n >= 512 and bp and fastest and bp["gflops"] / fastest < 0.9:
            missed_gemm.append((dtype, n, bp, fastest))
    if missed_gemm:
        any_missed = True
        worst = min(missed_gemm, key=lambda t: t[2]["gflops"] / t[3])
        best = max(missed_gemm, key=lambda t: t[2]["gflops"] / t[3])
        w(f"**c. matrix products ({len(missed_gemm)} of the n ≥ 512 cases below 0.9×).** Backprop reaches "
          f"{worst[2]['gflops'] / worst[3]:.0%} (at {worst[0]} n={worst[1]}) to {best[2]['gflops'] / best[3]:.0%} "
          f"(at {best[0]} n={best[1]}) of OpenBLAS, whose {max(t[3] for t in missed_gemm):.0f} GFLOP/s comes from "
          "cache blocking, packed panels and a register-tiled fused multiply-add micro-kernel for this CPU's vector width.")
        exact = [bp.get("matches_ascending_k_sum") for _, _, bp, _ in missed_gemm]
        modes = sorted({bp.get("summation", "?") for _, _, bp, _ in missed_gemm})
        w("Backprop's products use the same packed, cache-blocked, register-tiled kernel in both summation modes; "
          "every product checked " + ("was" if all(exact) else "was not always") + " bit for bit the sum over k in "
          "ascending order from +0 that `Gemm.cs` documents (64 entries each). Modes of the missed cases: "
          + ", ".join(modes) + ". The target applies to the default `Fused` mode; the notes' preset's "
          "`NumpySeparate` rows (a multiply, rounded, then an add, rounded: numpy's float64 digits) are shown "
          "for comparison: this processor does not issue separate multiplies and adds as fast as fused ones."
          + kernel_limit_text(res.kernel_limit)
          + " In `Fused` mode the remaining gap is the micro-kernel's tile shape "
          "and packing overhead against OpenBLAS's hand-written assembly.")
        w("")
    if mem_ratio is not None and mem_ratio > 1 and fb:
        any_missed = True
        load = fb["peak_after_load"]
        w(f"**d. memory ({ratio_text(mem_ratio)} scikit-learn, target ≤ 1×).** Backprop's peak is "
          f"{num(mib(fb['max_rss_kib']))} MiB, of which {num(mib(load))} MiB were already reached when loading ended "
          "(the images are kept as bytes, 45 MiB for the training set, and converted a batch at a time), while "
          f"scikit-learn's peak after loading was {num(mib(fs['peak_after_load']))} MiB, Python and the libraries "
          f"included. Training itself adds {num(mib(fb['max_rss_kib'] - load))} MiB to Backprop's peak; the .NET "
          "runtime and its garbage-collected heap account for most of the rest.")
        w("")
    if not any_missed:
        w("Every target was met in this run.")
        w("")

    w("## How to run")
    w("")
    w("```sh")
    w("bench/run.sh            # everything: installs peers (apt-get), builds, runs, regenerates this page")
    w("bench/run.sh --quick    # fewer repetitions, 1 epoch (e: 1 seed, 2 epochs), no BenchmarkDotNet; prints, does not rewrite the doc")
    w("bench/run.sh --only tta,gemm   # a subset (tta, epoch, streetlights, fashion, gemm, micro, csv, predict, serve, sweep, memory)")
    w("BEFORE_BACKPROP=\"dotnet OLD/src/Backprop.Cli/bin/Release/net10.0/backprop.dll\" bench/run.sh --only memory   # k, with an older build beside")
    w("dotnet run -c Release --project bench/Backprop.Bench -- epoch --rounds 5   # j alone: an epoch against its products")
    w("dotnet run -c Release --project bench/Backprop.Bench -- streetlights --reps 300 --warmup-seconds 3   # a alone, with its 3× guard")
    w("dotnet run -c Release --project bench/Backprop.Bench -- micro --filter '*TrainerStep*'   # BenchmarkDotNet alone")
    w("```")
    w("")
    w("Raw figures (JSON, `/usr/bin/time -v` output, BenchmarkDotNet reports) go to `bench/results/` (not committed). "
      "Python runs as `/usr/bin/python3` (Debian's, which has the apt-installed packages), whatever `python3` is on PATH; "
      "`bench/python/openblas_core.py` alone prints the OpenBLAS core the peers would run with (and writes "
      "`bench/results/openblas.json`). "
      "The bench project is not part of `Backprop.slnx`, so the root `dotnet test` does not build it.")
    w("")
    with open(path, "w") as f:
        f.write("\n".join(out))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", default="bench/results")
    parser.add_argument("--print", dest="section", choices=["tta", "streetlights", "fashion", "memory", "gemm", "csv", "epoch", "all"])
    parser.add_argument("--doc")
    parser.add_argument("--chart")
    args = parser.parse_args()
    res = Results(args.results)
    if args.section:
        print_section(res, args.section)
    if args.chart:
        chart(res, args.chart)
        print(f"wrote {args.chart}")
    if args.doc:
        doc(res, args.doc, os.path.relpath(args.chart, os.path.dirname(args.doc)) if args.chart else "benchmarks.png")
        print(f"wrote {args.doc}")


if __name__ == "__main__":
    main()
