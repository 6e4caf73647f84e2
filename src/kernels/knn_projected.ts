import type { Matrix } from "../core/matrix.js";
import { Random } from "../random.js";
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
 */

/** Orthonormal columns spanning the leading principal directions of some rows. */
export interface Projection {
  /** cols x m, row-major (float32). */
  readonly basis: Float32Array;
  readonly m: number;
  /** Frobenius norm of basis^T basis - I (float64): ||basis^T x||^2 <= (1 + eps) ||x||^2. */
  readonly eps: number;
}

/**
 * Default dimensions of the projection. On standardized Fashion-MNIST (60,000 training
 * rows, k=5) 64 dimensions leave about 1,200 rows per query for the exact distance,
 * 128 about 420, 192 about 200; 128-160 balanced the two steps best here.
 */
export const PROJECTION_DIMENSIONS = 128;

/** Rows sampled for the principal directions (evenly spaced). */
const SAMPLE_ROWS = 4096;
/** Subspace-iteration steps. */
const ITERATIONS = 5;

/**
 * Orthonormalizes m vectors of length n, stored one after another in V (float64), in
 * place: modified Gram-Schmidt with `passes` orthogonalization passes per vector (two
 * make the result orthonormal to rounding error). A vector in the span of the earlier
 * ones (rank-deficient data) is replaced by a unit vector and orthogonalized again.
 */
function orthonormalize(V: Float64Array, n: number, m: number, passes: number): void {
  for (let c = 0; c < m; c++) {
    const v = V.subarray(c * n, (c + 1) * n);
    for (let attempt = 0; attempt <= n; attempt++) {
      for (let pass = 0; pass < passes; pass++) {
        for (let b = 0; b < c; b++) {
          const u = V.subarray(b * n, (b + 1) * n);
          let dot = 0;
          for (let j = 0; j < n; j++) dot += v[j] * u[j];
          for (let j = 0; j < n; j++) v[j] -= dot * u[j];
        }
      }
      let norm = 0;
      for (let j = 0; j < n; j++) norm += v[j] * v[j];
      norm = Math.sqrt(norm);
      if (norm > 1e-8) {
        for (let j = 0; j < n; j++) v[j] /= norm;
        break;
      }
      v.fill(0);
      v[(c + attempt) % n] = 1;
    }
  }
}

/** ||P^T P - I||_F (float64) of m float32 vectors of length n stored one after another. */
function orthonormalityError(V: Float32Array, n: number, m: number): number {
  let sum = 0;
  for (let a = 0; a < m; a++) {
    const u = V.subarray(a * n, (a + 1) * n);
    for (let b = a; b < m; b++) {
      const v = V.subarray(b * n, (b + 1) * n);
      let dot = 0;
      for (let j = 0; j < n; j++) dot += u[j] * v[j];
      const e = dot - (a === b ? 1 : 0);
      sum += a === b ? e * e : 2 * e * e;
    }
  }
  return Math.sqrt(sum);
}

const projections = new WeakMap<SharedHeap, WeakMap<Float32Array, Projection>>();

/**
 * leadingDirections of a heap-resident training matrix, found once per heap and matrix: a grid
 * run fits several nearest-neighbour configurations on the same training copy. Keyed by
 * T.data's identity; a basis found before the matrix changed only prunes less well, as
 * the search is exact with any basis.
 */
export function leadingDirectionsFor(heap: SharedHeap, T: Matrix, m: number): Projection {
  const perHeap = cacheOf(projections, heap, () => new WeakMap());
  const hit = perHeap.get(T.data);
  if (hit && hit.m === m && hit.basis.length === m * T.cols) return hit;
  const projection = leadingDirections(heap, T, m);
  perHeap.set(T.data, projection);
  return projection;
}

/**
 * The m leading principal directions of the rows of T (centered), by subspace
 * iteration on the covariance of an evenly spaced sample, from a fixed seed.
 */
export function leadingDirections(heap: SharedHeap, T: Matrix, m: number): Projection {
  const { rows, cols } = T;
  const wasm = kernelsFor(heap);
  const scratch = scratchFor(heap);
  scratch.reset();
  const ns = Math.min(rows, SAMPLE_ROWS);
  const sample = heap.f32(scratch.alloc(ns * cols * 4), ns * cols);
  const mean = new Float64Array(cols);
  for (let s = 0; s < ns; s++) {
    const r = Math.floor((s * rows) / ns);
    const row = T.data.subarray(r * cols, (r + 1) * cols);
    sample.set(row, s * cols);
    for (let j = 0; j < cols; j++) mean[j] += row[j];
  }
  for (let j = 0; j < cols; j++) mean[j] /= ns;
  // Covariance (times ns): S^T S - ns mean mean^T.
  const cov = scratch.alloc(cols * cols * 4);
  const work = scratch.alloc(Math.max(gemmWorkFloats(cols, ns), gemmWorkFloats(cols, cols)) * 4);
  wasm.gemm_f32(cols, cols, ns, sample.byteOffset, 1, cols, sample.byteOffset, cols, 1, cov, cols, 0, work);
  const C = heap.f32(cov, cols * cols);
  for (let a = 0; a < cols; a++) for (let b = 0; b < cols; b++) C[a * cols + b] -= ns * mean[a] * mean[b];

  // The m directions as rows of V (m x cols); C is symmetric, so V C is (C V^T)^T.
  const V = new Float64Array(m * cols);
  const random = new Random(20171);
  for (let i = 0; i < V.length; i++) V[i] = random.next() - 0.5;
  orthonormalize(V, cols, m, 1);
  const current = heap.f32(scratch.alloc(m * cols * 4), m * cols);
  const product = heap.f32(scratch.alloc(m * cols * 4), m * cols);
  for (let it = 0; it < ITERATIONS; it++) {
    current.set(V);
    wasm.gemm_f32(m, cols, cols, current.byteOffset, cols, 1, cov, cols, 1, product.byteOffset, cols, 0, work);
    V.set(product);
    // Only the last basis must be orthonormal to rounding error; the iterates need only be well conditioned.
    orthonormalize(V, cols, m, it === ITERATIONS - 1 ? 2 : 1);
  }
  const rowsOfBasis = Float32Array.from(V);
  const basis = new Float32Array(cols * m);
  for (let c = 0; c < m; c++) for (let j = 0; j < cols; j++) basis[j * m + c] = rowsOfBasis[c * cols + j];
  return { basis, m, eps: orthonormalityError(rowsOfBasis, cols, m) };
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
  /** Dimensions of the projection (default PROJECTION_DIMENSIONS, at most cols). */
  readonly dimensions?: number;
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
  const projection = options.projection ?? leadingDirections(heap, T, Math.min(cols, options.dimensions ?? PROJECTION_DIMENSIONS));
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
  return {
    search: "projected", basis, m, eps: projection.eps, tp, tpn, tpnMax, tNormMax, k, cols, nq, nt, train,
    kk: Math.max(k, Math.min(options.candidates ?? Math.max(16, 2 * k), nt)),
    blockRows: Math.max(5, Math.min(options.blockRows ?? 256, nq)),
    queries: scratch.pointerTo(Q.data),
    distances: scratch.alloc(nq * k * 8),
    indices: scratch.alloc(nq * k * 4),
  };
}

/** Bytes of the buffers of one kernel call of the projected search, in the order searchProjected allocates them. */
export function projectedBuffers(plan: ProjectedPlan): number[] {
  const { blockRows: rows, m, k, kk } = plan;
  return [
    gemmWorkFloats(m, plan.cols) * 4, rows * m * 4, rows * 4, rows * 8, rows * plan.nt * 4, topkWorkFloats(rows, m) * 4,
    kk * 4, kk * 4, k * 8, k * 4,
  ];
}

/** searchKNearest for the projected search: queries [from, from + rows). */
export function searchProjected(heap: SharedHeap, plan: ProjectedPlan, from: number, rows: number): number {
  const wasm = kernelsFor(heap);
  const scratch = scratchFor(heap);
  const [work, qp, qpn, qNorm, partial, pass, heapDist, heapIdx, candDist, candIdx] =
    projectedBuffers(plan).map((bytes) => scratch.alloc(bytes));
  const { k, kk, cols, m, train, nt } = plan;
  let exactDistances = 0;
  for (let q0 = from; q0 < from + rows; q0 += plan.blockRows) {
    const n = Math.min(plan.blockRows, from + rows - q0);
    const q = plan.queries + q0 * cols * 4;
    project(wasm, q, n, cols, plan.basis, m, qp, qpn, qNorm, work);
    const norms = heap.f64(qNorm, n);
    for (let i = 0; i < n; i++) norms[i] = Math.sqrt(norms[i]);
    exactDistances += wasm.sqeuclidean_projected_topk(
      q, n, train, nt, cols, qp, plan.tp, m, qpn, plan.tpn, qNorm, plan.tpnMax, plan.tNormMax, plan.eps,
      k, kk, partial, pass, heapDist, heapIdx, candDist, candIdx, plan.distances + q0 * k * 8, plan.indices + q0 * k * 4,
    );
  }
  return exactDistances;
}

/** Exact k nearest training rows of each query (squared Euclidean), pruned by the projection. */
export function kNearestProjected(heap: SharedHeap, Q: Matrix, T: Matrix, k: number, options: ProjectedOptions = {}): Neighbors & { readonly exactDistances: number } {
  const plan = planProjected(heap, Q, T, k, options);
  const found = plannedNeighbors(heap, plan, searchProjected(heap, plan, 0, Q.rows));
  return { ...found, exactDistances: found.exactDistances ?? 0 };
}
