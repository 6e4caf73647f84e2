import { FmbenchError } from "../errors.js";
import { FeatureCache as Cache, type FeatureCache } from "../features/cache.js";
import { extractFeatures } from "../features/extract.js";
import { RAW, featureName, type FeatureSpec } from "../features/spec.js";
import type { SharedHeap } from "../wasm/heap.js";
import { threadHeap } from "../wasm/load.js";
import { sliceRows, type Matrix, type PixelMatrix } from "./matrix.js";
import type { LoadedDataset } from "./registry.js";
import { createScaler, type PreprocessName } from "./scalers.js";

export type Evaluation = "test" | "validation";

/** Train and test features ready for estimators, resident in the shared WASM heap. */
export interface PreparedData {
  readonly dataset: string;
  readonly classNames: readonly string[];
  readonly features: string;
  readonly preprocess: PreprocessName;
  /**
   * What Xtest/ytest hold: the official test set, or ("validation") the last images of
   * the training set, held out for model selection.
   */
  readonly evaluation: Evaluation;
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
  /**
   * Hold out the last V training images and evaluate on them instead of the test set
   * (model selection that never looks at the test set). The training images come from
   * the rest, the first `trainSize` of them.
   */
  readonly validationSize?: number;
  readonly heap?: SharedHeap;
  /** Feature set computed from the pixels before scaling (default raw pixels). */
  readonly features?: FeatureSpec;
  /** Where extracted features are cached between runs; null disables the cache. */
  readonly cache?: FeatureCache | null;
  /** Told when a corrupt cache file is discarded, and when features are extracted or read from the cache. */
  readonly log?: (line: string) => void;
}

function checkSize(name: string, size: number | undefined, available: number): number {
  if (size === undefined) return available;
  if (!Number.isInteger(size) || size < 1) throw new FmbenchError(`${name} must be a positive integer; got ${size}`);
  if (size > available) throw new FmbenchError(`${name} ${size} exceeds the ${available} images available`);
  return size;
}

/**
 * Slices the dataset, computes the feature set (raw pixels, or HOG through the
 * feature cache), fits the scaler on the training slice and writes scaled float32
 * features into the heap. Done once per run and feature set, in the main thread.
 */
export function prepareData(dataset: LoadedDataset, options: PrepareOptions = {}): PreparedData {
  const heap = options.heap ?? threadHeap();
  const preprocess = options.preprocess ?? "standard";
  const spec = options.features ?? RAW;
  const nVal = options.validationSize;
  if (nVal !== undefined) {
    if (!Number.isInteger(nVal) || nVal < 1 || nVal >= dataset.train.count) {
      throw new FmbenchError(`validation size must be an integer from 1 to ${dataset.train.count - 1}; got ${nVal}`);
    }
    if (options.testSize !== undefined) throw new FmbenchError("a test size and a validation size exclude each other: validation replaces the test set");
  }
  const evaluation: Evaluation = nVal === undefined ? "test" : "validation";
  const trainAvailable = dataset.train.count - (nVal ?? 0);
  const nTrain = checkSize("train size", options.trainSize, trainAvailable);
  const nTest = nVal ?? checkSize("test size", options.testSize, dataset.test.count);
  const valStart = dataset.train.count - (nVal ?? 0);
  const { height, width } = dataset.train;
  const pixelCols = height * width;
  const pixels = (images: Uint8Array, first: number, rows: number): PixelMatrix => {
    const data = heap.allocU8(rows * pixelCols);
    data.set(images.subarray(first * pixelCols, (first + rows) * pixelCols));
    return { data, rows, cols: pixelCols };
  };
  // In validation mode the held-out images are the training split's last ones; for
  // feature extraction (and its cache) the whole training split is one input.
  const trainPixels = pixels(dataset.train.images, 0, evaluation === "test" ? nTrain : dataset.train.count);
  const testPixels = evaluation === "test" ? pixels(dataset.test.images, 0, nTest) : null;
  let trainInput: PixelMatrix | Matrix = trainPixels;
  let testInput: PixelMatrix | Matrix = testPixels ?? trainPixels;
  if (spec.kind !== "raw") {
    const cache = options.cache === undefined ? null : options.cache;
    const features = (split: "train" | "test", images: PixelMatrix): Matrix => {
      const name = `${dataset.name}-${split}-${images.rows}-${featureName(spec)}`;
      const key = Cache.key({ images: dataset[split].sha256.images, rows: images.rows, spec });
      const hit = cache?.load(name, key, (file, why) => options.log?.(`feature cache: ${file} is corrupt (${why}); rebuilding`));
      if (hit) {
        options.log?.(`feature cache: ${featureName(spec)} of ${images.rows} ${split} images read from ${cache!.path(name, key)}`);
        return hit;
      }
      const t0 = performance.now();
      const m = extractFeatures(spec, images, height, width, heap);
      options.log?.(`${featureName(spec)}: ${images.rows} ${split} images in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      cache?.save(name, key, m);
      return m;
    };
    trainInput = features("train", trainPixels);
    if (testPixels) testInput = features("test", testPixels);
  }
  if (evaluation === "validation") {
    testInput = sliceRows(trainInput, valStart, valStart + nTest);
    trainInput = sliceRows(trainInput, 0, nTrain);
  }
  const cols = trainInput.cols;
  const scaler = createScaler(preprocess).fit(trainInput);
  const Xtrain: Matrix = { data: heap.allocF32(nTrain * cols), rows: nTrain, cols };
  const Xtest: Matrix = { data: heap.allocF32(nTest * cols), rows: nTest, cols };
  scaler.transformInto(trainInput, Xtrain.data, heap);
  scaler.transformInto(testInput, Xtest.data, heap);
  const ytrain = heap.allocI32(nTrain);
  const ytest = heap.allocI32(nTest);
  ytrain.set(dataset.train.labels.subarray(0, nTrain));
  ytest.set(evaluation === "test" ? dataset.test.labels.subarray(0, nTest) : dataset.train.labels.subarray(valStart, valStart + nTest));
  return {
    dataset: dataset.name, classNames: dataset.classNames, features: featureName(spec), preprocess, evaluation, Xtrain, ytrain, Xtest, ytest,
  };
}
