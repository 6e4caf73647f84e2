// HOG descriptors of the bundled Fashion-MNIST (as skimage.feature.hog computes them), then an RBF SVC.
// Run from the repository after `npm run build`: node examples/hog_svc.mjs
import { SVC, loadDataset, prepareData } from "fmbench";

// 9 orientations, 4x4-pixel cells, 2x2-cell blocks: 1,296 values per 28x28 image.
const hog = { kind: "hog", orientations: 9, pixels_per_cell: [4, 4], cells_per_block: [2, 2], block_norm: "L2-Hys", transform_sqrt: false };

const data = prepareData(await loadDataset("fashion"), {
  trainSize: 2000, testSize: 500, features: hog, preprocess: "standard",
  cache: null, // extract every time instead of caching under $FMBENCH_CACHE (it takes milliseconds here)
});

const started = performance.now();
const svc = new SVC({ C: 10, kernel: "rbf", gamma: "scale" }).fit(data.Xtrain, data.ytrain);
const accuracy = svc.score(data.Xtest, data.ytest);
const seconds = (performance.now() - started) / 1000;

console.log(`features ${data.features}: ${data.Xtrain.cols} per image, ${data.Xtrain.rows} train / ${data.Xtest.rows} test`);
console.log(`SVC with ${svc.support_.length} support vectors`);
console.log(`accuracy ${accuracy.toFixed(4)} in ${seconds.toFixed(2)} s`);
