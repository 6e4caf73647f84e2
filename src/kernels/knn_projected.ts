import type { Matrix } from "../core/matrix.js";
import type { KernelExports } from "../wasm/api.js";
import { cacheOf, scratchFor, type SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";
import { plannedNeighbors, topkWorkFloats, type Neighbors, type PlanLayout } from "./neighbors_layout.js";
import { gemmWorkFloats } from "./gemm.js";

/**
 * Exact squared-Euclidean k nearest neighbours, pruned by a projection on the training
 * rows' leading principal directions (assembly/knn_projected.ts): projected distances
 * (m multiply-adds per pair instead of cols) bound the true ones from below, so only the
 * rows they cannot rule out get an exact float64 distance. Same neighbours as the
 * float32 pass; on standardized Fashion-MNIST under 1% of the rows (about 440 of 60,000) need the exact distance.
 * The queries are taken grouped by similarity (localityOrder), so that the training rows
 * one query needs exactly are mostly still in cache for the next.
 */

/** Orthonormal columns spanning the leading principal directions of some rows. */
export interface Projection {
  /** cols x m, row-major (float32). */
  readonly basis: Float32Array;
  readonly m: number;
  /** Frobenius norm of basis^T basis - I (float64): ||basis^T x||^2 <= (1 + eps) ||x||^2. */
  readonly eps: number;
}

/** The projection's dimensions and the effort spent on finding its basis. */
export interface ProjectionSettings {
  readonly dimensions: number;
  /** Rows sampled for the principal directions (evenly spaced), at most. */
  readonly sampleRows: number;
  /** Subspace-iteration steps. */
  readonly iterations: number;
}

/**
 * The projection for nt training rows of `cols` features. More training rows bring the
 * k-th neighbour closer, so each query needs exact distances for fewer of them, and
 * the searches repay more dimensions and a better basis. Measured on standardized
 * Fashion-MNIST, k = 5, one thread (bench/knn_search_path.mjs and the settings' own sweep):
 * - 60,000 rows: 64 dimensions leave about 1,200 rows per query for the exact distance,
 *   128 about 420, 192 about 200; 128-160 balanced the two steps best. A basis from
 *   4,096 rows and 5 steps (0.17 s) leaves 370 rows, 1 step 480, 1,024 rows 500-560.
 * - 10,000 rows (3,000 queries): 96 dimensions; bases from 1,024 or 4,096 rows and 1 or
 *   2 steps within 10 % of each other in all (0.44-0.50 s), the basis 0.02-0.07 s of it.
 * - 3,000 rows (1,000 queries): 48-64 dimensions; a basis from 1,024 rows and 1 step
 *   costs under 0.01 s once warm and leaves 190 rows per query, against 175 after 5
 *   steps on 4,096 rows (0.07-0.1 s); the search itself takes about 0.05 s.
 */
export function projectionSettings(nt: number, cols: number): ProjectionSettings {
  if (nt < 5000) return { dimensions: Math.min(cols, 48), sampleRows: 1024, iterations: 1 };
  if (nt < 20000) return { dimensions: Math.min(cols, 96), sampleRows: 1024, iterations: 2 };
  return { dimensions: Math.min(cols, 128), sampleRows: 4096, iterations: 5 };
}

const projections = new WeakMap<SharedHeap, WeakMap<Float32Array, Projection>>();

/**
 * leadingDirections of a heap-resident training matrix, found once per heap and matrix: a grid
 * run fits several nearest-neighbour configurations on the same training copy. Keyed by
 * T.data's identity; a basis found before the matrix changed only prunes less well, as
 * the search is exact with any basis.
 */
export function leadingDirectionsFor(heap: SharedHeap, T: Matrix, settings: ProjectionSettings): Projection {
  const perHeap = cacheOf(projections, heap, () => new WeakMap());
  const hit = perHeap.get(T.data);
  if (hit && hit.m === settings.dimensions && hit.basis.length === hit.m * T.cols) return hit;
  const projection = leadingDirections(heap, T, settings);
  perHeap.set(T.data, projection);
  return projection;
}

/**
 * The m leading principal directions of the rows of T (centered), by subspace
 * iteration on the covariance C of an evenly spaced sample S (ns rows), starting from
 * m of the sample's rows. Each step multiplies the m directions by C, through whichever
 * costs fewer multiply-adds: C formed once (cols^2 ns, then m cols^2 a step), or V C as
 * (S V^T centered)^T S without forming it (2 m ns cols a step; the centered scores of a
 * direction sum to zero over the sample, so the mean's term of C drops out). The
 * arithmetic is in wasm (gemm_f32, orthonormal.ts), so a first call costs little JS warm-up.
 */
export function leadingDirections(heap: SharedHeap, T: Matrix, settings: ProjectionSettings): Projection {
  const { rows, cols } = T;
  const { dimensions: m, iterations } = settings;
  if (!(m >= 1 && m <= cols && iterations >= 1 && settings.sampleRows >= 1)) {
    throw new RangeError(`leadingDirections: need 1 <= dimensions <= ${cols} and at least one sample row and step; got ${JSON.stringify(settings)}`);
  }
  const wasm = kernelsFor(heap);
  const scratch = scratchFor(heap);
  scratch.reset();
  const ns = Math.min(rows, settings.sampleRows);
  const sample = heap.f32(scratch.alloc(ns * cols * 4), ns * cols);
  for (let s = 0; s < ns; s++) {
    const r = Math.floor((s * rows) / ns);
    sample.set(T.data.subarray(r * cols, (r + 1) * cols), s * cols);
  }
  const formCovariance = cols * cols * ns + iterations * m * cols * cols <= iterations * 2 * m * ns * cols;
  const work = scratch.alloc(Math.max(gemmWorkFloats(cols, ns), gemmWorkFloats(formCovariance ? cols : m, cols)) * 4);
  // The sample's mean (float32 sums: the basis need not be exact, only orthonormal).
  const ones = heap.f32(scratch.alloc(ns * 4), ns).fill(1);
  const mean = heap.f32(scratch.alloc(cols * 4), cols);
  wasm.gemm_f32(1, cols, ns, ones.byteOffset, ns, 1, sample.byteOffset, cols, 1, mean.byteOffset, cols, 0, work);
  for (let j = 0; j < cols; j++) mean[j] /= ns;
  const current = heap.f32(scratch.alloc(m * cols * 4), m * cols);
  const product = heap.f32(scratch.alloc(m * cols * 4), m * cols);
  let cov = 0;
  let scores: Float32Array | null = null;
  if (formCovariance) {
    // Covariance (times ns): S^T S, then less ns mean mean^T (a rank-one product added).
    cov = scratch.alloc(cols * cols * 4);
    wasm.gemm_f32(cols, cols, ns, sample.byteOffset, 1, cols, sample.byteOffset, cols, 1, cov, cols, 0, work);
    const scaled = heap.f32(scratch.alloc(cols * 4), cols);
    for (let j = 0; j < cols; j++) scaled[j] = -ns * mean[j];
    wasm.gemm_f32(cols, cols, 1, scaled.byteOffset, 1, 1, mean.byteOffset, cols, 1, cov, cols, 1, work);
  } else {
    scores = heap.f32(scratch.alloc(ns * m * 4), ns * m);
  }
  const shifts = heap.f32(scratch.alloc(m * 4), m);

  // The m directions as rows of V (m x cols, float64), starting from evenly spaced sample
  // rows less the mean (in the data's span already); C is symmetric, so V C is (C V^T)^T.
  const V = heap.f64(scratch.alloc(m * cols * 8), m * cols);
  for (let c = 0; c < m; c++) {
    const row = Math.floor((c * ns) / m) * cols;
    for (let j = 0; j < cols; j++) V[c * cols + j] = sample[row + j] - mean[j];
  }
  wasm.orthonormalize_rows_f64(V.byteOffset, cols, m, 1);
  for (let it = 0; it < iterations; it++) {
    current.set(V);
    if (scores) {
      // scores = S V^T (ns x m), less each direction's score of the mean; then V C = scores^T S.
      wasm.gemm_f32(ns, m, cols, sample.byteOffset, cols, 1, current.byteOffset, 1, cols, scores.byteOffset, m, 0, work);
      wasm.gemm_f32(1, m, cols, mean.byteOffset, cols, 1, current.byteOffset, 1, cols, shifts.byteOffset, m, 0, work);
      for (let c = 0; c < m; c++) shifts[c] = -shifts[c];
      wasm.gemm_f32(ns, m, 1, ones.byteOffset, 1, 1, shifts.byteOffset, m, 1, scores.byteOffset, m, 1, work);
      wasm.gemm_f32(m, cols, ns, scores.byteOffset, 1, m, sample.byteOffset, cols, 1, product.byteOffset, cols, 0, work);
    } else {
      wasm.gemm_f32(m, cols, cols, current.byteOffset, cols, 1, cov, cols, 1, product.byteOffset, cols, 0, work);
    }
    V.set(product);
    // Only the last basis must be orthonormal to rounding error; the iterates need only be well conditioned.
    wasm.orthonormalize_rows_f64(V.byteOffset, cols, m, it === iterations - 1 ? 2 : 1);
  }
  current.set(V);
  const basis = new Float32Array(cols * m);
  for (let c = 0; c < m; c++) for (let j = 0; j < cols; j++) basis[j * m + c] = current[c * cols + j];
  return { basis, m, eps: wasm.orthonormality_error_f32(current.byteOffset, cols, m) };
}

/** Projection of `rows` rows at X (cols wide) onto the basis: out (rows x m), their float32 squared norms, and ||x|| (f64) of the inputs. */
function project(
  wasm: KernelExports, X: number, rows: number, cols: number, basis: number, m: number,
  out: number, outNorms: number, inputNorms: number, work: number,
): void {
  wasm.gemm_f32(rows, m, cols, X, cols, 1, basis, m, 1, out, m, 0, work);
  wasm.sqnorm_f32(out, rows, m, outNorms, 0);
  wasm.sqnorm_f32(X, rows, cols, 0, inputNorms);
}

export interface ProjectedOptions {
  /** The projection's dimensions and basis effort (default projectionSettings of the training rows). */
  readonly settings?: ProjectionSettings;
  /** Rows nearest in projection whose exact distances bound the k-th (default max(16, 2k)). */
  readonly candidates?: number;
  /** Queries per kernel call (default 256; the call keeps block x training rows float32 distances). */
  readonly blockRows?: number;
  /** A basis computed before (leadingDirections of these training rows). */
  readonly projection?: Projection;
}

/** The projected search (see planKNearest): the basis and the projected training rows, in the heap. */
export interface ProjectedPlan extends PlanLayout {
  readonly search: "projected";
  /** cols x m float32 basis, and ||basis^T basis - I||_F. */
  readonly basis: number;
  readonly m: number;
  readonly eps: number;
  /** nt x m projected training rows and their nt float32 squared norms. */
  readonly tp: number;
  readonly tpn: number;
  /** The largest projected squared norm and the largest norm ||t|| over the training rows. */
  readonly tpnMax: number;
  readonly tNormMax: number;
  /** nq int32 query indices in the order the search takes them (localityOrder); results go to each query's own row. */
  readonly order: number;
}

/** Queries below this many are searched in their own order. */
const LOCALITY_MIN_QUERIES = 64;
/** Leading projected dimensions and pivots that localityOrder groups the queries by. */
const LOCALITY_DIMENSIONS = 8;
const LOCALITY_PIVOTS = 64;

/**
 * An order of the nq queries that takes similar queries one after another: each query
 * goes to the nearest of up to 64 pivots (evenly spaced training rows) by its first
 * eight projected coordinates, and the queries are taken pivot by pivot, in index order
 * within one. Similar queries need the exact distances of mostly the same training
 * rows, which are then still in cache. Any order gives the same neighbours: each
 * query's search depends only on that query.
 */
function localityOrder(
  heap: SharedHeap, wasm: KernelExports, queries: number, nq: number, cols: number, basis: number, m: number,
  tp: number, nt: number, work: number, out: number,
): void {
  const order = heap.i32(out, nq);
  if (nq < LOCALITY_MIN_QUERIES) {
    for (let i = 0; i < nq; i++) order[i] = i;
    return;
  }
  const d = Math.min(LOCALITY_DIMENSIONS, m);
  const pivots = Math.min(LOCALITY_PIVOTS, nt);
  const scratch = scratchFor(heap);
  const lead = scratch.alloc(nq * d * 4);
  // The first d columns of the basis: B's rows are m apart.
  wasm.gemm_f32(nq, d, cols, queries, cols, 1, basis, m, 1, lead, d, 0, work);
  const q = heap.f32(lead, nq * d);
  const t = heap.f32(tp, nt * m);
  const piv = new Float32Array(pivots * d);
  for (let p = 0; p < pivots; p++) {
    const row = Math.floor((p * nt) / pivots);
    for (let c = 0; c < d; c++) piv[p * d + c] = t[row * m + c];
  }
  const group = new Int32Array(nq);
  const count = new Int32Array(pivots + 1);
  for (let i = 0; i < nq; i++) {
    let best = Infinity;
    let at = 0;
    for (let p = 0; p < pivots; p++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const v = q[i * d + c] - piv[p * d + c];
        s += v * v;
      }
      if (s < best) {
        best = s;
        at = p;
      }
    }
    group[i] = at;
    count[at + 1]++;
  }
  for (let p = 0; p < pivots; p++) count[p + 1] += count[p];
  for (let i = 0; i < nq; i++) order[count[group[i]]++] = i;
}

/**
 * Lays out the projected search in this thread's scratch (see planKNearest): finds the
 * basis (unless given) and projects the training rows once, for every block of queries.
 */
export function planProjected(heap: SharedHeap, Q: Matrix, T: Matrix, k: number, options: ProjectedOptions = {}): ProjectedPlan {
  const nq = Q.rows;
  const nt = T.rows;
  const cols = Q.cols;
  // leadingDirections resets this scratch: it comes first.
  const projection = options.projection ?? leadingDirections(heap, T, options.settings ?? projectionSettings(nt, cols));
  const m = projection.m;
  const wasm = kernelsFor(heap);
  const scratch = scratchFor(heap);
  scratch.reset();
  const train = scratch.pointerTo(T.data);
  const basis = scratch.alloc(cols * m * 4);
  heap.f32(basis, cols * m).set(projection.basis);
  const work = scratch.alloc(gemmWorkFloats(m, cols) * 4);
  const tp = scratch.alloc(nt * m * 4);
  const tpn = scratch.alloc(nt * 4);
  const tNorm = scratch.alloc(nt * 8);
  project(wasm, train, nt, cols, basis, m, tp, tpn, tNorm, work);
  let tpnMax = 0;
  for (const v of heap.f32(tpn, nt)) tpnMax = Math.max(tpnMax, v);
  let tNormMax = 0;
  for (const v of heap.f64(tNorm, nt)) tNormMax = Math.max(tNormMax, Math.sqrt(v));
  const queries = scratch.pointerTo(Q.data);
  const order = scratch.alloc(nq * 4);
  localityOrder(heap, wasm, queries, nq, cols, basis, m, tp, nt, work, order);
  return {
    search: "projected", basis, m, eps: projection.eps, tp, tpn, tpnMax, tNormMax, k, cols, nq, nt, train, order,
    kk: Math.max(k, Math.min(options.candidates ?? Math.max(16, 2 * k), nt)),
    blockRows: Math.max(5, Math.min(options.blockRows ?? 256, nq)),
    queries,
    distances: scratch.alloc(nq * k * 8),
    indices: scratch.alloc(nq * k * 4),
  };
}

/** Bytes of the buffers of one kernel call of the projected search, in the order searchProjected allocates them. */
export function projectedBuffers(plan: ProjectedPlan): number[] {
  const { blockRows: rows, m, k, kk } = plan;
  return [
    gemmWorkFloats(m, plan.cols) * 4, rows * m * 4, rows * 4, rows * 8, rows * plan.nt * 4, topkWorkFloats(rows, m) * 4,
    kk * 4, kk * 4, k * 8, k * 4, rows * plan.cols * 4, rows * k * 8, rows * k * 4,
  ];
}

/**
 * searchKNearest for the projected search: the queries at positions [from, from + rows)
 * of plan.order, each block gathered into a contiguous copy and its results written
 * to the queries' own rows.
 */
export function searchProjected(heap: SharedHeap, plan: ProjectedPlan, from: number, rows: number): number {
  const wasm = kernelsFor(heap);
  const scratch = scratchFor(heap);
  const [work, qp, qpn, qNorm, partial, pass, heapDist, heapIdx, candDist, candIdx, block, blockDist, blockIdx] =
    projectedBuffers(plan).map((bytes) => scratch.alloc(bytes));
  const { k, kk, cols, m, train, nt } = plan;
  const order = heap.i32(plan.order, plan.nq);
  let exactDistances = 0;
  for (let q0 = from; q0 < from + rows; q0 += plan.blockRows) {
    const n = Math.min(plan.blockRows, from + rows - q0);
    wasm.gather_rows_f32(plan.queries, cols, plan.order + q0 * 4, n, block);
    project(wasm, block, n, cols, plan.basis, m, qp, qpn, qNorm, work);
    const norms = heap.f64(qNorm, n);
    for (let i = 0; i < n; i++) norms[i] = Math.sqrt(norms[i]);
    exactDistances += wasm.sqeuclidean_projected_topk(
      block, n, train, nt, cols, qp, plan.tp, m, qpn, plan.tpn, qNorm, plan.tpnMax, plan.tNormMax, plan.eps,
      k, kk, partial, pass, heapDist, heapIdx, candDist, candIdx, blockDist, blockIdx,
    );
    const dist = heap.f64(plan.distances, plan.nq * k);
    const idx = heap.i32(plan.indices, plan.nq * k);
    const bd = heap.f64(blockDist, n * k);
    const bi = heap.i32(blockIdx, n * k);
    for (let t = 0; t < n; t++) {
      const at = order[q0 + t] * k;
      dist.set(bd.subarray(t * k, t * k + k), at);
      idx.set(bi.subarray(t * k, t * k + k), at);
    }
  }
  return exactDistances;
}

/** Exact k nearest training rows of each query (squared Euclidean), pruned by the projection. */
export function kNearestProjected(heap: SharedHeap, Q: Matrix, T: Matrix, k: number, options: ProjectedOptions = {}): Neighbors & { readonly exactDistances: number } {
  const plan = planProjected(heap, Q, T, k, options);
  const found = plannedNeighbors(heap, plan, searchProjected(heap, plan, 0, Q.rows));
  return { ...found, exactDistances: found.exactDistances ?? 0 };
}
