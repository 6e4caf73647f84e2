import type { Matrix } from "../../core/matrix.js";
import { mljsPackage, toRows } from "./adapter.js";

// ml-knn is CommonJS without type declarations: load it on first use, typed here.
interface KdTree {
  nearest(point: number[], k: number): [number[], number][];
}
interface KnnModel {
  readonly kdTree: KdTree;
}
type KnnConstructor = new (
  dataset: number[][], labels: number[], options: { k: number; distance?: (a: number[], b: number[]) => number },
) => KnnModel;
const mlKnn = () => mljsPackage<KnnConstructor>("ml-knn");

/**
 * Thin adapter over ml-knn 3.0 (the reference engine of KNeighborsClassifier).
 * It absorbs ml-knn's quirks:
 * - it takes `number[][]` only (typed arrays throw), so rows are converted here;
 * - it stores a label as an extra last coordinate of every point, and votes with
 *   its own tie rule; we store the training row index there instead and return
 *   neighbours, so that the classifier votes with scikit-learn's rule;
 * - it returns neighbours in heap order; we sort them by (distance, index).
 * Its KD-tree never prunes in practice (it measures the split plane on a plain
 * object whose `length` is undefined), so the search is exhaustive: slow, exact.
 */
export class MlKnnNeighbors {
  private readonly tree: KdTree;

  constructor(X: Matrix, p: 1 | 2) {
    const rows = toRows(X);
    const index = Array.from({ length: X.rows }, (_, i) => i);
    const options: { k: number; distance?: (a: number[], b: number[]) => number } = { k: 1 };
    if (p === 1) options.distance = manhattan;
    this.tree = new (mlKnn())(rows, index, options).kdTree;
  }

  /** The k nearest training rows of each query: indices and distances (Euclidean or Manhattan, not squared). */
  kneighbors(X: Matrix, k: number): { indices: Int32Array; distances: Float64Array } {
    const indices = new Int32Array(X.rows * k).fill(-1);
    const distances = new Float64Array(X.rows * k).fill(Infinity);
    const queries = toRows(X);
    for (let i = 0; i < X.rows; i++) {
      const found = this.tree.nearest(queries[i], k).map(([obj, d]) => ({ index: obj[obj.length - 1], d }));
      found.sort((a, b) => a.d - b.d || a.index - b.index);
      for (let r = 0; r < found.length; r++) {
        indices[i * k + r] = found[r].index;
        distances[i * k + r] = found[r].d;
      }
    }
    return { indices, distances };
  }
}

function manhattan(a: number[], b: number[]): number {
  // ml-knn passes query first; the stored point carries one extra coordinate (the index).
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s;
}
