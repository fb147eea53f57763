"""Workload a, numpy: the notes' "Backpropagation in code" loop, verbatim but for its progress print
(left out on every side), run inside a function so that each repetition starts again from seed-1 weights."""
import argparse
import time

import numpy as np

import common

NOTES_ERROR_AT_60 = 1.5055622665134859e-05


def relu(x):
    return (x > 0) * x  # returns x if x > 0
    # return 0 otherwise


def relu2deriv(output):
    return output > 0  # returns 1 for input > 0
    # return 0 otherwise


streetlights = np.array([[1, 0, 1],
                         [0, 1, 1],
                         [0, 0, 1],
                         [1, 1, 1]])
walk_vs_stop = np.array([[1, 1, 0, 0]]).T
alpha = 0.2
hidden_size = 4


def train(epochs):
    """Seconds for `epochs` iterations of the notes' loop from fresh seed-1 weights, and the last epoch's error."""
    np.random.seed(1)
    weights_0_1 = 2 * np.random.random((3, hidden_size)) - 1
    weights_1_2 = 2 * np.random.random((hidden_size, 1)) - 1
    start = time.perf_counter()
    for iteration in range(epochs):
        layer_2_error = 0
        for i in range(len(streetlights)):
            layer_0 = streetlights[i:i + 1]
            layer_1 = relu(np.dot(layer_0, weights_0_1))
            layer_2 = np.dot(layer_1, weights_1_2)
            layer_2_error += np.sum((layer_2 - walk_vs_stop[i:i + 1]) ** 2)
            layer_2_delta = (layer_2 - walk_vs_stop[i:i + 1])
            layer_1_delta = layer_2_delta.dot(weights_1_2.T) * relu2deriv(layer_1)
            weights_1_2 -= alpha * layer_1.T.dot(layer_2_delta)
            weights_0_1 -= alpha * layer_0.T.dot(layer_1_delta)
    return time.perf_counter() - start, float(layer_2_error)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs-per-rep", type=int, default=500)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--out")
    args = parser.parse_args()

    _, error_at_60 = train(60)
    for _ in range(args.warmup):
        train(args.epochs_per_rep)
    seconds = []
    for _ in range(args.reps):
        s, final = train(args.epochs_per_rep)
        seconds.append(s)
    updates = args.epochs_per_rep * len(streetlights)
    med = common.median(seconds)
    us = med / updates * 1e6
    print(f"numpy streetlights: {us:.3f} us/update, {1e6 / us:,.0f} updates/s "
          f"(median of {args.reps} x {updates} updates; error at epoch 60 {error_at_60!r}, notes {NOTES_ERROR_AT_60!r})")
    common.write(args.out, {
        "workload": "streetlights", "impl": "numpy",
        "method": "the notes' loop (float64), inside a function",
        "epochs_per_rep": args.epochs_per_rep, "updates_per_rep": updates, "reps": args.reps,
        "warmup_reps": args.warmup, "rep_seconds": seconds, "median_rep_seconds": med,
        "us_per_update": us, "updates_per_second": 1e6 / us,
        "error_at_epoch_60": error_at_60, "matches_notes": error_at_60 == NOTES_ERROR_AT_60, "final_error": final,
        "blas": common.blas_info(),
    })


if __name__ == "__main__":
    main()
