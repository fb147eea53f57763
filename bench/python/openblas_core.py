"""Which OpenBLAS core type the Python peers should run with: OpenBLAS at its best for this CPU.

OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels from the CPU's family and model. A release older than
the CPU does not know the model and falls back to a generic core: OpenBLAS 0.3.21 on an Intel Xeon of family 6,
model 207 (AVX-512) picks "Prescott" (SSE3, no AVX), five times slower at sgemm than its Cooperlake kernels. This
script asks (in a subprocess, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from the environment) which core
OpenBLAS picks by itself (threadpoolctl's `architecture`); when the CPU has AVX2 or AVX-512 but that core has no
AVX2, it times a float32 1024x1024 np.matmul (3 warm-ups, median of 11) with the picked core and with each core type
the CPU's flags allow (Cooperlake: avx512_bf16; SkylakeX: avx512f+bw+vl+dq; Haswell: avx2+fma), each in its own
subprocess, in 3 interleaved rounds (a core's figure is its best round, so that a busy spell of a shared machine
does not decide), and chooses the fastest.

    /usr/bin/python3 bench/python/openblas_core.py [--out bench/results/openblas.json]

stdout gets one shell line, `OPENBLAS_CORETYPE=Name`, or an empty line when OpenBLAS's own pick is already the best
(or nothing could be asked: numpy or threadpoolctl missing); progress goes to stderr. The JSON records the CPU, the
core picked with the variables unset, each candidate's GFLOP/s and the choice (`chosen`, null for none). It never
fails: when something is missing it chooses nothing and says why (`note`)."""
import argparse
import json
import os
import subprocess
import sys
import time

OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# Core types (threadpoolctl's `architecture`, OpenBLAS's corename) without AVX at all, and Sandybridge: AVX, no AVX2.
NO_AVX = {"prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai", "coppermine", "northwood",
          "banias", "yonah", "opteron", "opteron_sse3", "barcelona", "bobcat", "athlon", "generic"}
NO_AVX2 = NO_AVX | {"sandybridge", "bulldozer", "piledriver", "steamroller", "excavator"}
# Candidates, most specific first, with the CPU flags (as /proc/cpuinfo spells them) each one's kernels need.
CANDIDATES = (
    ("Cooperlake", ("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16")),
    ("SkylakeX", ("avx512f", "avx512bw", "avx512vl", "avx512dq")),
    ("Haswell", ("avx2", "fma")),
)
N, WARMUPS, REPS, ROUNDS = 1024, 3, 11, 3
# Candidates within this share of the fastest count as equally fast; the most specific of them is chosen, so that
# noise between Cooperlake and SkylakeX (the same sgemm kernels in 0.3.21) does not flip the choice from run to run.
TIE = 0.05
# A candidate must beat OpenBLAS's own pick by more than this to be chosen over it.
MARGIN = 0.05

# Run in the subprocess: the core OpenBLAS uses, and optionally the float32 NxN matmul rate.
PROBE = r"""
import json, sys, time, statistics
out = {}
try:
    import numpy as np
except ImportError as e:
    print(json.dumps({"error": f"numpy not importable ({e})"})); sys.exit(0)
out["numpy"] = np.__version__
try:
    from threadpoolctl import threadpool_info
    libs = [l for l in threadpool_info() if l.get("user_api") == "blas"]
    if libs:
        out["internal_api"] = libs[0].get("internal_api")
        out["architecture"] = libs[0].get("architecture")
        out["version"] = libs[0].get("version")
        out["num_threads"] = libs[0].get("num_threads")
        out["filepath"] = libs[0].get("filepath")
    else:
        out["error"] = "threadpoolctl found no BLAS loaded by numpy"
except ImportError as e:
    out["error"] = f"threadpoolctl not importable ({e})"
n, warmups, reps = (int(v) for v in sys.argv[1:4])
if n > 0:
    rng = np.random.RandomState(1)
    a = rng.random_sample((n, n)).astype(np.float32)
    b = rng.random_sample((n, n)).astype(np.float32)
    c = np.empty((n, n), np.float32)
    for _ in range(warmups):
        np.matmul(a, b, out=c)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        np.matmul(a, b, out=c)
        times.append(time.perf_counter() - t0)
    out["median_seconds"] = statistics.median(times)
    out["gflops"] = 2.0 * n ** 3 / out["median_seconds"] / 1e9
print(json.dumps(out))
"""


def cpu_info():
    """Model name, family/model and flags of the first processor in /proc/cpuinfo."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break  # the first processor is enough
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    return {"model": fields.get("model name", "?"),
            "family_model": f"family {fields.get('cpu family', '?')}, model {fields.get('model', '?')}",
            "flags": set(fields.get("flags", "").split())}


def probe(coretype, time_it=True):
    """Runs PROBE in a fresh interpreter with the OpenBLAS variables removed (and OPENBLAS_CORETYPE=coretype when
    given); its JSON, or {'error': ...}."""
    env = {k: v for k, v in os.environ.items() if k not in OPENBLAS_VARS}
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    args = [sys.executable, "-c", PROBE, str(N if time_it else 0), str(WARMUPS), str(REPS)]
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as e:
        return {"error": f"could not run {sys.executable}: {e}"}
    lines = done.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (IndexError, ValueError):
        return {"error": f"probe failed (exit {done.returncode}): {done.stderr.strip()[-300:]}"}
    if done.stderr.strip():
        result["stderr"] = done.stderr.strip()[-300:]
    return result


def choose(cpu):
    """The whole decision, as the dict written to openblas.json."""
    flags = cpu["flags"]
    summary = {f: f in flags for f in ("avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq",
                                       "avx512_bf16")}
    record = {
        "cpu_model": cpu["model"], "cpu_family_model": cpu["family_model"], "cpu_flags": summary,
        "method": f"float32 {N}x{N} np.matmul(a, b, out=c), {WARMUPS} warm-ups, median of {REPS}, "
                  "each core type in its own process with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset "
                  f"(plus OPENBLAS_CORETYPE=candidate); {ROUNDS} interleaved rounds, a core's figure is its best",
        "environment": {k: os.environ.get(k) for k in OPENBLAS_VARS},
        "python": sys.executable,
        "picked_unset": None, "unset_gflops": None, "openblas_version": None, "num_threads": None,
        "lacks": None, "candidates": [], "chosen": None, "note": None,
    }
    wide = "avx512f" in flags or "avx2" in flags
    unset = probe(None, time_it=True)
    record["unset_gflops"] = unset.get("gflops")
    if "error" in unset and "architecture" not in unset:
        record["note"] = f"no choice: {unset['error']}; the peers run with OpenBLAS's own pick"
        return record
    if unset.get("internal_api") != "openblas":
        record["note"] = f"no choice: numpy's BLAS is {unset.get('internal_api')}, not OpenBLAS"
        return record
    core = unset.get("architecture") or "?"
    record.update(picked_unset=core, openblas_version=unset.get("version"), num_threads=unset.get("num_threads"),
                  openblas_library=unset.get("filepath"))
    low = core.lower()
    if "avx2" in flags and low in NO_AVX2:
        record["lacks"] = "AVX2" if low not in NO_AVX else "AVX"
    elif wide and low in NO_AVX:
        record["lacks"] = "AVX"
    if not record["lacks"]:
        record["note"] = (f"OpenBLAS picks {core} by itself, which uses the CPU's vector width: no candidate tried, "
                          "the peers run with its own pick")
        return record

    entries = {}
    for name, needs in CANDIDATES:
        missing = [f for f in needs if f not in flags]
        if missing:
            record["candidates"].append({"coretype": name, "skipped": "CPU lacks " + ", ".join(missing)})
        else:
            entries[name] = {"coretype": name, "reported_core": None, "gflops": None, "rounds": []}
            record["candidates"].append(entries[name])
    unset_rounds = [unset.get("gflops")]
    for round_ in range(ROUNDS):
        print(f"openblas: round {round_ + 1} of {ROUNDS}: " + ", ".join(entries), file=sys.stderr)
        if round_:
            unset_rounds.append(probe(None).get("gflops"))
        for name, entry in entries.items():
            r = probe(name)
            entry["reported_core"] = entry["reported_core"] or r.get("architecture")
            entry["rounds"].append(r.get("gflops"))
            if r.get("error"):
                entry["error"] = r["error"]
    for name, entry in entries.items():
        figures = [g for g in entry["rounds"] if g]
        entry["gflops"] = max(figures) if figures else None
        # An unknown or unsupported OPENBLAS_CORETYPE makes OpenBLAS fall back to its own pick: not honoured.
        entry["honoured"] = (entry["reported_core"] or "").lower() == name.lower()
    record["unset_rounds"] = unset_rounds
    record["unset_gflops"] = max([g for g in unset_rounds if g], default=None)

    usable = [c for c in record["candidates"] if c.get("honoured") and c.get("gflops")]
    if not usable:
        record["note"] = f"no candidate core ran (OpenBLAS picks {core}); the peers run with its own pick"
        return record
    best = max(c["gflops"] for c in usable)
    pick = next(c for c in usable if c["gflops"] >= best * (1 - TIE))  # the most specific of the near-fastest
    base = record["unset_gflops"] or 0.0
    if pick["gflops"] > base * (1 + MARGIN):
        record["chosen"] = pick["coretype"]
        record["note"] = (f"OpenBLAS picks {core} by itself (no {record['lacks']}) on a CPU with "
                          f"{'AVX-512' if 'avx512f' in flags else 'AVX2'}; {pick['coretype']} is the fastest "
                          f"candidate ({pick['gflops']:.0f} against {base:.0f} GFLOP/s)")
    else:
        record["note"] = f"OpenBLAS's own pick ({core}, {base:.0f} GFLOP/s) was as fast as any candidate"
    return record


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="where to write the JSON (default bench/results/openblas.json)")
    args = parser.parse_args()
    out = args.out or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", "openblas.json")

    try:
        record = choose(cpu_info())
    except Exception as e:  # never break the benchmark over this: choose nothing and say why
        record = {"chosen": None, "note": f"no choice: openblas_core.py failed ({type(e).__name__}: {e})"}
    record["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, "w") as f:
            f.write(json.dumps(record, indent=2) + "\n")
    except OSError as e:
        print(f"openblas: could not write {out}: {e}", file=sys.stderr)

    tried = ", ".join(f"{c['coretype']} {c['gflops']:.0f}" if c.get("gflops") else
                      f"{c['coretype']} ({c.get('skipped') or c.get('error') or 'not honoured'})"
                      for c in record.get("candidates", []))
    unset = record.get("unset_gflops")
    print(f"openblas: unset picks {record.get('picked_unset') or '?'}"
          f"{f' ({unset:.0f} GFLOP/s)' if unset else ''}{f'; candidates: {tried}' if tried else ''}; "
          f"chosen: {record.get('chosen') or 'none'} ({record.get('note')})", file=sys.stderr)
    print(f"OPENBLAS_CORETYPE={record['chosen']}" if record.get("chosen") else "")


if __name__ == "__main__":
    main()
