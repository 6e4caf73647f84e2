// liblinear-style dual coordinate descent for L2-regularized hinge / squared hinge
// (LinearSVC's dual solver): one outer iteration per call.

import { TLB_AHEAD, dotF32F64Prefetch, rowAt, updateThenDotNext } from "./shuffled_rows";

/**
 * One outer iteration of dual coordinate descent (with shrinking) on a binary
 * problem: for s < activeSize, sample i = index[s], y_i = +1 if labels[i] == positive.
 * w has cols + 1 entries (the last is the bias, feature value `bias`).
 * qd[i] = x_i.x_i + bias^2 + diag. alpha (float64, n).
 * state (float64, in/out): [activeSize, PGmax_old, PGmin_old, PGmax_new (out), PGmin_new (out),
 *                            scratch (sink of the prefetching reads)]
 * params: [upper bound U (C or +inf), diag (0 or 0.5/C), bias]
 * Rows are visited in shuffled order, so, as in sgd_epoch_f32, each dot product reads the
 * next row into cache, a row further ahead starts its page-table walks, and a weight update
 * takes the next row's dot product in the same pass (the values are those of separate
 * passes, bit for bit).
 */
export function dcd_svm_epoch_f32(
  X: usize, cols: i32, index: usize, labels: usize, positive: i32,
  w: usize, alpha: usize, qd: usize, params: usize, state: usize,
): void {
  const U = load<f64>(params);
  const diag = load<f64>(params, 8);
  const bias = load<f64>(params, 16);
  let active = <i32>load<f64>(state);
  const pgMaxOld = load<f64>(state, 8);
  const pgMinOld = load<f64>(state, 16);
  let pgMaxNew = -Infinity;
  let pgMinNew = Infinity;
  const rowBytes = <usize>cols << 2;
  const wb = w + (<usize>cols << 3);
  const sink = state + 40;
  // the dot product of the row at position s, when the previous update's pass took it
  let nextDot = 0.0;
  let haveNextDot = false;
  let s = 0;
  while (s < active) {
    const i = load<i32>(index + (<usize>s << 2));
    const yi: f64 = load<i32>(labels + (<usize>i << 2)) == positive ? 1.0 : -1.0;
    const x = X + <usize>i * rowBytes;
    const ai = load<f64>(alpha + (<usize>i << 3));
    if (s + TLB_AHEAD < active && cols > 0) {
      const far = rowAt(X, index, s + TLB_AHEAD, rowBytes);
      store<i32>(sink + 4, load<i32>(sink + 4) ^ load<i32>(far) ^ load<i32>(far + rowBytes - 4));
    }
    // the next row visited, unless this one is shrunk, is the one at s + 1
    const hasNext = s + 1 < active;
    const xNext = hasNext ? rowAt(X, index, s + 1, rowBytes) : x;
    const dot = haveNextDot ? nextDot : dotF32F64Prefetch(x, w, cols, xNext, sink);
    haveNextDot = false;
    let G = yi * (dot + load<f64>(wb) * bias) - 1.0 + ai * diag;
    let PG = 0.0;
    if (ai == 0) {
      if (G > pgMaxOld) {
        active--;
        store<i32>(index + (<usize>s << 2), load<i32>(index + (<usize>active << 2)));
        store<i32>(index + (<usize>active << 2), i);
        continue;
      } else if (G < 0) PG = G;
    } else if (ai == U) {
      if (G < pgMinOld) {
        active--;
        store<i32>(index + (<usize>s << 2), load<i32>(index + (<usize>active << 2)));
        store<i32>(index + (<usize>active << 2), i);
        continue;
      } else if (G > 0) PG = G;
    } else PG = G;
    pgMaxNew = max(pgMaxNew, PG);
    pgMinNew = min(pgMinNew, PG);
    if (Math.abs(PG) > 1.0e-12) {
      const an = min(max(ai - G / load<f64>(qd + (<usize>i << 3)), 0.0), U);
      store<f64>(alpha + (<usize>i << 3), an);
      const d = (an - ai) * yi;
      if (d != 0) {
        const after = s + 2 < active ? rowAt(X, index, s + 2, rowBytes) : xNext;
        nextDot = updateThenDotNext(0, false, d, x, w, 0, cols, 1.0, 0.0, xNext, after, sink);
        haveNextDot = hasNext;
        store<f64>(wb, load<f64>(wb) + d * bias);
      }
    }
    s++;
  }
  store<f64>(state, <f64>active);
  store<f64>(state, pgMaxNew, 24);
  store<f64>(state, pgMinNew, 32);
}
