import type { PixelMatrix } from "../core/matrix.js";
import { scratchFor, type SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";

/**
 * Per-feature affine transforms of 8-bit pixels into float32, in WASM. `out` and the
 * returned values are float32(result computed in float64), as scikit-learn's scalers
 * compute in float64. Inputs outside the heap are copied into scratch space once per
 * call; pass heap-resident arrays to avoid the copy.
 */

type AffineKernel = "standardize_u8_f32" | "mul_add_u8_f32";

function affineU8(
  heap: SharedHeap, kernel: AffineKernel, X: PixelMatrix, a: Float64Array, b: Float64Array, out: Float32Array,
): void {
  const { rows, cols } = X;
  if (a.length !== cols || b.length !== cols) throw new RangeError(`${kernel}: per-feature arrays must have ${cols} values`);
  if (out.length !== rows * cols) throw new RangeError(`${kernel}: out must have ${rows * cols} values`);
  if (rows === 0 || cols === 0) return;
  const scratch = scratchFor(heap);
  scratch.reset();
  const pa = scratch.pointerTo(a);
  const pb = scratch.pointerTo(b);
  const src = scratch.pointerTo(X.data);
  const needOut = !heap.owns(out);
  const dst = needOut ? scratch.alloc(out.byteLength) : out.byteOffset;
  kernelsFor(heap)[kernel](src, rows, cols, pa, pb, dst);
  if (needOut) out.set(heap.f32(dst, out.length));
}

/** out[i, j] = (X[i, j] - center[j]) / scale[j] */
export function standardizeU8(heap: SharedHeap, X: PixelMatrix, center: Float64Array, scale: Float64Array, out: Float32Array): void {
  affineU8(heap, "standardize_u8_f32", X, center, scale, out);
}

/** out[i, j] = X[i, j] * mul[j] + add[j] */
export function mulAddU8(heap: SharedHeap, X: PixelMatrix, mul: Float64Array, add: Float64Array, out: Float32Array): void {
  affineU8(heap, "mul_add_u8_f32", X, mul, add, out);
}

/** Plain-TS reference of standardizeU8, for tests. */
export function standardizeU8Reference(X: PixelMatrix, center: Float64Array, scale: Float64Array, out: Float32Array): void {
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      out[i * X.cols + j] = (X.data[i * X.cols + j] - center[j]) / scale[j];
    }
  }
}

/** Plain-TS reference of mulAddU8, for tests. */
export function mulAddU8Reference(X: PixelMatrix, mul: Float64Array, add: Float64Array, out: Float32Array): void {
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      out[i * X.cols + j] = X.data[i * X.cols + j] * mul[j] + add[j];
    }
  }
}
