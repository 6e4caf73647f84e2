/**
 * Quasi-Newton minimizers in float64 for smooth objectives (L-BFGS, after scipy's
 * L-BFGS-B without bounds as scikit-learn calls it, or projected onto a box) and
 * smooth + L1 objectives (OWL-QN, Andrew & Gao 2007). The objective returns its value and writes the
 * gradient of its smooth part; the expensive products happen in WASM inside it.
 */

export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** A point a minimizer wants evaluated: the objective's value is sent back, its gradient written into `grad`. */
export interface Evaluation {
  readonly x: Float64Array;
  readonly grad: Float64Array;
}

/**
 * A minimizer as a generator: it yields the points it needs evaluated and returns its
 * result. One driver can then evaluate several minimizers' points together (one pass
 * over the data for all one-vs-rest problems of LogisticRegression).
 */
export type MinimizerSteps = Generator<Evaluation, MinimizeResult, number>;

/** Runs one minimizer, evaluating each point with `fun`. */
export function minimize(steps: MinimizerSteps, fun: Objective): MinimizeResult {
  let step = steps.next();
  while (!step.done) step = steps.next(fun(step.value.x, step.value.grad));
  return step.value;
}

/**
 * Runs several minimizers in lockstep: each round, every one still running yields a
 * point, and `evaluateAll` gets them together (null for those that finished) and
 * returns their objective values (writing each gradient). Each minimizer follows
 * exactly the path it would follow alone.
 */
export function minimizeTogether(
  all: readonly MinimizerSteps[], evaluateAll: (points: readonly (Evaluation | null)[]) => ArrayLike<number>,
): MinimizeResult[] {
  const results: (MinimizeResult | null)[] = all.map(() => null);
  let pending: (Evaluation | null)[] = all.map((steps, i) => {
    const step = steps.next();
    if (step.done) results[i] = step.value;
    return step.done ? null : step.value;
  });
  while (pending.some((e) => e !== null)) {
    const values = evaluateAll(pending);
    pending = pending.map((e, i) => {
      if (e === null) return null;
      const step = all[i].next(values[i]);
      if (step.done) results[i] = step.value;
      return step.done ? null : step.value;
    });
  }
  return results as MinimizeResult[];
}

export interface MinimizeOptions {
  maxIter: number;
  /** Stop when the largest absolute (pseudo-)gradient component is at most gtol. */
  gtol: number;
  /** Stop when the relative decrease of f is at most ftol (scipy's factr=1e7 gives 2.22e-9). */
  ftol?: number;
  /** History size (scipy's default 10). */
  m?: number;
}

export interface MinimizeResult {
  x: Float64Array;
  f: number;
  nIter: number;
  /** "gtol", "ftol", "max_iter" or "line_search" */
  reason: string;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * The stored (s, y) pairs of L-BFGS, oldest first, with rho = 1 / s'y. The arrays of
 * pairs dropped or refused are kept and filled again, so that an iteration allocates
 * nothing: a fit of 100 iterations over 7,850 weights otherwise makes 12 MB of garbage.
 */
class PairHistory {
  readonly S: Float64Array[] = [];
  readonly Y: Float64Array[] = [];
  readonly rho: number[] = [];
  private readonly spare: Float64Array[] = [];

  constructor(private readonly n: number, private readonly m: number) {}

  get size(): number {
    return this.S.length;
  }

  /** Forgets every pair. */
  clear(): void {
    this.spare.push(...this.S, ...this.Y);
    this.S.length = 0;
    this.Y.length = 0;
    this.rho.length = 0;
  }

  /**
   * Moves (x, g) to the accepted point (xt, gt), storing the step and the gradient change
   * when the curvature s'y is large enough: above 1e-10 y'y (as L-BFGS-B), or above 1e-10
   * itself when `absolute`; the oldest pair goes beyond m.
   */
  moveTo(x: Float64Array, g: Float64Array, xt: Float64Array, gt: Float64Array, absolute = false): void {
    const { n } = this;
    const s = this.spare.pop() ?? new Float64Array(n);
    const y = this.spare.pop() ?? new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xt[i] - x[i];
      y[i] = gt[i] - g[i];
    }
    x.set(xt);
    g.set(gt);
    const sy = dot(s, y);
    if (!(sy > (absolute ? 1e-10 : 1e-10 * dot(y, y)))) {
      this.spare.push(s, y); // curvature condition fails: skip
      return;
    }
    if (this.S.length === this.m) {
      this.spare.push(this.S.shift()!, this.Y.shift()!);
      this.rho.shift();
    }
    this.S.push(s);
    this.Y.push(y);
    this.rho.push(1 / sy);
  }

  /**
   * d = -H g by the two-loop recursion over the stored pairs. With no pair stored, H is
   * `emptyScale` times the identity.
   */
  direction(g: Float64Array, d: Float64Array, emptyScale = 1): void {
    const { S, Y, rho } = this;
    const k = S.length;
    const a = new Array<number>(k);
    for (let i = 0; i < d.length; i++) d[i] = -g[i];
    for (let j = k - 1; j >= 0; j--) {
      a[j] = rho[j] * dot(S[j], d);
      const y = Y[j];
      for (let i = 0; i < d.length; i++) d[i] -= a[j] * y[i];
    }
    if (k > 0) {
      const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
      for (let i = 0; i < d.length; i++) d[i] *= gamma;
    } else if (emptyScale !== 1) {
      for (let i = 0; i < d.length; i++) d[i] *= emptyScale;
    }
    for (let j = 0; j < k; j++) {
      const b = rho[j] * dot(Y[j], d);
      const s = S[j];
      for (let i = 0; i < d.length; i++) d[i] += (a[j] - b) * s[i];
    }
  }
}

/** The decrease from fOld to f relative to the larger of |fOld|, |f| and 1 (scipy's factr test). */
function relativeDecrease(fOld: number, f: number): number {
  return (fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1);
}

/** Cubic interpolation minimizer of a 1-D function on [a, b] from values and slopes at both ends, safeguarded. */
function cubicMin(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const d1 = ga + gb - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - ga * gb;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (disc >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(disc);
    const t = b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2);
    if (Number.isFinite(t) && t > lo + 0.1 * (hi - lo) && t < hi - 0.1 * (hi - lo)) return t;
  }
  return (a + b) / 2;
}

/** A line search as a generator: it leaves the accepted point in xt, its gradient in gt, and returns its value (null: none found). */
type LineSearch = Generator<Evaluation, number | null, number>;

/** Strong-Wolfe search along d from x (sufficient decrease 1e-3, curvature 0.9, as scipy's dcsrch): bracket, then zoom. */
function* wolfeSearch(
  x: Float64Array, f: number, d: Float64Array, dg: number, step: number, xt: Float64Array, gt: Float64Array,
): LineSearch {
  const n = x.length;
  const c1 = 1e-3;
  const c2 = 0.9;
  let aPrev = 0;
  let fPrev = f;
  let gPrev = dg;
  let ft = f;
  let aLo = 0, fLo = f, gLo = dg, aHi = 0, fHi = 0, gHi = 0;
  let zoom = false;
  for (let evals = 0; evals < 20; evals++) {
    for (let i = 0; i < n; i++) xt[i] = x[i] + step * d[i];
    ft = yield { x: xt, grad: gt };
    const gd = dot(gt, d);
    if (!zoom) {
      if (!Number.isFinite(ft) || ft > f + c1 * step * dg || (evals > 0 && ft >= fPrev)) {
        aLo = aPrev; fLo = fPrev; gLo = gPrev; aHi = step; fHi = ft; gHi = gd;
        zoom = true;
      } else if (Math.abs(gd) <= -c2 * dg) {
        return ft;
      } else if (gd >= 0) {
        aLo = step; fLo = ft; gLo = gd; aHi = aPrev; fHi = fPrev; gHi = gPrev;
        zoom = true;
      } else {
        aPrev = step; fPrev = ft; gPrev = gd;
        step *= 4;
        continue;
      }
    } else {
      if (!Number.isFinite(ft) || ft > f + c1 * step * dg || ft >= fLo) {
        aHi = step; fHi = ft; gHi = gd;
      } else {
        if (Math.abs(gd) <= -c2 * dg) return ft;
        if (gd * (aHi - aLo) >= 0) {
          aHi = aLo; fHi = fLo; gHi = gLo;
        }
        aLo = step; fLo = ft; gLo = gd;
      }
    }
    step = Number.isFinite(fHi) ? cubicMin(aLo, fLo, gLo, aHi, fHi, gHi) : (aLo + aHi) / 2;
    if (Math.abs(aHi - aLo) < 1e-16 * Math.max(1, aHi)) break;
  }
  // accept the best sufficient-decrease point of the zoom, if any
  if (!(zoom && aLo > 0 && fLo < f)) return null;
  for (let i = 0; i < n; i++) xt[i] = x[i] + aLo * d[i];
  return yield { x: xt, grad: gt };
}

/**
 * Backtracking search along d from x, each trial point projected onto [lo, hi]^n: the first
 * step of 1, 1/2, 1/4, ... (40 tries) with a finite value and sufficient decrease 1e-4
 * measured along the projected step.
 */
function* projectedSearch(
  x: Float64Array, f: number, g: Float64Array, d: Float64Array, lo: number, hi: number, xt: Float64Array, gt: Float64Array,
): LineSearch {
  const n = x.length;
  let step = 1;
  for (let tries = 0; tries < 40; tries++) {
    for (let i = 0; i < n; i++) xt[i] = Math.min(hi, Math.max(lo, x[i] + step * d[i]));
    const ft = yield { x: xt, grad: gt };
    let decrease = 0;
    for (let i = 0; i < n; i++) decrease += g[i] * (xt[i] - x[i]);
    if (Number.isFinite(ft) && ft <= f + 1e-4 * decrease) return ft;
    step *= 0.5;
  }
  return null;
}

/** The largest component of the projected gradient |P(x - g) - x| on the box [lo, hi]^n. */
function projectedGradientMax(x: Float64Array, g: Float64Array, lo: number, hi: number): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(Math.min(hi, Math.max(lo, x[i] - g[i])) - x[i]));
  return m;
}

/** L-BFGS options: the common ones, and optionally a box that turns on the projected variant. */
export interface LbfgsOptions extends MinimizeOptions {
  /**
   * Keeps every coordinate in [lo, hi] (GaussianProcessClassifier's log hyper-parameters).
   * The variant differs in more than the projection, each choice kept from the estimator
   * that uses it: a backtracking Armijo search (see projectedSearch) instead of Wolfe; the
   * gradient test on the projected gradient; with no stored pair, a first direction scaled
   * by 1/max(1, ||g||) and a step of 1; pairs kept when s'y > 1e-10; and when the
   * quasi-Newton direction is not a descent one, steepest descent for that iteration only
   * (the stored pairs are kept).
   */
  bounds?: readonly [number, number];
}

/**
 * L-BFGS. Without bounds: unconstrained, with a strong-Wolfe line search (sufficient
 * decrease 1e-3, curvature 0.9, as scipy's dcsrch) and first step 1/||g||, later steps 1.
 * With bounds: the projected variant described at LbfgsOptions.bounds.
 */
export function lbfgs(fun: Objective, x0: Float64Array, o: LbfgsOptions): MinimizeResult {
  return minimize(lbfgsSteps(x0, o), fun);
}

/** lbfgs as a generator of the points it evaluates. */
export function* lbfgsSteps(x0: Float64Array, o: LbfgsOptions): MinimizerSteps {
  const n = x0.length;
  const m = o.m ?? 10;
  const ftol = o.ftol ?? 2.220446049250313e-9;
  const boxed = o.bounds !== undefined;
  const [lo, hi] = o.bounds ?? [-Infinity, Infinity];
  const x = Float64Array.from(x0);
  if (boxed) for (let i = 0; i < n; i++) x[i] = Math.min(hi, Math.max(lo, x[i]));
  const g = new Float64Array(n);
  let f: number = yield { x, grad: g };
  const history = new PairHistory(n, m);
  const d = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  const gradientMax = () => (boxed ? projectedGradientMax(x, g, lo, hi) : maxAbs(g));
  if (gradientMax() <= o.gtol) return { x, f, nIter: 0, reason: "gtol" };
  let iter = 0;
  while (iter < o.maxIter) {
    history.direction(g, d, boxed ? 1 / Math.max(1, Math.sqrt(dot(g, g))) : 1);
    let dg = dot(d, g);
    if (boxed ? dg >= 0 : !(dg < 0)) {
      // not a descent direction: steepest descent (the unconstrained variant restarts its history)
      if (!boxed) history.clear();
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dg = dot(d, g);
    }
    const ft = boxed
      ? yield* projectedSearch(x, f, g, d, lo, hi, xt, gt)
      : yield* wolfeSearch(x, f, d, dg, iter === 0 && history.size === 0 ? 1 / Math.sqrt(dot(g, g)) : 1, xt, gt);
    if (ft === null) return { x, f, nIter: iter, reason: "line_search" };
    iter++;
    history.moveTo(x, g, xt, gt, boxed);
    const fOld = f;
    f = ft;
    if (relativeDecrease(fOld, f) <= ftol) return { x, f, nIter: iter, reason: "ftol" };
    if (gradientMax() <= o.gtol) return { x, f, nIter: iter, reason: "gtol" };
  }
  return { x, f, nIter: iter, reason: "max_iter" };
}

/**
 * OWL-QN: minimizes smooth(x) + sum_j lambda[j] |x_j| (lambda[j] = 0 leaves x_j
 * unpenalized). Stops when the L1 norm of the pseudo-gradient falls to `relTol`
 * times its initial value (liblinear's criterion for its L1 solvers), on a relative
 * decrease below ftol, or after maxIter iterations.
 */
export function owlqn(
  fun: Objective, x0: Float64Array, lambda: Float64Array, o: MinimizeOptions & { relTol: number },
): MinimizeResult {
  return minimize(owlqnSteps(x0, lambda, o), fun);
}

/** owlqn as a generator of the points it evaluates. */
export function* owlqnSteps(x0: Float64Array, lambda: Float64Array, o: MinimizeOptions & { relTol: number }): MinimizerSteps {
  const n = x0.length;
  const m = o.m ?? 10;
  const ftol = o.ftol ?? 1e-10;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const pg = new Float64Array(n);
  const d = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  const history = new PairHistory(n, m);
  const penalty = (v: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += lambda[i] * Math.abs(v[i]);
    return s;
  };
  const pseudo = (): number => {
    let norm = 0;
    for (let i = 0; i < n; i++) {
      const l = lambda[i];
      if (x[i] > 0) pg[i] = g[i] + l;
      else if (x[i] < 0) pg[i] = g[i] - l;
      else if (g[i] + l < 0) pg[i] = g[i] + l;
      else if (g[i] - l > 0) pg[i] = g[i] - l;
      else pg[i] = 0;
      norm += Math.abs(pg[i]);
    }
    return norm;
  };
  let f = ((yield { x, grad: g }) as number) + penalty(x);
  const pg0 = pseudo();
  if (pg0 === 0) return { x, f, nIter: 0, reason: "gtol" };
  let pgNorm = pg0;
  let iter = 0;
  while (iter < o.maxIter) {
    history.direction(pg, d);
    // keep the direction in the orthant of steepest descent
    for (let i = 0; i < n; i++) if (d[i] * pg[i] >= 0) d[i] = 0;
    let dpg = dot(d, pg);
    if (!(dpg < 0)) {
      history.clear();
      for (let i = 0; i < n; i++) d[i] = -pg[i];
      dpg = dot(d, pg);
    }
    let step = iter === 0 ? 1 / Math.sqrt(dot(pg, pg)) : 1;
    let ft = Infinity;
    let accepted = false;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) {
        const orthant = x[i] !== 0 ? Math.sign(x[i]) : -Math.sign(pg[i]);
        const v = x[i] + step * d[i];
        xt[i] = lambda[i] > 0 && Math.sign(v) !== orthant ? 0 : v;
      }
      ft = ((yield { x: xt, grad: gt }) as number) + penalty(xt);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += pg[i] * (xt[i] - x[i]);
      if (Number.isFinite(ft) && ft <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) return { x, f, nIter: iter, reason: "line_search" };
    iter++;
    history.moveTo(x, g, xt, gt);
    const fOld = f;
    f = ft;
    pgNorm = pseudo();
    if (pgNorm <= o.relTol * pg0) return { x, f, nIter: iter, reason: "gtol" };
    if (relativeDecrease(fOld, f) <= ftol) return { x, f, nIter: iter, reason: "ftol" };
  }
  return { x, f, nIter: iter, reason: "max_iter" };
}
