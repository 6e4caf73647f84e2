import { FmbenchError, ParamError, ShapeError } from "../errors.js";
import type { Matrix, PixelMatrix } from "../core/matrix.js";
import type { LoadedDataset } from "../data/registry.js";
import { HOG_BLOCK_NORMS, hogShape, hogU8, type HogBlockNorm, type HogLayout } from "../kernels/hog.js";
import type { SharedHeap } from "../wasm/heap.js";
import { threadHeap } from "../wasm/load.js";
import { NpyWriter } from "./npy.js";

export { HOG_BLOCK_NORMS, type HogBlockNorm } from "../kernels/hog.js";

/** A (rows, cols) pair, or one number for both. */
export type HogPair = number | readonly [number, number];

/**
 * Parameters of skimage.feature.hog (scikit-image 0.19), with its names and defaults.
 * The features are always the flattened vector (`feature_vector=True`) of a grey image.
 */
export interface HogParams {
  /** Number of orientation bins over [0, 180) degrees. Default 9. */
  readonly orientations?: number;
  /** Cell size in pixels, (rows, cols). Default [8, 8]. */
  readonly pixels_per_cell?: HogPair;
  /** Block size in cells, (rows, cols). Default [3, 3]. */
  readonly cells_per_block?: HogPair;
  /** Block normalization: L1, L1-sqrt, L2 or L2-Hys. Default 'L2-Hys'. */
  readonly block_norm?: HogBlockNorm;
  /** Take the square root of every pixel first (power-law compression). Default false. */
  readonly transform_sqrt?: boolean;
}

export const HOG_DEFAULTS = {
  orientations: 9,
  pixels_per_cell: [8, 8],
  cells_per_block: [3, 3],
  block_norm: "L2-Hys",
  transform_sqrt: false,
} as const satisfies Required<HogParams>;

/** Images as rows of a PixelMatrix; height and width default to a square image of `cols` pixels. */
export type ImageBatch = PixelMatrix & { readonly height?: number; readonly width?: number };

const KNOWN = new Set(Object.keys(HOG_DEFAULTS));

function fail(param: string, message: string): never {
  throw new ParamError("hog", param, `hog: parameter '${param}' ${message}`);
}

function pair(param: string, value: HogPair): [number, number] {
  const v = typeof value === "number" ? [value, value] : value;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isInteger(x) && x >= 1)) {
    fail(param, `must be a positive int or a pair of positive ints (rows, cols); got ${JSON.stringify(value)}`);
  }
  return [v[0], v[1]];
}

function imageSize(images: { cols: number; height?: number; width?: number }): { height: number; width: number } {
  let { height, width } = images;
  if (height === undefined && width === undefined) {
    const side = Math.round(Math.sqrt(images.cols));
    if (side * side !== images.cols) {
      throw new ShapeError(`hog: images of ${images.cols} pixels are not square; give their height and width`);
    }
    height = width = side;
  }
  height ??= images.cols / width!;
  width ??= images.cols / height;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1 || height * width !== images.cols) {
    throw new ShapeError(`hog: images of ${images.cols} pixels cannot be ${height} x ${width}`);
  }
  return { height, width };
}

/**
 * Checks `params` against skimage.feature.hog's and fills in its defaults, for
 * `height x width` images. Errors (ParamError) name the parameter at fault; a
 * block larger than the grid of cells is an error here, where scikit-image would
 * return an empty vector.
 */
export function resolveHogParams(params: HogParams, height: number, width: number): HogLayout {
  for (const name of Object.keys(params)) {
    if (!KNOWN.has(name)) fail(name, `is unknown; hog takes ${[...KNOWN].join(", ")}`);
  }
  const orientations = params.orientations ?? HOG_DEFAULTS.orientations;
  if (!Number.isInteger(orientations) || orientations < 1) {
    fail("orientations", `must be a positive int; got ${JSON.stringify(orientations)}`);
  }
  const [cellRows, cellCols] = pair("pixels_per_cell", params.pixels_per_cell ?? HOG_DEFAULTS.pixels_per_cell);
  const [blockRows, blockCols] = pair("cells_per_block", params.cells_per_block ?? HOG_DEFAULTS.cells_per_block);
  const blockNorm = params.block_norm ?? HOG_DEFAULTS.block_norm;
  if (!HOG_BLOCK_NORMS.includes(blockNorm)) {
    fail("block_norm", `must be one of ${HOG_BLOCK_NORMS.join(", ")}; got ${JSON.stringify(blockNorm)}`);
  }
  const transformSqrt = params.transform_sqrt ?? HOG_DEFAULTS.transform_sqrt;
  if (typeof transformSqrt !== "boolean") fail("transform_sqrt", `must be a boolean; got ${JSON.stringify(transformSqrt)}`);
  const nCellRows = Math.floor(height / cellRows);
  const nCellCols = Math.floor(width / cellCols);
  if (nCellRows < 1 || nCellCols < 1) {
    fail("pixels_per_cell", `(${cellRows}, ${cellCols}) is larger than the ${height} x ${width} images`);
  }
  if (blockRows > nCellRows || blockCols > nCellCols) {
    fail(
      "cells_per_block",
      `(${blockRows}, ${blockCols}) does not fit: ${height} x ${width} images with pixels_per_cell ` +
        `(${cellRows}, ${cellCols}) have ${nCellRows} x ${nCellCols} cells`,
    );
  }
  return { height, width, orientations, cellRows, cellCols, blockRows, blockCols, blockNorm, transformSqrt };
}

/** Number of HOG features per image (the length of skimage.feature.hog's vector). */
export function hogFeatureCount(height: number, width: number, params: HogParams = {}): number {
  return hogShape(resolveHogParams(params, height, width)).dim;
}

/**
 * HOG features of every image in `images` (one flattened image per row), as
 * skimage.feature.hog(image, **params, feature_vector=True) computes them, in float32.
 *
 * Fidelity: without `transform_sqrt` every gradient is an integer vector and the
 * features match scikit-image to float32 rounding (max abs difference 1.2e-7 on
 * 10,000 Fashion-MNIST images). With `transform_sqrt`, a gradient can point within
 * one ulp of a bin edge (e.g. sqrt(141) / sqrt(47) = tan 60 degrees); which bin it
 * lands in then depends on the last bit of numpy's arctan2, which differs between
 * numpy builds (SVML on AVX-512 machines, glibc elsewhere). fmbench uses
 * fdlibm's atan2 there, and such pixels can move a block's values by up to ~0.5.
 * The result lives in `heap` (default: this thread's heap) so kernels downstream
 * read it in place. One WASM call per batch.
 */
export function hogFeatures(images: ImageBatch, params: HogParams = {}, heap: SharedHeap = threadHeap()): Matrix {
  const { height, width } = imageSize(images);
  const layout = resolveHogParams(params, height, width);
  const { dim } = hogShape(layout);
  if (images.data.length !== images.rows * images.cols) {
    throw new ShapeError(`hog: image data has ${images.data.length} values, not ${images.rows} x ${images.cols}`);
  }
  const data = heap.allocF32(images.rows * dim);
  hogU8(heap, images, layout, data);
  return { data, rows: images.rows, cols: dim };
}

/** The two splits of an MNIST-style dataset, by their file-name prefixes. */
export const SPLITS = ["train", "t10k"] as const;
export type Split = (typeof SPLITS)[number];

function splitImages(dataset: LoadedDataset, split: Split, limit: number | undefined) {
  if (!SPLITS.includes(split)) throw new FmbenchError(`unknown split '${split}'; use ${SPLITS.join(" or ")}`);
  const images = split === "train" ? dataset.train : dataset.test;
  const wanted = limit ?? images.count;
  if (!Number.isInteger(wanted) || wanted < 1) throw new FmbenchError(`limit must be a positive integer; got ${wanted}`);
  return { images, rows: Math.min(wanted, images.count), cols: images.height * images.width };
}

/**
 * HOG features of the first `limit` images (default: all) of one split of a
 * dataset, with their labels. The images are copied into the heap once and the
 * features are computed in one WASM call.
 */
export function datasetHogFeatures(
  dataset: LoadedDataset, split: Split, options: { limit?: number; params?: HogParams; heap?: SharedHeap } = {},
): { features: Matrix; labels: Uint8Array } {
  const { images, rows, cols } = splitImages(dataset, split, options.limit);
  const heap = options.heap ?? threadHeap();
  const pixels = heap.allocU8(rows * cols);
  pixels.set(images.images.subarray(0, rows * cols));
  const features = hogFeatures({ data: pixels, rows, cols, height: images.height, width: images.width }, options.params, heap);
  return { features, labels: images.labels.slice(0, rows) };
}

/**
 * Writes the HOG features of the first `limit` images (default: all) of one split
 * to a float32 .npy file of shape (images, features), computing them in batches of
 * `batch` images (default 4,096) in a reused buffer, so that memory stays small
 * whatever the count. Returns the shape written.
 */
export function writeDatasetHogNpy(
  dataset: LoadedDataset, split: Split, path: string,
  options: { limit?: number; params?: HogParams; heap?: SharedHeap; batch?: number } = {},
): { rows: number; cols: number } {
  const { images, rows, cols } = splitImages(dataset, split, options.limit);
  const layout = resolveHogParams(options.params ?? {}, images.height, images.width);
  const { dim } = hogShape(layout);
  const heap = options.heap ?? threadHeap();
  const batch = Math.min(rows, options.batch ?? 4096);
  // Heap-resident buffers, allocated once per call: the kernel reads and writes them in place.
  const pixels = heap.allocU8(batch * cols);
  const out = heap.allocF32(batch * dim);
  const writer = new NpyWriter(path, rows, dim);
  try {
    for (let start = 0; start < rows; start += batch) {
      const n = Math.min(batch, rows - start);
      pixels.set(images.images.subarray(start * cols, (start + n) * cols));
      hogU8(heap, { data: pixels.subarray(0, n * cols), rows: n, cols }, layout, out.subarray(0, n * dim));
      writer.append(out.subarray(0, n * dim));
    }
  } finally {
    writer.close();
  }
  return { rows, cols: dim };
}
