// BLAS-like primitives of the linear estimators: dot products, axpy, row norms and
// the two batched products (X W^T and R^T X). X is row-major float32; weights and
// accumulators are float64 where an optimizer needs the precision; batched products
// keep float32 SIMD inner loops and flush partial sums to float64 every few rows.
// The solvers' epochs live in sgd.ts, dcd_svm.ts and cs_svm.ts.
// No allocation, no static data: every buffer is passed in by the caller.

import { MR, NR, dotTile5x8, packA } from "./gemm";

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
 * dotF32F64 of one float32 row x against two float64 rows w0, w1, returned as lanes 0
 * and 1: x is loaded and widened once for both, and their four accumulator chains run
 * side by side (one product alone waits on its two; about 1.6x per row). Each product
 * sums in dotF32F64's order, so the values are its own to the bit.
 */
@inline
export function dot2F32F64(x: usize, w0: usize, w1: usize, n: i32): v128 {
  let a0 = f64x2.splat(0), b0 = f64x2.splat(0);
  let a1 = f64x2.splat(0), b1 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const xv = v128.load(x + (<usize>j << 2));
    const lo = f64x2.promote_low_f32x4(xv);
    const hi = f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1));
    const o = <usize>j << 3;
    a0 = f64x2.add(a0, f64x2.mul(lo, v128.load(w0 + o)));
    b0 = f64x2.add(b0, f64x2.mul(hi, v128.load(w0 + o, 16)));
    a1 = f64x2.add(a1, f64x2.mul(lo, v128.load(w1 + o)));
    b1 = f64x2.add(b1, f64x2.mul(hi, v128.load(w1 + o, 16)));
  }
  const s0 = f64x2.add(a0, b0);
  const s1 = f64x2.add(a1, b1);
  let d0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  let d1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
  for (; j < n; j++) {
    const xs = <f64>load<f32>(x + (<usize>j << 2));
    d0 += xs * load<f64>(w0 + (<usize>j << 3));
    d1 += xs * load<f64>(w1 + (<usize>j << 3));
  }
  return f64x2.replace_lane(f64x2.splat(d0), 1, d1);
}

/** float64 sum of the four float32 lanes of v, added pairwise in float32 (the SVM kernels' fold). */
@inline
export function hsumPairs(v: v128): f64 {
  return <f64>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) +
    <f64>(f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** dot4F32 folds: each lane widened to float64 and summed in order, tail products in float64 (gemm_f32_xwt). */
export const FOLD_F64: i32 = 0;
/** dot4F32 folds: lanes summed pairwise in float32 (hsumPairs), tail products in float32 (the SVM kernels). */
export const FOLD_F32_PAIRS: i32 = 1;

// The four dot products of the last dot4F32 call: a function returns one value, so they
// come back through globals, which belong to one instance, so to one thread.
export let dot4Out0: f64 = 0;
export let dot4Out1: f64 = 0;
export let dot4Out2: f64 = 0;
export let dot4Out3: f64 = 0;

/**
 * Row a against rows b0..b3 (all float32, `cols` long): the f32x4 loop loads a once for
 * the four products; `fold` (FOLD_F64 or FOLD_F32_PAIRS, a literal at every call site,
 * so each compiles to its own code) says how lanes and tail columns are summed, keeping
 * each caller's values to the bit. The results go to dot4Out0..3.
 */
@inline
export function dot4F32(a: usize, b0: usize, b1: usize, b2: usize, b3: usize, cols: i32, fold: i32): void {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  // Every operand's address is its own pointer, bumped each step: V8 then loads each
  // straight from its register instead of adding an offset per load (about a third faster).
  const vecEnd = a + (<usize>(cols & ~3) << 2);
  let pa = a, p0 = b0, p1 = b1, p2 = b2, p3 = b3;
  while (pa < vecEnd) {
    const va = v128.load(pa);
    s0 = f32x4.add(s0, f32x4.mul(va, v128.load(p0)));
    s1 = f32x4.add(s1, f32x4.mul(va, v128.load(p1)));
    s2 = f32x4.add(s2, f32x4.mul(va, v128.load(p2)));
    s3 = f32x4.add(s3, f32x4.mul(va, v128.load(p3)));
    pa += 16; p0 += 16; p1 += 16; p2 += 16; p3 += 16;
  }
  let j = cols & ~3;
  let d0: f64, d1: f64, d2: f64, d3: f64;
  if (fold == FOLD_F64) {
    d0 = <f64>f32x4.extract_lane(s0, 0) + <f64>f32x4.extract_lane(s0, 1) + <f64>f32x4.extract_lane(s0, 2) + <f64>f32x4.extract_lane(s0, 3);
    d1 = <f64>f32x4.extract_lane(s1, 0) + <f64>f32x4.extract_lane(s1, 1) + <f64>f32x4.extract_lane(s1, 2) + <f64>f32x4.extract_lane(s1, 3);
    d2 = <f64>f32x4.extract_lane(s2, 0) + <f64>f32x4.extract_lane(s2, 1) + <f64>f32x4.extract_lane(s2, 2) + <f64>f32x4.extract_lane(s2, 3);
    d3 = <f64>f32x4.extract_lane(s3, 0) + <f64>f32x4.extract_lane(s3, 1) + <f64>f32x4.extract_lane(s3, 2) + <f64>f32x4.extract_lane(s3, 3);
    for (; j < cols; j++) {
      const off = <usize>j << 2;
      const xs = <f64>load<f32>(a + off);
      d0 += xs * <f64>load<f32>(b0 + off);
      d1 += xs * <f64>load<f32>(b1 + off);
      d2 += xs * <f64>load<f32>(b2 + off);
      d3 += xs * <f64>load<f32>(b3 + off);
    }
  } else {
    d0 = hsumPairs(s0);
    d1 = hsumPairs(s1);
    d2 = hsumPairs(s2);
    d3 = hsumPairs(s3);
    for (; j < cols; j++) {
      const off = <usize>j << 2;
      const x = load<f32>(a + off);
      d0 += <f64>(x * load<f32>(b0 + off));
      d1 += <f64>(x * load<f32>(b1 + off));
      d2 += <f64>(x * load<f32>(b2 + off));
      d3 += <f64>(x * load<f32>(b3 + off));
    }
  }
  dot4Out0 = d0;
  dot4Out1 = d1;
  dot4Out2 = d2;
  dot4Out3 = d3;
}

/** dot4F32 of row a against the four consecutive rows from b on, `stride` bytes apart. */
// @ts-ignore: decorator
@inline
export function dot4F32Rows(a: usize, b: usize, stride: usize, cols: i32, fold: i32): void {
  dot4F32(a, b, b + stride, b + 2 * stride, b + 3 * stride, cols, fold);
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

/** axpyF32F64 into two rows at once (w0 += a0 x, w1 += a1 x; x loaded and widened once), same values. */
@inline
export function axpy2F32F64(a0: f64, a1: f64, x: usize, w0: usize, w1: usize, n: i32): void {
  const av0 = f64x2.splat(a0);
  const av1 = f64x2.splat(a1);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const xv = v128.load(x + (<usize>j << 2));
    const lo = f64x2.promote_low_f32x4(xv);
    const hi = f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1));
    const o = <usize>j << 3;
    v128.store(w0 + o, f64x2.add(v128.load(w0 + o), f64x2.mul(av0, lo)));
    v128.store(w0 + o, f64x2.add(v128.load(w0 + o, 16), f64x2.mul(av0, hi)), 16);
    v128.store(w1 + o, f64x2.add(v128.load(w1 + o), f64x2.mul(av1, lo)));
    v128.store(w1 + o, f64x2.add(v128.load(w1 + o, 16), f64x2.mul(av1, hi)), 16);
  }
  for (; j < n; j++) {
    const xs = <f64>load<f32>(x + (<usize>j << 2));
    const o = <usize>j << 3;
    store<f64>(w0 + o, load<f64>(w0 + o) + a0 * xs);
    store<f64>(w1 + o, load<f64>(w1 + o) + a1 * xs);
  }
}

/**
 * Squared norm of one float32 row, accumulated in float64 (the squares are exact in
 * float64; four values per step, two lanes). The one row-norm kernel: distances,
 * SVM kernels, Gaussian processes and the linear solvers all take their norms from it.
 */
@inline
export function rowSqNorm64(x: usize, cols: i32): f64 {
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const v = v128.load(x + (<usize>j << 2));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    acc = f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; j < cols; j++) {
    const v = <f64>load<f32>(x + (<usize>j << 2));
    s += v * v;
  }
  return s;
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
 * W float32 (k x cols), b float64 (k) or 0 for none, out float64 (rows x k). Each sum is
 * four float32 lanes (lane l takes the columns j = l mod 4 in order) folded in float64
 * with the tail columns (dot4F32's FOLD_F64). Per row, five classes per pass (each x
 * load serves five W rows), then four, then one at a time; every path sums alike, so the
 * bits do not depend on it.
 */
export function gemm_f32_xwt(X: usize, rows: i32, cols: i32, W: usize, k: i32, b: usize, out: usize): void {
  const rowBytes = <usize>cols << 2;
  for (let i0 = 0; i0 < rows; i0 += XWT_BLOCK) {
    const i1 = min(rows, i0 + XWT_BLOCK);
    let c = 0;
    for (; c + 5 <= k; c += 5) {
      for (let i = i0; i < i1; i++) {
        xwtOneRowFiveClasses(X + <usize>i * rowBytes, W + <usize>c * rowBytes, rowBytes, cols, b, c, out + (<usize>i * <usize>k << 3));
      }
    }
    for (let i = i0; i < i1; i++) xwtRowFrom(X + <usize>i * rowBytes, W, rowBytes, cols, k, b, c, out + (<usize>i * <usize>k << 3));
  }
}

/**
 * Rows per block of gemm_f32_xwt: each group of five classes takes the block's rows in
 * turn, so the first group streams the rows from memory front to back (which the
 * hardware prefetcher follows) and the others find them in L2. One row at a time, with
 * every group of classes before the next row, read 10,000 x 784 at 15.4 GMAC/s against
 * 21.6 in blocks of 64 rows (Zen 5, one thread).
 */
const XWT_BLOCK: i32 = 64;

/** Four f32 lanes and the tail columns of x . w, folded in float64 (dot4F32's FOLD_F64 for one pair). */
@inline function foldF64(s: v128, x: usize, w: usize, from: i32, cols: i32): f64 {
  let d = <f64>f32x4.extract_lane(s, 0) + <f64>f32x4.extract_lane(s, 1) + <f64>f32x4.extract_lane(s, 2) + <f64>f32x4.extract_lane(s, 3);
  for (let j = from; j < cols; j++) d += <f64>load<f32>(x + (<usize>j << 2)) * <f64>load<f32>(w + (<usize>j << 2));
  return d;
}

/** Row x0 against the five W rows from w on (classes c..c+4), into the output row at o0. */
@inline function xwtOneRowFiveClasses(x0: usize, w: usize, rowBytes: usize, cols: i32, b: usize, c: i32, o0: usize): void {
  const w1 = w + rowBytes, w2 = w1 + rowBytes, w3 = w2 + rowBytes, w4 = w3 + rowBytes;
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0;
  // Bumped pointers, as in dot4F32: 13.6 -> 16.0 GMAC/s at 10,000 x 784 x 10 classes.
  const vecEnd = x0 + (<usize>(cols & ~3) << 2);
  let px = x0, q0 = w, q1 = w1, q2 = w2, q3 = w3, q4 = w4;
  while (px < vecEnd) {
    const u = v128.load(px);
    a0 = f32x4.add(a0, f32x4.mul(u, v128.load(q0)));
    a1 = f32x4.add(a1, f32x4.mul(u, v128.load(q1)));
    a2 = f32x4.add(a2, f32x4.mul(u, v128.load(q2)));
    a3 = f32x4.add(a3, f32x4.mul(u, v128.load(q3)));
    a4 = f32x4.add(a4, f32x4.mul(u, v128.load(q4)));
    px += 16; q0 += 16; q1 += 16; q2 += 16; q3 += 16; q4 += 16;
  }
  const j = cols & ~3;
  const p0 = o0 + (<usize>c << 3);
  const bb = b + (<usize>c << 3);
  store<f64>(p0, foldF64(a0, x0, w, j, cols) + (b ? load<f64>(bb) : 0));
  store<f64>(p0, foldF64(a1, x0, w1, j, cols) + (b ? load<f64>(bb, 8) : 0), 8);
  store<f64>(p0, foldF64(a2, x0, w2, j, cols) + (b ? load<f64>(bb, 16) : 0), 16);
  store<f64>(p0, foldF64(a3, x0, w3, j, cols) + (b ? load<f64>(bb, 24) : 0), 24);
  store<f64>(p0, foldF64(a4, x0, w4, j, cols) + (b ? load<f64>(bb, 32) : 0), 32);
}

/** One row x against the classes from c0 on: four at a time, then one at a time. */
@inline function xwtRowFrom(x: usize, W: usize, rowBytes: usize, cols: i32, k: i32, b: usize, c0: i32, o: usize): void {
  let c = c0;
  for (; c + 4 <= k; c += 4) {
    dot4F32Rows(x, W + <usize>c * rowBytes, rowBytes, cols, FOLD_F64);
    let s0 = dot4Out0;
    let s1 = dot4Out1;
    let s2 = dot4Out2;
    let s3 = dot4Out3;
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
    store<f64>(o + (<usize>c << 3), foldF64(a0, x, w0, j, cols) + (b ? load<f64>(b + (<usize>c << 3)) : 0));
  }
}

/** Rows of X per float32 partial sum of gemm_f32_rtx; the partial sums are added up in float64. */
const RTX_BLOCK: i32 = 64;

@inline function align16(p: usize): usize {
  return (p + 15) & ~(<usize>15);
}

/**
 * G[c, j] (+)= sum_i R[i, c] * X[i, j] (float64 G, k x cols, overwritten unless
 * `accumulate`), R float64
 * (rows x k), X float32: per block of RTX_BLOCK rows, R's block in float32, packed in
 * groups of five classes, times X's rows read in place by the GEMM micro-kernel
 * (dotTile5x8 with B's steps a row of X apart: X is never copied), every group against
 * one panel of eight columns before the next, float32 sums in row order added
 * into G in float64. `work`: rtxWorkFloats(k) floats (src/kernels/linalg.ts),
 * 16-byte aligned.
 */
export function gemm_f32_rtx(R: usize, rows: i32, k: i32, X: usize, cols: i32, G: usize, work: usize, accumulate: i32): void {
  const n = <usize>k * <usize>cols;
  if (!accumulate) memory.fill(G, 0, n << 3);
  const r32 = work;
  const aPack = align16(r32 + (<usize>(RTX_BLOCK * k) << 2));
  const groups = (k + MR - 1) / MR;
  const groupBytes = <usize>(RTX_BLOCK * MR) << 2;
  const tile = align16(aPack + <usize>groups * groupBytes);
  const rowBytes = <usize>cols << 2;
  const full = cols / NR * NR; // columns covered by whole 8-wide panels
  for (let i0 = 0; i0 < rows; i0 += RTX_BLOCK) {
    const nb = min(RTX_BLOCK, rows - i0);
    const rb = R + (<usize>i0 * <usize>k << 3);
    const count = <usize>nb * <usize>k;
    for (let e: usize = 0; e < count; e++) store<f32>(r32 + (e << 2), <f32>load<f64>(rb + (e << 3)));
    const xb = X + <usize>i0 * rowBytes;
    for (let g = 0; g < groups; g++) {
      packA(r32, 1, k, g * MR, min(MR, k - g * MR), nb, aPack + <usize>g * groupBytes); // op(A)[c, p] = r32[p * k + c]
    }
    // Every group of five classes against one panel of X's columns while the panel's
    // rows are in the first-level cache.
    for (let j = 0; j < full; j += NR) {
      for (let g = 0; g < groups; g++) {
        const c0 = g * MR;
        dotTile5x8(aPack + <usize>g * groupBytes, xb + (<usize>j << 2), nb, tile, <usize>NR << 2, rowBytes);
        for (let r = 0, classes = min(MR, k - c0); r < classes; r++) {
          const src = tile + (<usize>(r * NR) << 2);
          const gp = G + ((<usize>(c0 + r) * <usize>cols + <usize>j) << 3);
          v128.store(gp, f64x2.add(v128.load(gp), f64x2.promote_low_f32x4(v128.load64_zero(src))));
          v128.store(gp, f64x2.add(v128.load(gp, 16), f64x2.promote_low_f32x4(v128.load64_zero(src, 8))), 16);
          v128.store(gp, f64x2.add(v128.load(gp, 32), f64x2.promote_low_f32x4(v128.load64_zero(src, 16))), 32);
          v128.store(gp, f64x2.add(v128.load(gp, 48), f64x2.promote_low_f32x4(v128.load64_zero(src, 24))), 48);
        }
      }
    }
    for (let j = full; j < cols; j++) {
      for (let c = 0; c < k; c++) {
        const ap = aPack + <usize>(c / MR) * groupBytes + (<usize>(c % MR) << 2);
        let s: f32 = 0;
        for (let p = 0; p < nb; p++) {
          s += load<f32>(ap + (<usize>(p * MR) << 2)) * load<f32>(xb + <usize>p * rowBytes + (<usize>j << 2));
        }
        const gp = G + ((<usize>c * <usize>cols + <usize>j) << 3);
        store<f64>(gp, load<f64>(gp) + <f64>s);
      }
    }
  }
}

/** out32[i] = f32(||X[i]||^2), and out64[i] the same in float64 (either pointer may be 0). */
export function sqnorm_f32(X: usize, rows: i32, cols: i32, out32: usize, out64: usize): void {
  const rowBytes = <usize>cols << 2;
  for (let i = 0; i < rows; i++) {
    const s = rowSqNorm64(X + <usize>i * rowBytes, cols);
    if (out32) store<f32>(out32 + (<usize>i << 2), <f32>s);
    if (out64) store<f64>(out64 + (<usize>i << 3), s);
  }
}
