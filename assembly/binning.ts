// Binning of float32 columns into u8 codes for the tree builders (at most 256
// distinct values per feature).

/**
 * Distinct values of the f32 column col[0, rows) (+0 and -0 must already be one value),
 * found by open addressing on the float bits: their first-appearance ids go to out (u8
 * per row) and the values, in order of first appearance, to distinct (f32, 256). table
 * is scratch for 1024 u32 keys and 1024 i32 ids (cleared here). Returns the number of
 * distinct values, or 257 as soon as there are more than 256 (out is then incomplete).
 */
export function bin_distinct_f32(col: usize, rows: i32, table: usize, distinct: usize, out: usize): i32 {
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
export function remap_u8(buf: usize, n: i32, map: usize): void {
  for (let i = 0; i < n; i++) store<u8>(buf + <usize>i, load<u8>(map + <usize>load<u8>(buf + <usize>i)));
}
