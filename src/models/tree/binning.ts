import type { Matrix } from "../../core/matrix.js";
import { f32At, heapRef, i32At, u8At, type HeapRef } from "../../parallel/pieces.js";
import { cacheOf, scratchFor, type SharedHeap } from "../../wasm/heap.js";
import { binningKernels } from "../../kernels/binning.js";
import { transposeKernels } from "../../kernels/transpose.js";

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
  const perHeap = cacheOf(cache, heap, () => new WeakMap());
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
    transposeKernels(heap).transposeU8(binned.bins.byteOffset, binned.rows, binned.cols, out.byteOffset);
    rowMajorCache.set(binned, out);
  }
  return out;
}

/** A BinnedFeatures by reference, for pieces of a fit that run on other threads. */
export interface BinnedRef {
  readonly rows: number;
  readonly cols: number;
  readonly bins: HeapRef;
  readonly lo: HeapRef;
  readonly hi: HeapRef;
  readonly nBins: HeapRef;
  readonly exact: boolean;
  /** The row-major copy (rowMajorBins), so that other threads need not make their own. */
  readonly rowMajor: HeapRef | null;
}

const sharedCounts = new WeakMap<BinnedFeatures, Int32Array>();

/** `binned` by reference (its bin counts copied into the heap once); with its row-major copy when `withRowMajor`. */
export function shareBinned(heap: SharedHeap, binned: BinnedFeatures, withRowMajor: boolean): BinnedRef {
  let counts = sharedCounts.get(binned);
  if (!counts) {
    counts = heap.allocI32(binned.cols);
    counts.set(binned.nBins);
    sharedCounts.set(binned, counts);
  }
  return {
    rows: binned.rows, cols: binned.cols, bins: heapRef(heap, binned.bins), lo: heapRef(heap, binned.lo),
    hi: heapRef(heap, binned.hi), nBins: heapRef(heap, counts), exact: binned.exact,
    rowMajor: withRowMajor ? heapRef(heap, rowMajorBins(heap, binned)) : null,
  };
}

const attached = new WeakMap<SharedHeap, Map<string, BinnedFeatures>>();

/**
 * The BinnedFeatures a BinnedRef describes, made once per thread and reference: binned
 * matrices live in permanent heap memory (never reused), so the same reference always
 * means the same bins.
 */
export function binnedFromRef(heap: SharedHeap, ref: BinnedRef): BinnedFeatures {
  const perHeap = cacheOf(attached, heap, () => new Map());
  const key = `${ref.bins.at}:${ref.rows}x${ref.cols}`;
  let binned = perHeap.get(key);
  if (!binned) {
    binned = {
      rows: ref.rows, cols: ref.cols, bins: u8At(heap, ref.bins), lo: f32At(heap, ref.lo), hi: f32At(heap, ref.hi),
      nBins: i32At(heap, ref.nBins).slice(), exact: ref.exact,
    };
    perHeap.set(key, binned);
  }
  if (ref.rowMajor && !rowMajorCache.has(binned)) rowMajorCache.set(binned, u8At(heap, ref.rowMajor));
  return binned;
}

const BLOCK = 16; // columns copied out of X per pass (one 64-byte line of float32)
const TABLE = 1024; // open-addressing table for up to 256 distinct values (load <= 1/4), see bin_distinct_f32

/** Bins every column of X (see BinnedFeatures). */
export function binFeatures(heap: SharedHeap, X: Matrix): BinnedFeatures {
  const { rows, cols, data } = X;
  const kernels = { ...transposeKernels(heap), ...binningKernels(heap) };
  const bins = heap.allocU8(rows * cols);
  const lo = heap.allocF32(cols * MAX_BINS);
  const hi = heap.allocF32(cols * MAX_BINS);
  const nBins = new Int32Array(cols);
  const scratch = scratchFor(heap);
  scratch.reset();
  // Columns are copied out BLOCK at a time: one pass over X's rows per block reads
  // whole cache lines, where a strided gather per column would read each line BLOCK times.
  const block = heap.f32(scratch.alloc(BLOCK * rows * 4), BLOCK * rows);
  const table = scratch.alloc(TABLE * 8);
  const distinct = scratch.alloc(MAX_BINS * 4);
  const rank = scratch.alloc(MAX_BINS);
  const blockBins = heap.i32(scratch.alloc(BLOCK * 4), BLOCK);
  const inHeap = heap.owns(data);
  let exact = true;
  for (let f = 0; f < cols; f += BLOCK) {
    const width = Math.min(BLOCK, cols - f);
    if (inHeap) {
      kernels.columnsF32(data.byteOffset, rows, cols, f, width, block.byteOffset);
    } else {
      // X outside the heap (tests, library users): copy in JS rather than the whole of X into scratch.
      for (let i = 0, p = f; i < rows; i++, p += cols) {
        for (let k = 0, q = i; k < width; k++, q += rows) block[q] = data[p + k] + 0; // -0 + 0 is +0
      }
    }
    // Columns of at most 256 distinct values are binned exactly in WASM; the others by quantiles here.
    const inexact = kernels.binExactBlock(
      block.byteOffset, rows, width, table, distinct, rank,
      bins.byteOffset + f * rows, lo.byteOffset + f * MAX_BINS * 4, hi.byteOffset + f * MAX_BINS * 4, blockBins.byteOffset,
    );
    nBins.set(blockBins.subarray(0, width), f);
    if (inexact === 0) continue;
    exact = false;
    for (let k = 0; k < width; k++) {
      if (nBins[f + k] <= MAX_BINS) continue;
      const base = (f + k) * MAX_BINS;
      nBins[f + k] = quantileBins(
        block.subarray(k * rows, (k + 1) * rows), bins.subarray((f + k) * rows, (f + k + 1) * rows),
        lo.subarray(base, base + MAX_BINS), hi.subarray(base, base + MAX_BINS),
      );
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
