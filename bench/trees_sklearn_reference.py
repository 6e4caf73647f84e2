"""scikit-learn 1.2 accuracy of the 51 tree configurations of the upstream grid.

Data: the first 10,000 training and the first 10,000 test images of data/fashion,
StandardScaler fitted on the training slice, float32 (fmbench's prepareData).
Writes test/fixtures/trees_sklearn_reference.json (rewritten after every configuration,
so a partial run keeps what it measured). Run from the repository root:
    OMP_NUM_THREADS=1 /usr/bin/python3 bench/trees_sklearn_reference.py [--gb-stages-depth50 N]
The 100-stage depth-50 booster (about 100 min of CPU at 10k) in resumable steps:
    ... --only GradientBoostingClassifier --gb-depths 50 --gb-stages-depth50 100 --checkpoint /tmp/gb

Cost control, stated in the output's "notes":
- RandomForest: one warm-started forest per (criterion, max_depth, seed) grows to 10, 50
  and 100 trees; each size is scored on the way (the 10-tree forest is a prefix of the
  100-tree one, a valid forest drawn with the same random_state).
- GradientBoosting: subsample=1 and max_features=None leave random_state only to break
  ties, so one seed; one fit per max_depth scored with staged_predict at 10, 50 and 100
  stages. max_depth=50 stops after --gb-stages-depth50 stages (default 10).
"""
import argparse
import gzip
import json
import os
import pickle
import struct
import time

import numpy as np
import sklearn
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, ExtraTreeClassifier

OUT = "test/fixtures/trees_sklearn_reference.json"


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(n_train, n_test):
    xtr = idx("data/fashion/train-images-idx3-ubyte.gz")[:n_train].reshape(n_train, -1).astype(np.float64)
    ytr = idx("data/fashion/train-labels-idx1-ubyte.gz")[:n_train].astype(np.int64)
    xte = idx("data/fashion/t10k-images-idx3-ubyte.gz")[:n_test].reshape(n_test, -1).astype(np.float64)
    yte = idx("data/fashion/t10k-labels-idx1-ubyte.gz")[:n_test].astype(np.int64)
    scaler = StandardScaler().fit(xtr)
    return scaler.transform(xtr).astype(np.float32), ytr, scaler.transform(xte).astype(np.float32), yte


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-train", type=int, default=10000)
    ap.add_argument("--n-test", type=int, default=10000)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--gb-stages-depth50", type=int, default=10)
    ap.add_argument("--out", default=OUT, help="the fixture to update (default: %(default)s)")
    ap.add_argument("--gb-depths", default="3,50,10", help="boosting max_depth values, in this order (the longest fit last)")
    ap.add_argument("--checkpoint", default=None,
                    help="grow boosters 10 stages at a time, pickled to CHECKPOINT.depthD.pkl, resuming from it if present")
    ap.add_argument("--only", default="DecisionTreeClassifier,ExtraTreeClassifier,RandomForestClassifier,GradientBoostingClassifier")
    args = ap.parse_args()
    xtr, ytr, xte, yte = load(args.n_train, args.n_test)
    seeds = list(range(args.seeds))
    # Keep what earlier runs measured; a configuration measured again replaces its row.
    try:
        with open(args.out) as f:
            results = json.load(f)["results"]
    except FileNotFoundError:
        results = []
    doc = {
        "_generated_by": "bench/trees_sklearn_reference.py (do not edit; regenerate instead)",
        "sklearn_version": sklearn.__version__,
        "n_train": args.n_train, "n_test": args.n_test, "seeds": seeds,
        "notes": [
            "RandomForest: warm-started forests scored at 10, 50, 100 trees.",
            "GradientBoosting: one seed (random_state only breaks ties); staged_predict at 10, 50, 100 stages;"
            f" max_depth=50 fitted for at most {args.gb_stages_depth50} stages (rows only for the stages reached).",
        ] + ([f"GradientBoosting max_depth {args.gb_depths}: grown 10 stages at a time with warm_start (each step"
              " draws its tie-breaking feature orders from random_state anew), scored at 10, 50, 100 stages."]
             if args.checkpoint else []),
        "results": results,
    }

    def save():
        with open(args.out, "w") as f:
            json.dump(doc, f, indent=1)

    def record(name, params, accs, fit_seconds, seeds_used):
        key = json.dumps([name, params], sort_keys=True)
        results[:] = [r for r in results if json.dumps([r["classifier"], r["params"]], sort_keys=True) != key]
        results.append({"classifier": name, "params": params, "accuracies": accs,
                        "mean_accuracy": float(np.mean(accs)), "fit_seconds": fit_seconds, "seeds": seeds_used})
        print(name, params, f"{np.mean(accs):.4f}", f"{np.mean(fit_seconds):.1f}s", flush=True)
        save()

    only = args.only.split(",")
    for cls in [DecisionTreeClassifier, ExtraTreeClassifier]:
        if cls.__name__ not in only:
            continue
        for criterion in ["gini", "entropy"]:
            for splitter in ["best", "random"]:
                for max_depth in [10, 50, 100]:
                    params = dict(criterion=criterion, splitter=splitter, max_depth=max_depth)
                    accs, times = [], []
                    for s in seeds:
                        t0 = time.process_time()
                        m = cls(random_state=s, **params).fit(xtr, ytr)
                        times.append(time.process_time() - t0)
                        accs.append(float(m.score(xte, yte)))
                    record(cls.__name__, params, accs, times, seeds)
    if "RandomForestClassifier" in only:
        for criterion in ["gini", "entropy"]:
            for max_depth in [10, 50, 100]:
                per_size = {10: ([], []), 50: ([], []), 100: ([], [])}
                for s in seeds:
                    m = RandomForestClassifier(criterion=criterion, max_depth=max_depth, warm_start=True, random_state=s, n_jobs=1)
                    spent = 0.0
                    for n in [10, 50, 100]:
                        m.set_params(n_estimators=n)
                        t0 = time.process_time()
                        m.fit(xtr, ytr)
                        spent += time.process_time() - t0
                        per_size[n][0].append(float(m.score(xte, yte)))
                        per_size[n][1].append(spent)
                for n in [10, 50, 100]:
                    record("RandomForestClassifier", dict(criterion=criterion, max_depth=max_depth, n_estimators=n),
                           per_size[n][0], per_size[n][1], seeds)
    if "GradientBoostingClassifier" in only:
        for max_depth in [int(d) for d in args.gb_depths.split(",")]:
            stages = 100 if max_depth != 50 else args.gb_stages_depth50
            if args.checkpoint:
                boost_in_steps(max_depth, stages, args.checkpoint, xtr, ytr, xte, yte, record)
                continue
            m = GradientBoostingClassifier(loss="deviance", n_estimators=stages, max_depth=max_depth, random_state=0)
            t0 = time.process_time()
            m.fit(xtr, ytr)
            spent = time.process_time() - t0
            staged = [float(np.mean(p == yte)) for p in m.staged_predict(xte)]
            for n in [10, 50, 100]:
                if n <= stages:
                    record("GradientBoostingClassifier", dict(loss="deviance", n_estimators=n, max_depth=max_depth),
                           [staged[n - 1]], [spent * n / stages], [0])


def boost_in_steps(max_depth, stages, checkpoint, xtr, ytr, xte, yte, record):
    """Grows the booster 10 stages at a time (warm_start), pickling it and the CPU seconds
    spent after every step, and records the 10/50/100-stage rows as they are reached: a fit
    of hours survives being stopped, and a later run with the same checkpoint goes on."""
    path = f"{checkpoint}.depth{max_depth}.pkl"
    if os.path.exists(path):
        with open(path, "rb") as f:
            m, spent = pickle.load(f)
    else:
        m, spent = GradientBoostingClassifier(loss="deviance", n_estimators=0, max_depth=max_depth, random_state=0, warm_start=True), 0.0
    while m.n_estimators < stages:
        m.set_params(n_estimators=m.n_estimators + 10)
        t0 = time.process_time()
        m.fit(xtr, ytr)
        spent += time.process_time() - t0
        with open(path + ".tmp", "wb") as f:
            pickle.dump((m, spent), f)
        os.replace(path + ".tmp", path)
        n = m.n_estimators
        print(f"depth {max_depth}: {n} stages, {spent:.0f} s CPU", flush=True)
        if n in (10, 50, 100):
            acc = float(np.mean(m.predict(xte) == yte))
            record("GradientBoostingClassifier", dict(loss="deviance", n_estimators=n, max_depth=max_depth), [acc], [spent], [0])


if __name__ == "__main__":
    main()
