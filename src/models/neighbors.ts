import type { Matrix } from "../core/matrix.js";
import { NotFittedError, ParamError, ShapeError } from "../errors.js";
import { chooseSearch, planKNearest, searchKNearest, searchScratchBytes, sqNormsInto, type KNearestPlan } from "../kernels/distance.js";
import { leadingDirections, leadingDirectionsFor, projectionSettings, type Projection } from "../kernels/knn_projected.js";
import { argmaxRows } from "../kernels/linalg.js";
import { plannedNeighbors } from "../kernels/neighbors_layout.js";
import { definePieces, runPieces } from "../parallel/pieces.js";
import type { SharedHeap } from "../wasm/heap.js";
import { threadHeap } from "../wasm/load.js";
import { BaseClassifier, checkFinite } from "./estimator.js";
import { MlKnnNeighbors } from "./mljs/knn.js";
import type { ParamSpecs, ParamsOf } from "../params.js";

const KNEIGHBORS_PARAMS = {
  n_neighbors: { default: 5, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  weights: { default: "uniform", constraints: [{ kind: "options", values: ["uniform", "distance"] }] },
  // Accepted so that grids move between fmbench and scikit-learn; the search is always brute force.
  algorithm: { default: "auto", constraints: [{ kind: "options", values: ["auto", "ball_tree", "kd_tree", "brute"] }] },
  leaf_size: { default: 30, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  // scikit-learn accepts any p >= 1; fmbench implements the two the upstream grid uses.
  p: { default: 2, constraints: [{ kind: "options", values: [1, 2] }] },
  metric: {
    default: "minkowski",
    constraints: [{ kind: "options", values: ["minkowski", "euclidean", "l2", "manhattan", "cityblock", "l1"] }],
  },
  metric_params: { default: null, constraints: [{ kind: "null" }] },
  // One worker runs one task; parallelism comes from the pool, not from n_jobs.
  n_jobs: { default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int" }] },
  /** fmbench only: "wasm" (SIMD kernels) or "mljs" (ml-knn, the slow reference engine). */
  engine: { default: "wasm", constraints: [{ kind: "options", values: ["wasm", "mljs"] }] },
} as const satisfies ParamSpecs;

/** KNeighborsClassifier's constructor params, typed from its declarations above. */
export type KNeighborsClassifierParams = ParamsOf<typeof KNEIGHBORS_PARAMS>;

/**
 * Queries per piece of a kneighbors call. A multiple of the search's 256-query kernel
 * block, so a piece's kernel calls are those of a search of all queries at once; the
 * training side (rows, norms, or the projection) is laid out once per call, before the
 * pieces, and shared.
 */
const QUERY_PIECE_ROWS = 256;

/** Searches the queries of piece `index` into the plan's output; returns its rescans or exact distances. */
const QUERY_PIECES = definePieces("KNeighborsClassifier.queries", (plan: KNearestPlan, index: number, heap: SharedHeap): number => {
  const from = index * QUERY_PIECE_ROWS;
  return searchKNearest(heap, plan, from, Math.min(QUERY_PIECE_ROWS, plan.nq - from));
});

/** Neighbour lists, row-major (queries x k), nearest first; distances are true (not squared) distances. */
export interface KNeighborsResult {
  readonly distances: Float64Array;
  readonly indices: Int32Array;
}

/**
 * k-nearest-neighbours vote with scikit-learn 1.2's semantics (brute-force search):
 * - neighbours are the k rows at the smallest Minkowski distance (p = 1 or 2),
 *   equal distances ordered by training index;
 * - `weights: "uniform"` counts votes; `"distance"` weighs each by 1 / distance, and
 *   when a query is at distance 0 from some training rows, those rows get weight 1
 *   and all others 0;
 * - the class with the largest vote wins, the smallest class on a tie.
 * Distances are exact float64 values (computed in float32 SIMD, then refined), so
 * neighbours agree with scikit-learn's float64 search except on exact ties, which
 * scikit-learn breaks in heap order. kneighbors (and so predict and predictProba)
 * searches blocks of queries that idle threads may take (parallel/pieces.ts), with the
 * same neighbours and distances to the bit whoever searched which block.
 */
export class KNeighborsClassifier extends BaseClassifier<typeof KNEIGHBORS_PARAMS> {
  readonly estimatorName = "KNeighborsClassifier";
  static readonly paramSpecs = KNEIGHBORS_PARAMS;

  n_samples_fit_ = 0;
  /** "euclidean" or "manhattan", from metric and p. */
  effective_metric_: "euclidean" | "manhattan" | null = null;
  /** Queries whose float32 candidates were rescanned in float64 during the last kneighbors call. */
  lastRescans = 0;
  /** Exact distances the last kneighbors call computed after pruning (projected search; null for the float32 pass). */
  lastExactDistances: number | null = null;

  private fitX: Matrix | null = null;
  private fitCodes: Int32Array | null = null;
  private norms: Float32Array | null = null;
  /** Heap buffers a refit reuses: the copy of rows that lived outside the heap, and their norms. */
  private rowsCopy: Float32Array | null = null;
  /** Whether the last fit's rows are rowsCopy (X was outside the heap) rather than the caller's heap rows. */
  private rowsCopied = false;
  private normsBuffer: Float32Array | null = null;
  /** The training rows' leading directions, found by the first search that projects. */
  private projection: Projection | null = null;
  private mljs: MlKnnNeighbors | null = null;
  private readonly heap: SharedHeap;

  constructor(params: KNeighborsClassifierParams = {}, heap?: SharedHeap) {
    super("KNeighborsClassifier", KNEIGHBORS_PARAMS, params);
    this.heap = heap ?? threadHeap();
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    const metric = this.metricName();
    this.effective_metric_ = metric;
    this.mljs = null;
    this.norms = null;
    this.projection = null;
    if (this.params.engine === "mljs") {
      this.mljs = new MlKnnNeighbors(X, metric === "manhattan" ? 1 : 2);
      this.fitX = X;
    } else {
      // Kernels read training rows in place; rows outside the heap are copied in once.
      // A refit reuses the copy and the norms of the last fit when they are large enough:
      // the heap never frees, so a loop of fits on one estimator must not grow it.
      let data = X.data;
      this.rowsCopied = !this.heap.owns(data);
      if (this.rowsCopied) {
        if (!this.rowsCopy || this.rowsCopy.length < data.length) this.rowsCopy = this.heap.allocF32(data.length);
        data = this.rowsCopy.subarray(0, data.length);
        data.set(X.data);
      }
      this.fitX = { data, rows: X.rows, cols: X.cols };
      if (metric === "euclidean") {
        if (!this.normsBuffer || this.normsBuffer.length < X.rows) this.normsBuffer = this.heap.allocF32(X.rows);
        this.norms = this.normsBuffer.subarray(0, X.rows);
        sqNormsInto(this.heap, this.fitX, this.norms);
      }
    }
    this.fitCodes = codes;
    this.n_samples_fit_ = X.rows;
    return this.finishFit(classes, X.cols);
  }

  private metricName(): "euclidean" | "manhattan" {
    switch (this.params.metric) {
      case "minkowski": return this.params.p === 1 ? "manhattan" : "euclidean";
      case "euclidean": case "l2": return "euclidean";
      default: return "manhattan";
    }
  }

  /** The `n_neighbors` (or given) nearest training rows of each row of X. */
  kneighbors(X: Matrix, nNeighbors?: number): KNeighborsResult {
    if (!this.classes_ || !this.fitX) throw new NotFittedError(this.estimatorName);
    const k = nNeighbors ?? (this.params.n_neighbors as number);
    if (!Number.isInteger(k) || k < 1) {
      throw new ParamError(this.estimatorName, "n_neighbors", `${this.estimatorName}: n_neighbors must be a positive integer; got ${k}`);
    }
    if (k > this.n_samples_fit_) {
      throw new ParamError(
        this.estimatorName, "n_neighbors",
        `${this.estimatorName}: expected n_neighbors <= n_samples_fit, but n_neighbors = ${k}, n_samples_fit = ${this.n_samples_fit_}`,
      );
    }
    if (X.cols !== this.n_features_in_) {
      throw new ShapeError(`${this.estimatorName}: X has ${X.cols} features, but it was fitted with ${this.n_features_in_}`);
    }
    checkFinite(this.estimatorName, X);
    if (this.mljs) return this.mljs.kneighbors(X, k);
    const euclidean = this.effective_metric_ === "euclidean";
    const metric = euclidean ? "sqeuclidean" : "manhattan";
    // The projection depends on the training rows only: found once, kept for every later call.
    const search = chooseSearch(metric, X.rows, this.fitX.rows, X.cols, this.projection !== null);
    if (search === "projected" && !this.projection) {
      // Rows the caller keeps in the heap (a grid run's training copy) share one basis across estimators;
      // this estimator's own copy of outside rows changes from fit to fit, so its basis is its own.
      const settings = projectionSettings(this.fitX.rows, X.cols);
      this.projection = this.rowsCopied ? leadingDirections(this.heap, this.fitX, settings) : leadingDirectionsFor(this.heap, this.fitX, settings);
    }
    const plan = planKNearest(this.heap, X, this.fitX, k, metric, {
      trainNorms: this.norms ?? undefined, search, projection: this.projection ?? undefined,
    });
    const counts = runPieces(QUERY_PIECES, plan, Math.ceil(X.rows / QUERY_PIECE_ROWS), {
      heap: this.heap, label: "KNeighborsClassifier queries", pieceBytes: searchScratchBytes(plan),
    });
    const found = plannedNeighbors(this.heap, plan, counts.reduce((sum, c) => sum + c, 0));
    this.lastRescans = found.rescans;
    this.lastExactDistances = found.exactDistances ?? null;
    const distances = found.distances;
    if (euclidean) for (let i = 0; i < distances.length; i++) distances[i] = Math.sqrt(distances[i]);
    return { distances, indices: found.indices };
  }

  /** Class membership probabilities (queries x classes), as scikit-learn's predict_proba. */
  predictProba(X: Matrix): Float64Array {
    const votes = this.votes(X);
    const c = this.classes_!.length;
    for (let i = 0; i < X.rows; i++) {
      let sum = 0;
      for (let j = 0; j < c; j++) sum += votes[i * c + j];
      if (sum === 0) sum = 1;
      for (let j = 0; j < c; j++) votes[i * c + j] /= sum;
    }
    return votes;
  }

  protected predictCodes(X: Matrix): Int32Array {
    // First maximum: on a tie the smallest class wins, as in scikit-learn's (weighted_)mode.
    return argmaxRows(this.votes(X), X.rows, this.classes_!.length);
  }

  /** Per query and class, the summed weight of its neighbours of that class. */
  private votes(X: Matrix): Float64Array {
    const { indices, distances } = this.kneighbors(X);
    const k = this.params.n_neighbors as number;
    const c = this.classes_!.length;
    const codes = this.fitCodes!;
    const byDistance = this.params.weights === "distance";
    const votes = new Float64Array(X.rows * c);
    const w = new Float64Array(k);
    const template = new Float64Array(k);
    for (let i = 0; i < X.rows; i++) {
      const o = i * k;
      if (!byDistance) {
        for (let r = 0; r < k; r++) votes[i * c + codes[indices[o + r]]] += 1;
        continue;
      }
      let zero = false;
      for (let r = 0; r < k; r++) if (distances[o + r] === 0) zero = true;
      for (let r = 0; r < k; r++) w[r] = zero ? (distances[o + r] === 0 ? 1 : 0) : 1 / distances[o + r];
      // numpy's summation order, so that near-equal votes round as in weighted_mode.
      for (let j = 0; j < c; j++) {
        let any = false;
        for (let r = 0; r < k; r++) {
          const mine = codes[indices[o + r]] === j;
          template[r] = mine ? w[r] : 0;
          any ||= mine;
        }
        if (any) votes[i * c + j] = numpySum(template, 0, k);
      }
    }
    return votes;
  }
}

/** Sum of a[from, from+n) in numpy's pairwise order (8 partial sums, blocks of 128). */
function numpySum(a: Float64Array, from: number, n: number): number {
  if (n < 8) {
    let s = -0;
    for (let i = 0; i < n; i++) s += a[from + i];
    return s;
  }
  if (n <= 128) {
    const r = [a[from], a[from + 1], a[from + 2], a[from + 3], a[from + 4], a[from + 5], a[from + 6], a[from + 7]];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[from + i + j];
    let s = (r[0] + r[1] + (r[2] + r[3])) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) s += a[from + i];
    return s;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return numpySum(a, from, half) + numpySum(a, from + half, n - half);
}
