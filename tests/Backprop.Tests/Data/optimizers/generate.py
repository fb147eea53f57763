#!/usr/bin/python3
"""Reference optimizer updates, computed with numpy independently of Backprop, for the optimizer tests.

Regenerate (needs Debian's python3-numpy; python3-torch, when installed, is used as a second check):
    /usr/bin/python3 generate.py > cases.json

Each case starts from weights w0 and applies a sequence of gradients g_1..g_T, one update each, with
  - momentum: velocity = beta * velocity + g; w -= alpha * velocity
  - adam, as torch.optim.Adam writes it (and the paper, with bias correction):
      m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2
      w -= alpha / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
in float64; the case records the weights after each update (or after every `every`-th). The starting weights and
gradients are drawn from RandomState(seed), in this order: w0 = uniform(-1, 1, shape); dead = random_sample(shape)
< 0.3; then for each step g = normal(0, 0.1, shape), with g[dead] = 0 from step `dead_after` on. The test draws
them again with Backprop's NumpyRandom (checked bit for bit against numpy elsewhere) and checks w0 and the first
gradient, recorded here, before it compares the updates. Some gradient entries are exactly zero after the
first step (a dead unit), so that Adam's first moment decays for many steps, and one case decays for 900 steps,
far past the point where float32 would turn it subnormal.
"""
import json
import sys

import numpy as np


def momentum(w0, grads, alpha, beta):
    w, vel, out = w0.copy(), np.zeros_like(w0), []
    for g in grads:
        vel = beta * vel + g
        w = w - alpha * vel
        out.append(w.copy())
    return out


def adam(w0, grads, alpha, beta1=0.9, beta2=0.999, eps=1e-8):
    w, m, v, out = w0.copy(), np.zeros_like(w0), np.zeros_like(w0), []
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        w = w - alpha / (1 - beta1 ** t) * m / (np.sqrt(v) / np.sqrt(1 - beta2 ** t) + eps)
        out.append(w.copy())
    return out


def torch_check(kind, w0, grads, expected, **kw):
    """The same updates through torch.optim, float64: must agree to 1e-12 (skipped without PyTorch)."""
    try:
        import torch
    except ImportError:
        return "torch not installed"
    p = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
    if kind == "adam":
        opt = torch.optim.Adam([p], lr=kw["alpha"], betas=(0.9, 0.999), eps=1e-8)
    else:
        opt = torch.optim.SGD([p], lr=kw["alpha"], momentum=kw["beta"], dampening=0.0)
    for g, e in zip(grads, expected):
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        assert np.allclose(p.detach().numpy(), e, rtol=1e-12, atol=1e-15), kind
    return f"torch {torch.__version__} agrees to 1e-12"


def case(name, kind, seed, shape, steps, dead_after=None, every=1, **kw):
    rs = np.random.RandomState(seed)
    w0 = rs.uniform(-1, 1, shape)
    grads = []
    dead = rs.random_sample(shape) < 0.3
    for t in range(steps):
        g = rs.normal(0, 0.1, shape)
        if dead_after is not None and t >= dead_after:
            g[dead] = 0.0
        grads.append(g)
    expected = (adam(w0, grads, **kw) if kind == "adam" else momentum(w0, grads, **kw))
    check = torch_check(kind, w0, grads, expected, **kw)
    print(f"{name}: {check}", file=sys.stderr)
    return {
        "name": name, "optimizer": kind, **kw, "seed": seed, "rows": shape[0], "columns": shape[1], "steps": steps,
        "dead_after": dead_after, "every": every, "w0": w0.ravel().tolist(), "g1": grads[0].ravel().tolist(),
        "weights": [w.ravel().tolist() for w in expected[every - 1::every]],
    }


def main():
    cases = [
        case("adam-small", "adam", 1, (3, 5), 12, alpha=0.01),
        case("adam-dead-units", "adam", 2, (7, 9), 40, dead_after=1, alpha=0.001),
        case("adam-long-decay", "adam", 3, (4, 6), 900, dead_after=1, every=100, alpha=0.001),
        case("adam-vector-length", "adam", 4, (5, 13), 30, dead_after=3, alpha=0.003),
        case("momentum-small", "momentum", 5, (3, 5), 12, alpha=0.05, beta=0.9),
        case("momentum-dead-units", "momentum", 6, (7, 9), 40, dead_after=1, alpha=0.01, beta=0.9),
        case("momentum-long-decay", "momentum", 7, (4, 6), 900, dead_after=1, every=100, alpha=0.01, beta=0.9),
    ]
    json.dump({"generator": "generate.py", "numpy": np.__version__, "cases": cases}, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main()
