import type { Matrix } from "../../core/matrix.js";
import { argmaxRows, linearDecision } from "../../kernels/linalg.js";
import { threadHeap } from "../../wasm/load.js";
import { BaseClassifier } from "../estimator.js";
import type { ParamSpecs } from "../../params.js";

/**
 * Small, fast, seedable PRNG (mulberry32), for the solvers whose scikit-learn
 * counterparts draw from C libraries' generators (liblinear): there fmbench only
 * promises determinism for a given seed. The plain-SGD estimators reproduce
 * scikit-learn's own draws instead (sklearn_random.ts).
 */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed >>> 0) ^ 0x9e3779b9;
  }
  /** Uniform integer in [0, 2^32). */
  nextU32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.nextU32() / 4294967296) * n);
  }
  /** Fisher-Yates shuffle of the first `n` entries of `a`. */
  shuffle(a: Int32Array, n = a.length): void {
    for (let i = n - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

/**
 * The stream of one-vs-rest problem `problem` for random_state `seed`: each problem
 * draws from its own stream, so that it is the same whichever thread solves it and
 * whatever was solved before it. Problem 0 (the only one of a binary fit) keeps the
 * stream of `seed` itself; the others start at points of mulberry32's cycle scrambled
 * by the problem index.
 */
export function problemRng(seed: number, problem: number): Rng {
  return new Rng(seed ^ Math.imul(problem, 0x85ebca6b));
}

/**
 * The positive class of each one-vs-rest problem: one problem for two classes (class 1
 * vs class 0), else problem c for class c vs the rest.
 */
export function ovrPositives(nClasses: number): number[] {
  return nClasses === 2 ? [1] : Array.from({ length: nClasses }, (_, c) => c);
}

/** The seed used when random_state is None: fmbench runs are deterministic by default. */
export function seedOf(randomState: unknown): number {
  return typeof randomState === "number" ? randomState : 0;
}

/**
 * Base of the linear classifiers: coef_ (n_problems x n_features, float64 row-major),
 * intercept_, decision_function in WASM, argmax prediction (sign for two classes),
 * and `warnings_` collecting the messages scikit-learn would emit as ConvergenceWarning.
 */
export abstract class LinearClassifierBase<S extends ParamSpecs = ParamSpecs> extends BaseClassifier<S> {
  coef_: Float64Array | null = null;
  intercept_: Float64Array | null = null;
  /** Convergence warnings of the last fit, worded as scikit-learn's. */
  warnings_: string[] = [];

  /** Decision values, rows x n_problems (one column for two classes). */
  decisionFunction(X: Matrix): Float64Array {
    this.checkPredictInput(X);
    return linearDecision(threadHeap(), X, this.coef_!, this.intercept_!);
  }

  protected predictCodes(X: Matrix): Int32Array {
    const k = this.intercept_!.length;
    const scores = this.decisionFunction(X);
    if (k === 1) {
      const out = new Int32Array(X.rows);
      for (let i = 0; i < X.rows; i++) out[i] = scores[i] > 0 ? 1 : 0;
      return out;
    }
    return argmaxRows(scores, X.rows, k);
  }
}
