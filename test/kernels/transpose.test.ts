import { describe, expect, it } from "vitest";
import { transposeKernels } from "../../src/kernels/transpose.js";
import { threadHeap } from "../../src/wasm/load.js";

describe("transpose_u8", () => {
  const heap = threadHeap();
  const { transposeU8 } = transposeKernels(heap);
  // Shapes that fill 16 x 16 blocks and 64 x 64 tiles, that leave edges of rows, of columns and of both, and smaller than a block.
  for (const [rows, cols] of [[64, 64], [128, 784], [100, 784], [64, 21], [37, 50], [5, 3], [16, 17], [1, 16]]) {
    it(`gives the row-major copy of a ${cols} x ${rows} column-major matrix`, () => {
      const src = heap.allocU8(rows * cols);
      for (let i = 0; i < src.length; i++) src[i] = (i * 131 + 7) & 255;
      const dst = heap.allocU8(rows * cols + 16);
      dst.fill(0xee);
      transposeU8(src.byteOffset, rows, cols, dst.byteOffset);
      const expected = new Uint8Array(rows * cols);
      for (let r = 0; r < rows; r++) for (let f = 0; f < cols; f++) expected[r * cols + f] = src[f * rows + r];
      expect(dst.subarray(0, rows * cols)).toEqual(expected);
      expect(dst.subarray(rows * cols)).toEqual(new Uint8Array(16).fill(0xee)); // nothing written past the end
    });
  }
});
