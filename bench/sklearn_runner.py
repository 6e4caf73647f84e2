"""The scikit-learn side of `npm run bench:sklearn`.

Runs a grid file in the upstream format (fashion-mnist's benchmark/baselines.json) through scikit-learn on
the same data, slices, preprocessing and repeat rule as fmbench, in a process pool of the given size with
one BLAS/OpenMP thread per process (like the upstream runner), and writes results.jsonl lines in fmbench's
schema so that `fmbench report --compare` and bench/sklearn.mjs can read them.

Usage: /usr/bin/python3 bench/sklearn_runner.py GRID OUT_JSONL --workers N [--train-size N] [--test-size M]
       [--repeat R] [--seed S] [--preprocess standard|minmax|none] [--dataset-dir DIR] [--only REGEX] [--resume]

With --resume, configurations that already have a line in OUT_JSONL (same sizes, seed, repeats and
preprocessing) are skipped and new lines are appended; a torn last line (a killed run) is dropped first.
Without it, OUT_JSONL must not hold lines yet, so that an earlier run is never overwritten.
"""
import argparse
import ast
import itertools
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

from fashion_data import DATA as FASHION, load_slices  # noqa: E402


def expand(grid):
    def convert(v):
        if isinstance(v, str) and v.startswith("("):
            return list(ast.literal_eval(v))
        return v

    configs = []
    for name, groups in grid["classifiers"].items():
        keys = [k for g in groups for k in g.keys()]
        values = [[convert(v) for v in g[k]] for g in groups for k in g.keys()]
        for combo in itertools.product(*values):
            params = dict(zip(keys, combo))
            params.update(grid.get("common", {}))
            configs.append((name, params))
    return configs


DATA = {}


def init_worker(dataset_dir, train_size, test_size, preprocess, repeats, seed):
    from sklearn import preprocessing
    X, y, Xt, yt = load_slices(train_size, test_size, dataset_dir)
    if preprocess == "standard":
        scaler = preprocessing.StandardScaler().fit(X)
        X, Xt = scaler.transform(X), scaler.transform(Xt)
    elif preprocess == "minmax":
        scaler = preprocessing.MinMaxScaler().fit(X)
        X, Xt = scaler.transform(X), scaler.transform(Xt)
    else:
        X, Xt = X.astype(np.float64), Xt.astype(np.float64)
    rng = np.random.RandomState(seed)
    DATA["train"] = []
    for _ in range(repeats):
        order = rng.permutation(len(y))
        DATA["train"].append((X[order], y[order]))
    DATA["test"] = (Xt, yt)


def estimator_class(name):
    import sklearn.ensemble, sklearn.gaussian_process, sklearn.linear_model, sklearn.naive_bayes  # noqa: E401
    import sklearn.neighbors, sklearn.neural_network, sklearn.svm, sklearn.tree  # noqa: E401
    for module in (sklearn.ensemble, sklearn.gaussian_process, sklearn.linear_model, sklearn.naive_bayes,
                   sklearn.neighbors, sklearn.neural_network, sklearn.svm, sklearn.tree):
        if hasattr(module, name):
            return getattr(module, name)
    raise ValueError(f"unknown classifier '{name}'")


def run_config(name, params, repeats):
    import warnings
    scores, fit_times, score_times, caught = [], [], [], []
    try:
        cls = estimator_class(name)
        for r in range(repeats):
            X, y = DATA["train"][r]
            Xt, yt = DATA["test"]
            kwargs = {k: (tuple(v) if k == "hidden_layer_sizes" else v) for k, v in params.items()}
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                clf = cls(**kwargs)
                t0 = time.perf_counter()
                clf.fit(X, y)
                t1 = time.perf_counter()
                pred = clf.predict(Xt)
                t2 = time.perf_counter()
            caught = sorted({str(x.message).split("\n")[0] for x in w})
            scores.append(float((pred == yt).mean()))
            fit_times.append(t1 - t0)
            score_times.append(t2 - t1)
            if len(scores) == 2 and abs(scores[0] - scores[1]) < 1e-3:
                break
        return {"status": "ok", "scores": scores, "fit_times": fit_times, "score_times": score_times, "warnings": caught}
    except Exception as e:  # a configuration scikit-learn rejects is a failed line, as in fmbench
        return {"status": "failed", "error": f"{type(e).__name__}: {e}", "scores": scores,
                "fit_times": fit_times, "score_times": score_times}


def config_key(name, params):
    return name + " " + json.dumps(params, sort_keys=True, separators=(",", ":"))


def finished_configs(path, identity):
    """Keys of the configurations with a line in `path`, after dropping a torn last line; exits with a
    message when a line was written for other sizes, seed, repeats or preprocessing."""
    if not os.path.exists(path):
        return set()
    with open(path, "rb") as f:
        raw = f.read()
    kept = raw[: raw.rfind(b"\n") + 1]
    if len(kept) != len(raw):
        with open(path, "wb") as f:
            f.write(kept)
        print(f"sklearn_runner: dropped a torn last line of {path}", file=sys.stderr)
    done = set()
    for number, text in enumerate(kept.decode().splitlines(), 1):
        line = json.loads(text)
        for field, value in identity.items():
            if line.get(field) != value:
                sys.exit(f"sklearn_runner: line {number} of {path} has {field}={line.get(field)!r}, this run "
                         f"{value!r}; give another output file")
        done.add(config_key(line["classifier"], line["params"]))
    return done


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("grid")
    ap.add_argument("out")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--train-size", type=int, default=60000)
    ap.add_argument("--test-size", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--preprocess", default="standard", choices=["standard", "minmax", "none"])
    ap.add_argument("--dataset-dir", default=FASHION)
    ap.add_argument("--only", default=None)
    ap.add_argument("--resume", action="store_true")
    args = ap.parse_args()

    import re
    import sklearn
    with open(args.grid) as f:
        configs = expand(json.load(f))
    if args.only:
        pattern = re.compile(args.only)
        configs = [(n, p) for n, p in configs
                   if pattern.search(f"{n} {json.dumps(p, separators=(',', ':'))}")]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    identity = {"train_size": args.train_size, "test_size": args.test_size, "seed": args.seed,
                "repeats": args.repeat, "preprocess": args.preprocess}
    if args.resume:
        done_keys = finished_configs(args.out, identity)
        skipped = len(configs)
        configs = [(n, p) for n, p in configs if config_key(n, p) not in done_keys]
        print(f"sklearn_runner: {skipped - len(configs)} configurations already in {args.out}, "
              f"{len(configs)} to run", file=sys.stderr)
    elif os.path.exists(args.out) and os.path.getsize(args.out) > 0:
        sys.exit(f"sklearn_runner: {args.out} already holds results; pass --resume to continue it")
    started = time.perf_counter()
    with open(args.out, "a") as out, ProcessPoolExecutor(
            max_workers=args.workers, initializer=init_worker,
            initargs=(args.dataset_dir, args.train_size, args.test_size, args.preprocess, args.repeat, args.seed)) as pool:
        futures = {pool.submit(run_config, n, p, args.repeat): (n, p) for n, p in configs}
        for done, fut in enumerate(as_completed(futures), 1):
            name, params = futures[fut]
            r = fut.result()
            s = r["scores"]
            mean = float(np.mean(s)) if s else None
            line = {
                "classifier": name, "params": params, "status": r["status"],
                "accuracy": mean if r["status"] == "ok" else None,
                "fit_seconds": float(np.mean(r["fit_times"])) if r["fit_times"] else None,
                "predict_seconds": float(np.mean(r["score_times"])) if r["score_times"] else None,
                "scores": s, "n_repeats": len(s), "mean_test_score": mean,
                "std_test_score": float(np.std(s)) if s else None,
                "fit_times": r["fit_times"], "score_times": r["score_times"],
                "mean_fit_time": float(np.mean(r["fit_times"])) if r["fit_times"] else None,
                "mean_score_time": float(np.mean(r["score_times"])) if r["score_times"] else None,
                "dataset": "fashion", "features": "raw", "preprocess": args.preprocess,
                "train_size": args.train_size, "test_size": args.test_size, "seed": args.seed, "repeats": args.repeat,
                "engine": f"scikit-learn {sklearn.__version__}",
                "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            if r.get("error"):
                line["error"] = r["error"]
            if r.get("warnings"):
                line["warnings"] = r["warnings"]
            out.write(json.dumps(line) + "\n")
            out.flush()
            print(f"[{done}/{len(configs)}] {name} {json.dumps(params)} {r['status']} "
                  f"{'' if mean is None else f'{mean:.4f}'}", file=sys.stderr, flush=True)
    print(json.dumps({"wall_seconds": time.perf_counter() - started, "configs": len(configs)}))


if __name__ == "__main__":
    main()
