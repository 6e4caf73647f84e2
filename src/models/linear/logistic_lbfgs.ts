import type { Matrix } from "../../core/matrix.js";
import type { LinalgWorkspace } from "../../kernels/linalg.js";
import { ovrPositives } from "./common.js";
import { lbfgsSteps, minimize, minimizeTogether, type Evaluation, type MinimizeResult } from "../optim.js";
import { BlockedDataTerm } from "./row_blocks.js";

/**
 * LogisticRegression's L2 (and unpenalized) problems by L-BFGS, as scikit-learn's
 * "lbfgs" solver: the sum of log-losses plus ||W||^2 / (2C), intercepts unpenalized,
 * gtol = tol, max_iter iterations. Every evaluation of the objective is one batched
 * pass over X for all classes' columns, in row blocks that idle threads may compute
 * (row_blocks.ts).
 */
export interface LbfgsSettings {
  /** 1 / C for penalty "l2", else 0. */
  readonly l2: number;
  readonly fitIntercept: boolean;
  readonly maxIter: number;
  readonly tol: number;
}

/** The L2-penalized objectives of LogisticRegression over the data term of X (see row_blocks.ts). */
class PenalizedObjective {
  private readonly data: BlockedDataTerm;
  private readonly cols: number;

  constructor(ws: LinalgWorkspace, X: Matrix, codes: Int32Array, width: number, private readonly s: LbfgsSettings) {
    this.data = new BlockedDataTerm(ws, X, codes, width);
    this.cols = X.cols;
  }

  /** Adds the L2 term of the weights x[at .. at + cols) to a loss; writes their gradient from G[at ..]. */
  private penalize(loss: number, x: Float64Array, grad: Float64Array, at: number, G: Float64Array): number {
    const l2 = this.s.l2;
    let sq = 0;
    for (let j = at; j < at + this.cols; j++) {
      grad[j] = G[j] + l2 * x[j];
      sq += x[j] * x[j];
    }
    return loss + 0.5 * l2 * sq;
  }

  /** K binary problems' objectives (`points[a]`: cols weights then the intercept; positive class `positives[a]`). */
  binary(points: readonly Evaluation[], positives: number[]): number[] {
    const { cols, s } = this;
    const { losses, G, gb } = this.data.evaluate(
      points.length, (c) => points[c].x.subarray(0, cols), (c) => (s.fitIntercept ? points[c].x[cols] : 0), "log", positives,
    );
    return points.map(({ x, grad }, a) => {
      const loss = this.penalize(losses[a], x, grad.subarray(0, cols), 0, G.subarray(a * cols, (a + 1) * cols));
      grad[cols] = s.fitIntercept ? gb[a] : 0;
      return loss;
    });
  }

  /** The softmax objective over K classes (x: K x cols weights, then K intercepts). */
  softmax(K: number, x: Float64Array, grad: Float64Array): number {
    const { cols, s } = this;
    const nW = K * cols;
    const { losses, G, gb } = this.data.evaluate(
      K, (c) => x.subarray(c * cols, (c + 1) * cols), (c) => (s.fitIntercept ? x[nW + c] : 0), "softmax", [],
    );
    let loss = losses[0];
    for (let a = 0; a < K; a++) {
      loss = this.penalize(loss, x, grad, a * cols, G);
      grad[nW + a] = s.fitIntercept ? gb[a] : 0;
    }
    return loss;
  }
}

/**
 * One-vs-rest L-BFGS: one binary problem per class (one for two classes; x: cols weights,
 * then the intercept), all advancing
 * in lockstep, the points of those still running evaluated together; each follows the
 * path it would follow alone, up to the last bits of the batched products (scikit-learn
 * solves them one after another). X and codes must be heap-resident.
 */
export function fitOvrLbfgs(ws: LinalgWorkspace, X: Matrix, codes: Int32Array, nClasses: number, s: LbfgsSettings): MinimizeResult[] {
  const positives = ovrPositives(nClasses);
  const objective = new PenalizedObjective(ws, X, codes, positives.length, s);
  const solvers = positives.map(() => lbfgsSteps(new Float64Array(X.cols + 1), { maxIter: s.maxIter, gtol: s.tol }));
  return minimizeTogether(solvers, (points) => {
    const running = points.flatMap((e, a) => (e ? [a] : []));
    const values = objective.binary(running.map((a) => points[a]!), running.map((a) => positives[a]));
    const out = new Array<number>(points.length).fill(0);
    running.forEach((a, r) => (out[a] = values[r]));
    return out;
  });
}

/**
 * The multinomial problem (softmax over K classes, one weight row per class) by one
 * L-BFGS run; x holds K x cols weights, then the K intercepts. X and codes must be
 * heap-resident.
 */
export function fitSoftmaxLbfgs(ws: LinalgWorkspace, X: Matrix, codes: Int32Array, K: number, s: LbfgsSettings): MinimizeResult {
  const objective = new PenalizedObjective(ws, X, codes, K, s);
  const steps = lbfgsSteps(new Float64Array(K * X.cols + K), { maxIter: s.maxIter, gtol: s.tol });
  return minimize(steps, (x, grad) => objective.softmax(K, x, grad));
}
