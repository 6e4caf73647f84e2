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
