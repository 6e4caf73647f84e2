import type { Matrix } from "../core/matrix.js";
import type { SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";

/**
 * SAGA epochs of logistic regression (assembly/saga.ts): scikit-learn 1.2's saga solver
 * on dense data. The caller draws the epoch's samples into `order` and owns the stopping
 * rule; see src/models/linear/saga.ts.
 */

/** The state of one SAGA problem with K weight rows (float64 unless noted). */
export interface SagaBuffers {
  /** Weights, K x cols (class-major). */
  readonly W: Float64Array;
  /** Running sum of the table's gradients, K x cols. */
  readonly S: Float64Array;
  /** The derivative table: the latest loss derivatives of each sample, rows x K. */
  readonly mem: Float64Array;
  /** Intercepts (K) and the running sum of their gradients (K). */
  readonly b: Float64Array;
  readonly bsum: Float64Array;
  /** 1 for the samples already drawn once (i32, rows). */
  readonly seen: Int32Array;
  /** [step, decay = 1 - step * alpha, threshold = step * beta, fit_intercept (0/1)] */
  readonly params: Float64Array;
  /** [number of samples seen] */
  readonly state: Float64Array;
  /** 3 K float64 of kernel scratch. */
  readonly work: Float64Array;
  /** The epoch's sample indices (i32, rows). */
  readonly order: Int32Array;
}

export interface SagaAllocator {
  f64(length: number): Float64Array;
  i32(length: number): Int32Array;
}

/** Zeroed buffers for `rows` samples, `cols` features and K weight rows (LinalgWorkspace: in the heap). */
export function sagaBuffers(alloc: SagaAllocator, rows: number, cols: number, K: number): SagaBuffers {
  return {
    W: alloc.f64(K * cols).fill(0), S: alloc.f64(K * cols).fill(0), mem: alloc.f64(rows * K).fill(0),
    b: alloc.f64(K).fill(0), bsum: alloc.f64(K).fill(0), seen: alloc.i32(rows).fill(0),
    params: alloc.f64(4).fill(0), state: alloc.f64(1).fill(0), work: alloc.f64(3 * K).fill(0), order: alloc.i32(rows).fill(0),
  };
}

/** Plain typed arrays, for the reference. */
export const PLAIN_ALLOCATOR: SagaAllocator = { f64: (n) => new Float64Array(n), i32: (n) => new Int32Array(n) };

/**
 * One epoch over order[0..n) in WASM. `positive` < 0: multinomial loss over K classes
 * (labels are class codes); else the binary log loss (K = 1), y = +1 where the label is
 * `positive`. X, labels and every buffer must live in `heap`.
 */
export function sagaEpoch(
  heap: SharedHeap, X: Matrix, labels: Int32Array, K: number, positive: number, buf: SagaBuffers, n: number,
): void {
  if (n <= 0) return;
  if (n > buf.order.length) throw new RangeError(`sagaEpoch: n = ${n} exceeds the order buffer (${buf.order.length})`);
  const arrays = [X.data, labels, buf.W, buf.S, buf.mem, buf.b, buf.bsum, buf.seen, buf.params, buf.state, buf.work, buf.order];
  if (!arrays.every((a) => heap.owns(a))) throw new RangeError("sagaEpoch: X, labels and the buffers must be heap-resident");
  kernelsFor(heap).saga_epoch_f32(
    X.data.byteOffset, X.cols, buf.order.byteOffset, n, labels.byteOffset, K, positive,
    buf.W.byteOffset, buf.S.byteOffset, buf.mem.byteOffset, buf.b.byteOffset, buf.bsum.byteOffset, buf.seen.byteOffset,
    buf.params.byteOffset, buf.state.byteOffset, buf.work.byteOffset,
  );
}

/** Plain-TS reference of sagaEpoch (same updates, scalar, Math.exp / Math.log). */
export function sagaEpochReference(
  X: Matrix, labels: Int32Array, K: number, positive: number, buf: SagaBuffers, n: number,
): void {
  if (n <= 0) return;
  const { data, cols } = X;
  const { W, S, mem, b, bsum, seen, order } = buf;
  const [step, decay, threshold, fit] = buf.params;
  let numSeen = buf.state[0];
  const pred = new Float64Array(K);
  const g = new Float64Array(K);
  const delta = new Float64Array(K);
  const first = order[0] * cols;
  for (let c = 0; c < K; c++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[first + j] * W[c * cols + j];
    pred[c] = s + b[c];
  }
  for (let s = 0; s < n; s++) {
    const i = order[s];
    const x = i * cols;
    const xn = (s + 1 < n ? order[s + 1] : i) * cols;
    const label = labels[i];
    if (positive < 0) {
      let m = -Infinity;
      for (let c = 0; c < K; c++) m = Math.max(m, pred[c]);
      let sum = 0;
      for (let c = 0; c < K; c++) sum += Math.exp(pred[c] - m);
      const lse = Math.log(sum) + m;
      for (let c = 0; c < K; c++) g[c] = Math.exp(pred[c] - lse) - (c === label ? 1 : 0);
    } else {
      const y = label === positive ? 1 : -1;
      const z = pred[0] * y;
      g[0] = z > 18 ? -y * Math.exp(-z) : z < -18 ? -y : -y / (Math.exp(z) + 1);
    }
    for (let c = 0; c < K; c++) {
      delta[c] = g[c] - mem[i * K + c];
      mem[i * K + c] = g[c];
    }
    if (seen[i] === 0) {
      seen[i] = 1;
      numSeen += 1;
    }
    const s1 = step * (1 - 1 / numSeen);
    const s2 = step / numSeen;
    for (let c = 0; c < K; c++) {
      const dc = delta[c];
      let dot = 0;
      for (let j = 0; j < cols; j++) {
        const k = c * cols + j;
        const corr = data[x + j] * dc;
        let w = W[k] * decay - corr * s1;
        S[k] += corr;
        w -= S[k] * s2;
        const magnitude = Math.max(0, Math.abs(w) - threshold);
        W[k] = w < 0 ? -magnitude : magnitude;
        dot += data[xn + j] * W[k];
      }
      if (fit) {
        bsum[c] += dc;
        b[c] -= step * bsum[c] / numSeen + dc * s1;
      }
      pred[c] = dot + b[c];
    }
  }
  buf.state[0] = numSeen;
}
