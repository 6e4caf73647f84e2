// The leaf that each row of a float32 matrix reaches in a flat tree (see FlatTree in
// src/models/tree/builder.ts: node n splits on feature[n] at threshold[n], x <= threshold
// going to left[n]; a leaf has left[n] = -1 and its leaf index in right[n]).

/**
 * Rows of X that walk the tree together. Each walk is a chain of dependent loads (the
 * node, then the row's value of its feature, usually not in cache); eight chains at once
 * keep that many loads in flight.
 */
const WALKERS: i32 = 8;

/** The next node of one walker at node n of row x: itself at a leaf (left < 0). */
// @ts-ignore: decorator
@inline function step(n: i32, x: usize, feature: usize, threshold: usize, left: usize, right: usize): i32 {
  const o = <usize>n << 2;
  const l = load<i32>(left + o);
  if (l < 0) return n;
  const v = <f64>load<f32>(x + (<usize>load<i32>(feature + o) << 2));
  return select<i32>(l, load<i32>(right + o), v <= load<f64>(threshold + (<usize>n << 3)));
}

/**
 * out[i] = the leaf index (right[] of the leaf) reached by row i of X (rows x cols,
 * float32, row-major), for the tree in feature/left/right (i32) and threshold (f64).
 */
export function tree_apply_f32(
  X: usize, rows: i32, cols: i32, feature: usize, threshold: usize, left: usize, right: usize, out: usize,
): void {
  const rowBytes = <usize>cols << 2;
  let i = 0;
  for (; i + WALKERS <= rows; i += WALKERS) {
    const x0 = X + <usize>i * rowBytes;
    const x1 = x0 + rowBytes, x2 = x1 + rowBytes, x3 = x2 + rowBytes;
    const x4 = x3 + rowBytes, x5 = x4 + rowBytes, x6 = x5 + rowBytes, x7 = x6 + rowBytes;
    let n0 = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0, n6 = 0, n7 = 0;
    while (true) {
      const all = load<i32>(left + (<usize>n0 << 2)) & load<i32>(left + (<usize>n1 << 2)) &
        load<i32>(left + (<usize>n2 << 2)) & load<i32>(left + (<usize>n3 << 2)) &
        load<i32>(left + (<usize>n4 << 2)) & load<i32>(left + (<usize>n5 << 2)) &
        load<i32>(left + (<usize>n6 << 2)) & load<i32>(left + (<usize>n7 << 2));
      if (all < 0) break; // every walker at a leaf
      n0 = step(n0, x0, feature, threshold, left, right);
      n1 = step(n1, x1, feature, threshold, left, right);
      n2 = step(n2, x2, feature, threshold, left, right);
      n3 = step(n3, x3, feature, threshold, left, right);
      n4 = step(n4, x4, feature, threshold, left, right);
      n5 = step(n5, x5, feature, threshold, left, right);
      n6 = step(n6, x6, feature, threshold, left, right);
      n7 = step(n7, x7, feature, threshold, left, right);
    }
    const o = out + (<usize>i << 2);
    store<i32>(o, load<i32>(right + (<usize>n0 << 2)));
    store<i32>(o, load<i32>(right + (<usize>n1 << 2)), 4);
    store<i32>(o, load<i32>(right + (<usize>n2 << 2)), 8);
    store<i32>(o, load<i32>(right + (<usize>n3 << 2)), 12);
    store<i32>(o, load<i32>(right + (<usize>n4 << 2)), 16);
    store<i32>(o, load<i32>(right + (<usize>n5 << 2)), 20);
    store<i32>(o, load<i32>(right + (<usize>n6 << 2)), 24);
    store<i32>(o, load<i32>(right + (<usize>n7 << 2)), 28);
  }
  for (; i < rows; i++) {
    const x = X + <usize>i * rowBytes;
    let n = 0;
    while (load<i32>(left + (<usize>n << 2)) >= 0) n = step(n, x, feature, threshold, left, right);
    store<i32>(out + (<usize>i << 2), load<i32>(right + (<usize>n << 2)));
  }
}
