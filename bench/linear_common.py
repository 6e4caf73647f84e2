"""Shared helpers for fmbench's scikit-learn peer scripts of the linear family.

Data is prepared as src/data/prepare.ts does: the first N training / M test images,
StandardScaler fitted on the training slice (float64), values rounded to float32
(what fmbench feeds its estimators), then handed to scikit-learn as float64.
"""
import gzip
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "fashion")


def _idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(n_train=None, n_test=None):
    Xtr = _idx("train-images-idx3-ubyte.gz").reshape(60000, -1)
    ytr = _idx("train-labels-idx1-ubyte.gz").astype(np.int64)
    Xte = _idx("t10k-images-idx3-ubyte.gz").reshape(10000, -1)
    yte = _idx("t10k-labels-idx1-ubyte.gz").astype(np.int64)
    n_train = n_train or len(ytr)
    n_test = n_test or len(yte)
    Xtr, ytr, Xte, yte = Xtr[:n_train], ytr[:n_train], Xte[:n_test], yte[:n_test]
    mean = Xtr.astype(np.float64).mean(axis=0)
    std = Xtr.astype(np.float64).std(axis=0)
    std[std == 0] = 1.0  # sklearn's _handle_zeros_in_scale
    f = lambda X: ((X.astype(np.float64) - mean) / std).astype(np.float32).astype(np.float64)
    return f(Xtr), ytr, f(Xte), yte


def estimator(name, params, random_state=0):
    """The scikit-learn estimator fmbench mirrors for (name, params); LogisticRegression's
    l1 penalty, which the default lbfgs rejects, goes to liblinear (ovr) or saga (multinomial)."""
    from sklearn import linear_model, svm

    p = dict(params)
    if name in ("SGDClassifier", "Perceptron", "PassiveAggressiveClassifier"):
        return getattr(linear_model, name)(random_state=random_state, **p)
    if name == "LogisticRegression":
        if p.get("penalty") == "l1":
            p["solver"] = "liblinear" if p.get("multi_class") == "ovr" else "saga"
        return linear_model.LogisticRegression(random_state=random_state, **p)
    if name == "LinearSVC":
        return svm.LinearSVC(random_state=random_state, **p)
    raise ValueError(name)


def grid():
    """The 57 linear configurations of upstream's baselines.json, in its order."""
    import itertools
    import json

    with open(os.path.join(HERE, "..", "data", "grids", "full.json")) as f:
        doc = json.load(f)
    out = []
    for name in ("SGDClassifier", "Perceptron", "PassiveAggressiveClassifier", "LogisticRegression", "LinearSVC"):
        keys, values = [], []
        for group in doc["classifiers"][name]:
            for k, v in group.items():
                keys.append(k)
                values.append(v)
        for combo in itertools.product(*values):
            out.append((name, dict(zip(keys, combo))))
    return out
