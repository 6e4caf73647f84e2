// newGLMNET (Yuan, Ho & Lin 2012) for L1-regularized logistic regression, the method of
// liblinear's L1R_LR solver: the per-column sums of an outer (Newton) iteration and one
// coordinate-descent pass over the quadratic model. X is column-major float32 (column j
// at Xc + j * rows * 4); the per-sample vectors are float64. No allocation, no static data.
import { axpyF32F64 } from "./linalg";

/** sum_i x_i u_i v_i over one column (x f32, u and v f64). */
@inline
function dot3(x: usize, u: usize, v: usize, n: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const xv = v128.load(x + (<usize>i << 2));
    const pu = u + (<usize>i << 3);
    const pv = v + (<usize>i << 3);
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(xv), f64x2.mul(v128.load(pu), v128.load(pv))));
    acc1 = f64x2.add(acc1, f64x2.mul(
      f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1)), f64x2.mul(v128.load(pu, 16), v128.load(pv, 16)),
    ));
  }
  const acc = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) {
    const o = <usize>i << 3;
    s += <f64>load<f32>(x + (<usize>i << 2)) * load<f64>(u + o) * load<f64>(v + o);
  }
  return s;
}

/**
 * xTd += z x over one column, then sum_i xn_i D_i xTd_i with the updated xTd: axpyF32F64 and
 * dot3 of the next column in one pass, with the same values and summation order as the two.
 */
@inline
function axpyThenDot3(z: f64, x: usize, xTd: usize, xn: usize, D: usize, n: i32): f64 {
  const zv = f64x2.splat(z);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const xv = v128.load(x + (<usize>i << 2));
    const nv = v128.load(xn + (<usize>i << 2));
    const pt = xTd + (<usize>i << 3);
    const pd = D + (<usize>i << 3);
    const lo = f64x2.add(v128.load(pt), f64x2.mul(zv, f64x2.promote_low_f32x4(xv)));
    const hi = f64x2.add(v128.load(pt, 16), f64x2.mul(zv, f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1))));
    v128.store(pt, lo);
    v128.store(pt, hi, 16);
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(nv), f64x2.mul(v128.load(pd), lo)));
    acc1 = f64x2.add(acc1, f64x2.mul(
      f64x2.promote_low_f32x4(i32x4.shuffle(nv, nv, 2, 3, 0, 1)), f64x2.mul(v128.load(pd, 16), hi),
    ));
  }
  const acc = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const t = load<f64>(xTd + o) + z * <f64>load<f32>(x + (<usize>i << 2));
    store<f64>(xTd + o, t);
    s += <f64>load<f32>(xn + (<usize>i << 2)) * load<f64>(D + o) * t;
  }
  return s;
}

/**
 * For every column j < ncols: hess[j] = sum_i x_ij^2 D_i and grad[j] = sum_i x_ij tau_i
 * (the caller adds liblinear's nu and its constant terms).
 */
export function l1r_lr_sums_f32(Xc: usize, rows: i32, ncols: i32, D: usize, tau: usize, hess: usize, grad: usize): void {
  const stride = <usize>rows << 2;
  for (let j = 0; j < ncols; j++) {
    const x = Xc + <usize>j * stride;
    let h0 = f64x2.splat(0);
    let g0 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= rows; i += 4) {
      const xv = v128.load(x + (<usize>i << 2));
      const lo = f64x2.promote_low_f32x4(xv);
      const hi = f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1));
      const pd = D + (<usize>i << 3);
      const pt = tau + (<usize>i << 3);
      h0 = f64x2.add(h0, f64x2.add(f64x2.mul(f64x2.mul(lo, lo), v128.load(pd)), f64x2.mul(f64x2.mul(hi, hi), v128.load(pd, 16))));
      g0 = f64x2.add(g0, f64x2.add(f64x2.mul(lo, v128.load(pt)), f64x2.mul(hi, v128.load(pt, 16))));
    }
    let h = f64x2.extract_lane(h0, 0) + f64x2.extract_lane(h0, 1);
    let g = f64x2.extract_lane(g0, 0) + f64x2.extract_lane(g0, 1);
    for (; i < rows; i++) {
      const v = <f64>load<f32>(x + (<usize>i << 2));
      const o = <usize>i << 3;
      h += v * v * load<f64>(D + o);
      g += v * load<f64>(tau + o);
    }
    store<f64>(hess + (<usize>j << 3), h);
    store<f64>(grad + (<usize>j << 3), g);
  }
}

/**
 * One coordinate-descent pass of newGLMNET's inner loop over index[0..active) (already
 * shuffled by the caller), with liblinear's inner-level shrinking: a coordinate at zero
 * whose model gradient lies well inside [-1, 1] (by Gmax_old / rows) is moved past the
 * active end. Minimizes, per coordinate j, the quadratic model
 *   Grad_j d + (H_j / 2) d^2 + |wpd_j + d|, H_j = hess_j, with the model gradient
 *   G = Grad_j + (wpd_j - w_j) nu + sum_i x_ij D_i xTd_i,
 * the step clipped to [-10, 10] and skipped below 1e-12; xTd follows wpd - w.
 * state (f64): in [0] Gmax_old, [1] nu; out [2] the new active size, [3] the largest
 * violation, [4] their sum (both over the coordinates that moved), [5] how many moved.
 */
export function l1r_lr_cd_pass_f32(
  Xc: usize, rows: i32, index: usize, active: i32, hess: usize, grad: usize, w: usize, wpd: usize, D: usize, xTd: usize,
  state: usize,
): void {
  const stride = <usize>rows << 2;
  const gmaxOld = load<f64>(state);
  const nu = load<f64>(state, 8);
  const bound = gmaxOld / <f64>rows;
  let gmax = 0.0;
  let gnorm1 = 0.0;
  let moved = 0;
  let s = 0;
  // A coordinate's step also takes the next coordinate's sum (one pass over xTd instead of two).
  let nextSum = 0.0;
  let haveNextSum = false;
  while (s < active) {
    const j = load<i32>(index + (<usize>s << 2));
    const jo = <usize>j << 3;
    const x = Xc + <usize>j * stride;
    const H = load<f64>(hess + jo);
    const wj = load<f64>(wpd + jo);
    const xDxTd = haveNextSum ? nextSum : dot3(x, D, xTd, rows);
    haveNextSum = false;
    const G = load<f64>(grad + jo) + (wj - load<f64>(w + jo)) * nu + xDxTd;
    const Gp = G + 1.0;
    const Gn = G - 1.0;
    let violation = 0.0;
    if (wj == 0) {
      if (Gp < 0) violation = -Gp;
      else if (Gn > 0) violation = Gn;
      else if (Gp > bound && Gn < -bound) {
        active--;
        const last = index + (<usize>active << 2);
        store<i32>(index + (<usize>s << 2), load<i32>(last));
        store<i32>(last, j);
        continue;
      }
    } else if (wj > 0) violation = abs(Gp);
    else violation = abs(Gn);
    let z: f64;
    if (Gp < H * wj) z = -Gp / H;
    else if (Gn > H * wj) z = -Gn / H;
    else z = -wj;
    s++;
    if (abs(z) < 1.0e-12) continue;
    z = min(max(z, -10.0), 10.0);
    moved++;
    gmax = max(gmax, violation);
    gnorm1 += violation;
    store<f64>(wpd + jo, wj + z);
    if (s < active) {
      nextSum = axpyThenDot3(z, x, xTd, Xc + <usize>load<i32>(index + (<usize>s << 2)) * stride, D, rows);
      haveNextSum = true;
    } else {
      axpyF32F64(z, x, xTd, rows);
    }
  }
  store<f64>(state, <f64>active, 16);
  store<f64>(state, gmax, 24);
  store<f64>(state, gnorm1, 32);
  store<f64>(state, <f64>moved, 40);
}
