// Layout changes of whole matrices for the tree builders: the column-major binned u8
// matrix to row-major, and float32 columns copied out column-major.

/** Bytes 0-7 of a and b interleaved (a0 b0 a1 b1 ...). */
@inline
function zipLo8(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
}

/** Bytes 8-15 of a and b interleaved. */
@inline
function zipHi8(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
}

/**
 * The 16 x 16 byte block at src (rows `srcStride` bytes apart) transposed into dst (rows
 * `dstStride` apart): each round interleaves the bytes of rows i and i + 8 into rows 2i
 * and 2i + 1 (a perfect shuffle of the 256 bytes), and four rounds transpose the block.
 */
@inline
function transposeBlock16(src: usize, srcStride: usize, dst: usize, dstStride: usize): void {
  let a0 = v128.load(src + 0 * srcStride); let a1 = v128.load(src + 1 * srcStride); let a2 = v128.load(src + 2 * srcStride); let a3 = v128.load(src + 3 * srcStride);
  let a4 = v128.load(src + 4 * srcStride); let a5 = v128.load(src + 5 * srcStride); let a6 = v128.load(src + 6 * srcStride); let a7 = v128.load(src + 7 * srcStride);
  let a8 = v128.load(src + 8 * srcStride); let a9 = v128.load(src + 9 * srcStride); let a10 = v128.load(src + 10 * srcStride); let a11 = v128.load(src + 11 * srcStride);
  let a12 = v128.load(src + 12 * srcStride); let a13 = v128.load(src + 13 * srcStride); let a14 = v128.load(src + 14 * srcStride); let a15 = v128.load(src + 15 * srcStride);
  for (let round = 0; round < 4; round++) {
    const b0 = zipLo8(a0, a8), b1 = zipHi8(a0, a8), b2 = zipLo8(a1, a9), b3 = zipHi8(a1, a9);
    const b4 = zipLo8(a2, a10), b5 = zipHi8(a2, a10), b6 = zipLo8(a3, a11), b7 = zipHi8(a3, a11);
    const b8 = zipLo8(a4, a12), b9 = zipHi8(a4, a12), b10 = zipLo8(a5, a13), b11 = zipHi8(a5, a13);
    const b12 = zipLo8(a6, a14), b13 = zipHi8(a6, a14), b14 = zipLo8(a7, a15), b15 = zipHi8(a7, a15);
    a0 = b0; a1 = b1; a2 = b2; a3 = b3; a4 = b4; a5 = b5; a6 = b6; a7 = b7;
    a8 = b8; a9 = b9; a10 = b10; a11 = b11; a12 = b12; a13 = b13; a14 = b14; a15 = b15;
  }
  v128.store(dst + 0 * dstStride, a0); v128.store(dst + 1 * dstStride, a1); v128.store(dst + 2 * dstStride, a2); v128.store(dst + 3 * dstStride, a3);
  v128.store(dst + 4 * dstStride, a4); v128.store(dst + 5 * dstStride, a5); v128.store(dst + 6 * dstStride, a6); v128.store(dst + 7 * dstStride, a7);
  v128.store(dst + 8 * dstStride, a8); v128.store(dst + 9 * dstStride, a9); v128.store(dst + 10 * dstStride, a10); v128.store(dst + 11 * dstStride, a11);
  v128.store(dst + 12 * dstStride, a12); v128.store(dst + 13 * dstStride, a13); v128.store(dst + 14 * dstStride, a14); v128.store(dst + 15 * dstStride, a15);
}

/**
 * Row-major copy dst (rows x cols) of the column-major u8 matrix src (cols x rows), in
 * 64 x 64 tiles of 16 x 16 SIMD blocks, so that both sides stream through whole cache
 * lines; the edges that do not fill a block are copied a byte at a time.
 */
export function transpose_u8(src: usize, rows: i32, cols: i32, dst: usize): void {
  const rowsFull = rows & ~15;
  const colsFull = cols & ~15;
  const srcStride = <usize>rows;
  const dstStride = <usize>cols;
  for (let r0 = 0; r0 < rowsFull; r0 += 64) {
    const r1 = min(r0 + 64, rowsFull);
    for (let f0 = 0; f0 < colsFull; f0 += 64) {
      const f1 = min(f0 + 64, colsFull);
      for (let r = r0; r < r1; r += 16) {
        for (let f = f0; f < f1; f += 16) {
          transposeBlock16(src + <usize>f * srcStride + <usize>r, srcStride, dst + <usize>r * dstStride + <usize>f, dstStride);
        }
      }
    }
  }
  for (let r = 0; r < rows; r++) {
    const out = dst + <usize>r * dstStride;
    for (let f = r < rowsFull ? colsFull : 0; f < cols; f++) store<u8>(out + <usize>f, load<u8>(src + <usize>f * srcStride + <usize>r));
  }
}

/**
 * dst[k * rows + i] = src[i * cols + f0 + k] for k < width: `width` columns of the
 * row-major f32 matrix src copied out column-major in one pass over its rows, with
 * -0 turned into +0 (x + 0 does that) so that both are one binned value.
 */
export function columns_f32(src: usize, rows: i32, cols: i32, f0: i32, width: i32, dst: usize): void {
  const stride = <usize>rows << 2;
  for (let i = 0; i < rows; i++) {
    const row = src + ((<usize>i * <usize>cols + <usize>f0) << 2);
    let out = dst + (<usize>i << 2);
    for (let k = 0; k < width; k++) {
      store<f32>(out, load<f32>(row + (<usize>k << 2)) + 0.0);
      out += stride;
    }
  }
}
