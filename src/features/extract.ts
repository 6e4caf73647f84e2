import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Matrix, PixelMatrix } from "../core/matrix.js";
import { FmbenchError } from "../errors.js";
import { hogShape, hogU8 } from "../kernels/hog.js";
import type { SharedHeap } from "../wasm/heap.js";
import { workerModule } from "../worker_module.js";
import { hogFeatures, resolveHogParams } from "./hog.js";
import { featureParts, type FeatureSpec, type HogSpec } from "./spec.js";

/** Computes one feature set for a batch of images (row-major, height x width pixels per row). */
export type FeatureExtractor = (images: PixelMatrix, height: number, width: number, spec: FeatureSpec, heap: SharedHeap) => Matrix;

/** skimage.feature.hog's parameters of a HOG feature set. */
function hogParams(spec: HogSpec) {
  const { kind: _kind, ...params } = spec;
  return params;
}

function hogLayout(spec: HogSpec, height: number, width: number) {
  return resolveHogParams(hogParams(spec), height, width);
}

const builtinHog: FeatureExtractor = (images, height, width, spec, heap) => {
  if (spec.kind !== "hog") throw new FmbenchError(`hog extractor called for '${spec.kind}' features`);
  return hogFeatures({ ...images, height, width }, hogParams(spec), heap);
};

const extractors = new Map<string, FeatureExtractor>([["hog", builtinHog]]);

/** Registers the extractor of a feature kind (raw pixels need none: the scalers read them directly). */
export function registerFeatureExtractor(kind: string, extractor: FeatureExtractor): void {
  extractors.set(kind, extractor);
}

export function extractFeatures(spec: FeatureSpec, images: PixelMatrix, height: number, width: number, heap: SharedHeap): Matrix {
  const extractor = extractors.get(spec.kind);
  if (!extractor) throw new FmbenchError(`feature kind '${spec.kind}' is not available in this build of fmbench`);
  return extractor(images, height, width, spec, heap);
}

/** A range of heap-resident images and where their features go: one worker's share. */
export interface ExtractionRange {
  readonly spec: HogSpec;
  readonly height: number;
  readonly width: number;
  /** Byte offsets in the heap of the first image and of its first feature. */
  readonly pixels: number;
  readonly out: number;
  readonly rows: number;
}

/** Computes the features of one range in this thread (the worker's job). */
export function extractInto(heap: SharedHeap, range: ExtractionRange): void {
  const layout = hogLayout(range.spec, range.height, range.width);
  const cols = range.height * range.width;
  const dim = hogShape(layout).dim;
  hogU8(heap, { data: heap.u8(range.pixels, range.rows * cols), rows: range.rows, cols }, layout, heap.f32(range.out, range.rows * dim));
}


/**
 * Below this many images a batch is extracted in the calling thread: starting a worker
 * (module load and WASM compile, about 0.3 s) costs more than it saves.
 */
export const PARALLEL_MIN_ROWS = 8000;

function runWorker(heap: SharedHeap, range: ExtractionRange): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerModule(import.meta.url, "extract_worker.js"), { workerData: { ...range, memory: heap.memory } });
    let done = false;
    worker.once("message", () => {
      done = true;
      void worker.terminate();
      resolve();
    });
    worker.once("error", (err) => reject(new FmbenchError(`feature extraction worker failed: ${err.message}`)));
    worker.once("exit", (code) => {
      if (!done) reject(new FmbenchError(`feature extraction worker exited with code ${code} before finishing`));
    });
  });
}

/**
 * Like extractFeatures, with the images split into contiguous ranges computed by
 * `workers` threads at once. The images must be in the heap; each thread reads its
 * range and writes its rows of the output in place, so nothing is copied. Custom
 * extractors (registerFeatureExtractor) and small batches run in the calling thread.
 */
/**
 * Columns per image of a feature set on height x width images, where the kinds are known
 * (raw pixels and HOG); a part of a kind registered elsewhere counts as 0.
 */
export function featureColumns(spec: FeatureSpec, height: number, width: number): number {
  return featureParts(spec).reduce((sum, part) => {
    if (part.kind === "raw") return sum + height * width;
    if (part.kind === "hog") return sum + hogShape(hogLayout(part, height, width)).dim;
    return sum;
  }, 0);
}

export async function extractFeaturesInParallel(
  spec: FeatureSpec, images: PixelMatrix, height: number, width: number, heap: SharedHeap,
  workers = availableParallelism(), minRows = PARALLEL_MIN_ROWS,
): Promise<Matrix> {
  const parallel = spec.kind === "hog" && extractors.get("hog") === builtinHog && workers > 1
    && images.rows >= minRows && heap.owns(images.data);
  if (!parallel) return extractFeatures(spec, images, height, width, heap);
  const dim = hogShape(hogLayout(spec, height, width)).dim;
  const data = heap.allocF32(images.rows * dim);
  const shares = Math.min(workers, Math.ceil(images.rows / (minRows / 2)));
  const jobs: Promise<void>[] = [];
  for (let w = 0; w < shares; w++) {
    const first = Math.floor((images.rows * w) / shares);
    const rows = Math.floor((images.rows * (w + 1)) / shares) - first;
    jobs.push(runWorker(heap, {
      spec, height, width, rows,
      pixels: images.data.byteOffset + first * images.cols,
      out: data.byteOffset + first * dim * 4,
    }));
  }
  await Promise.all(jobs);
  return { data, rows: images.rows, cols: dim };
}
