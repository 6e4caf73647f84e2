import type { SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";

/**
 * Whether every value of a heap-resident float32 array is finite (assembly/validate.ts
 * all_finite_f32: the exponent bits of four values per SIMD compare, at about the speed
 * of reading the array).
 */
export function allFinite(heap: SharedHeap, values: Float32Array): boolean {
  if (!heap.owns(values)) throw new RangeError("allFinite: the values must be heap-resident");
  return values.length === 0 || kernelsFor(heap).all_finite_f32(values.byteOffset, values.length) === 1;
}

/**
 * Plain-TS allFinite for any array: a float64 sum of float32 values is finite exactly
 * when every value is, so it costs one add per value (four running sums, so that the
 * adds do not wait on each other).
 */
export function allFiniteReference(values: Float32Array): boolean {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n4 = values.length & ~3;
  for (let i = 0; i < n4; i += 4) {
    s0 += values[i];
    s1 += values[i + 1];
    s2 += values[i + 2];
    s3 += values[i + 3];
  }
  for (let i = n4; i < values.length; i++) s0 += values[i];
  return Number.isFinite(s0 + s1 + s2 + s3);
}
