import { scratchFor, type SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";
import { bindKernels, type BoundKernels } from "./bind.js";

/** Rows and columns of the micro-kernel tile of assembly/gemm.ts. */
const MR = 5;
const NR = 8;

/** Floats of work space gemm_f32 needs for a product with n columns and k steps (its packed panels). */
export function gemmWorkFloats(n: number, k: number): number {
  return Math.ceil(n / NR) * NR * k + MR * k + MR * NR;
}

/** Options of gemm beyond op(A). */
export interface GemmOptions {
  /** B is stored n x k and op(B) = B^T. Default false. */
  readonly transB?: boolean;
  /** Added to the product: C = op(A) op(B) + C0 (m x n). */
  readonly C0?: Float32Array;
}

/**
 * C = op(A) op(B) (m x n), all row-major f32, in WASM; op(A) = A^T (A stored k x m)
 * when `transA`. For tests and one-off use;
 * MLPClassifier calls the raw export on heap-resident buffers.
 */
export function gemm(
  heap: SharedHeap, transA: boolean, m: number, n: number, k: number, A: Float32Array, B: Float32Array,
  options: GemmOptions = {},
): Float32Array {
  if (A.length !== m * k || B.length !== k * n) throw new RangeError(`gemm: A must have ${m * k} and B ${k * n} values`);
  const { transB = false, C0 } = options;
  if (C0 && C0.length !== m * n) throw new RangeError(`gemm: C0 must have ${m * n} values`);
  const scratch = scratchFor(heap);
  scratch.reset();
  const out = scratch.alloc(m * n * 4);
  const C = heap.f32(out, m * n);
  if (C0) C.set(C0);
  if (m > 0 && n > 0) {
    const pa = scratch.pointerTo(A);
    const pb = scratch.pointerTo(B);
    const work = scratch.alloc(gemmWorkFloats(n, k) * 4);
    kernelsFor(heap).gemm_f32(
      m, n, k, pa, transA ? 1 : k, transA ? m : 1, pb, transB ? 1 : n, transB ? k : 1, out, n, C0 ? 1 : 0, work,
    );
  }
  return C.slice();
}

/** Plain-TS reference of gemm (f64 accumulation), for tests. */
export function gemmReference(
  transA: boolean, m: number, n: number, k: number, A: Float32Array, B: Float32Array,
  options: GemmOptions = {},
): Float64Array {
  const { transB = false, C0 } = options;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = C0 ? C0[i * n + j] : 0;
      for (let p = 0; p < k; p++) s += (transA ? A[p * m + i] : A[i * k + p]) * (transB ? B[j * k + p] : B[p * n + j]);
      out[i * n + j] = s;
    }
  }
  return out;
}
/** One Adam step in WASM on copies of the inputs; returns the new parameters, m and v. For tests. */
export function adamStep(
  heap: SharedHeap, param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
  lrT: number, b1: number, b2: number, eps: number,
): { param: Float32Array; m: Float32Array; v: Float32Array } {
  const n = param.length;
  const scratch = scratchFor(heap);
  scratch.reset();
  const buf = (a: Float32Array) => {
    const p = scratch.alloc(n * 4);
    heap.f32(p, n).set(a);
    return p;
  };
  const pp = buf(param);
  const pg = buf(grad);
  const pm = buf(m);
  const pv = buf(v);
  kernelsFor(heap).adam_f32(pp, pg, pm, pv, n, lrT, b1, b2, eps);
  return { param: heap.f32(pp, n).slice(), m: heap.f32(pm, n).slice(), v: heap.f32(pv, n).slice() };
}

/** Plain-TS reference of adamStep. */
export function adamStepReference(
  param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, lrT: number, b1: number, b2: number, eps: number,
): { param: Float64Array; m: Float64Array; v: Float64Array } {
  const mm = Float64Array.from(m, (x, i) => b1 * x + (1 - b1) * grad[i]);
  const vv = Float64Array.from(v, (x, i) => b2 * x + (1 - b2) * grad[i] * grad[i]);
  return { param: Float64Array.from(param, (p, i) => p - (lrT * mm[i]) / (Math.sqrt(vv[i]) + eps)), m: mm, v: vv };
}

/** The L2 step of a weight gradient in WASM on a copy: g' = (g + alpha w) * inv; returns g' and sum w^2. For tests. */
export function l2Grad(
  heap: SharedHeap, g: Float32Array, w: Float32Array, alpha: number, inv: number,
): { grad: Float32Array; sumSq: number } {
  if (g.length !== w.length) throw new RangeError(`l2Grad: g and w must have the same length; got ${g.length} and ${w.length}`);
  const n = g.length;
  const scratch = scratchFor(heap);
  scratch.reset();
  const pg = scratch.alloc(n * 4);
  heap.f32(pg, n).set(g);
  const pw = scratch.pointerTo(w);
  const sumSq = kernelsFor(heap).l2_grad_f32(pg, pw, n, alpha, inv);
  return { grad: heap.f32(pg, n).slice(), sumSq };
}

/** Plain-TS reference of l2Grad (float64, each result rounded to float32). */
export function l2GradReference(g: Float32Array, w: Float32Array, alpha: number, inv: number): { grad: Float32Array; sumSq: number } {
  let sumSq = 0;
  for (const x of w) sumSq += x * x;
  return { grad: Float32Array.from(g, (x, i) => (x + alpha * w[i]) * inv), sumSq };
}

/** tanh of every value in WASM (float64 inside, rounded to float32), on a copy. For tests. */
export function tanhF32(heap: SharedHeap, x: Float32Array): Float32Array {
  const scratch = scratchFor(heap);
  scratch.reset();
  const p = scratch.alloc(x.length * 4);
  heap.f32(p, x.length).set(x);
  kernelsFor(heap).tanh_f32(p, x.length);
  return heap.f32(p, x.length).slice();
}

/** Plain-TS reference of tanhF32: Math.tanh rounded to float32. */
export function tanhF32Reference(x: Float32Array): Float32Array {
  return Float32Array.from(x, Math.tanh);
}

/** bias_act_f32 on a copy: act(A + bias) row by row; act 0 identity, 1 relu, 2 tanh. For tests. */
export function biasAct(heap: SharedHeap, A: Float32Array, rows: number, cols: number, bias: Float32Array, act: number): Float32Array {
  if (A.length !== rows * cols || bias.length !== cols) throw new RangeError(`biasAct: A must have ${rows * cols} and bias ${cols} values`);
  const scratch = scratchFor(heap);
  scratch.reset();
  const pa = scratch.alloc(A.length * 4);
  heap.f32(pa, A.length).set(A);
  kernelsFor(heap).bias_act_f32(pa, rows, cols, scratch.pointerTo(bias), act);
  return heap.f32(pa, A.length).slice();
}

/** Plain-TS reference of biasAct (the JS loops MLPClassifier used before). */
export function biasActReference(A: Float32Array, rows: number, cols: number, bias: Float32Array, act: number): Float32Array {
  const out = A.slice();
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[r * cols + j] += bias[j];
  if (act === 1) for (let i = 0; i < out.length; i++) if (out[i] < 0) out[i] = 0;
  if (act === 2) for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i]);
  return out;
}

/** bias_grad_f32: column sums of D (rows x cols) times inv. For tests. */
export function biasGrad(heap: SharedHeap, D: Float32Array, rows: number, cols: number, inv: number): Float32Array {
  if (D.length !== rows * cols) throw new RangeError(`biasGrad: D must have ${rows * cols} values`);
  const scratch = scratchFor(heap);
  scratch.reset();
  const out = scratch.alloc(cols * 4);
  kernelsFor(heap).bias_grad_f32(scratch.pointerTo(D), rows, cols, out, inv);
  return heap.f32(out, cols).slice();
}

/** Plain-TS reference of biasGrad: float32 running sums in row order, then the scale. */
export function biasGradReference(D: Float32Array, rows: number, cols: number, inv: number): Float32Array {
  const out = new Float32Array(cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[j] += D[r * cols + j];
  for (let j = 0; j < cols; j++) out[j] *= inv;
  return out;
}

/** act_grad_f32 on a copy of D: D * act'(A); act 1 relu, 2 tanh, 3 logistic (0 leaves D). For tests. */
export function actGrad(heap: SharedHeap, A: Float32Array, D: Float32Array, act: number): Float32Array {
  if (A.length !== D.length) throw new RangeError("actGrad: A and D must have the same length");
  const scratch = scratchFor(heap);
  scratch.reset();
  const pd = scratch.alloc(D.length * 4);
  heap.f32(pd, D.length).set(D);
  kernelsFor(heap).act_grad_f32(scratch.pointerTo(A), pd, D.length, act);
  return heap.f32(pd, D.length).slice();
}

/** Plain-TS reference of actGrad (the JS loops MLPClassifier used before). */
export function actGradReference(A: Float32Array, D: Float32Array, act: number): Float32Array {
  const d = D.slice();
  if (act === 1) for (let i = 0; i < d.length; i++) if (A[i] === 0) d[i] = 0;
  if (act === 2) for (let i = 0; i < d.length; i++) d[i] *= 1 - A[i] * A[i];
  if (act === 3) for (let i = 0; i < d.length; i++) d[i] *= A[i] * (1 - A[i]);
  return d;
}

/** softmax_rows_f32 on a copy of the rows x K scores Z. For tests (linalg's softmaxRows is its plain-TS reference). */
export function softmaxRowsF32(heap: SharedHeap, Z: Float32Array, rows: number, K: number): Float32Array {
  if (Z.length !== rows * K) throw new RangeError(`softmaxRowsF32: Z must have ${rows * K} values`);
  const scratch = scratchFor(heap);
  scratch.reset();
  const p = scratch.alloc(Z.length * 4);
  heap.f32(p, Z.length).set(Z);
  kernelsFor(heap).softmax_rows_f32(p, rows, K);
  return heap.f32(p, Z.length).slice();
}

const MLP = {
  gemm: "gemm_f32", biasAct: "bias_act_f32", l2Grad: "l2_grad_f32", biasGrad: "bias_grad_f32",
  gatherRows: "gather_rows_f32", adam: "adam_f32", softmaxRows: "softmax_rows_f32",
  actGrad: "act_grad_f32",
} as const;

/**
 * `heap`'s MLP kernels (assembly/gemm.ts, assembly/mlp.ts) on heap-resident buffers, as
 * MLPClassifier drives them: gemm (gemm_f32's packed product), biasAct, l2Grad, biasGrad,
 * gatherRows, adam, softmaxRows (assembly/softmax.ts), actGrad. Pointers are byte offsets into the heap.
 */
export const mlpKernels = (heap: SharedHeap): MlpKernels => bindKernels(heap, MLP);
export type MlpKernels = BoundKernels<typeof MLP>;
