"""scikit-learn 1.2 peer of bench/svc.mjs and bench/svc_fidelity.mjs.

Usage: /usr/bin/python3 bench/svc_sklearn.py N_TRAIN N_TEST CONFIGS_JSON
Prints one JSON object: per configuration fit/predict seconds (wall and CPU), accuracy, n_support, predictions.
Features are fmbench's: StandardScaler fitted on the training slice, rounded to float32.
"""
import json
import sys
import time

from sklearn.svm import SVC

from fashion_data import standardized_slices

n_train, n_test, configs = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
A, ytr, B, yte = standardized_slices(n_train, n_test)
results = []
for params in configs:
    t0, c0 = time.perf_counter(), time.process_time()
    clf = SVC(**params).fit(A, ytr)
    t1, c1 = time.perf_counter(), time.process_time()
    pred = clf.predict(B)
    t2, c2 = time.perf_counter(), time.process_time()
    results.append({"params": params, "fit_seconds": t1 - t0, "predict_seconds": t2 - t1,
                    "fit_cpu_seconds": c1 - c0, "predict_cpu_seconds": c2 - c1,
                    "accuracy": float((pred == yte).mean()), "n_support": clf.n_support_.tolist(),
                    "predictions": pred.tolist()})
    print(json.dumps(params), f"{t1 - t0:.1f}s", file=sys.stderr)
print(json.dumps({"results": results}))
