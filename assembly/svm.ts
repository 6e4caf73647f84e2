// Kernel evaluations for the SVM solver (SVC): one query row against many rows
// (a Q-matrix row of the SMO subproblem) and a block of rows against a block
// (prediction). Dot products accumulate in f32x4 lanes; the kernel function is
// then applied in f64. RBF uses precomputed squared norms:
// |x - y|^2 = |x|^2 + |y|^2 - 2 x.y, so every kernel costs one dot product.

import { FOLD_F32_PAIRS, dot4F32, dot4F32Rows, dot4Out0, dot4Out1, dot4Out2, dot4Out3, hsumPairs } from "./linalg";

// Kernel kinds, in the order of src/models/svm.ts KERNEL_CODES.
const LINEAR: i32 = 0;
const POLY: i32 = 1;
const RBF: i32 = 2;

@inline function powi(base: f64, n: i32): f64 {
  let r = 1.0;
  let t = base;
  for (let k = n; k > 0; k >>= 1) {
    if (k & 1) r *= t;
    t *= t;
  }
  return r;
}

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e+00;

/**
 * e^x without lookup tables: AssemblyScript's Math.exp reads a static table,
 * and kernels must not have data segments (they would overwrite the heap header
 * of the imported memory). Range reduction to |r| <= ln2/2, then a degree-13
 * Taylor polynomial (error below 1 ulp in that range).
 */
@inline function expNoTable(x: f64): f64 {
  if (x < -708.0) return 0.0;
  if (x > 709.0) return Infinity;
  const k = nearest<f64>(x * INV_LN2);
  const r = (x - k * LN2_HI) - k * LN2_LO;
  let p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  return p * reinterpret<f64>(<i64>(<i32>k + 1023) << 52);
}

/** tanh from expNoTable; relative error about 1e-11 near 0, which is far below f32 output precision. */
@inline function tanhNoTable(x: f64): f64 {
  const ax = abs<f64>(x);
  if (ax > 20.0) return x > 0 ? 1.0 : -1.0;
  const t = 1.0 - 2.0 / (expNoTable(2.0 * ax) + 1.0);
  return x < 0 ? -t : t;
}

@inline function applyKernel(kind: i32, dot: f64, na: f64, nb: f64, gamma: f64, coef0: f64, degree: i32): f64 {
  if (kind == RBF) {
    let d = na + nb - 2.0 * dot;
    if (d < 0.0) d = 0.0;
    return expNoTable(-gamma * d);
  }
  if (kind == LINEAR) return dot;
  if (kind == POLY) return powi(gamma * dot + coef0, degree);
  return tanhNoTable(gamma * dot + coef0);
}

@inline function dot1(a: usize, b: usize, cols: i32): f64 {
  let s = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const off = <usize>j << 2;
    s = f32x4.add(s, f32x4.mul(v128.load(a + off), v128.load(b + off)));
  }
  let d = hsumPairs(s);
  for (; j < cols; j++) d += <f64>(load<f32>(a + (<usize>j << 2)) * load<f32>(b + (<usize>j << 2)));
  return d;
}

/**
 * One row of the SMO subproblem's Q matrix, Q[i][t] = ys[i] * ys[t] * K(x_i, x_t),
 * for the `m` subproblem indices t listed at `act` (i32). Subproblem index t is
 * training row gidx[t] of X (f32, `cols` wide); norms holds |x|^2 per training
 * row (f64); ys holds the +1/-1 labels of the subproblem (f32). Writes out[t] (f32)
 * for each listed t and leaves the other entries alone.
 */
export function svm_q_row_f32(
  X: usize, cols: i32, norms: usize, gidx: usize, ys: usize, act: usize, m: i32, i: i32,
  kind: i32, gamma: f64, coef0: f64, degree: i32, out: usize,
): void {
  const stride = <usize>cols << 2;
  const gi = load<i32>(gidx + (<usize>i << 2));
  const a = X + <usize>gi * stride;
  const na = load<f64>(norms + (<usize>gi << 3));
  const yi = <f64>load<f32>(ys + (<usize>i << 2));
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const t0 = load<i32>(act + (<usize>k << 2));
    const t1 = load<i32>(act + (<usize>(k + 1) << 2));
    const t2 = load<i32>(act + (<usize>(k + 2) << 2));
    const t3 = load<i32>(act + (<usize>(k + 3) << 2));
    const g0 = load<i32>(gidx + (<usize>t0 << 2));
    const g1 = load<i32>(gidx + (<usize>t1 << 2));
    const g2 = load<i32>(gidx + (<usize>t2 << 2));
    const g3 = load<i32>(gidx + (<usize>t3 << 2));
    const b0 = X + <usize>g0 * stride;
    const b1 = X + <usize>g1 * stride;
    const b2 = X + <usize>g2 * stride;
    const b3 = X + <usize>g3 * stride;
    dot4F32(a, b0, b1, b2, b3, cols, FOLD_F32_PAIRS);
    const d0 = dot4Out0;
    const d1 = dot4Out1;
    const d2 = dot4Out2;
    const d3 = dot4Out3;
    store<f32>(out + (<usize>t0 << 2), <f32>(yi * <f64>load<f32>(ys + (<usize>t0 << 2)) *
      applyKernel(kind, d0, na, load<f64>(norms + (<usize>g0 << 3)), gamma, coef0, degree)));
    store<f32>(out + (<usize>t1 << 2), <f32>(yi * <f64>load<f32>(ys + (<usize>t1 << 2)) *
      applyKernel(kind, d1, na, load<f64>(norms + (<usize>g1 << 3)), gamma, coef0, degree)));
    store<f32>(out + (<usize>t2 << 2), <f32>(yi * <f64>load<f32>(ys + (<usize>t2 << 2)) *
      applyKernel(kind, d2, na, load<f64>(norms + (<usize>g2 << 3)), gamma, coef0, degree)));
    store<f32>(out + (<usize>t3 << 2), <f32>(yi * <f64>load<f32>(ys + (<usize>t3 << 2)) *
      applyKernel(kind, d3, na, load<f64>(norms + (<usize>g3 << 3)), gamma, coef0, degree)));
  }
  for (; k < m; k++) {
    const t = load<i32>(act + (<usize>k << 2));
    const g = load<i32>(gidx + (<usize>t << 2));
    const d = dot1(a, X + <usize>g * stride, cols);
    store<f32>(out + (<usize>t << 2), <f32>(yi * <f64>load<f32>(ys + (<usize>t << 2)) *
      applyKernel(kind, d, na, load<f64>(norms + (<usize>g << 3)), gamma, coef0, degree)));
  }
}

/** Rows of B kept hot in cache while every row of A passes over them. */
const B_TILE: i32 = 64;

/**
 * out[r, c] = K(A[r], B[c]) (f32, `nb` wide) for na rows of A and nb rows of B,
 * both f32 with `cols` columns; normA/normB hold the rows' |x|^2 (f64).
 */
export function svm_kernel_block_f32(
  A: usize, na: i32, B: usize, nb: i32, cols: i32, normA: usize, normB: usize,
  kind: i32, gamma: f64, coef0: f64, degree: i32, out: usize,
): void {
  const stride = <usize>cols << 2;
  const ostride = <usize>nb << 2;
  for (let c0 = 0; c0 < nb; c0 += B_TILE) {
    const c1 = min(c0 + B_TILE, nb);
    for (let r = 0; r < na; r++) {
      const a = A + <usize>r * stride;
      const nra = load<f64>(normA + (<usize>r << 3));
      const o = out + <usize>r * ostride;
      let c = c0;
      for (; c + 4 <= c1; c += 4) {
        dot4F32Rows(a, B + <usize>c * stride, stride, cols, FOLD_F32_PAIRS);
        const d0 = dot4Out0;
        const d1 = dot4Out1;
        const d2 = dot4Out2;
        const d3 = dot4Out3;
        const nb0 = normB + (<usize>c << 3);
        store<f32>(o + (<usize>c << 2), <f32>applyKernel(kind, d0, nra, load<f64>(nb0), gamma, coef0, degree));
        store<f32>(o + (<usize>(c + 1) << 2), <f32>applyKernel(kind, d1, nra, load<f64>(nb0 + 8), gamma, coef0, degree));
        store<f32>(o + (<usize>(c + 2) << 2), <f32>applyKernel(kind, d2, nra, load<f64>(nb0 + 16), gamma, coef0, degree));
        store<f32>(o + (<usize>(c + 3) << 2), <f32>applyKernel(kind, d3, nra, load<f64>(nb0 + 24), gamma, coef0, degree));
      }
      for (; c < c1; c++) {
        const d = dot1(a, B + <usize>c * stride, cols);
        store<f32>(o + (<usize>c << 2), <f32>applyKernel(kind, d, nra, load<f64>(normB + (<usize>c << 3)), gamma, coef0, degree));
      }
    }
  }
}

// SMO bookkeeping over the active set, the prefix [0, m) of the subproblem's indices
// (the solver swaps indices to keep it so, see src/models/svm.ts), with SIMD over
// contiguous arrays: yUp[t] is y_t when t is in I_up (alpha_t can move up for y_t = +1,
// down for y_t = -1), else 0; yLow[t] likewise for I_low. G, QD: f64; rows of Q: f32.

/** The lane (0 or 1) that holds the pair's pick: the better value, the later index on a tie. */
@inline function laneOf(better1: bool, tie: bool, i0: i64, i1: i64): i32 {
  return better1 || (tie && i1 > i0) ? 1 : 0;
}

/**
 * First index of libsvm's working set: argmax of -y_t G_t over t in I_up (ties: the last).
 * Returns the index (or -1) and writes the maximum to out[0] (f64).
 */
export function svm_wss_i(G: usize, yUp: usize, m: i32, out: usize): i32 {
  return firstIndexPass(G, yUp, m, out, false, 0, 0, 0, 0);
}

/** The indices t and t + 1 as i64x2 lanes. */
@inline function pairIndex(t: i32): v128 {
  return i64x2.replace_lane(i64x2.splat(<i64>t), 1, <i64>t + 1);
}

/** G[t, t + 2), after G += Qi dai + Qj daj (stored) when `update`. */
@inline function updatedPair(G: usize, Qi: usize, Qj: usize, t: i32, vi: v128, vj: v128, update: bool): v128 {
  const p = G + (<usize>t << 3);
  let g = v128.load(p);
  if (update) {
    const qi = f64x2.promote_low_f32x4(v128.load64_zero(Qi + (<usize>t << 2)));
    const qj = f64x2.promote_low_f32x4(v128.load64_zero(Qj + (<usize>t << 2)));
    g = f64x2.add(f64x2.add(g, f64x2.mul(qi, vi)), f64x2.mul(qj, vj));
    v128.store(p, g);
  }
  return g;
}

/**
 * One pass over G[0, m) finding svm_wss_i's index; when `update` (a literal at each call
 * site, so each compiles to its own loop), G[t] += Qi[t] dai + Qj[t] daj first.
 */
@inline function firstIndexPass(
  G: usize, yUp: usize, m: i32, out: usize, update: bool, Qi: usize, Qj: usize, dai: f64, daj: f64,
): i32 {
  const vi = f64x2.splat(dai);
  const vj = f64x2.splat(daj);
  const zero = f64x2.splat(0);
  let best = f64x2.splat(-Infinity);
  let bestIdx = i64x2.splat(-1);
  let t = 0;
  // Two pairs a step: one test of whether either may move the running maximum.
  for (; t + 4 <= m; t += 4) {
    const g0 = updatedPair(G, Qi, Qj, t, vi, vj, update);
    const g1 = updatedPair(G, Qi, Qj, t + 2, vi, vj, update);
    const y0 = v128.load(yUp + (<usize>t << 3));
    const y1 = v128.load(yUp + (<usize>(t + 2) << 3));
    const v0 = f64x2.neg(f64x2.mul(y0, g0));
    const v1 = f64x2.neg(f64x2.mul(y1, g1));
    const valid0 = f64x2.ne(y0, zero);
    const valid1 = f64x2.ne(y1, zero);
    // The running maximum rarely moves: a branch instead of a select keeps it off the
    // loop's critical path. The test with the maximum before the first pair's update
    // admits everything the exact, in-order updates below take.
    if (v128.any_true(v128.or(v128.and(valid0, f64x2.ge(v0, best)), v128.and(valid1, f64x2.ge(v1, best))))) {
      let take = v128.and(valid0, f64x2.ge(v0, best));
      best = v128.bitselect(v0, best, take);
      bestIdx = v128.bitselect(pairIndex(t), bestIdx, take);
      take = v128.and(valid1, f64x2.ge(v1, best));
      best = v128.bitselect(v1, best, take);
      bestIdx = v128.bitselect(pairIndex(t + 2), bestIdx, take);
    }
  }
  for (; t + 2 <= m; t += 2) {
    const g = updatedPair(G, Qi, Qj, t, vi, vj, update);
    const y = v128.load(yUp + (<usize>t << 3));
    const v = f64x2.neg(f64x2.mul(y, g));
    const take = v128.and(f64x2.ne(y, zero), f64x2.ge(v, best));
    best = v128.bitselect(v, best, take);
    bestIdx = v128.bitselect(pairIndex(t), bestIdx, take);
  }
  let at = pickMax(best, bestIdx, out);
  if (t < m) {
    const p = G + (<usize>t << 3);
    let g = load<f64>(p);
    if (update) {
      g = g + <f64>load<f32>(Qi + (<usize>t << 2)) * dai + <f64>load<f32>(Qj + (<usize>t << 2)) * daj;
      store<f64>(p, g);
    }
    at = tailMax(g, load<f64>(yUp + (<usize>t << 3)), t, at, out);
  }
  return at;
}

/** The two lanes' argmax (ties: the later index) of -y_t G_t: writes the maximum to out[0], returns its index. */
@inline function pickMax(best: v128, bestIdx: v128, out: usize): i32 {
  const b0 = f64x2.extract_lane(best, 0), b1 = f64x2.extract_lane(best, 1);
  const i0 = i64x2.extract_lane(bestIdx, 0), i1 = i64x2.extract_lane(bestIdx, 1);
  const lane = laneOf(b1 > b0, b1 == b0, i0, i1);
  store<f64>(out, lane == 1 ? b1 : b0);
  return <i32>(lane == 1 ? i1 : i0);
}

/** The last index t (gradient g, yUp y) after pickMax over those before it, whose pick is `at`. */
@inline function tailMax(g: f64, y: f64, t: i32, at: i32, out: usize): i32 {
  const v = -(y * g);
  if (y != 0 && v >= load<f64>(out)) {
    store<f64>(out, v);
    return t;
  }
  return at;
}

/**
 * Second index by second-order selection given i (label yi) and gmax (Fan, Chen and Lin
 * 2005): minimizes -(b_it^2) / a_it over t in I_low with b_it > 0 (ties: the last). Returns
 * the index (or -1) and writes max over I_low of y_t G_t to out[0] (f64). Qi is row i of Q.
 */
export function svm_wss_j(
  G: usize, yLow: usize, QD: usize, Qi: usize, m: i32, i: i32, yi: f64, gmax: f64, out: usize,
): i32 {
  const tau = 1e-12;
  const zero = f64x2.splat(0);
  const qdi = load<f64>(QD + (<usize>i << 3));
  const vQdi = f64x2.splat(qdi);
  const vGmax = f64x2.splat(gmax);
  const twoYi = f64x2.splat(2.0 * yi);
  const vTau = f64x2.splat(tau);
  const minusInf = f64x2.splat(-Infinity);
  let gmax2 = minusInf;
  let best = f64x2.splat(Infinity);
  // best (1 - 1e-14), and a margin for products near underflow: a candidate t can only
  // beat best, -(b^2) / a <= best as rounded, if -(b^2) <= a bestScaled + margin (a > 0).
  // This is a superset of the takers, so the exact quotient and compare below decide as
  // before, while the division runs only for pairs that may win.
  const shrink = f64x2.splat(1 - 1e-14);
  const margin = f64x2.splat(1e-300);
  let bestScaled = best;
  let bestIdx = i64x2.splat(-1);
  let t = 0;
  for (; t + 2 <= m; t += 2) {
    const y = v128.load(yLow + (<usize>t << 3));
    const valid = f64x2.ne(y, zero);
    const v = f64x2.mul(y, v128.load(G + (<usize>t << 3)));
    gmax2 = f64x2.pmax(gmax2, v128.bitselect(v, minusInf, valid));
    const diff = f64x2.add(vGmax, v);
    const q = f64x2.promote_low_f32x4(v128.load64_zero(Qi + (<usize>t << 2)));
    let quad = f64x2.sub(f64x2.add(vQdi, v128.load(QD + (<usize>t << 3))), f64x2.mul(f64x2.mul(twoYi, y), q));
    quad = v128.bitselect(vTau, quad, f64x2.le(quad, zero));
    const negSq = f64x2.neg(f64x2.mul(diff, diff));
    const may = v128.and(v128.and(valid, f64x2.gt(diff, zero)),
      f64x2.le(negSq, f64x2.add(f64x2.mul(bestScaled, quad), margin)));
    if (v128.any_true(may)) {
      const obj = f64x2.div(negSq, quad);
      const take = v128.and(may, f64x2.le(obj, best));
      best = v128.bitselect(obj, best, take);
      bestIdx = v128.bitselect(pairIndex(t), bestIdx, take);
      bestScaled = f64x2.mul(best, shrink);
    }
  }
  const b0 = f64x2.extract_lane(best, 0), b1 = f64x2.extract_lane(best, 1);
  const i0 = i64x2.extract_lane(bestIdx, 0), i1 = i64x2.extract_lane(bestIdx, 1);
  const lane = laneOf(b1 < b0, b1 == b0, i0, i1);
  let bestObj = lane == 1 ? b1 : b0;
  let at = <i32>(lane == 1 ? i1 : i0);
  let g2 = max<f64>(f64x2.extract_lane(gmax2, 0), f64x2.extract_lane(gmax2, 1));
  if (t < m) {
    const y = load<f64>(yLow + (<usize>t << 3));
    if (y != 0) {
      const v = y * load<f64>(G + (<usize>t << 3));
      if (v >= g2) g2 = v;
      const diff = gmax + v;
      if (diff > 0) {
        let quad = qdi + load<f64>(QD + (<usize>t << 3)) - 2.0 * yi * y * <f64>load<f32>(Qi + (<usize>t << 2));
        if (quad <= 0) quad = tau;
        const obj = -(diff * diff) / quad;
        if (obj <= bestObj) {
          bestObj = obj;
          at = t;
        }
      }
    }
  }
  store<f64>(out, g2);
  return at;
}

/**
 * G[t] += Qi[t] dai + Qj[t] daj for the active indices t < m, and in the same pass the
 * next iteration's first index (svm_wss_i on the updated G): returns it and writes its
 * -y_t G_t to out[0]. yUp must already reflect this iteration's new alphas.
 */
export function svm_update_g(G: usize, Qi: usize, Qj: usize, yUp: usize, m: i32, dai: f64, daj: f64, out: usize): i32 {
  return firstIndexPass(G, yUp, m, out, true, Qi, Qj, dai, daj);
}

/** Gbar[t] += s Q[t] for t < l. */
export function svm_axpy_f32_f64(Gbar: usize, Q: usize, l: i32, s: f64): void {
  for (let t = 0; t < l; t++) {
    const p = Gbar + (<usize>t << 3);
    store<f64>(p, load<f64>(p) + s * <f64>load<f32>(Q + (<usize>t << 2)));
  }
}
