import type { Matrix } from "../../data/matrix.js";
import { FmbenchError, ParamError } from "../../errors.js";
import { gemmWorkFloats } from "../../kernels/gemm.js";
import { LinalgWorkspace } from "../../kernels/linalg.js";
import { threadHeap } from "../../wasm/load.js";
import type { ParamSpecs, Params } from "../params.js";
import { LinearClassifierBase, Rng, seedOf } from "./common.js";
import { columnMajor, newGlmnetL1rLr } from "./glmnet.js";
import { sagaSolve } from "./saga.js";
import { lbfgsSteps, minimize, minimizeTogether, type Evaluation, type MinimizeResult, type MinimizerSteps } from "./optim.js";

const LR_PARAMS: ParamSpecs = {
  penalty: { default: "l2", constraints: [{ kind: "options", values: ["l1", "l2", "elasticnet", "none", null] }] },
  dual: { default: false, constraints: [{ kind: "bool" }] },
  tol: { default: 1e-4, constraints: [{ kind: "interval", type: "real", min: 0, closed: "left" }] },
  C: { default: 1.0, constraints: [{ kind: "interval", type: "real", min: 0, closed: "neither" }] },
  fit_intercept: { default: true, constraints: [{ kind: "bool" }] },
  solver: {
    default: "lbfgs",
    constraints: [{ kind: "options", values: ["lbfgs", "liblinear", "newton-cg", "newton-cholesky", "sag", "saga"] }],
  },
  max_iter: { default: 100, constraints: [{ kind: "interval", type: "int", min: 0 }] },
  multi_class: { default: "auto", constraints: [{ kind: "options", values: ["auto", "ovr", "multinomial"] }] },
  random_state: { default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 0 }] },
  l1_ratio: { default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "real", min: 0, max: 1 }] },
};

const LBFGS_WARNING =
  "lbfgs failed to converge (status=1): STOP: TOTAL NO. of ITERATIONS REACHED LIMIT. " +
  "Increase the number of iterations (max_iter) or scale the data.";
const LIBLINEAR_WARNING = "Liblinear failed to converge, increase the number of iterations.";
const SAGA_WARNING = "The max_iter was reached which means the coef_ did not converge";

/**
 * scikit-learn 1.2's LogisticRegression. The L2 (and unpenalized) problems are solved
 * as scikit-learn's default "lbfgs" solver does: objective sum of log-losses plus
 * ||W||^2 / (2C), intercept unpenalized, L-BFGS with gtol=tol and max_iter.
 * The default solver rejects penalty="l1"; where scikit-learn's liblinear (ovr) or
 * saga (multinomial) would accept it, fmbench solves that solver's problem and records
 * which in `solver_used_`: liblinear's objective (which penalizes the intercept too) is
 * minimized with liblinear's own method, newGLMNET (glmnet.ts); saga (chosen that way or given as `solver`) runs scikit-learn's
 * own SAGA epochs (saga.ts), whose early-stopped iterate after max_iter epochs is what
 * scikit-learn reports. One-vs-rest L-BFGS problems are solved in lockstep, each
 * on the path it would take alone (scikit-learn solves them one after another), with
 * their products batched.
 */
export class LogisticRegression extends LinearClassifierBase {
  readonly estimatorName = "LogisticRegression";
  static readonly paramSpecs = LR_PARAMS;
  /** The scikit-learn solver whose problem was solved ("lbfgs", "liblinear" or "saga"). */
  solver_used_ = "";
  /** The method fmbench used for it ("L-BFGS", "newGLMNET" or "SAGA"). */
  method_ = "";
  n_iter_ = 0;

  constructor(params: Params = {}) {
    super("LogisticRegression", LR_PARAMS, params);
  }

  /** The solver and multi-class mode for these params, or scikit-learn's error. */
  private plan(nClasses: number): { solver: string; multinomial: boolean } {
    const p = this.params;
    const penalty = p.penalty as string | null;
    let solver = p.solver as string;
    const chosen = solver;
    if (!["lbfgs", "liblinear", "saga"].includes(solver)) {
      throw new ParamError("LogisticRegression", "solver", `LogisticRegression: fmbench implements the lbfgs, liblinear and saga problems; got solver='${solver}'`);
    }
    const mc = p.multi_class as string;
    if (penalty === "l1" && solver === "lbfgs") {
      // The default solver rejects l1; use the solver scikit-learn offers for it.
      solver = mc === "multinomial" || (mc === "auto" && nClasses > 2) ? "saga" : "liblinear";
    }
    if (!["liblinear", "saga"].includes(solver) && !["l2", "none", null].includes(penalty)) {
      throw new ParamError("LogisticRegression", "penalty", `Solver ${solver} supports only 'l2' or 'none' penalties, got ${penalty} penalty.`);
    }
    if (solver !== "liblinear" && p.dual) {
      throw new ParamError("LogisticRegression", "dual", `Solver ${chosen} supports only dual=False, got dual=${p.dual ? "True" : "False"}`);
    }
    if (penalty === "elasticnet" && solver !== "saga") {
      throw new ParamError("LogisticRegression", "solver", `Only 'saga' solver supports elasticnet penalty, got solver=${solver}.`);
    }
    if (p.dual) throw new ParamError("LogisticRegression", "dual", "LogisticRegression: dual=True is not supported by fmbench");
    if (solver === "liblinear" && (penalty === "none" || penalty === null)) {
      throw new ParamError("LogisticRegression", "penalty", "penalty='none' is not supported for the liblinear solver");
    }
    let multinomial = mc === "multinomial" || (mc === "auto" && solver !== "liblinear" && nClasses > 2);
    if (multinomial && solver === "liblinear") {
      throw new ParamError("LogisticRegression", "multi_class", "Solver liblinear does not support a multinomial backend.");
    }
    if (nClasses === 2 && mc === "auto") multinomial = false;
    if (penalty === "elasticnet" && p.l1_ratio === null) {
      // scikit-learn 1.2 fails later, with a TypeError from (1 - None)
      throw new ParamError("LogisticRegression", "l1_ratio", "LogisticRegression: penalty='elasticnet' needs l1_ratio, a number in [0, 1]; got None");
    }
    return { solver, multinomial };
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    const nClasses = classes.length;
    if (nClasses < 2) {
      throw new FmbenchError(
        `This solver needs samples of at least 2 classes in the data, but the data contains only one class: ${classes[0]}`,
      );
    }
    const { solver, multinomial } = this.plan(nClasses);
    const p = this.params;
    const C = p.C as number;
    const penalty = p.penalty as string | null;
    const fitIntercept = p.fit_intercept as boolean;
    const { rows, cols } = X;
    const ws = LinalgWorkspace.for(threadHeap());
    ws.reset();
    const Xr = ws.matrix(X);
    const l2 = penalty === "l2" ? 1 / C : 0;
    const maxIter = p.max_iter as number;
    const tol = p.tol as number;
    this.solver_used_ = solver;
    if (solver === "saga") return this.fitSaga(Xr, ws.resident(codes), classes, multinomial, ws);
    if (penalty === "l1") return this.fitNewGlmnet(Xr, codes, classes, ws);
    this.method_ = "L-BFGS";
    /** The minimizer of one problem with nW weights and K intercepts, as a generator of its evaluations. */
    const minimizer = (nW: number, K: number): MinimizerSteps => {
      const x0 = new Float64Array(nW + K);
      return lbfgsSteps(x0, { maxIter, gtol: tol });
    };

    // Buffers for up to `width` columns of X W^T at once.
    const width = multinomial ? nClasses : nClasses === 2 ? 1 : nClasses;
    const W32 = ws.f32(width * cols);
    const b = ws.f64(width);
    const Z = ws.f64(rows * width);
    const R = ws.f64(rows * width);
    const G = ws.f64(width * cols);
    const tmp = ws.f32(width * cols);
    const gemmWork = ws.f32(gemmWorkFloats(width, cols));
    const Z32 = ws.f32(rows * width);

    /**
     * Evaluates K problems' points at once, one pass over X each way: `points[a]` holds
     * the weights of column a (cols values, then its intercept) for binary problems
     * (positive class `positives[a]`), or all K columns of one softmax problem (`multi`).
     * Writes each gradient, returns each objective value (one for the softmax problem).
     */
    const evaluate = (points: readonly Evaluation[], positives: readonly number[], multi: boolean): number[] => {
      const K = multi ? width : points.length;
      const nW = K * cols;
      for (let a = 0; a < K; a++) {
        const x = multi ? points[0].x : points[a].x;
        const wAt = multi ? a * cols : 0;
        for (let j = 0; j < cols; j++) W32[a * cols + j] = x[wAt + j];
        b[a] = fitIntercept ? x[multi ? nW + a : cols] : 0;
      }
      if (K >= 4) ws.xwtPacked(Xr, W32, K, b, Z, gemmWork, Z32);
      else ws.xwt(Xr, W32, K, b, Z);
      const losses = new Array<number>(multi ? 1 : K).fill(0);
      if (multi) {
        let loss = 0;
        for (let i = 0; i < rows; i++) {
          const o = i * K;
          let m = -Infinity;
          for (let c = 0; c < K; c++) m = Math.max(m, Z[o + c]);
          let sum = 0;
          for (let c = 0; c < K; c++) sum += Math.exp(Z[o + c] - m);
          const lse = m + Math.log(sum);
          loss += lse - Z[o + codes[i]];
          for (let c = 0; c < K; c++) R[o + c] = Math.exp(Z[o + c] - lse);
          R[o + codes[i]] -= 1;
        }
        losses[0] = loss;
      } else {
        for (let i = 0; i < rows; i++) {
          const o = i * K;
          for (let a = 0; a < K; a++) {
            const positive = codes[i] === positives[a];
            const z = Z[o + a];
            // log(1 + exp(z)) - t z and the sigmoid, stably, from one exp(-|z|)
            const e = Math.exp(-Math.abs(z));
            losses[a] += (z > 0 ? z : 0) + Math.log1p(e) - (positive ? z : 0);
            const sig = z >= 0 ? 1 / (1 + e) : e / (1 + e);
            R[o + a] = sig - (positive ? 1 : 0);
          }
        }
      }
      ws.rtx(R, K, Xr, G, tmp);
      for (let a = 0; a < K; a++) {
        const { x, grad } = multi ? points[0] : points[a];
        const wAt = multi ? a * cols : 0;
        let sq = 0;
        for (let j = 0; j < cols; j++) {
          grad[wAt + j] = G[a * cols + j] + l2 * x[wAt + j];
          sq += x[wAt + j] * x[wAt + j];
        }
        losses[multi ? 0 : a] += 0.5 * l2 * sq;
        let s = 0;
        if (fitIntercept) for (let i = 0; i < rows; i++) s += R[i * K + a];
        grad[multi ? nW + a : cols] = s;
      }
      return losses;
    };

    const coef = new Float64Array(width * cols);
    const intercept = new Float64Array(width);
    let results: MinimizeResult[];
    if (multinomial) {
      results = [minimize(minimizer(width * cols, width), (x, grad) => evaluate([{ x, grad }], [], true)[0])];
    } else {
      // One-vs-rest: the problems of all classes advance in lockstep, their points
      // evaluated together (one pass over X for all of them); each follows the path it
      // would follow alone, as scikit-learn solves them one after another.
      const positives = width === 1 ? [1] : Array.from({ length: width }, (_, c) => c);
      results = minimizeTogether(positives.map(() => minimizer(cols, 1)), (points) => {
        const active = points.flatMap((e, a) => (e ? [a] : []));
        const values = evaluate(active.map((a) => points[a]!), active.map((a) => positives[a]), false);
        const out = new Array<number>(points.length).fill(0);
        active.forEach((a, i) => (out[a] = values[i]));
        return out;
      });
    }
    results.forEach((r, a) => {
      const K = multinomial ? width : 1;
      coef.set(r.x.subarray(0, K * cols), a * cols);
      if (fitIntercept) intercept.set(r.x.subarray(K * cols), a);
    });
    const nIter = Math.max(...results.map((r) => r.nIter));
    const hitMax = results.some((r) => r.reason === "max_iter");
    this.coef_ = coef;
    this.intercept_ = intercept;
    this.n_iter_ = nIter;
    this.warnings_ = hitMax
      ? [solver === "lbfgs" ? LBFGS_WARNING : LIBLINEAR_WARNING]
      : [];
    return this.finishFit(classes, cols);
  }
  /**
   * liblinear's L1R_LR problem (one binary problem per class, one after another, one
   * random stream across them as in liblinear's train), solved with liblinear's own
   * method, newGLMNET (glmnet.ts). The bias is a penalized column of intercept_scaling = 1.
   */
  private fitNewGlmnet(Xr: Matrix, codes: Int32Array, classes: Int32Array, ws: LinalgWorkspace): this {
    const p = this.params;
    const fitIntercept = p.fit_intercept as boolean;
    const maxIter = p.max_iter as number;
    const { rows, cols } = Xr;
    const n = cols + (fitIntercept ? 1 : 0);
    const Xc = columnMajor(ws, Xr, fitIntercept ? 1 : 0);
    const positives = classes.length === 2 ? [1] : Array.from(classes, (_, c) => c);
    const rng = new Rng(seedOf(p.random_state));
    const coef = new Float64Array(positives.length * cols);
    const intercept = new Float64Array(positives.length);
    let nIter = 0;
    positives.forEach((c, a) => {
      const positive = new Uint8Array(rows);
      let pos = 0;
      for (let i = 0; i < rows; i++) if (codes[i] === c) (positive[i] = 1), pos++;
      // liblinear's primal tolerance: tol scaled by the smaller class's share
      const eps = ((p.tol as number) * Math.max(Math.min(pos, rows - pos), 1)) / rows;
      const r = newGlmnetL1rLr(ws, Xc, rows, n, positive, { C: p.C as number, eps, maxNewtonIter: maxIter, rng });
      coef.set(r.w.subarray(0, cols), a * cols);
      if (fitIntercept) intercept[a] = r.w[cols];
      nIter = Math.max(nIter, r.nIter);
    });
    this.coef_ = coef;
    this.intercept_ = intercept;
    this.n_iter_ = nIter;
    this.method_ = "newGLMNET";
    this.warnings_ = nIter >= maxIter ? [LIBLINEAR_WARNING] : [];
    return this.finishFit(classes, cols);
  }

  /**
   * scikit-learn's saga solver itself (src/models/linear/saga.ts), as its early-stopped
   * iterate is what scikit-learn reports: one softmax problem, or one binary problem per
   * class for one-vs-rest (each with the same dataset seed, as scikit-learn's path calls do).
   */
  private fitSaga(Xr: Matrix, labels: Int32Array, classes: Int32Array, multinomial: boolean, ws: LinalgWorkspace): this {
    const p = this.params;
    const penalty = p.penalty as string | null;
    const C = p.C as number;
    const fitIntercept = p.fit_intercept as boolean;
    const { rows, cols } = Xr;
    const sq = ws.f64(rows);
    if (rows > 0) ws.kernels.row_sqnorms_f32(Xr.data.byteOffset, rows, cols, sq.byteOffset);
    let maxSquaredSum = 0;
    for (let i = 0; i < rows; i++) maxSquaredSum = Math.max(maxSquaredSum, sq[i]);
    // penalty=None (or "none") is scikit-learn's C = inf
    const l1Ratio = penalty === "l1" ? 1 : penalty === "elasticnet" ? (p.l1_ratio as number) : 0;
    const strength = penalty === "none" || penalty === null ? 0 : 1 / C;
    const options = {
      alpha: strength * (1 - l1Ratio),
      beta: strength * l1Ratio,
      maxIter: p.max_iter as number,
      tol: p.tol as number,
      fitIntercept,
      randomState: seedOf(p.random_state),
      maxSquaredSum,
    };
    const nClasses = classes.length;
    const results = multinomial
      ? [sagaSolve(ws, Xr, labels, { ...options, K: nClasses, positive: -1 })]
      : (nClasses === 2 ? [1] : Array.from(classes, (_, c) => c)).map((positive) => sagaSolve(ws, Xr, labels, { ...options, K: 1, positive }));
    const width = results.reduce((k, r) => k + r.intercept.length, 0);
    const coef = new Float64Array(width * cols);
    const intercept = new Float64Array(width);
    let row = 0;
    for (const r of results) {
      coef.set(r.coef, row * cols);
      intercept.set(r.intercept, row);
      row += r.intercept.length;
    }
    this.coef_ = coef;
    this.intercept_ = intercept;
    this.n_iter_ = Math.max(...results.map((r) => r.nIter));
    this.method_ = "SAGA";
    this.warnings_ = results.some((r) => r.hitMaxIter) ? [SAGA_WARNING] : [];
    return this.finishFit(classes, cols);
  }
}
