import { describe, expect, it } from "vitest";
import { LinalgWorkspace } from "../../src/kernels/linalg.js";
import { PLAIN_ALLOCATOR, sagaBuffers, sagaEpoch, sagaEpochReference, type SagaBuffers } from "../../src/kernels/saga.js";
import { SharedHeap } from "../../src/wasm/heap.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

const FIELDS = ["W", "S", "mem", "b", "bsum", "seen", "state"] as const;

function closeTo(got: SagaBuffers, want: SagaBuffers): void {
  for (const f of FIELDS) {
    const a = got[f];
    const b = want[f];
    expect(a.length).toBe(b.length);
    for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(b[i])));
  }
}

describe("saga_epoch_f32 matches its TS reference", () => {
  // widths that are not a multiple of 4, binary (K = 1) and multinomial problems, L1 and L2
  for (const [rows, cols, K, beta] of [[5, 1, 1, 0.02], [9, 3, 3, 0], [12, 4, 1, 0], [20, 7, 4, 0.05], [15, 33, 3, 0.01]] as const) {
    it(`${rows} x ${cols}, K = ${K}, beta = ${beta}`, () => {
      const heap = SharedHeap.create();
      const ws = LinalgWorkspace.for(heap);
      ws.reset();
      const rnd = lcg(rows * 131 + cols);
      const X = { data: ws.f32(rows * cols), rows, cols };
      for (let i = 0; i < X.data.length; i++) X.data[i] = 2 * rnd() - 1;
      const labels = ws.i32(rows);
      for (let i = 0; i < rows; i++) labels[i] = Math.floor(rnd() * Math.max(K, 2));
      const positive = K === 1 ? 1 : -1;
      const got = sagaBuffers(ws, rows, cols, K);
      const want = sagaBuffers(PLAIN_ALLOCATOR, rows, cols, K);
      const step = 0.3;
      const alpha = beta === 0 ? 0.01 : 0;
      for (const buf of [got, want]) buf.params.set([step, 1 - step * alpha, step * beta, 1]);
      for (let epoch = 0; epoch < 4; epoch++) {
        // draws with replacement, then a shorter epoch
        const n = epoch === 3 ? Math.max(1, rows >> 1) : rows;
        for (let s = 0; s < n; s++) got.order[s] = want.order[s] = Math.floor(rnd() * rows);
        sagaEpoch(heap, X, labels, K, positive, got, n);
        sagaEpochReference({ data: Float32Array.from(X.data), rows, cols }, Int32Array.from(labels), K, positive, want, n);
        closeTo(got, want);
      }
      expect(got.state[0]).toBeGreaterThan(0);
      expect(got.W.some((w) => w !== 0)).toBe(true);
    });
  }

  it("n = 0 changes nothing", () => {
    const heap = SharedHeap.create();
    const ws = LinalgWorkspace.for(heap);
    ws.reset();
    const X = { data: ws.f32(6), rows: 2, cols: 3 };
    X.data.fill(1);
    const buf = sagaBuffers(ws, 2, 3, 2);
    buf.params.set([0.1, 1, 0, 1]);
    sagaEpoch(heap, X, ws.i32(2), 2, -1, buf, 0);
    expect(Array.from(buf.W)).toEqual(new Array(6).fill(0));
    expect(buf.state[0]).toBe(0);
  });
});
