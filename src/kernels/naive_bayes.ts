import type { Matrix } from "../core/matrix.js";
import { scratchFor, type SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";

/**
 * GaussianNB's kernels (assembly/naive_bayes.ts): the per-class statistics of a fit and
 * the joint log-likelihood of a prediction, in float64 with every sum in the plain
 * loops' order. Results are copied out of the heap's scratch.
 */

/** Per-class means, sums of squared deviations from them, class sizes and the largest column variance of X. */
export interface GaussianClassStats {
  /** k x cols. */
  readonly theta: Float64Array;
  /** k x cols, not yet divided by the class sizes. */
  readonly squaredDeviations: Float64Array;
  readonly count: Float64Array;
  readonly maxVariance: number;
}

export function gaussianClassStats(heap: SharedHeap, X: Matrix, codes: Int32Array, k: number): GaussianClassStats {
  const { rows, cols } = X;
  const s = scratchFor(heap);
  s.reset();
  const pX = s.pointerTo(X.data);
  const pCodes = s.pointerTo(codes);
  const mean = s.alloc(cols * 8);
  const variance = s.alloc(cols * 8);
  const theta = s.alloc(k * cols * 8);
  const vars = s.alloc(k * cols * 8);
  const count = s.alloc(k * 8);
  const maxVariance = kernelsFor(heap).gnb_stats_f32(pX, rows, cols, pCodes, k, mean, variance, theta, vars, count);
  return {
    theta: heap.f64(theta, k * cols).slice(), squaredDeviations: heap.f64(vars, k * cols).slice(),
    count: heap.f64(count, k).slice(), maxVariance,
  };
}

/** rows x k: base[c] - 0.5 * sum_j (X[i, j] - theta[c, j])^2 / vars[c, j]. */
export function gaussianJointLogLikelihood(
  heap: SharedHeap, X: Matrix, theta: Float64Array, vars: Float64Array, base: Float64Array,
): Float64Array {
  const { rows, cols } = X;
  const k = base.length;
  const kp = (k + 1) & ~1;
  const s = scratchFor(heap);
  s.reset();
  const pX = s.pointerTo(X.data);
  const thetaT = heap.f64(s.alloc(cols * kp * 8), cols * kp);
  const varT = heap.f64(s.alloc(cols * kp * 8), cols * kp).fill(1);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < cols; j++) {
      thetaT[j * kp + c] = theta[c * cols + j];
      varT[j * kp + c] = vars[c * cols + j];
    }
  }
  const pBase = heap.f64(s.alloc(kp * 8), kp);
  pBase.set(base);
  const out = s.alloc(rows * k * 8);
  kernelsFor(heap).gnb_jll_f32(pX, rows, cols, thetaT.byteOffset, varT.byteOffset, k, pBase.byteOffset, out);
  return heap.f64(out, rows * k).slice();
}
