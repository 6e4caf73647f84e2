// Dense linear algebra and per-epoch solvers for the linear estimators.
// X is row-major float32; weights and accumulators are float64 where an optimizer
// needs the precision (SGD, coordinate descent, gradients); batched products keep
// float32 SIMD inner loops and flush partial sums to float64 every few rows.
// No allocation, no static data: every buffer is passed in by the caller.

// ---------------------------------------------------------------------------
// Small helpers

/** sum_j x[j] * w[j], x float32, w float64 (f64x2 lanes). */
@inline
export function dotF32F64(x: usize, w: usize, n: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const xv = v128.load(x + (<usize>j << 2));
    const lo = f64x2.promote_low_f32x4(xv);
    const hi = f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1));
    acc0 = f64x2.add(acc0, f64x2.mul(lo, v128.load(w + (<usize>j << 3))));
    acc1 = f64x2.add(acc1, f64x2.mul(hi, v128.load(w + (<usize>j << 3), 16)));
  }
  const acc = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; j < n; j++) s += <f64>load<f32>(x + (<usize>j << 2)) * load<f64>(w + (<usize>j << 3));
  return s;
}

/**
 * dotF32F64 over a row that also reads one word of every 64-byte line of `next`
 * (the row visited after this one), so that row is in cache by its turn: SGD visits
 * rows in shuffled order, which the hardware prefetcher cannot follow, and the dot
 * product would otherwise wait on memory at every row. The words read are xor-ed into
 * sink[0] (the caller stores it), so the loads cannot be dropped as dead.
 */
@inline
function dotF32F64Prefetch(x: usize, w: usize, n: i32, next: usize, sink: usize): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let touched: i32 = 0;
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    touched ^= load<i32>(next + (<usize>j << 2));
    const px = x + (<usize>j << 2);
    const pw = w + (<usize>j << 3);
    const x0 = v128.load(px);
    const x1 = v128.load(px, 16);
    const x2 = v128.load(px, 32);
    const x3 = v128.load(px, 48);
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(x0), v128.load(pw)));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(x0, x0, 2, 3, 0, 1)), v128.load(pw, 16)));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(x1), v128.load(pw, 32)));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(x1, x1, 2, 3, 0, 1)), v128.load(pw, 48)));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(x2), v128.load(pw, 64)));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(x2, x2, 2, 3, 0, 1)), v128.load(pw, 80)));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(x3), v128.load(pw, 96)));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(x3, x3, 2, 3, 0, 1)), v128.load(pw, 112)));
  }
  for (; j + 4 <= n; j += 4) {
    const xv = v128.load(x + (<usize>j << 2));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(xv), v128.load(w + (<usize>j << 3))));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1)), v128.load(w + (<usize>j << 3), 16)));
  }
  const acc = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; j < n; j++) s += <f64>load<f32>(x + (<usize>j << 2)) * load<f64>(w + (<usize>j << 3));
  store<i32>(sink, load<i32>(sink) ^ touched);
  return s;
}

/** w[j] += a * x[j], x float32, w float64. */
@inline
export function axpyF32F64(a: f64, x: usize, w: usize, n: i32): void {
  const av = f64x2.splat(a);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const xv = v128.load(x + (<usize>j << 2));
    const lo = f64x2.promote_low_f32x4(xv);
    const hi = f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1));
    const p = w + (<usize>j << 3);
    v128.store(p, f64x2.add(v128.load(p), f64x2.mul(av, lo)));
    v128.store(p, f64x2.add(v128.load(p, 16), f64x2.mul(av, hi)), 16);
  }
  for (; j < n; j++) {
    const p = w + (<usize>j << 3);
    store<f64>(p, load<f64>(p) + a * <f64>load<f32>(x + (<usize>j << 2)));
  }
}

/** sum_j x[j]^2 of a float32 row, in float64. */
@inline
function sqnormF32(x: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 2 <= n; j += 2) {
    const v = f64x2.promote_low_f32x4(v128.load64_zero(x + (<usize>j << 2)));
    acc = f64x2.add(acc, f64x2.mul(v, v));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; j < n; j++) {
    const v = <f64>load<f32>(x + (<usize>j << 2));
    s += v * v;
  }
  return s;
}

/**
 * exp(x) without lookup tables (AssemblyScript's Math.exp uses a static table, which
 * this module must not have): Cody-Waite reduction by ln 2 and a degree-11 Taylor
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

// ---------------------------------------------------------------------------
// Batched products

/** out[i] = dot(x_i, w) for rows of X (float32) and w (float64); out float64. */
export function gemv_f32_f64(X: usize, rows: i32, cols: i32, w: usize, out: usize): void {
  for (let i = 0; i < rows; i++) {
    store<f64>(out + (<usize>i << 3), dotF32F64(X + (<usize>i * <usize>cols << 2), w, cols));
  }
}

/** y[j] += a * x[j], float32 x, float64 y. */
export function axpy_f32_f64(a: f64, x: usize, y: usize, n: i32): void {
  axpyF32F64(a, x, y, n);
}

/** dot of float32 x and float64 w. */
export function dot_f32_f64(x: usize, w: usize, n: i32): f64 {
  return dotF32F64(x, w, n);
}

/**
 * out[i, c] = sum_j X[i, j] * W[c, j] + b[c], i < rows, c < k. X float32 (rows x cols),
 * W float32 (k x cols), b float64 (k) or 0 for none, out float64 (rows x k).
 * Four classes per pass over a row, so each x_i is read once per four classes.
 */
export function gemm_f32_xwt(X: usize, rows: i32, cols: i32, W: usize, k: i32, b: usize, out: usize): void {
  const rowBytes = <usize>cols << 2;
  for (let i = 0; i < rows; i++) {
    const x = X + <usize>i * rowBytes;
    const o = out + (<usize>i * <usize>k << 3);
    let c = 0;
    for (; c + 4 <= k; c += 4) {
      const w0 = W + <usize>c * rowBytes;
      const w1 = w0 + rowBytes;
      const w2 = w1 + rowBytes;
      const w3 = w2 + rowBytes;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let j = 0;
      for (; j + 4 <= cols; j += 4) {
        const off = <usize>j << 2;
        const xv = v128.load(x + off);
        a0 = f32x4.add(a0, f32x4.mul(xv, v128.load(w0 + off)));
        a1 = f32x4.add(a1, f32x4.mul(xv, v128.load(w1 + off)));
        a2 = f32x4.add(a2, f32x4.mul(xv, v128.load(w2 + off)));
        a3 = f32x4.add(a3, f32x4.mul(xv, v128.load(w3 + off)));
      }
      let s0 = <f64>f32x4.extract_lane(a0, 0) + <f64>f32x4.extract_lane(a0, 1) + <f64>f32x4.extract_lane(a0, 2) + <f64>f32x4.extract_lane(a0, 3);
      let s1 = <f64>f32x4.extract_lane(a1, 0) + <f64>f32x4.extract_lane(a1, 1) + <f64>f32x4.extract_lane(a1, 2) + <f64>f32x4.extract_lane(a1, 3);
      let s2 = <f64>f32x4.extract_lane(a2, 0) + <f64>f32x4.extract_lane(a2, 1) + <f64>f32x4.extract_lane(a2, 2) + <f64>f32x4.extract_lane(a2, 3);
      let s3 = <f64>f32x4.extract_lane(a3, 0) + <f64>f32x4.extract_lane(a3, 1) + <f64>f32x4.extract_lane(a3, 2) + <f64>f32x4.extract_lane(a3, 3);
      for (; j < cols; j++) {
        const off = <usize>j << 2;
        const xs = <f64>load<f32>(x + off);
        s0 += xs * <f64>load<f32>(w0 + off);
        s1 += xs * <f64>load<f32>(w1 + off);
        s2 += xs * <f64>load<f32>(w2 + off);
        s3 += xs * <f64>load<f32>(w3 + off);
      }
      if (b) {
        s0 += load<f64>(b + (<usize>c << 3));
        s1 += load<f64>(b + (<usize>(c + 1) << 3));
        s2 += load<f64>(b + (<usize>(c + 2) << 3));
        s3 += load<f64>(b + (<usize>(c + 3) << 3));
      }
      store<f64>(o + (<usize>c << 3), s0);
      store<f64>(o + (<usize>(c + 1) << 3), s1);
      store<f64>(o + (<usize>(c + 2) << 3), s2);
      store<f64>(o + (<usize>(c + 3) << 3), s3);
    }
    for (; c < k; c++) {
      const w0 = W + <usize>c * rowBytes;
      let a0 = f32x4.splat(0);
      let j = 0;
      for (; j + 4 <= cols; j += 4) {
        const off = <usize>j << 2;
        a0 = f32x4.add(a0, f32x4.mul(v128.load(x + off), v128.load(w0 + off)));
      }
      let s0 = <f64>f32x4.extract_lane(a0, 0) + <f64>f32x4.extract_lane(a0, 1) + <f64>f32x4.extract_lane(a0, 2) + <f64>f32x4.extract_lane(a0, 3);
      for (; j < cols; j++) s0 += <f64>load<f32>(x + (<usize>j << 2)) * <f64>load<f32>(w0 + (<usize>j << 2));
      if (b) s0 += load<f64>(b + (<usize>c << 3));
      store<f64>(o + (<usize>c << 3), s0);
    }
  }
}

/**
 * G[c, j] = sum_i R[i, c] * X[i, j] (float64 G, k x cols, overwritten), R float64
 * (rows x k), X float32. Partial sums run in float32 over blocks of `BLOCK` rows in
 * `tmp` (k x cols float32, caller-provided) and are flushed into G in float64.
 */
const BLOCK = 64;
export function gemm_f32_rtx(R: usize, rows: i32, k: i32, X: usize, cols: i32, G: usize, tmp: usize): void {
  const n = <usize>k * <usize>cols;
  memory.fill(G, 0, n << 3);
  const rowBytes = <usize>cols << 2;
  const rStride = <usize>k << 3;
  const vecEnd = <usize>(cols & ~3) << 2;
  for (let i0 = 0; i0 < rows; i0 += BLOCK) {
    const i1 = min(rows, i0 + BLOCK);
    memory.fill(tmp, 0, n << 2);
    let i = i0;
    // Four rows at a time: tmp[c] += r0c x0 + r1c x1 + r2c x2 + r3c x3, one load and
    // store of tmp per four rows (the x rows stay in L1 across the classes).
    for (; i + 4 <= i1; i += 4) {
      const x0 = X + <usize>i * rowBytes;
      const x1 = x0 + rowBytes;
      const x2 = x1 + rowBytes;
      const x3 = x2 + rowBytes;
      const r = R + <usize>i * rStride;
      for (let c = 0; c < k; c++) {
        const o = <usize>c << 3;
        const a0 = <f32>load<f64>(r + o);
        const a1 = <f32>load<f64>(r + rStride + o);
        const a2 = <f32>load<f64>(r + 2 * rStride + o);
        const a3 = <f32>load<f64>(r + 3 * rStride + o);
        if (a0 == 0 && a1 == 0 && a2 == 0 && a3 == 0) continue;
        const v0 = f32x4.splat(a0);
        const v1 = f32x4.splat(a1);
        const v2 = f32x4.splat(a2);
        const v3 = f32x4.splat(a3);
        const t = tmp + <usize>c * rowBytes;
        for (let off: usize = 0; off < vecEnd; off += 16) {
          const s = f32x4.add(
            f32x4.add(f32x4.mul(v0, v128.load(x0 + off)), f32x4.mul(v1, v128.load(x1 + off))),
            f32x4.add(f32x4.mul(v2, v128.load(x2 + off)), f32x4.mul(v3, v128.load(x3 + off))),
          );
          v128.store(t + off, f32x4.add(v128.load(t + off), s));
        }
        for (let j = <i32>(vecEnd >> 2); j < cols; j++) {
          const off = <usize>j << 2;
          store<f32>(t + off, load<f32>(t + off) + (a0 * load<f32>(x0 + off) + a1 * load<f32>(x1 + off)) +
            (a2 * load<f32>(x2 + off) + a3 * load<f32>(x3 + off)));
        }
      }
    }
    for (; i < i1; i++) {
      const x = X + <usize>i * rowBytes;
      const r = R + <usize>i * rStride;
      for (let c = 0; c < k; c++) {
        const a = <f32>load<f64>(r + (<usize>c << 3));
        if (a == 0) continue;
        const av = f32x4.splat(a);
        const t = tmp + <usize>c * rowBytes;
        for (let off: usize = 0; off < vecEnd; off += 16) {
          v128.store(t + off, f32x4.add(v128.load(t + off), f32x4.mul(av, v128.load(x + off))));
        }
        for (let j = <i32>(vecEnd >> 2); j < cols; j++) {
          const off = <usize>j << 2;
          store<f32>(t + off, load<f32>(t + off) + a * load<f32>(x + off));
        }
      }
    }
    let e: usize = 0;
    for (; e + 2 <= n; e += 2) {
      const p = G + (e << 3);
      v128.store(p, f64x2.add(v128.load(p), f64x2.promote_low_f32x4(v128.load64_zero(tmp + (e << 2)))));
    }
    for (; e < n; e++) store<f64>(G + (e << 3), load<f64>(G + (e << 3)) + <f64>load<f32>(tmp + (e << 2)));
  }
}

// ---------------------------------------------------------------------------
// Plain SGD (scikit-learn's SGDClassifier / Perceptron / PassiveAggressiveClassifier)

// Loss codes
const HINGE = 0; // max(0, threshold - p y); perceptron is threshold 0
const SQUARED_HINGE = 1;
const LOG = 2;
const MODIFIED_HUBER = 3;
// Penalty codes
const PEN_L1 = 1;
const PEN_L2 = 2;
const PEN_ELASTICNET = 3;
// Learning-rate codes
const LR_CONSTANT = 0;
const LR_OPTIMAL = 1;
const LR_PA1 = 2;
const LR_PA2 = 3;

/** How many samples ahead the SGD epoch touches a row (see dotF32F64Prefetch). */
const PREFETCH_AHEAD = 1;
/**
 * How many samples ahead it reads the first and last word of a row: rows lie at random
 * in a large memory that the OS maps with small pages, so most rows also miss the TLB;
 * the early read starts their page-table walks (about 10% per step on full data).
 */
const TLB_AHEAD = 8;
const MAX_DLOSS: f64 = 1e12;
const WSCALE_THRESHOLD: f64 = 1e-9;

@inline
function lossValue(kind: i32, threshold: f64, p: f64, y: f64): f64 {
  const z = p * y;
  if (kind == HINGE) return z <= threshold ? threshold - z : 0.0;
  if (kind == SQUARED_HINGE) {
    const m = threshold - z;
    return m > 0 ? m * m : 0.0;
  }
  if (kind == LOG) {
    if (z > 18.0) return expNoTable(-z);
    if (z < -18.0) return -z;
    return log1pNoTable(expNoTable(-z));
  }
  // modified huber
  if (z >= 1.0) return 0.0;
  if (z >= -1.0) return (1.0 - z) * (1.0 - z);
  return -4.0 * z;
}

@inline
function lossDeriv(kind: i32, threshold: f64, p: f64, y: f64): f64 {
  const z = p * y;
  if (kind == HINGE) return z <= threshold ? -y : 0.0;
  if (kind == SQUARED_HINGE) {
    const m = threshold - z;
    return m > 0 ? -2.0 * y * m : 0.0;
  }
  if (kind == LOG) {
    if (z > 18.0) return expNoTable(-z) * -y;
    if (z < -18.0) return -y;
    return -y / (expNoTable(z) + 1.0);
  }
  if (z >= 1.0) return 0.0;
  if (z >= -1.0) return 2.0 * (1.0 - z) * -y;
  return -4.0 * y;
}

/**
 * The dot product of the next row with the weights as a step leaves them, taken in the
 * same pass as the step's weight update (one load of w per sample instead of two).
 * Lanes are summed in dotF32F64Prefetch's order (pairs j..j+1 of every four into acc0,
 * j+2..j+3 into acc1, the tail in sequence), so the value is bit-for-bit the one a
 * separate dotF32F64Prefetch after the update would return. `after` is the row visited
 * after `xn`: one word of each of its 64-byte lines is read (into sink) so it is cached.
 *
 * mode: 0 = w += a x; 1 = w += a x, then the L1 step; 2 = the L1 step alone. The L1 step
 * is the cumulative truncated gradient (Tsuruoka et al. 2009): each weight is clipped
 * towards zero by what the penalty has accrued (u) minus what it already took (q[j]),
 * never crossing zero (l1Lanes). Callers pass mode and unitScale as literals, so each call
 * site compiles to its own loop. unitScale says wscale == 1 (pure L1: no L2 shrinkage
 * ever rescales), where the L1 step's multiplications by 1 and 1/1 are left out, with the
 * same values.
 */
@inline
function updateThenDotNext(
  mode: i32, unitScale: bool, a: f64, x: usize, w: usize, q: usize, cols: i32, wscale: f64, u: f64,
  xn: usize, after: usize, sink: usize,
): f64 {
  const inv = 1.0 / wscale;
  const ws = f64x2.splat(wscale);
  const iv = f64x2.splat(inv);
  const uv = f64x2.splat(u);
  const av = f64x2.splat(a);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let touched: i32 = 0;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    if ((j & 15) == 0) touched ^= load<i32>(after + (<usize>j << 2));
    const pw = w + (<usize>j << 3);
    let n0 = v128.load(pw);
    let n1 = v128.load(pw, 16);
    if (mode != 2) {
      const xv = v128.load(x + (<usize>j << 2));
      n0 = f64x2.add(n0, f64x2.mul(av, f64x2.promote_low_f32x4(xv)));
      n1 = f64x2.add(n1, f64x2.mul(av, f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1))));
    }
    if (mode == 0) {
      v128.store(pw, n0);
      v128.store(pw, n1, 16);
    } else {
      const pq = q + (<usize>j << 3);
      n0 = l1Lanes(pw, pq, n0, uv, iv, ws, unitScale);
      n1 = l1Lanes(pw + 16, pq + 16, n1, uv, iv, ws, unitScale);
    }
    const xnv = v128.load(xn + (<usize>j << 2));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(xnv), n0));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(xnv, xnv, 2, 3, 0, 1)), n1));
  }
  const tail = j;
  for (; j < cols; j++) {
    const pw = w + (<usize>j << 3);
    const z = mode != 2 ? load<f64>(pw) + a * <f64>load<f32>(x + (<usize>j << 2)) : load<f64>(pw);
    if (mode == 0) store<f64>(pw, z);
    else l1Scalar(pw, q + (<usize>j << 3), z, wscale, inv, u);
  }
  const acc = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (j = tail; j < cols; j++) s += <f64>load<f32>(xn + (<usize>j << 2)) * load<f64>(w + (<usize>j << 3));
  store<i32>(sink, load<i32>(sink) ^ touched);
  return s;
}

/**
 * The L1 step of two weights whose current values are z (stored at pw; q at pq).
 * Written on |z|: for z < 0, z + (u - q)/s = -(|z| - (u + sign(z) q)/s) exactly, and
 * min(0, y) = -max(0, -y), so one pseudo-max (a single instruction, unlike f64x2.max
 * with its NaN rules) serves both signs with the values of the two-branch rule; zero
 * weights stay zero.
 */
@inline
function l1Lanes(pw: usize, pq: usize, z: v128, uv: v128, iv: v128, ws: v128, unitScale: bool): v128 {
  const signBit = i64x2.splat(0x8000000000000000);
  const zero = f64x2.splat(0);
  const qv = v128.load(pq);
  const sign = v128.and(z, signBit);
  // with wscale == 1, (u + q) * 1 and 1 * (nw - z) are u + q and nw - z exactly
  const accrued = f64x2.add(uv, v128.xor(qv, sign));
  const shrink = unitScale ? accrued : f64x2.mul(accrued, iv);
  const magnitude = f64x2.pmax(zero, f64x2.sub(v128.andnot(z, signBit), shrink));
  const nw = v128.and(v128.or(magnitude, sign), f64x2.ne(z, zero));
  const taken = f64x2.sub(nw, z);
  v128.store(pw, nw);
  v128.store(pq, f64x2.add(qv, unitScale ? taken : f64x2.mul(ws, taken)));
  return nw;
}

@inline
function l1Scalar(pw: usize, pq: usize, z: f64, wscale: f64, inv: f64, u: f64): void {
  let nw = z;
  if (z > 0.0) nw = max(0.0, z - (u + load<f64>(pq)) * inv);
  else if (z < 0.0) nw = min(0.0, z + (u - load<f64>(pq)) * inv);
  store<f64>(pw, nw);
  store<f64>(pq, load<f64>(pq) + wscale * (nw - z));
}

/**
 * One epoch of plain SGD on a binary problem, in the order given by `order`.
 * Labels: y = +1 where labels[i] == positive, else -1.
 * The weight vector is w_data * wscale (float64), as in scikit-learn, so that the L2
 * shrinkage is O(1) per sample; L1 uses the cumulative truncated gradient (q, u).
 *
 * params (float64): [loss, threshold, penalty, alpha, C, l1_ratio, learning_rate, eta0,
 *                    optimal_init, fit_intercept, class weight pos, class weight neg]
 * state (float64, in/out): [intercept, wscale, t, u, sumloss (out), n updates (out), scratch
 *                            (sink of the prefetching reads)]
 * norms: per-sample squared norms (float64) for the PA step sizes, or 0 to compute them.
 */
export function sgd_epoch_f32(
  X: usize, cols: i32, order: usize, n: i32, labels: usize, positive: i32,
  w: usize, q: usize, params: usize, state: usize, norms: usize,
): void {
  const kind = <i32>load<f64>(params);
  const threshold = load<f64>(params, 8);
  const penalty = <i32>load<f64>(params, 16);
  const alpha = load<f64>(params, 24);
  const C = load<f64>(params, 32);
  let l1Ratio = load<f64>(params, 40);
  const lr = <i32>load<f64>(params, 48);
  const eta0 = load<f64>(params, 56);
  const optimalInit = load<f64>(params, 64);
  const fitIntercept = load<f64>(params, 72) != 0;
  const weightPos = load<f64>(params, 80);
  const weightNeg = load<f64>(params, 88);
  if (penalty == PEN_L2) l1Ratio = 0.0;
  else if (penalty == PEN_L1) l1Ratio = 1.0;

  let intercept = load<f64>(state);
  let wscale = load<f64>(state, 8);
  let t = load<f64>(state, 16);
  let u = load<f64>(state, 24);
  let sumloss = 0.0;
  let updates = 0.0;
  const rowBytes = <usize>cols << 2;
  let eta = eta0;

  // the dot product of this step's row, when the previous step's weight pass took it
  let nextDot = 0.0;
  let haveNextDot = false;
  for (let s = 0; s < n; s++) {
    const i = load<i32>(order + (<usize>s << 2));
    const x = X + <usize>i * rowBytes;
    const y: f64 = load<i32>(labels + (<usize>i << 2)) == positive ? 1.0 : -1.0;
    const next = s + PREFETCH_AHEAD < n ? rowAt(X, order, s + PREFETCH_AHEAD, rowBytes) : x;
    if (s + TLB_AHEAD < n && cols > 0) {
      // first and last word of a row further ahead: its page-table walks start early
      const far = rowAt(X, order, s + TLB_AHEAD, rowBytes);
      store<i32>(state + 52, load<i32>(state + 52) ^ load<i32>(far) ^ load<i32>(far + rowBytes - 4));
    }
    const dot = haveNextDot ? nextDot : dotF32F64Prefetch(x, w, cols, next, state + 48);
    haveNextDot = false;
    const p = dot * wscale + intercept;
    if (lr == LR_OPTIMAL) eta = 1.0 / (alpha * (optimalInit + t - 1.0));
    sumloss += lossValue(kind, threshold, p, y);
    const classWeight = y > 0 ? weightPos : weightNeg;
    let update: f64;
    if (lr >= LR_PA1) {
      const norm = norms ? load<f64>(norms + (<usize>i << 3)) : sqnormF32(x, cols);
      if (norm == 0) continue;
      const l = lossValue(kind, threshold, p, y);
      update = lr == LR_PA1 ? min(C, l / norm) : l / (norm + 0.5 / C);
      update *= y; // classification losses only
    } else {
      let d = lossDeriv(kind, threshold, p, y);
      if (d < -MAX_DLOSS) d = -MAX_DLOSS;
      else if (d > MAX_DLOSS) d = MAX_DLOSS;
      update = -eta * d;
    }
    update *= classWeight;

    if (penalty >= PEN_L2) {
      // shrink, but never to a negative scale: the weights become zero instead
      wscale *= max(0.0, 1.0 - (1.0 - l1Ratio) * eta * alpha);
      if (wscale < WSCALE_THRESHOLD) {
        for (let j = 0; j < cols; j++) store<f64>(w + (<usize>j << 3), load<f64>(w + (<usize>j << 3)) * wscale);
        wscale = 1.0;
      }
    }
    const l1 = penalty == PEN_L1 || penalty == PEN_ELASTICNET;
    // Truncated gradient (Tsuruoka et al. 2009) over every feature of the dense row.
    if (l1) u += l1Ratio * eta * alpha;
    // A pass over the weights also takes the next row's dot product (row `next`), and
    // reads the row after that into cache, as the dot product would have.
    const hasNext = s + 1 < n;
    const xNext = hasNext ? rowAt(X, order, s + 1, rowBytes) : x;
    const after = s + 1 + PREFETCH_AHEAD < n ? rowAt(X, order, s + 1 + PREFETCH_AHEAD, rowBytes) : xNext;
    // (after the last sample the dot product is of this row again, and unused)
    const sink = state + 48;
    const a = update / wscale;
    if (update != 0.0) {
      if (!l1) nextDot = updateThenDotNext(0, false, a, x, w, q, cols, wscale, u, xNext, after, sink);
      else if (wscale == 1.0) nextDot = updateThenDotNext(1, true, a, x, w, q, cols, wscale, u, xNext, after, sink);
      else nextDot = updateThenDotNext(1, false, a, x, w, q, cols, wscale, u, xNext, after, sink);
      haveNextDot = hasNext;
      if (fitIntercept) intercept += update;
      updates += 1.0;
    } else if (l1) {
      if (wscale == 1.0) nextDot = updateThenDotNext(2, true, 0.0, x, w, q, cols, wscale, u, xNext, after, sink);
      else nextDot = updateThenDotNext(2, false, 0.0, x, w, q, cols, wscale, u, xNext, after, sink);
      haveNextDot = hasNext;
    }
    t += 1.0;
  }
  store<f64>(state, intercept);
  store<f64>(state, wscale, 8);
  store<f64>(state, t, 16);
  store<f64>(state, u, 24);
  store<f64>(state, sumloss, 32);
  store<f64>(state, updates, 40);
}

// ---------------------------------------------------------------------------
// liblinear-style dual coordinate descent for L2-regularized hinge / squared hinge

/** The address of the row at position k of a visiting order. */
@inline
function rowAt(X: usize, order: usize, k: i32, rowBytes: usize): usize {
  return X + <usize>load<i32>(order + (<usize>k << 2)) * rowBytes;
}

/**
 * One outer iteration of dual coordinate descent (with shrinking) on a binary
 * problem: for s < activeSize, sample i = index[s], y_i = +1 if labels[i] == positive.
 * w has cols + 1 entries (the last is the bias, feature value `bias`).
 * qd[i] = x_i.x_i + bias^2 + diag. alpha (float64, n).
 * state (float64, in/out): [activeSize, PGmax_old, PGmin_old, PGmax_new (out), PGmin_new (out),
 *                            scratch (sink of the prefetching reads)]
 * params: [upper bound U (C or +inf), diag (0 or 0.5/C), bias]
 * Rows are visited in shuffled order, so, as in sgd_epoch_f32, each dot product reads the
 * next row into cache, a row further ahead starts its page-table walks, and a weight update
 * takes the next row's dot product in the same pass (the values are those of separate
 * passes, bit for bit).
 */
export function dcd_svm_epoch_f32(
  X: usize, cols: i32, index: usize, labels: usize, positive: i32,
  w: usize, alpha: usize, qd: usize, params: usize, state: usize,
): void {
  const U = load<f64>(params);
  const diag = load<f64>(params, 8);
  const bias = load<f64>(params, 16);
  let active = <i32>load<f64>(state);
  const pgMaxOld = load<f64>(state, 8);
  const pgMinOld = load<f64>(state, 16);
  let pgMaxNew = -Infinity;
  let pgMinNew = Infinity;
  const rowBytes = <usize>cols << 2;
  const wb = w + (<usize>cols << 3);
  const sink = state + 40;
  // the dot product of the row at position s, when the previous update's pass took it
  let nextDot = 0.0;
  let haveNextDot = false;
  let s = 0;
  while (s < active) {
    const i = load<i32>(index + (<usize>s << 2));
    const yi: f64 = load<i32>(labels + (<usize>i << 2)) == positive ? 1.0 : -1.0;
    const x = X + <usize>i * rowBytes;
    const ai = load<f64>(alpha + (<usize>i << 3));
    if (s + TLB_AHEAD < active && cols > 0) {
      const far = rowAt(X, index, s + TLB_AHEAD, rowBytes);
      store<i32>(sink + 4, load<i32>(sink + 4) ^ load<i32>(far) ^ load<i32>(far + rowBytes - 4));
    }
    // the next row visited, unless this one is shrunk, is the one at s + 1
    const hasNext = s + 1 < active;
    const xNext = hasNext ? rowAt(X, index, s + 1, rowBytes) : x;
    const dot = haveNextDot ? nextDot : dotF32F64Prefetch(x, w, cols, xNext, sink);
    haveNextDot = false;
    let G = yi * (dot + load<f64>(wb) * bias) - 1.0 + ai * diag;
    let PG = 0.0;
    if (ai == 0) {
      if (G > pgMaxOld) {
        active--;
        store<i32>(index + (<usize>s << 2), load<i32>(index + (<usize>active << 2)));
        store<i32>(index + (<usize>active << 2), i);
        continue;
      } else if (G < 0) PG = G;
    } else if (ai == U) {
      if (G < pgMinOld) {
        active--;
        store<i32>(index + (<usize>s << 2), load<i32>(index + (<usize>active << 2)));
        store<i32>(index + (<usize>active << 2), i);
        continue;
      } else if (G > 0) PG = G;
    } else PG = G;
    pgMaxNew = max(pgMaxNew, PG);
    pgMinNew = min(pgMinNew, PG);
    if (Math.abs(PG) > 1.0e-12) {
      const an = min(max(ai - G / load<f64>(qd + (<usize>i << 3)), 0.0), U);
      store<f64>(alpha + (<usize>i << 3), an);
      const d = (an - ai) * yi;
      if (d != 0) {
        const after = s + 2 < active ? rowAt(X, index, s + 2, rowBytes) : xNext;
        nextDot = updateThenDotNext(0, false, d, x, w, 0, cols, 1.0, 0.0, xNext, after, sink);
        haveNextDot = hasNext;
        store<f64>(wb, load<f64>(wb) + d * bias);
      }
    }
    s++;
  }
  store<f64>(state, <f64>active);
  store<f64>(state, pgMaxNew, 24);
  store<f64>(state, pgMinNew, 32);
}

/** out[i] = sum_j X[i,j]^2 (float64). */
export function row_sqnorms_f32(X: usize, rows: i32, cols: i32, out: usize): void {
  for (let i = 0; i < rows; i++) store<f64>(out + (<usize>i << 3), sqnormF32(X + (<usize>i * <usize>cols << 2), cols));
}

// ---------------------------------------------------------------------------
// Crammer-Singer multi-class SVM by dual coordinate descent (liblinear's solver 4)

@inline
function csShrunk(G: usize, m: i32, yi: i32, alphaVal: f64, minG: f64, C: f64): bool {
  const bound = m == yi ? C : 0.0;
  return alphaVal == bound && load<f64>(G + (<usize>m << 3)) < minG;
}

/**
 * One outer iteration over index[0 .. activeSize) (already shuffled by the caller).
 * W: K x (cols + 1) float64, class-major, the last column the bias weight (feature
 * value `bias`). alpha: n x K float64; alphaIndex: n x K int32 (per-sample class
 * permutation); activeI, yIndex: n int32; qd: n float64 (x.x + bias^2).
 * work: 5 K float64 + K int32 of scratch. params: [C, bias].
 * state (float64, in/out): [activeSize, stopping (out)].
 */
export function cs_svm_epoch_f32(
  X: usize, cols: i32, K: i32, index: usize, labels: usize, W: usize, alpha: usize, alphaIndex: usize,
  activeI: usize, yIndex: usize, qd: usize, work: usize, params: usize, state: usize,
): void {
  const C = load<f64>(params);
  const bias = load<f64>(params, 8);
  let active = <i32>load<f64>(state);
  let stopping = -Infinity;
  const G = work;
  const B = work + (<usize>K << 3);
  const D = B + (<usize>K << 3);
  const alphaNew = D + (<usize>K << 3);
  const dVal = alphaNew + (<usize>K << 3);
  const dInd = dVal + (<usize>K << 3);
  const rowBytes = <usize>cols << 2;
  const wStride = <usize>(cols + 1) << 3;
  let s = 0;
  while (s < active) {
    const i = load<i32>(index + (<usize>s << 2));
    const Ai = load<f64>(qd + (<usize>i << 3));
    const x = X + <usize>i * rowBytes;
    const ai = alpha + (<usize>i * <usize>K << 3);
    const aix = alphaIndex + (<usize>i * <usize>K << 2);
    const pAct = activeI + (<usize>i << 2);
    const pY = yIndex + (<usize>i << 2);
    if (Ai > 0) {
      let act = load<i32>(pAct);
      let yi = load<i32>(pY);
      for (let m = 0; m < act; m++) {
        const cls = load<i32>(aix + (<usize>m << 2));
        const wc = W + <usize>cls * wStride;
        const g = (m == yi ? 0.0 : 1.0) + dotF32F64(x, wc, cols) + load<f64>(wc + (<usize>cols << 3)) * bias;
        store<f64>(G + (<usize>m << 3), g);
      }
      let minG = Infinity;
      let maxG = -Infinity;
      for (let m = 0; m < act; m++) {
        const g = load<f64>(G + (<usize>m << 3));
        if (load<f64>(ai + (<usize>load<i32>(aix + (<usize>m << 2)) << 3)) < 0 && g < minG) minG = g;
        if (g > maxG) maxG = g;
      }
      if (yi < act) {
        const gy = load<f64>(G + (<usize>yi << 3));
        if (load<f64>(ai + (<usize>load<i32>(aix + (<usize>yi << 2)) << 3)) < C && gy < minG) minG = gy;
      }
      for (let m = 0; m < act; m++) {
        if (csShrunk(G, m, yi, load<f64>(ai + (<usize>load<i32>(aix + (<usize>m << 2)) << 3)), minG, C)) {
          act--;
          while (act > m) {
            if (!csShrunk(G, act, yi, load<f64>(ai + (<usize>load<i32>(aix + (<usize>act << 2)) << 3)), minG, C)) {
              const t = load<i32>(aix + (<usize>m << 2));
              store<i32>(aix + (<usize>m << 2), load<i32>(aix + (<usize>act << 2)));
              store<i32>(aix + (<usize>act << 2), t);
              const tg = load<f64>(G + (<usize>m << 3));
              store<f64>(G + (<usize>m << 3), load<f64>(G + (<usize>act << 3)));
              store<f64>(G + (<usize>act << 3), tg);
              if (yi == act) yi = m;
              else if (yi == m) yi = act;
              break;
            }
            act--;
          }
        }
      }
      store<i32>(pAct, act);
      store<i32>(pY, yi);
      if (act <= 1) {
        active--;
        store<i32>(index + (<usize>s << 2), load<i32>(index + (<usize>active << 2)));
        store<i32>(index + (<usize>active << 2), i);
        continue;
      }
      if (maxG - minG <= 1e-12) {
        s++;
        continue;
      }
      stopping = max(maxG - minG, stopping);
      for (let m = 0; m < act; m++) {
        store<f64>(B + (<usize>m << 3),
          load<f64>(G + (<usize>m << 3)) - Ai * load<f64>(ai + (<usize>load<i32>(aix + (<usize>m << 2)) << 3)));
      }
      // sub-problem: D = B (+ Ai C at yi), sorted descending
      for (let m = 0; m < act; m++) store<f64>(D + (<usize>m << 3), load<f64>(B + (<usize>m << 3)));
      if (yi < act) store<f64>(D + (<usize>yi << 3), load<f64>(D + (<usize>yi << 3)) + Ai * C);
      for (let a = 1; a < act; a++) {
        const v = load<f64>(D + (<usize>a << 3));
        let b = a - 1;
        while (b >= 0 && load<f64>(D + (<usize>b << 3)) < v) {
          store<f64>(D + (<usize>(b + 1) << 3), load<f64>(D + (<usize>b << 3)));
          b--;
        }
        store<f64>(D + (<usize>(b + 1) << 3), v);
      }
      let beta = load<f64>(D) - Ai * C;
      let r = 1;
      while (r < act && beta < <f64>r * load<f64>(D + (<usize>r << 3))) {
        beta += load<f64>(D + (<usize>r << 3));
        r++;
      }
      beta /= <f64>r;
      for (let m = 0; m < act; m++) {
        const v = (beta - load<f64>(B + (<usize>m << 3))) / Ai;
        store<f64>(alphaNew + (<usize>m << 3), m == yi ? min(C, v) : min(0.0, v));
      }
      let nz = 0;
      for (let m = 0; m < act; m++) {
        const cls = load<i32>(aix + (<usize>m << 2));
        const pa = ai + (<usize>cls << 3);
        const an = load<f64>(alphaNew + (<usize>m << 3));
        const d = an - load<f64>(pa);
        store<f64>(pa, an);
        if (Math.abs(d) >= 1e-12) {
          store<i32>(dInd + (<usize>nz << 2), cls);
          store<f64>(dVal + (<usize>nz << 3), d);
          nz++;
        }
      }
      for (let m = 0; m < nz; m++) {
        const cls = load<i32>(dInd + (<usize>m << 2));
        const d = load<f64>(dVal + (<usize>m << 3));
        const wc = W + <usize>cls * wStride;
        axpyF32F64(d, x, wc, cols);
        store<f64>(wc + (<usize>cols << 3), load<f64>(wc + (<usize>cols << 3)) + d * bias);
      }
    }
    s++;
  }
  store<f64>(state, <f64>active);
  store<f64>(state, stopping, 8);
}
