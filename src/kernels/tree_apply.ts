/**
 * The tree walk of assembly/tree_apply.ts: the leaf each row of a float32 matrix reaches
 * in a flat tree (node n splits on feature[n] at threshold[n], x <= threshold going to
 * left[n]; a leaf has left[n] < 0 and its leaf index in right[n]).
 */
import type { Matrix } from "../core/matrix.js";
import { scratchFor, type SharedHeap } from "../wasm/heap.js";
import { bindKernels } from "./bind.js";

const TREE_APPLY = { treeApplyF32: "tree_apply_f32" } as const;

/** The nodes of a flat tree, as treeLeaves reads them. */
export interface TreeNodes {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
}

/**
 * out[i] = the leaf index reached by row i of X, eight rows walking at a time in WASM. X is
 * read in place when the heap holds it, else copied in (callers applying many trees to
 * the same rows should make X heap-resident first).
 */
export function treeLeaves(heap: SharedHeap, X: Matrix, tree: TreeNodes, out: Int32Array): Int32Array {
  if (X.rows === 0) return out;
  // Its own arena: a tree is walked in the middle of fits (boosting's stages) that hold the default one.
  const arena = scratchFor(heap, "tree_apply");
  arena.reset();
  const pX = arena.pointerTo(X.data);
  const pFeature = arena.pointerTo(tree.feature);
  const pThreshold = arena.pointerTo(tree.threshold);
  const pLeft = arena.pointerTo(tree.left);
  const pRight = arena.pointerTo(tree.right);
  const outInHeap = heap.owns(out);
  const pOut = outInHeap ? out.byteOffset : arena.alloc(X.rows * 4);
  bindKernels(heap, TREE_APPLY).treeApplyF32(pX, X.rows, X.cols, pFeature, pThreshold, pLeft, pRight, pOut);
  if (!outInHeap) out.set(heap.i32(pOut, X.rows));
  return out;
}

/**
 * X itself when the heap holds it, else a copy in a scratch arena of its own that lasts
 * until the next call: forests and boosting walk many trees over the same rows, which
 * treeLeaves then reads in place.
 */
export function residentRows(heap: SharedHeap, X: Matrix): Matrix {
  if (heap.owns(X.data)) return X;
  const arena = scratchFor(heap, "tree_rows");
  arena.reset();
  return { data: heap.f32(arena.pointerTo(X.data), X.data.length), rows: X.rows, cols: X.cols };
}
