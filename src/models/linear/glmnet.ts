import type { Matrix } from "../../core/matrix.js";
import { l1rLrCdPass, l1rLrSums, type CdPassBuffers } from "../../kernels/glmnet.js";
import { LinalgWorkspace } from "../../kernels/linalg.js";
import { transposeKernels } from "../../kernels/transpose.js";
import { definePieces, f32At, heapRef, i32At, runPieces, type HeapRef } from "../../parallel/pieces.js";
import type { SharedHeap } from "../../wasm/heap.js";
import { ovrPositives, problemRng, type Rng } from "./common.js";

/**
 * newGLMNET (Yuan, Ho & Lin 2012), liblinear's solver for L1-regularized logistic
 * regression (L1R_LR, as vendored in scikit-learn 1.2), for one binary problem:
 *   min_w  ||w||_1 + C sum_i log(1 + exp(-y_i w.x_i)),
 * the bias (if any) an ordinary, penalized, column of X. Each outer (Newton) iteration
 * builds the quadratic model of the smooth part (gradient and Hessian diagonal per
 * column, with liblinear's nu = 1e-12), minimizes model + l1 term by coordinate descent
 * with shrinking (at most 1000 passes, features in a fresh random order each pass,
 * inner tolerance starting at the initial subgradient norm and quartered whenever a
 * single pass sufficed), then backtracks (halving, Armijo sigma = 0.01, at most 20
 * steps) on the full objective. It stops when the 1-norm of the minimum-norm subgradient
 * falls to eps times its initial value, when ten Newton steps in a row moved nothing,
 * or after maxNewtonIter steps.
 *
 * Numerics differ from liblinear in one place: the margins w.x_i are kept rather than
 * exp(w.x_i), and the line search's log terms are formed from them with log1p, so that
 * large margins (large C) cannot overflow; and after a failed line search the inner
 * iterate restarts from w (liblinear keeps w + d / 2^20). The random order comes from fmbench's Rng,
 * not scikit-learn's generator: the optimum is the same, the iterates are not.
 */
export interface GlmnetOptions {
  C: number;
  /** liblinear's stopping tolerance (scikit-learn passes tol * max(min(#pos, #neg), 1) / rows). */
  eps: number;
  maxNewtonIter: number;
  rng: Rng;
}

export interface GlmnetResult {
  w: Float64Array;
  /** Newton iterations made (liblinear's return value, scikit-learn's n_iter_). */
  nIter: number;
}

const NU = 1e-12;
const SIGMA = 0.01;
const MAX_INNER = 1000;
const MAX_LINESEARCH = 20;

/** Column-major copy of X (float32) with an extra column of `bias` values when bias > 0. */
export function columnMajor(ws: LinalgWorkspace, X: Matrix, bias: number): Float32Array {
  const n = X.cols + (bias > 0 ? 1 : 0);
  const Xc = ws.f32(X.rows * n);
  if (X.rows > 0 && X.cols > 0) transposeKernels(ws.heap).columnsF32(X.data.byteOffset, X.rows, X.cols, 0, X.cols, Xc.byteOffset);
  if (bias > 0) Xc.fill(bias, X.cols * X.rows);
  return Xc;
}

function softplus(m: number): number {
  return m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
}

/** Solves one binary problem; y[i] > 0 marks the positive samples. Xc: n columns of `rows` (heap-resident). */
export function newGlmnetL1rLr(
  ws: LinalgWorkspace, Xc: Float32Array, rows: number, n: number, positive: Uint8Array, o: GlmnetOptions,
): GlmnetResult {
  const { C, eps, maxNewtonIter, rng } = o;
  const heap = ws.heap;
  const b: CdPassBuffers = {
    index: ws.i32(n), hess: ws.f64(n), grad: ws.f64(n), w: ws.f64(n), wpd: ws.f64(n),
    D: ws.f64(rows), xTd: ws.f64(rows), state: ws.f64(6),
  };
  const { index, hess, grad, w, wpd, D, xTd, state } = b;
  const tau = ws.f64(rows);
  const margin = new Float64Array(rows); // w.x_i
  const marginNew = new Float64Array(rows);
  const xjnegSum = ws.f64(n);
  for (let j = 0; j < n; j++) index[j] = j;

  // sum over the negative samples of C x_ij: the constant part of the gradient
  for (let i = 0; i < rows; i++) tau[i] = positive[i] ? 0 : C;
  l1rLrSums(heap, Xc, rows, n, D, tau, hess, xjnegSum);
  const setWeights = (): void => {
    for (let i = 0; i < rows; i++) {
      const m = margin[i];
      // 1 / (1 + exp(m)) and exp(m) / (1 + exp(m))^2, stably
      const e = Math.exp(-Math.abs(m));
      const sNeg = m > 0 ? e / (1 + e) : 1 / (1 + e);
      tau[i] = C * sNeg;
      D[i] = C * sNeg * (1 - sNeg);
    }
  };
  setWeights();

  let wNorm = 0;
  let gnorm1Init = -1;
  let gmaxOld = Infinity;
  let innerEps = 1;
  let qpNoChange = 0;
  let newtonIter = 0;
  while (newtonIter < maxNewtonIter) {
    l1rLrSums(heap, Xc, rows, n, D, tau, hess, grad);
    let gmaxNew = 0;
    let gnorm1New = 0;
    let active = n;
    for (let s = 0; s < active; s++) {
      const j = index[s];
      hess[j] += NU;
      grad[j] = xjnegSum[j] - grad[j];
      const Gp = grad[j] + 1;
      const Gn = grad[j] - 1;
      let violation = 0;
      if (w[j] === 0) {
        if (Gp < 0) violation = -Gp;
        else if (Gn > 0) violation = Gn;
        else if (Gp > gmaxOld / rows && Gn < -gmaxOld / rows) {
          // outer-level shrinking: stays at zero for this Newton step
          active--;
          index[s] = index[active];
          index[active] = j;
          s--;
          continue;
        }
      } else violation = Math.abs(w[j] > 0 ? Gp : Gn);
      gmaxNew = Math.max(gmaxNew, violation);
      gnorm1New += violation;
    }
    if (newtonIter === 0) gnorm1Init = gnorm1New;
    if (gnorm1New <= eps * gnorm1Init || qpNoChange >= 10) break;
    qpNoChange++;

    let iter = 0;
    let qpGmaxOld = Infinity;
    let qpActive = active;
    xTd.fill(0);
    while (iter < MAX_INNER) {
      for (let s = 0; s < qpActive; s++) {
        const t = s + rng.below(qpActive - s);
        const v = index[t];
        index[t] = index[s];
        index[s] = v;
      }
      state[0] = qpGmaxOld;
      state[1] = NU;
      l1rLrCdPass(heap, Xc, rows, qpActive, b);
      qpActive = state[2];
      if (state[5] > 0) qpNoChange = 0;
      iter++;
      if (state[4] <= innerEps * gnorm1Init) {
        if (qpActive === active) break;
        // reactivate the shrunk coordinates and check them again
        qpActive = active;
        qpGmaxOld = Infinity;
        continue;
      }
      qpGmaxOld = state[3];
    }

    let delta = 0;
    let wNormNew = 0;
    for (let j = 0; j < n; j++) {
      delta += grad[j] * (wpd[j] - w[j]);
      wNormNew += Math.abs(wpd[j]);
    }
    delta += wNormNew - wNorm;
    let negsumXTd = 0;
    for (let i = 0; i < rows; i++) if (!positive[i]) negsumXTd += C * xTd[i];

    let accepted = false;
    for (let ls = 0; ls < MAX_LINESEARCH; ls++) {
      // F(w + d) - F(w) - sigma delta, the loss written with margins m (y = -1) or -m (y = +1):
      // C log(1 + exp(-y m)) changes by C [softplus(m + d) - softplus(m)] - C d [y = -1]
      let cond = wNormNew - wNorm + negsumXTd - SIGMA * delta;
      for (let i = 0; i < rows; i++) {
        const d = xTd[i];
        const m = margin[i];
        marginNew[i] = m + d;
        cond += C * (softplus(m + d) - d - softplus(m));
      }
      if (cond <= 0) {
        wNorm = wNormNew;
        w.set(wpd);
        margin.set(marginNew);
        setWeights();
        accepted = true;
        break;
      }
      wNormNew = 0;
      for (let j = 0; j < n; j++) {
        wpd[j] = (w[j] + wpd[j]) * 0.5;
        wNormNew += Math.abs(wpd[j]);
      }
      delta *= 0.5;
      negsumXTd *= 0.5;
      for (let i = 0; i < rows; i++) xTd[i] *= 0.5;
    }
    if (!accepted) wpd.set(w);
    if (iter === 1) innerEps *= 0.25;
    newtonIter++;
    gmaxOld = gmaxNew;
  }
  return { w: Float64Array.from(w), nIter: newtonIter };
}

/** liblinear's one-vs-rest L1R_LR settings (finite numbers: they cross threads as JSON). */
export interface GlmnetOvrSettings {
  readonly C: number;
  /** scikit-learn's tol, before liblinear scales it by the smaller class's share. */
  readonly tol: number;
  readonly maxNewtonIter: number;
  /** random_state; problem p draws its orders from problemRng(seed, p). */
  readonly seed: number;
}

interface GlmnetProblemArgs extends GlmnetOvrSettings {
  readonly Xc: HeapRef;
  readonly rows: number;
  readonly n: number;
  readonly codes: HeapRef;
  /** The positive class of each problem (ovrPositives). */
  readonly positives: number[];
}

/** Heap bytes one problem's buffers take. */
function glmnetProblemBytes(rows: number, n: number): number {
  return 44 * n + 24 * rows + 10 * 64;
}

const GLMNET_PROBLEMS = definePieces("LogisticRegression.newGlmnetProblems", (a: GlmnetProblemArgs, problem: number, heap: SharedHeap): GlmnetResult => {
  const ws = LinalgWorkspace.for(heap);
  ws.reset();
  const { rows } = a;
  const codes = i32At(heap, a.codes);
  const c = a.positives[problem];
  const positive = new Uint8Array(rows);
  let pos = 0;
  for (let i = 0; i < rows; i++) if (codes[i] === c) (positive[i] = 1), pos++;
  // liblinear's primal tolerance: tol scaled by the smaller class's share
  const eps = (a.tol * Math.max(Math.min(pos, rows - pos), 1)) / rows;
  return newGlmnetL1rLr(ws, f32At(heap, a.Xc), rows, a.n, positive, {
    C: a.C, eps, maxNewtonIter: a.maxNewtonIter, rng: problemRng(a.seed, problem),
  });
});

/**
 * liblinear's one-vs-rest L1R_LR fit: one binary problem per class (one for two
 * classes), independent pieces that idle threads may solve; results in problem order.
 * liblinear draws every problem's orders from one generator in sequence; here each
 * problem has its own stream, so its fit does not depend on who solved which before it.
 * Xc (heap-resident, from columnMajor) and codes must be heap-resident.
 */
export function newGlmnetOneVsRest(
  heap: SharedHeap, Xc: Float32Array, rows: number, n: number, codes: Int32Array, nClasses: number, settings: GlmnetOvrSettings,
): GlmnetResult[] {
  const positives = ovrPositives(nClasses);
  const args: GlmnetProblemArgs = {
    C: settings.C, tol: settings.tol, maxNewtonIter: settings.maxNewtonIter, seed: settings.seed,
    Xc: heapRef(heap, Xc), rows, n, codes: heapRef(heap, codes), positives,
  };
  return runPieces(GLMNET_PROBLEMS, args, positives.length, {
    heap, label: "LogisticRegression one-vs-rest problems (liblinear)", pieceBytes: glmnetProblemBytes(rows, n),
  });
}
