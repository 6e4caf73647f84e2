"""scikit-learn 1.2 peer of bench/linear.mjs: fit + predict time and accuracy of each
linear family's published best configuration on the full data, one thread.

Usage: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/linear_sklearn.py NAME JSON_PARAMS [N_TRAIN]
Prints one JSON line.
"""
import json
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from linear_common import estimator, load  # noqa: E402


def main():
    name, params = sys.argv[1], json.loads(sys.argv[2])
    n_train = int(sys.argv[3]) if len(sys.argv) > 3 else None
    Xtr, ytr, Xte, yte = load(n_train, None)
    est = estimator(name, params, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c0, t0 = time.process_time(), time.perf_counter()
        est.fit(Xtr, ytr)
        t1 = time.perf_counter()
        pred = est.predict(Xte)
        t2, c2 = time.perf_counter(), time.process_time()
    print(json.dumps({
        "fit_s": t1 - t0, "predict_s": t2 - t1, "cpu_s": c2 - c0, "accuracy": float((pred == yte).mean()),
        "solver": getattr(est, "solver", None),
        "n_iter": float(max(np.ravel(est.n_iter_))) if hasattr(est, "n_iter_") else None,
        "warnings": sorted({str(w.message).split("\n")[0] for w in caught if "converge" in str(w.message).lower()}),
    }))


if __name__ == "__main__":
    main()
