#!/usr/bin/python3
"""Cross-validation folds as scikit-learn deals them, for FoldAssignment's tests.

Regenerate (needs Debian's python3-sklearn):
    /usr/bin/python3 generate.py > cases.json

Each case gives the rows' labels (classes) or only their number (numbers), the number of folds, the seed and
the splitter, and "folds": the fold of each row as scikit-learn's test_folds has it (from 0), read back from
split() so that no private method is relied on:
    shuffled classes:  StratifiedKFold(k, shuffle=True, random_state=seed)
    shuffled numbers:  KFold(k, shuffle=True, random_state=seed)
    contiguous:        KFold(k)
"""
import csv
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.model_selection import KFold, StratifiedKFold


def folds_of(splitter, n, y=None):
    folds = np.full(n, -1)
    for f, (train, test) in enumerate(splitter.split(np.zeros((n, 1)), y)):
        assert folds[test].max() == -1 and len(train) + len(test) == n
        folds[test] = f
    return [int(f) for f in folds]


here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, '..', 'csv', 'flowers.csv')) as f:
    species = [row['species'] for row in csv.DictReader(f)]

# Classes first seen in another order than their sorted names (c, a, b), and one class with fewer rows than folds.
uneven = list('cabcacbbacaccaacbaccabc') + ['d', 'd']
cases = []
warnings.simplefilter('ignore')   # the uneven case's 'd' has fewer rows than folds: scikit-learn warns, as Backprop does
for name, labels, k, seed in [('flowers k5 seed1', species, 5, 1), ('flowers k5 seed7', species, 5, 7),
                              ('flowers k3 seed0', species, 3, 0), ('uneven k4 seed2', uneven, 4, 2),
                              ('uneven k3 seed1', uneven, 3, 1)]:
    y = np.array(labels)
    cases.append({'name': name, 'kind': 'shuffled', 'labels': labels, 'rows': len(labels), 'k': k, 'seed': seed,
                  'folds': folds_of(StratifiedKFold(k, shuffle=True, random_state=seed), len(y), y)})
for n, k, seed in [(17, 4, 5), (90, 5, 1), (10, 10, 3)]:
    cases.append({'name': f'numbers n{n} k{k} seed{seed}', 'kind': 'shuffled', 'labels': None, 'rows': n, 'k': k, 'seed': seed,
                  'folds': folds_of(KFold(k, shuffle=True, random_state=seed), n)})
for n, k in [(17, 5), (90, 5)]:
    cases.append({'name': f'contiguous n{n} k{k}', 'kind': 'contiguous', 'labels': None, 'rows': n, 'k': k, 'seed': 0,
                  'folds': folds_of(KFold(k), n)})
json.dump({'sklearn': sklearn.__version__, 'numpy': np.__version__, 'cases': cases}, sys.stdout)
print()
