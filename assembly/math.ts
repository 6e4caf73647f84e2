// Elementary functions without lookup tables: AssemblyScript's Math.exp and Math.log
// read static tables, and kernels must not have data segments (they would overwrite
// the heap header of the imported memory).

/**
 * exp(x) without lookup tables: Cody-Waite reduction by ln 2 and a degree-11 Taylor
 * polynomial on |r| <= ln2/2; relative error below 1e-15.
 */
@inline
export function expNoTable(x: f64): f64 {
  if (x > 709.0) return Infinity;
  if (x < -745.0) return 0.0;
  const k = Math.floor(x * 1.4426950408889634 + 0.5);
  const r = x - k * 0.6931471803691238 - k * 1.9082149292705877e-10;
  let p = 2.505210838544172e-8;
  p = p * r + 2.755731922398589e-7;
  p = p * r + 2.7557319223985893e-6;
  p = p * r + 2.48015873015873e-5;
  p = p * r + 1.984126984126984e-4;
  p = p * r + 1.388888888888889e-3;
  p = p * r + 8.333333333333333e-3;
  p = p * r + 4.1666666666666664e-2;
  p = p * r + 0.16666666666666666;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // 2^k by building the exponent bits; split in two to reach subnormal range.
  const ki = <i64>k;
  if (ki < -1000) {
    return p * reinterpret<f64>(<i64>(ki + 1000 + 1023) << 52) * reinterpret<f64>(<i64>(-1000 + 1023) << 52);
  }
  return p * reinterpret<f64>(<i64>(ki + 1023) << 52);
}

/** log(1 + a) for a >= 0 without tables: atanh series on the reduced mantissa. */
@inline
export function log1pNoTable(a: f64): f64 {
  // log(1 + a) for a in [0, +inf): reduce m = 1 + a = 2^e * f with f in [sqrt(1/2), sqrt(2)).
  const m = 1.0 + a;
  let bits = reinterpret<i64>(m);
  let e = <i32>((bits >> 52) & 0x7ff) - 1023;
  let f = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (f > 1.4142135623730951) {
    f *= 0.5;
    e += 1;
  }
  // correct for the rounding of 1 + a
  const c = (a - (m - 1.0)) / m;
  const s = (f - 1.0) / (f + 1.0);
  const s2 = s * s;
  let t = 1.0 / 19.0;
  t = t * s2 + 1.0 / 17.0;
  t = t * s2 + 1.0 / 15.0;
  t = t * s2 + 1.0 / 13.0;
  t = t * s2 + 1.0 / 11.0;
  t = t * s2 + 1.0 / 9.0;
  t = t * s2 + 1.0 / 7.0;
  t = t * s2 + 1.0 / 5.0;
  t = t * s2 + 1.0 / 3.0;
  t = t * s2 + 1.0;
  return 2.0 * s * t + <f64>e * 0.6931471805599453 + c;
}
