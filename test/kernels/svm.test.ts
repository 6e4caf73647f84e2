import { describe, expect, it } from "vitest";
import type { Matrix } from "../../src/core/matrix.js";
import {
  kernelBlock, kernelBlockReference, qRow, qRowReference, sqNorms, type KernelName, type KernelSpec,
} from "../../src/kernels/svm.js";
import { Random } from "../../src/random.js";
import { SharedHeap } from "../../src/wasm/heap.js";

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new Random(seed);
  return { data: Float32Array.from({ length: rows * cols }, () => rng.next() * 2 - 1), rows, cols };
}

const SPECS: KernelSpec[] = (["linear", "poly", "rbf", "sigmoid"] as KernelName[]).map((kernel) => ({
  kernel, gamma: 0.07, coef0: 0.3, degree: 3,
}));

describe("SVM kernel rows and blocks against the plain-TS reference", () => {
  const heap = SharedHeap.create();
  for (const spec of SPECS) {
    for (const cols of [1, 7, 16, 13]) {
      it(`${spec.kernel} block, ${cols} columns (rows not a multiple of 4, and empty)`, () => {
        const A = randomMatrix(5, cols, 1);
        const B = randomMatrix(70, cols, 2); // spans two B tiles of 64
        const got = kernelBlock(heap, A, B, spec);
        const want = kernelBlockReference(A, B, spec);
        want.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 5));
        expect(kernelBlock(heap, randomMatrix(0, cols, 3), B, spec).length).toBe(0);
      });
      it(`${spec.kernel} Q row over a permuted active list, ${cols} columns`, () => {
        const X = randomMatrix(11, cols, 4);
        const gidx = Int32Array.from([3, 0, 7, 10, 1, 5, 9]);
        const ys = Float32Array.from([1, 1, 1, -1, -1, -1, -1]);
        const act = Int32Array.from([6, 2, 0, 4, 5]); // 5 of 7: the tail loop runs, entries 1 and 3 stay 0
        const got = qRow(heap, X, gidx, ys, act, 3, spec);
        const want = qRowReference(X, gidx, ys, act, 3, spec);
        want.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 5));
        expect(got[1]).toBe(0);
        expect(got[3]).toBe(0);
        expect(qRow(heap, X, gidx, ys, new Int32Array(0), 0, spec).every((v) => v === 0)).toBe(true);
      });
    }
  }
  it("squared norms", () => {
    const X = randomMatrix(9, 13, 5);
    const n = sqNorms(heap, X);
    for (let r = 0; r < 9; r++) {
      let s = 0;
      for (let j = 0; j < 13; j++) s += X.data[r * 13 + j] ** 2;
      expect(n[r]).toBeCloseTo(s, 5);
    }
    expect(sqNorms(heap, randomMatrix(0, 13, 6)).length).toBe(0);
  });
});

describe("SMO bookkeeping kernels against plain-TS versions", () => {
  const heap = SharedHeap.create();
  const rng = new Random(11);
  /**
   * A subproblem of l indices of which the prefix [0, m) is active: status 0 lower, 1
   * upper, 2 free; yUp / yLow as src/models/svm.ts keeps them. Past m, G is extreme and
   * Qi and Qj hold NaN (a row cached over a shorter active set ends early): the kernels
   * must not look there.
   */
  const problem = (l: number, m: number, coarse = false) => {
    const G = heap.allocF64(l);
    const QD = heap.allocF64(l);
    const ys = new Float64Array(l);
    const status = new Uint8Array(l);
    const Qi = heap.allocF32(l);
    const Qj = heap.allocF32(l);
    const yUp = heap.allocF64(l);
    const yLow = heap.allocF64(l);
    const active = new Set(Array.from({ length: m }, (_, t) => t));
    for (let t = 0; t < l; t++) {
      // Repeated values, so that ties occur and the last index must win them.
      G[t] = active.has(t) ? Math.round((rng.next() * 2 - 1) * 8) / 8 : (t % 2 === 0 ? 1e6 : -1e6);
      // coarse: QD 1 and Qi 0, so that second-order gains tie exactly (the last index must win).
      QD[t] = coarse ? 1 : 0.5 + rng.next();
      ys[t] = t % 3 === 0 ? -1 : 1;
      status[t] = t % 4 === 0 ? 1 : t % 5 === 0 ? 0 : 2;
      Qi[t] = active.has(t) ? (coarse ? 0 : rng.next() - 0.5) : NaN;
      Qj[t] = active.has(t) ? rng.next() - 0.5 : NaN;
      const up = ys[t] > 0 ? status[t] !== 1 : status[t] !== 0;
      const low = ys[t] > 0 ? status[t] !== 0 : status[t] !== 1;
      yUp[t] = up ? ys[t] : 0;
      yLow[t] = low ? ys[t] : 0;
    }
    return { G, QD, ys, status, Qi, Qj, yUp, yLow, active, out: heap.allocF64(2) };
  };

  for (const [l, m, coarse] of [[23, 17, false], [24, 24, false], [1, 1, false], [2, 0, false], [101, 60, false], [1001, 999, false], [1001, 999, true]] as const) {
    it(`svm_wss_i and svm_wss_j select what libsvm's rules select (${m} of ${l} active${coarse ? ", exact ties of the gain" : ""})`, async () => {
      const { kernelsFor } = await import("../../src/wasm/load.js");
      const w = kernelsFor(heap);
      const { G, QD, ys, status, Qi, yUp, yLow, active, out } = problem(l, m, coarse);
      let gmax = -Infinity;
      let wantI = -1;
      for (let t = 0; t < l; t++) {
        if (!active.has(t)) continue;
        if (ys[t] > 0 ? status[t] !== 1 && -G[t] >= gmax : status[t] !== 0 && G[t] >= gmax) {
          gmax = ys[t] > 0 ? -G[t] : G[t];
          wantI = t;
        }
      }
      const i = w.svm_wss_i(G.byteOffset, yUp.byteOffset, m, out.byteOffset);
      expect(i).toBe(wantI);
      expect(out[0]).toBe(gmax);
      if (i < 0) return;
      let gmax2 = -Infinity;
      let best = Infinity;
      let wantJ = -1;
      for (let j = 0; j < l; j++) {
        if (!active.has(j)) continue;
        const up = ys[j] > 0;
        if (up ? status[j] === 0 : status[j] === 1) continue;
        const yG = up ? G[j] : -G[j];
        gmax2 = Math.max(gmax2, yG);
        const diff = gmax + yG;
        if (diff <= 0) continue;
        const quad = QD[i] + QD[j] - 2 * ys[i] * ys[j] * Qi[j];
        const obj = -(diff * diff) / (quad > 0 ? quad : 1e-12);
        if (obj <= best) {
          best = obj;
          wantJ = j;
        }
      }
      const j = w.svm_wss_j(G.byteOffset, yLow.byteOffset, QD.byteOffset, Qi.byteOffset, m, i, ys[i], gmax, out.byteOffset);
      expect(j).toBe(wantJ);
      expect(out[0]).toBe(gmax2);
    });
  }

  it("svm_wss_i finds nothing when nothing is active", async () => {
    const { kernelsFor } = await import("../../src/wasm/load.js");
    const { G, yUp, out } = problem(9, 0);
    expect(kernelsFor(heap).svm_wss_i(G.byteOffset, yUp.byteOffset, 0, out.byteOffset)).toBe(-1);
  });

  for (const m of [17, 16]) {
    it(`svm_update_g touches only the ${m} active indices and finds the next first index as svm_wss_i would`, async () => {
      const { kernelsFor } = await import("../../src/wasm/load.js");
      const w = kernelsFor(heap);
      const l = 23;
      const { G, Qi, Qj, yUp, active, out } = problem(l, m);
      const before = G.slice();
      const next = w.svm_update_g(G.byteOffset, Qi.byteOffset, Qj.byteOffset, yUp.byteOffset, m, 0.3, -0.7, out.byteOffset);
      const fused = out[0];
      for (let t = 0; t < l; t++) {
        if (active.has(t)) expect(G[t]).toBe(before[t] + Qi[t] * 0.3 + Qj[t] * -0.7);
        else expect(G[t]).toBe(before[t]);
      }
      expect(next).toBe(w.svm_wss_i(G.byteOffset, yUp.byteOffset, m, out.byteOffset));
      expect(next).toBeGreaterThanOrEqual(0);
      expect(fused).toBe(out[0]);
    });
  }

  it("svm_axpy_f32_f64 adds s Q", async () => {
    const { kernelsFor } = await import("../../src/wasm/load.js");
    const w = kernelsFor(heap);
    const l = 23;
    const { G, Qi } = problem(l, 17);
    Qi.fill(0.25);
    const g2 = G.slice();
    w.svm_axpy_f32_f64(G.byteOffset, Qi.byteOffset, l, 2.5);
    for (let t = 0; t < l; t++) expect(G[t]).toBeCloseTo(g2[t] + 2.5 * 0.25, 12);
  });
});
