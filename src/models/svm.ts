import type { Matrix } from "../data/matrix.js";
import { ParamError } from "../errors.js";
import { KERNEL_CODES, type KernelName, type KernelSpec } from "../kernels/svm.js";
import type { KernelExports } from "../wasm/api.js";
import { scratchFor, type ScratchArena, type SharedHeap } from "../wasm/heap.js";
import { kernelsFor, threadHeap } from "../wasm/load.js";
import { BaseClassifier } from "./estimator.js";
import type { ParamSpecs, Params } from "./params.js";

/**
 * Default kernel-row cache in MB. scikit-learn's default is 200; fmbench takes 500,
 * which holds the whole Q matrix of a one-vs-one subproblem of up to about 11,000
 * samples (two Fashion-MNIST classes of the 60,000-image training set need 12,000),
 * and allocates only what a subproblem can use (l^2 * 4 bytes at most).
 */
export const DEFAULT_SVC_CACHE_MB = 500;

const SVC_PARAMS: ParamSpecs = {
  C: { default: 1.0, constraints: [{ kind: "interval", type: "real", min: 0, closed: "neither" }] },
  kernel: { default: "rbf", constraints: [{ kind: "options", values: ["linear", "poly", "rbf", "sigmoid"] }] },
  degree: { default: 3, constraints: [{ kind: "interval", type: "int", min: 0 }] },
  gamma: {
    default: "scale",
    constraints: [{ kind: "options", values: ["scale", "auto"] }, { kind: "interval", type: "real", min: 0 }],
  },
  coef0: { default: 0.0, constraints: [{ kind: "interval", type: "real" }] },
  shrinking: { default: true, constraints: [{ kind: "bool" }] },
  probability: { default: false, constraints: [{ kind: "options", values: [false] }] },
  tol: { default: 1e-3, constraints: [{ kind: "interval", type: "real", min: 0, closed: "neither" }] },
  cache_size: { default: DEFAULT_SVC_CACHE_MB, constraints: [{ kind: "interval", type: "real", min: 0, closed: "neither" }] },
  class_weight: { default: null, constraints: [{ kind: "null" }] },
  verbose: { default: false, constraints: [{ kind: "bool" }] },
  max_iter: { default: -1, constraints: [{ kind: "interval", type: "int", min: -1 }] },
  decision_function_shape: { default: "ovr", constraints: [{ kind: "options", values: ["ovo", "ovr"] }] },
  break_ties: { default: false, constraints: [{ kind: "bool" }] },
  random_state: { default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 0 }] },
};

/** libsvm's TAU: the curvature used when a pair's second derivative is not positive. */
const TAU = 1e-12;
const LOWER = 0;
const UPPER = 1;
const FREE = 2;

/** A binary subproblem: training rows gidx[0..l) of X with labels ys (+1/-1), in the heap. */
interface SubProblem {
  readonly l: number;
  readonly gidx: Int32Array;
  readonly ys: Float32Array;
}

/** Where the training data and per-fit buffers sit in the heap, and the kernel to apply. */
interface KernelContext {
  readonly wasm: KernelExports;
  readonly heap: SharedHeap;
  readonly X: number;
  readonly cols: number;
  readonly norms: number;
  readonly spec: KernelSpec;
}

/**
 * Q-matrix rows of one subproblem with an LRU cache of whole rows, indexed by
 * subproblem index (shrinking permutes an index list, never the cache). A row
 * holds the entries of the indices that were active when it was computed; the
 * active set only shrinks until it is reset to everything, which starts a new
 * epoch and invalidates partial rows.
 */
class QCache {
  private readonly slotOf: Int32Array;
  private readonly owner: Int32Array;
  private readonly lastUsed: Float64Array;
  private readonly epochOf: Int32Array;
  private readonly full: Uint8Array;
  private readonly rows: Float32Array[];
  private readonly base: number;
  private clock = 0;
  epoch = 0;
  rowsComputed = 0;

  constructor(
    private readonly ctx: KernelContext, private readonly sub: SubProblem, private readonly perm: Int32Array,
    cacheBase: number, cacheBytes: number,
  ) {
    const l = sub.l;
    const slots = Math.max(2, Math.min(l, Math.floor(cacheBytes / (l * 4))));
    this.base = cacheBase;
    this.slotOf = new Int32Array(l).fill(-1);
    this.owner = new Int32Array(slots).fill(-1);
    this.lastUsed = new Float64Array(slots);
    this.epochOf = new Int32Array(slots);
    this.full = new Uint8Array(slots);
    this.rows = [];
    for (let s = 0; s < slots; s++) this.rows.push(ctx.heap.f32(cacheBase + s * l * 4, l));
  }

  /** Row i of Q, valid at least on perm[0..activeSize) (on everything when `wantFull`). */
  get(i: number, activeSize: number, wantFull: boolean): Float32Array {
    let s = this.slotOf[i];
    if (s >= 0 && (this.full[s] === 1 || (!wantFull && this.epochOf[s] === this.epoch))) {
      this.lastUsed[s] = ++this.clock;
      return this.rows[s];
    }
    if (s < 0) {
      s = 0;
      for (let k = 1; k < this.owner.length; k++) if (this.lastUsed[k] < this.lastUsed[s]) s = k;
      if (this.owner[s] >= 0) this.slotOf[this.owner[s]] = -1;
      this.owner[s] = i;
      this.slotOf[i] = s;
    }
    const m = wantFull ? this.sub.l : activeSize;
    const { wasm, X, cols, norms, spec } = this.ctx;
    wasm.svm_q_row_f32(
      X, cols, norms, this.sub.gidx.byteOffset, this.sub.ys.byteOffset, this.perm.byteOffset, m, i,
      KERNEL_CODES[spec.kernel], spec.gamma, spec.coef0, spec.degree, this.base + s * this.sub.l * 4,
    );
    this.rowsComputed++;
    this.full[s] = m === this.sub.l ? 1 : 0;
    this.epochOf[s] = this.epoch;
    this.lastUsed[s] = ++this.clock;
    return this.rows[s];
  }
}

/** Per-fit solver buffers in the heap (sized for the largest subproblem), read by the WASM loops. */
interface SolverWork {
  readonly G: Float64Array;
  readonly Gbar: Float64Array;
  readonly QD: Float64Array;
  readonly status: Uint8Array;
  /** Scalar results of the selection kernels. */
  readonly out: Float64Array;
}

/** The solution of one binary subproblem: alpha per subproblem index, and rho. */
interface BinarySolution {
  readonly alpha: Float64Array;
  readonly rho: number;
  readonly iterations: number;
  readonly rowsComputed: number;
}

/**
 * libsvm's SMO solver for the C-SVC dual (Fan, Chen and Lin 2005): second-order
 * working-set selection, shrinking with one unshrink near the end, gradient
 * reconstruction, and rho as the mean of y_i G_i over free vectors. Written from
 * the algorithm's description; variable names follow the paper.
 */
function solveBinary(
  ctx: KernelContext, sub: SubProblem, perm: Int32Array, cacheBase: number, cacheBytes: number,
  diag: Float64Array, C: number, eps: number, shrinking: boolean, maxIter: number, work: SolverWork,
): BinarySolution {
  const l = sub.l;
  const wasm = ctx.wasm;
  const y = new Int8Array(l);
  for (let t = 0; t < l; t++) y[t] = sub.ys[t] > 0 ? 1 : -1;
  for (let t = 0; t < l; t++) perm[t] = t;
  const q = new QCache(ctx, sub, perm, cacheBase, cacheBytes);
  const QD = work.QD.subarray(0, l);
  for (let t = 0; t < l; t++) QD[t] = diag[sub.gidx[t]];
  const alpha = new Float64Array(l);
  const status = work.status.subarray(0, l).fill(LOWER);
  const G = work.G.subarray(0, l).fill(-1);
  const Gbar = work.Gbar.subarray(0, l).fill(0);
  const pG = G.byteOffset;
  const pys = sub.ys.byteOffset;
  const pStatus = status.byteOffset;
  const pPerm = perm.byteOffset;
  const out = work.out;
  let activeSize = l;
  let unshrink = false;

  const isUpper = (t: number) => status[t] === UPPER;
  const isLower = (t: number) => status[t] === LOWER;
  const setStatus = (t: number) => {
    status[t] = alpha[t] >= C ? UPPER : alpha[t] <= 0 ? LOWER : FREE;
  };

  const reconstructGradient = () => {
    if (activeSize === l) return;
    for (let k = activeSize; k < l; k++) {
      const t = perm[k];
      G[t] = Gbar[t] - 1;
    }
    let nrFree = 0;
    for (let k = 0; k < activeSize; k++) if (status[perm[k]] === FREE) nrFree++;
    if (nrFree * l > 2 * activeSize * (l - activeSize)) {
      for (let k = activeSize; k < l; k++) {
        const i = perm[k];
        const Qi = q.get(i, activeSize, false);
        let g = G[i];
        for (let m = 0; m < activeSize; m++) {
          const t = perm[m];
          if (status[t] === FREE) g += alpha[t] * Qi[t];
        }
        G[i] = g;
      }
    } else {
      for (let m = 0; m < activeSize; m++) {
        const i = perm[m];
        if (status[i] !== FREE) continue;
        const Qi = q.get(i, l, true);
        const a = alpha[i];
        for (let k = activeSize; k < l; k++) {
          const t = perm[k];
          G[t] += a * Qi[t];
        }
      }
    }
  };

  const beShrunk = (t: number, gmax1: number, gmax2: number): boolean => {
    if (isUpper(t)) return y[t] === 1 ? -G[t] > gmax1 : -G[t] > gmax2;
    if (isLower(t)) return y[t] === 1 ? G[t] > gmax2 : G[t] > gmax1;
    return false;
  };

  const doShrinking = () => {
    let gmax1 = -Infinity; // max { -y_i G_i : i in I_up }
    let gmax2 = -Infinity; // max { y_i G_i : i in I_low }
    for (let k = 0; k < activeSize; k++) {
      const t = perm[k];
      if (y[t] === 1) {
        if (!isUpper(t) && -G[t] >= gmax1) gmax1 = -G[t];
        if (!isLower(t) && G[t] >= gmax2) gmax2 = G[t];
      } else {
        if (!isUpper(t) && -G[t] >= gmax2) gmax2 = -G[t];
        if (!isLower(t) && G[t] >= gmax1) gmax1 = G[t];
      }
    }
    if (!unshrink && gmax1 + gmax2 <= eps * 10) {
      unshrink = true;
      reconstructGradient();
      activeSize = l;
      q.epoch++;
    }
    for (let k = 0; k < activeSize; k++) {
      if (!beShrunk(perm[k], gmax1, gmax2)) continue;
      activeSize--;
      while (activeSize > k) {
        if (!beShrunk(perm[activeSize], gmax1, gmax2)) {
          const tmp = perm[k];
          perm[k] = perm[activeSize];
          perm[activeSize] = tmp;
          break;
        }
        activeSize--;
      }
    }
  };

  let outI = -1;
  let outJ = -1;
  /** Second-order working-set selection; false when the KKT conditions hold within eps. */
  const selectWorkingSet = (): boolean => {
    const i = wasm.svm_wss_i(pG, pys, pStatus, pPerm, activeSize, out.byteOffset);
    const gmax = out[0];
    let j = -1;
    let gmax2 = -Infinity;
    if (i !== -1) {
      const Qi = q.get(i, activeSize, false);
      j = wasm.svm_wss_j(pG, pys, pStatus, QD.byteOffset, Qi.byteOffset, pPerm, activeSize, i, gmax, out.byteOffset);
      gmax2 = out[0];
    }
    if (gmax + gmax2 < eps || j === -1) return false;
    outI = i;
    outJ = j;
    return true;
  };

  const iterLimit = maxIter > 0 ? maxIter : Math.max(10_000_000, 100 * l);
  let iter = 0;
  let counter = Math.min(l, 1000) + 1;
  while (iter < iterLimit) {
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      if (shrinking) doShrinking();
    }
    if (!selectWorkingSet()) {
      reconstructGradient();
      if (activeSize !== l) q.epoch++;
      activeSize = l;
      if (!selectWorkingSet()) break;
      counter = 1; // shrink at the next iteration
    }
    iter++;
    const i = outI;
    const j = outJ;
    const Qi = q.get(i, activeSize, false);
    const Qj = q.get(j, activeSize, false);
    const oldAi = alpha[i];
    const oldAj = alpha[j];
    let ai = oldAi;
    let aj = oldAj;
    if (y[i] !== y[j]) {
      let quad = QD[i] + QD[j] + 2 * Qi[j];
      if (quad <= 0) quad = TAU;
      const delta = (-G[i] - G[j]) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) {
        if (aj < 0) {
          aj = 0;
          ai = diff;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = -diff;
      }
      // C_i === C_j here (no class weights), so libsvm's diff > C_i - C_j is diff > 0.
      if (diff > 0) {
        if (ai > C) {
          ai = C;
          aj = C - diff;
        }
      } else if (aj > C) {
        aj = C;
        ai = C + diff;
      }
    } else {
      let quad = QD[i] + QD[j] - 2 * Qi[j];
      if (quad <= 0) quad = TAU;
      const delta = (G[i] - G[j]) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > C) {
        if (ai > C) {
          ai = C;
          aj = sum - C;
        }
      } else if (aj < 0) {
        aj = 0;
        ai = sum;
      }
      if (sum > C) {
        if (aj > C) {
          aj = C;
          ai = sum - C;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = sum;
      }
    }
    alpha[i] = ai;
    alpha[j] = aj;
    const dai = ai - oldAi;
    const daj = aj - oldAj;
    wasm.svm_update_g(pG, Qi.byteOffset, Qj.byteOffset, pPerm, activeSize, dai, daj);
    const ui = isUpper(i);
    const uj = isUpper(j);
    setStatus(i);
    setStatus(j);
    if (ui !== isUpper(i)) {
      wasm.svm_axpy_f32_f64(Gbar.byteOffset, q.get(i, l, true).byteOffset, l, ui ? -C : C);
    }
    if (uj !== isUpper(j)) {
      wasm.svm_axpy_f32_f64(Gbar.byteOffset, q.get(j, l, true).byteOffset, l, uj ? -C : C);
    }
  }
  if (activeSize < l) {
    reconstructGradient();
    activeSize = l;
  }

  let nrFree = 0;
  let ub = Infinity;
  let lb = -Infinity;
  let sumFree = 0;
  for (let t = 0; t < l; t++) {
    const yG = y[t] * G[t];
    if (isUpper(t)) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (isLower(t)) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nrFree++;
      sumFree += yG;
    }
  }
  const rho = nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2;
  return { alpha, rho, iterations: iter, rowsComputed: q.rowsComputed };
}

/** One fitted one-vs-one classifier: support vectors (rows of support_vectors_) and their coefficients. */
interface PairModel {
  readonly a: number;
  readonly b: number;
  readonly sv: Int32Array;
  readonly coef: Float64Array;
  readonly rho: number;
}

/** gamma as scikit-learn resolves it: 'scale' = 1 / (n_features * X.var()), 'auto' = 1 / n_features. */
export function resolveGamma(gamma: number | string, X: Matrix): number {
  if (typeof gamma === "number") return gamma;
  if (gamma === "auto") return 1 / X.cols;
  const n = X.data.length;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += X.data[k];
  mean /= n;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = X.data[k] - mean;
    v += d * d;
  }
  v /= n;
  return v !== 0 ? 1 / (X.cols * v) : 1;
}

/**
 * C-support vector classification with scikit-learn 1.2's semantics (libsvm's
 * algorithm): one-vs-one binary problems for every pair of classes, each solved by
 * SMO with second-order working-set selection and shrinking; kernel rows come from
 * WASM SIMD kernels through an LRU cache of `cache_size` MB (default
 * DEFAULT_SVC_CACHE_MB). `predict` is libsvm's one-vs-one vote, ties going to the
 * class with the smallest index; with `break_ties` and `decision_function_shape`
 * 'ovr' the argmax of scikit-learn's ovr-transformed decision function instead.
 * Only `probability=false` and no class weights.
 */
export class SVC extends BaseClassifier {
  readonly estimatorName = "SVC";
  static readonly paramSpecs = SVC_PARAMS;

  /** Training-set indices of the support vectors, grouped by class (as scikit-learn's support_). */
  support_: Int32Array | null = null;
  /** Support vectors, row-major, n_SV x n_features. */
  support_vectors_: Matrix | null = null;
  n_support_: Int32Array | null = null;
  /** -rho of each one-vs-one problem, in scikit-learn's pair order. */
  intercept_: Float64Array | null = null;
  /** SMO iterations per one-vs-one problem. */
  n_iter_: Int32Array | null = null;
  /** gamma as resolved at fit. */
  _gamma = 0;
  /** Kernel rows the solver computed (cache misses), over all subproblems. */
  kernelRowsComputed_ = 0;
  private pairs: PairModel[] = [];
  private svNorms: Float64Array | null = null;
  private readonly heap: SharedHeap;

  constructor(params: Params = {}, heap: SharedHeap = threadHeap()) {
    super("SVC", SVC_PARAMS, params);
    this.heap = heap;
    if (this.params.break_ties === true && this.params.decision_function_shape === "ovo") {
      throw new ParamError("SVC", "break_ties", "SVC: break_ties must be False when decision_function_shape is 'ovo'");
    }
  }

  private kernelSpec(): KernelSpec {
    return {
      kernel: this.params.kernel as KernelName, gamma: this._gamma,
      coef0: this.params.coef0 as number, degree: this.params.degree as number,
    };
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    const k = classes.length;
    if (k < 2) {
      throw new ParamError("SVC", "y", `SVC: the number of classes has to be greater than one; got ${k} class`);
    }
    const { rows, cols } = X;
    this._gamma = resolveGamma(this.params.gamma as number | string, X);
    const spec = this.kernelSpec();
    const C = this.params.C as number;
    const heap = this.heap;
    const wasm = kernelsFor(heap);
    const scratch: ScratchArena = scratchFor(heap);
    scratch.reset();
    const pX = scratch.pointerTo(X.data);
    const pNorms = scratch.alloc(rows * 8);
    wasm.sqnorms_f32(pX, rows, cols, pNorms);
    const norms = heap.f64(pNorms, rows);
    const diag = new Float64Array(rows);
    for (let r = 0; r < rows; r++) diag[r] = kernelDiag(spec, norms[r]);

    const byClass: number[][] = Array.from({ length: k }, () => []);
    for (let r = 0; r < rows; r++) byClass[codes[r]].push(r);
    let maxL = 0;
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) maxL = Math.max(maxL, byClass[a].length + byClass[b].length);
    const gidx = heap.i32(scratch.alloc(maxL * 4), maxL);
    const ys = heap.f32(scratch.alloc(maxL * 4), maxL);
    const perm = heap.i32(scratch.alloc(maxL * 4), maxL);
    const cacheBytes = Math.max(2 * maxL * 4, Math.min((this.params.cache_size as number) * 2 ** 20, maxL * maxL * 4));
    const cacheBase = scratch.alloc(cacheBytes);
    const ctx: KernelContext = { wasm, heap, X: pX, cols, norms: pNorms, spec };
    const work: SolverWork = {
      G: heap.f64(scratch.alloc(maxL * 8), maxL), Gbar: heap.f64(scratch.alloc(maxL * 8), maxL),
      QD: heap.f64(scratch.alloc(maxL * 8), maxL), status: heap.u8(scratch.alloc(maxL), maxL),
      out: heap.f64(scratch.alloc(16), 2),
    };

    const isSV = new Uint8Array(rows);
    const solved: { a: number; b: number; gidx: Int32Array; coef: Float64Array; rho: number }[] = [];
    const iters: number[] = [];
    this.kernelRowsComputed_ = 0;
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        const l = byClass[a].length + byClass[b].length;
        const sub: SubProblem = { l, gidx: gidx.subarray(0, l), ys: ys.subarray(0, l) };
        let t = 0;
        for (const r of byClass[a]) { sub.gidx[t] = r; sub.ys[t++] = 1; }
        for (const r of byClass[b]) { sub.gidx[t] = r; sub.ys[t++] = -1; }
        const sol = solveBinary(
          ctx, sub, perm.subarray(0, l), cacheBase, cacheBytes, diag, C, this.params.tol as number,
          this.params.shrinking as boolean, this.params.max_iter as number, work,
        );
        iters.push(sol.iterations);
        this.kernelRowsComputed_ += sol.rowsComputed;
        const svG: number[] = [];
        const svC: number[] = [];
        for (let s = 0; s < l; s++) {
          if (sol.alpha[s] > 0) {
            svG.push(sub.gidx[s]);
            svC.push(sub.ys[s] * sol.alpha[s]);
            isSV[sub.gidx[s]] = 1;
          }
        }
        solved.push({ a, b, gidx: Int32Array.from(svG), coef: Float64Array.from(svC), rho: sol.rho });
      }
    }

    // Support vectors grouped by class, in training order within a class (libsvm's layout).
    const support: number[] = [];
    const nSupport = new Int32Array(k);
    for (let c = 0; c < k; c++) {
      for (const r of byClass[c]) {
        if (isSV[r]) {
          support.push(r);
          nSupport[c]++;
        }
      }
    }
    const position = new Map<number, number>();
    support.forEach((r, p) => position.set(r, p));
    const svData = new Float32Array(support.length * cols);
    support.forEach((r, p) => svData.set(X.data.subarray(r * cols, (r + 1) * cols), p * cols));
    this.svNorms = Float64Array.from(support, (r) => norms[r]);
    this.pairs = solved.map((s) => ({
      a: s.a, b: s.b, rho: s.rho, coef: s.coef, sv: Int32Array.from(s.gidx, (r) => position.get(r)!),
    }));
    this.support_ = Int32Array.from(support);
    this.support_vectors_ = { data: svData, rows: support.length, cols };
    this.n_support_ = nSupport;
    this.intercept_ = Float64Array.from(solved, (s) => -s.rho);
    this.n_iter_ = Int32Array.from(iters);
    return this.finishFit(classes, cols);
  }

  /**
   * One-vs-one decision values, samples x pairs (row-major), in scikit-learn's
   * pair order (0 vs 1, 0 vs 2, ..., 1 vs 2, ...); positive favours the first class.
   */
  decisionOvo(X: Matrix): Float64Array {
    const pairs = this.pairs;
    const sv = this.support_vectors_!;
    const nSV = sv.rows;
    const nPairs = pairs.length;
    const out = new Float64Array(X.rows * nPairs);
    if (X.rows === 0) return out;
    const heap = this.heap;
    const wasm = kernelsFor(heap);
    const scratch = scratchFor(heap);
    scratch.reset();
    const spec = this.kernelSpec();
    const pX = scratch.pointerTo(X.data);
    const pSV = scratch.pointerTo(sv.data);
    const pSVn = scratch.pointerTo(this.svNorms!);
    const pXn = scratch.alloc(X.rows * 8);
    wasm.sqnorms_f32(pX, X.rows, X.cols, pXn);
    const chunk = Math.max(1, Math.min(X.rows, Math.floor((32 * 2 ** 20) / Math.max(1, nSV * 4))));
    const pK = scratch.alloc(chunk * Math.max(1, nSV) * 4);
    for (let r0 = 0; r0 < X.rows; r0 += chunk) {
      const n = Math.min(chunk, X.rows - r0);
      if (nSV > 0) {
        wasm.svm_kernel_block_f32(
          pX + r0 * X.cols * 4, n, pSV, nSV, X.cols, pXn + r0 * 8, pSVn,
          KERNEL_CODES[spec.kernel], spec.gamma, spec.coef0, spec.degree, pK,
        );
      }
      const K = heap.f32(pK, n * nSV);
      for (let r = 0; r < n; r++) {
        const o = r * nSV;
        for (let p = 0; p < nPairs; p++) {
          const { sv: idx, coef, rho } = pairs[p];
          let s = 0;
          for (let m = 0; m < idx.length; m++) s += coef[m] * K[o + idx[m]];
          out[(r0 + r) * nPairs + p] = s - rho;
        }
      }
    }
    return out;
  }

  /** scikit-learn's decision_function: ovo values, or their ovr transform (the default shape). */
  decisionFunction(X: Matrix): Float64Array {
    const dec = this.decisionOvo(X);
    if (this.params.decision_function_shape === "ovo") return dec;
    return ovrDecision(dec, X.rows, this.classes_!.length);
  }

  protected predictCodes(X: Matrix): Int32Array {
    const k = this.classes_!.length;
    const dec = this.decisionOvo(X);
    const out = new Int32Array(X.rows);
    if (this.params.break_ties === true && this.params.decision_function_shape === "ovr" && k > 2) {
      const ovr = ovrDecision(dec, X.rows, k);
      for (let r = 0; r < X.rows; r++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (ovr[r * k + c] > ovr[r * k + best]) best = c;
        out[r] = best;
      }
      return out;
    }
    const nPairs = this.pairs.length;
    const votes = new Int32Array(k);
    for (let r = 0; r < X.rows; r++) {
      votes.fill(0);
      for (let p = 0; p < nPairs; p++) {
        const { a, b } = this.pairs[p];
        if (dec[r * nPairs + p] > 0) votes[a]++;
        else votes[b]++;
      }
      let best = 0;
      for (let c = 1; c < k; c++) if (votes[c] > votes[best]) best = c;
      out[r] = best;
    }
    return out;
  }
}

/** K(x, x) from |x|^2. */
function kernelDiag(spec: KernelSpec, norm: number): number {
  switch (spec.kernel) {
    case "linear": return norm;
    case "rbf": return 1;
    case "poly": return (spec.gamma * norm + spec.coef0) ** spec.degree;
    case "sigmoid": return Math.tanh(spec.gamma * norm + spec.coef0);
  }
}

/** scikit-learn's ovr transform of one-vs-one decisions: votes plus confidences squashed into (-1/3, 1/3). */
function ovrDecision(dec: Float64Array, rows: number, k: number): Float64Array {
  const nPairs = (k * (k - 1)) / 2;
  const out = new Float64Array(rows * k);
  const conf = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    conf.fill(0);
    const o = r * k;
    let p = 0;
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++, p++) {
        const d = dec[r * nPairs + p];
        conf[a] += d;
        conf[b] -= d;
        if (d >= 0) out[o + a] += 1;
        else out[o + b] += 1;
      }
    }
    for (let c = 0; c < k; c++) out[o + c] += conf[c] / (3 * (Math.abs(conf[c]) + 1));
  }
  return out;
}

/** Bytes an SVC fit is expected to need: the kernel cache of the largest pair plus support vectors. */
export function estimateSvcMemory(params: Params, shape: { trainRows: number; cols: number; classes: number }): number {
  const cacheMb = typeof params.cache_size === "number" ? params.cache_size : DEFAULT_SVC_CACHE_MB;
  const maxL = Math.min(shape.trainRows, Math.ceil((2 * shape.trainRows) / Math.max(2, shape.classes)) * 1.2);
  const cache = Math.min(cacheMb * 2 ** 20, maxL * maxL * 4);
  return cache + 2 * shape.trainRows * shape.cols * 4 + 64 * 2 ** 20;
}
