import type { Matrix } from "../../core/matrix.js";
import { FmbenchError, ParamError } from "../../errors.js";
import { LinalgWorkspace } from "../../kernels/linalg.js";
import { definePieces, f64At, type HeapRef, heapRef, i32At, matrixAt, matrixRef, type MatrixRef, runPieces } from "../../parallel/pieces.js";
import type { SharedHeap } from "../../wasm/heap.js";
import { threadHeap } from "../../wasm/load.js";
import type { ParamSpecs, ParamsOf } from "../../params.js";
import { LinearClassifierBase, ovrPositives, problemRng, Rng, seedOf } from "./common.js";
import { owlqn } from "../optim.js";
import { BlockedDataTerm } from "./row_blocks.js";

const SVC_PARAMS = {
  penalty: { default: "l2", constraints: [{ kind: "options", values: ["l1", "l2"] }] },
  loss: { default: "squared_hinge", constraints: [{ kind: "options", values: ["hinge", "squared_hinge"] }] },
  dual: { default: true, constraints: [{ kind: "bool" }] },
  tol: { default: 1e-4, constraints: [{ kind: "interval", type: "real", min: 0, closed: "neither" }] },
  C: { default: 1.0, constraints: [{ kind: "interval", type: "real", min: 0, closed: "neither" }] },
  multi_class: { default: "ovr", constraints: [{ kind: "options", values: ["ovr", "crammer_singer"] }] },
  fit_intercept: { default: true, constraints: [{ kind: "bool" }] },
  intercept_scaling: { default: 1, constraints: [{ kind: "interval", type: "real", min: 0, closed: "neither" }] },
  random_state: { default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 0 }] },
  max_iter: { default: 1000, constraints: [{ kind: "interval", type: "int", min: 0 }] },
} as const satisfies ParamSpecs;

/** LinearSVC's constructor params, typed from its declarations above. */
export type LinearSVCParams = ParamsOf<typeof SVC_PARAMS>;

/** The settings of the dual coordinate-descent problems (all finite: they cross threads as JSON). */
interface DualCdSettings {
  readonly C: number;
  /** Hinge loss (box C); else squared hinge (diagonal 1 / 2C, no box). */
  readonly hinge: boolean;
  readonly bias: number;
  readonly maxIter: number;
  readonly tol: number;
  /** random_state; problem p shuffles from problemRng(seed, p). */
  readonly seed: number;
}

interface DualCdArgs extends DualCdSettings {
  readonly X: MatrixRef;
  readonly labels: HeapRef;
  /** Squared row norms. */
  readonly sq: HeapRef;
  /** The positive class of each problem (ovrPositives). */
  readonly positives: number[];
}

interface DualCdResult {
  /** cols weights, then the bias weight. */
  readonly w: Float64Array;
  readonly nIter: number;
}

/** Heap bytes one dual CD problem's buffers take. */
function dualCdBytes(rows: number, cols: number): number {
  return (cols + 1) * 8 + rows * 20 + 4 * 128;
}

/**
 * One binary problem of liblinear's dual coordinate descent (solve_l2r_l1l2_svc),
 * `problem` vs the rest, with shrinking: epochs over the active samples in an order
 * drawn from the problem's own stream, until the projected-gradient gap is at most tol
 * on all samples, or max_iter epochs.
 */
const DUAL_CD_PROBLEMS = definePieces("LinearSVC.dualCdProblems", (a: DualCdArgs, problem: number, heap: SharedHeap): DualCdResult => {
  const ws = LinalgWorkspace.for(heap);
  ws.reset();
  const X = matrixAt(heap, a.X);
  const { rows, cols } = X;
  const sq = f64At(heap, a.sq);
  const U = a.hinge ? a.C : Infinity;
  const diag = a.hinge ? 0 : 0.5 / a.C;
  const w = ws.f64(cols + 1);
  const alpha = ws.f64(rows);
  const index = ws.i32(rows);
  const qd = ws.f64(rows);
  for (let i = 0; i < rows; i++) qd[i] = sq[i] + a.bias * a.bias + diag;
  const params = ws.resident(Float64Array.of(U, diag, a.bias));
  const state = ws.f64(6);
  const labels = i32At(heap, a.labels).byteOffset;
  const positive = a.positives[problem];
  const rng = problemRng(a.seed, problem);
  for (let i = 0; i < rows; i++) index[i] = i;
  let active = rows;
  let pgMaxOld = Infinity;
  let pgMinOld = -Infinity;
  let iter = 0;
  while (iter < a.maxIter) {
    rng.shuffle(index, active);
    state.set([active, pgMaxOld, pgMinOld, 0, 0]);
    ws.dcdSvmEpoch(X.data.byteOffset, cols, index.byteOffset, labels, positive,
      w.byteOffset, alpha.byteOffset, qd.byteOffset, params.byteOffset, state.byteOffset);
    active = state[0];
    const pgMaxNew = state[3];
    const pgMinNew = state[4];
    iter++;
    if (pgMaxNew - pgMinNew <= a.tol) {
      if (active === rows) break;
      active = rows;
      pgMaxOld = Infinity;
      pgMinOld = -Infinity;
      continue;
    }
    pgMaxOld = pgMaxNew <= 0 ? Infinity : pgMaxNew;
    pgMinOld = pgMinNew >= 0 ? -Infinity : pgMinNew;
  }
  return { w: Float64Array.from(w), nIter: iter };
});

/**
 * One-vs-rest dual coordinate descent: one binary problem per class (one for two
 * classes), independent pieces that idle threads may solve. liblinear draws all the
 * problems' orders from one generator in sequence; here each problem has its own
 * stream (problemRng), so a problem's fit does not depend on who solved which before it.
 */
function fitDualCd(
  heap: SharedHeap, X: Matrix, labels: Int32Array, nClasses: number, sq: Float64Array, settings: DualCdSettings,
): { W: Float64Array; nIter: number; converged: boolean } {
  const { rows, cols } = X;
  const positives = ovrPositives(nClasses);
  const problems = positives.length;
  const args: DualCdArgs = {
    ...settings, X: matrixRef(heap, X), labels: heapRef(heap, labels), sq: heapRef(heap, sq), positives,
  };
  const results = runPieces(DUAL_CD_PROBLEMS, args, problems, {
    heap, label: "LinearSVC one-vs-rest problems", pieceBytes: dualCdBytes(rows, cols),
  });
  const W = new Float64Array(problems * (cols + 1));
  results.forEach((r, p) => W.set(r.w, p * (cols + 1)));
  const nIter = Math.max(...results.map((r) => r.nIter));
  return { W, nIter, converged: nIter < settings.maxIter };
}

const LIBLINEAR_WARNING = "Liblinear failed to converge, increase the number of iterations.";
/**
 * scikit-learn's liblinear builds its Crammer-Singer solver without passing max_iter, so
 * that solver runs up to liblinear's own limit of 100,000 iterations. LinearSVC still
 * warns when n_iter_ reaches max_iter.
 */
const CRAMMER_SINGER_ITERATIONS = 100000;

type Solver = "dual_cd" | "primal_l1" | "crammer_singer";

/** liblinear's solver for these params, or scikit-learn 1.2's rejection message. */
function solverFor(multiClass: string, penalty: string, loss: string, dual: boolean): Solver {
  if (multiClass === "crammer_singer") return "crammer_singer";
  const table: Record<string, Record<string, Partial<Record<"true" | "false", Solver>>>> = {
    hinge: { l2: { true: "dual_cd" } },
    squared_hinge: { l1: { false: "primal_l1" }, l2: { false: "dual_cd", true: "dual_cd" } },
  };
  const pen = table[loss];
  let problem: string;
  const py = (b: boolean): string => (b ? "True" : "False");
  if (!pen) problem = `loss='${loss}' is not supported`;
  else if (!pen[penalty]) problem = `The combination of penalty='${penalty}' and loss='${loss}' is not supported`;
  else {
    const s = pen[penalty][dual ? "true" : "false"];
    if (s) return s;
    problem = `The combination of penalty='${penalty}' and loss='${loss}' are not supported when dual=${py(dual)}`;
  }
  throw new ParamError(
    "LinearSVC", "penalty",
    `Unsupported set of arguments: ${problem}, Parameters: penalty='${penalty}', loss='${loss}', dual=${py(dual)}`,
  );
}

/**
 * scikit-learn 1.2's LinearSVC (liblinear). L2-regularized hinge / squared hinge by
 * dual coordinate descent with shrinking, one-vs-rest (also used for dual=False with
 * squared hinge: same optimum as liblinear's primal Newton solver); L1-regularized
 * squared hinge (dual=False) by OWL-QN on liblinear's primal objective; Crammer-Singer
 * by liblinear's sequential dual method. As in liblinear, the intercept is the weight
 * of a constant feature `intercept_scaling` and is regularized. Per-iteration sample
 * order comes from a seeded PRNG (random_state None means 0), one stream per
 * one-vs-rest problem. The one-vs-rest dual problems, and the row blocks of each primal
 * objective evaluation, are pieces idle threads may take (parallel/pieces.ts); the fit
 * is the same to the bit whoever computed which. Crammer-Singer's joint problem does
 * not divide: it runs in the fitting thread.
 */
export class LinearSVC extends LinearClassifierBase<typeof SVC_PARAMS> {
  readonly estimatorName = "LinearSVC";
  static readonly paramSpecs = SVC_PARAMS;
  n_iter_ = 0;
  solver_used_ = "";

  constructor(params: LinearSVCParams = {}) {
    super("LinearSVC", SVC_PARAMS, params);
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const p = this.params;
    const solver = solverFor(p.multi_class as string, p.penalty as string, p.loss as string, p.dual as boolean);
    const { classes, codes } = this.checkFitInput(X, y);
    const nClasses = classes.length;
    if (nClasses < 2) {
      throw new FmbenchError(
        `This solver needs samples of at least 2 classes in the data, but the data contains only one class: ${classes[0]}`,
      );
    }
    const ws = LinalgWorkspace.for(threadHeap());
    ws.reset();
    const Xr = ws.matrix(X);
    const labels = ws.resident(codes);
    const bias = (p.fit_intercept as boolean) ? (p.intercept_scaling as number) : 0;
    const sq = ws.f64(X.rows);
    ws.sqNorms(Xr, sq);
    const seed = seedOf(p.random_state);
    let result: { W: Float64Array; nIter: number; converged: boolean };
    if (solver === "crammer_singer") result = this.fitCrammerSinger(ws, Xr, labels, nClasses, sq, bias, new Rng(seed));
    else if (solver === "primal_l1") result = this.fitPrimalL1(ws, Xr, labels, nClasses, bias);
    else result = fitDualCd(ws.heap, Xr, labels, nClasses, sq, {
      C: p.C as number, hinge: p.loss === "hinge", bias, maxIter: p.max_iter as number, tol: p.tol as number, seed,
    });
    const K = result.W.length / (X.cols + 1);
    const coef = new Float64Array(K * X.cols);
    const intercept = new Float64Array(K);
    for (let c = 0; c < K; c++) {
      coef.set(result.W.subarray(c * (X.cols + 1), c * (X.cols + 1) + X.cols), c * X.cols);
      intercept[c] = result.W[c * (X.cols + 1) + X.cols] * bias;
    }
    this.coef_ = coef;
    this.intercept_ = intercept;
    this.n_iter_ = result.nIter;
    this.solver_used_ = solver;
    this.warnings_ = result.converged ? [] : [LIBLINEAR_WARNING];
    return this.finishFit(classes, X.cols);
  }

  private fitCrammerSinger(
    ws: LinalgWorkspace, X: Matrix, labels: Int32Array, K: number, sq: Float64Array, bias: number, rng: Rng,
  ): { W: Float64Array; nIter: number; converged: boolean } {
    const C = this.params.C as number;
    const eps = this.params.tol as number;
    const maxIter = this.params.max_iter as number;
    const { rows, cols } = X;
    const W = ws.f64(K * (cols + 1));
    const alpha = ws.f64(rows * K);
    const alphaIndex = ws.i32(rows * K);
    const activeI = ws.i32(rows);
    const yIndex = ws.i32(rows);
    const qd = ws.f64(rows);
    const index = ws.i32(rows);
    const work = ws.f64(6 * K);
    const params = ws.resident(Float64Array.of(C, bias));
    const state = ws.f64(2);
    for (let i = 0; i < rows; i++) {
      qd[i] = sq[i] + bias * bias;
      index[i] = i;
      activeI[i] = K;
      yIndex[i] = labels[i];
      for (let m = 0; m < K; m++) alphaIndex[i * K + m] = m;
    }
    let active = rows;
    let epsShrink = Math.max(10 * eps, 1);
    let startFromAll = true;
    let iter = 0;
    while (iter < CRAMMER_SINGER_ITERATIONS) {
      rng.shuffle(index, active);
      state.set([active, 0]);
      ws.csSvmEpoch(X.data.byteOffset, cols, K, index.byteOffset, labels.byteOffset, W.byteOffset,
        alpha.byteOffset, alphaIndex.byteOffset, activeI.byteOffset, yIndex.byteOffset, qd.byteOffset,
        work.byteOffset, params.byteOffset, state.byteOffset);
      active = state[0];
      const stopping = state[1];
      iter++;
      if (stopping < epsShrink) {
        if (stopping < eps && startFromAll) break;
        active = rows;
        activeI.fill(K);
        epsShrink = Math.max(epsShrink / 2, eps);
        startFromAll = true;
      } else startFromAll = false;
    }
    return { W: W.slice(), nIter: iter, converged: iter < maxIter };
  }

  /**
   * min ||w||_1 + C sum max(0, 1 - y w.x)^2 (bias included in w), one-vs-rest, by OWL-QN
   * on all problems at once, each evaluation one batched pass over X in row blocks that
   * idle threads may compute (row_blocks.ts).
   */
  private fitPrimalL1(
    ws: LinalgWorkspace, X: Matrix, labels: Int32Array, nClasses: number, bias: number,
  ): { W: Float64Array; nIter: number; converged: boolean } {
    const C = this.params.C as number;
    const cols = X.cols;
    const positives = ovrPositives(nClasses);
    const K = positives.length;
    const nW = K * cols;
    const data = new BlockedDataTerm(ws, X, labels, K);
    // Parameters: K x cols weights, then K bias weights; divide by C so the loss is unscaled.
    const objective = (x: Float64Array, grad: Float64Array): number => {
      const { losses, G, gb } = data.evaluate(K, (c) => x.subarray(c * cols, (c + 1) * cols), (c) => x[nW + c] * bias, "squared_hinge", positives);
      grad.set(G);
      for (let c = 0; c < K; c++) grad[nW + c] = gb[c] * bias;
      return losses[0];
    };
    const lambda = new Float64Array(nW + K).fill(1 / C);
    const r = owlqn(objective, new Float64Array(nW + K), lambda, {
      maxIter: this.params.max_iter as number, gtol: 0, relTol: this.params.tol as number,
    });
    const W = new Float64Array(K * (cols + 1));
    for (let c = 0; c < K; c++) {
      W.set(r.x.subarray(c * cols, (c + 1) * cols), c * (cols + 1));
      W[c * (cols + 1) + cols] = r.x[nW + c];
    }
    return { W, nIter: r.nIter, converged: r.reason !== "max_iter" };
  }
}
