// MLPClassifier: the 8 upstream configurations (tanh/relu x (10,), (100,), (10,10), (100,10)) against
// scikit-learn 1.2 (one BLAS thread) in the same run, accuracy and time, on the first N_TRAIN / N_TEST
// images (default 10,000 / 10,000); with --full, only relu (100,) on the full data (published: 0.871).
// The machine may be shared: per-epoch ratios are given in wall time and in CPU time (process CPU of
// each engine, one thread each), the latter being the steadier under load.
// Usage: npm run bench:mlp [-- N_TRAIN N_TEST] | npm run bench:mlp -- --full
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MLPClassifier } from "../dist/index.js";
import { slice } from "./svc_common.mjs";
import { benchArgs } from "./lib/args.mjs";

const { full, _: sizes } = benchArgs({ full: false });
const nTrain = full ? 60000 : Number(sizes[0] ?? 10000);
const nTest = full ? 10000 : Number(sizes[1] ?? 10000);
const configs = [];
if (full) configs.push({ hidden_layer_sizes: [100], activation: "relu", random_state: 0 });
else for (const activation of ["tanh", "relu"]) for (const h of [[10], [100], [10, 10], [100, 10]]) configs.push({ hidden_layer_sizes: h, activation, random_state: 0 });

console.log(`MLPClassifier on ${nTrain} train / ${nTest} test images; scikit-learn 1.2 (one thread) first...`);
const script = fileURLToPath(new URL("./mlp_sklearn.py", import.meta.url));
const peer = JSON.parse(execFileSync("/usr/bin/python3", [script, String(nTrain), String(nTest), JSON.stringify(configs)], {
  env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
  maxBuffer: 64 * 2 ** 20, stdio: ["ignore", "pipe", "inherit"],
}).toString()).results;
const d = await slice(nTrain, nTest);
const rows = [];
for (let k = 0; k < configs.length; k++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const clf = new MLPClassifier(configs[k]).fit(d.Xtrain, d.ytrain);
  const c1 = process.cpuUsage(c0);
  const t1 = performance.now();
  const cpu = (c1.user + c1.system) / 1e6;
  const acc = clf.score(d.Xtest, d.ytest);
  const t2 = performance.now();
  const diff = (acc - peer[k].accuracy) * 100;
  rows.push({
    config: `${configs[k].activation} (${configs[k].hidden_layer_sizes.join(",")},)`, acc: acc.toFixed(4),
    sk_acc: peer[k].accuracy.toFixed(4), diff_points: diff.toFixed(2), iters: clf.n_iter_, sk_iters: peer[k].n_iter,
    fit_s: ((t1 - t0) / 1000).toFixed(1), sk_fit_s: peer[k].fit_seconds.toFixed(1),
    "sk/this fit": (peer[k].fit_seconds / ((t1 - t0) / 1000)).toFixed(2),
    "per-epoch sk/this": ((peer[k].fit_seconds / peer[k].n_iter) / ((t1 - t0) / 1000 / clf.n_iter_)).toFixed(2),
    "per-epoch CPU sk/this": ((peer[k].fit_cpu_seconds / peer[k].n_iter) / (cpu / clf.n_iter_)).toFixed(2),
    pred_s: ((t2 - t1) / 1000).toFixed(2), within_1_5: Math.abs(diff) <= 1.5 ? "yes" : "NO",
  });
  console.log(JSON.stringify(rows[rows.length - 1]));
}
console.table(rows);
