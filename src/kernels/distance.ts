import type { Matrix } from "../core/matrix.js";
import { ShapeError } from "../errors.js";
import { scratchFor, type SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";
import { sqNormsAt } from "./linalg.js";
import { planProjected, projectedBuffers, searchProjected, type ProjectedPlan, type Projection } from "./knn_projected.js";
import { plannedNeighbors, topkWorkFloats, type Neighbors, type PlanLayout } from "./neighbors_layout.js";

/**
 * Pairwise distances and exact k-nearest-neighbour search in WASM (assembly/distance.ts).
 * Distances are computed in float32 with SIMD; neighbour lists are then made exact in
 * float64 (see `kNearest`). Inputs outside the heap are copied into scratch space
 * once per call; pass heap-resident matrices to avoid the copy.
 */

/** `sqeuclidean` (p=2; distances are squared) or `manhattan` (p=1). */
export type DistanceMetric = "sqeuclidean" | "manhattan";

export interface KNearestOptions {
  /** Float32 squared norms of the training rows (sqNorms), heap-resident; computed when absent. */
  readonly trainNorms?: Float32Array;
  /** Candidates kept per query in the float32 pass (default k + 8). */
  readonly candidates?: number;
  /** Queries per kernel call (default 256). */
  readonly blockRows?: number;
  /**
   * Squared Euclidean only: "projected" prunes with a projection on the training rows'
   * leading principal directions (src/kernels/knn_projected.ts), "float32" runs the
   * float32 pass over every row; both give the same exact neighbours. Default: the one
   * chooseSearch expects to be faster.
   */
  readonly search?: "projected" | "float32";
  /** A basis found before for these training rows (leadingDirections), for the projected search. */
  readonly projection?: Projection;
}

/**
 * Query-training pairs from which the projected search beats the float32 pass: when it
 * must first find its basis (projectionSettings: 0.03-0.07 s of CPU for 784 features under
 * 20,000 training rows, 0.3 s at 60,000), and when the basis is already known. Measured
 * on standardized Fashion-MNIST, k = 5, one thread (bench/knn_search_path.mjs): the
 * float32 pass costs 33-39 ns a pair, the projected search with a known basis 14-20 ns
 * from 1e6 pairs (32-35 ns at 2e5-9e5), so the basis is repaid from about 2e6 pairs
 * (2,000 x 1,000: 0.072 s against 0.063 s; 3,000 x 300: 0.050 s against 0.057 s).
 */
const PROJECTED_FROM_PAIRS = 2e6;
/** Fewer features than this are searched by the float32 pass: too few to project. */
const PROJECTED_FROM_COLS = 256;
const PROJECTED_FROM_PAIRS_WITH_BASIS = 1e6;

/**
 * The search planKNearest takes by default for nq queries against nt training rows of
 * `cols` features: the projected one where there are enough pairs to repay its basis (or
 * `basisKnown`) and enough features to project, else the float32 pass.
 */
export function chooseSearch(metric: DistanceMetric, nq: number, nt: number, cols: number, basisKnown: boolean): "projected" | "float32" {
  if (metric !== "sqeuclidean" || nq < 64 || nt < 2000 || cols < PROJECTED_FROM_COLS) return "float32";
  return nq * nt >= (basisKnown ? PROJECTED_FROM_PAIRS_WITH_BASIS : PROJECTED_FROM_PAIRS) ? "projected" : "float32";
}

function checkCols(op: string, Q: Matrix, T: Matrix): void {
  if (Q.cols !== T.cols) throw new ShapeError(`${op}: queries have ${Q.cols} features but training rows have ${T.cols}`);
  if (Q.data.length !== Q.rows * Q.cols || T.data.length !== T.rows * T.cols) {
    throw new ShapeError(`${op}: matrix data does not match its shape`);
  }
}

/** Float32 squared row norms in the heap (kept until the heap is discarded). */
export function sqNorms(heap: SharedHeap, X: Matrix): Float32Array {
  const out = heap.allocF32(X.rows);
  sqNormsInto(heap, X, out);
  return out;
}

/** Float32 squared row norms of X into `out`, a heap array of X.rows values. */
export function sqNormsInto(heap: SharedHeap, X: Matrix, out: Float32Array): void {
  if (!heap.owns(out) || out.length !== X.rows) throw new RangeError(`sqNormsInto: out must be a heap array of ${X.rows} values`);
  if (X.rows === 0) return;
  const scratch = scratchFor(heap);
  scratch.reset();
  sqNormsAt(heap, scratch.pointerTo(X.data), X.rows, X.cols, out.byteOffset, 0);
}

/** out[i * T.rows + j] = ||Q[i] - T[j]||^2, float32, through the norm expansion. */
export function sqeuclideanDistances(heap: SharedHeap, Q: Matrix, T: Matrix, out: Float32Array): void {
  checkCols("sqeuclideanDistances", Q, T);
  if (out.length !== Q.rows * T.rows) throw new RangeError(`sqeuclideanDistances: out must have ${Q.rows * T.rows} values`);
  if (Q.rows === 0 || T.rows === 0) return;
  const k = kernelsFor(heap);
  const scratch = scratchFor(heap);
  scratch.reset();
  const q = scratch.pointerTo(Q.data);
  const t = scratch.pointerTo(T.data);
  const qn = scratch.alloc(Q.rows * 4);
  const tn = scratch.alloc(T.rows * 4);
  sqNormsAt(heap, q, Q.rows, Q.cols, qn, 0);
  sqNormsAt(heap, t, T.rows, T.cols, tn, 0);
  const dst = heap.owns(out) ? out.byteOffset : scratch.alloc(out.byteLength);
  const work = scratch.alloc(topkWorkFloats(Q.rows, Q.cols) * 4);
  k.sqeuclidean_f32(q, Q.rows, t, T.rows, Q.cols, qn, tn, dst, work);
  if (!heap.owns(out)) out.set(heap.f32(dst, out.length));
}

/** out[i * T.rows + j] = sum_l |Q[i, l] - T[j, l]|, float32. */
export function manhattanDistances(heap: SharedHeap, Q: Matrix, T: Matrix, out: Float32Array): void {
  checkCols("manhattanDistances", Q, T);
  if (out.length !== Q.rows * T.rows) throw new RangeError(`manhattanDistances: out must have ${Q.rows * T.rows} values`);
  if (Q.rows === 0 || T.rows === 0) return;
  const scratch = scratchFor(heap);
  scratch.reset();
  const q = scratch.pointerTo(Q.data);
  const t = scratch.pointerTo(T.data);
  const dst = heap.owns(out) ? out.byteOffset : scratch.alloc(out.byteLength);
  kernelsFor(heap).manhattan_f32(q, Q.rows, t, T.rows, Q.cols, dst);
  if (!heap.owns(out)) out.set(heap.f32(dst, out.length));
}

/**
 * A k-nearest-neighbour search laid out in the heap by planKNearest: the training side
 * (rows, norms or projection) and the whole query set, as heap offsets and counts.
 * It holds numbers only, so it crosses to other threads attached to the same heap, and
 * any of them may search a block of its queries (searchKNearest) into its own scratch;
 * each block writes its own rows of the output.
 */
export type KNearestPlan = Float32Plan | ProjectedPlan;

/** The float32 pass over every training row (squared Euclidean or Manhattan). */
export interface Float32Plan extends PlanLayout {
  readonly search: "float32";
  readonly metric: DistanceMetric;
  /** Float32 squared training norms (squared Euclidean; 0 for Manhattan). */
  readonly trainNorms: number;
}

/**
 * Lays out the search for the k nearest rows of T for every row of Q (see kNearest) in
 * this thread's scratch: the training side (norms, or the projection of the projected
 * search) and a copy of the queries if the heap does not hold them. Nothing else may
 * reset that scratch until the search is done.
 */
export function planKNearest(
  heap: SharedHeap, Q: Matrix, T: Matrix, k: number, metric: DistanceMetric, options: KNearestOptions = {},
): KNearestPlan {
  checkCols("kNearest", Q, T);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`kNearest: k must be a positive integer; got ${k}`);
  const nq = Q.rows;
  const nt = T.rows;
  const cols = Q.cols;
  const search = options.search ?? chooseSearch(metric, nq, nt, cols, options.projection !== undefined);
  if (metric === "sqeuclidean" && search === "projected") {
    return planProjected(heap, Q, T, k, { blockRows: options.blockRows, projection: options.projection });
  }
  const scratch = scratchFor(heap);
  scratch.reset();
  const train = scratch.pointerTo(T.data);
  let trainNorms = 0;
  if (metric === "sqeuclidean") {
    if (options.trainNorms && heap.owns(options.trainNorms) && options.trainNorms.length === nt) {
      trainNorms = options.trainNorms.byteOffset;
    } else {
      trainNorms = scratch.alloc(nt * 4);
      sqNormsAt(heap, train, nt, cols, trainNorms, 0);
    }
  }
  return {
    search: "float32", metric, trainNorms, k, cols, nq, nt, train,
    kk: Math.max(k, Math.min(options.candidates ?? k + 8, Math.max(nt, 1))),
    blockRows: Math.max(4, Math.min(options.blockRows ?? 256, nq)),
    queries: scratch.pointerTo(Q.data),
    distances: scratch.alloc(nq * k * 8),
    indices: scratch.alloc(nq * k * 4),
  };
}

/** Bytes of the buffers of one kernel call of the float32 pass, in the order searchFloat32 allocates them. */
function float32Buffers(plan: Float32Plan): number[] {
  const rows = plan.blockRows;
  const tile = plan.metric === "sqeuclidean" ? topkWorkFloats(rows, plan.cols) : 4 * 128;
  return [rows * plan.kk * 4, rows * plan.kk * 4, tile * 4, rows * 4];
}

/** Scratch bytes a searchKNearest call allocates (any block of queries). */
export function searchScratchBytes(plan: KNearestPlan): number {
  const buffers = plan.search === "float32" ? float32Buffers(plan) : projectedBuffers(plan);
  return buffers.reduce((sum, bytes) => sum + Math.ceil(Math.max(bytes, 1) / 64) * 64, 0);
}

/**
 * Searches queries [from, from + rows) of the plan, writing their rows of the output,
 * with buffers from this thread's current scratch (not reset). Returns the queries that
 * were rescanned in float64 (float32 pass) or the exact distances computed (projected).
 * Every query's neighbours are the same whichever blocks it is searched in.
 */
export function searchKNearest(heap: SharedHeap, plan: KNearestPlan, from: number, rows: number): number {
  return plan.search === "float32" ? searchFloat32(heap, plan, from, rows) : searchProjected(heap, plan, from, rows);
}

function searchFloat32(heap: SharedHeap, plan: Float32Plan, from: number, rows: number): number {
  const kernels = kernelsFor(heap);
  const scratch = scratchFor(heap);
  const [heapDist, heapIdx, tile, qn] = float32Buffers(plan).map((bytes) => scratch.alloc(bytes));
  const { k, kk, cols, train, nt } = plan;
  let rescans = 0;
  for (let q0 = from; q0 < from + rows; q0 += plan.blockRows) {
    const n = Math.min(plan.blockRows, from + rows - q0);
    const q = plan.queries + q0 * cols * 4;
    const outDist = plan.distances + q0 * k * 8;
    const outIdx = plan.indices + q0 * k * 4;
    rescans += plan.metric === "sqeuclidean"
      ? kernels.sqeuclidean_f32_topk(q, n, train, nt, cols, plan.trainNorms, k, kk, heapDist, heapIdx, tile, qn, outDist, outIdx)
      : kernels.manhattan_f32_topk(q, n, train, nt, cols, k, kk, heapDist, heapIdx, tile, outDist, outIdx);
  }
  return rescans;
}

/**
 * The exact k nearest rows of T for every row of Q. A float32 SIMD pass keeps
 * `candidates` rows per query inside WASM (the Q x T distance matrix is never
 * stored); their distances are recomputed in float64 and sorted by (distance,
 * index). A rounding-error bound proves no other row can enter the top k; a query
 * where it cannot is rescanned in float64. The result therefore equals
 * `kNearestReference` up to float64 summation order. (KNeighborsClassifier runs the
 * same plan in blocks of queries that idle threads may take.)
 */
export function kNearest(
  heap: SharedHeap, Q: Matrix, T: Matrix, k: number, metric: DistanceMetric, options: KNearestOptions = {},
): Neighbors {
  const plan = planKNearest(heap, Q, T, k, metric, options);
  return plannedNeighbors(heap, plan, searchKNearest(heap, plan, 0, plan.nq));
}

// ---------------------------------------------------------------- plain-TS references

/** Plain-TS reference of sqeuclideanDistances (float64 differences, rounded to float32). */
export function sqeuclideanDistancesReference(Q: Matrix, T: Matrix, out: Float32Array): void {
  for (let i = 0; i < Q.rows; i++) {
    for (let j = 0; j < T.rows; j++) out[i * T.rows + j] = rowDistance("sqeuclidean", Q, i, T, j);
  }
}

/** Plain-TS reference of manhattanDistances. */
export function manhattanDistancesReference(Q: Matrix, T: Matrix, out: Float32Array): void {
  for (let i = 0; i < Q.rows; i++) {
    for (let j = 0; j < T.rows; j++) out[i * T.rows + j] = rowDistance("manhattan", Q, i, T, j);
  }
}

function rowDistance(metric: DistanceMetric, Q: Matrix, i: number, T: Matrix, j: number): number {
  const cols = Q.cols;
  let s = 0;
  for (let l = 0; l < cols; l++) {
    const d = Q.data[i * cols + l] - T.data[j * cols + l];
    s += metric === "sqeuclidean" ? d * d : Math.abs(d);
  }
  return s;
}

/** Plain-TS reference of kNearest: float64 distances to every row, stable sort by (distance, index). */
export function kNearestReference(Q: Matrix, T: Matrix, k: number, metric: DistanceMetric): Neighbors {
  const indices = new Int32Array(Q.rows * k).fill(-1);
  const distances = new Float64Array(Q.rows * k).fill(Infinity);
  const order = Array.from({ length: T.rows }, (_, j) => j);
  const d = new Float64Array(T.rows);
  for (let i = 0; i < Q.rows; i++) {
    for (let j = 0; j < T.rows; j++) d[j] = rowDistance(metric, Q, i, T, j);
    const sorted = order.slice().sort((a, b) => d[a] - d[b] || a - b);
    for (let r = 0; r < Math.min(k, T.rows); r++) {
      indices[i * k + r] = sorted[r];
      distances[i * k + r] = d[sorted[r]];
    }
  }
  return { k, indices, distances, rescans: 0 };
}
