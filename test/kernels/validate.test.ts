import { describe, expect, it } from "vitest";
import { allFinite, allFiniteReference } from "../../src/kernels/validate.js";
import { SharedHeap } from "../../src/wasm/heap.js";

describe("allFinite", () => {
  const heap = SharedHeap.create();
  const at = (n: number): Float32Array => {
    const values = heap.f32(heap.alloc(n * 4 + 4) + 4, n); // an odd word offset: not 16-byte aligned
    for (let i = 0; i < n; i++) values[i] = (i % 7) - 3.5;
    return values;
  };
  for (const n of [0, 1, 7, 8, 9, 31, 100]) {
    it(`agrees with the reference on ${n} values, finite or with one NaN or infinity at any place`, () => {
      const values = at(n);
      expect(allFinite(heap, values)).toBe(true);
      expect(allFiniteReference(values)).toBe(true);
      for (const bad of [NaN, Infinity, -Infinity]) {
        for (let i = 0; i < n; i++) {
          const keep = values[i];
          values[i] = bad;
          expect(allFinite(heap, values)).toBe(false);
          expect(allFiniteReference(values)).toBe(false);
          values[i] = keep;
        }
      }
    });
  }
  it("takes the largest finite float32 values as finite", () => {
    const values = at(9);
    values.fill(3.4028234663852886e38);
    values[4] = -3.4028234663852886e38;
    expect(allFinite(heap, values)).toBe(true);
    expect(allFiniteReference(values)).toBe(true);
  });
  it("refuses an array outside the heap", () => {
    expect(() => allFinite(heap, new Float32Array(4))).toThrow(/heap-resident/);
  });
});
