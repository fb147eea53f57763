"""Workloads b, d and e, scikit-learn: MLPClassifier 784-128-10 (--layers sets the hidden sizes; relu, softmax + log
loss), plain SGD with a constant learning rate or --optimizer adam (its defaults but the learning rate), no L2,
shuffled each epoch, every epoch run (no early stopping, no tolerance stop). scikit-learn has no dropout. Only fit()
is timed; loading and scoring are not."""
import argparse
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

import common


def make(epochs, lr, batch, seed, hidden=(128,), solver="sgd"):
    return MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver=solver, learning_rate="constant",
                         learning_rate_init=lr, momentum=0.0, nesterovs_momentum=False, batch_size=batch, alpha=0.0,
                         max_iter=epochs, shuffle=True, early_stopping=False, tol=0.0,
                         n_iter_no_change=epochs + 1, random_state=seed)


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
    parser.add_argument("--out")
    args = parser.parse_args()
    hidden = tuple(int(v) for v in args.layers.split(","))
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    t0 = time.perf_counter()
    x_train, y_train, x_test, y_test = common.load_fashion(args.data, np.float32)
    load_seconds = time.perf_counter() - t0
    peak_after_load = common.peak_rss_kib()

    with threadpool_limits(limits=args.threads, user_api="blas"):
        t0 = time.perf_counter()
        make(1, args.lr, args.batch, args.seed + 1000, hidden, args.optimizer).fit(x_train[:3000], y_train[:3000])
        warmup_seconds = time.perf_counter() - t0

        clf = make(args.epochs, args.lr, args.batch, args.seed, hidden, args.optimizer)
        t0 = time.perf_counter()
        clf.fit(x_train, y_train)
        train_seconds = time.perf_counter() - t0
        blas = common.blas_info()
    peak_after_train = common.peak_rss_kib()

    accuracy = float(clf.score(x_test, y_test))
    samples = args.epochs * len(x_train)
    dtype = str(clf.coefs_[0].dtype)
    print(f"sklearn fashion 784-{'-'.join(map(str, hidden))}-10 {args.optimizer}: {samples / train_seconds:,.0f} samples/s ({clf.n_iter_} epochs in {train_seconds:.2f} s), "
          f"test accuracy {accuracy:.2%}; weights {dtype}")
    common.write(args.out, {
        "workload": "fashion", "impl": "sklearn", "sklearn": sklearn.__version__,
        "dtype": "float32", "weights_dtype": dtype, "layers": list(hidden), "optimizer": args.optimizer, "dropout": 0.0, "epochs": args.epochs, "epochs_run": clf.n_iter_,
        "lr": args.lr, "batch": args.batch, "threads": args.threads, "seed": args.seed,
        "init": "sklearn default (Glorot uniform, bound sqrt(6/(fan_in+fan_out)))",
        "load_seconds": load_seconds, "warmup_seconds": warmup_seconds, "train_seconds": train_seconds,
        "samples_per_second": samples / train_seconds, "train_mean_loss": [float(v) for v in clf.loss_curve_],
        "test_accuracy": accuracy,
        "peak_rss_kib_after_load": peak_after_load, "peak_rss_kib_after_train": peak_after_train,
        "blas": blas,
    })


if __name__ == "__main__":
    main()
