// The Adam step and minibatch gathering for MLPClassifier (its matrix products are in gemm.ts).

/**
 * One Adam step over n parameters (f32): m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * param -= lrT * m / (sqrt(v) + eps), lrT being the bias-corrected learning rate.
 */
export function adam_f32(param: usize, grad: usize, m: usize, v: usize, n: i32, lrT: f32, b1: f32, b2: f32, eps: f32): void {
  const vb1 = f32x4.splat(b1);
  const vb2 = f32x4.splat(b2);
  const v1b1 = f32x4.splat(1 - b1);
  const v1b2 = f32x4.splat(1 - b2);
  const vlr = f32x4.splat(lrT);
  const veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(grad + o);
    const mm = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(v1b1, g));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(v1b2, f32x4.mul(g, g)));
    v128.store(m + o, mm);
    v128.store(v + o, vv);
    v128.store(param + o, f32x4.sub(v128.load(param + o), f32x4.div(f32x4.mul(vlr, mm), f32x4.add(f32x4.sqrt(vv), veps))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grad + o);
    const mm = b1 * load<f32>(m + o) + (1 - b1) * g;
    const vv = b2 * load<f32>(v + o) + (1 - b2) * g * g;
    store<f32>(m + o, mm);
    store<f32>(v + o, vv);
    store<f32>(param + o, load<f32>(param + o) - lrT * mm / (Mathf.sqrt(vv) + eps));
  }
}

/** dst row t = src row idx[t] for t < n (f32 rows of `cols`); idx is i32. */
export function gather_rows_f32(src: usize, cols: i32, idx: usize, n: i32, dst: usize): void {
  const bytes = <usize>cols << 2;
  for (let t = 0; t < n; t++) {
    const r = load<i32>(idx + (<usize>t << 2));
    memory.copy(dst + <usize>t * bytes, src + <usize>r * bytes, bytes);
  }
}

/**
 * The L2 term of a weight gradient, in place: g[i] = (g[i] + alpha w[i]) * inv, in
 * float64 then rounded (as a plain-JS loop over the float32 arrays would); returns
 * sum w[i]^2 in float64, the penalty's share of the loss.
 */
export function l2_grad_f32(g: usize, w: usize, n: i32, alpha: f64, inv: f64): f64 {
  const va = f64x2.splat(alpha);
  const vi = f64x2.splat(inv);
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wv = v128.load(w + o);
    const gv = v128.load(g + o);
    const wlo = f64x2.promote_low_f32x4(wv);
    const whi = f64x2.promote_low_f32x4(v128.shuffle<f32>(wv, wv, 2, 3, 0, 1));
    const glo = f64x2.mul(f64x2.add(f64x2.promote_low_f32x4(gv), f64x2.mul(va, wlo)), vi);
    const ghi = f64x2.mul(f64x2.add(f64x2.promote_low_f32x4(v128.shuffle<f32>(gv, gv, 2, 3, 0, 1)), f64x2.mul(va, whi)), vi);
    v128.store(g + o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(glo), f32x4.demote_f64x2_zero(ghi), 0, 1, 4, 5));
    s0 = f64x2.add(s0, f64x2.mul(wlo, wlo));
    s1 = f64x2.add(s1, f64x2.mul(whi, whi));
  }
  const t = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = <f64>load<f32>(w + o);
    store<f32>(g + o, <f32>((<f64>load<f32>(g + o) + alpha * wi) * inv));
    s += wi * wi;
  }
  return s;
}

/**
 * tanh of two float64 lanes, to within a few float64 ulps: exp(2|x|) by Cody-Waite
 * reduction and a degree-13 Taylor polynomial, then (e - 1) / (e + 1); below 2^-13
 * the series x - x^3/3 (its error, x^5, is far under float32 resolution).
 */
// @ts-ignore: decorator
@inline function tanh2(x: v128): v128 {
  const a = f64x2.min(f64x2.abs(x), f64x2.splat(20)); // tanh(20) rounds to 1 in float32
  const t = f64x2.add(a, a);
  const k = f64x2.nearest(f64x2.mul(t, f64x2.splat(1.4426950408889634)));
  const r = f64x2.sub(f64x2.sub(t, f64x2.mul(k, f64x2.splat(6.93147180369123816490e-01))), f64x2.mul(k, f64x2.splat(1.90821492927058770002e-10)));
  let p = f64x2.splat(1.0 / 6227020800.0);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2^k (0 <= k <= 58) built from its exponent bits.
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  const e = f64x2.mul(p, i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52));
  const big = f64x2.div(f64x2.sub(e, f64x2.splat(1)), f64x2.add(e, f64x2.splat(1)));
  const small = f64x2.sub(a, f64x2.mul(f64x2.mul(a, f64x2.mul(a, a)), f64x2.splat(1.0 / 3.0)));
  const y = v128.bitselect(small, big, f64x2.lt(a, f64x2.splat(1.220703125e-4)));
  // Sign of x back on (tanh is odd; -0 stays -0).
  return v128.or(y, v128.and(x, i64x2.splat(0x8000000000000000)));
}

/** x[i] = tanh(x[i]) for n float32 values, in place (computed in float64, then rounded). */
export function tanh_f32(x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = x + (<usize>i << 2);
    const v = v128.load(p);
    const lo = tanh2(f64x2.promote_low_f32x4(v));
    const hi = tanh2(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
    v128.store(p, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; i < n; i++) {
    const p = x + (<usize>i << 2);
    const y = tanh2(f64x2.splat(<f64>load<f32>(p)));
    store<f32>(p, <f32>f64x2.extract_lane(y, 0));
  }
}

/**
 * a[r, j] = act(a[r, j] + bias[j]) over a rows x cols f32 block: act 0 identity,
 * 1 relu (negative values to +0; -0 and NaN kept, as the JS loop did), 2 tanh.
 */
export function bias_act_f32(a: usize, rows: i32, cols: i32, bias: usize, act: i32): void {
  const zero = f32x4.splat(0);
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const row = a + <usize>r * rowBytes;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      let v = f32x4.add(v128.load(row + o), v128.load(bias + o));
      if (act == 1) v = v128.bitselect(zero, v, f32x4.lt(v, zero));
      v128.store(row + o, v);
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      let v = load<f32>(row + o) + load<f32>(bias + o);
      if (act == 1 && v < 0) v = 0;
      store<f32>(row + o, v);
    }
  }
  if (act == 2) tanh_f32(a, rows * cols);
}

/**
 * out[j] = f32(sum_r d[r, j]) * inv: column sums of a rows x cols f32 block, each
 * summed in row order in float32, then scaled in float64 and rounded (the bias gradient).
 */
export function bias_grad_f32(d: usize, rows: i32, cols: i32, out: usize, inv: f64): void {
  const rowBytes = <usize>cols << 2;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const o = <usize>j << 2;
    let s = f32x4.splat(0);
    for (let r = 0; r < rows; r++) s = f32x4.add(s, v128.load(d + <usize>r * rowBytes + o));
    const lo = f64x2.mul(f64x2.promote_low_f32x4(s), f64x2.splat(inv));
    const hi = f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(s, s, 2, 3, 0, 1)), f64x2.splat(inv));
    v128.store(out + o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; j < cols; j++) {
    const o = <usize>j << 2;
    let s: f32 = 0;
    for (let r = 0; r < rows; r++) s += load<f32>(d + <usize>r * rowBytes + o);
    store<f32>(out + o, <f32>(<f64>s * inv));
  }
}

/**
 * d[i] *= act'(a[i]) over n f32 values, a being the activations act produced: act 1 relu
 * (d to +0 where a is zero), 2 tanh (1 - a^2), 3 logistic (a (1 - a)); the tanh and
 * logistic factors and products in float64, then rounded (as the plain-JS loops did).
 */
export function act_grad_f32(a: usize, d: usize, n: i32, act: i32): void {
  let i = 0;
  if (act == 1) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(d + o, v128.bitselect(zero, v128.load(d + o), f32x4.eq(v128.load(a + o), zero)));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      if (load<f32>(a + o) == 0) store<f32>(d + o, 0);
    }
    return;
  }
  if (act != 2 && act != 3) return;
  const one = f64x2.splat(1);
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const av = f64x2.promote_low_f32x4(v128.load64_zero(a + o));
    const dv = f64x2.promote_low_f32x4(v128.load64_zero(d + o));
    const g = act == 2 ? f64x2.sub(one, f64x2.mul(av, av)) : f64x2.mul(av, f64x2.sub(one, av));
    v128.store64_lane(d + o, f32x4.demote_f64x2_zero(f64x2.mul(dv, g)), 0);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const av = <f64>load<f32>(a + o);
    const g = act == 2 ? 1 - av * av : av * (1 - av);
    store<f32>(d + o, <f32>(<f64>load<f32>(d + o) * g));
  }
}
