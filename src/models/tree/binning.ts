import type { Matrix } from "../../data/matrix.js";
import type { SharedHeap } from "../../wasm/heap.js";
import { kernelsFor } from "../../wasm/load.js";

/** Most bins per feature: a bin index is one byte. */
export const MAX_BINS = 256;

/**
 * Training features mapped to 8-bit bin indices, column-major in the heap (feature f
 * is bins[f * rows, (f + 1) * rows)), with each bin's smallest and largest training
 * value. When every feature has at most 256 distinct values (raw or standardized
 * pixels: standardization is monotonic per feature) each bin holds one value, and a
 * split "bin <= b" is exactly scikit-learn's split "x <= threshold" for any threshold
 * between the largest value on the left and the smallest on the right. A feature with
 * more distinct values (HOG) gets at most 256 quantile bins: an approximation, since
 * thresholds inside a bin are then never considered; `exact` says which case holds.
 */
export interface BinnedFeatures {
  readonly rows: number;
  readonly cols: number;
  readonly bins: Uint8Array;
  /** Smallest training value of (feature, bin), at f * 256 + b. */
  readonly lo: Float32Array;
  /** Largest training value of (feature, bin), at f * 256 + b. */
  readonly hi: Float32Array;
  readonly nBins: Int32Array;
  /** True when every bin holds a single distinct value. */
  readonly exact: boolean;
}

const cache = new WeakMap<SharedHeap, WeakMap<Float32Array, BinnedFeatures>>();

/**
 * Bins `X` once per heap and matrix: a grid run fits dozens of trees on the same
 * training matrix, and the binned copy (rows x cols bytes) is reused by all of them.
 * The cache is keyed by X.data's identity, so X must not be mutated between fits.
 */
export function binnedFeaturesFor(heap: SharedHeap, X: Matrix): BinnedFeatures {
  let perHeap = cache.get(heap);
  if (!perHeap) {
    perHeap = new WeakMap();
    cache.set(heap, perHeap);
  }
  const hit = perHeap.get(X.data);
  if (hit && hit.rows === X.rows && hit.cols === X.cols) return hit;
  const binned = binFeatures(heap, X);
  perHeap.set(X.data, binned);
  return binned;
}

const rowMajorCache = new WeakMap<BinnedFeatures, Uint8Array>();

/**
 * The bins of `binned` row-major (rows x cols), made once per binned matrix: classification
 * trees read it in small nodes (see TreeWorkspace.rowMajorMax).
 */
export function rowMajorBins(heap: SharedHeap, binned: BinnedFeatures): Uint8Array {
  let out = rowMajorCache.get(binned);
  if (!out) {
    out = heap.allocU8(binned.rows * binned.cols);
    kernelsFor(heap).transpose_u8(binned.bins.byteOffset, binned.rows, binned.cols, out.byteOffset);
    rowMajorCache.set(binned, out);
  }
  return out;
}

const TABLE = 1024; // open-addressing table for up to 256 distinct values (load <= 1/4)

/** Bins every column of X (see BinnedFeatures). */
export function binFeatures(heap: SharedHeap, X: Matrix): BinnedFeatures {
  const { rows, cols, data } = X;
  const bins = heap.allocU8(rows * cols);
  const lo = heap.allocF32(cols * MAX_BINS);
  const hi = heap.allocF32(cols * MAX_BINS);
  const nBins = new Int32Array(cols);
  const column = new Float32Array(rows);
  const bits = new Uint32Array(column.buffer);
  const keys = new Uint32Array(TABLE);
  const slotUsed = new Int32Array(TABLE);
  const slotOf = new Uint16Array(rows);
  const slotRank = new Int32Array(TABLE);
  const distinct = new Float32Array(MAX_BINS);
  const distinctSlots = new Int32Array(MAX_BINS);
  let exact = true;
  for (let f = 0; f < cols; f++) {
    for (let i = 0, p = f; i < rows; i++, p += cols) {
      const v = data[p];
      column[i] = v === 0 ? 0 : v; // -0 and +0 are one value
    }
    // Distinct values through a small hash table on the float bits; give up past 256.
    slotUsed.fill(0);
    let count = 0;
    for (let i = 0; i < rows && count <= MAX_BINS; i++) {
      const key = bits[i];
      let h = Math.imul(key, 0x9e3779b1) >>> 22;
      while (slotUsed[h] && keys[h] !== key) h = (h + 1) & (TABLE - 1);
      if (!slotUsed[h]) {
        if (count === MAX_BINS) {
          count++;
          break;
        }
        slotUsed[h] = 1;
        keys[h] = key;
        distinct[count] = column[i];
        distinctSlots[count] = h;
        count++;
      }
      slotOf[i] = h;
    }
    const base = f * MAX_BINS;
    const out = bins.subarray(f * rows, (f + 1) * rows);
    if (count <= MAX_BINS) {
      const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => distinct[a] - distinct[b]);
      order.forEach((d, rank) => {
        slotRank[distinctSlots[d]] = rank;
        lo[base + rank] = distinct[d];
        hi[base + rank] = distinct[d];
      });
      for (let i = 0; i < rows; i++) out[i] = slotRank[slotOf[i]];
      nBins[f] = count;
    } else {
      exact = false;
      nBins[f] = quantileBins(column, out, lo.subarray(base, base + MAX_BINS), hi.subarray(base, base + MAX_BINS));
    }
  }
  return { rows, cols, bins, lo, hi, nBins, exact };
}

/**
 * At most 256 bins holding about rows/256 samples each, with edges only between
 * distinct values; returns the number of bins.
 */
function quantileBins(column: Float32Array, out: Uint8Array, lo: Float32Array, hi: Float32Array): number {
  const rows = column.length;
  const sorted = Float32Array.from(column).sort();
  let bin = 0;
  let start = 0;
  lo[0] = sorted[0];
  for (let i = 1; i <= rows; i++) {
    if (i < rows && sorted[i] === sorted[i - 1]) continue;
    // i is the first index of a new distinct value (or the end).
    const target = ((bin + 1) * rows) / MAX_BINS;
    if (i === rows || (i >= target && bin < MAX_BINS - 1 && i > start)) {
      hi[bin] = sorted[i - 1];
      if (i < rows) {
        bin++;
        lo[bin] = sorted[i];
        start = i;
      }
    }
  }
  const n = bin + 1;
  for (let r = 0; r < rows; r++) {
    const v = column[r];
    let a = 0;
    let b = n - 1;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (hi[mid] < v) a = mid + 1;
      else b = mid;
    }
    out[r] = a;
  }
  return n;
}
