import { FmbenchError } from "../errors.js";
import type { SharedHeap } from "../wasm/heap.js";
import { threadHeap } from "../wasm/load.js";
import type { Matrix, PixelMatrix } from "./matrix.js";
import type { LoadedDataset } from "./registry.js";
import { createScaler, type PreprocessName } from "./scalers.js";

/** Train and test features ready for estimators, resident in the shared WASM heap. */
export interface PreparedData {
  readonly dataset: string;
  readonly classNames: readonly string[];
  readonly features: string;
  readonly preprocess: PreprocessName;
  readonly Xtrain: Matrix;
  readonly ytrain: Int32Array;
  readonly Xtest: Matrix;
  readonly ytest: Int32Array;
}

export interface PrepareOptions {
  readonly preprocess?: PreprocessName;
  /** Use the first N training images (default: all). */
  readonly trainSize?: number;
  /** Use the first M test images (default: all). */
  readonly testSize?: number;
  readonly heap?: SharedHeap;
}

function checkSize(name: string, size: number | undefined, available: number): number {
  if (size === undefined) return available;
  if (!Number.isInteger(size) || size < 1) throw new FmbenchError(`${name} must be a positive integer; got ${size}`);
  if (size > available) throw new FmbenchError(`${name} ${size} exceeds the ${available} images available`);
  return size;
}

/**
 * Slices the dataset, fits the scaler on the training slice and writes scaled
 * float32 features into the heap (raw pixels are the feature set here; HOG comes
 * from features/). Done once per run, in the main thread.
 */
export function prepareData(dataset: LoadedDataset, options: PrepareOptions = {}): PreparedData {
  const heap = options.heap ?? threadHeap();
  const preprocess = options.preprocess ?? "standard";
  const nTrain = checkSize("train size", options.trainSize, dataset.train.count);
  const nTest = checkSize("test size", options.testSize, dataset.test.count);
  const cols = dataset.train.height * dataset.train.width;
  const pixels = (images: Uint8Array, rows: number): PixelMatrix => {
    const data = heap.allocU8(rows * cols);
    data.set(images.subarray(0, rows * cols));
    return { data, rows, cols };
  };
  const trainPixels = pixels(dataset.train.images, nTrain);
  const testPixels = pixels(dataset.test.images, nTest);
  const scaler = createScaler(preprocess).fit(trainPixels);
  const Xtrain: Matrix = { data: heap.allocF32(nTrain * cols), rows: nTrain, cols };
  const Xtest: Matrix = { data: heap.allocF32(nTest * cols), rows: nTest, cols };
  scaler.transformInto(trainPixels, Xtrain.data, heap);
  scaler.transformInto(testPixels, Xtest.data, heap);
  const ytrain = heap.allocI32(nTrain);
  const ytest = heap.allocI32(nTest);
  ytrain.set(dataset.train.labels.subarray(0, nTrain));
  ytest.set(dataset.test.labels.subarray(0, nTest));
  return {
    dataset: dataset.name, classNames: dataset.classNames, features: "raw", preprocess, Xtrain, ytrain, Xtest, ytest,
  };
}
