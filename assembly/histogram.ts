// Split finding for decision trees over 8-bit binned features (binning.ts makes the
// codes, random.ts draws, transpose.ts changes layouts).
//
// The binned matrix is column-major (feature f occupies bins + f * nTotal .. + nTotal):
// one node's histogram of one feature then touches a single 256-entry table that stays
// in L1, while the column itself (nTotal bytes) stays in L2. Per feature, a node costs
// O(samples in node + occupied bins * classes): the occupied bins are tracked in a
// 256-bit bitmap, so small nodes deep in a tree never scan or clear all 256 bins.
//
// One call finds the best split of one node, drawing candidate features as
// scikit-learn's splitters do (Fisher-Yates draws that skip known constant features,
// keep drawing while every visited feature was constant). The PRNG is our own
// xorshift64*, so the drawn features differ from scikit-learn's, as its own do
// between seeds.
//
// Parameters arrive in a context block of i32 slots (see CTX_* below) so that the
// per-node call takes only the node's range.

import { randDouble, randInt } from "./random";

// Context block slots (i32 each).
const CTX_BINS = 0; //        u8 binned matrix: feature f of sample s at f * CTX_NTOTAL + s * CTX_SSTRIDE
const CTX_NTOTAL = 1; //      byte stride between features: rows (column-major) or 1 (row-major)
const CTX_Y = 2; //           i32 class code per sample (classification)
const CTX_W = 3; //           i32 weight per sample, or 0 for unit weights (classification)
const CTX_K = 4; //           number of classes
const CTX_SAMPLES = 5; //     i32 sample ids, the node is samples[start, end)
const CTX_FEATURES = 6; //    i32 feature ids, permuted in place across nodes (scikit-learn's `features`)
const CTX_CONST = 7; //       i32 scratch of F entries (scikit-learn's `constant_features`)
const CTX_F = 8; //           number of features
const CTX_MAXF = 9; //        max_features, resolved to a count
const CTX_MINLEAF = 10; //    min_samples_leaf
const CTX_CRITERION = 11; //  0 gini, 1 entropy, 2 friedman_mse
const CTX_SPLITTER = 12; //   0 best, 1 random
const CTX_LO = 13; //         f32 smallest training value per (feature, bin), stride 256
const CTX_HI = 14; //         f32 largest training value per (feature, bin), stride 256
const CTX_XLOGX = 15; //      f64 table of c * ln(c) for integer c (entropy)
const CTX_RNG = 16; //        u64 xorshift64* state
const CTX_HIST = 17; //       scratch: two copies of i32 256 x rowStride(K) (class weights, then the bin's count) or four of f64 (sum, count) 256 (regression); kept zeroed
const CTX_NODE_BINS = 18; //  scratch: one byte per node sample, the drawn feature's bins in sample order (random splits)
const CTX_BITMAP = 19; //     scratch: 32 bytes of occupied-bin bits; kept zeroed
const CTX_LEFT = 20; //       scratch: i32 K left counts
const CTX_TOTAL = 21; //      i32 K node class totals (classification) / f64 [sum] (regression)
const CTX_RES = 22; //        f64 target per sample (regression)
const CTX_OUT = 23; //        f64 results: feature, bin, threshold, proxy, n_total_constants
const CTX_STORE = 25; //      regression: where this node keeps its per-feature histograms (4 KiB each), or 0
const CTX_PARENT = 26; //     regression: the parent's kept histograms, or 0 (then CTX_SIBLING holds the sibling's)
const CTX_SIBLING = 27; //    regression: the sibling's kept histograms (this node's = parent - sibling)
const CTX_SSTRIDE = 28; //    byte stride between samples in the binned matrix: 1 column-major, F row-major
const CTX_NODE_Y = 24; //     scratch: 8 bytes per node sample, in sample order: the node's labels (i32), (label, weight) i32 pairs, or targets (f64)
const CTX_ROW_BINS = 29; //   the u8 bins row-major (sample s at s * CTX_F), or 0: lets random splits over most features run planned (see planRandom)
const CTX_PLAN = 30; //       scratch for planned random splits, (3 + 5 K) x planStride(F) + 16 F bytes, or 0

// Result slots (f64 each).
const OUT_FEATURE = 0;
const OUT_BIN = 1;
const OUT_THRESHOLD = 2;
const OUT_PROXY = 3;
const OUT_NCONST = 4;
// Per-feature scratch results.
const OUT_F_PROXY = 5;
const OUT_F_BIN = 6;
const OUT_F_THRESHOLD = 7;
// Node-level sums, set once per node (classification): sum over classes of x ln x (entropy) or x^2 (gini), and the total weight.
const OUT_NODE_S = 8;
const OUT_NODE_W = 9;

/** Nodes at least this large build two interleaved histogram copies (see classHistogram). */
const SPLIT_HIST_MIN = 1024;
/**
 * Regression nodes at least this large skip the per-sample bitmap updates and find their
 * occupied bins from the counts after the fold over all 256 bins (see regHistogram).
 */
const DENSE_HIST_MIN = 256;
const MAX_BINS: usize = 256;

const CONSTANT: i32 = 0;
const EVALUATED: i32 = 1;

/** Histogram row stride: classes plus a count column, padded to a multiple of 4 lanes (SIMD folds). */
@inline function rowStride(K: i32): i32 {
  return (K + 4) & ~3;
}

@inline function ctx(c: usize, slot: i32): i32 {
  return load<i32>(c + (<usize>slot << 2));
}
@inline function ctxp(c: usize, slot: i32): usize {
  return <usize>load<u32>(c + (<usize>slot << 2));
}
@inline function outSet(c: usize, slot: i32, v: f64): void {
  store<f64>(ctxp(c, CTX_OUT) + (<usize>slot << 3), v);
}
@inline function outGet(c: usize, slot: i32): f64 {
  return load<f64>(ctxp(c, CTX_OUT) + (<usize>slot << 3));
}

// ---- bitmap of occupied bins ------------------------------------------------------

function firstBin(bm: usize): i32 {
  for (let w = 0; w < 4; w++) {
    const x = load<u64>(bm + (<usize>w << 3));
    if (x != 0) return (w << 6) + <i32>ctz(x);
  }
  return -1;
}

function lastBin(bm: usize): i32 {
  for (let w = 3; w >= 0; w--) {
    const x = load<u64>(bm + (<usize>w << 3));
    if (x != 0) return (w << 6) + 63 - <i32>clz(x);
  }
  return -1;
}

@inline function clearBitmap(bm: usize): void {
  store<u64>(bm, 0);
  store<u64>(bm + 8, 0);
  store<u64>(bm + 16, 0);
  store<u64>(bm + 24, 0);
}

// ---- classification ---------------------------------------------------------------

/** out[k] = total weight of class k among samples[start, end); w = 0 means unit weights. */
export function tree_class_counts_i32(y: usize, w: usize, samples: usize, start: i32, end: i32, K: i32, out: usize): void {
  memory.fill(out, 0, <usize>K << 2);
  for (let i = start; i < end; i++) {
    const s = <usize>load<i32>(samples + (<usize>i << 2));
    const p = out + (<usize>load<i32>(y + (s << 2)) << 2);
    store<i32>(p, load<i32>(p) + (w == 0 ? 1 : load<i32>(w + (s << 2))));
  }
}

/**
 * Fills hist (bin x class weights) and the occupied-bin bitmap for one feature; with
 * sample weights the row's column K (padding) counts the bin's samples (with unit
 * weights a bin's count is its row's sum). Labels (and weights) come from the node's
 * contiguous copy (CTX_NODE_Y), and the bitmap is kept in registers: both avoid a
 * memory round trip per sample.
 */
function classHistogram(c: usize, f: i32, start: i32, end: i32): void {
  const col = ctxp(c, CTX_BINS) + <usize>f * <usize>ctx(c, CTX_NTOTAL);
  const samples = ctxp(c, CTX_SAMPLES);
  const sst = ctxp(c, CTX_SSTRIDE);
  const weighted = ctxp(c, CTX_W) != 0;
  const K = ctx(c, CTX_K);
  const R = rowStride(K);
  const hist = ctxp(c, CTX_HIST);
  let m0: u64 = 0, m1: u64 = 0, m2: u64 = 0, m3: u64 = 0;
  if (end - start >= SPLIT_HIST_MIN) {
    // Two interleaved copies: consecutive samples often hit the same (bin, class)
    // entry (background pixels), and one copy would serialize on store-to-load
    // forwarding. No bitmap in this loop: folding the copies over all 256 bins
    // afterwards (SIMD) finds the occupied bins for less than per-sample bit sets.
    const hist2 = hist + (<usize>(R << 8) << 2);
    let i = start;
    if (weighted) {
      const nyw = ctxp(c, CTX_NODE_Y) - (<usize>start << 3);
      for (; i + 1 < end; i += 2) {
        const b0 = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>i << 2)) * sst);
        const b1 = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>(i + 1) << 2)) * sst);
        const p0 = nyw + (<usize>i << 3);
        const p1 = p0 + 8;
        const r0 = hist + (<usize>(b0 * R) << 2);
        const r1 = hist2 + (<usize>(b1 * R) << 2);
        const h0 = r0 + (<usize>load<i32>(p0) << 2);
        const h1 = r1 + (<usize>load<i32>(p1) << 2);
        store<i32>(h0, load<i32>(h0) + load<i32>(p0, 4));
        store<i32>(h1, load<i32>(h1) + load<i32>(p1, 4));
        const n0 = r0 + (<usize>K << 2);
        const n1 = r1 + (<usize>K << 2);
        store<i32>(n0, load<i32>(n0) + 1);
        store<i32>(n1, load<i32>(n1) + 1);
      }
      if (i < end) {
        const b = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>i << 2)) * sst);
        const p = nyw + (<usize>i << 3);
        const r = hist + (<usize>(b * R) << 2);
        const h = r + (<usize>load<i32>(p) << 2);
        store<i32>(h, load<i32>(h) + load<i32>(p, 4));
        const n = r + (<usize>K << 2);
        store<i32>(n, load<i32>(n) + 1);
      }
    } else {
      const ny = ctxp(c, CTX_NODE_Y) - (<usize>start << 2);
      for (; i + 1 < end; i += 2) {
        const b0 = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>i << 2)) * sst);
        const b1 = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>(i + 1) << 2)) * sst);
        const h0 = hist + (<usize>(b0 * R + load<i32>(ny + (<usize>i << 2))) << 2);
        const h1 = hist2 + (<usize>(b1 * R + load<i32>(ny + (<usize>(i + 1) << 2))) << 2);
        store<i32>(h0, load<i32>(h0) + 1);
        store<i32>(h1, load<i32>(h1) + 1);
      }
      if (i < end) {
        const b = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>i << 2)) * sst);
        const h = hist + (<usize>(b * R + load<i32>(ny + (<usize>i << 2))) << 2);
        store<i32>(h, load<i32>(h) + 1);
      }
    }
    const zero = i32x4.splat(0);
    for (let b = 0; b < 256; b++) {
      const o = <usize>(b * R) << 2;
      let any = zero;
      for (let k = 0; k < R; k += 4) {
        const p = hist + o + (<usize>k << 2);
        const q = hist2 + o + (<usize>k << 2);
        const sum = i32x4.add(v128.load(p), v128.load(q));
        v128.store(p, sum);
        v128.store(q, zero);
        any = v128.or(any, sum);
      }
      if (v128.any_true(any)) {
        const bit: u64 = <u64>1 << <u64>(b & 63);
        const word = b >> 6;
        if (word == 0) m0 |= bit;
        else if (word == 1) m1 |= bit;
        else if (word == 2) m2 |= bit;
        else m3 |= bit;
      }
    }
  } else if (!weighted) {
    const ny = ctxp(c, CTX_NODE_Y) - (<usize>start << 2);
    for (let i = start; i < end; i++) {
      const b = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>i << 2)) * sst);
      const h = hist + (<usize>(b * R + load<i32>(ny + (<usize>i << 2))) << 2);
      store<i32>(h, load<i32>(h) + 1);
      m0 |= binBit(b, 0);
      m1 |= binBit(b, 1);
      m2 |= binBit(b, 2);
      m3 |= binBit(b, 3);
    }
  } else {
    const nyw = ctxp(c, CTX_NODE_Y) - (<usize>start << 3);
    for (let i = start; i < end; i++) {
      const b = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>i << 2)) * sst);
      const p = nyw + (<usize>i << 3);
      const r = hist + (<usize>(b * R) << 2);
      const h = r + (<usize>load<i32>(p) << 2);
      store<i32>(h, load<i32>(h) + load<i32>(p, 4));
      const n = r + (<usize>K << 2);
      store<i32>(n, load<i32>(n) + 1);
      m0 |= binBit(b, 0);
      m1 |= binBit(b, 1);
      m2 |= binBit(b, 2);
      m3 |= binBit(b, 3);
    }
  }
  const bm = ctxp(c, CTX_BITMAP);
  store<u64>(bm, m0);
  store<u64>(bm + 8, m1);
  store<u64>(bm + 16, m2);
  store<u64>(bm + 24, m3);
}

/** Samples in bin b (row at h): its column K with weights (zeroed here), else the row's sum. */
@inline function binCount(c: usize, h: usize, rowSum: i32): i32 {
  if (ctx(c, CTX_W) == 0) return rowSum;
  const q = h + (<usize>ctx(c, CTX_K) << 2);
  const n = load<i32>(q);
  store<i32>(q, 0);
  return n;
}

@inline function xlogx(table: usize, v: i32): f64 {
  return load<f64>(table + (<usize>v << 3));
}

/**
 * Weighted impurity proxy of a split with left counts L and right counts T - L
 * (larger is better): gini sum(L^2)/wL + sum(R^2)/wR, entropy
 * sum(L ln L) - wL ln wL + sum(R ln R) - wR ln wR. Both order splits as scikit-learn's
 * proxy_impurity_improvement does.
 */
function classProxy(c: usize, K: i32): f64 {
  const left = ctxp(c, CTX_LEFT);
  const total = ctxp(c, CTX_TOTAL);
  const entropy = ctx(c, CTX_CRITERION) == 1;
  const table = ctxp(c, CTX_XLOGX);
  let wl: i32 = 0, wr: i32 = 0;
  let a: f64 = 0, b: f64 = 0;
  for (let k = 0; k < K; k++) {
    const l = load<i32>(left + (<usize>k << 2));
    const r = load<i32>(total + (<usize>k << 2)) - l;
    wl += l;
    wr += r;
    if (entropy) {
      a += xlogx(table, l);
      b += xlogx(table, r);
    } else {
      a += <f64>l * <f64>l;
      b += <f64>r * <f64>r;
    }
  }
  if (entropy) return a - xlogx(table, wl) + b - xlogx(table, wr);
  return a / <f64>wl + b / <f64>wr;
}

/** Best threshold of feature f by an incremental scan over its occupied bins. */
function classBest(c: usize, f: i32, start: i32, end: i32): i32 {
  classHistogram(c, f, start, end);
  const K = ctx(c, CTX_K);
  const R = rowStride(K);
  const hist = ctxp(c, CTX_HIST);
    const bm = ctxp(c, CTX_BITMAP);
  const left = ctxp(c, CTX_LEFT);
  const total = ctxp(c, CTX_TOTAL);
  const table = ctxp(c, CTX_XLOGX);
  const entropy = ctx(c, CTX_CRITERION) == 1;
  const minLeaf = ctx(c, CTX_MINLEAF);
  const m = end - start;
  if (firstBin(bm) == lastBin(bm)) {
    const b = firstBin(bm);
    memory.fill(hist + (<usize>(b * R) << 2), 0, <usize>R << 2);
    clearBitmap(bm);
    return CONSTANT;
  }
  memory.fill(left, 0, <usize>K << 2);
  const weighted = ctxp(c, CTX_W) != 0;
  const zero = i32x4.splat(0);
  // Running sums for both criteria (gini uses squares, entropy x ln x), from the node's.
  let sl: f64 = 0, sr: f64 = outGet(c, OUT_NODE_S), wl: i32 = 0, wr: i32 = <i32>outGet(c, OUT_NODE_W);
  let nl = 0;
  let prev = -1;
  let best = -Infinity;
  let bestBin = -1, bestNext = -1;
  for (let word = 0; word < 4; word++) {
    const wp = bm + (<usize>word << 3);
    let bits = load<u64>(wp);
    store<u64>(wp, 0);
    while (bits != 0) {
      const b = (word << 6) + <i32>ctz(bits);
      bits &= bits - 1;
      if (prev >= 0 && nl >= minLeaf && m - nl >= minLeaf) {
        const proxy = entropy
          ? sl - xlogx(table, wl) + sr - xlogx(table, wr)
          : sl / <f64>wl + sr / <f64>wr;
        if (proxy > best) {
          best = proxy;
          bestBin = prev;
          bestNext = b;
        }
      }
      const h = hist + (<usize>(b * R) << 2);
      let rowSum = 0;
      // Only the row's nonzero classes, found 4 lanes at a time (small nodes' rows are sparse).
      for (let j = 0; j < K; j += 4) {
        const v = v128.load(h + (<usize>j << 2));
        let lanes = i32x4.bitmask(i32x4.ne(v, zero));
        if (j + 4 > K) lanes &= (1 << (K - j)) - 1; // not the count column or padding
        while (lanes != 0) {
          const k = j + <i32>ctz(lanes);
          lanes &= lanes - 1;
          const x = load<i32>(h + (<usize>k << 2));
          rowSum += x;
          const lp = left + (<usize>k << 2);
          const l = load<i32>(lp);
          const r = load<i32>(total + (<usize>k << 2)) - l;
          if (entropy) {
            sl += xlogx(table, l + x) - xlogx(table, l);
            sr += xlogx(table, r - x) - xlogx(table, r);
          } else {
            sl += <f64>x * <f64>(2 * l + x);
            sr += <f64>x * <f64>(x - 2 * r);
          }
          store<i32>(lp, l + x);
          wl += x;
          wr -= x;
        }
      }
      nl += weighted ? load<i32>(h + (<usize>K << 2)) : rowSum;
      for (let j = 0; j < R; j += 4) v128.store(h + (<usize>j << 2), zero);
      prev = b;
    }
  }
  outSet(c, OUT_F_PROXY, best);
  outSet(c, OUT_F_BIN, <f64>bestBin);
  if (bestBin >= 0) outSet(c, OUT_F_THRESHOLD, midpoint(c, f, bestBin, bestNext));
  return EVALUATED;
}

/**
 * scikit-learn's threshold between the largest value on the left and the smallest on
 * the right, computed in float64 as a/2 + b/2 and pulled back to a when it rounds to b.
 */
function midpoint(c: usize, f: i32, b: i32, next: i32): f64 {
  const a = <f64>load<f32>(ctxp(c, CTX_HI) + (<usize>((f << 8) + b) << 2));
  const z = <f64>load<f32>(ctxp(c, CTX_LO) + (<usize>((f << 8) + next) << 2));
  const t = a / 2.0 + z / 2.0;
  if (t == z || t == Infinity || t == -Infinity) return a;
  return t;
}

/**
 * One threshold drawn uniformly between the feature's smallest and largest value in
 * the node (scikit-learn's RandomSplitter); the split sends every bin whose values are
 * all <= threshold to the left.
 */
function drawThreshold(c: usize, f: i32, lo: i32, hi: i32): f64 {
  const vmin = <f64>load<f32>(ctxp(c, CTX_LO) + (<usize>((f << 8) + lo) << 2));
  const vmax = <f64>load<f32>(ctxp(c, CTX_HI) + (<usize>((f << 8) + hi) << 2));
  let t = (vmax - vmin) * randDouble(ctxp(c, CTX_RNG)) + vmin;
  if (t == vmax) t = vmin;
  return t;
}

@inline function binHi(c: usize, f: i32, b: i32): f64 {
  return <f64>load<f32>(ctxp(c, CTX_HI) + (<usize>((f << 8) + b) << 2));
}

/** Classes up to which countLeftBytes can read the node's labels as bytes (nodeLabelBytes). */
const MAX_BYTE_LABELS: i32 = 255;
/** Node samples from which classRandom counts the left side with countLeftBytes. */
const BYTE_COUNT_MIN: i32 = 64;

/**
 * Where tree_split_u8 puts an unweighted node's labels as bytes (exact when there are at
 * most MAX_BYTE_LABELS classes): right after their i32 copy in CTX_NODE_Y, whose 8 bytes
 * per sample leave room for both.
 */
@inline function nodeLabelBytes(c: usize, m: i32): usize {
  return ctxp(c, CTX_NODE_Y) + (<usize>m << 2);
}

/**
 * The left side's class counts of a random split, sixteen samples per SIMD step: one pass
 * turns the node's bins (nb, m bytes, overwritten) into the label of each sample that goes
 * left (bin <= split) or 255 for those that go right; then one pass per class counts that
 * class's bytes in byte-wide lanes, which are widened before they can overflow. Same
 * counts as adding one per sample, without the chain of dependent increments of one
 * counter that runs of equal labels make. `left` (K counts) must be zero on entry; returns
 * the samples that go left.
 */
function countLeftBytes(nb: usize, y8: usize, m: i32, split: i32, K: i32, left: usize): i32 {
  if (split < 0) return 0; // nothing goes left (the counts are zero already)
  const full = <usize>(m & ~15);
  const splitV = i8x16.splat(<i8>split);
  for (let i: usize = 0; i < full; i += 16) {
    const goes = i8x16.le_u(v128.load(nb + i), splitV);
    v128.store(nb + i, v128.or(v128.load(y8 + i), v128.not(goes)));
  }
  let nl = 0;
  for (let k = 0; k < K; k++) {
    const kv = i8x16.splat(<i8>k);
    let total = i32x4.splat(0);
    let i: usize = 0;
    while (i < full) {
      // At most 255 steps per byte-wide sum.
      const stop = min(full, i + 255 * 16);
      let acc = i8x16.splat(0);
      for (; i < stop; i += 16) acc = i8x16.sub(acc, i8x16.eq(v128.load(nb + i), kv));
      total = i32x4.add(total, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(acc)));
    }
    const n = i32x4.extract_lane(total, 0) + i32x4.extract_lane(total, 1) + i32x4.extract_lane(total, 2) + i32x4.extract_lane(total, 3);
    store<i32>(left + (<usize>k << 2), n);
    nl += n;
  }
  for (let i = <i32>full; i < m; i++) {
    const goes = <i32>(<i32>load<u8>(nb + <usize>i) <= split);
    const lp = left + (<usize>load<u8>(y8 + <usize>i) << 2);
    store<i32>(lp, load<i32>(lp) + goes);
    nl += goes;
  }
  return nl;
}

/** The smallest (low byte) and largest (next byte) of the m bytes from p on, m >= 1. */
function byteRange(p: usize, m: i32): i32 {
  const full = <usize>(m & ~15);
  let lo: i32 = 255, hi: i32 = 0;
  if (full > 0) {
    let vlo = v128.load(p), vhi = vlo;
    for (let i: usize = 16; i < full; i += 16) {
      const v = v128.load(p + i);
      vlo = i8x16.min_u(vlo, v);
      vhi = i8x16.max_u(vhi, v);
    }
    // Fold the lanes: the upper half onto the lower, four times.
    vlo = i8x16.min_u(vlo, i8x16.shuffle(vlo, vlo, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
    vhi = i8x16.max_u(vhi, i8x16.shuffle(vhi, vhi, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
    vlo = i8x16.min_u(vlo, i8x16.shuffle(vlo, vlo, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
    vhi = i8x16.max_u(vhi, i8x16.shuffle(vhi, vhi, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
    vlo = i8x16.min_u(vlo, i8x16.shuffle(vlo, vlo, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
    vhi = i8x16.max_u(vhi, i8x16.shuffle(vhi, vhi, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
    vlo = i8x16.min_u(vlo, i8x16.shuffle(vlo, vlo, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
    vhi = i8x16.max_u(vhi, i8x16.shuffle(vhi, vhi, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
    lo = <i32>i8x16.extract_lane_u(vlo, 0);
    hi = <i32>i8x16.extract_lane_u(vhi, 0);
  }
  for (let i = <i32>full; i < m; i++) {
    const b = <i32>load<u8>(p + <usize>i);
    lo = min(lo, b);
    hi = max(hi, b);
  }
  return lo | (hi << 8);
}

/**
 * A random split of feature f (scikit-learn's RandomSplitter) without a histogram: one
 * pass gathers the node's bins into CTX_NODE_BINS and finds the smallest and largest,
 * the threshold is drawn between their values, and a second pass over that contiguous
 * copy adds up the left side's class weights. Bins are ordered by
 * value with increasing upper values, so the split is the last bin (occupied in this
 * node or not) whose values all lie at or below the threshold: the samples it sends left
 * are those a scan of the occupied bins would.
 */
function classRandom(c: usize, f: i32, start: i32, end: i32): i32 {
  const col = ctxp(c, CTX_BINS) + <usize>f * <usize>ctx(c, CTX_NTOTAL);
  const samples = ctxp(c, CTX_SAMPLES);
  const sst = ctxp(c, CTX_SSTRIDE);
  const nb = ctxp(c, CTX_NODE_BINS) - <usize>start;
  for (let i = start; i < end; i++) {
    store<u8>(nb + <usize>i, load<u8>(col + <usize>load<i32>(samples + (<usize>i << 2)) * sst));
  }
  const range = byteRange(nb + <usize>start, end - start);
  const lo = range & 255, hi = range >> 8;
  if (lo >= hi) return CONSTANT;
  const t = drawThreshold(c, f, lo, hi);
  // Last bin in [lo, hi) with binHi <= t (binHi(hi) is the largest value, above t), or lo - 1.
  let a = lo, z = hi; // binHi(z) > t; the answer lies in [a - 1, z)
  while (a < z) {
    const mid = (a + z) >> 1;
    if (binHi(c, f, mid) <= t) a = mid + 1;
    else z = mid;
  }
  const split = a - 1;
  const K = ctx(c, CTX_K);
  const left = ctxp(c, CTX_LEFT);
  memory.fill(left, 0, <usize>K << 2);
  let nl = 0;
  if (ctxp(c, CTX_W) == 0) {
    const m = end - start;
    if (K <= MAX_BYTE_LABELS && m >= BYTE_COUNT_MIN) {
      nl = countLeftBytes(nb + <usize>start, nodeLabelBytes(c, m), m, split, K, left);
    } else {
      const ny = ctxp(c, CTX_NODE_Y) - (<usize>start << 2);
      // Branch-free: a drawn threshold sends samples either way unpredictably.
      for (let i = start; i < end; i++) {
        const goes = <i32>(<i32>load<u8>(nb + <usize>i) <= split);
        const lp = left + (<usize>load<i32>(ny + (<usize>i << 2)) << 2);
        store<i32>(lp, load<i32>(lp) + goes);
        nl += goes;
      }
    }
  } else {
    const nyw = ctxp(c, CTX_NODE_Y) - (<usize>start << 3);
    for (let i = start; i < end; i++) {
      if (<i32>load<u8>(nb + <usize>i) <= split) {
        const p = nyw + (<usize>i << 3);
        const lp = left + (<usize>load<i32>(p) << 2);
        store<i32>(lp, load<i32>(lp) + load<i32>(p, 4));
        nl++;
      }
    }
  }
  const minLeaf = ctx(c, CTX_MINLEAF);
  outSet(c, OUT_F_PROXY, nl >= minLeaf && (end - start) - nl >= minLeaf ? classProxy(c, K) : -Infinity);
  outSet(c, OUT_F_BIN, <f64>split);
  outSet(c, OUT_F_THRESHOLD, t);
  return EVALUATED;
}

// ---- planned random splits (unweighted classification, most features drawn) -------------
//
// When a random split draws most of the features (DecisionTree's splitter="random" with
// max_features=None), gathering each feature's bins from a column costs a scattered load
// per sample and feature. Planned, the node's rows are read whole instead, sixteen
// features per SIMD operation: one pass finds every feature's smallest and largest bin,
// the features are then drawn and their thresholds placed exactly as classRandom would
// (same PRNG calls in the same order), a second pass counts every feature's left-side
// classes at once, and the drawn features' proxies are compared in the order they were
// drawn. Same splits as the per-feature path.

/**
 * Features rounded up to a multiple of 16: the length of each per-feature array of the
 * planned-split scratch (smallest bins, largest bins, split bins; K rows of u8 counts and
 * K of i32 counts), which ends with the draw list (16 bytes per drawn feature).
 */
@inline function planStride(F: i32): i32 {
  return (F + 15) & ~15;
}

/** The node's smallest and largest bin of every feature, into plan[0, Fpad) and plan[Fpad, 2 Fpad). */
function planRanges(c: usize, start: i32, end: i32): void {
  const F = ctx(c, CTX_F);
  const Fp = <usize>planStride(F);
  const full = <usize>(F & ~15);
  const rows = ctxp(c, CTX_ROW_BINS);
  const samples = ctxp(c, CTX_SAMPLES);
  const lo = ctxp(c, CTX_PLAN);
  const hi = lo + Fp;
  const first = rows + <usize>load<i32>(samples + (<usize>start << 2)) * <usize>F;
  memory.copy(lo, first, <usize>F);
  memory.copy(hi, first, <usize>F);
  for (let i = start + 1; i < end; i++) {
    const row = rows + <usize>load<i32>(samples + (<usize>i << 2)) * <usize>F;
    for (let j: usize = 0; j < full; j += 16) {
      const v = v128.load(row + j);
      v128.store(lo + j, i8x16.min_u(v128.load(lo + j), v));
      v128.store(hi + j, i8x16.max_u(v128.load(hi + j), v));
    }
    for (let j = full; j < <usize>F; j++) {
      const b = load<u8>(row + j);
      if (b < load<u8>(lo + j)) store<u8>(lo + j, b);
      if (b > load<u8>(hi + j)) store<u8>(hi + j, b);
    }
  }
}

/**
 * classRandom's draw for feature f from the node's bin range (planRanges): CONSTANT, or
 * EVALUATED with the feature, its split bin and threshold appended to the draw list
 * (entry n) and the split bin kept for planCounts.
 */
function planRandom(c: usize, f: i32, n: i32): i32 {
  const F = ctx(c, CTX_F);
  const Fp = <usize>planStride(F);
  const plan = ctxp(c, CTX_PLAN);
  const lo = <i32>load<u8>(plan + <usize>f);
  const hi = <i32>load<u8>(plan + Fp + <usize>f);
  if (lo >= hi) return CONSTANT;
  const t = drawThreshold(c, f, lo, hi);
  let a = lo, z = hi;
  while (a < z) {
    const mid = (a + z) >> 1;
    if (binHi(c, f, mid) <= t) a = mid + 1;
    else z = mid;
  }
  const split = a - 1;
  // A split below the node's smallest bin sends nothing left: 0 here, its proxy -inf below.
  store<u8>(plan + 2 * Fp + <usize>f, <u8>max(split, 0));
  const list = plan + 3 * Fp + <usize>(ctx(c, CTX_K) * 5) * Fp + (<usize>n << 4);
  store<i32>(list, f);
  store<i32>(list, split, 4);
  store<f64>(list, t, 8);
  return EVALUATED;
}

/** Left-side class counts of every feature at its split bin: i32 at counts + (k * Fpad + f) * 4. */
function planCounts(c: usize, start: i32, end: i32): void {
  const F = ctx(c, CTX_F);
  const K = ctx(c, CTX_K);
  const Fp = <usize>planStride(F);
  const full = <usize>(F & ~15);
  const rows = ctxp(c, CTX_ROW_BINS);
  const samples = ctxp(c, CTX_SAMPLES);
  const ny = ctxp(c, CTX_NODE_Y) - (<usize>start << 2);
  const split = ctxp(c, CTX_PLAN) + 2 * Fp;
  const small = split + Fp; // u8 counts of up to 255 samples, K x Fp
  const counts = small + <usize>K * Fp; // i32, K x Fp
  memory.fill(counts, 0, (<usize>K * Fp) << 2);
  for (let c0 = start; c0 < end; c0 += 255) {
    const c1 = min(end, c0 + 255);
    memory.fill(small, 0, <usize>K * Fp);
    for (let i = c0; i < c1; i++) {
      const row = rows + <usize>load<i32>(samples + (<usize>i << 2)) * <usize>F;
      const acc = small + <usize>load<i32>(ny + (<usize>i << 2)) * Fp;
      for (let j: usize = 0; j < full; j += 16) {
        // le_u gives 0xff (-1) in the lanes that go left: subtracting counts them.
        v128.store(acc + j, i8x16.sub(v128.load(acc + j), i8x16.le_u(v128.load(row + j), v128.load(split + j))));
      }
      for (let j = full; j < <usize>F; j++) {
        if (load<u8>(row + j) <= load<u8>(split + j)) store<u8>(acc + j, load<u8>(acc + j) + 1);
      }
    }
    // Widen the u8 counts into the i32 totals.
    for (let q: usize = 0; q < <usize>K * Fp; q += 16) {
      const v = v128.load(small + q);
      const lo16 = i16x8.extend_low_i8x16_u(v);
      const hi16 = i16x8.extend_high_i8x16_u(v);
      const o = counts + (q << 2);
      v128.store(o, i32x4.add(v128.load(o), i32x4.extend_low_i16x8_u(lo16)));
      v128.store(o, i32x4.add(v128.load(o, 16), i32x4.extend_high_i16x8_u(lo16)), 16);
      v128.store(o, i32x4.add(v128.load(o, 32), i32x4.extend_low_i16x8_u(hi16)), 32);
      v128.store(o, i32x4.add(v128.load(o, 48), i32x4.extend_high_i16x8_u(hi16)), 48);
    }
  }
}

// ---- regression (friedman_mse, for gradient boosting) --------------------------------

/** out[0] = sum of res over samples[start, end), out[1] = sum of squares. */
export function tree_reg_stats_f64(res: usize, samples: usize, start: i32, end: i32, out: usize): void {
  let s: f64 = 0, s2: f64 = 0;
  for (let i = start; i < end; i++) {
    const v = load<f64>(res + (<usize>load<i32>(samples + (<usize>i << 2)) << 3));
    s += v;
    s2 += v * v;
  }
  store<f64>(out, s);
  store<f64>(out + 8, s2);
}

/**
 * Fills hist with one (sum of targets, count) f64 pair per bin, with a single SIMD
 * add per sample, in four interleaved copies (as classHistogram's two) folded at the
 * end, and the bitmap. Targets come from the node's contiguous copy (CTX_NODE_Y).
 * Small nodes track their occupied bins per sample and fold only those; large ones
 * fold all 256 bins (in the same order, so the sums are the same) and read the
 * occupied bins off the counts.
 */
function regHistogram(c: usize, f: i32, start: i32, end: i32): void {
  const col = ctxp(c, CTX_BINS) + <usize>f * <usize>ctx(c, CTX_NTOTAL);
  const samples = ctxp(c, CTX_SAMPLES);
  const sst = ctxp(c, CTX_SSTRIDE);
  const nr = ctxp(c, CTX_NODE_Y) - (<usize>start << 3);
  const hist = ctxp(c, CTX_HIST);
  const hist2 = hist + (MAX_BINS << 4);
  const hist3 = hist2 + (MAX_BINS << 4);
  const hist4 = hist3 + (MAX_BINS << 4);
  const ones = f64x2.splat(1.0);
  const dense = end - start >= DENSE_HIST_MIN;
  let m0: u64 = 0, m1: u64 = 0, m2: u64 = 0, m3: u64 = 0;
  let i = start;
  for (; i + 3 < end; i += 4) {
    const b0 = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>i << 2)) * sst);
    const b1 = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>(i + 1) << 2)) * sst);
    const b2 = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>(i + 2) << 2)) * sst);
    const b3 = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>(i + 3) << 2)) * sst);
    const h0 = hist + (<usize>b0 << 4);
    const h1 = hist2 + (<usize>b1 << 4);
    const h2 = hist3 + (<usize>b2 << 4);
    const h3 = hist4 + (<usize>b3 << 4);
    v128.store(h0, f64x2.add(v128.load(h0), f64x2.replace_lane(ones, 0, load<f64>(nr + (<usize>i << 3)))));
    v128.store(h1, f64x2.add(v128.load(h1), f64x2.replace_lane(ones, 0, load<f64>(nr + (<usize>(i + 1) << 3)))));
    v128.store(h2, f64x2.add(v128.load(h2), f64x2.replace_lane(ones, 0, load<f64>(nr + (<usize>(i + 2) << 3)))));
    v128.store(h3, f64x2.add(v128.load(h3), f64x2.replace_lane(ones, 0, load<f64>(nr + (<usize>(i + 3) << 3)))));
    if (!dense) {
      m0 |= binBit(b0, 0) | binBit(b1, 0) | binBit(b2, 0) | binBit(b3, 0);
      m1 |= binBit(b0, 1) | binBit(b1, 1) | binBit(b2, 1) | binBit(b3, 1);
      m2 |= binBit(b0, 2) | binBit(b1, 2) | binBit(b2, 2) | binBit(b3, 2);
      m3 |= binBit(b0, 3) | binBit(b1, 3) | binBit(b2, 3) | binBit(b3, 3);
    }
  }
  for (; i < end; i++) {
    const b = <i32>load<u8>(col + <usize>load<i32>(samples + (<usize>i << 2)) * sst);
    const h = hist + (<usize>b << 4);
    v128.store(h, f64x2.add(v128.load(h), f64x2.replace_lane(ones, 0, load<f64>(nr + (<usize>i << 3)))));
    m0 |= binBit(b, 0);
    m1 |= binBit(b, 1);
    m2 |= binBit(b, 2);
    m3 |= binBit(b, 3);
  }
  const bm = ctxp(c, CTX_BITMAP);
  if (dense) {
    foldAll(hist, bm);
    return;
  }
  foldPairs(hist, m0, 0);
  foldPairs(hist, m1, 1);
  foldPairs(hist, m2, 2);
  foldPairs(hist, m3, 3);
  store<u64>(bm, m0);
  store<u64>(bm + 8, m1);
  store<u64>(bm + 16, m2);
  store<u64>(bm + 24, m3);
}

/** The bit of bin b in bitmap word `word` (0 when b lies in another word). */
@inline function binBit(b: i32, word: i32): u64 {
  return select<u64>(<u64>1 << <u64>(b & 63), 0, (b >> 6) == word);
}

/** Adds copies 2-4 of the (sum, count) histogram into the first over one bitmap word's bins, zeroing them. */
function foldPairs(hist: usize, bits: u64, word: i32): void {
  const stride = MAX_BINS << 4;
  while (bits != 0) {
    const o = hist + (<usize>((word << 6) + <i32>ctz(bits)) << 4);
    bits &= bits - 1;
    v128.store(o, foldedPair(o, stride));
    v128.store(o + stride, f64x2.splat(0));
    v128.store(o + 2 * stride, f64x2.splat(0));
    v128.store(o + 3 * stride, f64x2.splat(0));
  }
}

/** The sum of the (sum, count) pair at o and the three copies after it (foldPairs' order). */
@inline function foldedPair(o: usize, stride: usize): v128 {
  return f64x2.add(f64x2.add(v128.load(o), v128.load(o + stride)), f64x2.add(v128.load(o + 2 * stride), v128.load(o + 3 * stride)));
}

/** 1 where lane 1 (the count) of a (sum, count) pair is positive, in both lanes. */
@inline function occupiedMask(v: v128): v128 {
  const gt = f64x2.gt(v, f64x2.splat(0.5));
  return v128.shuffle<i64>(gt, gt, 1, 1);
}

/**
 * foldPairs over all 256 bins, without a bitmap to go by: writes the bitmap of bins
 * with a positive count. An empty bin's sum is +0 either way.
 */
function foldAll(hist: usize, bm: usize): void {
  const stride = MAX_BINS << 4;
  const zero = f64x2.splat(0);
  for (let word = 0; word < 4; word++) {
    let bits: u64 = 0;
    for (let j = 0; j < 64; j++) {
      const o = hist + (<usize>((word << 6) + j) << 4);
      const sum = foldedPair(o, stride);
      v128.store(o, sum);
      v128.store(o + stride, zero);
      v128.store(o + 2 * stride, zero);
      v128.store(o + 3 * stride, zero);
      bits |= (<u64>i64x2.extract_lane(occupiedMask(sum), 0) & 1) << <u64>j;
    }
    store<u64>(bm + (<usize>word << 3), bits);
  }
}

/** Friedman's improvement proxy (nR sumL - nL sumR)^2 / (nL nR), as scikit-learn's FriedmanMSE. */
@inline function friedman(sl: f64, nl: i32, total: f64, m: i32): f64 {
  const nr = m - nl;
  const diff = <f64>nr * sl - <f64>nl * (total - sl);
  return diff * diff / (<f64>nl * <f64>nr);
}

/**
 * The (sum, count) histogram of feature f for this node: parent minus sibling when
 * both were kept (the subtraction trick: the larger child of a split costs 256 SIMD
 * subtractions per feature instead of a pass over its samples), else built from the
 * samples. Kept for this node's children when CTX_STORE is set.
 */
function regSource(c: usize, f: i32, start: i32, end: i32): void {
  const hist = ctxp(c, CTX_HIST);
  const parent = ctxp(c, CTX_PARENT);
  if (parent != 0) {
    const par = parent + (<usize>f << 12);
    const sib = ctxp(c, CTX_SIBLING) + (<usize>f << 12);
    const bm = ctxp(c, CTX_BITMAP);
    for (let word = 0; word < 4; word++) {
      let bits: u64 = 0;
      for (let j = 0; j < 64; j++) {
        const o = <usize>((word << 6) + j) << 4;
        const v = f64x2.sub(v128.load(par + o), v128.load(sib + o));
        // Counts are exact; a bin this node lacks keeps a rounding residue in its sum, so
        // the count decides, and such a bin stays zero (the scratch histogram is kept zeroed).
        const mask = occupiedMask(v);
        v128.store(hist + o, v128.and(v, mask));
        bits |= (<u64>i64x2.extract_lane(mask, 0) & 1) << <u64>j;
      }
      store<u64>(bm + (<usize>word << 3), bits);
    }
  } else {
    regHistogram(c, f, start, end);
  }
  const keep = ctxp(c, CTX_STORE);
  if (keep != 0) memory.copy(keep + (<usize>f << 12), hist, 4096);
}

/** Zeroes the histogram's occupied bins and the bitmap (what a split's scan leaves). */
function clearRegHistogram(c: usize): void {
  const hist = ctxp(c, CTX_HIST);
  const bm = ctxp(c, CTX_BITMAP);
  for (let word = 0; word < 4; word++) {
    let bits = load<u64>(bm + (<usize>word << 3));
    while (bits != 0) {
      v128.store(hist + (<usize>((word << 6) + <i32>ctz(bits)) << 4), f64x2.splat(0));
      bits &= bits - 1;
    }
  }
  clearBitmap(bm);
}

/**
 * Keeps the histograms of every feature of a leaf, samples[start, end), at CTX_STORE,
 * for its larger sibling to subtract from the parent's; draws nothing from the PRNG.
 */
export function tree_reg_keep_u8(c: usize, start: i32, end: i32): void {
  fillNodeTargets(c, start, end);
  const F = ctx(c, CTX_F);
  for (let f = 0; f < F; f++) {
    regSource(c, f, start, end);
    clearRegHistogram(c);
  }
}

function regSplit(c: usize, f: i32, start: i32, end: i32, random: bool): i32 {
  regSource(c, f, start, end);
  const hist = ctxp(c, CTX_HIST);
    const bm = ctxp(c, CTX_BITMAP);
  const minLeaf = ctx(c, CTX_MINLEAF);
  const total = load<f64>(ctxp(c, CTX_TOTAL));
  const m = end - start;
  const lo = firstBin(bm);
  const hi = lastBin(bm);
  const constant = lo == hi;
  let t: f64 = 0;
  if (!constant && random) t = drawThreshold(c, f, lo, hi);
  let sl: f64 = 0;
  let nl = 0;
  let prev = -1;
  let best = -Infinity;
  let bestBin = -1, bestNext = -1;
  for (let word = 0; word < 4; word++) {
    const wp = bm + (<usize>word << 3);
    let bits = load<u64>(wp);
    store<u64>(wp, 0);
    while (bits != 0) {
      const b = (word << 6) + <i32>ctz(bits);
      bits &= bits - 1;
      if (!constant && !random && prev >= 0 && nl >= minLeaf && m - nl >= minLeaf) {
        const proxy = friedman(sl, nl, total, m);
        if (proxy > best) {
          best = proxy;
          bestBin = prev;
          bestNext = b;
        }
      }
      const h = hist + (<usize>b << 4);
      if (!random || binHi(c, f, b) <= t) {
        sl += load<f64>(h);
        nl += <i32>load<f64>(h + 8);
        if (random) bestBin = b;
      }
      v128.store(h, f64x2.splat(0));
      prev = b;
    }
  }
  if (constant) return CONSTANT;
  if (random) {
    best = nl >= minLeaf && m - nl >= minLeaf ? friedman(sl, nl, total, m) : -Infinity;
    outSet(c, OUT_F_THRESHOLD, t);
  } else if (bestBin >= 0) {
    outSet(c, OUT_F_THRESHOLD, midpoint(c, f, bestBin, bestNext));
  }
  outSet(c, OUT_F_PROXY, best);
  outSet(c, OUT_F_BIN, <f64>bestBin);
  return EVALUATED;
}

// ---- the node split -------------------------------------------------------------

/** The node's regression targets in sample order (CTX_NODE_Y). */
function fillNodeTargets(c: usize, start: i32, end: i32): void {
  const samples = ctxp(c, CTX_SAMPLES);
  const ny = ctxp(c, CTX_NODE_Y);
  const res = ctxp(c, CTX_RES);
  for (let i = start; i < end; i++) {
    const s = <usize>load<i32>(samples + (<usize>i << 2));
    store<f64>(ny + (<usize>(i - start) << 3), load<f64>(res + (s << 3)));
  }
}

@inline function swapI32(base: usize, i: i32, j: i32): void {
  const a = base + (<usize>i << 2);
  const b = base + (<usize>j << 2);
  const t = load<i32>(a);
  store<i32>(a, load<i32>(b));
  store<i32>(b, t);
}

/**
 * Best split of the node samples[start, end) over features drawn as scikit-learn's
 * splitters draw them. `nKnownConst` features at the front of the feature array are
 * known to be constant in this node (inherited from its ancestors). Returns 1 and
 * fills the out block (feature, bin, threshold, proxy, n_total_constants) when a
 * valid split exists, else 0 (n_total_constants is filled either way).
 */
export function tree_split_u8(c: usize, start: i32, end: i32, nKnownConst: i32): i32 {
  const features = ctxp(c, CTX_FEATURES);
  const constants = ctxp(c, CTX_CONST);
  const rng = ctxp(c, CTX_RNG);
  const F = ctx(c, CTX_F);
  const maxF = ctx(c, CTX_MAXF);
  const criterion = ctx(c, CTX_CRITERION);
  const random = ctx(c, CTX_SPLITTER) == 1;
  {
    // The node's labels (or regression targets) in sample order, read once per feature below.
    const samples = ctxp(c, CTX_SAMPLES);
    const ny = ctxp(c, CTX_NODE_Y);
    if (criterion != 2) {
      const y = ctxp(c, CTX_Y);
      const w = ctxp(c, CTX_W);
      const total = ctxp(c, CTX_TOTAL);
      const table = ctxp(c, CTX_XLOGX);
      const K = ctx(c, CTX_K);
      let sum: f64 = 0, wt: i32 = 0;
      for (let k = 0; k < K; k++) {
        const t = load<i32>(total + (<usize>k << 2));
        wt += t;
        sum += criterion == 1 ? xlogx(table, t) : <f64>t * <f64>t;
      }
      outSet(c, OUT_NODE_S, sum);
      outSet(c, OUT_NODE_W, <f64>wt);
      if (w == 0) {
        // The labels as i32, then as bytes (read by countLeftBytes when K <= MAX_BYTE_LABELS).
        const y8 = nodeLabelBytes(c, end - start);
        for (let i = start; i < end; i++) {
          const s = <usize>load<i32>(samples + (<usize>i << 2));
          const label = load<i32>(y + (s << 2));
          store<i32>(ny + (<usize>(i - start) << 2), label);
          store<u8>(y8 + <usize>(i - start), <u8>label);
        }
      } else {
        // (label, weight) pairs.
        for (let i = start; i < end; i++) {
          const s = <usize>load<i32>(samples + (<usize>i << 2));
          const p = ny + (<usize>(i - start) << 3);
          store<i32>(p, load<i32>(y + (s << 2)));
          store<i32>(p, load<i32>(w + (s << 2)), 4);
        }
      }
    } else {
      fillNodeTargets(c, start, end);
    }
  }
  // Planned random splits when most features are drawn (see planRandom).
  const planned = random && criterion != 2 && ctxp(c, CTX_W) == 0 && ctxp(c, CTX_ROW_BINS) != 0 &&
    ctxp(c, CTX_PLAN) != 0 && maxF * 2 >= F;
  if (planned) planRanges(c, start, end);
  let nPlanned = 0;
  let visited = 0, found = 0, drawn = 0;
  let totalConst = nKnownConst;
  let fi = F;
  let best = -Infinity;
  let bestFeature = -1;
  let bestBin = -1;
  let bestThreshold: f64 = 0;
  while (fi > totalConst && (visited < maxF || visited <= found + drawn)) {
    visited++;
    let fj = randInt(rng, drawn, fi - found);
    if (fj < nKnownConst) {
      swapI32(features, drawn, fj);
      drawn++;
      continue;
    }
    fj += found;
    const f = load<i32>(features + (<usize>fj << 2));
    let status: i32;
    if (criterion == 2) status = regSplit(c, f, start, end, random);
    else if (planned) status = planRandom(c, f, nPlanned);
    else status = random ? classRandom(c, f, start, end) : classBest(c, f, start, end);
    if (status == CONSTANT) {
      swapI32(features, fj, totalConst);
      found++;
      totalConst++;
      continue;
    }
    fi--;
    swapI32(features, fi, fj);
    if (planned) {
      nPlanned++;
      continue;
    }
    const proxy = outGet(c, OUT_F_PROXY);
    if (proxy > best) {
      best = proxy;
      bestFeature = f;
      bestBin = <i32>outGet(c, OUT_F_BIN);
      bestThreshold = outGet(c, OUT_F_THRESHOLD);
    }
  }
  if (nPlanned > 0) {
    // The drawn features' proxies, compared in the order they were drawn.
    planCounts(c, start, end);
    const K = ctx(c, CTX_K);
    const Fp = <usize>planStride(F);
    const counts = ctxp(c, CTX_PLAN) + 3 * Fp + <usize>K * Fp;
    const list = counts + ((<usize>K * Fp) << 2);
    const left = ctxp(c, CTX_LEFT);
    const minLeaf = ctx(c, CTX_MINLEAF);
    const m = end - start;
    for (let n = 0; n < nPlanned; n++) {
      const e = list + (<usize>n << 4);
      const f = load<i32>(e);
      const split = load<i32>(e, 4);
      let nl = 0;
      for (let k = 0; k < K; k++) {
        const l = split < 0 ? 0 : load<i32>(counts + ((<usize>k * Fp + <usize>f) << 2));
        store<i32>(left + (<usize>k << 2), l);
        nl += l;
      }
      const proxy = nl >= minLeaf && m - nl >= minLeaf ? classProxy(c, K) : -Infinity;
      if (proxy > best) {
        best = proxy;
        bestFeature = f;
        bestBin = split;
        bestThreshold = load<f64>(e, 8);
      }
    }
  }
  // Keep the known constants in their original order for siblings; append the new ones.
  memory.copy(features, constants, <usize>nKnownConst << 2);
  memory.copy(constants + (<usize>nKnownConst << 2), features + (<usize>nKnownConst << 2), <usize>found << 2);
  outSet(c, OUT_NCONST, <f64>totalConst);
  if (bestFeature < 0) return 0;
  outSet(c, OUT_FEATURE, <f64>bestFeature);
  outSet(c, OUT_BIN, <f64>bestBin);
  outSet(c, OUT_THRESHOLD, bestThreshold);
  outSet(c, OUT_PROXY, best);
  return 1;
}

/**
 * Reorders samples[start, end) so that those whose bin of `feature` is <= `bin` come
 * first (bins laid out as in CTX_BINS: feature stride nTotal, sample stride sStride), each part keeping its order (a stable partition through `tmp`, room for
 * end - start i32); returns the index of the first sample of the right part. Sample
 * ids sorted at the root stay sorted in every node, so the per-feature gathers
 * col[samples[i]] walk each column forwards instead of jumping around it.
 */
export function tree_partition_u8(
  bins: usize, nTotal: i32, sStride: i32, samples: usize, start: i32, end: i32, feature: i32, bin: i32, tmp: usize,
): i32 {
  const col = bins + <usize>feature * <usize>nTotal;
  const sst = <usize>sStride;
  let l = start;
  let r: usize = tmp;
  for (let i = start; i < end; i++) {
    const s = load<i32>(samples + (<usize>i << 2));
    if (<i32>load<u8>(col + <usize>s * sst) <= bin) {
      store<i32>(samples + (<usize>l << 2), s);
      l++;
    } else {
      store<i32>(r, s);
      r += 4;
    }
  }
  memory.copy(samples + (<usize>l << 2), tmp, r - tmp);
  return l;
}
