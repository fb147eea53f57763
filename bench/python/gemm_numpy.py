"""Workload c, numpy: square products np.matmul(a, b, out=c) (a @ b into a preallocated c, as Backprop's Gemm.Multiply
writes into c), with whatever BLAS numpy loads. run.sh runs this twice: with the environment as it is (--label env),
and as every Python peer runs (--label unset): OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, plus the
OPENBLAS_CORETYPE that openblas_core.py chose when OpenBLAS's own pick lacks the CPU's AVX2/AVX-512."""
import argparse
import time

import numpy as np

import common


def measure(dtype, n, min_time, min_reps):
    rng = np.random.RandomState(n)
    a = rng.random_sample((n, n)).astype(dtype)
    b = rng.random_sample((n, n)).astype(dtype)
    c = np.empty((n, n), dtype)
    for _ in range(2):
        np.matmul(a, b, out=c)
    # 64 entries of c against float64 dot products done elementwise (not by the BLAS under test).
    worst = 0.0
    for _ in range(64):
        i, j = rng.randint(n), rng.randint(n)
        exact = float(np.sum(a[i, :].astype(np.float64) * b[:, j].astype(np.float64)))
        worst = max(worst, abs(float(c[i, j]) - exact) / abs(exact))
    times = []
    begin = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - begin < min_time:
        t0 = time.perf_counter()
        np.matmul(a, b, out=c)
        times.append(time.perf_counter() - t0)
    med = common.median(times)
    return {"dtype": np.dtype(dtype).name, "n": n, "reps": len(times), "median_seconds": med,
            "min_seconds": min(times), "gflops": 2.0 * n ** 3 / med / 1e9, "max_relative_error": worst}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="env")
    parser.add_argument("--sizes", default="256,512,1024,2048")
    parser.add_argument("--types", default="float,double")
    parser.add_argument("--min-time", type=float, default=1.0)
    parser.add_argument("--min-reps", type=int, default=5)
    parser.add_argument("--out")
    args = parser.parse_args()

    info = common.blas_info()
    summary = common.openblas_summary(info)
    env = ", ".join(f"{k}={v if v is not None else '(unset)'}" for k, v in info["env"].items())
    print(f"numpy gemm [{args.label}]: {summary}; {env}")
    results = []
    for t in args.types.split(","):
        dtype = {"float": np.float32, "float32": np.float32, "double": np.float64, "float64": np.float64}[t]
        for n in [int(s) for s in args.sizes.split(",")]:
            r = measure(dtype, n, args.min_time, args.min_reps)
            print(f"numpy [{args.label}] gemm {r['dtype']} n={n}: {r['gflops']:.2f} GFLOP/s "
                  f"(median {r['median_seconds'] * 1e3:.3f} ms of {r['reps']}; max rel. error {r['max_relative_error']:.1e})")
            results.append(r)
    common.write(args.out, {"workload": "gemm", "impl": "numpy", "label": args.label,
                            "method": "np.matmul(a, b, out=c)", "blas": info, "blas_summary": summary,
                            "results": results})


if __name__ == "__main__":
    main()
