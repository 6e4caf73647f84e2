// Binning of float32 columns into u8 codes for the tree builders (at most 256
// distinct values per feature).

/**
 * Distinct values of the f32 column col[0, rows) (+0 and -0 must already be one value),
 * found by open addressing on the float bits: their first-appearance ids go to out (u8
 * per row) and the values, in order of first appearance, to distinct (f32, 256). table
 * is scratch for 1024 u32 keys and 1024 i32 ids (cleared here). Returns the number of
 * distinct values, or 257 as soon as there are more than 256 (out is then incomplete).
 */
function bin_distinct_f32(col: usize, rows: i32, table: usize, distinct: usize, out: usize): i32 {
  const ids = table + 4096;
  memory.fill(ids, 0xff, 4096); // id -1: free slot
  let count = 0;
  let lastKey: u32 = rows > 0 ? ~load<u32>(col) : 0;
  let id = 0;
  for (let i = 0; i < rows; i++) {
    const key = load<u32>(col + (<usize>i << 2));
    if (key != lastKey) {
      // Runs of one value (background pixels) skip the lookup.
      lastKey = key;
      let h = <usize>((key * 0x9e3779b1) >> 22);
      while (true) {
        const slotId = load<i32>(ids + (h << 2));
        if (slotId < 0) {
          if (count == 256) return 257;
          store<u32>(table + (h << 2), key);
          store<i32>(ids + (h << 2), count);
          store<u32>(distinct + (<usize>count << 2), key);
          id = count;
          count++;
          break;
        }
        if (load<u32>(table + (h << 2)) == key) {
          id = slotId;
          break;
        }
        h = (h + 1) & 1023;
      }
    }
    store<u8>(out + <usize>i, <u8>id);
  }
  return count;
}

/** buf[i] = map[buf[i]] for i in [0, n) (u8 in place, map of 256 u8). */
function remap_u8(buf: usize, n: i32, map: usize): void {
  for (let i = 0; i < n; i++) store<u8>(buf + <usize>i, load<u8>(map + <usize>load<u8>(buf + <usize>i)));
}

/**
 * rank[d] = the number of values of distinct[0, count) smaller than distinct[d]: the
 * position of value d in increasing order (the values are distinct and finite). Counted
 * four comparisons at a time; distinct is padded with +Infinity to a multiple of four
 * (it has room for 256 values, and count <= 256).
 */
function rankDistinct(distinct: usize, count: i32, rank: usize): void {
  const padded = (count + 3) & ~3;
  for (let e = count; e < padded; e++) store<f32>(distinct + (<usize>e << 2), Infinity);
  for (let d = 0; d < count; d++) {
    const v = f32x4.splat(load<f32>(distinct + (<usize>d << 2)));
    let below = i32x4.splat(0);
    for (let e = 0; e < padded; e += 4) below = i32x4.sub(below, f32x4.lt(v128.load(distinct + (<usize>e << 2)), v));
    const r = i32x4.extract_lane(below, 0) + i32x4.extract_lane(below, 1) + i32x4.extract_lane(below, 2) + i32x4.extract_lane(below, 3);
    store<u8>(rank + <usize>d, <u8>r);
  }
}

/**
 * Exact bins of `width` float32 columns laid out one after another in block (rows values
 * each, -0 already +0): column k's codes go to bins + k * rows, ranked by value so that
 * code order is value order, its values to lo and hi at k * 256 + code (each bin holds one
 * value), and its number of bins to nBins[k] (i32). A column with more than 256 distinct
 * values gets nBins[k] = 257 and nothing else (the caller bins it by quantiles). table,
 * distinct and rank are scratch as for bin_distinct_f32 (rank: 256 bytes). Returns the
 * number of such columns.
 */
export function bin_exact_block_f32(
  block: usize, rows: i32, width: i32, table: usize, distinct: usize, rank: usize,
  bins: usize, lo: usize, hi: usize, nBins: usize,
): i32 {
  let inexact = 0;
  for (let k = 0; k < width; k++) {
    const out = bins + <usize>k * <usize>rows;
    const count = bin_distinct_f32(block + ((<usize>k * <usize>rows) << 2), rows, table, distinct, out);
    store<i32>(nBins + (<usize>k << 2), count);
    if (count > 256) {
      inexact++;
      continue;
    }
    rankDistinct(distinct, count, rank);
    const loK = lo + ((<usize>k << 8) << 2);
    const hiK = hi + ((<usize>k << 8) << 2);
    for (let d = 0; d < count; d++) {
      const v = load<f32>(distinct + (<usize>d << 2));
      const r = <usize>load<u8>(rank + <usize>d) << 2;
      store<f32>(loK + r, v);
      store<f32>(hiK + r, v);
    }
    remap_u8(out, rows, rank);
  }
  return inexact;
}
