import type { Matrix } from "../core/matrix.js";
import { ParamError } from "../errors.js";
import { sqeuclideanDistances } from "../kernels/distance.js";
import type { SharedHeap } from "../wasm/heap.js";
import { threadHeap } from "../wasm/load.js";
import { BaseClassifier } from "./estimator.js";
import { lbfgs } from "./optim.js";
import type { ParamSpecs, Params, ParamsOf } from "../params.js";

const GPC_PARAMS = {
  kernel: { default: null, constraints: [{ kind: "null" }, { kind: "options", values: ["1.0 * RBF(1.0)"] }] },
  optimizer: { default: "fmin_l_bfgs_b", constraints: [{ kind: "options", values: ["fmin_l_bfgs_b", null] }] },
  n_restarts_optimizer: { default: 0, constraints: [{ kind: "options", values: [0] }] },
  max_iter_predict: { default: 100, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  warm_start: { default: false, constraints: [{ kind: "options", values: [false] }] },
  copy_X_train: { default: true, constraints: [{ kind: "bool" }] },
  random_state: { default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 0 }] },
  multi_class: { default: "one_vs_rest", constraints: [{ kind: "options", values: ["one_vs_rest", "one_vs_one"] }] },
  n_jobs: { default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int" }] },
} as const satisfies ParamSpecs;

/** GaussianProcessClassifier's constructor params, typed from its declarations above. */
export type GaussianProcessClassifierParams = ParamsOf<typeof GPC_PARAMS>;

/** log-space bounds of both hyper-parameters (constant 1e-5..1e5, length scale 1e-5..1e5). */
const LOG_LO = Math.log(1e-5);
const LOG_HI = Math.log(1e5);

/** Bytes of the n x n float64 matrices one binary Laplace fit holds at once (distances, K, dK, L, and two solves). */
export function gpcMatrixBytes(n: number): number {
  return 6 * n * n * 8;
}

/** Lower Cholesky factor of the symmetric positive definite n x n matrix A (row-major), in place; returns A. */
function cholesky(A: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j];
    for (let k = 0; k < j; k++) d -= A[rj + k] * A[rj + k];
    if (!(d > 0)) throw new RangeError("GaussianProcessClassifier: matrix is not positive definite");
    const ljj = Math.sqrt(d);
    A[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= A[ri + k] * A[rj + k];
      A[ri + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) A[rj + k] = 0;
  }
  return A;
}

/** Solves L x = b in place (L lower, row-major n x n). */
function forwardSolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    const ri = i * n;
    for (let k = 0; k < i; k++) s -= L[ri + k] * b[k];
    b[i] = s / L[ri + i];
  }
}

/** Solves L^T x = b in place. */
function backSolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * b[k];
    b[i] = s / L[i * n + i];
  }
}

/** Solves L Y = B for an n x m right-hand side (row-major), in place. */
function forwardSolveMatrix(L: Float64Array, n: number, B: Float64Array, m: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const bi = i * m;
    for (let k = 0; k < i; k++) {
      const l = L[ri + k];
      if (l === 0) continue;
      const bk = k * m;
      for (let c = 0; c < m; c++) B[bi + c] -= l * B[bk + c];
    }
    const inv = 1 / L[ri + i];
    for (let c = 0; c < m; c++) B[bi + c] *= inv;
  }
}

/** Solves L^T Y = B for an n x m right-hand side, in place. */
function backSolveMatrix(L: Float64Array, n: number, B: Float64Array, m: number): void {
  for (let i = n - 1; i >= 0; i--) {
    const bi = i * m;
    for (let k = i + 1; k < n; k++) {
      const l = L[k * n + i];
      if (l === 0) continue;
      const bk = k * m;
      for (let c = 0; c < m; c++) B[bi + c] -= l * B[bk + c];
    }
    const inv = 1 / L[i * n + i];
    for (let c = 0; c < m; c++) B[bi + c] *= inv;
  }
}

function matVec<T extends Float64Array>(A: Float64Array, n: number, x: Float64Array, out: T): T {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const ri = i * n;
    for (let k = 0; k < n; k++) s += A[ri + k] * x[k];
    out[i] = s;
  }
  return out;
}

const expit = (x: number) => 1 / (1 + Math.exp(-x));

/** Squared Euclidean distances between rows of A and rows of B (A.rows x B.rows), widened to float64. */
function sqDistances(heap: SharedHeap, A: Matrix, B: Matrix): Float64Array {
  const D = new Float32Array(A.rows * B.rows);
  sqeuclideanDistances(heap, A, B, D);
  return Float64Array.from(D);
}

/** The Laplace approximation at the posterior mode for kernel K (n x n) and 0/1 targets t. */
interface LaplaceState {
  readonly f: Float64Array;
  readonly pi: Float64Array;
  readonly Wsr: Float64Array;
  readonly L: Float64Array;
  readonly a: Float64Array;
  readonly lml: number;
}

/** Newton iterations for the mode of the posterior (Rasmussen and Williams, Algorithm 3.1), from f = 0. */
function posteriorMode(K: Float64Array, n: number, t: Float64Array, maxIter: number): LaplaceState {
  let f: Float64Array = new Float64Array(n);
  let lmlPrev = -Infinity;
  let state: LaplaceState | null = null;
  const b = new Float64Array(n);
  const Kb = new Float64Array(n);
  for (let it = 0; it < maxIter; it++) {
    const pi = Float64Array.from(f, expit);
    const W = Float64Array.from(pi, (p) => p * (1 - p));
    const Wsr = Float64Array.from(W, Math.sqrt);
    const B = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) B[i * n + j] = Wsr[i] * K[i * n + j] * Wsr[j];
      B[i * n + i] += 1;
    }
    const L = cholesky(B, n);
    for (let i = 0; i < n; i++) b[i] = W[i] * f[i] + (t[i] - pi[i]);
    matVec(K, n, b, Kb);
    const v = Float64Array.from(Kb, (x, i) => Wsr[i] * x);
    forwardSolve(L, n, v);
    backSolve(L, n, v);
    const a = Float64Array.from(b, (x, i) => x - Wsr[i] * v[i]);
    f = matVec(K, n, a, new Float64Array(n));
    let lml = 0;
    for (let i = 0; i < n; i++) {
      lml += -0.5 * a[i] * f[i] - Math.log1p(Math.exp(-(2 * t[i] - 1) * f[i])) - Math.log(L[i * n + i]);
    }
    state = { f, pi, Wsr, L, a, lml };
    if (lml - lmlPrev < 1e-10) break;
    lmlPrev = lml;
  }
  return state!;
}

/** One binary GP classifier with kernel c * exp(-d^2 / (2 l^2)): theta = [log c, log l]. */
class BinaryLaplaceGP {
  theta = [0, 0];
  private X!: Matrix;
  private state!: LaplaceState;
  private t!: Float64Array;
  logMarginalLikelihood = NaN;

  constructor(private readonly heap: SharedHeap, private readonly maxIterPredict: number) {}

  private kernel(D2: Float64Array, theta: readonly number[]): Float64Array {
    const c = Math.exp(theta[0]);
    const l2 = Math.exp(2 * theta[1]);
    return Float64Array.from(D2, (d) => c * Math.exp(-0.5 * d / l2));
  }

  /** Log marginal likelihood and its gradient in theta (Rasmussen and Williams, Algorithm 5.1). */
  private lmlAndGradient(D2: Float64Array, n: number, t: Float64Array, theta: readonly number[]): [number, number[]] {
    const K = this.kernel(D2, theta);
    const s = posteriorMode(K, n, t, this.maxIterPredict);
    const { pi, Wsr, L, a } = s;
    // R = W^1/2 (L L^T)^-1 W^1/2 and C = L^-1 W^1/2 K.
    const R = new Float64Array(n * n);
    for (let i = 0; i < n; i++) R[i * n + i] = Wsr[i];
    forwardSolveMatrix(L, n, R, n);
    backSolveMatrix(L, n, R, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) R[i * n + j] *= Wsr[i];
    const C = Float64Array.from(K, (k, idx) => Wsr[Math.floor(idx / n)] * k);
    forwardSolveMatrix(L, n, C, n);
    const s2 = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let cc = 0;
      for (let i = 0; i < n; i++) cc += C[i * n + j] * C[i * n + j];
      s2[j] = -0.5 * (K[j * n + j] - cc) * (pi[j] * (1 - pi[j]) * (1 - 2 * pi[j]));
    }
    const resid = Float64Array.from(t, (x, i) => x - pi[i]);
    const l2 = Math.exp(2 * theta[1]);
    const grad: number[] = [];
    const dK = new Float64Array(n * n);
    const tmp = new Float64Array(n);
    for (let h = 0; h < 2; h++) {
      // dK/dlog c = K; dK/dlog l = K * d^2 / l^2.
      if (h === 0) dK.set(K);
      else for (let q = 0; q < n * n; q++) dK[q] = K[q] * (D2[q] / l2);
      let aCa = 0;
      let rc = 0;
      matVec(dK, n, a, tmp);
      for (let i = 0; i < n; i++) aCa += a[i] * tmp[i];
      for (let q = 0; q < n * n; q++) rc += R[q] * dK[q];
      const s1 = 0.5 * aCa - 0.5 * rc;
      const b = matVec(dK, n, resid, new Float64Array(n));
      const Rb = matVec(R, n, b, new Float64Array(n));
      const KRb = matVec(K, n, Rb, new Float64Array(n));
      let s23 = 0;
      for (let i = 0; i < n; i++) s23 += s2[i] * (b[i] - KRb[i]);
      grad.push(s1 + s23);
    }
    return [s.lml, grad];
  }

  fit(X: Matrix, t: Float64Array, optimize: boolean): this {
    const n = X.rows;
    const D2 = sqDistances(this.heap, X, X);
    if (optimize) {
      // scipy's fmin_l_bfgs_b defaults, as scikit-learn calls it: pgtol 1e-5, factr 1e7.
      const { x } = lbfgs((th, grad) => {
        const [v, g] = this.lmlAndGradient(D2, n, t, Array.from(th));
        for (let i = 0; i < g.length; i++) grad[i] = -g[i];
        return -v;
      }, new Float64Array(2), { maxIter: 15000, gtol: 1e-5, ftol: 1e7 * 2.220446049250313e-16, bounds: [LOG_LO, LOG_HI] });
      this.theta = Array.from(x);
    }
    const K = this.kernel(D2, this.theta);
    this.state = posteriorMode(K, n, t, this.maxIterPredict);
    this.logMarginalLikelihood = this.state.lml;
    this.X = X;
    this.t = t;
    return this;
  }

  /** Latent means f* and P(class 1) for the rows of Xs (scikit-learn's probit-mixture approximation). */
  predict(Xs: Matrix): { fStar: Float64Array; proba: Float64Array } {
    const n = this.X.rows;
    const m = Xs.rows;
    const Ks = this.kernel(sqDistances(this.heap, this.X, Xs), this.theta); // n x m
    const { pi, Wsr, L } = this.state;
    const fStar = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      const r = this.t[i] - pi[i];
      for (let c = 0; c < m; c++) fStar[c] += Ks[i * m + c] * r;
    }
    const V = Float64Array.from(Ks, (k, idx) => Wsr[Math.floor(idx / m)] * k);
    forwardSolveMatrix(L, n, V, m);
    const kss = Math.exp(this.theta[0]);
    const proba = new Float64Array(m);
    const LAMBDAS = [0.41, 0.4, 0.37, 0.44, 0.39];
    const COEFS = [-1854.8214151, 3516.89893646, 221.29346712, 128.12323805, -2010.49422654];
    const coefSum = COEFS.reduce((x, y) => x + y, 0);
    for (let c = 0; c < m; c++) {
      let vv = 0;
      for (let i = 0; i < n; i++) vv += V[i * m + c] * V[i * m + c];
      const varF = kss - vv;
      const alpha = 1 / (2 * varF);
      let p = 0.5 * coefSum;
      for (let q = 0; q < 5; q++) {
        const gamma = LAMBDAS[q] * fStar[c];
        const integral = (Math.sqrt(Math.PI / alpha) * erf(gamma * Math.sqrt(alpha / (alpha + LAMBDAS[q] ** 2)))) /
          (2 * Math.sqrt(varF * 2 * Math.PI));
        p += COEFS[q] * integral;
      }
      proba[c] = p;
    }
    return { fStar, proba };
  }
}

/** erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit), ample for probabilities. */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}

function rowsOf(X: Matrix, idx: number[]): Matrix {
  const data = new Float32Array(idx.length * X.cols);
  idx.forEach((r, p) => data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), p * X.cols));
  return { data, rows: idx.length, cols: X.cols };
}

/**
 * Gaussian process classification with scikit-learn 1.2's semantics: the Laplace
 * approximation with kernel 1.0 * RBF(1.0). With the default `kernel=null` the two
 * hyper-parameters stay fixed at 1.0, as in scikit-learn (its default kernel has
 * "fixed" bounds); with `kernel: "1.0 * RBF(1.0)"` they are fitted by L-BFGS on the log
 * marginal likelihood (bounds 1e-5..1e5, no restarts). One binary classifier per
 * class (`one_vs_rest`, predict = the largest probability) or per pair of classes
 * (`one_vs_one`, votes plus scikit-learn's confidence tie-break). float64 linear algebra
 * in plain TypeScript: O(n^2) memory and O(n^3) time, for slices of a few hundred to a
 * few thousand samples; the memory guard refuses larger fits (see estimateGpcMemory).
 */
export class GaussianProcessClassifier extends BaseClassifier<typeof GPC_PARAMS> {
  readonly estimatorName = "GaussianProcessClassifier";
  static readonly paramSpecs = GPC_PARAMS;
  private models: { a: number; b: number; gp: BinaryLaplaceGP }[] = [];
  private readonly heap: SharedHeap;

  constructor(params: GaussianProcessClassifierParams = {}, heap: SharedHeap = threadHeap()) {
    super("GaussianProcessClassifier", GPC_PARAMS, params);
    this.heap = heap;
  }

  /** Fitted theta = [log constant, log length scale] of each binary classifier. */
  get thetas(): number[][] {
    return this.models.map((m) => m.gp.theta.slice());
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    const k = classes.length;
    if (k < 2) {
      throw new ParamError("GaussianProcessClassifier", "y", "GaussianProcessClassifier requires 2 or more distinct classes");
    }
    // As scikit-learn: kernel=None means 1.0 * RBF(1.0) with *fixed* hyper-parameters; only an
    // explicit kernel ("1.0 * RBF(1.0)", bounds 1e-5..1e5) has them fitted by L-BFGS.
    const optimize = this.params.optimizer !== null && this.params.kernel !== null;
    const maxIter = this.params.max_iter_predict as number;
    this.models = [];
    const all = Array.from({ length: X.rows }, (_, i) => i);
    if (k === 2) {
      const t = Float64Array.from(codes, (c) => (c === 1 ? 1 : 0));
      this.models.push({ a: 0, b: 1, gp: new BinaryLaplaceGP(this.heap, maxIter).fit(X, t, optimize) });
    } else if (this.params.multi_class === "one_vs_rest") {
      for (let c = 0; c < k; c++) {
        const t = Float64Array.from(codes, (v) => (v === c ? 1 : 0));
        this.models.push({ a: c, b: -1, gp: new BinaryLaplaceGP(this.heap, maxIter).fit(rowsOf(X, all), t, optimize) });
      }
    } else {
      for (let a = 0; a < k; a++) {
        for (let b = a + 1; b < k; b++) {
          const idx = all.filter((r) => codes[r] === a || codes[r] === b);
          const t = Float64Array.from(idx, (r) => (codes[r] === b ? 1 : 0));
          this.models.push({ a, b, gp: new BinaryLaplaceGP(this.heap, maxIter).fit(rowsOf(X, idx), t, optimize) });
        }
      }
    }
    return this.finishFit(classes, X.cols);
  }

  protected predictCodes(X: Matrix): Int32Array {
    const k = this.classes_!.length;
    const out = new Int32Array(X.rows);
    if (k === 2) {
      const { fStar } = this.models[0].gp.predict(X);
      fStar.forEach((f, i) => (out[i] = f > 0 ? 1 : 0));
      return out;
    }
    if (this.params.multi_class === "one_vs_rest") {
      const best = new Float64Array(X.rows).fill(-Infinity);
      this.models.forEach(({ a, gp }) => {
        const { proba } = gp.predict(X);
        // Ties go to the later class, as scikit-learn's OneVsRestClassifier.predict.
        for (let i = 0; i < X.rows; i++) {
          if (proba[i] >= best[i]) {
            best[i] = proba[i];
            out[i] = a;
          }
        }
      });
      return out;
    }
    const votes = new Float64Array(X.rows * k);
    const conf = new Float64Array(X.rows * k);
    for (const { a, b, gp } of this.models) {
      const { fStar, proba } = gp.predict(X);
      for (let i = 0; i < X.rows; i++) {
        conf[i * k + a] -= proba[i];
        conf[i * k + b] += proba[i];
        votes[i * k + (fStar[i] > 0 ? b : a)] += 1;
      }
    }
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      let bestV = -Infinity;
      for (let c = 0; c < k; c++) {
        const s = conf[i * k + c];
        const v = votes[i * k + c] + s / (3 * (Math.abs(s) + 1));
        if (v > bestV) {
          bestV = v;
          best = c;
        }
      }
      out[i] = best;
    }
    return out;
  }
}

/**
 * Bytes a GaussianProcessClassifier fit needs: the n x n float64 matrices of the
 * largest binary problem (all training rows for one_vs_rest, about two classes'
 * worth for one_vs_one). On the 60,000-image training set that is 172.8 GB.
 */
export function estimateGpcMemory(params: Params, shape: { trainRows: number; classes: number }): number {
  const n = params.multi_class === "one_vs_one"
    ? Math.min(shape.trainRows, Math.ceil((2 * shape.trainRows) / Math.max(2, shape.classes)))
    : shape.trainRows;
  return gpcMatrixBytes(n);
}
