#!/usr/bin/env python3
"""Correctly rounded float64 values of e^x, 1 / (1 + e^-x) and tanh x, computed with mpmath at 60 digits, for
ElementMathTests (which measures ElementMath's error against them in ulps). Writes cases.json next to this file:
    python3 tests/Backprop.Tests/Data/elementmath/generate.py
"""
import json
import os
import random

import mpmath as mp

mp.mp.dps = 60
rng = random.Random(11)


def uniform(n, lo, hi):
    return [rng.uniform(lo, hi) for _ in range(n)]


def tiny(n):  # |x| from 2^-60 to 1, either sign, log-uniform
    return [rng.choice((-1, 1)) * 2.0 ** rng.uniform(-60, 0) for _ in range(n)]


def near_half_ln2_multiples(n):  # where round(x / ln2) changes: the edges of the reduced argument
    out = []
    for _ in range(n):
        k = rng.randint(-1070, 1020)
        out.append(float((k + 0.5) * mp.log(2)) * (1 + rng.uniform(-1e-15, 1e-15)))
    return out


def rounded(f, xs):
    return [[x, float(f(mp.mpf(x)))] for x in xs]


cases = {
    # e^x on [-708, 709.7]: normal results
    'exp': rounded(mp.exp, uniform(1500, -708, 709.7) + uniform(500, -1, 1) + tiny(300)
                   + [x for x in near_half_ln2_multiples(400) if -708 < x < 709.7]),
    # 1 / (1 + e^-x) where the result is normal (x > -708)
    'sigmoid': rounded(lambda x: 1 / (1 + mp.exp(-x)), uniform(1000, -40, 40) + uniform(300, -708, 40) + tiny(300)),
    'tanh': rounded(mp.tanh, uniform(1000, -20, 20) + uniform(500, -1, 1) + tiny(500)),
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cases.json'), 'w') as f:
    json.dump(cases, f, separators=(',', ':'))
    f.write('\n')
print({k: len(v) for k, v in cases.items()})
