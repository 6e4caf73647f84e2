import { describe, expect, it } from "vitest";
import { hogShape, hogU8, hogU8Reference, type HogLayout } from "../../src/kernels/hog.js";
import { resolveHogParams, type HogParams } from "../../src/features/hog.js";
import { SharedHeap } from "../../src/wasm/heap.js";

function pixels(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** Smooth blobs plus noise: gradients of every size and direction, many exact ties (flat runs, 45 and 90 degrees). */
function images(count: number, height: number, width: number, seed: number): Uint8Array {
  const noise = pixels(count * height * width, seed);
  const out = new Uint8Array(count * height * width);
  for (let k = 0; k < count; k++) {
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const i = (k * height + r) * width + c;
        const blob = 255 * Math.exp(-((r - height / 2) ** 2 + (c - width / 3) ** 2) / (8 + k));
        out[i] = k % 3 === 0 ? noise[i] : Math.min(255, Math.round(blob) + (noise[i] & 7) * (k % 2));
      }
    }
  }
  return out;
}

function check(heap: SharedHeap, count: number, height: number, width: number, params: HogParams, seed = 1): void {
  const layout: HogLayout = resolveHogParams(params, height, width);
  const { dim } = hogShape(layout);
  const X = { data: images(count, height, width, seed), rows: count, cols: height * width };
  const got = new Float32Array(count * dim);
  const want = new Float32Array(count * dim);
  hogU8(heap, X, layout, got);
  hogU8Reference(X, layout, want);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThanOrEqual(1e-5);
}

describe("hog_u8 WASM kernel against the TS reference", () => {
  const heap = SharedHeap.create();
  const shapes: [number, number, number, HogParams][] = [
    // n, height, width, params: sizes not a multiple of the SIMD width, used columns that end mid-vector,
    // cells that leave pixels over, one-pixel-wide and -high images.
    [0, 28, 28, { pixels_per_cell: 4, cells_per_block: 2 }],
    [5, 28, 28, { pixels_per_cell: 4, cells_per_block: 2 }],
    [4, 28, 28, {}],
    [3, 17, 23, { pixels_per_cell: [3, 5], cells_per_block: [2, 1], block_norm: "L1" }],
    [3, 9, 13, { orientations: 7, pixels_per_cell: [2, 3], cells_per_block: [3, 2], block_norm: "L1-sqrt", transform_sqrt: true }],
    [2, 31, 6, { orientations: 4, pixels_per_cell: [5, 1], cells_per_block: [2, 3], block_norm: "L2" }],
    [2, 1, 12, { orientations: 3, pixels_per_cell: [1, 2], cells_per_block: [1, 2] }],
    [2, 12, 1, { orientations: 3, pixels_per_cell: [2, 1], cells_per_block: [2, 1] }],
    [3, 28, 28, { orientations: 8, pixels_per_cell: 7, cells_per_block: 2, transform_sqrt: true }],
    [3, 28, 28, { orientations: 36, pixels_per_cell: 4, cells_per_block: 3 }],
  ];
  for (const [n, h, w, params] of shapes) {
    it(`${n} images of ${h} x ${w}, ${JSON.stringify(params)}`, () => check(heap, n, h, w, params));
  }

  it("writes heap-resident output in place and stages other output in chunks", () => {
    const layout = resolveHogParams({ pixels_per_cell: 4, cells_per_block: 2 }, 28, 28);
    const { dim } = hogShape(layout);
    const count = 7000; // > one 32 MiB staging chunk of outputs (6,473 images of 5,184 bytes)
    const X = { data: pixels(count * 784, 9), rows: count, cols: 784 };
    const staged = new Float32Array(count * dim);
    hogU8(heap, X, layout, staged);
    const inPlace = heap.allocF32(count * dim);
    const Xheap = { ...X, data: heap.allocU8(count * 784) };
    Xheap.data.set(X.data);
    hogU8(heap, Xheap, layout, inPlace);
    expect(staged.subarray(count * dim - dim)).toEqual(inPlace.subarray(count * dim - dim));
    const ref = new Float32Array(2 * dim);
    hogU8Reference({ ...X, data: X.data.subarray((count - 2) * 784), rows: 2 }, layout, ref);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i] - staged[(count - 2) * dim + i]));
    expect(worst).toBeLessThanOrEqual(1e-5);
  });

  it("rejects mismatched shapes", () => {
    const layout = resolveHogParams({}, 28, 28);
    expect(() => hogU8(heap, { data: new Uint8Array(10), rows: 1, cols: 10 }, layout, new Float32Array(81))).toThrow(RangeError);
    expect(() => hogU8(heap, { data: new Uint8Array(784), rows: 1, cols: 784 }, layout, new Float32Array(80))).toThrow(RangeError);
  });
});
