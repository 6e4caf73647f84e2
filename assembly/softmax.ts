// Softmax cross-entropy over the rows of a score matrix (the multinomial linear models'
// data term), with an exponential evaluated two lanes at a time.
//
// exp(x), x <= 0 here (scores minus their row maximum): x = n ln2 + r with n = round(x / ln2)
// and r reduced in two steps (ln2 split into a high part with trailing zero bits and a low
// part), so |r| <= ln2 / 2; e^r by its Taylor polynomial to degree 13 (truncation below
// 1e-17 relative) in Horner form; then 2^n by building the exponent bits. Below EXP_MIN
// the result is 0: such terms are under 1e-307 of the row's largest term, exp(0) = 1.
// The scalar and the two-lane forms take the same steps, so a value does not depend on its lane.

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e+00;
const EXP_MIN: f64 = -708.0;
// 1 / k! for k = 13 down to 2
const C13: f64 = 1.0 / 6227020800.0;
const C12: f64 = 1.0 / 479001600.0;
const C11: f64 = 1.0 / 39916800.0;
const C10: f64 = 1.0 / 3628800.0;
const C9: f64 = 1.0 / 362880.0;
const C8: f64 = 1.0 / 40320.0;
const C7: f64 = 1.0 / 5040.0;
const C6: f64 = 1.0 / 720.0;
const C5: f64 = 1.0 / 120.0;
const C4: f64 = 1.0 / 24.0;
const C3: f64 = 1.0 / 6.0;
const C2: f64 = 0.5;

/** e^x for EXP_MIN <= x <= 0 (0 below EXP_MIN), one value. */
@inline
function expNonPositive(x: f64): f64 {
  if (x < EXP_MIN) return 0;
  const n = nearest(x * INV_LN2);
  const r = (x - n * LN2_HI) - n * LN2_LO;
  let p = C13;
  p = p * r + C12;
  p = p * r + C11;
  p = p * r + C10;
  p = p * r + C9;
  p = p * r + C8;
  p = p * r + C7;
  p = p * r + C6;
  p = p * r + C5;
  p = p * r + C4;
  p = p * r + C3;
  p = p * r + C2;
  p = p * r + 1.0;
  p = p * r + 1.0;
  return p * reinterpret<f64>((<i64>n + 1023) << 52);
}

/** expNonPositive of both lanes. */
@inline
function expNonPositive2(x: v128): v128 {
  const n = f64x2.nearest(f64x2.mul(x, f64x2.splat(INV_LN2)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2_HI))), f64x2.mul(n, f64x2.splat(LN2_LO)));
  let p = f64x2.splat(C13);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C12));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C11));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C10));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C9));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C8));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C7));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C6));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C4));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C3));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C2));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2^n: n is integral and within [-1022, 0] where x >= EXP_MIN; lanes below are cleared after.
  const nClamped = f64x2.max(n, f64x2.splat(-1022.0));
  const bits = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(nClamped)), i64x2.splat(1023)), 52);
  const e = f64x2.mul(p, bits);
  return v128.and(e, f64x2.ge(x, f64x2.splat(EXP_MIN)));
}

/**
 * For rows [from, to) of the rows x K scores Z (float64, row-major): R = softmax(Z row) with
 * 1 subtracted at the row's label (codes, int32, one per row from row 0); rowMax[i - from] gets
 * the row's maximum m and rowSum[i - from] the sum of e^(z_c - m) in class order, from which the caller
 * forms the cross-entropy m + log(rowSum) - z_label (log stays in JS: this module has no
 * static data, and AssemblyScript's log would bring its tables).
 */
export function softmax_rows_f64(Z: usize, R: usize, codes: usize, from: i32, to: i32, K: i32, rowMax: usize, rowSum: usize): void {
  for (let i = from; i < to; i++) {
    const z = Z + (<usize>i * <usize>K << 3);
    const out = R + (<usize>i * <usize>K << 3);
    let m = load<f64>(z);
    for (let c = 1; c < K; c++) m = max(m, load<f64>(z + (<usize>c << 3)));
    const mv = f64x2.splat(m);
    let sum = 0.0;
    let c = 0;
    for (; c + 2 <= K; c += 2) {
      const e = expNonPositive2(f64x2.sub(v128.load(z + (<usize>c << 3)), mv));
      v128.store(out + (<usize>c << 3), e);
      sum += f64x2.extract_lane(e, 0);
      sum += f64x2.extract_lane(e, 1);
    }
    for (; c < K; c++) {
      const e = expNonPositive(load<f64>(z + (<usize>c << 3)) - m);
      store<f64>(out + (<usize>c << 3), e);
      sum += e;
    }
    store<f64>(rowMax + (<usize>(i - from) << 3), m);
    store<f64>(rowSum + (<usize>(i - from) << 3), sum);
    const inverse = 1.0 / sum;
    for (c = 0; c < K; c++) {
      const p = out + (<usize>c << 3);
      store<f64>(p, load<f64>(p) * inverse);
    }
    const at = out + (<usize>load<i32>(codes + (<usize>i << 2)) << 3);
    store<f64>(at, load<f64>(at) - 1.0);
  }
}

/**
 * Softmax of rows [0, rows) of the rows x K float32 scores Z, in place (MLPClassifier's
 * output layer): exponentials of z - max in float64, two lanes at a time, summed in class
 * order; each exponential is rounded to float32 and then divided by the sum.
 */
export function softmax_rows_f32(Z: usize, rows: i32, K: i32): void {
  for (let i = 0; i < rows; i++) {
    const z = Z + (<usize>i * <usize>K << 2);
    let m = <f64>load<f32>(z);
    for (let c = 1; c < K; c++) m = max(m, <f64>load<f32>(z + (<usize>c << 2)));
    const mv = f64x2.splat(m);
    let sum = 0.0;
    let c = 0;
    for (; c + 2 <= K; c += 2) {
      const p = z + (<usize>c << 2);
      const e = expNonPositive2(f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(p)), mv));
      v128.store64_lane(p, f32x4.demote_f64x2_zero(e), 0);
      sum += f64x2.extract_lane(e, 0);
      sum += f64x2.extract_lane(e, 1);
    }
    for (; c < K; c++) {
      const p = z + (<usize>c << 2);
      const e = expNonPositive(<f64>load<f32>(p) - m);
      store<f32>(p, <f32>e);
      sum += e;
    }
    for (c = 0; c < K; c++) {
      const p = z + (<usize>c << 2);
      store<f32>(p, <f32>(<f64>load<f32>(p) / sum));
    }
  }
}
