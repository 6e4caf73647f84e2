// Dense f32 matrix multiply and the Adam step, for MLPClassifier.
// gemm_f32 computes C = op(A) B (or C += op(A) B) with op(A) given by element strides,
// so one kernel serves both A B (forward pass, rs = lda, ps = 1) and A^T B (weight
// gradients, rs = 1, ps = lda). B and C are row-major. The core is a 4 x 8
// register tile: 8 f32x4 accumulators, two B vectors and four broadcast A values
// per step of the shared dimension.

@inline function aAt(A: usize, rs: i32, ps: i32, i: i32, p: i32): f32 {
  return load<f32>(A + ((<usize>i * <usize>rs + <usize>p * <usize>ps) << 2));
}

/** op(A)[i, p] broadcast to all four lanes (one load-splat instruction). */
@inline function aSplat(A: usize, rs: i32, ps: i32, i: i32, p: i32): v128 {
  return v128.load32_splat(A + ((<usize>i * <usize>rs + <usize>p * <usize>ps) << 2));
}

@inline function storeC(C: usize, accumulate: i32, v: v128): void {
  if (accumulate) v128.store(C, f32x4.add(v128.load(C), v));
  else v128.store(C, v);
}

/** Lanes 0..rem-1 (rem in 1..3) loaded from p, the rest 0; never reads past p + rem. */
@inline function partialRow(p: usize, rem: i32): v128 {
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(p));
  if (rem > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + 4));
  if (rem > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 8));
  return v;
}

/** Stores (or adds) lanes 0..rem-1 of v at p. */
@inline function storePartial(p: usize, accumulate: i32, v: v128, rem: i32): void {
  store<f32>(p, (accumulate ? load<f32>(p) : 0) + f32x4.extract_lane(v, 0));
  if (rem > 1) store<f32>(p + 4, (accumulate ? load<f32>(p + 4) : 0) + f32x4.extract_lane(v, 1));
  if (rem > 2) store<f32>(p + 8, (accumulate ? load<f32>(p + 8) : 0) + f32x4.extract_lane(v, 2));
}

/** C[m x n] (+)= op(A)[m x k] B[k x n]; op(A)[i, p] = A[i * rs + p * ps]; ldb/ldc are row strides in elements. */
export function gemm_f32(
  m: i32, n: i32, k: i32, A: usize, rs: i32, ps: i32, B: usize, ldb: i32, C: usize, ldc: i32, accumulate: i32,
): void {
  const m4 = m & ~3;
  const n8 = n & ~7;
  const n4 = n & ~3;
  for (let i = 0; i < m4; i += 4) {
    const c0 = C + (<usize>i * <usize>ldc << 2);
    const c1 = c0 + (<usize>ldc << 2);
    const c2 = c1 + (<usize>ldc << 2);
    const c3 = c2 + (<usize>ldc << 2);
    let j = 0;
    for (; j < n8; j += 8) {
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      for (let p = 0; p < k; p++) {
        const b = B + ((<usize>p * <usize>ldb + <usize>j) << 2);
        const b0 = v128.load(b);
        const b1 = v128.load(b + 16);
        const a0 = aSplat(A, rs, ps, i, p);
        const a1 = aSplat(A, rs, ps, i + 1, p);
        const a2 = aSplat(A, rs, ps, i + 2, p);
        const a3 = aSplat(A, rs, ps, i + 3, p);
        s00 = f32x4.add(s00, f32x4.mul(a0, b0));
        s01 = f32x4.add(s01, f32x4.mul(a0, b1));
        s10 = f32x4.add(s10, f32x4.mul(a1, b0));
        s11 = f32x4.add(s11, f32x4.mul(a1, b1));
        s20 = f32x4.add(s20, f32x4.mul(a2, b0));
        s21 = f32x4.add(s21, f32x4.mul(a2, b1));
        s30 = f32x4.add(s30, f32x4.mul(a3, b0));
        s31 = f32x4.add(s31, f32x4.mul(a3, b1));
      }
      const o = <usize>j << 2;
      storeC(c0 + o, accumulate, s00);
      storeC(c0 + o + 16, accumulate, s01);
      storeC(c1 + o, accumulate, s10);
      storeC(c1 + o + 16, accumulate, s11);
      storeC(c2 + o, accumulate, s20);
      storeC(c2 + o + 16, accumulate, s21);
      storeC(c3 + o, accumulate, s30);
      storeC(c3 + o + 16, accumulate, s31);
    }
    for (; j < n4; j += 4) {
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(B + ((<usize>p * <usize>ldb + <usize>j) << 2));
        s0 = f32x4.add(s0, f32x4.mul(aSplat(A, rs, ps, i, p), b0));
        s1 = f32x4.add(s1, f32x4.mul(aSplat(A, rs, ps, i + 1, p), b0));
        s2 = f32x4.add(s2, f32x4.mul(aSplat(A, rs, ps, i + 2, p), b0));
        s3 = f32x4.add(s3, f32x4.mul(aSplat(A, rs, ps, i + 3, p), b0));
      }
      const o = <usize>j << 2;
      storeC(c0 + o, accumulate, s0);
      storeC(c1 + o, accumulate, s1);
      storeC(c2 + o, accumulate, s2);
      storeC(c3 + o, accumulate, s3);
    }
    if (j < n) {
      // 1-3 leftover columns: gather them into one vector per step so the tail stays SIMD.
      const rem = n - j;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      for (let p = 0; p < k; p++) {
        const b0 = partialRow(B + ((<usize>p * <usize>ldb + <usize>j) << 2), rem);
        s0 = f32x4.add(s0, f32x4.mul(aSplat(A, rs, ps, i, p), b0));
        s1 = f32x4.add(s1, f32x4.mul(aSplat(A, rs, ps, i + 1, p), b0));
        s2 = f32x4.add(s2, f32x4.mul(aSplat(A, rs, ps, i + 2, p), b0));
        s3 = f32x4.add(s3, f32x4.mul(aSplat(A, rs, ps, i + 3, p), b0));
      }
      storePartial(c0 + (<usize>j << 2), accumulate, s0, rem);
      storePartial(c1 + (<usize>j << 2), accumulate, s1, rem);
      storePartial(c2 + (<usize>j << 2), accumulate, s2, rem);
      storePartial(c3 + (<usize>j << 2), accumulate, s3, rem);
    }
  }
  for (let i = m4; i < m; i++) {
    const c0 = C + (<usize>i * <usize>ldc << 2);
    let j = 0;
    for (; j < n4; j += 4) {
      let s0 = f32x4.splat(0);
      for (let p = 0; p < k; p++) {
        s0 = f32x4.add(s0, f32x4.mul(aSplat(A, rs, ps, i, p), v128.load(B + ((<usize>p * <usize>ldb + <usize>j) << 2))));
      }
      storeC(c0 + (<usize>j << 2), accumulate, s0);
    }
    for (; j < n; j++) {
      let s: f32 = 0;
      for (let p = 0; p < k; p++) s += aAt(A, rs, ps, i, p) * load<f32>(B + ((<usize>p * <usize>ldb + <usize>j) << 2));
      const c = c0 + (<usize>j << 2);
      store<f32>(c, accumulate ? load<f32>(c) + s : s);
    }
  }
}

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
