#!/usr/bin/python3
"""numpy results for Backprop's Matrix tests. Regenerate: /usr/bin/python3 generate.py > cases.json

- sums: np.sum of float64 vectors of many lengths (numpy's pairwise summation decides the last digits);
- ops: broadcasting element-wise arithmetic and np.dot on small matrices (compared to 1e-15 relative, since
  numpy's dot may go through BLAS, whose summation order is its own).
"""
import json
import numpy as np

rs = np.random.RandomState(2024)
sums = []
for n in [0, 1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 255, 256, 257, 1000]:
    v = rs.standard_normal(n) * 10.0 ** rs.randint(-3, 4, n)
    sums.append({'values': [float(x) for x in v], 'sum': float(np.sum(v))})


def m(a):
    return [list(map(float, r)) for r in np.atleast_2d(a)]


a = rs.random_sample((3, 4)) - 0.5
b = rs.random_sample((4, 2)) - 0.5
row = rs.random_sample((1, 4))
col = rs.random_sample((3, 1))
ops = {
    'a': m(a), 'b': m(b), 'row': m(row), 'col': m(col),
    'dot': m(a.dot(b)),
    'a_plus_row': m(a + row), 'a_minus_col': m(a - col), 'a_times_row': m(a * row), 'a_div_col': m(a / col),
    'scalar': m(2 * a - 1), 'atb': m(a.T.dot(a)), 'abt': m(a.dot(a.T)),
}
print(json.dumps({'generator': 'generate.py, numpy ' + np.__version__, 'sums': sums, 'ops': ops}))
