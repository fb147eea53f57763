#!/usr/bin/python3
"""Reference losses and gradients with class weights, computed with numpy independently of Backprop.

Regenerate (needs Debian's python3-numpy; python3-torch, when installed, is used as a second check):
    /usr/bin/python3 generate.py > cases.json

Each case is a small network (dense, hidden activation, dense, output activation; biases) with weights drawn
from RandomState(seed) as uniform(-1, 1), a batch x, targets y and one weight per class. A row of targets
weighs s = sum_c w_c * y_c (its class's weight for a one-hot row); for one 0/1 column (binary cross-entropy),
s = w_1 * y + w_0 * (1 - y). The weighted loss is sum_rows s * loss_row; backpropagation averages over the
batch by dividing by its number of rows B (as Keras's sample weights do), so the gradient of every parameter
is that of sum_rows s * loss_row / B. Written out longhand in numpy:
    cross-entropy after softmax:        delta at the softmax's input = s * (p - y) / B
    binary cross-entropy after sigmoid: delta at the sigmoid's input = s * (p - y) / B
and each case also records d(weighted loss)/d(prediction) = s * (-y / p) or s * (p - y) / (p (1 - p)), the
loss's delta before any output activation. torch's autograd on torch's own weighted losses
(cross_entropy(weight=w, reduction='sum') for one-hot rows, binary_cross_entropy_with_logits(weight=s)) and
on the formula above (soft rows) must agree to 1e-12.
"""
import json
import sys

import numpy as np


def act(name, z):
    if name == 'relu':
        return np.maximum(z, 0)
    if name == 'tanh':
        return np.tanh(z)
    if name == 'sigmoid':
        return 1 / (1 + np.exp(-z))
    if name == 'softmax':
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise ValueError(name)


def act_backward(name, a, d):
    if name == 'relu':
        return d * (a > 0)
    if name == 'tanh':
        return d * (1 - a * a)
    raise ValueError(name)


def row_weights(w, y):
    if y.shape[1] == 1 and len(w) == 2:
        return w[1] * y[:, 0] + w[0] * (1 - y[:, 0])
    return y @ w


def reference(case):
    x, y, w = case['x'], case['y'], case['w']
    w1, b1, w2, b2 = case['w1'], case['b1'], case['w2'], case['b2']
    hidden, output, loss = case['hidden'], case['output'], case['loss']
    B = x.shape[0]
    h = act(hidden, x @ w1 + b1)
    p = act(output, h @ w2 + b2)
    s = row_weights(w, y)
    if loss == 'cross-entropy':
        rows = -np.sum(np.where(y != 0, y * np.log(np.maximum(p, 1e-12)), 0), axis=1)
        dp = s[:, None] * (-y / p)
    else:
        q = np.clip(p, 1e-12, 1 - 1e-12)
        rows = -np.sum(y * np.log(q) + (1 - y) * np.log(1 - q), axis=1)
        dp = s[:, None] * (q - y) / (q * (1 - q))
    dz2 = s[:, None] * (p - y) / B
    dh = act_backward(hidden, h, dz2 @ w2.T)
    return {
        'weighted_loss': float(np.sum(s * rows)), 'row_weights': s, 'prediction': p, 'delta_prediction': dp,
        'gw1': x.T @ dh, 'gb1': dh.sum(axis=0), 'gw2': h.T @ dz2, 'gb2': dz2.sum(axis=0),
    }


def torch_check(case, expected):
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return 'torch not installed'
    t = {k: torch.tensor(case[k], dtype=torch.float64, requires_grad=k in ('w1', 'b1', 'w2', 'b2'))
         for k in ('x', 'y', 'w', 'w1', 'b1', 'w2', 'b2')}
    hidden = torch.relu if case['hidden'] == 'relu' else torch.tanh
    z = hidden(t['x'] @ t['w1'] + t['b1']) @ t['w2'] + t['b2']
    y, w, B = t['y'], t['w'], case['x'].shape[0]
    one_hot = bool(np.all((case['y'] == 0) | (case['y'] == 1)) and np.all(case['y'].sum(axis=1) == 1))
    if case['loss'] == 'cross-entropy' and one_hot:
        total = F.cross_entropy(z, y.argmax(dim=1), weight=w, reduction='sum')
        how = 'cross_entropy(weight=w)'
    elif case['loss'] == 'cross-entropy':
        s = y @ w
        total = (s * -(y * torch.log_softmax(z, dim=1)).sum(dim=1)).sum()
        how = 'autograd of sum s * row loss'
    else:
        s = w[1] * y[:, 0] + w[0] * (1 - y[:, 0]) if y.shape[1] == 1 else y @ w
        total = F.binary_cross_entropy_with_logits(z, y, weight=s[:, None], reduction='sum')
        how = 'binary_cross_entropy_with_logits(weight=s)'
    (total / B).backward()
    assert abs(total.item() - expected['weighted_loss']) <= 1e-12 * abs(expected['weighted_loss']), (case['name'], total.item(), expected['weighted_loss'])
    for k in ('w1', 'b1', 'w2', 'b2'):
        assert np.allclose(t[k].grad.numpy(), expected['g' + k], rtol=1e-12, atol=1e-15), (case['name'], k)
    return f'torch {torch.__version__} {how} agrees to 1e-12'


def case(name, seed, inputs, hidden_size, hidden, output, loss, y, w):
    rs = np.random.RandomState(seed)
    y = np.array(y, dtype=np.float64)
    B, outputs = y.shape[0], y.shape[1]
    c = {
        'name': name, 'hidden': hidden, 'output': output, 'loss': loss,
        'w1': rs.uniform(-1, 1, (inputs, hidden_size)), 'b1': rs.uniform(-1, 1, hidden_size),
        'w2': rs.uniform(-1, 1, (hidden_size, outputs)), 'b2': rs.uniform(-1, 1, outputs),
        'x': rs.uniform(-2, 2, (B, inputs)), 'y': y, 'w': np.array(w, dtype=np.float64),
    }
    expected = reference(c)
    print(f'{name}: {torch_check(c, expected)}', file=sys.stderr)
    out = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in c.items()}
    out.update({k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in expected.items()})
    return out


def one_hot(labels, k):
    return np.eye(k)[labels].tolist()


cases = [
    case('cross-entropy one-hot', 3, 3, 4, 'relu', 'softmax', 'cross-entropy', one_hot([0, 2, 2, 2, 1, 2], 3), [2.5, 0.7, 1.3]),
    case('cross-entropy soft rows', 5, 3, 4, 'tanh', 'softmax', 'cross-entropy',
         [[1, 0, 0], [0.2, 0.3, 0.5], [0, 0, 1], [0.6, 0.4, 0], [0, 1, 0]], [0.4, 3.0, 1.1]),
    case('binary cross-entropy one column', 7, 2, 3, 'tanh', 'sigmoid', 'binary-cross-entropy',
         [[1], [0], [0], [0], [1], [0.3], [0]], [0.6, 3.0]),
    case('binary cross-entropy on one-hot classes', 9, 3, 4, 'relu', 'sigmoid', 'binary-cross-entropy',
         one_hot([1, 0, 0, 0, 2], 3), [0.5, 2.0, 4.0]),
]
print('[\n' + ',\n'.join(json.dumps(c, separators=(',', ':')) for c in cases) + '\n]')   # one case a line
