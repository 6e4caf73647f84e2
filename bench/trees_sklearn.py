"""scikit-learn peer of bench/trees.mjs: fits the same tree configurations on the same data, one thread.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/trees_sklearn.py '<json list of {name, classifier, params}>' [n_train]
Prints one JSON line per configuration: name, accuracy, fit_seconds (wall), fit_cpu_seconds, predict_seconds.
"""
import gzip
import json
import struct
import sys
import time
import warnings

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, ExtraTreeClassifier

CLASSES = {c.__name__: c for c in [DecisionTreeClassifier, ExtraTreeClassifier, RandomForestClassifier,
                                   GradientBoostingClassifier, HistGradientBoostingClassifier]}


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    warnings.simplefilter("ignore", FutureWarning)
    configs = json.loads(sys.argv[1])
    n_train = int(sys.argv[2]) if len(sys.argv) > 2 else 60000
    xtr = idx("data/fashion/train-images-idx3-ubyte.gz")[:n_train].reshape(n_train, -1).astype(np.float64)
    ytr = idx("data/fashion/train-labels-idx1-ubyte.gz")[:n_train].astype(np.int64)
    xte = idx("data/fashion/t10k-images-idx3-ubyte.gz").reshape(10000, -1).astype(np.float64)
    yte = idx("data/fashion/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    scaler = StandardScaler().fit(xtr)
    xtr = scaler.transform(xtr).astype(np.float32)
    xte = scaler.transform(xte).astype(np.float32)
    for c in configs:
        model = CLASSES[c["classifier"]](**c["params"])
        t0 = time.perf_counter()
        c0 = time.process_time()
        model.fit(xtr, ytr)
        t1 = time.perf_counter()
        fit_cpu = time.process_time() - c0
        acc = float(np.mean(model.predict(xte) == yte))
        t2 = time.perf_counter()
        print(json.dumps({"name": c["name"], "accuracy": acc, "fit_seconds": t1 - t0, "fit_cpu_seconds": fit_cpu, "predict_seconds": t2 - t1}), flush=True)


if __name__ == "__main__":
    main()
