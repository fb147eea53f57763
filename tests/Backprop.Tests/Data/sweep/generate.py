#!/usr/bin/python3
"""Random sweep trials drawn with numpy, by the rule docs/cli.md gives for 'sweep --random N', for SweepSpace's tests.

Regenerate (needs Debian's python3-numpy):
    /usr/bin/python3 generate.py > cases.json

With rng = numpy.random.RandomState(seed), each trial draws each --grid in turn:
    a list V1|V2|...            values[rng.randint(len(values))]
    alpha or l2 LOW..HIGH       exp(rng.uniform(log(LOW), log(HIGH))), to 3 significant digits
    epochs, batch, seed, early-stopping LOW..HIGH    rng.randint(LOW, HIGH + 1)
    dropout LOW..HIGH           rng.uniform(LOW, HIGH), to 3 significant digits
When every --grid is a list, the trials are grid points instead: rng.permutation(G)[:N] of the G points of
itertools.product over the lists (the last changing fastest).
"""
import itertools
import json
import math
import sys

import numpy as np


def sig3(v):
    return float(f'{v:.3g}')


def draw(rng, grid):
    name, spec = grid
    if isinstance(spec, list):
        return spec[rng.randint(len(spec))]
    low, high = spec   # a range is a tuple
    if name in ('alpha', 'l2'):
        return sig3(math.exp(rng.uniform(math.log(low), math.log(high))))
    if name in ('epochs', 'batch', 'seed', 'early-stopping'):
        return int(rng.randint(low, high + 1))
    return sig3(rng.uniform(low, high))


cases = []
for seed, n, grids in [
    (1, 6, [('alpha', (1e-4, 1e-1)), ('layers', ['8', '16,8', '32']), ('dropout', (0.0, 0.5)), ('epochs', (5, 50))]),
    (7, 4, [('l2', (1e-6, 1e-2)), ('batch', (8, 32))]),
]:
    rng = np.random.RandomState(seed)
    trials = [[str(draw(rng, g)) for g in grids] for _ in range(n)]
    cases.append({'seed': seed, 'n': n, 'grid': [f"{g[0]}={'|'.join(g[1]) if isinstance(g[1], list) else f'{g[1][0]!r}..{g[1][1]!r}'}" for g in grids],
                  'trials': trials})
lists = [('alpha', ['0.1', '0.01', '0.001']), ('layers', ['8', '16'])]
for seed, n in [(3, 4), (1, 10)]:
    points = list(itertools.product(*[g[1] for g in lists]))
    rng = np.random.RandomState(seed)
    chosen = rng.permutation(len(points))[:n]
    cases.append({'seed': seed, 'n': n, 'grid': [f"{g[0]}={'|'.join(g[1])}" for g in lists], 'trials': [list(points[i]) for i in chosen]})
json.dump({'numpy': np.__version__, 'cases': cases}, sys.stdout, indent=1)
print()
