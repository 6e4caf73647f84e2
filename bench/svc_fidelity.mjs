// SVC fidelity: the 12 upstream configurations (C in 1, 10, 100 x 4 kernels) on the first
// 5,000 training / 2,000 test images, fmbench against scikit-learn 1.2 in the same run.
// Prints per-configuration prediction agreement, accuracies, support-vector counts and times.
// Usage: npm run bench:svc-fidelity [-- N_TRAIN N_TEST]
import { SVC } from "../dist/index.js";
import { agreement, sklearnPeer, slice } from "./svc_common.mjs";
import { benchArgs } from "./lib/args.mjs";

const sizes = benchArgs()._;
const nTrain = Number(sizes[0] ?? 5000);
const nTest = Number(sizes[1] ?? 2000);
const configs = [];
for (const C of [1, 10, 100]) for (const kernel of ["linear", "rbf", "poly", "sigmoid"]) configs.push({ C, kernel });

console.log(`SVC fidelity on ${nTrain} train / ${nTest} test images; running scikit-learn 1.2 (one thread) first...`);
const peer = sklearnPeer(nTrain, nTest, configs);
const d = await slice(nTrain, nTest);
const rows = [];
let allOk = true;
for (let k = 0; k < configs.length; k++) {
  const t0 = performance.now();
  const svc = new SVC(configs[k]).fit(d.Xtrain, d.ytrain);
  const t1 = performance.now();
  const pred = svc.predict(d.Xtest);
  const t2 = performance.now();
  const acc = agreement(pred, d.ytest);
  const same = agreement(pred, peer[k].predictions);
  const nsv = Array.from(svc.n_support_).reduce((a, b) => a + b, 0);
  const nsvPeer = peer[k].n_support.reduce((a, b) => a + b, 0);
  const maxClassDiff = Math.max(...Array.from(svc.n_support_, (n, c) => Math.abs(n - peer[k].n_support[c])));
  const ok = same >= 0.99 && Math.abs(acc - peer[k].accuracy) <= 0.005;
  allOk &&= ok;
  rows.push({
    config: `C=${configs[k].C} ${configs[k].kernel}`, agree: same.toFixed(4), acc: acc.toFixed(4),
    sk_acc: peer[k].accuracy.toFixed(4), nSV: nsv, sk_nSV: nsvPeer, max_class_nSV_diff: maxClassDiff,
    fit_s: ((t1 - t0) / 1000).toFixed(1), sk_fit_s: peer[k].fit_seconds.toFixed(1),
    pred_s: ((t2 - t1) / 1000).toFixed(1), sk_pred_s: peer[k].predict_seconds.toFixed(1), ok: ok ? "yes" : "NO",
  });
  console.log(JSON.stringify(rows[rows.length - 1]));
}
console.table(rows);
console.log(allOk ? "all configurations: agreement >= 99% and accuracy within 0.5 points" : "SOME CONFIGURATIONS MISS THE GOAL");
