#!/usr/bin/python3
"""Reference learning rates from PyTorch's schedulers, for the learning-rate schedule tests.

Regenerate (needs Debian's python3-torch, 1.13):  /usr/bin/python3 generate.py > cases.json

"rates": for each case, the rate the optimizer uses in epochs 1..N: param_groups[0]['lr'] read before the epoch,
then scheduler.step() after it (ReduceLROnPlateau: scheduler.step(loss of that epoch), the losses given). Settings:
  step     torch.optim.lr_scheduler.StepLR(step_size=EVERY, gamma=FACTOR)
  cosine   CosineAnnealingLR(T_max=N) (eta_min 0): its recursive form, as get_last_lr() gives it; "closed" is the
           closed form lr0 * (1 + cos(pi * (e-1) / N)) / 2, to show how far the two are apart
  plateau  ReduceLROnPlateau(mode='min', patience=PATIENCE, factor=FACTOR) with its other defaults
           (threshold 1e-4 relative, cooldown 0, min_lr 0, eps 1e-8)

"runs": a 3-1 linear network without bias (weights drawn as uniform(-1, 1) from numpy's RandomState(seed), shape
(3, 1)), trained full-batch on 8 rows with mean squared error, in float64, by torch.optim.SGD / SGD(momentum) / Adam
under a scheduler; records each epoch's mean loss (before its update), the rate it used, and the final weights.
The plateau run monitors the training loss.
"""
import json
import math
import sys

import numpy as np
import torch


def rates(make, epochs, losses=None):
    w = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=make[0])
    scheduler = make[1](optimizer)
    out = []
    for e in range(epochs):
        out.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        if losses is None:
            scheduler.step()
            assert scheduler.get_last_lr()[0] == optimizer.param_groups[0]['lr']
        else:
            scheduler.step(losses[e])
    return out


S = torch.optim.lr_scheduler


def step_case(lr, every, factor, epochs):
    return {"name": f"step:{every},{factor} lr {lr}", "schedule": f"step:{every},{factor}", "lr": lr, "epochs": epochs,
            "rates": rates((lr, lambda o: S.StepLR(o, step_size=every, gamma=factor)), epochs)}


def cosine_case(lr, epochs):
    return {"name": f"cosine lr {lr} over {epochs}", "schedule": "cosine", "lr": lr, "epochs": epochs,
            "rates": rates((lr, lambda o: S.CosineAnnealingLR(o, T_max=epochs)), epochs),
            "closed": [lr * (1 + math.cos(math.pi * e / epochs)) / 2 for e in range(epochs)]}


def plateau_case(lr, patience, factor, losses):
    return {"name": f"plateau:{patience},{factor} lr {lr}", "schedule": f"plateau:{patience},{factor}", "lr": lr,
            "epochs": len(losses), "losses": losses,
            "rates": rates((lr, lambda o: S.ReduceLROnPlateau(o, mode='min', patience=patience, factor=factor)), len(losses), losses)}


# Losses that improve, stall, improve by less than the 1e-4 relative threshold (not better), rise, and hit NaN.
losses = [1.0, 0.8, 0.7, 0.7, 0.69995, 0.71, 0.6, 0.6, 0.6, 0.6, 0.59999, 0.5, 0.5, 0.5, 0.5, float('nan'), 0.4, 0.4, 0.4, 0.4]
stalled = [2.0] * 30

cases = [
    step_case(0.1, 3, 0.5, 20),
    step_case(0.01, 5, 0.1, 20),
    step_case(0.003, 1, 0.9, 20),
    cosine_case(0.1, 20),
    cosine_case(0.003, 7),
    cosine_case(0.5, 1),
    cosine_case(0.001, 40),
    plateau_case(0.1, 2, 0.5, losses),
    plateau_case(0.1, 0, 0.1, losses),
    # Reductions stop once a step would be below eps (1e-8): 1e-7 -> 1e-8 happens, 1e-8 -> 1e-9 does not.
    plateau_case(1e-7, 1, 0.1, stalled),
]


def run(optimizer_name, schedule, lr, seed=3, epochs=8):
    rs = np.random.RandomState(seed)
    w0 = -1.0 + 2.0 * rs.random_sample((3, 1))
    x = rs.random_sample((8, 3))
    y = rs.random_sample((8, 1))
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    X, Y = torch.tensor(x), torch.tensor(y)
    optimizer = {"sgd": lambda: torch.optim.SGD([w], lr=lr),
                 "momentum": lambda: torch.optim.SGD([w], lr=lr, momentum=0.9),
                 "adam": lambda: torch.optim.Adam([w], lr=lr)}[optimizer_name]()
    kind = schedule.split(':')[0]
    if kind == "step":
        every, factor = schedule.split(':')[1].split(',')
        scheduler = S.StepLR(optimizer, step_size=int(every), gamma=float(factor))
    elif kind == "cosine":
        scheduler = S.CosineAnnealingLR(optimizer, T_max=epochs)
    else:
        patience, factor = schedule.split(':')[1].split(',')
        scheduler = S.ReduceLROnPlateau(optimizer, patience=int(patience), factor=float(factor))
    used, mean_losses = [], []
    for e in range(epochs):
        used.append(optimizer.param_groups[0]['lr'])
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(X @ w, Y)   # the mean over the 8 rows: Backprop's deltas averaged over the batch
        loss.backward()
        optimizer.step()
        mean_losses.append(loss.item())
        if kind == "plateau":
            scheduler.step(loss.item())
        else:
            scheduler.step()
    return {"name": f"{optimizer_name} {schedule}", "optimizer": optimizer_name, "schedule": schedule, "lr": lr, "seed": seed,
            "epochs": epochs, "x": x.tolist(), "y": y.tolist(), "w0": w0.tolist(), "rates": used, "losses": mean_losses,
            "weights": w.detach().numpy().tolist()}


# The Adam plateau run's rate is too large: its loss rises and falls, so that the rate is halved twice.
runs = [run("sgd", "step:2,0.5", 0.1), run("momentum", "cosine", 0.05), run("adam", "plateau:1,0.5", 0.8, epochs=12),
        run("adam", "step:3,0.1", 0.05)]


def encode(v):
    return v if not (isinstance(v, float) and math.isnan(v)) else "NaN"


out = {"torch": torch.__version__, "cases": [dict(c, losses=[encode(v) for v in c["losses"]]) if "losses" in c else c for c in cases],
       "runs": runs}
# One case a line: small, and a diff shows which case changed.
lines = ['{"torch": %s,' % json.dumps(out["torch"])]
for key in ("cases", "runs"):
    lines.append(' "%s": [' % key)
    lines.append(",\n".join("  " + json.dumps(c, separators=(",", ":")) for c in out[key]))
    lines.append(" ]" + ("," if key == "cases" else ""))
lines.append("}")
sys.stdout.write("\n".join(lines) + "\n")
