#!/usr/bin/python3
"""Reference vectors for Backprop's NumpyRandom (numpy legacy RandomState / MT19937).

Regenerate (needs numpy; the tests themselves do not):
    cd tests/Backprop.Tests/Data/numpy_random && /usr/bin/python3 generate.py
This rewrites vectors.json next to this script. Generated with Debian's python3-numpy 1.24.2.

Format: {"numpy": version, "cases": [{"name", "seed", "ops": [...]}]}.
Each case calls np.random.seed(seed) and then runs its ops in order on the global
legacy generator, so the expected outputs also pin down how many numbers every
call consumes (an op that draws too few or too many breaks every later op).
Each op has "op", its arguments, "count" (null = the scalar form) and "out"
(always a flat list, C order). "keep_last": k means only the last k outputs are
stored (used to reach deep into the stream without a big file).
Doubles are written with repr (shortest round-trip form), so they parse back
bit-for-bit; float32 outputs are stored as the exactly representable double.
"""
import json
import os

import numpy as np

R = np.random


def flat(x):
    return np.asarray(x).ravel().tolist()


def run(op):
    kind = op["op"]
    count = op.get("count")
    if kind == "seed":
        R.seed(op["seed"])
        return None
    if kind == "random_sample":
        return flat(R.random_sample(count) if count is not None else R.random_sample())
    if kind == "random_sample_f32":
        return flat(R.random_sample(count).astype(np.float32).astype(np.float64))
    if kind == "uniform":
        return flat(R.uniform(op["low"], op["high"], count))
    if kind == "randint":
        return flat(R.randint(op["low"], op["high"], count))
    if kind == "randint_high":
        return flat(R.randint(op["high"], size=count))
    if kind == "randn":
        return flat(R.randn(count) if count is not None else R.randn())
    if kind == "normal":
        return flat(R.normal(op["loc"], op["scale"], count))
    if kind == "shuffle":
        x = np.arange(op["n"])
        R.shuffle(x)
        return flat(x)
    if kind == "shuffle_rows":
        x = np.arange(op["rows"] * op["cols"]).reshape(op["rows"], op["cols"])
        R.shuffle(x)
        return flat(x)
    if kind == "permutation":
        return flat(R.permutation(op["n"]))
    if kind == "choice":
        return flat(R.choice(op["a"], count, replace=op.get("replace", True), p=op.get("p")))
    raise ValueError(kind)


def case(name, seed, *ops):
    R.seed(seed)
    done = []
    for op in ops:
        out = run(op)
        if out is not None:
            k = op.get("keep_last")
            op = dict(op, out=out[-k:] if k else out)
        done.append(op)
    return {"name": name, "seed": seed, "ops": done}


def rs(count=None, **kw):
    return dict(op="random_sample", count=count, **kw)


def randn(count=None):
    return dict(op="randn", count=count)


def randint(low, high, count=None):
    return dict(op="randint", low=low, high=high, count=count)


def choice(a, count=None, replace=True, p=None):
    op = dict(op="choice", a=a, count=count, replace=replace)
    if p is not None:
        op["p"] = p
    return op


cases = []

for seed in [0, 1, 42, 12345, 2**31, 2**32 - 1]:
    cases.append(case(f"basic_seed_{seed}", seed,
                      rs(), rs(4), randn(3), rs(1), randint(0, 10, 4), randn()))

# 700 doubles = 1400 words: crosses two regenerations of the 624-word state.
cases.append(case("deep_stream", 7, rs(700, keep_last=3), rs(2)))
cases.append(case("float32", 0, dict(op="random_sample_f32", count=6), rs()))

cases.append(case("uniform", 2,
                  dict(op="uniform", low=0.0, high=1.0, count=2),
                  dict(op="uniform", low=-1.0, high=1.0, count=3),
                  dict(op="uniform", low=-0.5, high=0.5, count=2),
                  dict(op="uniform", low=2.5, high=7.25, count=2),
                  dict(op="uniform", low=1e-3, high=1e3, count=2),
                  dict(op="uniform", low=5.0, high=-5.0, count=2),
                  dict(op="uniform", low=3.0, high=3.0, count=1),
                  dict(op="uniform", low=-0.1, high=0.3, count=None)))

cases.append(case("randint_ranges", 3,
                  randint(0, 2, 6),
                  randint(0, 10, 4),
                  randint(-5, 5, 4),
                  randint(5, 6, 3),            # range 0: draws nothing
                  randint(0, 2**31, 3),
                  randint(0, 2**32, 3),        # rng = 2**32-1: raw 32-bit words, no mask
                  randint(0, 2**32 + 1, 3),    # rng = 2**32: first 64-bit (masked) range
                  randint(0, 2**33, 3),
                  randint(0, 2**40, 3),
                  randint(-2**40, 2**40, 3),
                  randint(-2**63, 2**63 - 1, 3),
                  randint(7, 1000),
                  dict(op="randint_high", high=7, count=None),
                  dict(op="randint_high", high=3, count=5),
                  rs()))

cases.append(case("gauss_interleave", 3,
                  randn(), rs(), randn(), randn(3), rs(1), randn(2), randn(),
                  dict(op="normal", loc=1.5, scale=2.0, count=3),
                  dict(op="normal", loc=-1.0, scale=0.5, count=None),
                  rs(), randn(1),
                  dict(op="seed", seed=3),          # reseeding drops the cached gauss
                  randn(), rs()))

cases.append(case("shuffle", 4,
                  dict(op="shuffle", n=0), dict(op="shuffle", n=1),
                  dict(op="shuffle", n=2), dict(op="shuffle", n=10),
                  dict(op="permutation", n=0), dict(op="permutation", n=1),
                  dict(op="permutation", n=10),
                  dict(op="shuffle_rows", rows=4, cols=3),
                  dict(op="shuffle_rows", rows=1, cols=5),
                  dict(op="shuffle_rows", rows=5, cols=1),
                  dict(op="shuffle_rows", rows=3, cols=0),  # empty: numpy draws nothing
                  rs()))

cases.append(case("shuffle_long", 5, dict(op="permutation", n=700, keep_last=5), rs()))

cases.append(case("choice", 6,
                  choice(5), choice(5, 6), choice(2**40, 2),
                  choice(10, 5, p=[0.05, 0.05, 0.1, 0.1, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05]),
                  choice(3, 4, p=[0.5, 0.5, 1e-9]),   # p sums to 1 only within tolerance
                  choice(5, 3, p=[0.1, 0.0, 0.3, 0.6, 0.0]),
                  choice(5, 3, replace=False), choice(5, 5, replace=False),
                  choice(5, 0, replace=False),         # still shuffles all 5
                  choice(5, 3, replace=False, p=[0.1, 0.0, 0.3, 0.6, 0.0]),
                  choice(5, 4, replace=False, p=[0.7, 0.1, 0.1, 0.05, 0.05]),
                  choice(8, 8, replace=False, p=[0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05]),
                  rs()))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors.json")
with open(path, "w") as f:
    json.dump({"numpy": np.__version__, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {path}: {os.path.getsize(path)} bytes")
