import type { Matrix } from "../core/matrix.js";
import { ParamError } from "../errors.js";
import { argmaxRows } from "../kernels/linalg.js";
import { gaussianClassStats, gaussianJointLogLikelihood } from "../kernels/naive_bayes.js";
import { threadHeap } from "../wasm/load.js";
import type { SharedHeap } from "../wasm/heap.js";
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

  private readonly heap: SharedHeap;

  constructor(params: GaussianNBParams = {}, heap: SharedHeap = threadHeap()) {
    super("GaussianNB", GAUSSIAN_NB_PARAMS, params);
    this.heap = heap;
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    const { rows, cols } = X;
    const k = classes.length;

    // Largest variance over all features, for the smoothing term.
    const stats = gaussianClassStats(this.heap, X, codes, k);
    const epsilon = (this.params.var_smoothing as number) * stats.maxVariance;
    const { theta, count } = stats;
    const vars = stats.squaredDeviations;
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
    const cols = X.cols;
    const base = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let logDet = 0;
      for (let j = 0; j < cols; j++) {
        logDet += Math.log(2 * Math.PI * vars[c * cols + j]);
      }
      base[c] = Math.log(prior[c]) - 0.5 * logDet;
    }
    return gaussianJointLogLikelihood(this.heap, X, theta, vars, base);
  }

  protected predictCodes(X: Matrix): Int32Array {
    return argmaxRows(this.jointLogLikelihood(X), X.rows, this.class_prior_!.length);
  }
}
