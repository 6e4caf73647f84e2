import { describe, expect, it } from "vitest";
import {
  LinalgWorkspace, SGD_LEARNING_RATE, csSvmEpochReference, SGD_LOSS, SGD_PENALTY, dcdSvmEpochReference, gemmRtX, gemmRtXReference, gemmXWt,
  gemmXWtReference, sgdEpochReference, sgdParamsArray, type SgdEpochParams,
} from "../../src/kernels/linalg.js";
import { SharedHeap } from "../../src/wasm/heap.js";

function randomF32(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
}

describe("batched products", () => {
  for (const [rows, cols, k] of [[0, 5, 3], [3, 0, 2], [1, 1, 1], [4, 7, 5], [5, 784, 10], [70, 33, 4], [3, 9, 0]] as const) {
    it(`X W^T + b matches the reference for ${rows} x ${cols}, k=${k}`, () => {
      const heap = SharedHeap.create();
      const X = { data: randomF32(rows * cols, 3), rows, cols };
      const W = randomF32(k * cols, 5);
      const b = Float64Array.from({ length: k }, (_, c) => c * 0.5);
      close(gemmXWt(heap, X, W, k, b), gemmXWtReference(X, W, k, b), 1e-5);
      close(gemmXWt(heap, X, W, k, null), gemmXWtReference(X, W, k, null), 1e-5);
    });
    it(`R^T X matches the reference for ${rows} x ${cols}, k=${k}`, () => {
      const heap = SharedHeap.create();
      const X = { data: randomF32(rows * cols, 7), rows, cols };
      const R = Float64Array.from(randomF32(rows * k, 11));
      close(gemmRtX(heap, R, k, X), gemmRtXReference(R, k, X), 1e-5);
    });
  }
});

describe("X W^T (xwt): four float32 lanes per sum, folded in float64", () => {
  /** The documented sum: lane l accumulates x_j w_j for j = l mod 4 (float32), lanes and tail added in float64. */
  function reference(X: Float32Array, rows: number, cols: number, W: Float32Array, k: number, b: Float64Array | null): Float64Array {
    const out = new Float64Array(rows * k);
    const whole = cols - (cols % 4);
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < k; c++) {
        const lanes = [0, 0, 0, 0];
        for (let j = 0; j < whole; j++) lanes[j % 4] = Math.fround(lanes[j % 4] + Math.fround(X[i * cols + j] * W[c * cols + j]));
        let s = lanes[0] + lanes[1] + lanes[2] + lanes[3];
        for (let j = whole; j < cols; j++) s += X[i * cols + j] * W[c * cols + j];
        out[i * k + c] = s + (b ? b[c] : 0);
      }
    }
    return out;
  }
  // odd and even rows (pairs and a last single row), classes in fives, fours and ones, columns with and without a tail
  for (const [rows, cols, k] of [[1, 3, 4], [5, 8, 8], [7, 33, 9], [23, 784, 10], [12, 17, 17], [10, 4, 5], [3, 9, 1], [4, 12, 3]] as const) {
    it(`matches that sum to the bit for ${rows} x ${cols}, k=${k}, with and without b`, () => {
      const heap = SharedHeap.create();
      const ws = LinalgWorkspace.for(heap);
      ws.reset();
      const X = ws.matrix({ data: randomF32(rows * cols, 13), rows, cols });
      const W = ws.resident(randomF32(k * cols, 17));
      const b = ws.resident(Float64Array.from({ length: k }, (_, c) => c / 3));
      const out = ws.f64(rows * k);
      ws.xwt(X, W, k, b, out);
      expect(Array.from(out)).toEqual(Array.from(reference(X.data, rows, cols, W, k, b)));
      ws.xwt(X, W, k, null, out);
      expect(Array.from(out)).toEqual(Array.from(reference(X.data, rows, cols, W, k, null)));
    });
  }
});

describe("per-epoch solvers", () => {
  const rows = 37;
  const cols = 13; // not a multiple of the SIMD width
  const X = { data: randomF32(rows * cols, 17), rows, cols };
  const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7) % 3);
  const order = Int32Array.from({ length: rows }, (_, i) => (i * 5) % rows);
  const cases: [string, Partial<SgdEpochParams>][] = [
    ["hinge l2 optimal", { loss: SGD_LOSS.hinge, penalty: SGD_PENALTY.l2, learningRate: SGD_LEARNING_RATE.optimal }],
    ["log elasticnet", { loss: SGD_LOSS.log, penalty: SGD_PENALTY.elasticnet, learningRate: SGD_LEARNING_RATE.optimal }],
    ["modified huber l1", { loss: SGD_LOSS.modified_huber, penalty: SGD_PENALTY.l1, learningRate: SGD_LEARNING_RATE.optimal }],
    ["squared hinge none", { loss: SGD_LOSS.squared_hinge, penalty: SGD_PENALTY.none, learningRate: SGD_LEARNING_RATE.constant }],
    ["perceptron", { loss: SGD_LOSS.hinge, threshold: 0, penalty: SGD_PENALTY.l2, learningRate: SGD_LEARNING_RATE.constant }],
    ["PA-I", { loss: SGD_LOSS.hinge, penalty: SGD_PENALTY.none, learningRate: SGD_LEARNING_RATE.pa1, C: 0.1 }],
  ];
  // 39 columns: every loop of the prefetching dot product (16-, 4-wide, scalar) and of the L1 step (4-, 2-wide, scalar).
  const wide = { data: randomF32(rows * 39, 19), rows, cols: 39 };
  for (const [name, over] of cases) for (const Xc of [X, wide]) {
    it(`sgd_epoch_f32 (${name}, ${Xc.cols} columns) matches the reference over two epochs`, () => {
      const X = Xc;
      const cols = Xc.cols;
      const heap = SharedHeap.create();
      const ws = LinalgWorkspace.for(heap);
      ws.reset();
      const p: SgdEpochParams = {
        loss: 0, threshold: 1, penalty: 2, alpha: 0.01, C: 1, l1Ratio: 0.15, learningRate: 1, eta0: 0.5, optimalInit: 100,
        fitIntercept: true, weightPos: 1, weightNeg: 1, ...over,
      };
      const Xr = ws.matrix(X);
      const w = ws.f64(cols);
      const q = ws.f64(cols);
      const ord = ws.resident(order);
      const lab = ws.resident(labels);
      const params = ws.resident(sgdParamsArray(p));
      const state = ws.f64(7);
      state.set([0, 1, 1, 0, 0, 0, 0]);
      const rw = new Float64Array(cols);
      const rq = new Float64Array(cols);
      const rs = { intercept: 0, wscale: 1, t: 1, u: 0, sumloss: 0, updates: 0 };
      for (let e = 0; e < 2; e++) {
        ws.kernels.sgd_epoch_f32(Xr.data.byteOffset, cols, ord.byteOffset, rows, lab.byteOffset, 1, w.byteOffset,
          q.byteOffset, params.byteOffset, state.byteOffset, 0);
        sgdEpochReference(X, order, labels, 1, rw, rq, p, rs);
      }
      close(w, rw, 1e-9);
      close(q, rq, 1e-9);
      close(state.subarray(0, 6), [rs.intercept, rs.wscale, rs.t, rs.u, rs.sumloss, rs.updates], 1e-9);
    });
  }
  it("sgd_epoch_f32 with n = 0 leaves the weights alone", () => {
    const heap = SharedHeap.create();
    const ws = LinalgWorkspace.for(heap);
    ws.reset();
    const w = ws.f64(cols);
    const state = ws.f64(7);
    state.set([0.5, 1, 1, 0, 0, 0, 0]);
    const params = ws.resident(sgdParamsArray({
      loss: 0, threshold: 1, penalty: 2, alpha: 0.01, C: 1, l1Ratio: 0, learningRate: 1, eta0: 0, optimalInit: 10,
      fitIntercept: true, weightPos: 1, weightNeg: 1,
    }));
    const Xr = ws.matrix(X);
    ws.kernels.sgd_epoch_f32(Xr.data.byteOffset, cols, 0, 0, 0, 1, w.byteOffset, ws.f64(cols).byteOffset,
      params.byteOffset, state.byteOffset, 0);
    expect(Array.from(w)).toEqual(new Array(cols).fill(0));
    expect(state[0]).toBe(0.5);
  });

  for (const [U, diag] of [[1, 0], [Infinity, 0.5]] as const) {
    it(`dcd_svm_epoch_f32 (U=${U}, diag=${diag}) matches the reference with shrinking`, () => {
      const heap = SharedHeap.create();
      const ws = LinalgWorkspace.for(heap);
      ws.reset();
      const Xr = ws.matrix(X);
      const lab = ws.resident(labels);
      const qdRef = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        let s = 1 + diag;
        for (let j = 0; j < cols; j++) s += X.data[i * cols + j] ** 2;
        qdRef[i] = s;
      }
      const qd = ws.resident(qdRef);
      const w = ws.f64(cols + 1);
      const alpha = ws.f64(rows);
      const index = ws.resident(Int32Array.from({ length: rows }, (_, i) => i));
      const params = ws.resident(Float64Array.of(U, diag, 1));
      const state = ws.f64(6);
      state.set([rows, Infinity, -Infinity, 0, 0]);
      const rw = new Float64Array(cols + 1);
      const ra = new Float64Array(rows);
      const ri = Int32Array.from({ length: rows }, (_, i) => i);
      const rs = { active: rows, pgMaxOld: Infinity, pgMinOld: -Infinity, pgMaxNew: 0, pgMinNew: 0 };
      for (let e = 0; e < 4; e++) {
        ws.kernels.dcd_svm_epoch_f32(Xr.data.byteOffset, cols, index.byteOffset, lab.byteOffset, 2, w.byteOffset,
          alpha.byteOffset, qd.byteOffset, params.byteOffset, state.byteOffset);
        dcdSvmEpochReference(X, ri, labels, 2, rw, ra, qdRef, U, diag, 1, rs);
        // carry the shrinking thresholds as the solver does
        state[1] = state[3] <= 0 ? Infinity : state[3];
        state[2] = state[4] >= 0 ? -Infinity : state[4];
        rs.pgMaxOld = rs.pgMaxNew <= 0 ? Infinity : rs.pgMaxNew;
        rs.pgMinOld = rs.pgMinNew >= 0 ? -Infinity : rs.pgMinNew;
      }
      close(w, rw, 1e-9);
      close(alpha, ra, 1e-9);
      expect(state[0]).toBe(rs.active);
      expect(Array.from(index)).toEqual(Array.from(ri));
    });
  }

  it("cs_svm_epoch_f32 matches the reference over several passes, with shrinking", () => {
    const heap = SharedHeap.create();
    const ws = LinalgWorkspace.for(heap);
    ws.reset();
    const K = 3;
    const C = 0.7;
    const Xr = ws.matrix(X);
    const lab = ws.resident(labels);
    const qdRef = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = 1;
      for (let j = 0; j < cols; j++) s += X.data[i * cols + j] ** 2;
      qdRef[i] = s;
    }
    const init = (): { W: Float64Array; alpha: Float64Array; aix: Int32Array; act: Int32Array; yIdx: Int32Array; index: Int32Array } => ({
      W: new Float64Array(K * (cols + 1)), alpha: new Float64Array(rows * K),
      aix: Int32Array.from({ length: rows * K }, (_, e) => e % K), act: new Int32Array(rows).fill(K),
      yIdx: Int32Array.from(labels), index: Int32Array.from({ length: rows }, (_, i) => i),
    });
    const r = init();
    const W = ws.f64(K * (cols + 1));
    const alpha = ws.f64(rows * K);
    const aix = ws.resident(r.aix.slice());
    const act = ws.resident(r.act.slice());
    const yIdx = ws.resident(r.yIdx.slice());
    const index = ws.resident(r.index.slice());
    const qd = ws.resident(qdRef);
    const work = ws.f64(6 * K);
    const params = ws.resident(Float64Array.of(C, 1));
    const state = ws.f64(2);
    let activeRef = rows;
    let active = rows;
    for (let e = 0; e < 5; e++) {
      state.set([active, 0]);
      ws.kernels.cs_svm_epoch_f32(Xr.data.byteOffset, cols, K, index.byteOffset, lab.byteOffset, W.byteOffset,
        alpha.byteOffset, aix.byteOffset, act.byteOffset, yIdx.byteOffset, qd.byteOffset, work.byteOffset,
        params.byteOffset, state.byteOffset);
      active = state[0];
      const [a, stopping] = csSvmEpochReference(X, K, r.index, activeRef, r.W, r.alpha, r.aix, r.act, r.yIdx, qdRef, C, 1);
      activeRef = a;
      expect(active).toBe(activeRef);
      expect(Math.abs(state[1] - stopping)).toBeLessThan(1e-9);
    }
    close(W, r.W, 1e-9);
    close(alpha, r.alpha, 1e-9);
    expect(Array.from(index)).toEqual(Array.from(r.index));
  });
});
