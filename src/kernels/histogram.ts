/**
 * Plain-TS reference of the split search in assembly/histogram.ts, for tests: an
 * exhaustive scan of every feature over sorted node samples, scoring each threshold
 * between distinct values with the same proxies (gini, entropy, friedman_mse).
 * The WASM kernel itself is driven through TreeWorkspace (models/tree/builder.ts), by
 * the camelCase names splitKernels gives it.
 */
import type { SharedHeap } from "../wasm/heap.js";
import { bindKernels, type BoundKernels } from "./bind.js";

const SPLIT = {
  treeSplit: "tree_split_u8", treePartition: "tree_partition_u8", treeClassCounts: "tree_class_counts_i32",
  treeRegStats: "tree_reg_stats_f64", treeRegKeep: "tree_reg_keep_u8",
} as const;

/**
 * `heap`'s split-search kernels (assembly/histogram.ts): treeSplit(ctx, start, end,
 * nKnownConst), treePartition(...), treeClassCounts(...), treeRegStats(...),
 * treeRegKeep(ctx, start, end) (a leaf's histograms, for its sibling); pointers are
 * byte offsets into the heap, ctx the context block of models/tree/builder.ts.
 */
export const splitKernels = (heap: SharedHeap): SplitKernels => bindKernels(heap, SPLIT);
export type SplitKernels = BoundKernels<typeof SPLIT>;

export interface ReferenceSplit {
  readonly feature: number;
  /** Largest bin on the left. */
  readonly bin: number;
  readonly proxy: number;
}

/**
 * Best split of `samples` by exhaustive search. `bins` is column-major (rows per
 * column); `target` holds class codes (gini, entropy) or float targets (friedman_mse).
 * `weights` (classification only) weigh each sample in the criterion, as bootstrap
 * counts do; min_samples_leaf still counts samples.
 */
export function bestSplitReference(
  bins: Uint8Array, rows: number, cols: number, target: ArrayLike<number>, K: number, samples: ArrayLike<number>,
  criterion: "gini" | "entropy" | "friedman_mse", minLeaf: number, weights?: ArrayLike<number>,
): ReferenceSplit | null {
  const weight = (s: number) => (weights ? weights[s] : 1);
  const m = samples.length;
  let best: ReferenceSplit | null = null;
  const xlogx = (v: number) => (v > 0 ? v * Math.log(v) : 0);
  for (let f = 0; f < cols; f++) {
    const order = Array.from(samples).sort((a, b) => bins[f * rows + a] - bins[f * rows + b]);
    const total = new Float64Array(Math.max(K, 1));
    let sum = 0;
    for (const s of order) {
      if (criterion === "friedman_mse") sum += target[s];
      else total[target[s]] += weight(s);
    }
    const left = new Float64Array(K);
    let sl = 0;
    let wl = 0;
    let wAll = 0;
    for (let k = 0; k < K; k++) wAll += total[k];
    for (let p = 1; p < m; p++) {
      const s = order[p - 1];
      if (criterion === "friedman_mse") sl += target[s];
      else {
        left[target[s]] += weight(s);
        wl += weight(s);
      }
      const a = bins[f * rows + s];
      const b = bins[f * rows + order[p]];
      if (a === b || p < minLeaf || m - p < minLeaf) continue;
      let proxy: number;
      if (criterion === "friedman_mse") {
        const diff = (m - p) * sl - p * (sum - sl);
        proxy = (diff * diff) / (p * (m - p));
      } else {
        let l = 0;
        let r = 0;
        for (let k = 0; k < K; k++) {
          const rk = total[k] - left[k];
          if (criterion === "gini") {
            l += left[k] * left[k];
            r += rk * rk;
          } else {
            l += xlogx(left[k]);
            r += xlogx(rk);
          }
        }
        const wr = wAll - wl;
        proxy = criterion === "gini" ? l / wl + r / wr : l - xlogx(wl) + r - xlogx(wr);
      }
      if (best === null || proxy > best.proxy) best = { feature: f, bin: a, proxy };
    }
  }
  return best;
}
