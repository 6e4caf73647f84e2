// Exact squared-Euclidean k nearest neighbours, pruned by a low-dimensional projection.
//
// P (cols x m) has orthonormal columns spanning the training rows' leading principal
// directions (src/kernels/knn_projected.ts computes it), so ||P^T (q - t)|| <= ||q - t||
// (times sqrt(1 + eps) for P's rounding to float32) and, for images, the projected
// distance already carries most of the full one. Per query:
//   1. projected squared distances to every training row, in float32 (the 5 x 8 GEMM
//      micro-kernel through sqPass, m instead of cols multiply-adds per pair);
//   2. the kk rows nearest in projection get their exact distance (float64, the ranking
//      metric of assembly/distance.ts); the k-th of those, U, bounds the true k-th from above;
//   3. every row whose projected distance, less the rounding-error bound, does not exceed
//      U gets its exact distance; the k best, ordered by (distance, index), are the answer.
// A row skipped in step 3 has a true distance above U >= the true k-th: the result is
// exact, the same as the float32 pass gives, for any P with orthonormal columns.
//
// Error bound of step 3 for a row with float32 projected value p (sqPass's norm
// expansion with m terms, |p - ||q' - t'||^2| <= g_m (||q'||^2 + ||t'||^2)) and float32
// projections q' = fl(P^T q) (|q' - P^T q| <= rho ||q||, rho = sqrt(m (1 + eps)) g_cols):
//   ||q - t|| >= (sqrt(max(0, p - g_m (Nq + Nt))) - rho (||q|| + ||t||)) / sqrt(1 + eps).
// Taken with the largest ||t||, ||t'||^2 over the training rows, this gives one
// threshold per query on p.

import { insertBest, pushRow, sqeuclidean64, sqPass } from "./distance";

const U: f64 = 5.960464477539063e-8; // 2^-24, float32 unit roundoff

/** Whether idx is among the first n indices of a best list. */
function listed(oi: usize, n: i32, idx: i32): bool {
  for (let c = 0; c < n; c++) if (load<i32>(oi + (<usize>c << 2)) == idx) return true;
  return false;
}

/**
 * Squared Euclidean distance of two float32 rows in float32 (differences first), or a
 * partial sum above `bound` as soon as one is: the terms are non-negative, so a partial
 * sum above the bound proves the whole one is. Four four-lane accumulators, so the
 * additions of one step do not wait on the last step's; the bound is checked every 64 columns.
 */
function sqeuclidean32Within(a: usize, b: usize, cols: i32, bound: f32): f32 {
  let acc0 = f32x4.splat(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  let j = 0;
  for (; j + 16 <= cols; j += 16) {
    const o = <usize>j << 2;
    const d0 = f32x4.sub(v128.load(a + o), v128.load(b + o));
    const d1 = f32x4.sub(v128.load(a + o, 16), v128.load(b + o, 16));
    const d2 = f32x4.sub(v128.load(a + o, 32), v128.load(b + o, 32));
    const d3 = f32x4.sub(v128.load(a + o, 48), v128.load(b + o, 48));
    acc0 = f32x4.add(acc0, f32x4.mul(d0, d0));
    acc1 = f32x4.add(acc1, f32x4.mul(d1, d1));
    acc2 = f32x4.add(acc2, f32x4.mul(d2, d2));
    acc3 = f32x4.add(acc3, f32x4.mul(d3, d3));
    if ((j & 63) == 48) {
      const partial = sumLanes(f32x4.add(f32x4.add(acc0, acc1), f32x4.add(acc2, acc3)));
      if (partial > bound) return partial;
    }
  }
  for (; j + 4 <= cols; j += 4) {
    const d = f32x4.sub(v128.load(a + (<usize>j << 2)), v128.load(b + (<usize>j << 2)));
    acc0 = f32x4.add(acc0, f32x4.mul(d, d));
  }
  let s = sumLanes(f32x4.add(f32x4.add(acc0, acc1), f32x4.add(acc2, acc3)));
  for (; j < cols; j++) {
    const d = load<f32>(a + (<usize>j << 2)) - load<f32>(b + (<usize>j << 2));
    s += d * d;
  }
  return s;
}

/** A float32 at least x: a float32 sum above it is above x. */
// @ts-ignore: decorator
@inline function kth32(x: f64): f32 {
  const r = <f32>x;
  return <f64>r < x ? r * <f32>(1 + 1.2e-7) : r;
}

// @ts-ignore: decorator
@inline function sumLanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * Q: nq x cols and T: nt x cols (float32 rows); Qp: nq x m and Tp: nt x m their
 * projections, qpn/tpn the projections' float32 squared norms (sqnorm_f32); qNorm
 * (nq f64) the queries' norms ||q||; tpnMax, tNormMax the largest training ||t'||^2 and
 * ||t||; eps bounds ||P^T P - I||. Work: partial nq * nt f32, pass (sqPass's work for m
 * columns), heapDist/heapIdx kk f32/i32, candDist/candIdx k f64/i32. Output: outDist
 * (f64 squared distances), outIdx (i32), nq x k, sorted by (distance, index); slots
 * beyond nt hold Infinity and -1. Returns the number of exact distances computed in step 3.
 */
export function sqeuclidean_projected_topk(
  Q: usize, nq: i32, T: usize, nt: i32, cols: i32,
  Qp: usize, Tp: usize, m: i32, qpn: usize, tpn: usize, qNorm: usize, tpnMax: f64, tNormMax: f64, eps: f64,
  k: i32, kk: i32, partial: usize, pass: usize, heapDist: usize, heapIdx: usize, candDist: usize, candIdx: usize,
  outDist: usize, outIdx: usize,
): i32 {
  if (nq <= 0 || k <= 0) return 0;
  if (kk < k) kk = k;
  if (kk > nt) kk = nt;
  sqPass(Qp, nq, Tp, nt, m, qpn, tpn, 0, 0, 0, pass, partial);
  const rowBytes = <usize>cols << 2;
  const gm = <f64>(m + 16) * 2.0 * U;
  const rho = Math.sqrt(<f64>m * (1 + eps)) * <f64>(cols + 16) * 2.0 * U;
  const stretch = Math.sqrt(1 + eps) * (1 + 1e-9);
  // Relative error of sqeuclidean32 (non-negative terms: at most cols / 4 additions in a
  // lane, the accumulator and lane sums, each difference and square), doubled for margin.
  const slack = 1 + 2 * (<f64>((cols + 3) / 4 + 16) * 2.0 * U);
  let exact = 0;
  for (let i = 0; i < nq; i++) {
    const q = Q + <usize>i * rowBytes;
    const row = partial + (<usize>i * <usize>nt << 2);
    // Step 2: an upper bound on the k-th distance from the kk nearest in projection.
    for (let c = 0; c < kk; c++) {
      store<f32>(heapDist + (<usize>c << 2), Infinity);
      store<i32>(heapIdx + (<usize>c << 2), -1);
    }
    pushRow(row, nt, 0, heapDist, heapIdx, kk);
    let filled = 0;
    for (let c = 0; c < kk; c++) {
      const idx = load<i32>(heapIdx + (<usize>c << 2));
      if (idx >= 0) filled = insertBest(candDist, candIdx, k, filled, sqeuclidean64(q, T + <usize>idx * rowBytes, cols), idx);
    }
    let limit: f32 = Infinity;
    if (filled == k) {
      const upper = Math.sqrt(load<f64>(candDist + (<usize>(k - 1) << 3)));
      const reach = stretch * upper + rho * (load<f64>(qNorm + (<usize>i << 3)) + tNormMax);
      const threshold = reach * reach + gm * (<f64>load<f32>(qpn + (<usize>i << 2)) + tpnMax);
      // Rounded up to float32, so p <= limit holds for every p that passes the float64 test.
      limit = <f32>(threshold * (1 + 1e-6));
    }
    // Step 3: exact distances of every row that the bound cannot rule out. The list
    // starts from step 2's best k; a float32 distance first rules out rows that cannot
    // beat its k-th (most of them), the float64 one decides the rest.
    const od = outDist + (<usize>i * <usize>k << 3);
    const oi = outIdx + (<usize>i * <usize>k << 2);
    for (let c = 0; c < filled; c++) {
      store<f64>(od + (<usize>c << 3), load<f64>(candDist + (<usize>c << 3)));
      store<i32>(oi + (<usize>c << 2), load<i32>(candIdx + (<usize>c << 2)));
    }
    const lim = f32x4.splat(limit);
    for (let j = 0; j < nt; j += 4) {
      if (j + 4 <= nt && !v128.any_true(f32x4.le(v128.load(row + (<usize>j << 2)), lim))) continue;
      const end = min(j + 4, nt);
      for (let r = j; r < end; r++) {
        if (!(load<f32>(row + (<usize>r << 2)) <= limit)) continue;
        exact++;
        const t = T + <usize>r * rowBytes;
        if (filled == k) {
          // d32 >= d (1 - g32) (for partial sums too): rows with d32 above kth (1 + 2 g32) cannot enter.
          const bound = kth32(load<f64>(od + (<usize>(k - 1) << 3)) * slack);
          if (sqeuclidean32Within(q, t, cols, bound) > bound) continue;
        }
        if (listed(oi, filled, r)) continue;
        filled = insertBest(od, oi, k, filled, sqeuclidean64(q, t, cols), r);
      }
    }
    for (let c = filled; c < k; c++) {
      store<f64>(od + (<usize>c << 3), Infinity);
      store<i32>(oi + (<usize>c << 2), -1);
    }
  }
  return exact;
}
