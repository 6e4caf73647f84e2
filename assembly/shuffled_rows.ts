// Streaming over rows in a shuffled order, shared by the SGD and dual coordinate
// descent epochs (sgd.ts, dcd_svm.ts): a dot product that reads the next row into
// cache, and a weight update that takes the next row's dot product in the same pass.

/** How many samples ahead an epoch touches a row (see dotF32F64Prefetch). */
export const PREFETCH_AHEAD = 1;
/**
 * How many samples ahead it reads the first and last word of a row: rows lie at random
 * in a large memory that the OS maps with small pages, so most rows also miss the TLB;
 * the early read starts their page-table walks (about 10% per step on full data).
 */
export const TLB_AHEAD = 8;

/** The address of the row at position k of a visiting order. */
@inline
export function rowAt(X: usize, order: usize, k: i32, rowBytes: usize): usize {
  return X + <usize>load<i32>(order + (<usize>k << 2)) * rowBytes;
}

/**
 * dotF32F64 over a row that also reads one word of every 64-byte line of `next`
 * (the row visited after this one), so that row is in cache by its turn: SGD visits
 * rows in shuffled order, which the hardware prefetcher cannot follow, and the dot
 * product would otherwise wait on memory at every row. The words read are xor-ed into
 * sink[0] (the caller stores it), so the loads cannot be dropped as dead.
 */
@inline
export function dotF32F64Prefetch(x: usize, w: usize, n: i32, next: usize, sink: usize): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let touched: i32 = 0;
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    touched ^= load<i32>(next + (<usize>j << 2));
    const px = x + (<usize>j << 2);
    const pw = w + (<usize>j << 3);
    const x0 = v128.load(px);
    const x1 = v128.load(px, 16);
    const x2 = v128.load(px, 32);
    const x3 = v128.load(px, 48);
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(x0), v128.load(pw)));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(x0, x0, 2, 3, 0, 1)), v128.load(pw, 16)));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(x1), v128.load(pw, 32)));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(x1, x1, 2, 3, 0, 1)), v128.load(pw, 48)));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(x2), v128.load(pw, 64)));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(x2, x2, 2, 3, 0, 1)), v128.load(pw, 80)));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(x3), v128.load(pw, 96)));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(x3, x3, 2, 3, 0, 1)), v128.load(pw, 112)));
  }
  for (; j + 4 <= n; j += 4) {
    const xv = v128.load(x + (<usize>j << 2));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(xv), v128.load(w + (<usize>j << 3))));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1)), v128.load(w + (<usize>j << 3), 16)));
  }
  const acc = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; j < n; j++) s += <f64>load<f32>(x + (<usize>j << 2)) * load<f64>(w + (<usize>j << 3));
  store<i32>(sink, load<i32>(sink) ^ touched);
  return s;
}

/**
 * The dot product of the next row with the weights as a step leaves them, taken in the
 * same pass as the step's weight update (one load of w per sample instead of two).
 * Lanes are summed in dotF32F64Prefetch's order (pairs j..j+1 of every four into acc0,
 * j+2..j+3 into acc1, the tail in sequence), so the value is bit-for-bit the one a
 * separate dotF32F64Prefetch after the update would return. `after` is the row visited
 * after `xn`: one word of each of its 64-byte lines is read (into sink) so it is cached.
 *
 * mode: 0 = w += a x; 1 = w += a x, then the L1 step; 2 = the L1 step alone. The L1 step
 * is the cumulative truncated gradient (Tsuruoka et al. 2009): each weight is clipped
 * towards zero by what the penalty has accrued (u) minus what it already took (q[j]),
 * never crossing zero (l1Lanes). Callers pass mode and unitScale as literals, so each call
 * site compiles to its own loop. unitScale says wscale == 1 (pure L1: no L2 shrinkage
 * ever rescales), where the L1 step's multiplications by 1 and 1/1 are left out, with the
 * same values.
 */
@inline
export function updateThenDotNext(
  mode: i32, unitScale: bool, a: f64, x: usize, w: usize, q: usize, cols: i32, wscale: f64, u: f64,
  xn: usize, after: usize, sink: usize,
): f64 {
  const inv = 1.0 / wscale;
  const ws = f64x2.splat(wscale);
  const iv = f64x2.splat(inv);
  const uv = f64x2.splat(u);
  const av = f64x2.splat(a);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let touched: i32 = 0;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    if ((j & 15) == 0) touched ^= load<i32>(after + (<usize>j << 2));
    const pw = w + (<usize>j << 3);
    let n0 = v128.load(pw);
    let n1 = v128.load(pw, 16);
    if (mode != 2) {
      const xv = v128.load(x + (<usize>j << 2));
      n0 = f64x2.add(n0, f64x2.mul(av, f64x2.promote_low_f32x4(xv)));
      n1 = f64x2.add(n1, f64x2.mul(av, f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1))));
    }
    if (mode == 0) {
      v128.store(pw, n0);
      v128.store(pw, n1, 16);
    } else {
      const pq = q + (<usize>j << 3);
      n0 = l1Lanes(pw, pq, n0, uv, iv, ws, unitScale);
      n1 = l1Lanes(pw + 16, pq + 16, n1, uv, iv, ws, unitScale);
    }
    const xnv = v128.load(xn + (<usize>j << 2));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(xnv), n0));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(xnv, xnv, 2, 3, 0, 1)), n1));
  }
  const tail = j;
  for (; j < cols; j++) {
    const pw = w + (<usize>j << 3);
    const z = mode != 2 ? load<f64>(pw) + a * <f64>load<f32>(x + (<usize>j << 2)) : load<f64>(pw);
    if (mode == 0) store<f64>(pw, z);
    else l1Scalar(pw, q + (<usize>j << 3), z, wscale, inv, u);
  }
  const acc = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (j = tail; j < cols; j++) s += <f64>load<f32>(xn + (<usize>j << 2)) * load<f64>(w + (<usize>j << 3));
  store<i32>(sink, load<i32>(sink) ^ touched);
  return s;
}

/**
 * The L1 step of two weights whose current values are z (stored at pw; q at pq).
 * Written on |z|: for z < 0, z + (u - q)/s = -(|z| - (u + sign(z) q)/s) exactly, and
 * min(0, y) = -max(0, -y), so one pseudo-max (a single instruction, unlike f64x2.max
 * with its NaN rules) serves both signs with the values of the two-branch rule; zero
 * weights stay zero.
 */
@inline
function l1Lanes(pw: usize, pq: usize, z: v128, uv: v128, iv: v128, ws: v128, unitScale: bool): v128 {
  const signBit = i64x2.splat(0x8000000000000000);
  const zero = f64x2.splat(0);
  const qv = v128.load(pq);
  const sign = v128.and(z, signBit);
  // with wscale == 1, (u + q) * 1 and 1 * (nw - z) are u + q and nw - z exactly
  const accrued = f64x2.add(uv, v128.xor(qv, sign));
  const shrink = unitScale ? accrued : f64x2.mul(accrued, iv);
  const magnitude = f64x2.pmax(zero, f64x2.sub(v128.andnot(z, signBit), shrink));
  const nw = v128.and(v128.or(magnitude, sign), f64x2.ne(z, zero));
  const taken = f64x2.sub(nw, z);
  v128.store(pw, nw);
  v128.store(pq, f64x2.add(qv, unitScale ? taken : f64x2.mul(ws, taken)));
  return nw;
}

@inline
function l1Scalar(pw: usize, pq: usize, z: f64, wscale: f64, inv: f64, u: f64): void {
  let nw = z;
  if (z > 0.0) nw = max(0.0, z - (u + load<f64>(pq)) * inv);
  else if (z < 0.0) nw = min(0.0, z + (u - load<f64>(pq)) * inv);
  store<f64>(pw, nw);
  store<f64>(pq, load<f64>(pq) + wscale * (nw - z));
}
