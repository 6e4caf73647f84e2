"""scikit-learn 1.2 peer of bench/mlp.mjs.

Usage: /usr/bin/python3 bench/mlp_sklearn.py N_TRAIN N_TEST CONFIGS_JSON
Prints one JSON object: per configuration fit/predict seconds (and fit CPU seconds), accuracy and n_iter_.
Features are fmbench's: StandardScaler fitted on the training slice, rounded to float32 (float64 in the fit, as upstream).
"""
import json
import sys
import time
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from fashion_data import standardized_slices

warnings.simplefilter("ignore", ConvergenceWarning)

n_train, n_test, configs = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
A, ytr, B, yte = standardized_slices(n_train, n_test)
results = []
for params in configs:
    p = dict(params, hidden_layer_sizes=tuple(params["hidden_layer_sizes"]))
    t0 = time.perf_counter()
    c0 = time.process_time()
    clf = MLPClassifier(**p).fit(A, ytr)
    c1 = time.process_time()
    t1 = time.perf_counter()
    acc = float(clf.score(B, yte))
    t2 = time.perf_counter()
    results.append({"params": params, "fit_seconds": t1 - t0, "fit_cpu_seconds": c1 - c0, "predict_seconds": t2 - t1, "accuracy": acc,
                    "n_iter": int(clf.n_iter_)})
    print(json.dumps(params), f"{t1 - t0:.1f}s acc {acc:.4f} iters {clf.n_iter_}", file=sys.stderr)
print(json.dumps({"results": results}))
