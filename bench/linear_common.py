"""Shared helpers for fmbench's scikit-learn peer scripts of the linear family.

Data is prepared as src/pipeline/prepare.ts does: the first N training / M test images,
StandardScaler fitted on the training slice (float64), values rounded to float32
(what fmbench feeds its estimators), then handed to scikit-learn as float64.
"""
import os

import numpy as np

from fashion_data import ROOT, load_slices


def load(n_train=None, n_test=None):
    # numpy's mean and std rather than StandardScaler: the linear fixtures were generated this way.
    Xtr, ytr, Xte, yte = load_slices(n_train or None, n_test or None)
    ytr, yte = ytr.astype(np.int64), yte.astype(np.int64)
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

    with open(os.path.join(ROOT, "data", "grids", "full.json")) as f:
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
