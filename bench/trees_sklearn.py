"""scikit-learn peer of bench/trees.mjs: fits the same tree configurations on the same data, one thread.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/trees_sklearn.py '<json list of {name, classifier, params}>' [n_train]
Prints one JSON line per configuration: name, accuracy, fit_seconds (wall), fit_cpu_seconds, predict_seconds.
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier, ExtraTreeClassifier

from fashion_data import load_slices, standardized

CLASSES = {c.__name__: c for c in [DecisionTreeClassifier, ExtraTreeClassifier, RandomForestClassifier,
                                   GradientBoostingClassifier, HistGradientBoostingClassifier]}


def main():
    warnings.simplefilter("ignore", FutureWarning)
    configs = json.loads(sys.argv[1])
    n_train = int(sys.argv[2]) if len(sys.argv) > 2 else 60000
    xtr, ytr, xte, yte = load_slices(n_train, None)
    ytr, yte = ytr.astype(np.int64), yte.astype(np.int64)
    xtr, xte = standardized(xtr, xte)
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
