// Input validation over whole arrays: the checks scikit-learn's check_array makes on X.

/** Bits of a float32's exponent: all set for infinity and NaN, and only for them. */
const EXPONENT: i32 = 0x7f800000;

/** 1 when every one of the n float32 values at X is finite, else 0. */
export function all_finite_f32(X: usize, n: i32): i32 {
  const mask = i32x4.splat(EXPONENT);
  let bad0 = i32x4.splat(0), bad1 = bad0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = X + (<usize>i << 2);
    bad0 = v128.or(bad0, i32x4.eq(v128.and(v128.load(p), mask), mask));
    bad1 = v128.or(bad1, i32x4.eq(v128.and(v128.load(p, 16), mask), mask));
  }
  if (v128.any_true(v128.or(bad0, bad1))) return 0;
  for (; i < n; i++) if ((load<i32>(X + (<usize>i << 2)) & EXPONENT) == EXPONENT) return 0;
  return 1;
}
