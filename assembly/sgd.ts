// Plain SGD (scikit-learn's SGDClassifier / Perceptron / PassiveAggressiveClassifier):
// one epoch over a binary problem per call.

import { rowSqNorm64 } from "./linalg";
import { expNoTable, log1pNoTable } from "./math";
import { PREFETCH_AHEAD, TLB_AHEAD, dotF32F64Prefetch, rowAt, updateThenDotNext } from "./shuffled_rows";

// Loss codes
const HINGE = 0; // max(0, threshold - p y); perceptron is threshold 0
const SQUARED_HINGE = 1;
const LOG = 2;
const MODIFIED_HUBER = 3;
// Penalty codes
const PEN_L1 = 1;
const PEN_L2 = 2;
const PEN_ELASTICNET = 3;
// Learning-rate codes
const LR_CONSTANT = 0;
const LR_OPTIMAL = 1;
const LR_PA1 = 2;
const LR_PA2 = 3;
const MAX_DLOSS: f64 = 1e12;
const WSCALE_THRESHOLD: f64 = 1e-9;

@inline
function lossValue(kind: i32, threshold: f64, p: f64, y: f64): f64 {
  const z = p * y;
  if (kind == HINGE) return z <= threshold ? threshold - z : 0.0;
  if (kind == SQUARED_HINGE) {
    const m = threshold - z;
    return m > 0 ? m * m : 0.0;
  }
  if (kind == LOG) {
    if (z > 18.0) return expNoTable(-z);
    if (z < -18.0) return -z;
    return log1pNoTable(expNoTable(-z));
  }
  // modified huber
  if (z >= 1.0) return 0.0;
  if (z >= -1.0) return (1.0 - z) * (1.0 - z);
  return -4.0 * z;
}

@inline
function lossDeriv(kind: i32, threshold: f64, p: f64, y: f64): f64 {
  const z = p * y;
  if (kind == HINGE) return z <= threshold ? -y : 0.0;
  if (kind == SQUARED_HINGE) {
    const m = threshold - z;
    return m > 0 ? -2.0 * y * m : 0.0;
  }
  if (kind == LOG) {
    if (z > 18.0) return expNoTable(-z) * -y;
    if (z < -18.0) return -y;
    return -y / (expNoTable(z) + 1.0);
  }
  if (z >= 1.0) return 0.0;
  if (z >= -1.0) return 2.0 * (1.0 - z) * -y;
  return -4.0 * y;
}

/**
 * One epoch of plain SGD on a binary problem, in the order given by `order`.
 * Labels: y = +1 where labels[i] == positive, else -1.
 * The weight vector is w_data * wscale (float64), as in scikit-learn, so that the L2
 * shrinkage is O(1) per sample; L1 uses the cumulative truncated gradient (q, u).
 *
 * params (float64): [loss, threshold, penalty, alpha, C, l1_ratio, learning_rate, eta0,
 *                    optimal_init, fit_intercept, class weight pos, class weight neg]
 * state (float64, in/out): [intercept, wscale, t, u, sumloss (out), n updates (out), scratch
 *                            (sink of the prefetching reads)]
 * norms: per-sample squared norms (float64) for the PA step sizes, or 0 to compute them.
 */
export function sgd_epoch_f32(
  X: usize, cols: i32, order: usize, n: i32, labels: usize, positive: i32,
  w: usize, q: usize, params: usize, state: usize, norms: usize,
): void {
  const kind = <i32>load<f64>(params);
  const threshold = load<f64>(params, 8);
  const penalty = <i32>load<f64>(params, 16);
  const alpha = load<f64>(params, 24);
  const C = load<f64>(params, 32);
  let l1Ratio = load<f64>(params, 40);
  const lr = <i32>load<f64>(params, 48);
  const eta0 = load<f64>(params, 56);
  const optimalInit = load<f64>(params, 64);
  const fitIntercept = load<f64>(params, 72) != 0;
  const weightPos = load<f64>(params, 80);
  const weightNeg = load<f64>(params, 88);
  if (penalty == PEN_L2) l1Ratio = 0.0;
  else if (penalty == PEN_L1) l1Ratio = 1.0;

  let intercept = load<f64>(state);
  let wscale = load<f64>(state, 8);
  let t = load<f64>(state, 16);
  let u = load<f64>(state, 24);
  let sumloss = 0.0;
  let updates = 0.0;
  const rowBytes = <usize>cols << 2;
  let eta = eta0;

  // the dot product of this step's row, when the previous step's weight pass took it
  let nextDot = 0.0;
  let haveNextDot = false;
  for (let s = 0; s < n; s++) {
    const i = load<i32>(order + (<usize>s << 2));
    const x = X + <usize>i * rowBytes;
    const y: f64 = load<i32>(labels + (<usize>i << 2)) == positive ? 1.0 : -1.0;
    const next = s + PREFETCH_AHEAD < n ? rowAt(X, order, s + PREFETCH_AHEAD, rowBytes) : x;
    if (s + TLB_AHEAD < n && cols > 0) {
      // first and last word of a row further ahead: its page-table walks start early
      const far = rowAt(X, order, s + TLB_AHEAD, rowBytes);
      store<i32>(state + 52, load<i32>(state + 52) ^ load<i32>(far) ^ load<i32>(far + rowBytes - 4));
    }
    const dot = haveNextDot ? nextDot : dotF32F64Prefetch(x, w, cols, next, state + 48);
    haveNextDot = false;
    const p = dot * wscale + intercept;
    if (lr == LR_OPTIMAL) eta = 1.0 / (alpha * (optimalInit + t - 1.0));
    sumloss += lossValue(kind, threshold, p, y);
    const classWeight = y > 0 ? weightPos : weightNeg;
    let update: f64;
    if (lr >= LR_PA1) {
      const norm = norms ? load<f64>(norms + (<usize>i << 3)) : rowSqNorm64(x, cols);
      if (norm == 0) continue;
      const l = lossValue(kind, threshold, p, y);
      update = lr == LR_PA1 ? min(C, l / norm) : l / (norm + 0.5 / C);
      update *= y; // classification losses only
    } else {
      let d = lossDeriv(kind, threshold, p, y);
      if (d < -MAX_DLOSS) d = -MAX_DLOSS;
      else if (d > MAX_DLOSS) d = MAX_DLOSS;
      update = -eta * d;
    }
    update *= classWeight;

    if (penalty >= PEN_L2) {
      // shrink, but never to a negative scale: the weights become zero instead
      wscale *= max(0.0, 1.0 - (1.0 - l1Ratio) * eta * alpha);
      if (wscale < WSCALE_THRESHOLD) {
        for (let j = 0; j < cols; j++) store<f64>(w + (<usize>j << 3), load<f64>(w + (<usize>j << 3)) * wscale);
        wscale = 1.0;
      }
    }
    const l1 = penalty == PEN_L1 || penalty == PEN_ELASTICNET;
    // Truncated gradient (Tsuruoka et al. 2009) over every feature of the dense row.
    if (l1) u += l1Ratio * eta * alpha;
    // A pass over the weights also takes the next row's dot product (row `next`), and
    // reads the row after that into cache, as the dot product would have.
    const hasNext = s + 1 < n;
    const xNext = hasNext ? rowAt(X, order, s + 1, rowBytes) : x;
    const after = s + 1 + PREFETCH_AHEAD < n ? rowAt(X, order, s + 1 + PREFETCH_AHEAD, rowBytes) : xNext;
    // (after the last sample the dot product is of this row again, and unused)
    const sink = state + 48;
    const a = update / wscale;
    if (update != 0.0) {
      if (!l1) nextDot = updateThenDotNext(0, false, a, x, w, q, cols, wscale, u, xNext, after, sink);
      else if (wscale == 1.0) nextDot = updateThenDotNext(1, true, a, x, w, q, cols, wscale, u, xNext, after, sink);
      else nextDot = updateThenDotNext(1, false, a, x, w, q, cols, wscale, u, xNext, after, sink);
      haveNextDot = hasNext;
      if (fitIntercept) intercept += update;
      updates += 1.0;
    } else if (l1) {
      if (wscale == 1.0) nextDot = updateThenDotNext(2, true, 0.0, x, w, q, cols, wscale, u, xNext, after, sink);
      else nextDot = updateThenDotNext(2, false, 0.0, x, w, q, cols, wscale, u, xNext, after, sink);
      haveNextDot = hasNext;
    }
    t += 1.0;
  }
  store<f64>(state, intercept);
  store<f64>(state, wscale, 8);
  store<f64>(state, t, 16);
  store<f64>(state, u, 24);
  store<f64>(state, sumloss, 32);
  store<f64>(state, updates, 40);
}
