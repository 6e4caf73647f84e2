import type { Matrix } from "../core/matrix.js";
import { ScratchArena, scratchFor, scratchScope, type SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";
import type { KernelExports } from "../wasm/api.js";

/**
 * Linear-algebra kernels and per-epoch solvers of the linear estimators.
 *
 * Two layers: typed-array wrappers (`gemmXWt`, `gemmRtX`, ...) that copy inputs
 * into scratch when the heap does not own them, for tests and one-off use; and
 * `LinalgWorkspace`, which estimators use to keep their buffers resident in the heap
 * across the many kernel calls of one fit (one call per epoch or per product).
 */

/** Loss codes of sgd_epoch_f32. */
export const SGD_LOSS = { hinge: 0, squared_hinge: 1, log: 2, modified_huber: 3 } as const;
/** Penalty codes of sgd_epoch_f32. */
export const SGD_PENALTY = { none: 0, l1: 1, l2: 2, elasticnet: 3 } as const;
/** Learning-rate codes of sgd_epoch_f32. */
export const SGD_LEARNING_RATE = { constant: 0, optimal: 1, pa1: 2, pa2: 3 } as const;

/** out (rows x k) = X W^T + b, W float32 k x cols, b float64 (k) or null. */
export function gemmXWt(heap: SharedHeap, X: Matrix, W: Float32Array, k: number, b: Float64Array | null): Float64Array {
  const { rows, cols } = X;
  if (W.length !== k * cols) throw new RangeError(`gemmXWt: W must have ${k * cols} values`);
  const out = new Float64Array(rows * k);
  if (rows === 0 || k === 0) return out;
  const s = scratchFor(heap);
  s.reset();
  const pX = s.pointerTo(X.data);
  const pW = s.pointerTo(W);
  const pb = b ? s.pointerTo(b) : 0;
  const pOut = s.alloc(out.byteLength);
  kernelsFor(heap).gemm_f32_xwt(pX, rows, cols, pW, k, pb, pOut);
  out.set(heap.f64(pOut, out.length));
  return out;
}

/**
 * Squared norms of the heap-resident float32 rows x cols matrix at byte offset X, summed
 * in float64: into float32 at out32 and/or float64 at out64 (byte offsets; 0 skips one).
 * The one row-norm kernel (assembly/linalg.ts sqnorm_f32) behind every norm in fmbench.
 */
export function sqNormsAt(heap: SharedHeap, X: number, rows: number, cols: number, out32: number, out64: number): void {
  if (rows > 0) kernelsFor(heap).sqnorm_f32(X, rows, cols, out32, out64);
}

/** Plain-TS reference of gemmXWt. */
export function gemmXWtReference(X: Matrix, W: Float32Array, k: number, b: Float64Array | null): Float64Array {
  const { rows, cols, data } = X;
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < k; c++) {
      let s = b ? b[c] : 0;
      for (let j = 0; j < cols; j++) s += data[i * cols + j] * W[c * cols + j];
      out[i * k + c] = s;
    }
  }
  return out;
}

/**
 * Rows per float32 partial sum of gemm_f32_rtx (assembly/linalg.ts RTX_BLOCK): R^T X over
 * consecutive slices of rows that start at multiples of it, accumulated, has the same
 * sums as over all the rows at once.
 */
export const RTX_BLOCK = 64;

/**
 * Floats of work space gemm_f32_rtx needs for k columns of R: a block of R in float32,
 * its packed panels of five classes each and one micro-kernel tile, each 16-byte aligned.
 * (The same for any number of columns of X, which is read in place.)
 */
export function rtxWorkFloats(k: number): number {
  return RTX_BLOCK * k + 4 + RTX_BLOCK * 5 * Math.ceil(k / 5) + 4 + 5 * 8;
}

/** G (k x cols, float64) = R^T X, R float64 rows x k. */
export function gemmRtX(heap: SharedHeap, R: Float64Array, k: number, X: Matrix): Float64Array {
  const { rows, cols } = X;
  if (R.length !== rows * k) throw new RangeError(`gemmRtX: R must have ${rows * k} values`);
  const G = new Float64Array(k * cols);
  if (k === 0 || cols === 0) return G;
  const s = scratchFor(heap);
  s.reset();
  const pR = s.pointerTo(R);
  const pX = s.pointerTo(X.data);
  const pG = s.alloc(G.byteLength);
  const work = s.alloc(rtxWorkFloats(k) * 4);
  kernelsFor(heap).gemm_f32_rtx(pR, rows, k, pX, cols, pG, work, 0);
  G.set(heap.f64(pG, G.length));
  return G;
}

/** Plain-TS reference of gemmRtX. */
export function gemmRtXReference(R: Float64Array, k: number, X: Matrix): Float64Array {
  const { rows, cols, data } = X;
  const G = new Float64Array(k * cols);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < k; c++) {
      const r = R[i * k + c];
      for (let j = 0; j < cols; j++) G[c * cols + j] += r * data[i * cols + j];
    }
  }
  return G;
}

/**
 * Parameters of one binary plain-SGD problem (see assembly/sgd.ts sgd_epoch_f32); an
 * SGD fit's options (models/linear/sgd.ts PlainSgdOptions) are these plus its stopping rule.
 */
export interface SgdEpochParams {
  loss: number;
  threshold: number;
  penalty: number;
  alpha: number;
  C: number;
  l1Ratio: number;
  learningRate: number;
  eta0: number;
  optimalInit: number;
  fitIntercept: boolean;
  weightPos: number;
  weightNeg: number;
}

/** Mutable state carried from epoch to epoch. */
export interface SgdState {
  intercept: number;
  wscale: number;
  t: number;
  u: number;
  sumloss: number;
  updates: number;
}

export function sgdParamsArray(p: SgdEpochParams): Float64Array {
  return Float64Array.of(
    p.loss, p.threshold, p.penalty, p.alpha, p.C, p.l1Ratio, p.learningRate, p.eta0, p.optimalInit,
    p.fitIntercept ? 1 : 0, p.weightPos, p.weightNeg,
  );
}

function lossValue(kind: number, threshold: number, p: number, y: number): number {
  const z = p * y;
  switch (kind) {
    case SGD_LOSS.hinge: return z <= threshold ? threshold - z : 0;
    case SGD_LOSS.squared_hinge: { const m = threshold - z; return m > 0 ? m * m : 0; }
    case SGD_LOSS.log: return z > 18 ? Math.exp(-z) : z < -18 ? -z : Math.log1p(Math.exp(-z));
    default: return z >= 1 ? 0 : z >= -1 ? (1 - z) * (1 - z) : -4 * z;
  }
}

function lossDeriv(kind: number, threshold: number, p: number, y: number): number {
  const z = p * y;
  switch (kind) {
    case SGD_LOSS.hinge: return z <= threshold ? -y : 0;
    case SGD_LOSS.squared_hinge: { const m = threshold - z; return m > 0 ? -2 * y * m : 0; }
    case SGD_LOSS.log: return z > 18 ? Math.exp(-z) * -y : z < -18 ? -y : -y / (Math.exp(z) + 1);
    default: return z >= 1 ? 0 : z >= -1 ? 2 * (1 - z) * -y : -4 * y;
  }
}

/** Plain-TS reference of one sgd_epoch_f32 call; updates w, q and state in place. */
export function sgdEpochReference(
  X: Matrix, order: Int32Array, labels: Int32Array, positive: number,
  w: Float64Array, q: Float64Array, p: SgdEpochParams, state: SgdState,
): void {
  const { cols, data } = X;
  let l1Ratio = p.l1Ratio;
  if (p.penalty === SGD_PENALTY.l2) l1Ratio = 0;
  else if (p.penalty === SGD_PENALTY.l1) l1Ratio = 1;
  let { intercept, wscale, t, u } = state;
  let sumloss = 0;
  let updates = 0;
  let eta = p.eta0;
  for (let s = 0; s < order.length; s++) {
    const i = order[s];
    const o = i * cols;
    const y = labels[i] === positive ? 1 : -1;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += data[o + j] * w[j];
    const pred = dot * wscale + intercept;
    if (p.learningRate === SGD_LEARNING_RATE.optimal) eta = 1 / (p.alpha * (p.optimalInit + t - 1));
    sumloss += lossValue(p.loss, p.threshold, pred, y);
    let update: number;
    if (p.learningRate >= SGD_LEARNING_RATE.pa1) {
      let norm = 0;
      for (let j = 0; j < cols; j++) norm += data[o + j] * data[o + j];
      if (norm === 0) continue;
      const l = lossValue(p.loss, p.threshold, pred, y);
      update = (p.learningRate === SGD_LEARNING_RATE.pa1 ? Math.min(p.C, l / norm) : l / (norm + 0.5 / p.C)) * y;
    } else {
      const d = Math.max(-1e12, Math.min(1e12, lossDeriv(p.loss, p.threshold, pred, y)));
      update = -eta * d;
    }
    update *= y > 0 ? p.weightPos : p.weightNeg;
    if (p.penalty >= SGD_PENALTY.l2) {
      wscale *= Math.max(0, 1 - (1 - l1Ratio) * eta * p.alpha);
      if (wscale < 1e-9) {
        for (let j = 0; j < cols; j++) w[j] *= wscale;
        wscale = 1;
      }
    }
    if (update !== 0) {
      for (let j = 0; j < cols; j++) w[j] += (update / wscale) * data[o + j];
      if (p.fitIntercept) intercept += update;
      updates++;
    }
    if (p.penalty === SGD_PENALTY.l1 || p.penalty === SGD_PENALTY.elasticnet) {
      u += l1Ratio * eta * p.alpha;
      for (let j = 0; j < cols; j++) {
        const z = w[j];
        if (wscale * z > 0) w[j] = Math.max(0, z - (u + q[j]) / wscale);
        else if (wscale * z < 0) w[j] = Math.min(0, z + (u - q[j]) / wscale);
        q[j] += wscale * (w[j] - z);
      }
    }
    t++;
  }
  Object.assign(state, { intercept, wscale, t, u, sumloss, updates });
}

/** Plain-TS reference of one dcd_svm_epoch_f32 call (w has cols + 1 entries, the last the bias weight). */
export function dcdSvmEpochReference(
  X: Matrix, index: Int32Array, labels: Int32Array, positive: number, w: Float64Array, alpha: Float64Array,
  qd: Float64Array, U: number, diag: number, bias: number,
  state: { active: number; pgMaxOld: number; pgMinOld: number; pgMaxNew: number; pgMinNew: number },
): void {
  const { cols, data } = X;
  let active = state.active;
  let pgMaxNew = -Infinity;
  let pgMinNew = Infinity;
  let s = 0;
  while (s < active) {
    const i = index[s];
    const yi = labels[i] === positive ? 1 : -1;
    const o = i * cols;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += data[o + j] * w[j];
    const ai = alpha[i];
    const G = yi * (dot + w[cols] * bias) - 1 + ai * diag;
    let PG = 0;
    if (ai === 0) {
      if (G > state.pgMaxOld) { active--; index[s] = index[active]; index[active] = i; continue; }
      if (G < 0) PG = G;
    } else if (ai === U) {
      if (G < state.pgMinOld) { active--; index[s] = index[active]; index[active] = i; continue; }
      if (G > 0) PG = G;
    } else PG = G;
    pgMaxNew = Math.max(pgMaxNew, PG);
    pgMinNew = Math.min(pgMinNew, PG);
    if (Math.abs(PG) > 1e-12) {
      const an = Math.min(Math.max(ai - G / qd[i], 0), U);
      alpha[i] = an;
      const d = (an - ai) * yi;
      if (d !== 0) {
        for (let j = 0; j < cols; j++) w[j] += d * data[o + j];
        w[cols] += d * bias;
      }
    }
    s++;
  }
  Object.assign(state, { active, pgMaxNew, pgMinNew });
}

/**
 * Buffers of one fit, resident in the heap (its own arena, so typed-array wrappers
 * that reset the thread's scratch arena cannot clobber them). `reset()` at the start
 * of each fit; views stay valid until the next reset.
 */
export class LinalgWorkspace {
  readonly kernels: KernelExports;
  /** One plain-SGD epoch (assembly/sgd.ts sgd_epoch_f32); pointers are byte offsets into the heap. */
  readonly sgdEpoch: KernelExports["sgd_epoch_f32"];
  /** One outer iteration of dual coordinate descent (assembly/dcd_svm.ts dcd_svm_epoch_f32). */
  readonly dcdSvmEpoch: KernelExports["dcd_svm_epoch_f32"];
  /** One Crammer-Singer outer iteration (assembly/cs_svm.ts cs_svm_epoch_f32). */
  readonly csSvmEpoch: KernelExports["cs_svm_epoch_f32"];
  private readonly arena: ScratchArena;

  private constructor(readonly heap: SharedHeap) {
    this.kernels = kernelsFor(heap);
    this.sgdEpoch = this.kernels.sgd_epoch_f32;
    this.dcdSvmEpoch = this.kernels.dcd_svm_epoch_f32;
    this.csSvmEpoch = this.kernels.cs_svm_epoch_f32;
    this.arena = new ScratchArena(heap);
  }

  private static readonly byHeap = { own: new WeakMap<SharedHeap, LinalgWorkspace>(), piece: new WeakMap<SharedHeap, LinalgWorkspace>() };

  /** This thread's workspace for `heap` (a piece of a parallel fit gets its own: see scratchScope). */
  static for(heap: SharedHeap): LinalgWorkspace {
    const map = LinalgWorkspace.byHeap[scratchScope()];
    let ws = map.get(heap);
    if (!ws) {
      ws = new LinalgWorkspace(heap);
      map.set(heap, ws);
    }
    return ws;
  }

  reset(): void {
    this.arena.reset();
  }

  /** Zero-filled views (arena memory is reused from fit to fit). */
  f64(length: number): Float64Array {
    return this.heap.f64(this.arena.alloc(length * 8), length).fill(0);
  }
  f32(length: number): Float32Array {
    return this.heap.f32(this.arena.alloc(length * 4), length).fill(0);
  }
  i32(length: number): Int32Array {
    return this.heap.i32(this.arena.alloc(length * 4), length).fill(0);
  }

  /** A heap-resident view of `a`: itself when the heap owns it, else a copy. */
  resident<T extends Float32Array | Int32Array | Float64Array>(a: T): T {
    if (this.heap.owns(a)) return a;
    const at = this.arena.alloc(a.byteLength);
    const view = (a instanceof Float32Array
      ? this.heap.f32(at, a.length)
      : a instanceof Int32Array ? this.heap.i32(at, a.length) : this.heap.f64(at, a.length)) as T;
    view.set(a as never);
    return view;
  }

  /** A heap-resident matrix with the same contents as X. */
  matrix(X: Matrix): Matrix {
    return { data: this.resident(X.data), rows: X.rows, cols: X.cols };
  }

  /** out[i] = |X[i]|^2 (float64); both heap-resident. */
  sqNorms(X: Matrix, out: Float64Array): void {
    sqNormsAt(this.heap, X.data.byteOffset, X.rows, X.cols, 0, out.byteOffset);
  }

  /** out (rows x k, float64) = X W^T + b; every argument heap-resident. */
  xwt(X: Matrix, W: Float32Array, k: number, b: Float64Array | null, out: Float64Array): void {
    if (X.rows === 0 || k === 0) return;
    this.kernels.gemm_f32_xwt(X.data.byteOffset, X.rows, X.cols, W.byteOffset, k, b ? b.byteOffset : 0, out.byteOffset);
  }

  /**
   * Softmax cross-entropy of rows [from, to) of Z (rows x k): R = softmax(Z row) minus 1 at
   * the row's label (codes[i]), and the loss m + log(sum_c e^(z_c - m)) - z_label summed over
   * the rows (exponentials in assembly/softmax.ts); Z, R and codes heap-resident.
   */
  softmaxLossRows(Z: Float64Array, R: Float64Array, codes: Int32Array, from: number, to: number, k: number): number {
    if (to <= from) return 0;
    const n = to - from;
    const rowMax = this.f64(n);
    const rowSum = this.f64(n);
    this.kernels.softmax_rows_f64(Z.byteOffset, R.byteOffset, codes.byteOffset, from, to, k, rowMax.byteOffset, rowSum.byteOffset);
    let loss = 0;
    for (let i = 0; i < n; i++) loss += rowMax[i] + Math.log(rowSum[i]) - Z[(from + i) * k + codes[from + i]];
    return loss;
  }

  /** G (k x cols) = R^T X, or G += R^T X when `accumulate`; work holds rtxWorkFloats(k) float32. */
  rtx(R: Float64Array, k: number, X: Matrix, G: Float64Array, work: Float32Array, accumulate = false): void {
    if (k === 0 || X.cols === 0) return;
    this.kernels.gemm_f32_rtx(R.byteOffset, X.rows, k, X.data.byteOffset, X.cols, G.byteOffset, work.byteOffset, accumulate ? 1 : 0);
  }
}

/** Decision values X W^T + b for a fitted linear model (float64 weights), computed in WASM. */
export function linearDecision(heap: SharedHeap, X: Matrix, coef: Float64Array, intercept: Float64Array): Float64Array {
  const k = intercept.length;
  const s = scratchFor(heap);
  s.reset();
  const pX = s.pointerTo(X.data);
  const pW = s.alloc(coef.length * 4);
  heap.f32(pW, coef.length).set(coef);
  const pb = s.pointerTo(intercept);
  const pOut = s.alloc(X.rows * k * 8);
  if (X.rows > 0 && k > 0) kernelsFor(heap).gemm_f32_xwt(pX, X.rows, X.cols, pW, k, pb, pOut);
  return heap.f64(pOut, X.rows * k).slice();
}

/** Index of the largest value in each row of a rows x k matrix (first on ties, like numpy.argmax). */
export function argmaxRows(scores: Float64Array | Float32Array, rows: number, k: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[i * k + c] > scores[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Softmax of each row of a rows x k matrix into `out` (which may be `scores`): the row's
 * maximum is subtracted first, and the exponentials are summed in row order.
 */
export function softmaxRows<T extends Float64Array | Float32Array>(scores: T, out: T, rows: number, k: number): void {
  for (let o = 0; o < rows * k; o += k) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, scores[o + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(scores[o + j] - max);
      out[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < k; j++) out[o + j] /= sum;
  }
}

/** Plain-TS reference of one cs_svm_epoch_f32 call (liblinear's Crammer-Singer pass); returns [activeSize, stopping]. */
export function csSvmEpochReference(
  X: Matrix, K: number, index: Int32Array, active: number, W: Float64Array, alpha: Float64Array, alphaIndex: Int32Array,
  activeI: Int32Array, yIndex: Int32Array, qd: Float64Array, C: number, bias: number,
): [number, number] {
  const { cols, data } = X;
  let stopping = -Infinity;
  const G = new Float64Array(K);
  const B = new Float64Array(K);
  const ws = cols + 1;
  const shrunk = (i: number, m: number, yi: number, minG: number): boolean =>
    alpha[i * K + alphaIndex[i * K + m]] === (m === yi ? C : 0) && G[m] < minG;
  let s = 0;
  while (s < active) {
    const i = index[s];
    const Ai = qd[i];
    if (Ai > 0) {
      let act = activeI[i];
      let yi = yIndex[i];
      for (let m = 0; m < act; m++) {
        const c = alphaIndex[i * K + m];
        let g = m === yi ? 0 : 1;
        for (let j = 0; j < cols; j++) g += W[c * ws + j] * data[i * cols + j];
        G[m] = g + W[c * ws + cols] * bias;
      }
      let minG = Infinity;
      let maxG = -Infinity;
      for (let m = 0; m < act; m++) {
        if (alpha[i * K + alphaIndex[i * K + m]] < 0 && G[m] < minG) minG = G[m];
        if (G[m] > maxG) maxG = G[m];
      }
      if (yi < act && alpha[i * K + alphaIndex[i * K + yi]] < C && G[yi] < minG) minG = G[yi];
      for (let m = 0; m < act; m++) {
        if (shrunk(i, m, yi, minG)) {
          act--;
          while (act > m) {
            if (!shrunk(i, act, yi, minG)) {
              [alphaIndex[i * K + m], alphaIndex[i * K + act]] = [alphaIndex[i * K + act], alphaIndex[i * K + m]];
              [G[m], G[act]] = [G[act], G[m]];
              if (yi === act) yi = m;
              else if (yi === m) yi = act;
              break;
            }
            act--;
          }
        }
      }
      activeI[i] = act;
      yIndex[i] = yi;
      if (act <= 1) {
        active--;
        index[s] = index[active];
        index[active] = i;
        continue;
      }
      if (maxG - minG <= 1e-12) { s++; continue; }
      stopping = Math.max(maxG - minG, stopping);
      for (let m = 0; m < act; m++) B[m] = G[m] - Ai * alpha[i * K + alphaIndex[i * K + m]];
      const D = Array.from(B.subarray(0, act));
      if (yi < act) D[yi] += Ai * C;
      D.sort((a, b) => b - a);
      let beta = D[0] - Ai * C;
      let r = 1;
      while (r < act && beta < r * D[r]) { beta += D[r]; r++; }
      beta /= r;
      for (let m = 0; m < act; m++) {
        const c = alphaIndex[i * K + m];
        const v = (beta - B[m]) / Ai;
        const an = m === yi ? Math.min(C, v) : Math.min(0, v);
        const d = an - alpha[i * K + c];
        alpha[i * K + c] = an;
        if (Math.abs(d) >= 1e-12) {
          for (let j = 0; j < cols; j++) W[c * ws + j] += d * data[i * cols + j];
          W[c * ws + cols] += d * bias;
        }
      }
    }
    s++;
  }
  return [active, stopping];
}
