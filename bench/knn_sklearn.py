"""scikit-learn peer of bench/knn.mjs: KNeighborsClassifier (brute force, one thread)
on Fashion-MNIST standardized as fmbench does (StandardScaler on the training set,
values rounded to float32, then handed to scikit-learn as float64 like upstream's
runner). Prints one JSON object on stdout.

Usage: /usr/bin/python3 bench/knn_sklearn.py --queries N --k 5 --p 2,1
Run with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 (bench/knn.mjs does).
"""
import argparse
import gzip
import json
import os
import resource
import time

import numpy as np
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "fashion")


def idx(name, offset):
    with gzip.open(os.path.join(DATA, name)) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=10000)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--p", default="2,1")
    args = ap.parse_args()
    xtr = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float64)
    xte = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784)[: args.queries].astype(np.float64)
    ytr = idx("train-labels-idx1-ubyte.gz", 8).astype(np.int64)
    yte = idx("t10k-labels-idx1-ubyte.gz", 8)[: args.queries].astype(np.int64)
    scaler = StandardScaler().fit(xtr)
    Xtr = scaler.transform(xtr).astype(np.float32).astype(np.float64)
    Xte = scaler.transform(xte).astype(np.float32).astype(np.float64)
    out = {"n_train": len(Xtr), "n_test": len(Xte), "runs": {}}
    for p in [int(v) for v in args.p.split(",")]:
        model = KNeighborsClassifier(n_neighbors=args.k, p=p, algorithm="brute")
        t0 = time.perf_counter()
        model.fit(Xtr, ytr)
        t1 = time.perf_counter()
        c1 = time.process_time()
        pred = model.predict(Xte)
        c2 = time.process_time()
        t2 = time.perf_counter()
        out["runs"][str(p)] = {
            "fit_s": t1 - t0,
            "predict_s": t2 - t1,
            "predict_cpu_s": c2 - c1,
            "accuracy": float((pred == yte).mean()),
            "predictions": "".join(str(int(v)) for v in pred),
        }
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
