import type { Matrix } from "../core/matrix.js";
import { scratchFor, type SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";
import { bindKernels, type BoundKernels } from "./bind.js";
import { sqNormsAt } from "./linalg.js";

/** Kernel function codes shared with assembly/svm.ts. */
export const KERNEL_CODES = { linear: 0, poly: 1, rbf: 2, sigmoid: 3 } as const;
export type KernelName = keyof typeof KERNEL_CODES;

/** A kernel function with its resolved parameters (gamma already a number). */
export interface KernelSpec {
  readonly kernel: KernelName;
  readonly gamma: number;
  readonly coef0: number;
  readonly degree: number;
}

/** K(x, y) from x.y and the squared norms, as the WASM kernels compute it (f64). */
export function kernelFromDot(spec: KernelSpec, dot: number, na: number, nb: number): number {
  switch (spec.kernel) {
    case "linear": return dot;
    case "rbf": return Math.exp(-spec.gamma * Math.max(0, na + nb - 2 * dot));
    case "poly": return (spec.gamma * dot + spec.coef0) ** spec.degree;
    case "sigmoid": return Math.tanh(spec.gamma * dot + spec.coef0);
  }
}

/** |x|^2 of every row of X (f64), computed in WASM (sqNormsAt). */
export function sqNorms(heap: SharedHeap, X: Matrix): Float64Array {
  const scratch = scratchFor(heap);
  scratch.reset();
  const out = scratch.alloc(X.rows * 8);
  sqNormsAt(heap, scratch.pointerTo(X.data), X.rows, X.cols, 0, out);
  return heap.f64(out, X.rows).slice();
}

/** out[r, c] = K(A[r], B[c]), row-major A.rows x B.rows, f32, computed in WASM. */
export function kernelBlock(heap: SharedHeap, A: Matrix, B: Matrix, spec: KernelSpec): Float32Array {
  if (A.cols !== B.cols) throw new RangeError(`kernelBlock: A has ${A.cols} columns but B has ${B.cols}`);
  const na = sqNorms(heap, A);
  const nb = sqNorms(heap, B);
  const scratch = scratchFor(heap);
  scratch.reset();
  const out = scratch.alloc(A.rows * B.rows * 4);
  if (A.rows > 0 && B.rows > 0) {
    kernelsFor(heap).svm_kernel_block_f32(
      scratch.pointerTo(A.data), A.rows, scratch.pointerTo(B.data), B.rows, A.cols, scratch.pointerTo(na),
      scratch.pointerTo(nb), KERNEL_CODES[spec.kernel], spec.gamma, spec.coef0, spec.degree, out,
    );
  }
  return heap.f32(out, A.rows * B.rows).slice();
}

/** Plain-TS reference of kernelBlock (f64 throughout), for tests. */
export function kernelBlockReference(A: Matrix, B: Matrix, spec: KernelSpec): Float64Array {
  const out = new Float64Array(A.rows * B.rows);
  const norm = (M: Matrix, r: number) => {
    let s = 0;
    for (let j = 0; j < M.cols; j++) s += M.data[r * M.cols + j] ** 2;
    return s;
  };
  for (let r = 0; r < A.rows; r++) {
    for (let c = 0; c < B.rows; c++) {
      let dot = 0;
      for (let j = 0; j < A.cols; j++) dot += A.data[r * A.cols + j] * B.data[c * B.cols + j];
      out[r * B.rows + c] = kernelFromDot(spec, dot, norm(A, r), norm(B, c));
    }
  }
  return out;
}

/**
 * One Q-matrix row of an SMO subproblem, Q[i][t] = ys[i] ys[t] K(X[gidx[i]], X[gidx[t]]),
 * for the subproblem indices t in `act`; other entries of the result are 0. For tests;
 * the solver calls the raw export on heap-resident arrays.
 */
export function qRow(
  heap: SharedHeap, X: Matrix, gidx: Int32Array, ys: Float32Array, act: Int32Array, i: number, spec: KernelSpec,
): Float32Array {
  const norms = sqNorms(heap, X);
  const scratch = scratchFor(heap);
  scratch.reset();
  const out = scratch.alloc(gidx.length * 4);
  heap.f32(out, gidx.length).fill(0);
  kernelsFor(heap).svm_q_row_f32(
    scratch.pointerTo(X.data), X.cols, scratch.pointerTo(norms), scratch.pointerTo(gidx), scratch.pointerTo(ys),
    scratch.pointerTo(act), act.length, i, KERNEL_CODES[spec.kernel], spec.gamma, spec.coef0, spec.degree, out,
  );
  return heap.f32(out, gidx.length).slice();
}

/** Plain-TS reference of qRow, for tests. */
export function qRowReference(
  X: Matrix, gidx: Int32Array, ys: Float32Array, act: Int32Array, i: number, spec: KernelSpec,
): Float64Array {
  const out = new Float64Array(gidx.length);
  const a = gidx[i];
  const row = (r: number) => X.data.subarray(r * X.cols, (r + 1) * X.cols);
  const dot = (u: Float32Array, v: Float32Array) => u.reduce((s, x, j) => s + x * v[j], 0);
  for (const t of act) {
    const b = gidx[t];
    out[t] = ys[i] * ys[t] * kernelFromDot(spec, dot(row(a), row(b)), dot(row(a), row(a)), dot(row(b), row(b)));
  }
  return out;
}

const SVM = {
  qRow: "svm_q_row_f32", kernelBlock: "svm_kernel_block_f32", wssI: "svm_wss_i", wssJ: "svm_wss_j",
  updateG: "svm_update_g", axpyGbar: "svm_axpy_f32_f64",
} as const;

/**
 * `heap`'s SVM kernels (assembly/svm.ts) on heap-resident buffers, for the SMO solver
 * and prediction: qRow (one Q-matrix row), kernelBlock, the working-set selection
 * wssI / wssJ, and the gradient updates updateG / axpyGbar. Pointers are byte offsets.
 */
export const svmKernels = (heap: SharedHeap): SvmKernels => bindKernels(heap, SVM);
export type SvmKernels = BoundKernels<typeof SVM>;
