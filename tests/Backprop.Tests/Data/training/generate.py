#!/usr/bin/python3
"""Reference training runs, computed with numpy independently of Backprop, for the trainer's tests.

Regenerate (needs Debian's python3-numpy):  /usr/bin/python3 generate.py > cases.json

Each case trains a small multi-layer perceptron by gradient descent, written out longhand in numpy as the
notes write it (forward, loss, delta at the output, deltas backwards, weights -= alpha * weight_delta), with
the deltas averaged over each batch (divided by its number of rows) for full and mini-batch descent. Weights
are drawn layer by layer as low + (high - low) * random((fan_in, fan_out)) from RandomState(seed); biases
start at zero; shuffling visits rows in the order of RandomState.permutation(n), drawn after the weights.
"""
import json
import numpy as np


def act_forward(name, z):
    if name == 'identity':
        return z
    if name == 'relu':
        return (z > 0) * z
    if name == 'sigmoid':
        return 1 / (1 + np.exp(-z))
    if name == 'tanh':
        return np.tanh(z)
    if name == 'softmax':
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise ValueError(name)


def act_backward(name, a, d):
    # derivative written in terms of the activation's output a, applied to the delta d at its output
    if name == 'identity':
        return d
    if name == 'relu':
        return d * (a > 0)
    if name == 'sigmoid':
        return d * (a * (1 - a))
    if name == 'tanh':
        return d * (1 - a * a)
    raise ValueError(name)


def loss_and_delta(loss, p, y):
    if loss == 'sse':
        return np.sum((p - y) ** 2), p - y
    if loss == 'mse':
        k = p.shape[1]
        return np.sum(np.mean((p - y) ** 2, axis=1)), 2.0 / k * (p - y)
    if loss == 'cross-entropy':  # with a softmax output: the delta at the softmax's input
        return -np.sum(y * np.log(np.maximum(p, 1e-12))), p - y
    raise ValueError(loss)


def train(X, Y, hidden, act, out, loss, alpha, epochs, batch, seed, shuffle, bias, low=-1.0, high=1.0):
    rs = np.random.RandomState(seed)
    sizes = [X.shape[1]] + hidden + [Y.shape[1]]
    W = [low + (high - low) * rs.random_sample((a, b)) for a, b in zip(sizes, sizes[1:])]
    B = [np.zeros((1, b)) for b in sizes[1:]]
    n = X.shape[0]
    size = n if batch == 'full' else batch
    losses = []
    for _ in range(epochs):
        order = rs.permutation(n) if shuffle else np.arange(n)
        total = 0.0
        for start in range(0, n, size):
            idx = order[start:start + size]
            x, y = X[idx], Y[idx]
            layers = [x]
            for i in range(len(W)):
                z = layers[-1].dot(W[i])
                if bias:
                    z = z + B[i]
                layers.append(act_forward(out if i == len(W) - 1 else act, z))
            value, delta = loss_and_delta(loss, layers[-1], y)
            total += value
            if out != 'softmax':
                delta = act_backward(out, layers[-1], delta)
            if len(idx) > 1:
                delta = delta / len(idx)
            grads = [None] * len(W)
            bgrads = [None] * len(W)
            for i in reversed(range(len(W))):
                grads[i] = layers[i].T.dot(delta)
                bgrads[i] = delta.sum(axis=0, keepdims=True)
                if i > 0:
                    delta = act_backward(act, layers[i], delta.dot(W[i].T))
            for i in range(len(W)):
                W[i] -= alpha * grads[i]
                if bias:
                    B[i] -= alpha * bgrads[i]
        losses.append(total)
    return losses, W, B


streetlights = np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1], [0, 1, 1], [1, 0, 1]], dtype=float)
walk_vs_stop = np.array([[0, 1, 0, 1, 1, 0]], dtype=float).T

rs = np.random.RandomState(7)
blobs = rs.random_sample((10, 4))
classes = rs.randint(0, 3, 10)
onehot = np.eye(3)[classes]
regression_y = rs.random_sample((10, 2))

cases = []


def case(name, X, Y, **kw):
    losses, W, B = train(X, Y, **kw)
    cases.append({
        'name': name,
        'x': [list(map(float, r)) for r in X], 'y': [list(map(float, r)) for r in Y],
        'settings': {k: v for k, v in kw.items()},
        'losses': [float(v) for v in losses],
        'weights': [[list(map(float, r)) for r in w] for w in W],
        'biases': [[list(map(float, r)) for r in b] for b in B] if kw.get('bias') else [],
    })


base = dict(hidden=[4], act='relu', out='identity', loss='sse', alpha=0.2, epochs=30, seed=1, shuffle=False, bias=False)
case('stochastic', streetlights, walk_vs_stop, batch=1, **base)
case('full', streetlights, walk_vs_stop, batch='full', **base)
case('mini-batch-4-of-6', streetlights, walk_vs_stop, batch=4, **base)
case('mini-batch-2-shuffled', streetlights, walk_vs_stop, batch=2, **{**base, 'shuffle': True})
case('stochastic-shuffled', streetlights, walk_vs_stop, batch=1, **{**base, 'shuffle': True})
case('no-hidden-layer', streetlights, walk_vs_stop, batch=1, **{**base, 'hidden': []})
case('sigmoid-tanh-mse-bias', blobs, regression_y, batch=3,
     **{**base, 'hidden': [5, 3], 'act': 'tanh', 'out': 'sigmoid', 'loss': 'mse', 'alpha': 0.5, 'bias': True})
case('sigmoid-hidden-sse', blobs, regression_y, batch='full', **{**base, 'hidden': [6], 'act': 'sigmoid', 'alpha': 0.1})
case('softmax-cross-entropy', blobs, onehot, batch=5,
     **{**base, 'hidden': [8], 'out': 'softmax', 'loss': 'cross-entropy', 'alpha': 0.3, 'bias': True,
        'low': -0.5, 'high': 0.5})

print(json.dumps({'generator': 'generate.py, numpy ' + np.__version__, 'cases': cases}, indent=1))
