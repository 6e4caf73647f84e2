import { describe, expect, it } from "vitest";
import { LinalgWorkspace } from "../../src/kernels/linalg.js";
import { SharedHeap } from "../../src/wasm/heap.js";

/** The same quantities with Math.exp and Math.log, in float64. */
function reference(Z: Float64Array, codes: Int32Array, from: number, to: number, k: number): { R: Float64Array; loss: number } {
  const R = new Float64Array(Z.length);
  let loss = 0;
  for (let i = from; i < to; i++) {
    const o = i * k;
    let m = -Infinity;
    for (let c = 0; c < k; c++) m = Math.max(m, Z[o + c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += (R[o + c] = Math.exp(Z[o + c] - m));
    loss += m + Math.log(sum) - Z[o + codes[i]];
    for (let c = 0; c < k; c++) R[o + c] /= sum;
    R[o + codes[i]] -= 1;
  }
  return { R, loss };
}

function scores(rows: number, k: number, spread: number, seed: number): Float64Array {
  const out = new Float64Array(rows * k);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * spread;
  }
  return out;
}

describe("softmax cross-entropy rows (softmaxLossRows, assembly/softmax.ts)", () => {
  // spreads up to 2000 put some scores beyond exp's range below the row maximum (those terms are 0)
  for (const [rows, k, spread] of [[7, 10, 3], [50, 10, 40], [9, 3, 1], [13, 5, 800], [21, 1, 5], [33, 11, 2000]] as const) {
    it(`matches Math.exp / Math.log within 4 ulp for ${rows} rows of ${k} classes, scores within ±${spread}`, () => {
      const heap = SharedHeap.create();
      const ws = LinalgWorkspace.for(heap);
      ws.reset();
      const Z = ws.resident(scores(rows, k, spread, rows * 31 + k));
      const codes = ws.resident(Int32Array.from({ length: rows }, (_, i) => (i * 7) % k));
      const R = ws.f64(rows * k);
      const from = 2;
      const loss = ws.softmaxLossRows(Z, R, codes, from, rows, k);
      const want = reference(Z, codes, from, rows, k);
      expect(Math.abs(loss - want.loss)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(want.loss)) * rows);
      for (let i = 0; i < rows * k; i++) {
        if (i < from * k) {
          expect(R[i]).toBe(0); // rows before `from` are left alone
          continue;
        }
        // R is p or p - 1: compare p with the reference's p to a relative 4 ulp (p may be tiny)
        const label = codes[Math.floor(i / k)] === i % k;
        const p = label ? R[i] + 1 : R[i];
        const q = label ? want.R[i] + 1 : want.R[i];
        expect(Math.abs(p - q)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(q, 1e-300) + (label ? 2 * Number.EPSILON : 0) + 1e-307);
      }
    });
  }

  it("drops terms beyond exp's range exactly (a row whose maximum dominates by over 708)", () => {
    const heap = SharedHeap.create();
    const ws = LinalgWorkspace.for(heap);
    ws.reset();
    const Z = ws.resident(Float64Array.of(0, -1000, -1000, 5, -900, -800));
    const codes = ws.resident(Int32Array.of(0, 1));
    const R = ws.f64(6);
    const loss = ws.softmaxLossRows(Z, R, codes, 0, 2, 3);
    expect(loss).toBe(0 + (5 + 900)); // row 0: 0 + log(1) - 0; row 1: 5 + log(1) - (-900)
    expect(Array.from(R)).toEqual([0, 0, 0, 1, -1, 0]);
  });
});
