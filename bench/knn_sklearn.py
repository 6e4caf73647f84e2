"""scikit-learn peer of bench/knn.mjs: KNeighborsClassifier (brute force, one thread)
on Fashion-MNIST standardized as fmbench does (StandardScaler on the training set,
values rounded to float32, then handed to scikit-learn as float64 like upstream's
runner). Prints one JSON object on stdout.

Usage: /usr/bin/python3 bench/knn_sklearn.py --queries N --k 5 --p 2,1
Run with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 (bench/knn.mjs does).
"""
import argparse
import json
import resource
import time

import numpy as np
from sklearn.neighbors import KNeighborsClassifier

from fashion_data import load_slices, standardized


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=10000)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--p", default="2,1")
    args = ap.parse_args()
    xtr, ytr, xte, yte = load_slices(None, args.queries)
    ytr, yte = ytr.astype(np.int64), yte.astype(np.int64)
    Xtr, Xte = (a.astype(np.float64) for a in standardized(xtr, xte))
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
