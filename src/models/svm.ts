import type { Matrix } from "../core/matrix.js";
import { ParamError } from "../errors.js";
import { sqNormsAt } from "../kernels/linalg.js";
import { KERNEL_CODES, svmKernels, type KernelName, type KernelSpec, type SvmKernels } from "../kernels/svm.js";
import { definePieces, f64At, heapRef, i32At, runPieces, type HeapRef } from "../parallel/pieces.js";
import { scratchFor, type SharedHeap } from "../wasm/heap.js";
import { threadHeap } from "../wasm/load.js";
import { BaseClassifier } from "./estimator.js";
import type { ParamSpecs, Params, ParamsOf } from "../params.js";

/**
 * Default kernel-row cache in MB. scikit-learn's default is 200; fmbench takes 500,
 * which holds the whole Q matrix of a one-vs-one subproblem of up to about 11,000
 * samples (two Fashion-MNIST classes of the 60,000-image training set need 12,000),
 * and allocates only what a subproblem can use (l^2 * 4 bytes at most).
 */
export const DEFAULT_SVC_CACHE_MB = 500;

const SVC_PARAMS = {
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
} as const satisfies ParamSpecs;

/** SVC's constructor params, typed from its declarations above. */
export type SVCParams = ParamsOf<typeof SVC_PARAMS>;

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
  readonly wasm: SvmKernels;
  readonly heap: SharedHeap;
  readonly X: number;
  readonly cols: number;
  readonly norms: number;
  readonly spec: KernelSpec;
}

/**
 * Q-matrix rows of one subproblem with an LRU cache of rows, as libsvm keeps them: the
 * subproblem's indices are permuted in place so that the active set is a prefix, a
 * cached row holds its first `len` entries (in the current order), a shorter row is
 * extended rather than recomputed, and swapping two indices swaps their entries in
 * every cached row (or drops a row that holds only the first of them).
 */
class QCache {
  private readonly slotOf: Int32Array;
  private readonly owner: Int32Array;
  private readonly lastUsed: Float64Array;
  private readonly len: Int32Array;
  private readonly rows: Float32Array[];
  private readonly base: number;
  private clock = 0;
  rowsComputed = 0;

  /** `identity` holds 0 .. l-1 in the heap: the kernel's list of the entries to compute. */
  constructor(
    private readonly ctx: KernelContext, private readonly sub: SubProblem, private readonly identity: Int32Array,
    cacheBase: number, cacheBytes: number,
  ) {
    const l = sub.l;
    const slots = Math.max(2, Math.min(l, Math.floor(cacheBytes / (l * 4))));
    this.base = cacheBase;
    this.slotOf = new Int32Array(l).fill(-1);
    this.owner = new Int32Array(slots).fill(-1);
    this.lastUsed = new Float64Array(slots);
    this.len = new Int32Array(slots);
    this.rows = [];
    for (let s = 0; s < slots; s++) this.rows.push(ctx.heap.f32(cacheBase + s * l * 4, l));
  }

  /** Row i of Q, valid on its first `len` entries. */
  get(i: number, len: number): Float32Array {
    let s = this.slotOf[i];
    if (s < 0) {
      s = 0;
      for (let k = 1; k < this.owner.length; k++) if (this.lastUsed[k] < this.lastUsed[s]) s = k;
      if (this.owner[s] >= 0) this.slotOf[this.owner[s]] = -1;
      this.owner[s] = i;
      this.slotOf[i] = s;
      this.len[s] = 0;
    }
    this.lastUsed[s] = ++this.clock;
    const have = this.len[s];
    if (have < len) {
      const { wasm, X, cols, norms, spec } = this.ctx;
      wasm.qRow(
        X, cols, norms, this.sub.gidx.byteOffset, this.sub.ys.byteOffset, this.identity.byteOffset + have * 4, len - have, i,
        KERNEL_CODES[spec.kernel], spec.gamma, spec.coef0, spec.degree, this.base + s * this.sub.l * 4,
      );
      this.rowsComputed++;
      this.len[s] = len;
    }
    return this.rows[s];
  }

  /** Follows the solver's swap of indices i < j. */
  swapIndex(i: number, j: number): void {
    const { slotOf, owner, len, rows } = this;
    const si = slotOf[i];
    const sj = slotOf[j];
    slotOf[i] = sj;
    slotOf[j] = si;
    if (si >= 0) owner[si] = j;
    if (sj >= 0) owner[sj] = i;
    for (let s = 0; s < owner.length; s++) {
      if (len[s] <= i) continue;
      const row = rows[s];
      if (len[s] > j) {
        const t = row[i];
        row[i] = row[j];
        row[j] = t;
      } else {
        slotOf[owner[s]] = -1;
        owner[s] = -1;
        len[s] = 0;
        this.lastUsed[s] = 0;
      }
    }
  }
}

/** A subproblem's solver buffers in the heap, read by the WASM loops. */
interface SolverWork {
  readonly G: Float64Array;
  readonly Gbar: Float64Array;
  readonly QD: Float64Array;
  /** y_t where t is in I_up (I_low), else 0: what the selection kernels read (assembly/svm.ts). */
  readonly yUp: Float64Array;
  readonly yLow: Float64Array;
  /** 0 .. l-1 (see QCache). */
  readonly identity: Int32Array;
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
 * the algorithm's description; variable names follow the paper. As libsvm, it keeps
 * the active set a prefix of the subproblem by swapping indices (sub's gidx and ys
 * too, restored on return), so that the per-iteration loops run over contiguous arrays.
 */
function solveBinary(
  ctx: KernelContext, sub: SubProblem, cacheBase: number, cacheBytes: number,
  diag: Float64Array, C: number, eps: number, shrinking: boolean, maxIter: number, work: SolverWork,
): BinarySolution {
  const l = sub.l;
  const wasm = ctx.wasm;
  const { gidx, ys } = sub;
  const y = new Int8Array(l);
  for (let t = 0; t < l; t++) y[t] = ys[t] > 0 ? 1 : -1;
  /** The original index of each position. */
  const orig = new Int32Array(l);
  for (let t = 0; t < l; t++) orig[t] = t;
  const identity = work.identity.subarray(0, l);
  for (let t = 0; t < l; t++) identity[t] = t;
  const q = new QCache(ctx, sub, identity, cacheBase, cacheBytes);
  const QD = work.QD.subarray(0, l);
  for (let t = 0; t < l; t++) QD[t] = diag[gidx[t]];
  const alpha = new Float64Array(l);
  const status = new Uint8Array(l).fill(LOWER);
  const G = work.G.subarray(0, l).fill(-1);
  const Gbar = work.Gbar.subarray(0, l).fill(0);
  const yUp = work.yUp.subarray(0, l);
  const yLow = work.yLow.subarray(0, l);
  const pG = G.byteOffset;
  const out = work.out;
  let activeSize = l;
  let unshrink = false;

  const isUpper = (t: number) => status[t] === UPPER;
  const isLower = (t: number) => status[t] === LOWER;
  const setStatus = (t: number) => {
    const st = alpha[t] >= C ? UPPER : alpha[t] <= 0 ? LOWER : FREE;
    status[t] = st;
    yUp[t] = st === (y[t] === 1 ? UPPER : LOWER) ? 0 : y[t];
    yLow[t] = st === (y[t] === 1 ? LOWER : UPPER) ? 0 : y[t];
  };
  for (let t = 0; t < l; t++) setStatus(t);

  const swap = <T extends { [k: number]: number }>(a: T, i: number, j: number) => {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  };
  /** Every per-index array, swapped together (libsvm's swap_index). */
  const perIndex = [gidx, ys, y, orig, QD, alpha, status, G, Gbar, yUp, yLow];
  const swapIndex = (i: number, j: number) => {
    q.swapIndex(i, j);
    for (const a of perIndex) swap(a, i, j);
  };

  const reconstructGradient = () => {
    if (activeSize === l) return;
    for (let t = activeSize; t < l; t++) G[t] = Gbar[t] - 1;
    let nrFree = 0;
    for (let t = 0; t < activeSize; t++) if (status[t] === FREE) nrFree++;
    if (nrFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const Qi = q.get(i, activeSize);
        let g = G[i];
        for (let t = 0; t < activeSize; t++) if (status[t] === FREE) g += alpha[t] * Qi[t];
        G[i] = g;
      }
    } else {
      for (let i = 0; i < activeSize; i++) {
        if (status[i] !== FREE) continue;
        const Qi = q.get(i, l);
        const a = alpha[i];
        for (let t = activeSize; t < l; t++) G[t] += a * Qi[t];
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
    for (let t = 0; t < activeSize; t++) {
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
    }
    for (let k = 0; k < activeSize; k++) {
      if (!beShrunk(k, gmax1, gmax2)) continue;
      activeSize--;
      while (activeSize > k) {
        if (!beShrunk(activeSize, gmax1, gmax2)) {
          swapIndex(k, activeSize);
          break;
        }
        activeSize--;
      }
    }
  };

  let outI = -1;
  let outJ = -1;
  /** The first index as the last gradient update found it (with its -y G in out[0]), while the active set is unchanged. */
  let nextI: number | null = null;
  /** Second-order working-set selection; false when the KKT conditions hold within eps. */
  const selectWorkingSet = (): boolean => {
    const i = nextI ?? wasm.wssI(pG, yUp.byteOffset, activeSize, out.byteOffset);
    nextI = null;
    const gmax = out[0];
    let j = -1;
    let gmax2 = -Infinity;
    if (i !== -1) {
      const Qi = q.get(i, activeSize);
      j = wasm.wssJ(pG, yLow.byteOffset, QD.byteOffset, Qi.byteOffset, activeSize, i, y[i], gmax, out.byteOffset);
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
      if (shrinking) {
        doShrinking();
        nextI = null;
      }
    }
    if (!selectWorkingSet()) {
      reconstructGradient();
      activeSize = l;
      if (!selectWorkingSet()) break;
      counter = 1; // shrink at the next iteration
    }
    iter++;
    const i = outI;
    const j = outJ;
    const Qi = q.get(i, activeSize);
    const Qj = q.get(j, activeSize);
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
    const ui = isUpper(i);
    const uj = isUpper(j);
    setStatus(i);
    setStatus(j);
    nextI = wasm.updateG(pG, Qi.byteOffset, Qj.byteOffset, yUp.byteOffset, activeSize, ai - oldAi, aj - oldAj, out.byteOffset);
    if (ui !== isUpper(i)) {
      wasm.axpyGbar(Gbar.byteOffset, q.get(i, l).byteOffset, l, ui ? -C : C);
    }
    if (uj !== isUpper(j)) {
      wasm.axpyGbar(Gbar.byteOffset, q.get(j, l).byteOffset, l, uj ? -C : C);
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
  // Back to the subproblem's own order.
  const alphaOut = new Float64Array(l);
  const gidxOut = new Int32Array(l);
  const ysOut = new Float32Array(l);
  for (let t = 0; t < l; t++) {
    alphaOut[orig[t]] = alpha[t];
    gidxOut[orig[t]] = gidx[t];
    ysOut[orig[t]] = ys[t];
  }
  gidx.set(gidxOut);
  ys.set(ysOut);
  return { alpha: alphaOut, rho, iterations: iter, rowsComputed: q.rowsComputed };
}

/** The one-vs-one problems of k classes in scikit-learn's order: (0, 1), (0, 2), ..., (1, 2), ... */
function ovoPairs(k: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) out.push([a, b]);
  return out;
}

/** What every one-vs-one problem of a fit reads: the training data in the heap and the resolved settings. */
interface OvoArgs {
  /** Training rows (f32, row-major), their |x|^2 and K(x, x) (f64). */
  readonly X: HeapRef;
  readonly cols: number;
  readonly norms: HeapRef;
  readonly diag: HeapRef;
  /** Training rows grouped by class, in training order within a class: class c at [classStart[c], classStart[c + 1]). */
  readonly byClass: HeapRef;
  readonly classStart: number[];
  readonly spec: KernelSpec;
  readonly C: number;
  readonly tol: number;
  readonly shrinking: boolean;
  readonly maxIter: number;
  /** The largest problem's size: every problem reserves the scratch of that one (see solverBytes). */
  readonly maxL: number;
  /** The kernel cache asked for (see affordableCache). */
  readonly cacheBytes: number;
}

/** A solved one-vs-one problem: its support vectors as training rows, their y_i alpha_i, and rho. */
interface OvoSolution {
  readonly sv: Int32Array;
  readonly coef: Float64Array;
  readonly rho: number;
  readonly iterations: number;
  readonly rowsComputed: number;
}

/** Scratch one problem of at most maxL rows takes: three index/label arrays, G, G-bar, QD, yUp, yLow, out, the cache. */
function solverBytes(maxL: number, cacheBytes: number): number {
  const ALLOCATIONS = 10; // each rounded up to the arena's 64-byte alignment
  return 3 * maxL * 4 + 5 * maxL * 8 + 16 + cacheBytes + ALLOCATIONS * 64;
}

/**
 * The kernel cache one problem takes in this thread now: what the fit asks (cache_size MB,
 * at most the largest problem's whole Q matrix), at most a quarter of what the heap has
 * left, never under two rows (the working set's rows i and j are held at once). Each
 * thread that solves problems keeps a cache in its piece arena (arenas keep their size)
 * in the one 4 GiB heap: a share of what is left, rather than a fixed size, leaves room
 * however many threads hold one, and one thread alone still gets cache_size unless the
 * data fill half the heap. The heap only fills, so a thread's later problems ask no more
 * than its first and its arena grows at most once per fit. Speed only, never results.
 */
function affordableCache(cacheBytes: number, maxL: number, heap: SharedHeap): number {
  return Math.max(2 * maxL * 4, Math.min(cacheBytes, Math.floor(heap.headroomBytes / 4)));
}

/**
 * Solves one-vs-one problem `index` (ovoPairs' order) as libsvm lays it out: the first
 * class's rows (+1), then the second's (-1), each in training order.
 */
const OVO_PROBLEMS = definePieces("SVC.ovo", (a: OvoArgs, index: number, heap: SharedHeap): OvoSolution => {
  const [first, second] = ovoPairs(a.classStart.length - 1)[index];
  const byClass = i32At(heap, a.byClass);
  const pos = byClass.subarray(a.classStart[first], a.classStart[first + 1]);
  const neg = byClass.subarray(a.classStart[second], a.classStart[second + 1]);
  const l = pos.length + neg.length;
  const cacheBytes = affordableCache(a.cacheBytes, a.maxL, heap);
  const scratch = scratchFor(heap);
  // Sized for the largest problem, so that the arena does not grow again for a larger one.
  scratch.reset(solverBytes(a.maxL, cacheBytes));
  const gidx = heap.i32(scratch.alloc(l * 4), l);
  gidx.set(pos);
  gidx.set(neg, pos.length);
  const ys = heap.f32(scratch.alloc(l * 4), l);
  ys.fill(1, 0, pos.length).fill(-1, pos.length);
  const work: SolverWork = {
    G: heap.f64(scratch.alloc(l * 8), l), Gbar: heap.f64(scratch.alloc(l * 8), l), QD: heap.f64(scratch.alloc(l * 8), l),
    yUp: heap.f64(scratch.alloc(l * 8), l), yLow: heap.f64(scratch.alloc(l * 8), l),
    identity: heap.i32(scratch.alloc(l * 4), l), out: heap.f64(scratch.alloc(16), 2),
  };
  const cacheBase = scratch.alloc(cacheBytes);
  const ctx: KernelContext = { wasm: svmKernels(heap), heap, X: a.X.at, cols: a.cols, norms: a.norms.at, spec: a.spec };
  const sol = solveBinary(
    ctx, { l, gidx, ys }, cacheBase, cacheBytes, f64At(heap, a.diag), a.C, a.tol, a.shrinking, a.maxIter, work,
  );
  const sv: number[] = [];
  const coef: number[] = [];
  for (let s = 0; s < l; s++) {
    if (sol.alpha[s] > 0) {
      sv.push(gidx[s]);
      coef.push(ys[s] * sol.alpha[s]);
    }
  }
  return {
    sv: Int32Array.from(sv), coef: Float64Array.from(coef), rho: sol.rho,
    iterations: sol.iterations, rowsComputed: sol.rowsComputed,
  };
});

/** Query rows per piece of decisionOvo: fixed, so the blocks depend on the number of queries only. */
const DECISION_BLOCK = 1024;
/** Most bytes of kernel values a decision piece holds at once (fewer rows at a time when there are many support vectors). */
const KERNEL_BLOCK_BYTES = 32 * 2 ** 20;

/** Rows of a decision block whose kernel values are computed at once. */
function kernelChunk(nSV: number): number {
  return Math.max(1, Math.min(DECISION_BLOCK, Math.floor(KERNEL_BLOCK_BYTES / Math.max(1, nSV * 4))));
}

/** Scratch of one decision piece: its rows' |x|^2 and a chunk of kernel values. */
function decisionBytes(nSV: number): number {
  return DECISION_BLOCK * 8 + kernelChunk(nSV) * Math.max(1, nSV) * 4 + 2 * 64;
}

/** What every block of a decisionOvo call reads, in the heap. */
interface DecisionArgs {
  /** Query rows (f32, row-major). */
  readonly X: HeapRef;
  readonly rows: number;
  readonly cols: number;
  /** Support vectors (f32, row-major) and their |x|^2 (f64). */
  readonly sv: HeapRef;
  readonly svNorms: HeapRef;
  readonly nSV: number;
  /** Pair p's support vectors (rows of sv) and coefficients at [pairStart[p], pairStart[p + 1]), and its rho. */
  readonly svIndex: HeapRef;
  readonly coef: HeapRef;
  readonly pairStart: HeapRef;
  readonly rho: HeapRef;
  readonly spec: KernelSpec;
}

/** Decision values (rows x pairs) of query block `index`, rows [index * DECISION_BLOCK, ...). */
const DECISION_BLOCKS = definePieces("SVC.decision", (a: DecisionArgs, index: number, heap: SharedHeap): Float64Array => {
  const r0 = index * DECISION_BLOCK;
  const n = Math.min(DECISION_BLOCK, a.rows - r0);
  const { nSV, cols, spec } = a;
  const idx = i32At(heap, a.svIndex);
  const coef = f64At(heap, a.coef);
  const start = i32At(heap, a.pairStart);
  const rho = f64At(heap, a.rho);
  const nPairs = rho.length;
  const out = new Float64Array(n * nPairs);
  const wasm = svmKernels(heap);
  const scratch = scratchFor(heap);
  const pX = a.X.at + r0 * cols * 4;
  const pXn = scratch.alloc(n * 8);
  sqNormsAt(heap, pX, n, cols, 0, pXn);
  const chunk = kernelChunk(nSV);
  const pK = scratch.alloc(chunk * Math.max(1, nSV) * 4);
  // Each kernel value depends on its query row and support vector alone, so blocks and
  // chunks leave the values as one pass over all rows would make them.
  for (let c0 = 0; c0 < n; c0 += chunk) {
    const m = Math.min(chunk, n - c0);
    if (nSV > 0) {
      wasm.kernelBlock(
        pX + c0 * cols * 4, m, a.sv.at, nSV, cols, pXn + c0 * 8, a.svNorms.at,
        KERNEL_CODES[spec.kernel], spec.gamma, spec.coef0, spec.degree, pK,
      );
    }
    const K = heap.f32(pK, m * nSV);
    for (let r = 0; r < m; r++) {
      const o = r * nSV;
      for (let p = 0; p < nPairs; p++) {
        let s = 0;
        for (let t = start[p]; t < start[p + 1]; t++) s += coef[t] * K[o + idx[t]];
        out[(c0 + r) * nPairs + p] = s - rho[p];
      }
    }
  }
  return out;
});

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
 * Only `probability=false` and no class weights. The one-vs-one problems, and blocks
 * of 1024 queries at prediction, are pieces that idle threads may take
 * (parallel/pieces.ts); the model and its decisions are the same to the bit whoever
 * ran which.
 */
export class SVC extends BaseClassifier<typeof SVC_PARAMS> {
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
  /** Kernel rows the solver computed (cache misses), over all subproblems; the cache size (see affordableCache) sets it. */
  kernelRowsComputed_ = 0;
  private pairs: PairModel[] = [];
  private svNorms: Float64Array | null = null;
  private readonly heap: SharedHeap;

  constructor(params: SVCParams = {}, heap: SharedHeap = threadHeap()) {
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
    const heap = this.heap;
    // In this thread's scratch, which the problems (in piece scratch) leave alone until fit returns.
    const scratch = scratchFor(heap);
    scratch.reset();
    const Xh = heap.f32(scratch.pointerTo(X.data), rows * cols);
    const norms = heap.f64(scratch.alloc(rows * 8), rows);
    sqNormsAt(heap, Xh.byteOffset, rows, cols, 0, norms.byteOffset);
    const diag = heap.f64(scratch.alloc(rows * 8), rows);
    for (let r = 0; r < rows; r++) diag[r] = kernelDiag(spec, norms[r]);
    // Training rows grouped by class; a counting sort keeps training order within a class.
    const classStart = new Array<number>(k + 1).fill(0);
    for (let r = 0; r < rows; r++) classStart[codes[r] + 1]++;
    for (let c = 0; c < k; c++) classStart[c + 1] += classStart[c];
    const byClass = heap.i32(scratch.alloc(rows * 4), rows);
    const next = classStart.slice(0, k);
    for (let r = 0; r < rows; r++) byClass[next[codes[r]]++] = r;
    const classSize = (c: number) => classStart[c + 1] - classStart[c];
    const pairs = ovoPairs(k);
    const maxL = pairs.reduce((m, [a, b]) => Math.max(m, classSize(a) + classSize(b)), 0);
    const cacheBytes = Math.max(2 * maxL * 4, Math.floor(Math.min((this.params.cache_size as number) * 2 ** 20, maxL * maxL * 4)));
    const args: OvoArgs = {
      X: heapRef(heap, Xh), cols, norms: heapRef(heap, norms), diag: heapRef(heap, diag),
      byClass: heapRef(heap, byClass), classStart, spec, C: this.params.C as number, tol: this.params.tol as number,
      shrinking: this.params.shrinking as boolean, maxIter: this.params.max_iter as number, maxL, cacheBytes,
    };
    const solved = runPieces(OVO_PROBLEMS, args, pairs.length, {
      heap, pieceBytes: solverBytes(maxL, cacheBytes), label: "SVC one-vs-one problems",
    });

    // Support vectors grouped by class, in training order within a class (libsvm's layout).
    const isSV = new Uint8Array(rows);
    for (const s of solved) for (const r of s.sv) isSV[r] = 1;
    const support: number[] = [];
    const nSupport = new Int32Array(k);
    for (const r of byClass) {
      if (isSV[r]) {
        support.push(r);
        nSupport[codes[r]]++;
      }
    }
    const position = new Map<number, number>();
    support.forEach((r, p) => position.set(r, p));
    const svData = new Float32Array(support.length * cols);
    support.forEach((r, p) => svData.set(X.data.subarray(r * cols, (r + 1) * cols), p * cols));
    this.svNorms = Float64Array.from(support, (r) => norms[r]);
    this.pairs = solved.map((s, p) => ({
      a: pairs[p][0], b: pairs[p][1], rho: s.rho, coef: s.coef, sv: Int32Array.from(s.sv, (r) => position.get(r)!),
    }));
    this.support_ = Int32Array.from(support);
    this.support_vectors_ = { data: svData, rows: support.length, cols };
    this.n_support_ = nSupport;
    this.intercept_ = Float64Array.from(solved, (s) => -s.rho);
    this.n_iter_ = Int32Array.from(solved, (s) => s.iterations);
    this.kernelRowsComputed_ = solved.reduce((n, s) => n + s.rowsComputed, 0);
    return this.finishFit(classes, cols);
  }

  /**
   * One-vs-one decision values, samples x pairs (row-major), in scikit-learn's
   * pair order (0 vs 1, 0 vs 2, ..., 1 vs 2, ...); positive favours the first class.
   */
  decisionOvo(X: Matrix): Float64Array {
    this.checkPredictInput(X);
    const pairs = this.pairs;
    const sv = this.support_vectors_!;
    const nPairs = pairs.length;
    const out = new Float64Array(X.rows * nPairs);
    if (X.rows === 0) return out;
    const heap = this.heap;
    // In this thread's scratch, which the blocks (in piece scratch) leave alone until the call returns.
    const scratch = scratchFor(heap);
    scratch.reset();
    const pairStart = heap.i32(scratch.alloc((nPairs + 1) * 4), nPairs + 1);
    pairStart[0] = 0;
    pairs.forEach((pair, p) => { pairStart[p + 1] = pairStart[p] + pair.sv.length; });
    const svIndex = heap.i32(scratch.alloc(pairStart[nPairs] * 4), pairStart[nPairs]);
    const coef = heap.f64(scratch.alloc(pairStart[nPairs] * 8), pairStart[nPairs]);
    const rho = heap.f64(scratch.alloc(nPairs * 8), nPairs);
    pairs.forEach((pair, p) => {
      svIndex.set(pair.sv, pairStart[p]);
      coef.set(pair.coef, pairStart[p]);
      rho[p] = pair.rho;
    });
    const queries = heap.f32(scratch.pointerTo(X.data), X.rows * X.cols);
    const svData = heap.f32(scratch.pointerTo(sv.data), sv.data.length);
    const svNorms = heap.f64(scratch.pointerTo(this.svNorms!), sv.rows);
    const args: DecisionArgs = {
      X: heapRef(heap, queries), rows: X.rows, cols: X.cols,
      sv: heapRef(heap, svData), svNorms: heapRef(heap, svNorms), nSV: sv.rows,
      svIndex: heapRef(heap, svIndex), coef: heapRef(heap, coef), pairStart: heapRef(heap, pairStart), rho: heapRef(heap, rho),
      spec: this.kernelSpec(),
    };
    const blocks = runPieces(DECISION_BLOCKS, args, Math.ceil(X.rows / DECISION_BLOCK), {
      heap, pieceBytes: decisionBytes(sv.rows), label: "SVC decision blocks",
    });
    blocks.forEach((block, i) => out.set(block, i * DECISION_BLOCK * nPairs));
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
