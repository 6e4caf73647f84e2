// Second stage of the HOG + SVC model selection (the first is `fmbench run --grid hog-select
// --train-size 10000 --validation 10000`): scaling, C and gamma for the chosen feature union, on
// the same split (first 10,000 training images, scored on the last 10,000; the test set is never read).
// A setting is preprocess:C:gamma, gamma being 'scale' (scikit-learn's default, 1 / (n_features * X.var()))
// or a multiple of 1 / n_features.
//   npm run build && node bench/hog_select_params.mjs [preprocess:C:gamma ...]
import { loadDataset, parseFeatureSpec, prepareData, SharedHeap, SVC } from "../dist/index.js";
import { benchArgs } from "./lib/args.mjs";

const DEFAULT_SETTINGS = [
  "standard:10:scale", "standard:10:0.5", "standard:30:0.5", "standard:10:2", "standard:30:scale", "standard:100:scale",
  "minmax:10:scale", "minmax:30:scale",
];
const given = benchArgs()._;
const settings = (given.length > 0 ? given : DEFAULT_SETTINGS).map((s) => s.split(":"));
const hog = (cell) => ({ kind: "hog", orientations: 9, pixels_per_cell: [cell, cell], cells_per_block: [2, 2], block_norm: "L2-Hys" });
const features = parseFeatureSpec({ kind: "union", parts: [hog(4), hog(7), { kind: "raw" }] }, "hog_select_params");
const dataset = await loadDataset("fashion");
const prepared = new Map();
const prepare = (preprocess) => {
  if (!prepared.has(preprocess)) {
    prepared.set(preprocess, prepareData(dataset, { trainSize: 10000, validationSize: 10000, features, preprocess, heap: SharedHeap.create() }));
  }
  return prepared.get(preprocess);
};
console.log(`${features.parts.length} parts: ${prepare("standard").features}, 10,000 train / 10,000 validation (held-out training) images`);
console.log("| preprocess | C | gamma | validation accuracy | fit + predict s |\n|---|---|---|---|---|");
for (const [preprocess, C, gammaText] of settings) {
  const data = prepare(preprocess);
  const gamma = gammaText === "scale" ? "scale" : Number(gammaText) / data.Xtrain.cols;
  const t0 = performance.now();
  const model = new SVC({ C: Number(C), kernel: "rbf", gamma });
  model.fit(data.Xtrain, data.ytrain);
  const pred = model.predict(data.Xtest);
  let hits = 0;
  for (let i = 0; i < pred.length; i++) hits += pred[i] === data.ytest[i] ? 1 : 0;
  const gammaLabel = gammaText === "scale" ? "scale" : `${gammaText} / n_features`;
  console.log(`| ${preprocess} | ${C} | ${gammaLabel} | ${(hits / pred.length).toFixed(4)} | ${((performance.now() - t0) / 1000).toFixed(1)} |`);
}
