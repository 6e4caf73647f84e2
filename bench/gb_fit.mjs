// Times one GradientBoostingClassifier fit on the first --n-train images (standard scaling)
// and prints its fit seconds, node count, accuracy on the first 2,000 test images and a hash
// of the trees, so that two builds can be compared with farm-bench and their trees checked.
// Usage: npm run build && node bench/gb_fit.mjs [--n-train 10000] [--stages 1] [--depth 50] [--dist ../dist]
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { benchArgs } from "./lib/args.mjs";

const opts = benchArgs({ "n-train": "10000", stages: "1", depth: "50", dist: new URL("../dist", import.meta.url).pathname });
const api = await import(pathToFileURL(resolve(opts.dist, "index.js")).href);
const data = api.prepareData(await api.loadDataset("fashion"), { trainSize: Number(opts["n-train"]), testSize: 2000 });
const t0 = performance.now();
const model = new api.GradientBoostingClassifier({
  loss: "deviance", n_estimators: Number(opts.stages), max_depth: Number(opts.depth), random_state: 0,
}).fit(data.Xtrain, data.ytrain);
const seconds = (performance.now() - t0) / 1000;
const hash = createHash("sha256");
let nodes = 0;
for (const t of model.estimators_) {
  nodes += t.nodeCount;
  for (const a of [t.feature, t.threshold, t.left, t.right, t.value]) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}
const accuracy = model.score(data.Xtest, data.ytest);
console.log(`gb fit ${seconds.toFixed(2)} s, ${nodes} nodes, accuracy ${accuracy.toFixed(4)}, trees ${hash.digest("hex").slice(0, 12)}`);
