import type { Matrix } from "../core/matrix.js";
import { ParamError } from "../errors.js";
import { argmaxRows } from "../kernels/linalg.js";
import { BaseClassifier } from "./estimator.js";
import type { ParamSpecs, ParamsOf } from "../params.js";

const GAUSSIAN_NB_PARAMS = {
  priors: { default: null, constraints: [{ kind: "null" }, { kind: "numberArray", minLength: 1 }] },
  var_smoothing: { default: 1e-9, constraints: [{ kind: "interval", type: "real", min: 0, closed: "left" }] },
} as const satisfies ParamSpecs;

/** GaussianNB's constructor params, typed from its declarations above. */
export type GaussianNBParams = ParamsOf<typeof GAUSSIAN_NB_PARAMS>;

/**
 * Gaussian naive Bayes with scikit-learn's semantics: per-class feature means and
 * variances, every variance increased by `var_smoothing` times the largest feature
 * variance, class priors from `priors` or the class frequencies. All statistics and
 * log-likelihoods are float64.
 */
export class GaussianNB extends BaseClassifier<typeof GAUSSIAN_NB_PARAMS> {
  readonly estimatorName = "GaussianNB";
  static readonly paramSpecs = GAUSSIAN_NB_PARAMS;

  theta_: Float64Array | null = null;
  var_: Float64Array | null = null;
  class_prior_: Float64Array | null = null;
  class_count_: Float64Array | null = null;
  epsilon_ = 0;

  constructor(params: GaussianNBParams = {}) {
    super("GaussianNB", GAUSSIAN_NB_PARAMS, params);
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    const { rows, cols, data } = X;
    const k = classes.length;

    // Largest variance over all features, for the smoothing term.
    const mean = new Float64Array(cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] += data[i * cols + j];
    for (let j = 0; j < cols; j++) mean[j] /= rows;
    const variance = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const d = data[i * cols + j] - mean[j];
        variance[j] += d * d;
      }
    }
    let maxVar = 0;
    for (let j = 0; j < cols; j++) maxVar = Math.max(maxVar, variance[j] / rows);
    const epsilon = (this.params.var_smoothing as number) * maxVar;

    const count = new Float64Array(k);
    const theta = new Float64Array(k * cols);
    for (let i = 0; i < rows; i++) {
      const c = codes[i];
      count[c]++;
      const o = c * cols;
      for (let j = 0; j < cols; j++) theta[o + j] += data[i * cols + j];
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < cols; j++) theta[c * cols + j] /= count[c];
    const vars = new Float64Array(k * cols);
    for (let i = 0; i < rows; i++) {
      const o = codes[i] * cols;
      for (let j = 0; j < cols; j++) {
        const d = data[i * cols + j] - theta[o + j];
        vars[o + j] += d * d;
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < cols; j++) vars[c * cols + j] = vars[c * cols + j] / count[c] + epsilon;

    const prior = this.classPriors(count, rows);
    this.theta_ = theta;
    this.var_ = vars;
    this.class_count_ = count;
    this.class_prior_ = prior;
    this.epsilon_ = epsilon;
    return this.finishFit(classes, cols);
  }

  private classPriors(count: Float64Array, rows: number): Float64Array {
    const given = this.params.priors as readonly number[] | null;
    if (given === null) return count.map((c) => c / rows);
    if (given.length !== count.length) {
      throw new ParamError("GaussianNB", "priors", `GaussianNB: number of priors (${given.length}) must match number of classes (${count.length})`);
    }
    const sum = given.reduce((a, b) => a + b, 0);
    // numpy.isclose(sum, 1.0) with its default tolerances
    if (Math.abs(sum - 1) > 1e-8 + 1e-5) {
      throw new ParamError("GaussianNB", "priors", `GaussianNB: the sum of the priors should be 1; got ${sum}`);
    }
    if (given.some((p) => p < 0)) {
      throw new ParamError("GaussianNB", "priors", "GaussianNB: priors must be non-negative");
    }
    return Float64Array.from(given);
  }

  /** Unnormalized log posterior of each class, row-major (samples x classes). */
  jointLogLikelihood(X: Matrix): Float64Array {
    const theta = this.theta_!;
    const vars = this.var_!;
    const prior = this.class_prior_!;
    const k = prior.length;
    const { rows, cols, data } = X;
    const base = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let logDet = 0;
      for (let j = 0; j < cols; j++) {
        logDet += Math.log(2 * Math.PI * vars[c * cols + j]);
      }
      base[c] = Math.log(prior[c]) - 0.5 * logDet;
    }
    const jll = new Float64Array(rows * k);
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let c = 0; c < k; c++) {
        const t = c * cols;
        let s = 0;
        for (let j = 0; j < cols; j++) {
          const d = data[o + j] - theta[t + j];
          s += (d * d) / vars[t + j];
        }
        jll[i * k + c] = base[c] - 0.5 * s;
      }
    }
    return jll;
  }

  protected predictCodes(X: Matrix): Int32Array {
    return argmaxRows(this.jointLogLikelihood(X), X.rows, this.class_prior_!.length);
  }
}
