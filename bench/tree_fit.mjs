// Times one tree-model fit on the first --n-train images (standard scaling) and prints its fit
// seconds, node count, accuracy on the first 2,000 test images and a hash of the trees, so that
// two builds can be compared with farm-bench and their trees checked for sameness.
// Usage: npm run build && node bench/tree_fit.mjs [--estimator GradientBoostingClassifier]
//          [--params '{"n_estimators":1,"max_depth":50}'] [--n-train 10000] [--dist ../dist]
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { benchArgs } from "./lib/args.mjs";

const opts = benchArgs({
  estimator: "GradientBoostingClassifier", params: '{"n_estimators":1,"max_depth":50}', "n-train": "10000",
  dist: new URL("../dist", import.meta.url).pathname,
});
const api = await import(pathToFileURL(resolve(opts.dist, "index.js")).href);
const data = api.prepareData(await api.loadDataset("fashion"), { trainSize: Number(opts["n-train"]), testSize: 2000 });
const t0 = performance.now();
const model = new api[opts.estimator]({ random_state: 0, ...JSON.parse(opts.params) }).fit(data.Xtrain, data.ytrain);
const seconds = (performance.now() - t0) / 1000;
const hash = createHash("sha256");
let nodes = 0;
for (const t of model.estimators_ ?? [model.tree_]) {
  nodes += t.nodeCount;
  for (const a of [t.feature, t.threshold, t.left, t.right, t.value]) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}
const accuracy = model.score(data.Xtest, data.ytest);
console.log(`${opts.estimator} fit ${seconds.toFixed(2)} s, ${nodes} nodes, accuracy ${accuracy.toFixed(4)}, trees ${hash.digest("hex").slice(0, 12)}`);
