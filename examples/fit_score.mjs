// Load the bundled Fashion-MNIST, scale it the scikit-learn way, fit one classifier and score it.
// Run from the repository after `npm run build`: node examples/fit_score.mjs
import { KNeighborsClassifier, StandardScaler, loadDataset, sliceRows } from "fmbench";

const TRAIN = 2000;
const TEST = 500;

// data/fashion ships with the package; its files are checked against their SHA-256 as they are read.
const dataset = await loadDataset("fashion");
const pixels = (split, n) => sliceRows({ data: split.images, rows: split.count, cols: split.height * split.width }, 0, n);

// Matrices are { data, rows, cols }, row-major; 8-bit images are scaled into float32.
const scaler = new StandardScaler();
const Xtrain = scaler.fit_transform(pixels(dataset.train, TRAIN));
const Xtest = scaler.transform(pixels(dataset.test, TEST));
const ytrain = dataset.train.labels.subarray(0, TRAIN);
const ytest = dataset.test.labels.subarray(0, TEST);

const started = performance.now();
const knn = new KNeighborsClassifier({ n_neighbors: 5, weights: "distance" }).fit(Xtrain, ytrain);
const accuracy = knn.score(Xtest, ytest);
const seconds = (performance.now() - started) / 1000;

console.log(`${Xtrain.rows} x ${Xtrain.cols} training matrix, ${Xtest.rows} test images`);
console.log(`KNeighborsClassifier ${JSON.stringify(knn.getParams())}`);
console.log(`accuracy ${accuracy.toFixed(4)} in ${seconds.toFixed(2)} s`);
