"""Adds scikit-learn 1.2 fits with more random_state values to rows of the linear reference fixture.

liblinear's coordinate descent (LinearSVC, LogisticRegression liblinear) visits the samples in
a random order drawn from random_state; where it stops unconverged at max_iter, the accuracy
depends on that order. bench/linear_sklearn_reference.py fits those rows with random_state=0
only; this script fits seeds 1..SEEDS-1 for the rows matching REGEX and records every seed's
accuracy (seed 0's copied from the row) under the fixture's top-level key "more_seeds", by slice.
bench/linear_fidelity.mjs compares with their mean. (A separate key, because the reference
script rewrites its slice from memory while it runs.)

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/linear_sklearn_seeds.py SLICE REGEX SEEDS
  e.g. bench/linear_sklearn_seeds.py 10k 'LinearSVC.*squared_hinge.*l2.*10.0.*ovr' 4
"""
import json
import os
import re
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from linear_common import estimator, load  # noqa: E402
from linear_sklearn_reference import OUT  # noqa: E402


def main():
    slice_name, pattern, seeds = sys.argv[1], re.compile(sys.argv[2]), int(sys.argv[3])
    with open(OUT) as f:
        doc = json.load(f)
    entry = doc[slice_name]
    rows = [c for c in entry["configs"] if "error" not in c and pattern.search(f"{c['classifier']} {json.dumps(c['params'])}")]
    if not rows:
        sys.exit(f"no row of slice {slice_name} matches {pattern.pattern}")
    Xtr, ytr, Xte, yte = load(entry["n_train"], entry["n_test"])
    more = doc.get("more_seeds", {}).get(slice_name, [])
    for row in rows:
        known = next((m for m in more if m["classifier"] == row["classifier"] and m["params"] == row["params"]), None)
        accs = known["accuracies"] if known else (row.get("accuracies") or [row["accuracy"]])
        for seed in range(len(accs), seeds):
            t0 = time.time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est = estimator(row["classifier"], row["params"], random_state=seed).fit(Xtr, ytr)
            accs.append(float((est.predict(Xte) == yte).mean()))
            print(slice_name, row["classifier"], row["params"], "seed", seed, accs[-1], round(time.time() - t0, 1), flush=True)
            # Re-read before writing: the reference script may be adding rows meanwhile.
            with open(OUT) as f:
                current = json.load(f)
            listed = current.setdefault("more_seeds", {}).setdefault(slice_name, [])
            listed[:] = [m for m in listed if not (m["classifier"] == row["classifier"] and m["params"] == row["params"])]
            listed.append({"classifier": row["classifier"], "params": row["params"], "seeds": list(range(len(accs))),
                           "accuracies": accs, "accuracy": float(np.mean(accs))})
            tmp = OUT + ".seeds.tmp"
            with open(tmp, "w") as f:
                json.dump(current, f, indent=1)
            os.replace(tmp, OUT)


if __name__ == "__main__":
    main()
