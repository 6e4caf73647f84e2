import { FmbenchError } from "../errors.js";
import { FeatureCache as Cache, type FeatureCache } from "../features/cache.js";
import { extractFeatures, extractFeaturesInParallel } from "../features/extract.js";
import { RAW, featureName, featureParts, type FeatureSpec, type HogSpec } from "../features/spec.js";
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

type Split = "train" | "test";

/** One split's pixels. */
interface SplitPixels {
  readonly split: Split;
  readonly images: PixelMatrix;
}

/** One computed feature set (a HOG part) of one split, once read from the cache or extracted. */
interface FeatureJob extends SplitPixels {
  readonly spec: HogSpec;
  features?: Matrix;
}

/** What prepareData works out before any features are computed. */
interface Preparation {
  readonly dataset: LoadedDataset;
  readonly options: PrepareOptions;
  readonly heap: SharedHeap;
  readonly spec: FeatureSpec;
  readonly evaluation: Evaluation;
  readonly nTrain: number;
  readonly nTest: number;
  readonly valStart: number;
  /** The train and (unless validating) test splits' pixels. */
  readonly splits: readonly SplitPixels[];
  /** Every computed part of every split; their features are still to compute. */
  readonly jobs: readonly FeatureJob[];
}

function plan(dataset: LoadedDataset, options: PrepareOptions): Preparation {
  const heap = options.heap ?? threadHeap();
  const spec = options.features ?? RAW;
  const nVal = options.validationSize;
  if (nVal !== undefined) {
    if (!Number.isInteger(nVal) || nVal < 1 || nVal >= dataset.train.count) {
      throw new FmbenchError(`validation size must be an integer from 1 to ${dataset.train.count - 1}; got ${nVal}`);
    }
    if (options.testSize !== undefined) throw new FmbenchError("a test size and a validation size exclude each other: validation replaces the test set");
  }
  const evaluation: Evaluation = nVal === undefined ? "test" : "validation";
  const nTrain = checkSize("train size", options.trainSize, dataset.train.count - (nVal ?? 0));
  const nTest = nVal ?? checkSize("test size", options.testSize, dataset.test.count);
  const pixelCols = dataset.train.height * dataset.train.width;
  const pixels = (images: Uint8Array, rows: number): PixelMatrix => {
    const data = heap.allocU8(rows * pixelCols);
    data.set(images.subarray(0, rows * pixelCols));
    return { data, rows, cols: pixelCols };
  };
  // In validation mode the held-out images are the training split's last ones; for
  // feature extraction (and its cache) the whole training split is one input.
  const splits: SplitPixels[] = [{ split: "train", images: pixels(dataset.train.images, evaluation === "test" ? nTrain : dataset.train.count) }];
  if (evaluation === "test") splits.push({ split: "test", images: pixels(dataset.test.images, nTest) });
  const computed = featureParts(spec).filter((part): part is HogSpec => part.kind !== "raw");
  const jobs = splits.flatMap((s) => computed.map((part) => ({ ...s, spec: part })));
  return { dataset, options, heap, spec, evaluation, nTrain, nTest, valStart: dataset.train.count - (nVal ?? 0), splits, jobs };
}

function cacheEntry(p: Preparation, job: FeatureJob): { name: string; key: string } {
  return {
    name: `${p.dataset.name}-${job.split}-${job.images.rows}-${featureName(job.spec)}`,
    key: Cache.key({ images: p.dataset[job.split].sha256.images, rows: job.images.rows, spec: job.spec }),
  };
}

/** Jobs whose features are not in the cache (a corrupt cache file counts as absent and is logged). */
function lookUpCache(p: Preparation): FeatureJob[] {
  const cache = p.options.cache ?? null;
  const log = p.options.log;
  const missing: FeatureJob[] = [];
  for (const job of p.jobs) {
    const { name, key } = cacheEntry(p, job);
    const hit = cache?.load(name, key, (file, why) => log?.(`feature cache: ${file} is corrupt (${why}); rebuilding`));
    if (hit) {
      log?.(`feature cache: ${featureName(job.spec)} of ${job.images.rows} ${job.split} images read from ${cache!.path(name, key)}`);
      job.features = hit;
    } else missing.push(job);
  }
  return missing;
}

function storeFeatures(p: Preparation, job: FeatureJob, features: Matrix, started: number): void {
  p.options.log?.(`${featureName(job.spec)}: ${job.images.rows} ${job.split} images in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  const { name, key } = cacheEntry(p, job);
  p.options.cache?.save(name, key, features);
  job.features = features;
}

/** The columns of several matrices side by side, as float32 (pixels converted). */
function concatColumns(parts: readonly (Matrix | PixelMatrix)[], heap: SharedHeap): Matrix {
  const rows = parts[0].rows;
  const cols = parts.reduce((sum, m) => sum + m.cols, 0);
  const data = heap.allocF32(rows * cols);
  for (let i = 0; i < rows; i++) {
    let at = i * cols;
    for (const m of parts) {
      data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), at);
      at += m.cols;
    }
  }
  return { data, rows, cols };
}

/** One split's input to the scaler: its pixels, its features, or the union's parts side by side. */
function splitInput(p: Preparation, split: SplitPixels): Matrix | PixelMatrix {
  const columns = featureParts(p.spec).map((part) =>
    part.kind === "raw" ? split.images : p.jobs.find((j) => j.split === split.split && j.spec === part)!.features!);
  return columns.length === 1 ? columns[0] : concatColumns(columns, p.heap);
}

/** Fits the scaler on the training rows and writes the scaled train and evaluation sets. */
function finish(p: Preparation): PreparedData {
  const { dataset, heap, nTrain, nTest, valStart, evaluation } = p;
  const preprocess = p.options.preprocess ?? "standard";
  const inputs = p.splits.map((s) => splitInput(p, s));
  let trainInput: PixelMatrix | Matrix = inputs[0];
  let testInput: PixelMatrix | Matrix = inputs[1] ?? inputs[0];
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
    dataset: dataset.name, classNames: dataset.classNames, features: featureName(p.spec), preprocess, evaluation, Xtrain, ytrain, Xtest, ytest,
  };
}

/**
 * Slices the dataset, computes the feature set (raw pixels, or HOG through the
 * feature cache), fits the scaler on the training slice and writes scaled float32
 * features into the heap. Done once per run and feature set, in the calling thread;
 * prepareDataInParallel extracts features on several threads.
 */
export function prepareData(dataset: LoadedDataset, options: PrepareOptions = {}): PreparedData {
  const p = plan(dataset, options);
  const { height, width } = dataset.train;
  for (const job of lookUpCache(p)) {
    const started = performance.now();
    storeFeatures(p, job, extractFeatures(job.spec, job.images, height, width, p.heap), started);
  }
  return finish(p);
}

/**
 * prepareData with the feature extraction of each split spread over `workers`
 * threads (WASM in each, output written in place in the shared heap).
 */
export async function prepareDataInParallel(dataset: LoadedDataset, options: PrepareOptions & { readonly workers?: number } = {}): Promise<PreparedData> {
  const p = plan(dataset, options);
  const { height, width } = dataset.train;
  for (const job of lookUpCache(p)) {
    const started = performance.now();
    storeFeatures(p, job, await extractFeaturesInParallel(job.spec, job.images, height, width, p.heap, options.workers), started);
  }
  return finish(p);
}
