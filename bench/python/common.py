"""Shared helpers for the Python side of bench/run.sh: Fashion-MNIST loading, BLAS info, JSON output."""
import gzip
import io
import json
import os
import resource
import statistics
import struct
import sys

import numpy as np

FASHION = "/usr/share/datasets/fashion-mnist"
OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def median(values):
    return statistics.median(values)


def peak_rss_kib():
    """Peak resident set size of this process so far, in KiB (Linux ru_maxrss)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _read(path):
    for candidate in (path, path + ".gz"):
        if os.path.exists(candidate):
            with open(candidate, "rb") as f:
                raw = f.read()
            return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    raise FileNotFoundError(path)


def load_idx(folder, prefix):
    """(images as uint8 (n, 784), labels as int64 (n,)) from an MNIST-style folder."""
    images = _read(os.path.join(folder, f"{prefix}-images-idx3-ubyte"))
    labels = _read(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"))
    _, n, rows, cols = struct.unpack(">IIII", images[:16])
    x = np.frombuffer(images, np.uint8, offset=16).reshape(n, rows * cols)
    y = np.frombuffer(labels, np.uint8, offset=8).astype(np.int64)
    return x, y


def load_fashion(folder=FASHION, dtype=np.float32):
    """Train and test sets with pixels scaled to 0..1 in dtype (as IdxLoader: byte / 255), labels as integers."""
    out = []
    for prefix in ("train", "t10k"):
        x8, y = load_idx(folder, prefix)
        x = x8.astype(dtype)
        x /= dtype(255)
        out += [x, y]
    return tuple(out)


def openblas_env():
    return {name: os.environ.get(name) for name in OPENBLAS_VARS}


def blas_info():
    """Which BLAS numpy runs: threadpoolctl's view when installed, else numpy.show_config()'s text."""
    info = {"env": openblas_env()}
    try:
        from threadpoolctl import threadpool_info
        info["threadpoolctl"] = [
            {k: v for k, v in lib.items() if k in ("internal_api", "prefix", "version", "architecture",
                                                     "threading_layer", "num_threads", "filepath")}
            for lib in threadpool_info()
        ]
    except ImportError:
        buffer = io.StringIO()
        stdout, sys.stdout = sys.stdout, buffer
        try:
            np.show_config()
        finally:
            sys.stdout = stdout
        info["numpy_show_config"] = buffer.getvalue()
    return info


def openblas_summary(info):
    """'OpenBLAS 0.3.21, core Cooperlake, 2 threads' or the best we know."""
    for lib in info.get("threadpoolctl", []):
        if lib.get("internal_api") == "openblas":
            return f"OpenBLAS {lib.get('version')}, core {lib.get('architecture')}, {lib.get('num_threads')} threads ({lib.get('threading_layer')})"
    for lib in info.get("threadpoolctl", []):
        if lib.get("internal_api") in ("mkl", "blis"):
            return f"{lib['internal_api']} {lib.get('version')}, {lib.get('num_threads')} threads"
    return "BLAS unknown (no threadpoolctl; see numpy_show_config)"


def write(path, result):
    result.setdefault("python", sys.version.split()[0])
    result.setdefault("numpy", np.__version__)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            f.write(text + "\n")
    else:
        print(text)
