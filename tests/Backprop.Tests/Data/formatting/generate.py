#!/usr/bin/python3
"""Writes cases.json: expected Python/numpy print output for the C# formatting tests.

Run with Debian's python3-numpy 1.24 (default print options):
    /usr/bin/python3 tests/Backprop.Tests/Data/formatting/generate.py
Floats are stored with float.hex so they round-trip exactly. Deterministic (fixed seeds).
"""
import json
import math
import os
import random
import struct
from fractions import Fraction

import numpy as np

assert np.__version__.startswith("1.24"), np.__version__
np.set_printoptions()  # the defaults: precision 8, linewidth 75, threshold 1000, edgeitems 3

DTYPES = {"float64": np.float64, "float32": np.float32, "int64": np.int64, "bool": np.bool_}


def hexf(x):
    x = float(x)
    return "nan" if math.isnan(x) else float.hex(x)


def enc(a):
    """Element values in C order: hex strings for floats, ints for ints and bools."""
    flat = a.ravel().tolist()
    if a.dtype.kind == "f":
        return [hexf(v) for v in flat]
    return [int(v) for v in flat]


arrays = []


def add(desc, a, sparse_fill=None):
    """One array case. With sparse_fill, only the printed corners are stored; the hidden middle is
    replaced by sparse_fill, a value that would change the output if the formatter looked at it."""
    a = np.asarray(a)
    case = {"desc": desc, "dtype": a.dtype.name, "shape": list(a.shape),
            "repr": repr(a), "str": str(a)}
    assert a.dtype.name in DTYPES, a.dtype
    if sparse_fill is None:
        case["data"] = enc(a)
    else:
        assert a.size > 1000
        mask = np.zeros(a.shape, dtype=bool)
        idx = [np.r_[0:3, n - 3:n] if n > 6 else np.arange(n) for n in a.shape]
        mask[np.ix_(*idx)] = True
        filled = a.copy()
        filled[~mask] = sparse_fill
        # the fill must really be invisible to numpy, otherwise the case proves nothing
        assert repr(filled) == case["repr"] and str(filled) == case["str"], desc
        flat = filled.ravel()
        case["fill"] = enc(np.array([sparse_fill], dtype=a.dtype))[0]
        case["entries"] = [[int(i), enc(flat[i:i + 1])[0]] for i in np.flatnonzero(mask.ravel())]
    arrays.append(case)


# --- Grokking Deep Learning style values -------------------------------------------------------
np.random.seed(1)
w = 2 * np.random.random((3, 3)) - 1
add("seed(1) 2*random((3,3))-1 weights", w)
np.random.seed(1)
add("seed(1) 2*random((3,4))-1 weights", 2 * np.random.random((3, 4)) - 1)
np.random.seed(1)
add("seed(1) 2*random((4,1))-1 weights", 2 * np.random.random((4, 1)) - 1)
x = np.array([0.58738791, 0.90659298, -0.16595599, -0.44064899])
add("relu output with -0.", x * (x > 0))
add("relu 2-D with -0.", w * (w > 0))
add("relu derivative mask as float", (w > 0) * 1.0)
add("[[1]] int", np.array([[1]]))
add("[1,0,1] int", np.array([1, 0, 1]))
add("streetlight int matrix", np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1]]))
add("bool mask", np.array([True, False, True]))
add("bool mask 2-D", w > 0)
add("int negatives widths", np.array([[-100, 5], [7, 12]]))
add("single float", np.array([0.5]))
add("[[1.]]", np.array([[1.0]]))
add("weights times 0.1", np.array([0.1, 0.2, -0.1]))
add("error 0.03999999999999998", np.array([0.03999999999999998]))
add("pred 2.6561231104", np.array([2.6561231104, 0.5]))
add("integral floats", np.array([1.0, 2.0, -3.0]))
add("1.5055622665134859e-05 alone", np.array([1.5055622665134859e-05]))

# --- notation choice and padding ---------------------------------------------------------------
add("exp: small value", np.array([1e-5, 1.0]))
add("exp: large value", np.array([1e8, 1.0]))
add("exp: ratio > 1000", np.array([1.0, 2000.0]))
add("no exp: ratio exactly 1000", np.array([1.0, 1000.0]))
add("no exp: 1e-4 boundary", np.array([1e-4, 0.01]))
add("exp: just below 1e-4", np.array([np.nextafter(1e-4, 0), 0.01]))
add("no exp: just below 1e8", np.array([99999999.99999999, 1e6]))
add("exp: zeros and -0 with small", np.array([0.0, 1e-5, 0.123456789, -0.0]))
add("exp: 3-digit exponents", np.array([1e100, 1e-100, -2.5]))
add("exp: subnormal", np.array([5e-324, 1.0]))
add("exp: carry to next power", np.array([9.99999999996e-5, 0.1234]))
add("exp: max double", np.array([1.7976931348623157e308, -1.0]))
add("cut at 8 digits with carry", np.array([0.999999999, 0.5]))
add("cut at 8 digits, ties on exact binary", np.array([0.001953125, 0.005859375, 0.5]))
add("positional near 1e8", np.array([12345678.9, 99999999.5]))
add("many digits", np.array([1 / 3, 2 / 3, 1e-3 / 3]))
add("nan and inf", np.array([np.nan, np.inf]))
add("nan and -inf", np.array([np.nan, -np.inf]))
add("nan, number, -inf", np.array([np.nan, 1.5, -np.inf]))
add("nan with exp mode", np.array([np.nan, 1e-9, -np.inf]))
add("inf with long numbers", np.array([np.inf, -0.123456789, 3.0]))
add("all nan", np.array([np.nan, np.nan]))
add("all zeros", np.zeros(3))
add("all zeros 2-D", np.zeros((2, 2)))
add("negative zeros", np.array([-0.0, -0.0]))
add("zeros and one", np.array([0.0, 1.0, 0.0]))

# find a pair whose quotient rounds down onto exactly 1000 (numpy divides in the array's dtype)
for dt in (np.float64, np.float32):
    rng = random.Random(7)
    while True:
        lo = dt(1 + rng.random())
        hi = dt(lo * dt(1000))
        if dt(hi / lo) == dt(1000) and Fraction(float(hi)) / Fraction(float(lo)) > 1000:
            break
    add(f"{np.dtype(dt).name}: ratio rounds onto 1000", np.array([lo, hi], dtype=dt))

# --- float32 ------------------------------------------------------------------------------------
add("float32 random", np.random.RandomState(3).random_sample(4).astype(np.float32))
add("float32 0.1 and 0.12345679", np.array([0.1, 0.123456789], dtype=np.float32))
add("float32 exp min digits", np.array([0.1, 1.23456789e-5, 3.3333333], dtype=np.float32))
add("float32 1e-4 is below 1e-4", np.array([1e-4, 0.01], dtype=np.float32))
add("float32 integral 99999992", np.array([99999992, 1e6], dtype=np.float32))
add("float32 nan inf", np.array([np.nan, -np.inf, 0.5], dtype=np.float32))
add("float32 -0", np.array([-0.0, 0.25], dtype=np.float32))
add("float32 2-D", (2 * np.random.RandomState(1).random_sample((3, 3)) - 1).astype(np.float32))
add("float32 dtype moves to next line", np.linspace(-1, 1, 9).astype(np.float32) / 3)
add("float32 exp large", np.array([3.4028235e38, 1.0], dtype=np.float32))

# --- wrapping at 75 columns ---------------------------------------------------------------------
rs = np.random.RandomState(5)
add("wrap (2,20)", rs.random_sample((2, 20)))
add("wrap (30,)", 2 * rs.random_sample(30) - 1)
add("wrap (30,) exp", rs.random_sample(30) * 10.0 ** rs.randint(-6, 3, 30))
add("wrap ints 40", np.arange(40) * 37 - 500)
add("wrap bool 40", rs.random_sample(40) > 0.5)
add("wrap float32 (25,)", rs.random_sample(25).astype(np.float32))
add("wrap (2,2,13)", rs.random_sample((2, 2, 13)))
add("rank 3 small", np.arange(24).reshape(2, 3, 4))
add("rank 3 float", rs.random_sample((2, 2, 2)) - 0.5)
add("rank 4 small", np.arange(16).reshape(2, 2, 2, 2) * 0.5)

# --- summarised (> 1000 elements) ---------------------------------------------------------------
add("summary arange float (2000,)", np.arange(2000) * 0.5, sparse_fill=1e300)
add("summary random (50,50)", rs.random_sample((50, 50)), sparse_fill=-1e-300)
add("summary ints (1001,)", np.arange(1001) - 7, sparse_fill=-10 ** 12)
add("summary only axis 1 (3,400)", rs.random_sample((3, 400)) - 0.5, sparse_fill=np.nan)
add("summary 3-D ints (7,7,21)", np.arange(7 * 7 * 21).reshape(7, 7, 21), sparse_fill=-10 ** 6)
add("summary 3-D floats (2,2,260)", rs.random_sample((2, 2, 260)), sparse_fill=np.inf)
add("summary bool (1500,)", rs.random_sample(1500) > 0.5, sparse_fill=True)
add("summary float32 (40,30)", rs.random_sample((40, 30)).astype(np.float32), sparse_fill=1e30)
add("summary (1001,) wraps", rs.random_sample(1001) * 1e-9, sparse_fill=5.0)

# --- 0-d and empty ------------------------------------------------------------------------------
add("0-d 0.5", np.array(0.5))
add("0-d 1e-7", np.array(1e-7))
add("0-d nan", np.array(np.nan))
add("0-d -0.0", np.array(-0.0))
add("0-d many digits", np.array(0.1234567891234))
add("0-d float32 0.1", np.array(0.1, dtype=np.float32))
add("0-d int", np.array(3))
add("0-d bool", np.array(True))
add("empty (0,)", np.zeros(0))
add("empty (0,3)", np.zeros((0, 3)))
add("empty (3,0)", np.zeros((3, 0)))
add("empty (2,0,3)", np.zeros((2, 0, 3)))
add("empty float32", np.zeros(0, dtype=np.float32))
add("empty int", np.zeros(0, dtype=np.int64))
add("empty bool", np.zeros((0, 2), dtype=bool))

# --- random small arrays across magnitudes --------------------------------------------------
rs = np.random.RandomState(11)
for i in range(40):
    n = rs.randint(1, 7)
    scale = 10.0 ** rs.randint(-12, 12, n)
    a = (rs.standard_normal(n) * scale)
    if rs.random_sample() < 0.3:
        a[rs.randint(n)] = rs.choice([0.0, -0.0, np.nan, np.inf, -np.inf])
    dt = np.float32 if i % 3 == 0 else np.float64
    with np.errstate(all="ignore"):
        add(f"random magnitudes #{i}", a.astype(dt))

# --- scalars ----------------------------------------------------------------------------------
scalars = []
special = [0.0, -0.0, 1.0, 2.0, -3.0, 0.1, 0.5, 1 / 3, 2.6561231104, 0.03999999999999998,
           1.5055622665134859e-05, 1e16, 9999999999999998.0, 1e15, 123456789012345.6, 1e-4,
           np.nextafter(1e-4, 0), 1e-5, 1e22, 1e23, 2.0 ** 53, 2.0 ** 53 + 2, 5e-324,
           2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308, 1e-320,
           float("inf"), float("-inf"), float("nan"), 1e300, 1234.5, 100.0, 0.001, 1e-7]
rng = random.Random(1234)
randoms = []
for _ in range(100):  # uniform over decimal magnitudes
    randoms.append(rng.choice([-1, 1]) * rng.random() * 10.0 ** rng.randint(-320, 300))
for _ in range(80):  # uniform over bit patterns
    v = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
    if math.isfinite(v):
        randoms.append(v)
for _ in range(30):  # integral values
    randoms.append(float(rng.randint(-10 ** rng.randint(1, 17), 10 ** 17)))
for v in special + randoms:
    assert repr(v) == str(np.float64(v))
    scalars.append({"x": hexf(v), "repr": repr(v)})

f32 = []
special32 = [0.1, 0.2, 1 / 3, 1e-4, 1e16, 99999992.0, 16777216.0, 1e-45, 3.4028235e38, -0.0, 2.5,
             0.7, 1e-5, 123456.79]
for _ in range(80):
    special32.append(struct.unpack("<f", struct.pack("<I", rng.getrandbits(32)))[0])
for _ in range(40):
    special32.append(rng.choice([-1, 1]) * rng.random() * 10.0 ** rng.randint(-45, 38))
for v in special32:
    x = np.float32(v)
    if np.isfinite(x):
        f32.append({"x": hexf(x), "str": str(x)})

out = {"numpy": np.__version__, "scalars": scalars, "float32": f32, "arrays": arrays}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.json")
with open(path, "w") as f:
    # one case per line keeps diffs of regenerated data readable
    f.write('{"numpy":%s,\n' % json.dumps(out["numpy"]))
    for i, key in enumerate(["scalars", "float32", "arrays"]):
        f.write('"%s":[\n' % key)
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in out[key]))
        f.write("]%s\n" % ("," if i < 2 else "}"))
print(f"wrote {path}: {len(scalars)} scalars, {len(f32)} float32, {len(arrays)} arrays, "
      f"{os.path.getsize(path)} bytes")
