import { FmbenchError } from "../errors.js";
import { mulAddU8, standardizeU8 } from "../kernels/scale.js";
import type { SharedHeap } from "../wasm/heap.js";
import { threadHeap } from "../wasm/load.js";
import type { Matrix, PixelMatrix } from "./matrix.js";

/** Preprocessing applied to features before fitting: scikit-learn's scaler names. */
export const PREPROCESS_NAMES = ["standard", "minmax", "none"] as const;
export type PreprocessName = (typeof PREPROCESS_NAMES)[number];

export function checkPreprocess(name: string): PreprocessName {
  if (!(PREPROCESS_NAMES as readonly string[]).includes(name)) {
    throw new FmbenchError(`unknown preprocessing '${name}'; choose one of ${PREPROCESS_NAMES.join(", ")}`);
  }
  return name as PreprocessName;
}

type Input = PixelMatrix | Matrix;

/**
 * A per-feature transform `x * mul + add` or `(x - center) / scale`, fitted on the
 * training set and applied to any set. Statistics are float64, like scikit-learn's.
 */
export interface Scaler {
  readonly name: PreprocessName;
  fit(X: Input): this;
  /** Writes the transformed X into `out` (rows * cols float32), in WASM for 8-bit input. */
  transformInto(X: Input, out: Float32Array, heap?: SharedHeap): void;
}

function isPixels(X: Input): X is PixelMatrix {
  return X.data instanceof Uint8Array;
}

function notFitted(name: string): never {
  throw new FmbenchError(`${name} is not fitted yet; call fit() first`);
}

/** Column means and population variances as scikit-learn computes them (float64, with its correction term). */
function columnMeanVar(X: Input): { mean: Float64Array; variance: Float64Array } {
  const { rows, cols, data } = X;
  const sum = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) sum[j] += data[o + j];
  }
  const mean = new Float64Array(cols);
  for (let j = 0; j < cols; j++) mean[j] = sum[j] / rows;
  const sq = new Float64Array(cols);
  const correction = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const d = data[o + j] - mean[j];
      correction[j] += d;
      sq[j] += d * d;
    }
  }
  const variance = new Float64Array(cols);
  for (let j = 0; j < cols; j++) variance[j] = (sq[j] - (correction[j] * correction[j]) / rows) / rows;
  return { mean, variance };
}

/** StandardScaler: zero mean, unit variance; constant features get scale 1, as in scikit-learn. */
export class StandardScaler implements Scaler {
  readonly name = "standard" as const;
  mean_: Float64Array | null = null;
  var_: Float64Array | null = null;
  scale_: Float64Array | null = null;

  fit(X: Input): this {
    const { mean, variance } = columnMeanVar(X);
    const n = X.rows;
    const eps = Number.EPSILON;
    const scale = new Float64Array(X.cols);
    for (let j = 0; j < X.cols; j++) {
      // scikit-learn treats a feature as constant when its variance is within rounding error of 0.
      const bound = n * eps * variance[j] + (n * mean[j] * eps) ** 2;
      scale[j] = variance[j] <= bound ? 1 : Math.sqrt(variance[j]);
    }
    this.mean_ = mean;
    this.var_ = variance;
    this.scale_ = scale;
    return this;
  }

  transformInto(X: Input, out: Float32Array, heap: SharedHeap = threadHeap()): void {
    const mean = this.mean_ ?? notFitted("StandardScaler");
    const scale = this.scale_!;
    if (isPixels(X)) return standardizeU8(heap, X, mean, scale, out);
    const { rows, cols, data } = X;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) out[i * cols + j] = (data[i * cols + j] - mean[j]) / scale[j];
    }
  }
}

/** MinMaxScaler to [0, 1] on the training set; constant features get scale 1. */
export class MinMaxScaler implements Scaler {
  readonly name = "minmax" as const;
  data_min_: Float64Array | null = null;
  data_max_: Float64Array | null = null;
  scale_: Float64Array | null = null;
  min_: Float64Array | null = null;

  fit(X: Input): this {
    const { rows, cols, data } = X;
    const lo = new Float64Array(cols).fill(Infinity);
    const hi = new Float64Array(cols).fill(-Infinity);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = data[i * cols + j];
        if (v < lo[j]) lo[j] = v;
        if (v > hi[j]) hi[j] = v;
      }
    }
    const scale = new Float64Array(cols);
    const min = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      const range = hi[j] - lo[j];
      scale[j] = 1 / (range < 10 * Number.EPSILON ? 1 : range);
      min[j] = -lo[j] * scale[j];
    }
    this.data_min_ = lo;
    this.data_max_ = hi;
    this.scale_ = scale;
    this.min_ = min;
    return this;
  }

  transformInto(X: Input, out: Float32Array, heap: SharedHeap = threadHeap()): void {
    const scale = this.scale_ ?? notFitted("MinMaxScaler");
    const min = this.min_!;
    if (isPixels(X)) return mulAddU8(heap, X, scale, min, out);
    const { rows, cols, data } = X;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) out[i * cols + j] = data[i * cols + j] * scale[j] + min[j];
    }
  }
}

/** No scaling: pixel values 0..255 as float32. */
export class IdentityScaler implements Scaler {
  readonly name = "none" as const;
  fit(): this {
    return this;
  }
  transformInto(X: Input, out: Float32Array): void {
    out.set(X.data);
  }
}

export function createScaler(name: PreprocessName): Scaler {
  switch (name) {
    case "standard": return new StandardScaler();
    case "minmax": return new MinMaxScaler();
    case "none": return new IdentityScaler();
  }
}
