import type { Matrix, PixelMatrix } from "../core/matrix.js";
import { FmbenchError, NotFittedError, ParamError, ShapeError } from "../errors.js";
import { mulAddU8, standardizeU8 } from "../kernels/scale.js";
// A leaf module (it imports only errors.ts): scalers declare their params as the estimators do.
import { resolveParams, type Params, type ParamSpecs, type ParamsOf, type ResolvedParamsOf } from "../params.js";
import type { SharedHeap } from "../wasm/heap.js";
import { threadHeap } from "../wasm/load.js";

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
 * training set and applied to any set, with scikit-learn's method names. Statistics
 * are float64, like scikit-learn's for 8-bit input; output is float32.
 */
export interface Scaler {
  readonly name: PreprocessName;
  /** Learns the per-feature statistics of X; returns `this`. */
  fit(X: Input): this;
  /** A new matrix holding X transformed (8-bit input is scaled in WASM, on `heap`). */
  transform(X: Input, heap?: SharedHeap): Matrix;
  /** `fit(X)`, then `transform(X)`. */
  fit_transform(X: Input, heap?: SharedHeap): Matrix;
  /** Writes the transformed X into `out` (rows * cols float32); `out` may be X's own float32 data. */
  transformInto(X: Input, out: Float32Array, heap?: SharedHeap): void;
}

function isPixels(X: Input): X is PixelMatrix {
  return X.data instanceof Uint8Array;
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

/** The shared checks and the transform/fit_transform that scikit-learn's scalers offer, over transformInto. */
abstract class BaseScaler<S extends ParamSpecs> implements Scaler {
  abstract readonly name: PreprocessName;
  /** Number of features seen in fit; 0 before fit. */
  n_features_in_ = 0;
  /** Number of samples seen in fit; 0 before fit. */
  n_samples_seen_ = 0;
  protected readonly params: ResolvedParamsOf<S>;
  /** A scaler that learns nothing may transform before fit. */
  protected readonly stateless: boolean = false;

  protected constructor(private readonly scalerName: string, specs: S, given: ParamsOf<S> | Params) {
    this.params = resolveParams(scalerName, specs, given);
  }

  /** Every parameter, defaults filled in. */
  getParams(): ResolvedParamsOf<S> {
    return { ...this.params };
  }

  fit(X: Input): this {
    checkShape(this.scalerName, X);
    if (X.rows === 0) throw new ShapeError(`${this.scalerName}: found array with 0 samples; a minimum of 1 is required`);
    this.fitStatistics(X);
    this.n_features_in_ = X.cols;
    this.n_samples_seen_ = X.rows;
    return this;
  }

  transform(X: Input, heap: SharedHeap = threadHeap()): Matrix {
    const copy = this.params.copy !== false || isPixels(X);
    const out = copy ? new Float32Array(X.rows * X.cols) : (X.data as Float32Array);
    this.transformInto(X, out, heap);
    return { data: out, rows: X.rows, cols: X.cols };
  }

  fit_transform(X: Input, heap: SharedHeap = threadHeap()): Matrix {
    return this.fit(X).transform(X, heap);
  }

  transformInto(X: Input, out: Float32Array, heap: SharedHeap = threadHeap()): void {
    if (this.n_features_in_ === 0 && !this.stateless) throw new NotFittedError(this.scalerName);
    checkShape(this.scalerName, X);
    if (this.n_features_in_ !== 0 && X.cols !== this.n_features_in_) {
      throw new ShapeError(`${this.scalerName}: X has ${X.cols} features, but it was fitted with ${this.n_features_in_}`);
    }
    if (out.length !== X.rows * X.cols) {
      throw new ShapeError(`${this.scalerName}: out has ${out.length} values; X needs ${X.rows * X.cols}`);
    }
    this.apply(X, out, heap);
  }

  protected abstract fitStatistics(X: Input): void;
  protected abstract apply(X: Input, out: Float32Array, heap: SharedHeap): void;
}

function checkShape(scaler: string, X: Input): void {
  if (X.data.length !== X.rows * X.cols) throw new ShapeError(`${scaler}: X has ${X.data.length} values, not ${X.rows} x ${X.cols}`);
}

/** `(x - a) / b` per feature, or `x * a + b` when `mulAdd`; in WASM for 8-bit input, in float64 either way. */
function affine(X: Input, a: Float64Array, b: Float64Array, out: Float32Array, heap: SharedHeap, mulAdd: boolean): void {
  if (isPixels(X)) return mulAdd ? mulAddU8(heap, X, a, b, out) : standardizeU8(heap, X, a, b, out);
  const { rows, cols, data } = X;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    if (mulAdd) for (let j = 0; j < cols; j++) out[o + j] = data[o + j] * a[j] + b[j];
    else for (let j = 0; j < cols; j++) out[o + j] = (data[o + j] - a[j]) / b[j];
  }
}

const STANDARD_SCALER_PARAMS = {
  /** false: transform() of float32 input scales X in place and returns a matrix over X's data. */
  copy: { default: true, constraints: [{ kind: "bool" }] },
  with_mean: { default: true, constraints: [{ kind: "bool" }] },
  with_std: { default: true, constraints: [{ kind: "bool" }] },
} as const satisfies ParamSpecs;

/** StandardScaler's params (scikit-learn's names and defaults). */
export type StandardScalerParams = ParamsOf<typeof STANDARD_SCALER_PARAMS>;

/**
 * StandardScaler: `(x - mean_) / scale_` per feature, with the population standard
 * deviation; a feature of zero variance (within rounding) gets scale 1, as in
 * scikit-learn. `with_mean: false` skips the centring (mean_ is still learned when
 * with_std is on), `with_std: false` the scaling (var_ and scale_ stay null).
 */
export class StandardScaler extends BaseScaler<typeof STANDARD_SCALER_PARAMS> {
  static readonly paramSpecs = STANDARD_SCALER_PARAMS;
  readonly name = "standard" as const;
  mean_: Float64Array | null = null;
  var_: Float64Array | null = null;
  scale_: Float64Array | null = null;
  // What apply() subtracts and divides by: the statistics, or 0 and 1 where switched off.
  private center: Float64Array = new Float64Array(0);
  private divisor: Float64Array = new Float64Array(0);

  /** Defaults: `{ copy: true, with_mean: true, with_std: true }`. */
  constructor(params: StandardScalerParams = {}) {
    super("StandardScaler", STANDARD_SCALER_PARAMS, params);
  }

  protected fitStatistics(X: Input): void {
    const { with_mean, with_std } = this.params;
    this.mean_ = this.var_ = this.scale_ = null;
    this.center = new Float64Array(X.cols);
    this.divisor = new Float64Array(X.cols).fill(1);
    if (!with_mean && !with_std) return;
    const { mean, variance } = columnMeanVar(X);
    this.mean_ = mean;
    if (with_mean) this.center = mean;
    if (!with_std) return;
    const n = X.rows;
    const eps = Number.EPSILON;
    const scale = new Float64Array(X.cols);
    for (let j = 0; j < X.cols; j++) {
      // scikit-learn treats a feature as constant when its variance is within rounding error of 0.
      const bound = n * eps * variance[j] + (n * mean[j] * eps) ** 2;
      scale[j] = variance[j] <= bound ? 1 : Math.sqrt(variance[j]);
    }
    this.var_ = variance;
    this.scale_ = scale;
    this.divisor = scale;
  }

  protected apply(X: Input, out: Float32Array, heap: SharedHeap): void {
    affine(X, this.center, this.divisor, out, heap, false);
  }
}

const MIN_MAX_SCALER_PARAMS = {
  /** [min, max] of the transformed training data; min < max. */
  feature_range: { default: [0, 1], constraints: [{ kind: "numberArray", minLength: 2, maxLength: 2 }] },
  /** false: transform() of float32 input scales X in place and returns a matrix over X's data. */
  copy: { default: true, constraints: [{ kind: "bool" }] },
  /** Clip transformed values (of data outside the training range) to feature_range. */
  clip: { default: false, constraints: [{ kind: "bool" }] },
} as const satisfies ParamSpecs;

/** MinMaxScaler's params (scikit-learn's names and defaults). */
export type MinMaxScalerParams = ParamsOf<typeof MIN_MAX_SCALER_PARAMS>;

/**
 * MinMaxScaler: `x * scale_ + min_` per feature, mapping the training range onto
 * feature_range; a constant feature gets range 1 (so it maps to feature_range's min).
 * Data outside the training range maps outside feature_range unless `clip`.
 */
export class MinMaxScaler extends BaseScaler<typeof MIN_MAX_SCALER_PARAMS> {
  static readonly paramSpecs = MIN_MAX_SCALER_PARAMS;
  readonly name = "minmax" as const;
  data_min_: Float64Array | null = null;
  data_max_: Float64Array | null = null;
  data_range_: Float64Array | null = null;
  scale_: Float64Array | null = null;
  min_: Float64Array | null = null;

  /** Defaults: `{ feature_range: [0, 1], copy: true, clip: false }`. */
  constructor(params: MinMaxScalerParams = {}) {
    super("MinMaxScaler", MIN_MAX_SCALER_PARAMS, params);
    const [lo, hi] = this.params.feature_range;
    if (!(lo < hi)) {
      throw new ParamError(
        "MinMaxScaler", "feature_range", `MinMaxScaler: feature_range must have min < max; got [${lo}, ${hi}]`,
      );
    }
  }

  protected fitStatistics(X: Input): void {
    const { rows, cols, data } = X;
    const [rangeLo, rangeHi] = this.params.feature_range;
    const lo = new Float64Array(cols).fill(Infinity);
    const hi = new Float64Array(cols).fill(-Infinity);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = data[i * cols + j];
        if (v < lo[j]) lo[j] = v;
        if (v > hi[j]) hi[j] = v;
      }
    }
    const range = new Float64Array(cols);
    const scale = new Float64Array(cols);
    const min = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      range[j] = hi[j] - lo[j];
      scale[j] = (rangeHi - rangeLo) / (range[j] < 10 * Number.EPSILON ? 1 : range[j]);
      min[j] = rangeLo - lo[j] * scale[j];
    }
    this.data_min_ = lo;
    this.data_max_ = hi;
    this.data_range_ = range;
    this.scale_ = scale;
    this.min_ = min;
  }

  protected apply(X: Input, out: Float32Array, heap: SharedHeap): void {
    affine(X, this.scale_!, this.min_!, out, heap, true);
    if (!this.params.clip) return;
    // The bounds as float32, as scikit-learn clips float32 output.
    const lo = Math.fround(this.params.feature_range[0]);
    const hi = Math.fround(this.params.feature_range[1]);
    for (let i = 0; i < out.length; i++) out[i] = Math.min(Math.max(out[i], lo), hi);
  }
}

const IDENTITY_PARAMS = {} as const satisfies ParamSpecs;

/** No scaling: values as float32 (pixels 0..255). fmbench's "none"; it has no parameters. */
export class IdentityScaler extends BaseScaler<typeof IDENTITY_PARAMS> {
  static readonly paramSpecs = IDENTITY_PARAMS;
  readonly name = "none" as const;
  protected override readonly stateless = true;
  constructor() {
    super("IdentityScaler", IDENTITY_PARAMS, {});
  }
  /** Records X's shape when given; there is nothing to learn, so transform also works unfitted. */
  override fit(X?: Input): this {
    return X ? super.fit(X) : this;
  }
  protected fitStatistics(): void {}
  protected apply(X: Input, out: Float32Array): void {
    if (out !== X.data) out.set(X.data);
  }
}
export function createScaler(name: PreprocessName): Scaler {
  switch (name) {
    case "standard": return new StandardScaler();
    case "minmax": return new MinMaxScaler();
    case "none": return new IdentityScaler();
  }
}
