// Orthonormal rows: modified Gram-Schmidt in float64, and how far a float32 set of rows
// is from orthonormal. The projection of the k-nearest search (src/kernels/knn_projected.ts)
// takes its basis from here; in wasm, so a first call costs no JS warm-up.

/** Dot product of two float64 rows of n values (two lanes, summed in order). */
// @ts-ignore: decorator
@inline function dot64(a: usize, b: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 2 <= n; j += 2) acc = f64x2.add(acc, f64x2.mul(v128.load(a + (<usize>j << 3)), v128.load(b + (<usize>j << 3))));
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; j < n; j++) s += load<f64>(a + (<usize>j << 3)) * load<f64>(b + (<usize>j << 3));
  return s;
}

/**
 * Orthonormalizes the m rows of n float64 values at V (row c at V + c * n * 8), in place:
 * modified Gram-Schmidt with `passes` orthogonalization passes per row (two make the
 * result orthonormal to rounding error). A row in the span of the earlier ones
 * (rank-deficient data) is replaced by a unit vector and orthogonalized again.
 */
export function orthonormalize_rows_f64(V: usize, n: i32, m: i32, passes: i32): void {
  const rowBytes = <usize>n << 3;
  for (let c = 0; c < m; c++) {
    const v = V + <usize>c * rowBytes;
    for (let attempt = 0; attempt <= n; attempt++) {
      for (let pass = 0; pass < passes; pass++) {
        for (let b = 0; b < c; b++) {
          const u = V + <usize>b * rowBytes;
          const d = f64x2.splat(dot64(v, u, n));
          let j = 0;
          for (; j + 2 <= n; j += 2) {
            const o = <usize>j << 3;
            v128.store(v + o, f64x2.sub(v128.load(v + o), f64x2.mul(d, v128.load(u + o))));
          }
          for (; j < n; j++) store<f64>(v + (<usize>j << 3), load<f64>(v + (<usize>j << 3)) - f64x2.extract_lane(d, 0) * load<f64>(u + (<usize>j << 3)));
        }
      }
      const norm = Math.sqrt(dot64(v, v, n));
      if (norm > 1e-8) {
        for (let j = 0; j < n; j++) store<f64>(v + (<usize>j << 3), load<f64>(v + (<usize>j << 3)) / norm);
        break;
      }
      memory.fill(v, 0, rowBytes);
      store<f64>(v + (<usize>((c + attempt) % n) << 3), 1);
    }
  }
}

/** ||P P^T - I||_F (float64) of the m float32 rows of n values at P (row c at P + c * n * 4). */
export function orthonormality_error_f32(P: usize, n: i32, m: i32): f64 {
  const rowBytes = <usize>n << 2;
  let sum: f64 = 0;
  for (let a = 0; a < m; a++) {
    const u = P + <usize>a * rowBytes;
    for (let b = a; b < m; b++) {
      const v = P + <usize>b * rowBytes;
      let acc = f64x2.splat(0);
      let j = 0;
      for (; j + 2 <= n; j += 2) {
        const o = <usize>j << 2;
        acc = f64x2.add(acc, f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(u + o)), f64x2.promote_low_f32x4(v128.load64_zero(v + o))));
      }
      let dot = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      for (; j < n; j++) dot += <f64>load<f32>(u + (<usize>j << 2)) * <f64>load<f32>(v + (<usize>j << 2));
      const e = dot - (a == b ? 1 : 0);
      sum += a == b ? e * e : 2 * e * e;
    }
  }
  return Math.sqrt(sum);
}
