// Dense f32 matrix product on packed panels: the one dot-product micro-kernel that
// MLPClassifier's gemm and the k-nearest-neighbour distance tiles share.
//
// The micro-kernel computes a 5 x 8 block of dot products from two packed panels:
// A as k x 5 (the five rows' p-th values next to each other) and B as k x 8. Each
// step of p is two vector loads of B, five load-splats of A and 10 multiply-adds
// into 10 accumulators: 13 of the 15 xmm registers V8 hands out, so nothing spills.
// Measured on the bench machine (Zen 5, one thread, wasm SIMD128 without FMA) it
// runs at about 90 % of the register-only multiply-add peak (48 of 53 GFLOP/s);
// 4 x 8 reached 75 %, 3 x 12 85 %, and 6 x 8 (15 registers) half speed.
//
// Packing makes every operand layout the same for the inner loop: op(A) and op(B)
// are given by element strides, so A B, A^T B and A B^T all stream contiguous
// panels. Each dot product is summed in the order p = 0, 1, ..., k - 1, so results
// do not depend on the blocking, and padding lanes add exact zeros.

/** Rows of the micro-kernel tile (the A side). */
export const MR: i32 = 5;
/** Columns of the micro-kernel tile (the B side). */
export const NR: i32 = 8;

/**
 * out[r * ldo + c] = sum_p ap[p * MR + r] * bp[p * NR + c] for r < 5, c < 8;
 * ldo in bytes. ap/bp are packed panels of k steps; B's steps may instead lie
 * `bStride` bytes apart (eight consecutive floats of each row of a row-major B).
 */
export function dotTile5x8(ap: usize, bp: usize, k: i32, out: usize, ldo: usize, bStride: usize = <usize>NR << 2): void {
  tile5x8(ap, 4, <usize>MR << 2, bp, bStride, k, out, ldo);
}

/**
 * The 5 x 8 micro-kernel: A's value of row r at step p at ap + r * aRow + p * aStep,
 * B's step p at bp + p * bStride. Callers pass literal strides where they can, so the
 * packed kernel's addresses fold into load offsets.
 */
// @ts-ignore: decorator
@inline function tile5x8(ap: usize, aRow: usize, aStep: usize, bp: usize, bStride: usize, k: i32, out: usize, ldo: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00;
  let c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00;
  const end = ap + <usize>k * aStep;
  while (ap < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap + aRow);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap + 2 * aRow);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap + 3 * aRow);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    a = v128.load32_splat(ap + 4 * aRow);
    c40 = f32x4.add(c40, f32x4.mul(a, b0));
    c41 = f32x4.add(c41, f32x4.mul(a, b1));
    ap += aStep;
    bp += bStride;
  }
  v128.store(out, c00);
  v128.store(out, c01, 16);
  out += ldo;
  v128.store(out, c10);
  v128.store(out, c11, 16);
  out += ldo;
  v128.store(out, c20);
  v128.store(out, c21, 16);
  out += ldo;
  v128.store(out, c30);
  v128.store(out, c31, 16);
  out += ldo;
  v128.store(out, c40);
  v128.store(out, c41, 16);
}

/** As dotTile5x8 for a 4-wide B panel (bp[p * 4 + c]): the narrow last panel of a product. */
export function dotTile5x4(ap: usize, bp: usize, k: i32, out: usize, ldo: usize): void {
  tile5x4(ap, 4, <usize>MR << 2, bp, k, out, ldo);
}

/** The 5 x 4 micro-kernel, A addressed as in tile5x8. */
// @ts-ignore: decorator
@inline function tile5x4(ap: usize, aRow: usize, aStep: usize, bp: usize, k: i32, out: usize, ldo: usize): void {
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0;
  const end = ap + <usize>k * aStep;
  while (ap < end) {
    const b = v128.load(bp);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(ap), b));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(ap + aRow), b));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(ap + 2 * aRow), b));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(ap + 3 * aRow), b));
    c4 = f32x4.add(c4, f32x4.mul(v128.load32_splat(ap + 4 * aRow), b));
    ap += aStep;
    bp += 16;
  }
  v128.store(out, c0);
  v128.store(out + ldo, c1);
  v128.store(out + 2 * ldo, c2);
  v128.store(out + 3 * ldo, c3);
  v128.store(out + 4 * ldo, c4);
}

/**
 * Packs rows [i0, i0 + rows) of op(A) (op(A)[i, p] = A[i * rs + p * ps]) as one A
 * panel: dst[p * MR + r], zero for r >= rows (rows <= MR).
 */
export function packA(A: usize, rs: i32, ps: i32, i0: i32, rows: i32, k: i32, dst: usize): void {
  const psb = <usize>ps << 2;
  if (rs == 1 && rows == MR) {
    // A stored transposed: each step's five values are contiguous.
    let s = A + (<usize>i0 << 2);
    let d = dst;
    for (let p = 0; p < k; p++, s += psb, d += <usize>MR << 2) {
      v128.store(d, v128.load(s));
      store<f32>(d + 16, load<f32>(s + 16));
    }
    return;
  }
  if (ps == 1 && rows == MR) {
    // Row-major A: four steps at a time, rows 0-3 transposed with shuffles, row 4 by lanes.
    const rsb = <usize>rs << 2;
    const a0 = A + <usize>i0 * rsb;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const o = <usize>p << 2;
      const r0 = v128.load(a0 + o);
      const r1 = v128.load(a0 + rsb + o);
      const r2 = v128.load(a0 + 2 * rsb + o);
      const r3 = v128.load(a0 + 3 * rsb + o);
      const r4 = v128.load(a0 + 4 * rsb + o);
      const t01lo = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
      const t23lo = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const t01hi = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const t23hi = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const d = dst + <usize>p * (<usize>MR << 2);
      v128.store(d, v128.shuffle<f32>(t01lo, t23lo, 0, 1, 4, 5));
      store<f32>(d + 16, f32x4.extract_lane(r4, 0));
      v128.store(d + 20, v128.shuffle<f32>(t01lo, t23lo, 2, 3, 6, 7));
      store<f32>(d + 36, f32x4.extract_lane(r4, 1));
      v128.store(d + 40, v128.shuffle<f32>(t01hi, t23hi, 0, 1, 4, 5));
      store<f32>(d + 56, f32x4.extract_lane(r4, 2));
      v128.store(d + 60, v128.shuffle<f32>(t01hi, t23hi, 2, 3, 6, 7));
      store<f32>(d + 76, f32x4.extract_lane(r4, 3));
    }
    for (; p < k; p++) {
      const d = dst + <usize>p * (<usize>MR << 2);
      for (let r = 0; r < MR; r++) store<f32>(d + (<usize>r << 2), load<f32>(a0 + <usize>r * rsb + (<usize>p << 2)));
    }
    return;
  }
  for (let r = 0; r < MR; r++) {
    let d = dst + (<usize>r << 2);
    if (r >= rows) {
      for (let p = 0; p < k; p++, d += <usize>MR << 2) store<f32>(d, 0);
      continue;
    }
    let s = A + ((<usize>(i0 + r) * <usize>rs) << 2);
    for (let p = 0; p < k; p++, d += <usize>MR << 2, s += psb) store<f32>(d, load<f32>(s));
  }
}

/**
 * Packs columns [j0, j0 + cols) of op(B) (op(B)[p, j] = B[p * rs + j * cs]) as one
 * B panel of width w (8, or 4 for a narrow last panel): dst[p * w + c], zero for
 * c >= cols (cols <= w).
 */
export function packB(B: usize, rs: i32, cs: i32, j0: i32, cols: i32, k: i32, w: i32, dst: usize): void {
  const rsb = <usize>rs << 2;
  const wb = <usize>w << 2;
  let s = B + ((<usize>j0 * <usize>cs) << 2);
  let d = dst;
  if (cs == 1 && cols == w) {
    // Row-major B: each step is one or two contiguous vectors.
    for (let p = 0; p < k; p++, s += rsb, d += wb) {
      v128.store(d, v128.load(s));
      if (w == NR) v128.store(d, v128.load(s, 16), 16);
    }
    return;
  }
  const csb = <usize>cs << 2;
  if (rs == 1 && cols == NR && w == NR) {
    // B stored transposed (its columns are rows, as training rows are): four steps at a
    // time, two 4 x 4 transposes.
    let p = 0;
    for (; p + 4 <= k; p += 4, s += 16, d += <usize>NR << 4) {
      transpose4(d, <usize>NR << 2, s, csb);
      transpose4(d + 16, <usize>NR << 2, s + 4 * csb, csb);
    }
    for (; p < k; p++, s += 4, d += wb) {
      for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), load<f32>(s + <usize>c * csb));
    }
    return;
  }
  for (let p = 0; p < k; p++, s += rsb, d += wb) {
    let c = 0;
    for (; c < cols; c++) store<f32>(d + (<usize>c << 2), load<f32>(s + <usize>c * csb));
    for (; c < w; c++) store<f32>(d + (<usize>c << 2), 0);
  }
}

/** dst[q * ldd + c] = src[c * lds + q] for q, c < 4 (lds, ldd in bytes). */
// @ts-ignore: decorator
@inline function transpose4(dst: usize, ldd: usize, src: usize, lds: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + lds);
  const r2 = v128.load(src + 2 * lds);
  const r3 = v128.load(src + 3 * lds);
  const lo01 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const lo23 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const hi01 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const hi23 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
  v128.store(dst + ldd, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7));
  v128.store(dst + 2 * ldd, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5));
  v128.store(dst + 3 * ldd, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7));
}

/** Width of panel jp of a product with n columns: 8, or 4 when the last one has at most 4 columns. */
// @ts-ignore: decorator
@inline export function panelWidth(n: i32, jp: i32): i32 {
  return n - jp * NR <= 4 ? 4 : NR;
}

/**
 * C[m x n] (+)= op(A)[m x k] op(B)[k x n], with op(A)[i, p] = A[i * ars + p * aps]
 * and op(B)[p, j] = B[p * brs + j * bcs] (element strides: A B, A^T B, A B^T alike);
 * C row-major with row stride ldc. work: at least
 * ceil(n / 8) * 8 * k + 5 * k + 40 floats (16-byte aligned), for the packed panels.
 */
export function gemm_f32(
  m: i32, n: i32, k: i32, A: usize, ars: i32, aps: i32, B: usize, brs: i32, bcs: i32,
  C: usize, ldc: i32, accumulate: i32, work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  const panels = (n + NR - 1) / NR;
  const panelBytes = <usize>k * (<usize>NR << 2);
  const bPack = work;
  const aPack = bPack + <usize>panels * panelBytes;
  const tile = aPack + <usize>k * (<usize>MR << 2);
  for (let jp = 0; jp < panels; jp++) {
    const j0 = jp * NR;
    packB(B, brs, bcs, j0, min(NR, n - j0), k, panelWidth(n, jp), bPack + <usize>jp * panelBytes);
  }
  const ldcb = <usize>ldc << 2;
  for (let i0 = 0; i0 < m; i0 += MR) {
    const rows = min(MR, m - i0);
    packA(A, ars, aps, i0, rows, k, aPack);
    const cRow = C + <usize>i0 * ldcb;
    for (let jp = 0; jp < panels; jp++) {
      const j0 = jp * NR;
      const cols = min(NR, n - j0);
      const c = cRow + (<usize>j0 << 2);
      const bp = bPack + <usize>jp * panelBytes;
      if (cols <= 4) {
        dotTile5x4(aPack, bp, k, tile, <usize>NR << 2);
      } else if (rows == MR && cols == NR && !accumulate) {
        dotTile5x8(aPack, bp, k, c, ldcb);
        continue;
      } else {
        dotTile5x8(aPack, bp, k, tile, <usize>NR << 2);
      }
      for (let r = 0; r < rows; r++) {
        const src = tile + (<usize>(r * NR) << 2);
        const dst = c + <usize>r * ldcb;
        if (cols == NR) {
          const v0 = v128.load(src);
          const v1 = v128.load(src, 16);
          v128.store(dst, accumulate ? f32x4.add(v128.load(dst), v0) : v0);
          v128.store(dst, accumulate ? f32x4.add(v128.load(dst, 16), v1) : v1, 16);
          continue;
        }
        for (let j = 0; j < cols; j++) {
          const o = <usize>j << 2;
          const v = load<f32>(src + o);
          store<f32>(dst + o, accumulate ? load<f32>(dst + o) + v : v);
        }
      }
    }
  }
}
