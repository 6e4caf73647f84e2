import { sliceRows, type Matrix, type PixelMatrix } from "../core/matrix.js";
import { mirrorImages, type Augmentation } from "../data/augment.js";
import type { Evaluation, PreparedData } from "../data/prepared.js";
import type { LoadedDataset } from "../data/registry.js";
import { createScaler, type PreprocessName } from "../data/scalers.js";
import { FmbenchError } from "../errors.js";
import { FeatureCache as Cache, type FeatureCache } from "../features/cache.js";
import { extractFeatures, extractFeaturesInParallel, featureColumns } from "../features/extract.js";
import { RAW, featureName, featureParts, parseFeatureSpec, type FeatureSpec, type HogSpec } from "../features/spec.js";
import type { SharedHeap } from "../wasm/heap.js";
import { threadHeap } from "../wasm/load.js";

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
  /**
   * Add augmented copies of the training images (after the originals); the scaler is
   * fitted on the augmented training set. Evaluation images are never augmented.
   */
  readonly augment?: Augmentation;
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

/** One split's pixels: the images as they are, or (augment) the training images transformed. */
interface SplitPixels {
  readonly split: Split;
  readonly augment?: Augmentation;
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

/**
 * The sizes a run's options give on `dataset`, checked: training and evaluation rows, what
 * the evaluation images are, and (validation) where the held-out images start.
 */
export function runSizes(
  dataset: LoadedDataset, options: Pick<PrepareOptions, "trainSize" | "testSize" | "validationSize">,
): { evaluation: Evaluation; nTrain: number; nTest: number; valStart: number } {
  const nVal = options.validationSize;
  if (nVal !== undefined) {
    if (!Number.isInteger(nVal) || nVal < 1 || nVal >= dataset.train.count) {
      throw new FmbenchError(`validation size must be an integer from 1 to ${dataset.train.count - 1}; got ${nVal}`);
    }
    if (options.testSize !== undefined) throw new FmbenchError("a test size and a validation size exclude each other: validation replaces the test set");
  }
  return {
    evaluation: nVal === undefined ? "test" : "validation",
    nTrain: checkSize("train size", options.trainSize, dataset.train.count - (nVal ?? 0)),
    nTest: nVal ?? checkSize("test size", options.testSize, dataset.test.count),
    valStart: dataset.train.count - (nVal ?? 0),
  };
}

function plan(dataset: LoadedDataset, options: PrepareOptions): Preparation {
  const heap = options.heap ?? threadHeap();
  // Checked and completed here too: a spec written by hand (`{ kind: "hog" }`) takes scikit-image's defaults.
  const spec = options.features ? parseFeatureSpec(options.features, "prepareData: features") : RAW;
  const { evaluation, nTrain, nTest, valStart } = runSizes(dataset, options);
  const pixelCols = dataset.train.height * dataset.train.width;
  checkFeatureBytes(spec, dataset, (options.augment === "hflip" ? 2 : 1) * nTrain + nTest, heap);
  const pixels = (images: Uint8Array, rows: number): PixelMatrix => {
    const data = heap.allocU8(rows * pixelCols);
    data.set(images.subarray(0, rows * pixelCols));
    return { data, rows, cols: pixelCols };
  };
  // In validation mode the held-out images are the training split's last ones; for
  // feature extraction (and its cache) the whole training split is one input.
  const splits: SplitPixels[] = [{ split: "train", images: pixels(dataset.train.images, evaluation === "test" ? nTrain : dataset.train.count) }];
  if (options.augment === "hflip") {
    const originals = { data: dataset.train.images.subarray(0, nTrain * pixelCols), rows: nTrain, cols: pixelCols };
    splits.push({ split: "train", augment: "hflip", images: mirrorImages(originals, dataset.train.height, dataset.train.width, heap) });
  }
  if (evaluation === "test") splits.push({ split: "test", images: pixels(dataset.test.images, nTest) });
  const computed = featureParts(spec).filter((part): part is HogSpec => part.kind !== "raw");
  const jobs = splits.flatMap((s) => computed.map((part) => ({ ...s, spec: part })));
  return { dataset, options, heap, spec, evaluation, nTrain, nTest, valStart, splits, jobs };
}

/**
 * Refuses, before any work, a feature set whose float32 matrices cannot fit in what is
 * left of the 4 GiB heap (a typo such as --hog-orientations 1000000 would otherwise
 * compute for minutes and then run out).
 */
function checkFeatureBytes(spec: FeatureSpec, dataset: LoadedDataset, rows: number, heap: SharedHeap): void {
  const cols = featureColumns(spec, dataset.train.height, dataset.train.width);
  const bytes = rows * cols * 4;
  if (bytes > heap.headroomBytes) {
    const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
    throw new FmbenchError(
      `features ${featureName(spec)} have ${cols} columns per image: ${rows} images need ${gib(bytes)} as float32, ` +
        `more than the ${gib(heap.headroomBytes)} left in the 4 GiB WASM heap; use fewer images or a smaller feature set`,
    );
  }
}

/** "train", "test", or e.g. "train (hflip)" for augmented copies, in log lines. */
function splitLabel(split: SplitPixels): string {
  return split.augment ? `${split.split} (${split.augment})` : split.split;
}

function cacheEntry(p: Preparation, job: FeatureJob): { name: string; key: string } {
  const augmented = job.augment ? { augment: job.augment } : {};
  return {
    name: `${p.dataset.name}-${job.split}${job.augment ? `-${job.augment}` : ""}-${job.images.rows}-${featureName(job.spec)}`,
    key: Cache.key({ images: p.dataset[job.split].sha256.images, rows: job.images.rows, spec: job.spec, ...augmented }),
  };
}

/** Jobs whose features are not in the cache (a corrupt cache file counts as absent and is logged). */
function lookUpCache(p: Preparation): FeatureJob[] {
  const cache = p.options.cache ?? null;
  const log = p.options.log;
  const missing: FeatureJob[] = [];
  for (const job of p.jobs) {
    const { name, key } = cacheEntry(p, job);
    const hit = cache?.load(name, key, (file, why) => log?.(`feature cache: ${file} is unusable (${why}); extracting the features again`));
    if (hit) {
      log?.(`feature cache: ${featureName(job.spec)} of ${job.images.rows} ${splitLabel(job)} images read from ${cache!.path(name, key)}`);
      job.features = hit;
    } else missing.push(job);
  }
  return missing;
}

function storeFeatures(p: Preparation, job: FeatureJob, features: Matrix, started: number): void {
  p.options.log?.(`${featureName(job.spec)}: ${job.images.rows} ${splitLabel(job)} images in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  const { name, key } = cacheEntry(p, job);
  try {
    p.options.cache?.save(name, key, features);
  } catch (err) {
    // The cache only saves time: a run goes on without it.
    p.options.log?.(`${(err as Error).message}; going on without caching these features`);
  }
  job.features = features;
}

/** One split's column parts (a single part unless the feature set is a union), all with the split's rows. */
function splitParts(p: Preparation, split: SplitPixels): (Matrix | PixelMatrix)[] {
  return featureParts(p.spec).map((part) =>
    part.kind === "raw" ? split.images : p.jobs.find((j) => j.split === split.split && j.augment === split.augment && j.spec === part)!.features!);
}

/**
 * Row blocks of column parts assembled into one matrix: each block's parts side by side
 * (a union's features), the blocks one under the other (augmented images after the
 * originals). A lone part is returned as it is; otherwise a new float32 matrix, `owned`.
 */
function assemble(blocks: readonly (readonly (Matrix | PixelMatrix)[])[], heap: SharedHeap): { input: Matrix | PixelMatrix; owned: boolean } {
  if (blocks.length === 1 && blocks[0].length === 1) return { input: blocks[0][0], owned: false };
  const cols = blocks[0].reduce((sum, m) => sum + m.cols, 0);
  const rows = blocks.reduce((sum, parts) => sum + parts[0].rows, 0);
  const data = heap.allocF32(rows * cols);
  let at = 0;
  for (const parts of blocks) {
    for (let i = 0; i < parts[0].rows; i++) {
      for (const m of parts) {
        data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), at);
        at += m.cols;
      }
    }
  }
  return { input: { data, rows, cols }, owned: true };
}

/**
 * Fits the scaler on the training rows and writes the scaled train and evaluation sets.
 * A matrix assembled here is scaled in place (a full augmented union is over a GB).
 */
function finish(p: Preparation): PreparedData {
  const { dataset, heap, nTrain, nTest, valStart, evaluation } = p;
  const preprocess = p.options.preprocess ?? "standard";
  const rows = (parts: (Matrix | PixelMatrix)[], start: number, end: number) => parts.map((m) => sliceRows(m, start, end));
  const trainParts = splitParts(p, p.splits.find((s) => s.split === "train" && !s.augment)!);
  const trainBlocks = [rows(trainParts, 0, nTrain), ...p.splits.filter((s) => s.augment).map((s) => splitParts(p, s))];
  const testParts = evaluation === "validation" ? rows(trainParts, valStart, valStart + nTest) : splitParts(p, p.splits.find((s) => s.split === "test")!);
  const train = assemble(trainBlocks, heap);
  const test = assemble([testParts], heap);
  const scaler = createScaler(preprocess).fit(train.input);
  const scaled = (m: { input: Matrix | PixelMatrix; owned: boolean }): Matrix => {
    const { rows: n, cols } = m.input;
    const out = m.owned ? (m.input.data as Float32Array) : heap.allocF32(n * cols);
    scaler.transformInto(m.input, out, heap);
    return { data: out, rows: n, cols };
  };
  const Xtrain = scaled(train);
  const Xtest = scaled(test);
  const ytrain = heap.allocI32(Xtrain.rows);
  for (let at = 0; at < Xtrain.rows; at += nTrain) ytrain.set(dataset.train.labels.subarray(0, nTrain), at);
  const ytest = heap.allocI32(nTest);
  ytest.set(evaluation === "test" ? dataset.test.labels.subarray(0, nTest) : dataset.train.labels.subarray(valStart, valStart + nTest));
  return {
    dataset: dataset.name, classNames: dataset.classNames, features: featureName(p.spec), preprocess, evaluation,
    ...(p.options.augment ? { augment: p.options.augment } : {}), Xtrain, ytrain, Xtest, ytest,
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
