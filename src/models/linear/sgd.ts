import type { Matrix } from "../../core/matrix.js";
import { FmbenchError, ParamError } from "../../errors.js";
import {
  LinalgWorkspace, SGD_LEARNING_RATE, SGD_LOSS, SGD_PENALTY, sgdParamsArray, type SgdEpochParams,
} from "../../kernels/linalg.js";
import { definePieces, f64At, type HeapRef, heapRef, i32At, matrixAt, matrixRef, type MatrixRef, runPieces } from "../../parallel/pieces.js";
import type { SharedHeap } from "../../wasm/heap.js";
import { threadHeap } from "../../wasm/load.js";
import type { ParamSpecs, ParamsOf } from "../../params.js";
import { LinearClassifierBase, ovrPositives, seedOf } from "./common.js";
import { sequentialShuffle, sgdShuffleSeeds } from "./sklearn_random.js";

/**
 * What one plain-SGD fit needs beyond X and y (resolved from an estimator's params): the
 * epoch's settings (SgdEpochParams, less what fitPlainSgd derives) and the stopping rule.
 */
export interface PlainSgdOptions extends Omit<SgdEpochParams, "optimalInit" | "weightPos" | "weightNeg"> {
  maxIter: number;
  /** null: no stopping criterion (scikit-learn's tol=None). */
  tol: number | null;
  nIterNoChange: number;
  shuffle: boolean;
  /** random_state (scikit-learn's seeds are drawn from it). */
  seed: number;
}

export interface PlainSgdResult {
  coef: Float64Array;
  intercept: Float64Array;
  nIter: number;
}

/** scikit-learn's "optimal" schedule: eta = 1 / (alpha (t0 + t - 1)), t0 chosen so that the first eta is typw / max(1, -dloss(-typw, 1)). */
function optimalInit(loss: number, threshold: number, alpha: number): number {
  const typw = Math.sqrt(1 / Math.sqrt(alpha));
  const z = -typw;
  let d: number;
  switch (loss) {
    case SGD_LOSS.hinge: d = z <= threshold ? -1 : 0; break;
    case SGD_LOSS.squared_hinge: d = threshold - z > 0 ? -2 * (threshold - z) : 0; break;
    case SGD_LOSS.log: d = z > 18 ? -Math.exp(-z) : z < -18 ? -1 : -1 / (Math.exp(z) + 1); break;
    default: d = z >= 1 ? 0 : z >= -1 ? -2 * (1 - z) : -4;
  }
  const eta0 = typw / Math.max(1, d);
  return 1 / (eta0 * alpha);
}

/** What one binary plain-SGD problem needs: the shared training set, the resolved settings and the problems' seeds. */
interface SgdProblemArgs {
  readonly estimator: string;
  readonly X: MatrixRef;
  readonly labels: HeapRef;
  /** Squared row norms (the passive-aggressive steps), or null. */
  readonly norms: HeapRef | null;
  readonly epoch: SgdEpochParams;
  readonly maxIter: number;
  readonly tol: number | null;
  readonly nIterNoChange: number;
  readonly shuffle: boolean;
  /** scikit-learn's shuffle seed of each problem. */
  readonly seeds: number[];
  /** The positive class of each problem (ovrPositives). */
  readonly positives: number[];
}

interface SgdProblemResult {
  readonly coef: Float64Array;
  readonly intercept: number;
  readonly nIter: number;
}

/** Heap bytes one problem's buffers take (weights, their L1 accumulators, the sample order, state, settings). */
function sgdProblemBytes(rows: number, cols: number): number {
  return 2 * (cols * 8 + 64) + rows * 4 + 3 * 128;
}

/**
 * One binary problem of fitPlainSgd, `problem` vs the rest: from w = 0 and t = 1,
 * epochs until n_iter_no_change epochs whose summed loss did not improve on the best by
 * tol * n_samples (or max_iter).
 */
const SGD_PROBLEMS = definePieces("PlainSGD.problems", (a: SgdProblemArgs, problem: number, heap: SharedHeap): SgdProblemResult => {
  const ws = LinalgWorkspace.for(heap);
  ws.reset();
  const X = matrixAt(heap, a.X);
  const { rows, cols } = X;
  const w = ws.f64(cols);
  const q = ws.f64(cols);
  const order = ws.i32(rows);
  const state = ws.f64(7);
  const params = ws.resident(sgdParamsArray(a.epoch));
  const labels = i32At(heap, a.labels).byteOffset;
  const norms = a.norms ? f64At(heap, a.norms).byteOffset : 0;
  const positive = a.positives[problem];
  for (let i = 0; i < rows; i++) order[i] = i;
  state.set([0, 1, 1, 0, 0, 0, 0]);
  let best = Infinity;
  let noImprovement = 0;
  let epoch = 0;
  while (epoch < a.maxIter) {
    if (a.shuffle) sequentialShuffle(order, a.seeds[problem]);
    ws.sgdEpoch(
      X.data.byteOffset, cols, order.byteOffset, rows, labels, positive,
      w.byteOffset, q.byteOffset, params.byteOffset, state.byteOffset, norms,
    );
    epoch++;
    if (!Number.isFinite(state[0]) || !Number.isFinite(state[1])) {
      throw new FmbenchError(
        `${a.estimator}: Floating-point under-/overflow occurred at epoch #${epoch}. ` +
          "Scaling input data with StandardScaler or MinMaxScaler might help.",
      );
    }
    const sumloss = state[4];
    if (a.tol !== null && sumloss > best - a.tol * rows) noImprovement++;
    else noImprovement = 0;
    if (sumloss < best) best = sumloss;
    if (noImprovement >= a.nIterNoChange) break;
  }
  const wscale = state[1];
  const coef = new Float64Array(cols);
  for (let j = 0; j < cols; j++) coef[j] = w[j] * wscale;
  return { coef, intercept: state[0], nIter: epoch };
});

/**
 * One-vs-rest plain SGD, as scikit-learn's `_plain_sgd`: one binary problem per class
 * (a single problem for two classes), each epoch one WASM call over the shuffled
 * samples; stops after `nIterNoChange` epochs whose summed loss did not improve on the
 * best by `tol * n_samples`. Every binary problem starts from t = 1. The per-problem seeds
 * and the epoch shuffles are scikit-learn's own draws for the same random_state, so with a
 * hinge-type loss (whose updates do not depend on the last bits of a dot product) the fit,
 * n_iter_ included, is scikit-learn's. The problems are independent pieces that idle
 * threads may solve (parallel/pieces.ts), as scikit-learn's joblib runs them.
 */
export function fitPlainSgd(
  estimator: string, X: Matrix, codes: Int32Array, nClasses: number, o: PlainSgdOptions,
): PlainSgdResult {
  const heap = threadHeap();
  const ws = LinalgWorkspace.for(heap);
  ws.reset();
  const Xr = ws.matrix(X);
  const { rows, cols } = X;
  const positives = ovrPositives(nClasses);
  const problems = positives.length;
  let norms: HeapRef | null = null;
  if (o.learningRate >= SGD_LEARNING_RATE.pa1) {
    const sq = ws.f64(rows);
    ws.sqNorms(Xr, sq);
    norms = heapRef(heap, sq);
  }
  const { maxIter, tol, nIterNoChange, shuffle, seed, ...settings } = o;
  const args: SgdProblemArgs = {
    estimator, X: matrixRef(heap, Xr), labels: heapRef(heap, ws.resident(codes)), norms,
    epoch: {
      ...settings,
      optimalInit: o.learningRate === SGD_LEARNING_RATE.optimal ? optimalInit(o.loss, o.threshold, o.alpha) : 0,
      weightPos: 1, weightNeg: 1,
    },
    maxIter, tol, nIterNoChange, shuffle, seeds: sgdShuffleSeeds(seed, problems, nClasses), positives,
  };
  const results = runPieces(SGD_PROBLEMS, args, problems, {
    heap, label: `${estimator} one-vs-rest problems`, pieceBytes: sgdProblemBytes(rows, cols),
  });
  const coef = new Float64Array(problems * cols);
  const intercept = new Float64Array(problems);
  results.forEach((r, p) => {
    coef.set(r.coef, p * cols);
    intercept[p] = r.intercept;
  });
  return { coef, intercept, nIter: Math.max(...results.map((r) => r.nIter)) };
}

export const SGD_MAX_ITER_WARNING =
  "Maximum number of iteration reached before convergence. Consider increasing max_iter to improve the fit.";

/** The params every member of the plain-SGD family declares under the same names. */
type PlainSgdCommonParams = "fit_intercept" | "max_iter" | "tol" | "n_iter_no_change" | "shuffle" | "random_state";

/**
 * The plain-SGD family (SGDClassifier, Perceptron, PassiveAggressiveClassifier): one fit
 * through fitPlainSgd, scikit-learn's check for at least two classes and its
 * ConvergenceWarning when max_iter is reached; each member maps its own params to the
 * loss, penalty and learning-rate options.
 */
export abstract class PlainSgdClassifier<S extends ParamSpecs> extends LinearClassifierBase<S> {
  n_iter_ = 0;

  /** fitPlainSgd's options that depend on this estimator's own params. */
  protected abstract sgdOptions(): Omit<PlainSgdOptions, "fitIntercept" | "maxIter" | "tol" | "nIterNoChange" | "shuffle" | "seed">;

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    if (classes.length < 2) {
      throw new FmbenchError(`The number of classes has to be greater than one; got ${classes.length} class`);
    }
    const p = this.params as Readonly<Record<PlainSgdCommonParams, unknown>>;
    const tol = p.tol as number | null;
    const maxIter = p.max_iter as number;
    const r = fitPlainSgd(this.estimatorName, X, codes, classes.length, {
      ...this.sgdOptions(), fitIntercept: p.fit_intercept as boolean, maxIter, tol,
      nIterNoChange: p.n_iter_no_change as number, shuffle: p.shuffle as boolean, seed: seedOf(p.random_state),
    });
    this.coef_ = r.coef;
    this.intercept_ = r.intercept;
    this.n_iter_ = r.nIter;
    this.warnings_ = tol !== null && r.nIter === maxIter ? [SGD_MAX_ITER_WARNING] : [];
    return this.finishFit(classes, X.cols);
  }
}

const tolSpec = { default: 1e-3, constraints: [{ kind: "interval", type: "real", min: 0, closed: "left" }, { kind: "null" }] } as const;

const SGD_PARAMS = {
  loss: {
    default: "hinge",
    constraints: [{ kind: "options", values: ["hinge", "log_loss", "log", "modified_huber", "squared_hinge", "perceptron"] }],
  },
  penalty: { default: "l2", constraints: [{ kind: "options", values: ["l2", "l1", "elasticnet", null] }] },
  alpha: { default: 1e-4, constraints: [{ kind: "interval", type: "real", min: 0, closed: "left" }] },
  l1_ratio: { default: 0.15, constraints: [{ kind: "interval", type: "real", min: 0, max: 1 }] },
  fit_intercept: { default: true, constraints: [{ kind: "bool" }] },
  max_iter: { default: 1000, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  tol: tolSpec,
  shuffle: { default: true, constraints: [{ kind: "bool" }] },
  random_state: { default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 0 }] },
  learning_rate: { default: "optimal", constraints: [{ kind: "options", values: ["optimal", "constant"] }] },
  eta0: { default: 0.0, constraints: [{ kind: "interval", type: "real", min: 0, closed: "left" }] },
  n_iter_no_change: { default: 5, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  early_stopping: { default: false, constraints: [{ kind: "options", values: [false] }] },
  average: { default: false, constraints: [{ kind: "options", values: [false] }] },
} as const satisfies ParamSpecs;

/** SGDClassifier's constructor params, typed from its declarations above. */
export type SGDClassifierParams = ParamsOf<typeof SGD_PARAMS>;

/**
 * scikit-learn 1.2's SGDClassifier: linear model fitted by plain SGD, one-vs-rest for
 * more than two classes, "optimal" or "constant" learning rate, L2/L1/elastic-net
 * penalties (L1 by cumulative truncated gradient). Supported subset: no early
 * stopping, averaging, class or sample weights. `random_state=None` means seed 0.
 */
export class SGDClassifier extends PlainSgdClassifier<typeof SGD_PARAMS> {
  readonly estimatorName = "SGDClassifier";
  static readonly paramSpecs = SGD_PARAMS;

  constructor(params: SGDClassifierParams = {}) {
    super("SGDClassifier", SGD_PARAMS, params);
    if (this.params.learning_rate === "constant" && (this.params.eta0 as number) <= 0) {
      throw new ParamError("SGDClassifier", "eta0", "SGDClassifier: eta0 must be > 0");
    }
  }

  protected sgdOptions() {
    const p = this.params;
    const loss = p.loss as string;
    const lossCode = loss === "log" || loss === "log_loss" ? SGD_LOSS.log
      : loss === "perceptron" ? SGD_LOSS.hinge : SGD_LOSS[loss as "hinge" | "squared_hinge" | "modified_huber"];
    const penalty = p.penalty === null ? SGD_PENALTY.none : SGD_PENALTY[p.penalty as "l1" | "l2" | "elasticnet"];
    return {
      loss: lossCode, threshold: loss === "perceptron" ? 0 : 1, penalty, alpha: p.alpha as number, C: 1,
      l1Ratio: p.l1_ratio as number,
      learningRate: p.learning_rate === "optimal" ? SGD_LEARNING_RATE.optimal : SGD_LEARNING_RATE.constant,
      eta0: p.eta0 as number,
    };
  }
}
