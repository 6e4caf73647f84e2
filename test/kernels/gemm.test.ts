import { describe, expect, it } from "vitest";
import {
  actGrad, actGradReference, adamStep, adamStepReference, biasAct, biasActReference, biasGrad, biasGradReference, gemm, gemmReference, l2Grad,
  l2GradReference, softmaxRowsF32, tanhF32, tanhF32Reference,
} from "../../src/kernels/gemm.js";
import { Random } from "../../src/random.js";
import { SharedHeap } from "../../src/wasm/heap.js";

const rng = new Random(7);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);

describe("gemm_f32 and adam_f32 against the plain-TS reference", () => {
  const heap = SharedHeap.create();
  // The micro-kernel tile is 5 x 8 (4 wide for a narrow last panel): sizes below, at and
  // past each edge, zero sizes, and k = 0 (an empty sum).
  const sizes = [[8, 16, 5], [7, 13, 9], [1, 3, 1], [5, 4, 0], [0, 6, 3], [6, 0, 2], [9, 10, 33], [4, 8, 1],
    [5, 8, 7], [10, 12, 4], [11, 17, 20], [3, 2, 40]];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const [m, n, k] of sizes) {
        it(`${transA ? "A^T" : "A"} ${transB ? "B^T" : "B"} for m=${m}, n=${n}, k=${k}`, () => {
          const A = rand(m * k);
          const B = rand(k * n);
          const got = gemm(heap, transA, m, n, k, A, B, { transB });
          const want = gemmReference(transA, m, n, k, A, B, { transB });
          expect(got.length).toBe(m * n);
          want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
        });
      }
    }
  }
  for (const [m, n, k] of [[7, 13, 9], [5, 8, 3], [2, 3, 0], [12, 4, 6]]) {
    it(`accumulates into C for m=${m}, n=${n}, k=${k}`, () => {
      const A = rand(m * k);
      const B = rand(k * n);
      const C0 = rand(m * n);
      const got = gemm(heap, false, m, n, k, A, B, { C0 });
      const want = gemmReference(false, m, n, k, A, B, { C0 });
      want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
    });
  }
  it("sums each dot product in order of k, whatever the tile (bit-identical to a sequential f32 sum)", () => {
    const [m, n, k] = [11, 19, 300];
    const A = rand(m * k);
    const B = rand(k * n);
    const got = gemm(heap, false, m, n, k, A, B);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s = Math.fround(s + Math.fround(A[i * k + p] * B[p * n + j]));
        expect(got[i * n + j]).toBe(s);
      }
    }
  });
  for (const n of [0, 3, 8, 11]) {
    it(`adam step over ${n} parameters`, () => {
      const p = rand(n), g = rand(n), m = rand(n), v = Float32Array.from(rand(n), Math.abs);
      const got = adamStep(heap, p, g, m, v, 0.001, 0.9, 0.999, 1e-8);
      const want = adamStepReference(p, g, m, v, 0.001, 0.9, 0.999, 1e-8);
      want.param.forEach((x, i) => expect(got.param[i]).toBeCloseTo(x, 5));
      want.m.forEach((x, i) => expect(got.m[i]).toBeCloseTo(x, 6));
      want.v.forEach((x, i) => expect(got.v[i]).toBeCloseTo(x, 6));
    });
  }
});

describe("l2_grad_f32", () => {
  const heap = SharedHeap.create();
  for (const n of [0, 1, 3, 4, 9, 1000]) {
    it(`matches the float64 loop over ${n} weights (gradient bit for bit, sum of squares closely)`, () => {
      const g = rand(n);
      const w = rand(n);
      const got = l2Grad(heap, g, w, 1e-4, 1 / 200);
      const want = l2GradReference(g, w, 1e-4, 1 / 200);
      expect(Array.from(got.grad)).toEqual(Array.from(want.grad));
      expect(got.sumSq).toBeCloseTo(want.sumSq, 10);
    });
  }
});

describe("tanh_f32", () => {
  const heap = SharedHeap.create();
  /** Distance in float32 units in the last place (same-sign finite values). */
  const ulps = (a: number, b: number) => {
    const ia = new Int32Array(Float32Array.of(a).buffer)[0];
    const ib = new Int32Array(Float32Array.of(b).buffer)[0];
    return Math.abs(ia - ib);
  };
  it("is within one float32 ulp of Math.tanh, across scales, the series switch, signs and n % 4 tails", () => {
    const xs: number[] = [0, -0, 1e-30, -1e-8, 1.2207e-4, 1.2208e-4, -1.2208e-4, 0.5, -0.5, 1, 3, -9.5, 19.9, 20, 25, -1e6];
    for (let e = -12; e <= 5; e += 0.25) xs.push(2 ** e, -(2 ** e) * 1.37);
    for (let i = 0; i < 2000; i++) xs.push((rng.next() * 2 - 1) * 8);
    for (const n of [xs.length, 0, 1, 3, 5]) {
      const x = Float32Array.from(xs.slice(0, n));
      const got = tanhF32(heap, x);
      const want = tanhF32Reference(x);
      for (let i = 0; i < n; i++) {
        expect(Math.sign(got[i])).toBe(Math.sign(want[i]));
        expect(ulps(got[i], want[i])).toBeLessThanOrEqual(1);
      }
    }
    expect(Object.is(tanhF32(heap, Float32Array.of(-0))[0], -0)).toBe(true);
    expect(Array.from(tanhF32(heap, Float32Array.of(Infinity, -Infinity)))).toEqual([1, -1]);
  });
});

describe("bias_act_f32 and bias_grad_f32", () => {
  const heap = SharedHeap.create();
  for (const [rows, cols] of [[0, 5], [3, 0], [1, 1], [4, 7], [9, 12], [200, 10]]) {
    it(`match the JS loops bit for bit for ${rows} x ${cols}`, () => {
      const A = rand(rows * cols);
      if (A.length > 2) A[1] = -0;
      const bias = rand(cols);
      for (const act of [0, 1]) {
        expect(Array.from(biasAct(heap, A, rows, cols, bias, act))).toEqual(Array.from(biasActReference(A, rows, cols, bias, act)));
      }
      const got = biasAct(heap, A, rows, cols, bias, 2);
      const want = biasActReference(A, rows, cols, bias, 2);
      want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -23));
      expect(Array.from(biasGrad(heap, A, rows, cols, 1 / 7))).toEqual(Array.from(biasGradReference(A, rows, cols, 1 / 7)));
    });
  }
});

describe("act_grad_f32 and softmax_rows_f32", () => {
  const heap = SharedHeap.create();
  for (const n of [0, 1, 2, 3, 5, 8, 2001]) {
    it(`act_grad_f32 matches the JS loops bit for bit for ${n} values`, () => {
      const A = rand(n);
      const D = rand(n);
      for (let i = 0; i < n; i += 3) A[i] = i % 2 === 0 ? 0 : -0; // relu's zeros, both signs
      for (const act of [0, 1, 2, 3]) {
        expect(Array.from(actGrad(heap, A, D, act))).toEqual(Array.from(actGradReference(A, D, act)));
      }
    });
  }
  for (const [rows, K] of [[0, 10], [1, 1], [3, 2], [7, 3], [200, 10], [5, 11]]) {
    it(`softmax_rows_f32 is within one float32 ulp of the JS softmax for ${rows} x ${K}, rows summing to 1`, async () => {
      const { softmaxRows } = await import("../../src/kernels/linalg.js");
      const Z = rand(rows * K).map((v, i) => (i % 7 === 0 ? v * 1000 : v * 8)); // some terms underflow to 0
      const got = softmaxRowsF32(heap, Z, rows, K);
      const want = Z.slice();
      softmaxRows(want, want, rows, K);
      want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(v * 2 ** -23));
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let j = 0; j < K; j++) s += got[r * K + j];
        expect(s).toBeCloseTo(1, 5);
      }
    });
  }
});

describe("gather_rows_f32", () => {
  it("copies the listed rows in order, including repeats and n = 0", async () => {
    const { kernelsFor } = await import("../../src/wasm/load.js");
    const heap = SharedHeap.create();
    const cols = 5;
    const src = heap.allocF32(4 * cols);
    src.forEach((_, i) => (src[i] = i));
    const idx = heap.allocI32(3);
    idx.set([2, 0, 2]);
    const dst = heap.allocF32(3 * cols);
    kernelsFor(heap).gather_rows_f32(src.byteOffset, cols, idx.byteOffset, 3, dst.byteOffset);
    expect(Array.from(dst)).toEqual([10, 11, 12, 13, 14, 0, 1, 2, 3, 4, 10, 11, 12, 13, 14]);
    kernelsFor(heap).gather_rows_f32(src.byteOffset, cols, idx.byteOffset, 0, dst.byteOffset);
    expect(dst[0]).toBe(10);
  });
});
