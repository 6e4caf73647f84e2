import type { SharedHeap } from "../wasm/heap.js";

// What the two exact k-nearest-neighbour searches (distance.ts: float32 over every row;
// knn_projected.ts: pruned by a projection) share: their output, their layout in the
// heap, and the top-k kernels' work buffer.

/** The k nearest training rows of each query, row-major nq x k. */
export interface Neighbors {
  readonly k: number;
  /** Training row indices, nearest first, ties by index; -1 where fewer than k rows exist. */
  readonly indices: Int32Array;
  /** float64 distances (squared for sqeuclidean); Infinity where the index is -1. */
  readonly distances: Float64Array;
  /** Queries whose float32 candidates could not be proven complete and were rescanned in float64. */
  readonly rescans: number;
  /** Projected search: training rows whose exact distance was computed (the rest were ruled out). */
  readonly exactDistances?: number;
}

/** What both searches lay out. */
export interface PlanLayout {
  readonly k: number;
  /** Candidates kept per query before the exact pass. */
  readonly kk: number;
  readonly cols: number;
  /** Queries per kernel call; blocks of queries start at multiples of it. */
  readonly blockRows: number;
  /** nq x cols float32 query rows. */
  readonly queries: number;
  readonly nq: number;
  /** nt x cols float32 training rows. */
  readonly train: number;
  readonly nt: number;
  /** Output, nq x k: float64 distances (squared for sqeuclidean) and int32 training indices. */
  readonly distances: number;
  readonly indices: number;
}

/**
 * Floats of the work buffer of the squared Euclidean kernels (assembly/distance.ts):
 * a packed training block (TRAIN_BLOCK x cols), the queries packed in groups of five
 * and a 5 x TRAIN_BLOCK distance tile. (The p=1 top-k kernel needs 4 x TRAIN_BLOCK.)
 */
export function topkWorkFloats(nq: number, cols: number): number {
  const TRAIN_BLOCK = 128;
  return Math.max(4 * TRAIN_BLOCK, TRAIN_BLOCK * cols + Math.ceil(nq / 5) * 5 * cols + 5 * TRAIN_BLOCK);
}

/**
 * The searched plan's neighbour lists, copied out of the heap; `count` is the sum of
 * searchKNearest's returns over the blocks.
 */
export function plannedNeighbors(heap: SharedHeap, plan: PlanLayout & { readonly search: "float32" | "projected" }, count: number): Neighbors {
  const n = plan.nq * plan.k;
  const found = { k: plan.k, indices: heap.i32(plan.indices, n).slice(), distances: heap.f64(plan.distances, n).slice() };
  return plan.search === "float32" ? { ...found, rescans: count } : { ...found, rescans: 0, exactDistances: count };
}
