// Pairwise distances between a block of queries and a block of training rows, and
// exact k-nearest-neighbour selection on top of them.
//
// The bulk of the work is a float32 SIMD pass. Squared Euclidean uses
// ||q||^2 + ||t||^2 - 2 q.t, the dot products coming from the 5 x 8 micro-kernel on
// packed panels that MLPClassifier's gemm also uses (assembly/gemm.ts); Manhattan
// sums |q - t| over register-blocked 4 x 2 tiles (four query rows against two
// training rows, the feature loop vectorised four lanes wide). Distances go to a small staging tile per training block and from there
// into a per-query max-heap of `kk` candidates, so the full query x train matrix
// never exists.
//
// float32 is not exact enough to rank neighbours the way scikit-learn does in
// float64, so the heap keeps more candidates than asked for; their distances are
// recomputed in float64 and the k best kept, ordered by (distance, index). A
// rounding-error bound on the float32 pass then proves that no row outside the
// candidates can beat the k-th: when the proof fails (near-ties at the boundary),
// that query is rescanned in float64 against every training row.

import { MR, NR, dotTile5x8, packA, packB } from "./gemm";
import { rowSqNorm64 } from "./linalg";

// Training rows per block: a 128 x 784 float32 block (400 KB) stays in L2 while
// every query quad (or, for p=2, group of five packed queries) of the call sweeps it.
const TRAIN_BLOCK: i32 = 128;

// ---------------------------------------------------------------- small helpers

/** [sum(a), sum(b), sum(c), sum(d)]: lane sums of four accumulators. */
// @ts-ignore: decorator
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 1, 4, 5), v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 1, 4, 5), v128.shuffle<f32>(c, d, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

// @ts-ignore: decorator
@inline function hsum1(a: v128): f32 {
  const b = f32x4.add(a, v128.shuffle<f32>(a, a, 2, 3, 0, 1));
  return f32x4.extract_lane(b, 0) + f32x4.extract_lane(b, 1);
}

/**
 * Distance of two float32 rows in float64: Manhattan (l1) or squared Euclidean. `l1` is
 * a literal at both call sites, so each compiles to its own loop.
 */
@inline function distance64(a: usize, b: usize, cols: i32, l1: bool): f64 {
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const va = v128.load(a + (<usize>j << 2));
    const vb = v128.load(b + (<usize>j << 2));
    const dlo = f64x2.sub(f64x2.promote_low_f32x4(va), f64x2.promote_low_f32x4(vb));
    const dhi = f64x2.sub(
      f64x2.promote_low_f32x4(v128.shuffle<f32>(va, va, 2, 3, 0, 1)),
      f64x2.promote_low_f32x4(v128.shuffle<f32>(vb, vb, 2, 3, 0, 1)),
    );
    acc = f64x2.add(acc, l1 ? f64x2.add(f64x2.abs(dlo), f64x2.abs(dhi)) : f64x2.add(f64x2.mul(dlo, dlo), f64x2.mul(dhi, dhi)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; j < cols; j++) {
    const d = <f64>load<f32>(a + (<usize>j << 2)) - <f64>load<f32>(b + (<usize>j << 2));
    s += l1 ? Math.abs(d) : d * d;
  }
  return s;
}

/** Squared Euclidean distance of two float32 rows, in float64 (the reranking metric). */
export function sqeuclidean64(a: usize, b: usize, cols: i32): f64 {
  return distance64(a, b, cols, false);
}

/** Manhattan distance of two float32 rows, in float64. */
function manhattan64(a: usize, b: usize, cols: i32): f64 {
  return distance64(a, b, cols, true);
}

// ---------------------------------------------------------------- float32 tiles

/**
 * Manhattan distances of queries [q0, q0+nq) and rows [t0, t0+nt), written to
 * out[(i - q0) * ostride + (j - t0)]: 4 x 2 register tiles, the feature loop four lanes wide.
 */
function l1Tile(
  Q: usize, q0: i32, nq: i32, T: usize, t0: i32, nt: i32, cols: i32, out: usize, ostride: i32,
): void {
  const rowBytes = <usize>cols << 2;
  const vecEnd = cols & ~3;
  const qEnd = q0 + nq;
  const tEnd = t0 + nt;
  let i = q0;
  for (; i + 4 <= qEnd; i += 4) {
    const a0 = Q + <usize>i * rowBytes;
    const a1 = a0 + rowBytes;
    const a2 = a1 + rowBytes;
    const a3 = a2 + rowBytes;
    const o = out + (<usize>(i - q0) * <usize>ostride << 2);
    let j = t0;
    for (; j + 2 <= tEnd; j += 2) {
      const b0 = T + <usize>j * rowBytes;
      const b1 = b0 + rowBytes;
      let c00 = f32x4.splat(0), c10 = f32x4.splat(0), c20 = f32x4.splat(0), c30 = f32x4.splat(0);
      let c01 = f32x4.splat(0), c11 = f32x4.splat(0), c21 = f32x4.splat(0), c31 = f32x4.splat(0);
      for (let l: usize = 0; l < <usize>vecEnd << 2; l += 16) {
        const y0 = v128.load(b0 + l);
        const y1 = v128.load(b1 + l);
        let x = v128.load(a0 + l);
        c00 = f32x4.add(c00, f32x4.abs(f32x4.sub(x, y0)));
        c01 = f32x4.add(c01, f32x4.abs(f32x4.sub(x, y1)));
        x = v128.load(a1 + l);
        c10 = f32x4.add(c10, f32x4.abs(f32x4.sub(x, y0)));
        c11 = f32x4.add(c11, f32x4.abs(f32x4.sub(x, y1)));
        x = v128.load(a2 + l);
        c20 = f32x4.add(c20, f32x4.abs(f32x4.sub(x, y0)));
        c21 = f32x4.add(c21, f32x4.abs(f32x4.sub(x, y1)));
        x = v128.load(a3 + l);
        c30 = f32x4.add(c30, f32x4.abs(f32x4.sub(x, y0)));
        c31 = f32x4.add(c31, f32x4.abs(f32x4.sub(x, y1)));
      }
      let d0 = hsum4(c00, c10, c20, c30);
      let d1 = hsum4(c01, c11, c21, c31);
      if (vecEnd < cols) {
        for (let l = vecEnd; l < cols; l++) {
          const off = <usize>l << 2;
          const x = f32x4(load<f32>(a0 + off), load<f32>(a1 + off), load<f32>(a2 + off), load<f32>(a3 + off));
          d0 = f32x4.add(d0, f32x4.abs(f32x4.sub(x, f32x4.splat(load<f32>(b0 + off)))));
          d1 = f32x4.add(d1, f32x4.abs(f32x4.sub(x, f32x4.splat(load<f32>(b1 + off)))));
        }
      }
      const oj = o + (<usize>(j - t0) << 2);
      const s = <usize>ostride << 2;
      store<f32>(oj, f32x4.extract_lane(d0, 0));
      store<f32>(oj + 4, f32x4.extract_lane(d1, 0));
      store<f32>(oj + s, f32x4.extract_lane(d0, 1));
      store<f32>(oj + s + 4, f32x4.extract_lane(d1, 1));
      store<f32>(oj + 2 * s, f32x4.extract_lane(d0, 2));
      store<f32>(oj + 2 * s + 4, f32x4.extract_lane(d1, 2));
      store<f32>(oj + 3 * s, f32x4.extract_lane(d0, 3));
      store<f32>(oj + 3 * s + 4, f32x4.extract_lane(d1, 3));
    }
    for (; j < tEnd; j++) {
      for (let r = 0; r < 4; r++) {
        store<f32>(o + ((<usize>r * <usize>ostride + <usize>(j - t0)) << 2),
          l1One(Q + <usize>(i + r) * rowBytes, T + <usize>j * rowBytes, cols));
      }
    }
  }
  for (; i < qEnd; i++) {
    const a = Q + <usize>i * rowBytes;
    const o = out + (<usize>(i - q0) * <usize>ostride << 2);
    for (let j = t0; j < tEnd; j++) {
      store<f32>(o + (<usize>(j - t0) << 2), l1One(a, T + <usize>j * rowBytes, cols));
    }
  }
}

function l1One(a: usize, b: usize, cols: i32): f32 {
  let c = f32x4.splat(0);
  const vecEnd = cols & ~3;
  for (let l: usize = 0; l < <usize>vecEnd << 2; l += 16) {
    c = f32x4.add(c, f32x4.abs(f32x4.sub(v128.load(a + l), v128.load(b + l))));
  }
  let d = hsum1(c);
  for (let l = vecEnd; l < cols; l++) d += Mathf.abs(load<f32>(a + (<usize>l << 2)) - load<f32>(b + (<usize>l << 2)));
  return d;
}

// ---------------------------------------------------------------- exported tiles

/**
 * out[i * nt + j] = ||Q[i] - T[j]||^2 in float32 via the norm expansion; qn/tn are
 * float32 squared norms (sqnorm_f32). Q is nq x cols, T is nt x cols, row-major.
 * work: 128 * cols + ceil(nq / 5) * 5 * cols + 5 * 128 floats (as the top-k tile).
 */
export function sqeuclidean_f32(
  Q: usize, nq: i32, T: usize, nt: i32, cols: i32, qn: usize, tn: usize, out: usize, work: usize,
): void {
  if (nq <= 0 || nt <= 0) return;
  sqPass(Q, nq, T, nt, cols, qn, tn, 0, 0, 0, work, out);
}

/** out[i * nt + j] = sum_l |Q[i, l] - T[j, l]| in float32. */
export function manhattan_f32(Q: usize, nq: i32, T: usize, nt: i32, cols: i32, out: usize): void {
  if (nq <= 0 || nt <= 0) return;
  l1Tile(Q, 0, nq, T, 0, nt, cols, out, nt);
}

// ---------------------------------------------------------------- top-k

/** Replaces the root of a max-heap of size n (dist f32, idx i32) and sifts it down. */
function heapReplaceRoot(hd: usize, hi: usize, n: i32, d: f32, idx: i32): void {
  let at = 0;
  while (true) {
    const l = 2 * at + 1;
    if (l >= n) break;
    const r = l + 1;
    let c = l;
    let dc = load<f32>(hd + (<usize>l << 2));
    if (r < n) {
      const dr = load<f32>(hd + (<usize>r << 2));
      if (dr > dc) { c = r; dc = dr; }
    }
    if (dc <= d) break;
    store<f32>(hd + (<usize>at << 2), dc);
    store<i32>(hi + (<usize>at << 2), load<i32>(hi + (<usize>c << 2)));
    at = c;
  }
  store<f32>(hd + (<usize>at << 2), d);
  store<i32>(hi + (<usize>at << 2), idx);
}

/** Pushes every distance of tile row `row` (nt values, rows t0..) below the heap's root. */
export function pushRow(row: usize, nt: i32, t0: i32, hd: usize, hi: usize, kk: i32): void {
  let top = load<f32>(hd);
  let j = 0;
  for (; j + 4 <= nt; j += 4) {
    const v = v128.load(row + (<usize>j << 2));
    if (!v128.any_true(f32x4.lt(v, f32x4.splat(top)))) continue;
    for (let r = 0; r < 4; r++) {
      const d = load<f32>(row + (<usize>(j + r) << 2));
      if (d < top) {
        heapReplaceRoot(hd, hi, kk, d, t0 + j + r);
        top = load<f32>(hd);
      }
    }
  }
  for (; j < nt; j++) {
    const d = load<f32>(row + (<usize>j << 2));
    if (d < top) {
      heapReplaceRoot(hd, hi, kk, d, t0 + j);
      top = load<f32>(hd);
    }
  }
}

/**
 * Inserts (d, idx) into the list of the best `k` so far, kept sorted by (distance,
 * index); `filled` entries are valid. Returns the new fill count.
 */
export function insertBest(od: usize, oi: usize, k: i32, filled: i32, d: f64, idx: i32): i32 {
  let at = filled < k ? filled : k - 1;
  if (filled == k) {
    const ld = load<f64>(od + (<usize>at << 3));
    const li = load<i32>(oi + (<usize>at << 2));
    if (!(d < ld || (d == ld && idx < li))) return filled;
  }
  while (at > 0) {
    const pd = load<f64>(od + (<usize>(at - 1) << 3));
    const pi = load<i32>(oi + (<usize>(at - 1) << 2));
    if (pd < d || (pd == d && pi < idx)) break;
    store<f64>(od + (<usize>at << 3), pd);
    store<i32>(oi + (<usize>at << 2), pi);
    at--;
  }
  store<f64>(od + (<usize>at << 3), d);
  store<i32>(oi + (<usize>at << 2), idx);
  return filled < k ? filled + 1 : k;
}

/**
 * Turns the float32 candidate heap of one query into its exact k nearest rows
 * (float64 distances, ties by index), rescanning every row in float64 when the
 * error bound cannot prove the candidates complete. Returns 1 on a rescan.
 * metric: 2 = squared Euclidean, 1 = Manhattan. `gamma` bounds the relative
 * error of the float32 pass.
 */
function finishQuery(
  metric: i32, q: usize, T: usize, nt: i32, cols: i32, k: i32, kk: i32,
  hd: usize, hi: usize, od: usize, oi: usize, gamma: f64,
): i32 {
  const rowBytes = <usize>cols << 2;
  let filled = 0;
  for (let c = 0; c < kk; c++) {
    const idx = load<i32>(hi + (<usize>c << 2));
    if (idx < 0) continue;
    const t = T + <usize>idx * rowBytes;
    const d = metric == 2 ? sqeuclidean64(q, t, cols) : manhattan64(q, t, cols);
    filled = insertBest(od, oi, k, filled, d, idx);
  }
  let rescan = false;
  if (kk < nt) {
    // Every row outside the heap has a float32 distance >= the heap's root.
    const top = <f64>load<f32>(hd);
    const kth = load<f64>(od + (<usize>(k - 1) << 3));
    let bound: f64;
    if (metric == 2) {
      // |d32 - d| <= gamma (|q|^2 + |t|^2) and |t|^2 <= 2 d + 2 |q|^2 give this lower bound.
      bound = (top - 3 * gamma * rowSqNorm64(q, cols)) / (1 + 2 * gamma);
    } else {
      // Every term of the float32 sum is non-negative: the error is relative.
      bound = top / (1 + gamma);
    }
    rescan = !(bound > kth);
  }
  if (rescan) rescanAll(metric, q, T, nt, cols, k, od, oi);
  else padBest(k, filled, od, oi);
  return rescan ? 1 : 0;
}

/** Slots [filled, k) of a best list: Infinity and -1 (fewer rows than k). */
function padBest(k: i32, filled: i32, od: usize, oi: usize): void {
  for (let c = filled; c < k; c++) {
    store<f64>(od + (<usize>c << 3), Infinity);
    store<i32>(oi + (<usize>c << 2), -1);
  }
}

/** The exact k nearest of one query by a float64 scan of every training row (metric 2 squared Euclidean, 1 Manhattan). */
export function rescanAll(metric: i32, q: usize, T: usize, nt: i32, cols: i32, k: i32, od: usize, oi: usize): void {
  const rowBytes = <usize>cols << 2;
  let filled = 0;
  for (let j = 0; j < nt; j++) {
    const t = T + <usize>j * rowBytes;
    const d = metric == 2 ? sqeuclidean64(q, t, cols) : manhattan64(q, t, cols);
    filled = insertBest(od, oi, k, filled, d, j);
  }
  padBest(k, filled, od, oi);
}

/**
 * The float32 pass of squared Euclidean top-k: queries packed five at a time and
 * each training block packed in panels of eight (assembly/gemm.ts), so every dot
 * product comes from the shared 5 x 8 micro-kernel; distances of a 5 x 128 tile
 * then go to the five queries' heaps, or, when `out` is set, to out (nq x nt).
 */
export function sqPass(
  Q: usize, nq: i32, T: usize, nt: i32, cols: i32, qn: usize, tn: usize, kk: i32,
  heapDist: usize, heapIdx: usize, work: usize, out: usize,
): void {
  const panelBytes = <usize>cols * (<usize>NR << 2);
  const groupBytes = <usize>cols * (<usize>MR << 2);
  const tPack = work;
  const qPack = tPack + <usize>(TRAIN_BLOCK / NR) * panelBytes;
  const groups = (nq + MR - 1) / MR;
  const tile = qPack + <usize>groups * groupBytes;
  const tileRow = <usize>TRAIN_BLOCK << 2;
  for (let g = 0; g < groups; g++) packA(Q, cols, 1, g * MR, min(MR, nq - g * MR), cols, qPack + <usize>g * groupBytes);
  const heapBytes = <usize>kk << 2;
  const two = f32x4.splat(2);
  for (let t0 = 0; t0 < nt; t0 += TRAIN_BLOCK) {
    const tb = min(TRAIN_BLOCK, nt - t0);
    const panels = (tb + NR - 1) / NR;
    for (let jp = 0; jp < panels; jp++) {
      packB(T, 1, cols, t0 + jp * NR, min(NR, tb - jp * NR), cols, NR, tPack + <usize>jp * panelBytes);
    }
    const tb4 = tb & ~3;
    const tnb = tn + (<usize>t0 << 2);
    for (let g = 0; g < groups; g++) {
      const q0 = g * MR;
      const qb = min(MR, nq - q0);
      const ap = qPack + <usize>g * groupBytes;
      for (let jp = 0; jp < panels; jp++) {
        dotTile5x8(ap, tPack + <usize>jp * panelBytes, cols, tile + (<usize>(jp * NR) << 2), tileRow);
      }
      for (let r = 0; r < qb; r++) {
        // (|q|^2 + |t|^2) - 2 q.t in float32.
        const row = tile + <usize>r * tileRow;
        const qs = load<f32>(qn + (<usize>(q0 + r) << 2));
        const qv = f32x4.splat(qs);
        let j = 0;
        for (; j < tb4; j += 4) {
          const o = <usize>j << 2;
          v128.store(row + o, f32x4.sub(f32x4.add(qv, v128.load(tnb + o)), f32x4.mul(two, v128.load(row + o))));
        }
        for (; j < tb; j++) {
          const o = <usize>j << 2;
          store<f32>(row + o, (qs + load<f32>(tnb + o)) - 2 * load<f32>(row + o));
        }
        if (out) {
          memory.copy(out + ((<usize>(q0 + r) * <usize>nt + <usize>t0) << 2), row, <usize>tb << 2);
          continue;
        }
        const h = <usize>(q0 + r) * heapBytes;
        pushRow(row, tb, t0, heapDist + h, heapIdx + h, kk);
      }
    }
  }
}

function topk(
  metric: i32, Q: usize, nq: i32, T: usize, nt: i32, cols: i32, tn: usize, k: i32, kk: i32,
  heapDist: usize, heapIdx: usize, tile: usize, qn: usize, outDist: usize, outIdx: usize,
): i32 {
  if (nq <= 0 || k <= 0) return 0;
  if (kk < k) kk = k;
  const rowBytes = <usize>cols << 2;
  for (let i = 0; i < nq * kk; i++) {
    store<f32>(heapDist + (<usize>i << 2), Infinity);
    store<i32>(heapIdx + (<usize>i << 2), -1);
  }
  const heapBytes = <usize>kk << 2;
  let gamma: f64;
  if (metric == 2) {
    for (let i = 0; i < nq; i++) store<f32>(qn + (<usize>i << 2), <f32>rowSqNorm64(Q + <usize>i * rowBytes, cols));
    sqPass(Q, nq, T, nt, cols, qn, tn, kk, heapDist, heapIdx, tile, 0);
    // Rounding of the float32 pass: each dot product is one running sum of cols terms,
    // then the norm terms; doubled for margin.
    gamma = <f64>(cols + 16) * 2.0 * 5.960464477539063e-8;
  } else {
    for (let t0 = 0; t0 < nt; t0 += TRAIN_BLOCK) {
      const tb = min(TRAIN_BLOCK, nt - t0);
      for (let q0 = 0; q0 < nq; q0 += 4) {
        const qb = min(4, nq - q0);
        l1Tile(Q, q0, qb, T, t0, tb, cols, tile, TRAIN_BLOCK);
        for (let r = 0; r < qb; r++) {
          const h = <usize>(q0 + r) * heapBytes;
          pushRow(tile + (<usize>r * <usize>TRAIN_BLOCK << 2), tb, t0, heapDist + h, heapIdx + h, kk);
        }
      }
    }
    // Rounding of the float32 pass: per lane about cols/4 additions, then the lane sum;
    // doubled for margin.
    gamma = <f64>((cols + 3) / 4 + 16) * 2.0 * 5.960464477539063e-8;
  }
  let rescans = 0;
  for (let i = 0; i < nq; i++) {
    const h = <usize>i * heapBytes;
    rescans += finishQuery(
      metric, Q + <usize>i * rowBytes, T, nt, cols, k, kk, heapDist + h, heapIdx + h,
      outDist + (<usize>i * <usize>k << 3), outIdx + (<usize>i * <usize>k << 2), gamma,
    );
  }
  return rescans;
}

/**
 * The k nearest training rows of each query under squared Euclidean distance.
 * Q: nq x cols, T: nt x cols (float32, row-major); tn: float32 squared norms of T
 * (sqnorm_f32). kk >= k candidates are kept per query in the float32 pass.
 * Work buffers: heapDist/heapIdx nq * kk f32/i32, qn nq f32, tile (the packed
 * panels and the distance tile) 128 * cols + ceil(nq / 5) * 5 * cols + 5 * 128 f32.
 * Output: outDist (f64, squared distances) and outIdx (i32), nq x k, sorted by
 * (distance, index); slots beyond nt hold Infinity and -1.
 * Returns how many queries needed the float64 rescan.
 */
export function sqeuclidean_f32_topk(
  Q: usize, nq: i32, T: usize, nt: i32, cols: i32, tn: usize, k: i32, kk: i32,
  heapDist: usize, heapIdx: usize, tile: usize, qn: usize, outDist: usize, outIdx: usize,
): i32 {
  return topk(2, Q, nq, T, nt, cols, tn, k, kk, heapDist, heapIdx, tile, qn, outDist, outIdx);
}

/** As sqeuclidean_f32_topk, for Manhattan distance (no norms; outDist holds L1 distances). */
export function manhattan_f32_topk(
  Q: usize, nq: i32, T: usize, nt: i32, cols: i32, k: i32, kk: i32,
  heapDist: usize, heapIdx: usize, tile: usize, outDist: usize, outIdx: usize,
): i32 {
  return topk(1, Q, nq, T, nt, cols, 0, k, kk, heapDist, heapIdx, tile, 0, outDist, outIdx);
}
