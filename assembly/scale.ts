// Per-feature affine transforms of 8-bit pixels into float32 features.
// Arithmetic is done in f64 and rounded once to f32, so the stored value equals
// float32(scikit-learn's float64 result) for StandardScaler and MinMaxScaler.

/** dst[i, j] = f32((src[i, j] - center[j]) / scale[j]); src is u8, center/scale f64. */
export function standardize_u8_f32(
  src: usize, rows: i32, cols: i32, center: usize, scale: usize, dst: usize,
): void {
  for (let i = 0; i < rows; i++) {
    const s = src + <usize>i * <usize>cols;
    const d = dst + (<usize>i * <usize>cols << 2);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const x = f64x2(<f64>load<u8>(s + j), <f64>load<u8>(s + j + 1));
      const c = v128.load(center + (<usize>j << 3));
      const k = v128.load(scale + (<usize>j << 3));
      const y = f64x2.div(f64x2.sub(x, c), k);
      store<f32>(d + (<usize>j << 2), <f32>f64x2.extract_lane(y, 0));
      store<f32>(d + (<usize>(j + 1) << 2), <f32>f64x2.extract_lane(y, 1));
    }
    for (; j < cols; j++) {
      const x = <f64>load<u8>(s + j);
      store<f32>(d + (<usize>j << 2), <f32>((x - load<f64>(center + (<usize>j << 3))) / load<f64>(scale + (<usize>j << 3))));
    }
  }
}

/** dst[i, j] = f32(src[i, j] * mul[j] + add[j]); src is u8, mul/add f64. */
export function mul_add_u8_f32(
  src: usize, rows: i32, cols: i32, mul: usize, add: usize, dst: usize,
): void {
  for (let i = 0; i < rows; i++) {
    const s = src + <usize>i * <usize>cols;
    const d = dst + (<usize>i * <usize>cols << 2);
    for (let j = 0; j < cols; j++) {
      const x = <f64>load<u8>(s + j);
      store<f32>(d + (<usize>j << 2), <f32>(x * load<f64>(mul + (<usize>j << 3)) + load<f64>(add + (<usize>j << 3))));
    }
  }
}
