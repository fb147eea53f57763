#!/usr/bin/env python3
"""Coefficients of ElementMath's exp polynomial (src/Backprop/Tensors/ElementMath.cs), by the Remez exchange algorithm.

e^r = 1 + r + r^2 g(r) on |r| <= ln2/2 (slightly widened), where g(r) = c2 + c3 r + ... is the polynomial minimising
the largest relative error of e^r, that is max |(e^r - 1 - r - r^2 g(r)) / e^r|. Run with mpmath installed:
    python3 tools/exp_minimax.py
It prints the coefficients rounded to float32 and float64 and the approximation error with the rounded coefficients.
"""
import struct
import mpmath as mp

mp.mp.dps = 60
A = mp.mpf('0.3466')  # ln2/2 = 0.34657..., widened: r may land a few ulps past it


def f(r):  # (e^r - 1 - r) / r^2, with its limit 1/2 at 0
    if abs(r) < mp.mpf('1e-20'):
        return mp.mpf(1) / 2 + r / 6
    return (mp.exp(r) - 1 - r) / r**2


def w(r):  # error of g, weighted into the relative error of e^r
    return r**2 / mp.exp(r)


def remez(degree, iterations=30):
    n = degree + 2
    # first reference: Chebyshev extrema, moved off 0 (the weight, hence the error, is 0 there)
    xs = [A * mp.cos(mp.pi * (n - 1 - i) / (n - 1)) for i in range(n)]
    xs = [x if abs(x) > A / 100 else A / (3 * n) for x in xs]
    for _ in range(iterations):
        rows = [[x**j for j in range(degree + 1)] + [(-1)**i / w(x)] for i, x in enumerate(xs)]
        sol = mp.lu_solve(mp.matrix(rows), mp.matrix([f(x) for x in xs]))
        c = [sol[j] for j in range(degree + 1)]
        err = lambda x: w(x) * (f(x) - mp.polyval(c[::-1], x))
        # new reference: the largest error between each two sign changes, on a grid of 4000 steps
        grid = [-A + 2 * A * k / 4000 for k in range(4001) if k != 2000]
        vals = [err(x) for x in grid]
        ext = []
        k = 0
        while k < len(grid):
            j = k
            while j + 1 < len(grid) and mp.sign(vals[j + 1]) == mp.sign(vals[k]):
                j += 1
            best = max(range(k, j + 1), key=lambda t: abs(vals[t]))
            ext.append(grid[best])
            k = j + 1
        while len(ext) > n:  # more alternations than the reference holds: drop the smaller end
            ext.pop(0 if abs(err(ext[0])) < abs(err(ext[-1])) else -1)
        if len(ext) != n:
            raise RuntimeError(f'{len(ext)} extrema for {n} reference points')
        xs = ext
        spread = max(abs(vals[grid.index(x)]) for x in ext) / min(abs(vals[grid.index(x)]) for x in ext)
    if spread > 1.01:
        raise RuntimeError(f'not levelled: extrema differ by a factor {spread}')
    return c, max(abs(v) for v in vals)


def f32(x):
    return struct.unpack('f', struct.pack('f', float(x)))[0]


for name, degree, rnd in (('float32', 4, f32), ('float64', 9, float)):
    c, e = remez(degree)
    rc = [rnd(x) for x in c]
    worst = max(abs(w(x) * (f(x) - mp.polyval([mp.mpf(v) for v in rc[::-1]], x)))
                for x in [-A + 2 * A * k / 4000 for k in range(4001)])
    print(f'{name}: g of degree {degree}, relative error {mp.nstr(e, 3)}, with rounded coefficients {mp.nstr(worst, 3)}')
    for j, v in enumerate(rc):
        print(f'  c{j + 2} = {v!r}' + ('f' if name == 'float32' else ''))
