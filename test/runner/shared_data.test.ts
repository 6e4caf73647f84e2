import { describe, expect, it } from "vitest";
import type { PreparedData } from "../../src/data/prepared.js";
import { shareData } from "../../src/runner/shared_data.js";
import { SharedHeap } from "../../src/wasm/heap.js";

function prepared(heap: SharedHeap, rows: number, cols: number): PreparedData {
  const Xtrain = heap.allocF32(rows * cols);
  for (let i = 0; i < Xtrain.length; i++) Xtrain[i] = i;
  const ytrain = heap.allocI32(rows);
  for (let i = 0; i < rows; i++) ytrain[i] = i;
  return {
    dataset: "t", classNames: [], features: "raw", preprocess: "none", evaluation: "test",
    Xtrain: { data: Xtrain, rows, cols }, ytrain, Xtest: { data: heap.allocF32(cols), rows: 1, cols }, ytest: heap.allocI32(1),
  };
}

describe("shareData", () => {
  it("shuffles the last repeat in place when asked: the same rows as a copy, one training-set copy less", () => {
    const rows = 257;
    const cols = 3;
    for (const repeats of [1, 3]) {
      const copyHeap = SharedHeap.create();
      const copied = shareData(prepared(copyHeap, rows, cols), copyHeap, repeats, 7).views;
      const inPlaceHeap = SharedHeap.create();
      const data = prepared(inPlaceHeap, rows, cols);
      const shared = shareData(data, inPlaceHeap, repeats, 7, true).views;
      expect(copyHeap.usedBytes - inPlaceHeap.usedBytes).toBeGreaterThanOrEqual(rows * (cols + 1) * 4);
      for (let r = 0; r < repeats; r++) {
        expect(Array.from(shared.train[r].X.data)).toEqual(Array.from(copied.train[r].X.data));
        expect(Array.from(shared.train[r].y)).toEqual(Array.from(copied.train[r].y));
        // Each row still holds its own label (row i of the original had values i*cols.. and label i).
        for (let i = 0; i < rows; i++) expect(shared.train[r].X.data[i * cols]).toBe(shared.train[r].y[i] * cols);
      }
      expect(shared.train[repeats - 1].X.data).toBe(data.Xtrain.data);
    }
  });
});
