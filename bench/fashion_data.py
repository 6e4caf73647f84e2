"""Fashion-MNIST for the Python peers (bench/*.py) and the fixture generators (test/fixtures/*.py).

One IDX reader and one copy of fmbench's feature preparation, so that every peer and every
fixture sees the numbers src/pipeline/prepare.ts feeds fmbench's estimators. Scripts in bench/
import it directly; scripts elsewhere put this folder on sys.path first:

    sys.path.insert(0, os.path.join(<repository root>, "bench"))
    from fashion_data import load_split  # noqa: E402

Arrays come back as the files hold them (uint8 pixels and labels); callers convert, so that
each keeps the dtype its fixture was generated with.
"""
import gzip
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "fashion")


def read_idx(name, directory=DATA):
    """The uint8 array of one gzipped IDX file, shaped by its header (images: n x rows x cols)."""
    with gzip.open(os.path.join(directory, name), "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(kind, directory=DATA):
    """(X, y) of one split ("train" or "t10k"): X is n x pixels, both uint8."""
    y = read_idx(f"{kind}-labels-idx1-ubyte.gz", directory)
    X = read_idx(f"{kind}-images-idx3-ubyte.gz", directory).reshape(len(y), -1)
    return X, y


def load_slices(n_train=None, n_test=None, directory=DATA):
    """The first n_train training and n_test test rows (all when None): Xtr, ytr, Xte, yte, uint8."""
    Xtr, ytr = load_split("train", directory)
    Xte, yte = load_split("t10k", directory)
    return Xtr[:n_train], ytr[:n_train], Xte[:n_test], yte[:n_test]


def standardized(Xtr, Xte):
    """fmbench's features: StandardScaler fitted on Xtr (in float64), both sets transformed and
    rounded to float32. Peers that hand scikit-learn float64 (as upstream's runner does) convert
    the result with .astype(np.float64); the values are the same."""
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(Xtr.astype(np.float64))
    return (scaler.transform(Xtr.astype(np.float64)).astype(np.float32),
            scaler.transform(Xte.astype(np.float64)).astype(np.float32))


def standardized_slices(n_train, n_test):
    """The first n_train / n_test images as fmbench's features, widened to float64 as upstream's
    runner hands them to scikit-learn: A (train), ytr, B (test), yte."""
    Xtr, ytr, Xte, yte = load_slices(n_train, n_test)
    A, B = (a.astype(np.float64) for a in standardized(Xtr, Xte))
    return A, ytr, B, yte
