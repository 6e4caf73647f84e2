import { describe, expect, it } from "vitest";
import { treeLeaves, type TreeNodes } from "../../src/kernels/tree_apply.js";
import { SharedHeap } from "../../src/wasm/heap.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** A random tree of `splits` internal nodes over `cols` features (node 0 the root), leaves numbered in order. */
function randomTree(splits: number, cols: number, rand: () => number): TreeNodes {
  const feature: number[] = [0];
  const threshold: number[] = [0];
  const left: number[] = [-1];
  const right: number[] = [-1];
  const open = [0];
  for (let s = 0; s < splits; s++) {
    const n = open.splice(Math.floor(rand() * open.length), 1)[0];
    feature[n] = Math.floor(rand() * cols);
    threshold[n] = Math.round((rand() * 4 - 2) * 8) / 8; // ties with the data's values happen
    left[n] = feature.length;
    right[n] = feature.length + 1;
    for (let c = 0; c < 2; c++) {
      open.push(feature.length);
      feature.push(0);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
    }
  }
  let leaf = 0;
  for (let n = 0; n < left.length; n++) if (left[n] < 0) right[n] = leaf++;
  return { feature: Int32Array.from(feature), threshold: Float64Array.from(threshold), left: Int32Array.from(left), right: Int32Array.from(right) };
}

/** The walk in plain TS. */
function leavesReference(t: TreeNodes, data: Float32Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let n = 0;
    while (t.left[n] >= 0) n = data[i * cols + t.feature[n]] <= t.threshold[n] ? t.left[n] : t.right[n];
    out[i] = t.right[n];
  }
  return out;
}

describe("tree_apply_f32 (eight rows walking together)", () => {
  const rand = lcg(5);
  const cols = 13;
  for (const [rows, splits] of [[0, 5], [1, 0], [7, 3], [8, 40], [9, 40], [203, 300], [1000, 1]] as const) {
    it(`${rows} rows, ${splits} splits: the reference's leaves, X in the heap or not`, () => {
      const heap = SharedHeap.create();
      const tree = randomTree(splits, cols, rand);
      const data = Float32Array.from({ length: rows * cols }, () => Math.round((rand() * 4 - 2) * 8) / 8);
      const want = leavesReference(tree, data, rows, cols);
      expect(Array.from(treeLeaves(heap, { data, rows, cols }, tree, new Int32Array(rows)))).toEqual(Array.from(want));
      const resident = heap.allocF32(rows * cols);
      resident.set(data);
      const out = heap.allocI32(rows);
      expect(Array.from(treeLeaves(heap, { data: resident, rows, cols }, tree, out))).toEqual(Array.from(want));
    });
  }
});
