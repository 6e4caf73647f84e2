import type { Matrix } from "../../data/matrix.js";
import { gemmWorkFloats } from "../../kernels/gemm.js";
import { LinalgWorkspace } from "../../kernels/linalg.js";
import { definePieces, heapRef, i32At, runPieces, type HeapRef } from "../../parallel/pieces.js";
import type { SharedHeap } from "../../wasm/heap.js";
import { matrixAt, matrixRef, type MatrixRef } from "./common.js";
import { lbfgsSteps, minimize, minimizeTogether, type Evaluation, type MinimizeResult } from "./optim.js";

/**
 * LogisticRegression's L2 (and unpenalized) problems by L-BFGS, as scikit-learn's
 * "lbfgs" solver: the sum of log-losses plus ||W||^2 / (2C), intercepts unpenalized,
 * gtol = tol, max_iter iterations. One-vs-rest problems go in fixed groups (ovrGroups),
 * pieces that idle threads may solve (parallel/pieces.ts); each group advances its
 * problems in lockstep, their products batched in one pass over X.
 */
export interface LbfgsSettings {
  /** 1 / C for penalty "l2", else 0. */
  readonly l2: number;
  readonly fitIntercept: boolean;
  readonly maxIter: number;
  readonly tol: number;
}

/** A problem's solution: cols weights per class row, then the intercepts (0 without fit_intercept). */
export interface LbfgsSolution {
  readonly x: Float64Array;
  readonly nIter: number;
  /** As MinimizeResult's reason ("max_iter" when the iterations ran out). */
  readonly reason: string;
}

/** Scratch for X W^T (rows x width) and R^T X (width x cols) with up to `width` weight columns. */
interface Products {
  readonly W32: Float32Array;
  readonly b: Float64Array;
  readonly Z: Float64Array;
  readonly R: Float64Array;
  readonly G: Float64Array;
  readonly tmp: Float32Array;
  readonly gemmWork: Float32Array;
  readonly Z32: Float32Array;
}

function products(ws: LinalgWorkspace, rows: number, cols: number, width: number): Products {
  return {
    W32: ws.f32(width * cols), b: ws.f64(width), Z: ws.f64(rows * width), R: ws.f64(rows * width),
    G: ws.f64(width * cols), tmp: ws.f32(width * cols), gemmWork: ws.f32(gemmWorkFloats(width, cols)), Z32: ws.f32(rows * width),
  };
}

/** Heap bytes of products(rows, cols, width). */
function productsBytes(rows: number, cols: number, width: number): number {
  return (width * cols * 16 + width * 8 + rows * width * 20 + gemmWorkFloats(width, cols) * 4) + 8 * 64;
}

/** Z = X W^T + b over the first K columns: the packed GEMM from four columns up, where it is faster. */
function scores(ws: LinalgWorkspace, X: Matrix, p: Products, K: number): void {
  if (K >= 4) ws.xwtPacked(X, p.W32, K, p.b, p.Z, p.gemmWork, p.Z32);
  else ws.xwt(X, p.W32, K, p.b, p.Z);
}

/** Most one-vs-rest problems one L-BFGS group advances in lockstep. */
export const OVR_GROUP_SIZE = 5;

/**
 * The one-vs-rest problems 0..problems-1 in consecutive groups of at most
 * OVR_GROUP_SIZE, as even as can be: the pieces of a one-vs-rest L-BFGS fit. A group
 * shares its passes over X, so the groups are as large as the GEMM keeps its speed
 * (its tiles are 8 columns wide) and no larger, to leave pieces for idle threads;
 * they depend on the number of classes only.
 */
export function ovrGroups(problems: number): number[][] {
  const count = Math.ceil(problems / OVR_GROUP_SIZE);
  const groups: number[][] = [];
  for (let g = 0, from = 0; g < count; g++) {
    const to = from + Math.ceil((problems - from) / (count - g));
    groups.push(Array.from({ length: to - from }, (_, a) => from + a));
    from = to;
  }
  return groups;
}

interface OvrGroupArgs extends LbfgsSettings {
  readonly X: MatrixRef;
  readonly codes: HeapRef;
  /** One problem (two classes): its positive class is code 1; else problem c is class c vs the rest. */
  readonly binary: boolean;
  readonly problems: number;
}

/**
 * One group of ovrGroups: its binary problems advance in lockstep, the points of all
 * those still running evaluated together (one pass over X each way); each follows the
 * path it would follow alone, up to the last bits of the batched products (scikit-learn
 * solves them one after another).
 */
const OVR_GROUPS = definePieces("LogisticRegression.ovrLbfgsGroups", (a: OvrGroupArgs, group: number, heap: SharedHeap): LbfgsSolution[] => {
  const ws = LinalgWorkspace.for(heap);
  ws.reset();
  const X = matrixAt(heap, a.X);
  const { rows, cols } = X;
  const codes = i32At(heap, a.codes);
  const problems = ovrGroups(a.problems)[group];
  const p = products(ws, rows, cols, problems.length);
  const solvers = problems.map(() => lbfgsSteps(new Float64Array(cols + 1), { maxIter: a.maxIter, gtol: a.tol }));
  return minimizeTogether(solvers, (points) => {
    const running = points.flatMap((e, i) => (e ? [i] : []));
    const values = binaryLosses(ws, X, codes, p, running.map((i) => points[i]!), running.map((i) => (a.binary ? 1 : problems[i])), a);
    const out = new Array<number>(points.length).fill(0);
    running.forEach((i, r) => (out[i] = values[r]));
    return out;
  }).map(solution);
});

/**
 * The objectives of K binary problems at once: `points[a]` holds cols weights then the
 * intercept of the problem whose positive class is `positives[a]`. Writes each gradient.
 */
function binaryLosses(
  ws: LinalgWorkspace, X: Matrix, codes: Int32Array, p: Products, points: readonly Evaluation[], positives: readonly number[],
  s: LbfgsSettings,
): number[] {
  const { rows, cols } = X;
  const { W32, b, Z, R, G } = p;
  const K = points.length;
  for (let a = 0; a < K; a++) {
    const { x } = points[a];
    for (let j = 0; j < cols; j++) W32[a * cols + j] = x[j];
    b[a] = s.fitIntercept ? x[cols] : 0;
  }
  scores(ws, X, p, K);
  const losses = new Array<number>(K).fill(0);
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
  ws.rtx(R, K, X, G, p.tmp);
  for (let a = 0; a < K; a++) {
    const { x, grad } = points[a];
    let sq = 0;
    for (let j = 0; j < cols; j++) {
      grad[j] = G[a * cols + j] + s.l2 * x[j];
      sq += x[j] * x[j];
    }
    losses[a] += 0.5 * s.l2 * sq;
    let sum = 0;
    if (s.fitIntercept) for (let i = 0; i < rows; i++) sum += R[i * K + a];
    grad[cols] = sum;
  }
  return losses;
}

function solution(r: MinimizeResult): LbfgsSolution {
  return { x: r.x, nIter: r.nIter, reason: r.reason };
}

/** Heap bytes one group's piece takes. */
function ovrGroupBytes(rows: number, cols: number, problems: number): number {
  return productsBytes(rows, cols, Math.min(problems, OVR_GROUP_SIZE));
}

/**
 * One-vs-rest L-BFGS: one binary problem per class (one for two classes), solved in
 * the groups of ovrGroups; the solutions come back in problem order. X and codes must
 * be heap-resident.
 */
export function fitOvrLbfgs(heap: SharedHeap, X: Matrix, codes: Int32Array, nClasses: number, s: LbfgsSettings): LbfgsSolution[] {
  const problems = nClasses === 2 ? 1 : nClasses;
  const args: OvrGroupArgs = {
    l2: s.l2, fitIntercept: s.fitIntercept, maxIter: s.maxIter, tol: s.tol,
    X: matrixRef(heap, X), codes: heapRef(heap, codes), binary: problems === 1, problems,
  };
  return runPieces(OVR_GROUPS, args, ovrGroups(problems).length, {
    heap, label: "LogisticRegression one-vs-rest problems", pieceBytes: ovrGroupBytes(X.rows, X.cols, problems),
  }).flat();
}

/**
 * The multinomial problem (softmax over K classes, one weight row per class) by one
 * L-BFGS run; x holds K x cols weights, then the K intercepts. X and codes must be
 * heap-resident.
 */
export function fitSoftmaxLbfgs(ws: LinalgWorkspace, X: Matrix, codes: Int32Array, K: number, s: LbfgsSettings): LbfgsSolution {
  const { rows, cols } = X;
  const p = products(ws, rows, cols, K);
  const nW = K * cols;
  const { W32, b, Z, R, G } = p;
  const objective = (x: Float64Array, grad: Float64Array): number => {
    for (let j = 0; j < nW; j++) W32[j] = x[j];
    for (let a = 0; a < K; a++) b[a] = s.fitIntercept ? x[nW + a] : 0;
    scores(ws, X, p, K);
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
    ws.rtx(R, K, X, G, p.tmp);
    for (let a = 0; a < K; a++) {
      let sq = 0;
      for (let j = a * cols; j < (a + 1) * cols; j++) {
        grad[j] = G[j] + s.l2 * x[j];
        sq += x[j] * x[j];
      }
      loss += 0.5 * s.l2 * sq;
      let sum = 0;
      if (s.fitIntercept) for (let i = 0; i < rows; i++) sum += R[i * K + a];
      grad[nW + a] = sum;
    }
    return loss;
  };
  return solution(minimize(lbfgsSteps(new Float64Array(nW + K), { maxIter: s.maxIter, gtol: s.tol }), objective));
}
