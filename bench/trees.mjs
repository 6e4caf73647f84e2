// Tree estimators on full Fashion-MNIST (60,000 x 784 standardized pixels, 10,000 test images),
// one thread, against scikit-learn 1.2 with one thread in the same run.
// Usage: npm run build && node bench/trees.mjs [--trees 100] [--stages 100] [--gb-depth10] [--only dt,rf,gb,hgb] [--n-train 60000]
// --trees / --stages scale RandomForest / boosting down on both sides alike (say so when reporting).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  DecisionTreeClassifier, GradientBoostingClassifier, RandomForestClassifier, loadDataset, prepareData,
} from "../dist/index.js";
import { benchArgs } from "./lib/args.mjs";

const opts = benchArgs({ trees: 100, stages: 100, "n-train": 60000, only: "dt,rf,gb,hgb", "gb-depth10": false });
const trees = Number(opts.trees);
const stages = Number(opts.stages);
const nTrain = Number(opts["n-train"]);
const only = opts.only.split(",");

const configs = [
  { key: "dt", name: "DecisionTree entropy depth 10", classifier: "DecisionTreeClassifier", ours: DecisionTreeClassifier,
    params: { criterion: "entropy", max_depth: 10, random_state: 0 } },
  { key: "rf", name: `RandomForest entropy depth 100, ${trees} trees`, classifier: "RandomForestClassifier", ours: RandomForestClassifier,
    params: { criterion: "entropy", max_depth: 100, n_estimators: trees, random_state: 0 } },
  { key: "gb", name: `GradientBoosting depth 3, ${stages} stages`, classifier: "GradientBoostingClassifier", ours: GradientBoostingClassifier,
    params: { loss: "deviance", max_depth: 3, n_estimators: stages, random_state: 0 } },
];
if (opts["gb-depth10"]) {
  configs.push({ key: "gb", name: `GradientBoosting depth 10, ${stages} stages`, classifier: "GradientBoostingClassifier",
    ours: GradientBoostingClassifier, params: { loss: "deviance", max_depth: 10, n_estimators: stages, random_state: 0 } });
}
const selected = configs.filter((c) => only.includes(c.key));

const data = prepareData(await loadDataset("fashion"), { trainSize: nTrain });
const ours = new Map();
for (const c of selected) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const model = new c.ours(c.params).fit(data.Xtrain, data.ytrain);
  const t1 = performance.now();
  const cpu = (process.cpuUsage().user + process.cpuUsage().system - c0.user - c0.system) / 1e6;
  const acc = model.score(data.Xtest, data.ytest);
  const t2 = performance.now();
  ours.set(c.name, { accuracy: acc, fit: (t1 - t0) / 1000, cpu, predict: (t2 - t1) / 1000, mb: model.modelBytes / 2 ** 20 });
  console.log(`fmbench  ${c.name}: accuracy ${acc.toFixed(4)}, fit ${((t1 - t0) / 1000).toFixed(1)} s (cpu ${cpu.toFixed(1)} s), ` +
    `predict ${((t2 - t1) / 1000).toFixed(2)} s, model ${(model.modelBytes / 2 ** 20).toFixed(1)} MiB`);
}

const peerConfigs = selected.map((c) => ({ name: c.name, classifier: c.classifier, params: { ...c.params } }));
if (only.includes("hgb")) {
  // scikit-learn's fastest booster, as many boosting iterations as our stages, no early stopping.
  peerConfigs.push({ name: `HistGradientBoosting ${stages} iterations`, classifier: "HistGradientBoostingClassifier",
    params: { max_iter: stages, early_stopping: false, random_state: 0 } });
}
const root = fileURLToPath(new URL("..", import.meta.url));
const peer = spawnSync("/usr/bin/python3", ["bench/trees_sklearn.py", JSON.stringify(peerConfigs), String(nTrain)], {
  cwd: root, encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
  maxBuffer: 1 << 24,
});
if (peer.status !== 0) {
  console.error(peer.stderr);
  process.exit(1);
}
const theirs = new Map(peer.stdout.trim().split("\n").map((l) => JSON.parse(l)).map((r) => [r.name, r]));
for (const [name, r] of theirs) {
  console.log(`sklearn  ${name}: accuracy ${r.accuracy.toFixed(4)}, fit ${r.fit_seconds.toFixed(1)} s (cpu ${r.fit_cpu_seconds.toFixed(1)} s), predict ${r.predict_seconds.toFixed(2)} s`);
}

console.log(`\n${nTrain} train x 784, 10,000 test; one thread each; fit CPU seconds (the machine is shared, so CPU time, not wall time, is compared)`);
console.log("| configuration | fmbench acc | sklearn acc | fmbench fit cpu s | sklearn fit cpu s | speedup (sklearn / fmbench) |");
console.log("|---|---|---|---|---|---|");
for (const c of selected) {
  const a = ours.get(c.name);
  const b = theirs.get(c.name);
  console.log(`| ${c.name} | ${a.accuracy.toFixed(4)} | ${b.accuracy.toFixed(4)} | ${a.cpu.toFixed(1)} | ${b.fit_cpu_seconds.toFixed(1)} | ${(b.fit_cpu_seconds / a.cpu).toFixed(2)}x |`);
}
const hgb = theirs.get(`HistGradientBoosting ${stages} iterations`);
const gb = ours.get(`GradientBoosting depth 3, ${stages} stages`);
if (hgb && gb) {
  console.log(`| fmbench GradientBoosting depth 3 vs sklearn HistGradientBoosting, ${stages} iterations | ${gb.accuracy.toFixed(4)} | ${hgb.accuracy.toFixed(4)} | ${gb.cpu.toFixed(1)} | ${hgb.fit_cpu_seconds.toFixed(1)} | ${(hgb.fit_cpu_seconds / gb.cpu).toFixed(2)}x |`);
}
