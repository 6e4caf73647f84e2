// GaussianNB's statistics and joint log-likelihood (src/models/naive_bayes.ts). X is
// row-major float32; everything else float64. SIMD runs across columns (fit) or across
// classes (log-likelihood), never along a sum: every sum adds its terms in the order the
// plain loops do (rows in order, features in order), so results do not depend on it.

/**
 * Column means and variances of X (two passes) into mean / variance (cols each), then
 * the per-class sums theta (k x cols, overwritten) divided by each class's count, and
 * the per-class sums of squared deviations from them into vars (k x cols, overwritten;
 * not yet divided). count (k, overwritten) receives the class sizes. Returns the
 * largest column variance.
 */
export function gnb_stats_f32(
  X: usize, rows: i32, cols: i32, codes: usize, k: i32,
  mean: usize, variance: usize, theta: usize, vars: usize, count: usize,
): f64 {
  const rowBytes = <usize>cols << 2;
  const colBytes = <usize>cols << 3;
  memory.fill(mean, 0, colBytes);
  memory.fill(variance, 0, colBytes);
  memory.fill(theta, 0, <usize>k * colBytes);
  memory.fill(vars, 0, <usize>k * colBytes);
  memory.fill(count, 0, <usize>k << 3);
  for (let i = 0; i < rows; i++) addRow(mean, X + <usize>i * rowBytes, cols);
  divide(mean, cols, <f64>rows);
  for (let i = 0; i < rows; i++) addSquaredDeviation(variance, X + <usize>i * rowBytes, mean, cols);
  let maxVar: f64 = 0;
  for (let j = 0; j < cols; j++) maxVar = max(maxVar, load<f64>(variance + (<usize>j << 3)) / <f64>rows);
  for (let i = 0; i < rows; i++) {
    const c = <usize>load<i32>(codes + (<usize>i << 2));
    store<f64>(count + (c << 3), load<f64>(count + (c << 3)) + 1);
    addRow(theta + c * colBytes, X + <usize>i * rowBytes, cols);
  }
  for (let c = 0; c < k; c++) divide(theta + <usize>c * colBytes, cols, load<f64>(count + (<usize>c << 3)));
  for (let i = 0; i < rows; i++) {
    const o = <usize>load<i32>(codes + (<usize>i << 2)) * colBytes;
    addSquaredDeviation(vars + o, X + <usize>i * rowBytes, theta + o, cols);
  }
  return maxVar;
}

/** acc[j] += x[j] (float32 x). */
@inline function addRow(acc: usize, x: usize, cols: i32): void {
  let j = 0;
  for (; j + 2 <= cols; j += 2) {
    const p = acc + (<usize>j << 3);
    v128.store(p, f64x2.add(v128.load(p), f64x2.promote_low_f32x4(v128.load64_zero(x + (<usize>j << 2)))));
  }
  if (j < cols) {
    const p = acc + (<usize>j << 3);
    store<f64>(p, load<f64>(p) + <f64>load<f32>(x + (<usize>j << 2)));
  }
}

/** acc[j] += (x[j] - m[j])^2. */
@inline function addSquaredDeviation(acc: usize, x: usize, m: usize, cols: i32): void {
  let j = 0;
  for (; j + 2 <= cols; j += 2) {
    const p = acc + (<usize>j << 3);
    const d = f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(x + (<usize>j << 2))), v128.load(m + (<usize>j << 3)));
    v128.store(p, f64x2.add(v128.load(p), f64x2.mul(d, d)));
  }
  if (j < cols) {
    const p = acc + (<usize>j << 3);
    const d = <f64>load<f32>(x + (<usize>j << 2)) - load<f64>(m + (<usize>j << 3));
    store<f64>(p, load<f64>(p) + d * d);
  }
}

@inline function divide(a: usize, n: i32, by: f64): void {
  for (let j = 0; j < n; j++) store<f64>(a + (<usize>j << 3), load<f64>(a + (<usize>j << 3)) / by);
}

/**
 * out[i * k + c] = base[c] - 0.5 * sum_j (X[i, j] - theta[c, j])^2 / var[c, j], the sum
 * over j in order. thetaT and varT are theta and var transposed (cols x kp, kp = k
 * rounded up to even, padding var 1) and base has kp entries; two classes per f64x2
 * lane pair.
 */
export function gnb_jll_f32(X: usize, rows: i32, cols: i32, thetaT: usize, varT: usize, k: i32, base: usize, out: usize): void {
  const kp = (k + 1) & ~1;
  const rowBytes = <usize>cols << 2;
  const stride = <usize>kp << 3;
  for (let i = 0; i < rows; i++) {
    const x = X + <usize>i * rowBytes;
    const o = out + (<usize>(i * k) << 3);
    for (let c = 0; c < kp; c += 10) {
      // Up to ten classes (five lane pairs) per pass over the row.
      const pairs = min(5, (kp - c) >> 1);
      const off = <usize>c << 3;
      let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0;
      let t = thetaT + off;
      let v = varT + off;
      for (let j = 0; j < cols; j++, t += stride, v += stride) {
        const xj = f64x2.splat(<f64>load<f32>(x + (<usize>j << 2)));
        let d = f64x2.sub(xj, v128.load(t));
        s0 = f64x2.add(s0, f64x2.div(f64x2.mul(d, d), v128.load(v)));
        if (pairs > 1) {
          d = f64x2.sub(xj, v128.load(t, 16));
          s1 = f64x2.add(s1, f64x2.div(f64x2.mul(d, d), v128.load(v, 16)));
        }
        if (pairs > 2) {
          d = f64x2.sub(xj, v128.load(t, 32));
          s2 = f64x2.add(s2, f64x2.div(f64x2.mul(d, d), v128.load(v, 32)));
        }
        if (pairs > 3) {
          d = f64x2.sub(xj, v128.load(t, 48));
          s3 = f64x2.add(s3, f64x2.div(f64x2.mul(d, d), v128.load(v, 48)));
        }
        if (pairs > 4) {
          d = f64x2.sub(xj, v128.load(t, 64));
          s4 = f64x2.add(s4, f64x2.div(f64x2.mul(d, d), v128.load(v, 64)));
        }
      }
      storePair(o, base, c, k, s0);
      if (pairs > 1) storePair(o, base, c + 2, k, s1);
      if (pairs > 2) storePair(o, base, c + 4, k, s2);
      if (pairs > 3) storePair(o, base, c + 6, k, s3);
      if (pairs > 4) storePair(o, base, c + 8, k, s4);
    }
  }
}

/** out[cls] (and out[cls + 1] when cls + 1 < k) = base - 0.5 * s, lane by lane. */
@inline function storePair(out: usize, base: usize, cls: i32, k: i32, s: v128): void {
  const r = f64x2.sub(v128.load(base + (<usize>cls << 3)), f64x2.mul(f64x2.splat(0.5), s));
  store<f64>(out + (<usize>cls << 3), f64x2.extract_lane(r, 0));
  if (cls + 1 < k) store<f64>(out + (<usize>(cls + 1) << 3), f64x2.extract_lane(r, 1));
}
