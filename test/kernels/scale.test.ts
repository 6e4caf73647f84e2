import { describe, expect, it } from "vitest";
import { mulAddU8, mulAddU8Reference, standardizeU8, standardizeU8Reference } from "../../src/kernels/scale.js";
import { SharedHeap } from "../../src/wasm/heap.js";

function pixels(rows: number, cols: number, seed = 1): Uint8Array {
  const out = new Uint8Array(rows * cols);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe("affine u8 -> f32 kernels", () => {
  // Widths that are not a multiple of the SIMD width, and empty inputs.
  for (const [rows, cols] of [[0, 5], [3, 0], [1, 1], [4, 7], [5, 784], [2, 33]] as const) {
    it(`standardize matches the TS reference for ${rows} x ${cols}`, () => {
      const heap = SharedHeap.create();
      const X = { data: pixels(rows, cols), rows, cols };
      const center = Float64Array.from({ length: cols }, (_, j) => j * 0.37);
      const scale = Float64Array.from({ length: cols }, (_, j) => 1 + j * 0.11);
      const got = new Float32Array(rows * cols);
      const want = new Float32Array(rows * cols);
      standardizeU8(heap, X, center, scale, got);
      standardizeU8Reference(X, center, scale, want);
      expect(Array.from(got)).toEqual(Array.from(want));
    });
    it(`mul-add matches the TS reference for ${rows} x ${cols}`, () => {
      const heap = SharedHeap.create();
      const X = { data: pixels(rows, cols, 7), rows, cols };
      const mul = Float64Array.from({ length: cols }, (_, j) => 1 / (1 + j));
      const add = Float64Array.from({ length: cols }, (_, j) => -j * 0.5);
      const got = heap.allocF32(rows * cols); // heap-resident output: written in place
      const want = new Float32Array(rows * cols);
      mulAddU8(heap, X, mul, add, got);
      mulAddU8Reference(X, mul, add, want);
      expect(Array.from(got)).toEqual(Array.from(want));
    });
  }
});
