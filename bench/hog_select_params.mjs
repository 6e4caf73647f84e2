// Second stage of the HOG + SVC model selection (the first is `fmbench run --grid hog-select
// --train-size 10000 --validation 10000`): C and gamma for the chosen feature union, on the
// same split (first 10,000 training images, scored on the last 10,000; the test set is never read).
// gamma is given as a multiple of 1 / n_features ('scale' on standardized features is about 1x).
//   npm run build && node bench/hog_select_params.mjs [C:gammaFactor ...]   (default 10:1 10:0.5 30:0.5 10:2)
import { loadDataset, parseFeatureSpec, prepareData, SharedHeap, SVC } from "../dist/index.js";

const settings = (process.argv.length > 2 ? process.argv.slice(2) : ["10:1", "10:0.5", "30:0.5", "10:2"]).map((s) => s.split(":").map(Number));
const hog = (cell) => ({ kind: "hog", orientations: 9, pixels_per_cell: [cell, cell], cells_per_block: [2, 2], block_norm: "L2-Hys" });
const features = parseFeatureSpec({ kind: "union", parts: [hog(4), hog(7), { kind: "raw" }] }, "hog_select_params");
const data = prepareData(await loadDataset("fashion"), { trainSize: 10000, validationSize: 10000, features, heap: SharedHeap.create() });
console.log(`${data.features}: ${data.Xtrain.rows} train / ${data.Xtest.rows} validation images, ${data.Xtrain.cols} features`);
console.log("| C | gamma | validation accuracy | fit + predict s |\n|---|---|---|---|");
for (const [C, factor] of settings) {
  const t0 = performance.now();
  const model = new SVC({ C, kernel: "rbf", gamma: factor / data.Xtrain.cols });
  model.fit(data.Xtrain, data.ytrain);
  const pred = model.predict(data.Xtest);
  let hits = 0;
  for (let i = 0; i < pred.length; i++) hits += pred[i] === data.ytest[i] ? 1 : 0;
  console.log(`| ${C} | ${factor} / n_features | ${(hits / pred.length).toFixed(4)} | ${((performance.now() - t0) / 1000).toFixed(1)} |`);
}
