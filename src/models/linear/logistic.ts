import type { Matrix } from "../../core/matrix.js";
import { FmbenchError, ParamError } from "../../errors.js";
import { LinalgWorkspace } from "../../kernels/linalg.js";
import { threadHeap } from "../../wasm/load.js";
import type { ParamSpecs, ParamsOf } from "../../params.js";
import { LinearClassifierBase, seedOf } from "./common.js";
import { columnMajor, newGlmnetOneVsRest } from "./glmnet.js";
import { sagaOneVsRest, sagaSolve } from "./saga.js";
import { fitOvrLbfgs, fitSoftmaxLbfgs, type LbfgsSettings } from "./logistic_lbfgs.js";

const LR_PARAMS = {
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
} as const satisfies ParamSpecs;

/** LogisticRegression's constructor params, typed from its declarations above. */
export type LogisticRegressionParams = ParamsOf<typeof LR_PARAMS>;

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
 * their products batched. Idle threads may take pieces of a fit (parallel/pieces.ts):
 * the one-vs-rest saga and newGLMNET problems, and the row blocks of each L-BFGS
 * evaluation; the fit is the same to the bit whoever computed which. Multinomial saga
 * is one sequential problem and runs in the fitting thread.
 */
export class LogisticRegression extends LinearClassifierBase<typeof LR_PARAMS> {
  readonly estimatorName = "LogisticRegression";
  static readonly paramSpecs = LR_PARAMS;
  /** The scikit-learn solver whose problem was solved ("lbfgs", "liblinear" or "saga"). */
  solver_used_ = "";
  /** The method fmbench used for it ("L-BFGS", "newGLMNET" or "SAGA"). */
  method_ = "";
  n_iter_ = 0;

  constructor(params: LogisticRegressionParams = {}) {
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
    const { cols } = X;
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
    const settings: LbfgsSettings = { l2, fitIntercept, maxIter, tol };
    const labels = ws.resident(codes);
    const results = multinomial
      ? [fitSoftmaxLbfgs(ws, Xr, labels, nClasses, settings)]
      : fitOvrLbfgs(ws, Xr, labels, nClasses, settings);
    const width = multinomial ? nClasses : results.length;
    const coef = new Float64Array(width * cols);
    const intercept = new Float64Array(width);
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
   * liblinear's L1R_LR problem (one binary problem per class, each with its own random
   * stream; liblinear's train shares one across them), solved with liblinear's own
   * method, newGLMNET (glmnet.ts). The bias is a penalized column of intercept_scaling = 1.
   */
  private fitNewGlmnet(Xr: Matrix, codes: Int32Array, classes: Int32Array, ws: LinalgWorkspace): this {
    const p = this.params;
    const fitIntercept = p.fit_intercept as boolean;
    const maxIter = p.max_iter as number;
    const { rows, cols } = Xr;
    const n = cols + (fitIntercept ? 1 : 0);
    const Xc = columnMajor(ws, Xr, fitIntercept ? 1 : 0);
    const results = newGlmnetOneVsRest(ws.heap, Xc, rows, n, ws.resident(codes), classes.length, {
      C: p.C as number, tol: p.tol as number, maxNewtonIter: maxIter, seed: seedOf(p.random_state),
    });
    const coef = new Float64Array(results.length * cols);
    const intercept = new Float64Array(results.length);
    results.forEach((r, a) => {
      coef.set(r.w.subarray(0, cols), a * cols);
      if (fitIntercept) intercept[a] = r.w[cols];
    });
    const nIter = Math.max(...results.map((r) => r.nIter));
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
    ws.sqNorms(Xr, sq);
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
      : sagaOneVsRest(ws.heap, Xr, labels, nClasses, options);
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
