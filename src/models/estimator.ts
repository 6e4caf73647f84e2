import { checkXy, type Matrix } from "../core/matrix.js";
import { allFinite, allFiniteReference } from "../kernels/validate.js";
import { threadHeap } from "../wasm/load.js";
import { NonFiniteError, NotFittedError, ShapeError } from "../errors.js";
import { resolveParams, type ParamSpecs, type ParamValue, type Params, type ParamsOf, type ResolvedParamsOf } from "../params.js";

/**
 * The contract every fmbench classifier implements, after scikit-learn's:
 * constructed from a params object (scikit-learn's names and defaults), `fit`
 * validates and returns `this`, learned state is kept apart from params.
 * X is a dense row-major float32 Matrix; y holds integer class labels.
 */
export interface Classifier {
  /** scikit-learn's class name, e.g. "GaussianNB". */
  readonly estimatorName: string;
  /** Every parameter, defaults filled in. */
  getParams(): Record<string, ParamValue>;
  fit(X: Matrix, y: ArrayLike<number>): this;
  predict(X: Matrix): Int32Array;
  /** Mean accuracy of predict(X) against y. */
  score(X: Matrix, y: ArrayLike<number>): number;
  /** Sorted distinct labels seen in fit. */
  readonly classes_: Int32Array | null;
}

/** Sorted distinct labels and, per sample, the index of its label in that list. */
export function encodeLabels(y: ArrayLike<number>): { classes: Int32Array; codes: Int32Array } {
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v)) throw new ShapeError(`class labels must be integers; got ${v}`);
    seen.add(v);
  }
  const classes = Int32Array.from([...seen].sort((a, b) => a - b));
  const index = new Map<number, number>();
  classes.forEach((c, i) => index.set(c, i));
  const codes = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) codes[i] = index.get(y[i])!;
  return { classes, codes };
}

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length) {
    throw new ShapeError(`accuracy: y_true has ${yTrue.length} labels but y_pred has ${yPred.length}`);
  }
  if (yTrue.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/**
 * Refuses NaN and infinity in X, at fit and at predict, as scikit-learn's estimators do
 * (none of fmbench's takes missing values). In WASM when X lives in this thread's heap
 * (as the runner's data does), else in plain TS.
 */
export function checkFinite(estimator: string, X: Matrix): void {
  const d = X.data;
  const heap = threadHeap();
  if (heap.owns(d) ? allFinite(heap, d) : allFiniteReference(d)) return;
  const i = d.findIndex((v) => !Number.isFinite(v));
  throw new NonFiniteError(
    `${estimator}: X contains ${Number.isNaN(d[i]) ? "NaN" : "infinity"} at row ${Math.floor(i / X.cols)}, column ${i % X.cols}; `
    + "estimators take finite values only, as in scikit-learn (impute or drop missing values first)",
  );
}

/**
 * Base class holding validated params, the fitted flag and the shared checks. `S` is
 * the estimator's parameter declarations; `params` and `getParams()` are typed from it.
 */
export abstract class BaseClassifier<S extends ParamSpecs = ParamSpecs> implements Classifier {
  abstract readonly estimatorName: string;
  protected readonly params: ResolvedParamsOf<S>;
  classes_: Int32Array | null = null;
  n_features_in_ = 0;

  /** `given` is typed for library callers and untyped for grid params; both are validated here. */
  protected constructor(name: string, specs: S, given: ParamsOf<S> | Params = {}) {
    this.params = resolveParams(name, specs, given);
  }

  getParams(): ResolvedParamsOf<S> {
    return { ...this.params };
  }

  abstract fit(X: Matrix, y: ArrayLike<number>): this;
  protected abstract predictCodes(X: Matrix): Int32Array;

  predict(X: Matrix): Int32Array {
    const classes = this.checkPredictInput(X);
    const codes = this.predictCodes(X);
    const labels = new Int32Array(codes.length);
    for (let i = 0; i < codes.length; i++) labels[i] = classes[codes[i]];
    return labels;
  }

  score(X: Matrix, y: ArrayLike<number>): number {
    return accuracy(y, this.predict(X));
  }

  /**
   * The checks every prediction method makes first (predict, and predictProba or
   * decisionFunction where an estimator has them): fitted, X as wide as in fit, finite.
   * Returns the fitted classes.
   */
  protected checkPredictInput(X: Matrix): Int32Array {
    const classes = this.classes_;
    if (!classes) throw new NotFittedError(this.estimatorName);
    if (X.cols !== this.n_features_in_) {
      throw new ShapeError(
        `${this.estimatorName}: X has ${X.cols} features, but it was fitted with ${this.n_features_in_}`,
      );
    }
    checkFinite(this.estimatorName, X);
    return classes;
  }

  /** Validates X/y and encodes labels; the estimator is not marked fitted until finishFit(). */
  protected checkFitInput(X: Matrix, y: ArrayLike<number>): { classes: Int32Array; codes: Int32Array } {
    this.classes_ = null;
    checkXy(this.estimatorName, X, y);
    checkFinite(this.estimatorName, X);
    return encodeLabels(y);
  }

  /** Marks the estimator fitted; call last in fit(). */
  protected finishFit(classes: Int32Array, nFeatures: number): this {
    this.classes_ = classes;
    this.n_features_in_ = nFeatures;
    return this;
  }
}
