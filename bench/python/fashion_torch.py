"""Workloads b, d and e, PyTorch: nn.Sequential(Linear(784,128), ReLU, Linear(128,10)) (--layers sets the hidden sizes,
--dropout adds nn.Dropout after each hidden ReLU), CrossEntropyLoss (mean over the batch), torch.optim.SGD (no
momentum) or --optimizer adam (torch.optim.Adam, its defaults but lr), float32, batches by hand from a fresh randperm
each epoch (no DataLoader), torch.set_num_threads(2); PyTorch's default init, or --init he (kaiming_normal_ weights,
std sqrt(2/fan_in), zero biases, as Backprop's He). Only the training loop is timed; loading and the test pass are
not."""
import argparse
import time

import numpy as np
import torch
from torch import nn

import common


def train(model, x, y, epochs, lr, batch, generator, optimizer_name="sgd"):
    if optimizer_name == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.0)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    n = len(x)
    mean_losses, epoch_seconds = [], []
    for _ in range(epochs):
        t0 = time.perf_counter()
        order = torch.randperm(n, generator=generator)
        total = 0.0
        for start in range(0, n, batch):
            index = order[start:start + batch]
            xb, yb = x[index], y[index]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
        mean_losses.append(total / n)
        epoch_seconds.append(time.perf_counter() - t0)
    return mean_losses, epoch_seconds


def network(hidden=(128,), dropout=0.0, init="default"):
    layers, fan_in = [], 784
    for size in hidden:
        layers += [nn.Linear(fan_in, size), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        fan_in = size
    layers.append(nn.Linear(fan_in, 10))
    model = nn.Sequential(*layers)
    if init == "he":
        for layer in model:
            if isinstance(layer, nn.Linear):
                nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                nn.init.zeros_(layer.bias)
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=common.FASHION)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--layers", default="128", help="hidden sizes, e.g. 512,256")
    parser.add_argument("--optimizer", default="sgd", choices=("sgd", "adam"))
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--init", default="default", choices=("default", "he"))
    parser.add_argument("--out")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    hidden = tuple(int(v) for v in args.layers.split(","))
    make = lambda: network(hidden, args.dropout, args.init)

    t0 = time.perf_counter()
    x_train, y_train, x_test, y_test = common.load_fashion(args.data, np.float32)
    x_train, y_train = torch.from_numpy(x_train), torch.from_numpy(y_train)
    x_test, y_test = torch.from_numpy(x_test), torch.from_numpy(y_test)
    load_seconds = time.perf_counter() - t0
    peak_after_load = common.peak_rss_kib()

    torch.manual_seed(args.seed + 1000)
    t0 = time.perf_counter()
    train(make(), x_train[:3000], y_train[:3000], 1, args.lr, args.batch, torch.Generator().manual_seed(args.seed + 1000),
          args.optimizer)
    warmup_seconds = time.perf_counter() - t0

    torch.manual_seed(args.seed)
    model = make()
    t0 = time.perf_counter()
    mean_losses, epoch_seconds = train(model, x_train, y_train, args.epochs, args.lr, args.batch,
                                       torch.Generator().manual_seed(args.seed), args.optimizer)
    train_seconds = time.perf_counter() - t0
    peak_after_train = common.peak_rss_kib()

    model.eval()
    with torch.no_grad():
        accuracy = float((model(x_test).argmax(1) == y_test).float().mean())
    samples = args.epochs * len(x_train)
    print(f"torch fashion 784-{'-'.join(map(str, hidden))}-10 {args.optimizer}"
          f"{f' dropout {args.dropout}' if args.dropout else ''}: {samples / train_seconds:,.0f} samples/s ({args.epochs} epochs in {train_seconds:.2f} s), "
          f"test accuracy {accuracy:.2%}")
    common.write(args.out, {
        "workload": "fashion", "impl": "torch", "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
        "dtype": "float32", "layers": list(hidden), "optimizer": args.optimizer, "dropout": args.dropout,
        "epochs": args.epochs, "lr": args.lr, "batch": args.batch, "threads": args.threads,
        "seed": args.seed, "init": ("he (kaiming_normal_, zero biases)" if args.init == "he"
                                    else "PyTorch default (Linear: kaiming_uniform(a=sqrt(5)))"),
        "load_seconds": load_seconds, "warmup_seconds": warmup_seconds, "train_seconds": train_seconds,
        "epoch_seconds": epoch_seconds, "samples_per_second": samples / train_seconds,
        "train_mean_loss": mean_losses, "test_accuracy": accuracy,
        "peak_rss_kib_after_load": peak_after_load, "peak_rss_kib_after_train": peak_after_train,
        "blas": common.blas_info(),
    })


if __name__ == "__main__":
    main()
