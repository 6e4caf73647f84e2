// SVC (C=10, rbf) on the full data (60,000 / 10,000): fmbench and scikit-learn 1.2 in the
// same run, side by side, each on its own core (scikit-learn in a child process with one
// BLAS/OpenMP thread, started first; fmbench in this process). Both share the memory
// bandwidth, which kernel-row computation on 60,000 x 784 leans on; CPU seconds are
// compared as well as wall time. scikit-learn needs about ten minutes here.
//   npm run build && node bench/svc_full.mjs [--skip-sklearn] [--train N --test M]
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SVC } from "../dist/index.js";
import { agreement, slice } from "./svc_common.mjs";
import { benchArgs } from "./lib/args.mjs";

const params = { C: 10, kernel: "rbf" };
const opts = benchArgs({ train: 60000, test: 10000, "skip-sklearn": false });
const skip = opts["skip-sklearn"];
const nTrain = Number(opts.train);
const nTest = Number(opts.test);

function sklearnInBackground() {
  const script = fileURLToPath(new URL("./svc_sklearn.py", import.meta.url));
  const child = spawn("/usr/bin/python3", [script, String(nTrain), String(nTest), JSON.stringify([params])], {
    env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out).results[0]) : reject(new Error(`scikit-learn peer exited with ${code}`))));
  });
}

const peer = skip ? null : sklearnInBackground();
const d = await slice(nTrain, nTest);
const c0 = process.cpuUsage();
const t0 = performance.now();
const svc = new SVC(params).fit(d.Xtrain, d.ytrain);
const c1 = process.cpuUsage(c0);
const t1 = performance.now();
const pred = svc.predict(d.Xtest);
const c2 = process.cpuUsage(c0);
const t2 = performance.now();
let correct = 0;
for (let i = 0; i < pred.length; i++) correct += pred[i] === d.ytest[i] ? 1 : 0;
const cpu = (c) => (c.user + c.system) / 1e6;
const fm = {
  engine: "fmbench", accuracy: correct / pred.length, fit_s: (t1 - t0) / 1000, predict_s: (t2 - t1) / 1000,
  fit_cpu_s: cpu(c1), predict_cpu_s: cpu(c2) - cpu(c1), n_support: Array.from(svc.n_support_),
};
console.log(JSON.stringify({ ...fm, kernel_rows: svc.kernelRowsComputed_, smo_iterations: svc.n_iter_.reduce((a, b) => a + b, 0) }));
if (peer) {
  const sk = await peer;
  const row = (name, r) => ({
    engine: name, accuracy: r.accuracy.toFixed(4), "fit s": r.fit_s.toFixed(1), "predict s": r.predict_s.toFixed(1),
    "fit CPU s": r.fit_cpu_s.toFixed(1), "predict CPU s": r.predict_cpu_s.toFixed(1), "support vectors": r.n_support.reduce((a, b) => a + b, 0),
  });
  const s = {
    accuracy: sk.accuracy, fit_s: sk.fit_seconds, predict_s: sk.predict_seconds, fit_cpu_s: sk.fit_cpu_seconds,
    predict_cpu_s: sk.predict_cpu_seconds, n_support: sk.n_support,
  };
  console.table([row("fmbench", fm), row("scikit-learn 1.2", s)]);
  const ratio = (a, b) => (a / b).toFixed(2);
  console.log(`fit + predict: scikit-learn / fmbench = ${ratio(s.fit_s + s.predict_s, fm.fit_s + fm.predict_s)}x wall, ` +
    `${ratio(s.fit_cpu_s + s.predict_cpu_s, fm.fit_cpu_s + fm.predict_cpu_s)}x CPU (goal 2x); fit alone ${ratio(s.fit_cpu_s, fm.fit_cpu_s)}x CPU`);
  console.log(`predictions equal: ${(agreement(Array.from(pred), sk.predictions) * 100).toFixed(2)}%; published (scikit-learn 0.19) 0.897`);
}
