"""Reference accuracies of scikit-learn 1.2 for the 57 linear configurations.

Usage: /usr/bin/python3 bench/linear_sklearn_reference.py SLICE N_TRAIN N_TEST [SEEDS]
Writes/updates test/fixtures/linear-reference.json under key SLICE ("small", "10k").
Run with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1. Results are written after every
configuration, so a partial run keeps what it measured.
"""
import json
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from linear_common import estimator, grid, load  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "linear-reference.json")
STOCHASTIC = ("SGDClassifier", "Perceptron", "PassiveAggressiveClassifier")


def save(doc, slice_name):
    # Re-read and replace only this slice, so runs of different slices can overlap.
    try:
        with open(OUT) as f:
            current = json.load(f)
    except FileNotFoundError:
        current = {}
    current.update({k: v for k, v in doc.items() if k.startswith("_")})
    current[slice_name] = doc[slice_name]
    tmp = OUT + "." + slice_name + ".tmp"
    with open(tmp, "w") as f:
        json.dump(current, f, indent=1)
    os.replace(tmp, OUT)


def priority(config):
    """Deterministic solvers and fast configurations first, so that a partial run keeps the most useful figures."""
    name, params = config
    if name == "LogisticRegression":
        return 0 if params["penalty"] == "l2" else 6
    if name in ("PassiveAggressiveClassifier", "Perceptron"):
        return 1
    if name == "SGDClassifier":
        return 2 if params["penalty"] == "l2" else 7
    if name == "LinearSVC":
        # liblinear's Crammer-Singer runs to 100,000 iterations: about 17 minutes per C at 10k
        return 3 if params["multi_class"] == "ovr" else 8
    return 9


def main():
    slice_name, n_train, n_test = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seeds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    Xtr, ytr, Xte, yte = load(n_train, n_test)
    try:
        with open(OUT) as f:
            doc = json.load(f)
    except FileNotFoundError:
        doc = {}
    doc["_generated_by"] = "bench/linear_sklearn_reference.py (do not edit)"
    doc["_sklearn"] = sklearn.__version__
    entry = doc.setdefault(slice_name, {"n_train": n_train, "n_test": n_test, "configs": []})
    entry["n_train"], entry["n_test"] = n_train, n_test
    done = {json.dumps([c["classifier"], c["params"]], sort_keys=True) for c in entry["configs"]}
    # liblinear's Crammer-Singer fit depends on C alone: reuse the fits earlier runs recorded
    cs_fits = {c["params"]["C"]: c for c in entry["configs"]
               if c["classifier"] == "LinearSVC" and c["params"].get("multi_class") == "crammer_singer" and "same_fit_as" not in c}
    # rows whose Crammer-Singer fit is already known are written first (they cost nothing)
    for name, params in sorted(grid(), key=lambda c: -1 if c[0] == "LinearSVC" and c[1].get("multi_class") == "crammer_singer"
                               and c[1]["C"] in cs_fits else priority(c)):
        key = json.dumps([name, params], sort_keys=True)
        if key in done:
            continue
        if name == "LinearSVC" and params.get("multi_class") == "crammer_singer":
            # liblinear's Crammer-Singer solver ignores loss and penalty: one fit per C
            prior = cs_fits.get(params["C"])
            if prior is not None:
                entry["configs"].append({**prior, "params": params, "same_fit_as": prior["params"]})
                save(doc, slice_name)
                continue
        rec = {"classifier": name, "params": params}
        accs, times, warns = [], [], []
        for seed in range(seeds if name in STOCHASTIC else 1):
            est = estimator(name, params, random_state=seed)
            t0 = time.time()
            try:
                with warnings.catch_warnings(record=True) as w:
                    warnings.simplefilter("always", ConvergenceWarning)
                    est.fit(Xtr, ytr)
                acc = float((est.predict(Xte) == yte).mean())
            except ValueError as e:
                rec["error"] = str(e)
                break
            times.append(time.time() - t0)
            accs.append(acc)
            warns += [str(x.message).split("\n")[0] for x in w if issubclass(x.category, ConvergenceWarning)]
        if accs:
            rec["accuracy"] = float(np.mean(accs))
            rec["accuracies"] = accs
            rec["fit_predict_s"] = round(float(np.mean(times)), 3)
            if "solver" in est.get_params() and name == "LogisticRegression":
                rec["solver"] = est.solver
            if warns:
                rec["convergence_warnings"] = sorted(set(warns))
        entry["configs"].append(rec)
        if name == "LinearSVC" and params.get("multi_class") == "crammer_singer":
            cs_fits[params["C"]] = rec
        save(doc, slice_name)
        print(slice_name, name, params, rec.get("accuracy", rec.get("error")), rec.get("fit_predict_s"), flush=True)


if __name__ == "__main__":
    main()
