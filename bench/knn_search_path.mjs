// Where the projected k-nearest search (src/kernels/knn_projected.ts) starts to beat the float32 pass:
// CPU seconds of each on standardized Fashion-MNIST, k = 5, one thread, for several sizes, and the cost
// of finding the projection's basis. chooseSearch's thresholds in src/kernels/distance.ts come from here.
// Usage (after `npm run build`): node bench/knn_search_path.mjs
import { SharedHeap, kNearest, loadDataset, prepareData } from "../dist/index.js";
import { leadingDirections, projectionSettings } from "../dist/kernels/knn_projected.js";

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const timed = (fn) => {
  const t = cpuSeconds();
  fn();
  return cpuSeconds() - t;
};

const dataset = await loadDataset("fashion");
console.log("| training rows | queries | pairs | float32 pass (s) | projected, basis known (s) | basis (s) | per pair: float32 / projected (ns) |");
console.log("|---|---|---|---|---|---|---|");
for (const [nt, nq] of [[2000, 100], [2000, 500], [3000, 300], [2000, 1000], [3000, 1000], [5000, 2000], [10000, 1000], [10000, 3000], [10000, 10000], [60000, 1000]]) {
  const data = prepareData(dataset, { trainSize: nt, testSize: nq, preprocess: "standard" });
  const heap = SharedHeap.create();
  const settings = projectionSettings(nt, data.Xtrain.cols);
  const basis = Math.min(...[0, 1].map(() => timed(() => leadingDirections(heap, data.Xtrain, settings))));
  const projection = leadingDirections(heap, data.Xtrain, settings);
  const best = { float32: Infinity, projected: Infinity };
  for (let round = 0; round < 2; round++) {
    for (const search of ["float32", "projected"]) {
      best[search] = Math.min(best[search], timed(() => kNearest(heap, data.Xtest, data.Xtrain, 5, "sqeuclidean", { search, projection })));
    }
  }
  const pairs = nt * nq;
  console.log(`| ${nt} | ${nq} | ${pairs.toExponential(1)} | ${best.float32.toFixed(3)} | ${best.projected.toFixed(3)} | ${basis.toFixed(3)} | ` +
    `${((best.float32 / pairs) * 1e9).toFixed(0)} / ${((best.projected / pairs) * 1e9).toFixed(0)} |`);
}
