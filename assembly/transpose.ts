// Layout changes of whole matrices for the tree builders: the column-major binned u8
// matrix to row-major, and float32 columns copied out column-major.

/**
 * Row-major copy dst (rows x cols) of the column-major u8 matrix src (cols x rows),
 * in 64 x 64 tiles so that both sides stream through whole cache lines.
 */
export function transpose_u8(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let r0 = 0; r0 < rows; r0 += 64) {
    const r1 = min(r0 + 64, rows);
    for (let f0 = 0; f0 < cols; f0 += 64) {
      const f1 = min(f0 + 64, cols);
      for (let r = r0; r < r1; r++) {
        const out = dst + <usize>r * <usize>cols;
        for (let f = f0; f < f1; f++) store<u8>(out + <usize>f, load<u8>(src + <usize>f * <usize>rows + <usize>r));
      }
    }
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
