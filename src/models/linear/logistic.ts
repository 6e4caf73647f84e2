import type { Matrix } from "../../data/matrix.js";
import { FmbenchError, ParamError } from "../../errors.js";
import { LinalgWorkspace } from "../../kernels/linalg.js";
import { threadHeap } from "../../wasm/load.js";
import type { ParamSpecs, Params } from "../params.js";
import { LinearClassifierBase } from "./common.js";
import { lbfgs, owlqn } from "./optim.js";

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
 * saga (multinomial) would accept it, fmbench minimizes that solver's objective with
 * OWL-QN and records which in `solver_used_` (liblinear penalizes the intercept too).
 * One-vs-rest problems are solved class by class, as scikit-learn does.
 */
export class LogisticRegression extends LinearClassifierBase {
  readonly estimatorName = "LogisticRegression";
  static readonly paramSpecs = LR_PARAMS;
  /** The scikit-learn solver whose problem was solved ("lbfgs", "liblinear" or "saga"). */
  solver_used_ = "";
  /** The method fmbench used for it ("L-BFGS" or "OWL-QN"). */
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
    if (penalty === "elasticnet") {
      throw new ParamError("LogisticRegression", "penalty", "LogisticRegression: elasticnet penalty is not supported by fmbench yet");
    }
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
    if (p.dual) throw new ParamError("LogisticRegression", "dual", "LogisticRegression: dual=True is not supported by fmbench");
    if (solver === "liblinear" && (penalty === "none" || penalty === null)) {
      throw new ParamError("LogisticRegression", "penalty", "penalty='none' is not supported for the liblinear solver");
    }
    let multinomial = mc === "multinomial" || (mc === "auto" && solver !== "liblinear" && nClasses > 2);
    if (multinomial && solver === "liblinear") {
      throw new ParamError("LogisticRegression", "multi_class", "Solver liblinear does not support a multinomial backend.");
    }
    if (nClasses === 2 && mc === "auto") multinomial = false;
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
    /** One problem: K softmax columns (multi) or K independent binary columns. */
    const solve = (target: Int32Array, K: number, multi: boolean): { x: Float64Array; nIter: number; hitMax: boolean } => {
      const nW = K * cols;

      const W32 = ws.f32(nW);
      const b = ws.f64(K);
      const Z = ws.f64(rows * K);
      const R = ws.f64(rows * K);
      const G = ws.f64(nW);
      const tmp = ws.f32(nW);
      const l2 = penalty === "l2" ? 1 / C : 0;

      /** Sum of log-losses (+ the L2 term), gradient into grad. */
      const objective = (x: Float64Array, grad: Float64Array): number => {
        for (let i = 0; i < nW; i++) W32[i] = x[i];
        for (let c = 0; c < K; c++) b[c] = fitIntercept ? x[nW + c] : 0;
        ws.xwt(Xr, W32, K, b, Z);
        let loss = 0;
        if (multi) {
          for (let i = 0; i < rows; i++) {
            const o = i * K;
            let m = -Infinity;
            for (let c = 0; c < K; c++) m = Math.max(m, Z[o + c]);
            let sum = 0;
            for (let c = 0; c < K; c++) sum += Math.exp(Z[o + c] - m);
            const lse = m + Math.log(sum);
            loss += lse - Z[o + target[i]];
            for (let c = 0; c < K; c++) R[o + c] = Math.exp(Z[o + c] - lse);
            R[o + target[i]] -= 1;
          }
        } else {
          for (let i = 0; i < rows; i++) {
            const o = i * K;
            for (let c = 0; c < K; c++) {
              const positive = K === 1 ? target[i] === 1 : target[i] === c;
              const z = Z[o + c];
              // log(1 + exp(z)) - t z, computed stably
              const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
              loss += softplus - (positive ? z : 0);
              const sig = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
              R[o + c] = sig - (positive ? 1 : 0);
            }
          }
        }
        ws.rtx(R, K, Xr, G, tmp);
        for (let i = 0; i < nW; i++) grad[i] = G[i] + l2 * x[i];
        if (l2 > 0) {
          let sq = 0;
          for (let i = 0; i < nW; i++) sq += x[i] * x[i];
          loss += 0.5 * l2 * sq;
        }
        for (let c = 0; c < K; c++) {
          let s = 0;
          if (fitIntercept) for (let i = 0; i < rows; i++) s += R[i * K + c];
          grad[nW + c] = s;
        }
        return loss;
      };

      const x0 = new Float64Array(nW + K);
      const maxIter = p.max_iter as number;
      const tol = p.tol as number;
      let x: Float64Array;
      let nIter: number;
      let hitMax: boolean;
      if (penalty === "l1") {
        const lambda = new Float64Array(nW + K);
        lambda.fill(1 / C, 0, nW);
        // liblinear's bias is an ordinary (penalized) feature; saga leaves the intercept free
        if (solver === "liblinear" && fitIntercept) lambda.fill(1 / C, nW);
        // liblinear's max_iter counts Newton steps, each worth many quasi-Newton steps;
        // saga's counts epochs, and its early-stopped iterate is what scikit-learn reports.
        const budget = solver === "liblinear" ? 5 * maxIter : maxIter;
        const r = owlqn(objective, x0, lambda, { maxIter: budget, gtol: 0, relTol: solver === "liblinear" ? tol : tol * 1e-2 });
        x = r.x;
        nIter = r.nIter;
        hitMax = r.reason === "max_iter";
        this.method_ = "OWL-QN";
      } else {
        const r = lbfgs(objective, x0, { maxIter, gtol: tol });
        x = r.x;
        nIter = r.nIter;
        hitMax = r.reason === "max_iter";
        this.method_ = "L-BFGS";
      }
      return { x, nIter, hitMax };
    };

    // One-vs-rest problems are solved one class at a time, as scikit-learn does: with
    // max_iter reached, a joint solve would stop at a different point.
    const K = multinomial ? nClasses : nClasses === 2 ? 1 : nClasses;
    const coef = new Float64Array(K * cols);
    const intercept = new Float64Array(K);
    let nIter = 0;
    let hitMax = false;
    const problems: [Int32Array, number, boolean, number][] = multinomial || K === 1
      ? [[codes, K, multinomial, 0]]
      : Array.from({ length: K }, (_, c) => [Int32Array.from(codes, (v) => (v === c ? 1 : 0)), 1, false, c]);
    for (const [target, k, multi, first] of problems) {
      const r = solve(target, k, multi);
      coef.set(r.x.subarray(0, k * cols), first * cols);
      if (fitIntercept) intercept.set(r.x.subarray(k * cols), first);
      nIter = Math.max(nIter, r.nIter);
      hitMax ||= r.hitMax;
    }
    this.coef_ = coef;
    this.intercept_ = intercept;
    this.n_iter_ = nIter;
    this.solver_used_ = solver;
    this.warnings_ = hitMax
      ? [solver === "lbfgs" ? LBFGS_WARNING : solver === "liblinear" ? LIBLINEAR_WARNING : SAGA_WARNING]
      : [];
    return this.finishFit(classes, cols);
  }
}
