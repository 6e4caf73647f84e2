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
