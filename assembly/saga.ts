// SAGA (Defazio, Bach & Lacoste-Julien 2014) for logistic regression, one epoch per
// call, with the semantics of scikit-learn 1.2's sag solver in its saga mode on dense
// data: a table of per-sample loss derivatives (one K-vector each, the gradient being
// that vector times x_i), the running sum of the table's gradients averaged over the
// samples seen so far, an L2 decay and an L1 proximal step (soft threshold) on the
// weights, the intercepts stepped with their own gradient sums and never penalized.
//
// scikit-learn keeps the weights scaled and applies the averaged-gradient step lazily
// (at the next sample or the end of the epoch); on dense rows every weight is touched
// by every sample, so the same updates are made here directly, in the true scale:
// for a sample i with new derivatives g and stored ones m (delta = g - m),
//   w <- soft(decay * w - s1 * delta x_i - s2 * (S + delta x_i), step * beta)
//   S <- S + delta x_i
// with s1 = step (1 - 1/seen), s2 = step / seen. The weights are float64 (scikit-learn
// runs its float64 variant on the float64 data of the reference runs), X rows float32.
//
// Layout: W and S are K x cols (class-major, float64) so the SIMD lanes run along the
// features for any K; the derivative table is n x K float64; b, bsum (K) float64.
// No allocation, no static data.

import { dotF32F64 } from "./linalg";
import { expNoTable, log1pNoTable } from "./math";

/**
 * The multinomial (positive < 0; labels are class codes 0..K-1) or binary log-loss
 * (K = 1; y = +1 where labels[i] == positive, else -1) derivatives at `pred` into `g`.
 */
@inline
function lossDerivatives(pred: usize, K: i32, label: i32, positive: i32, g: usize): void {
  if (positive < 0) {
    let m = load<f64>(pred);
    for (let c = 1; c < K; c++) m = max(m, load<f64>(pred + (<usize>c << 3)));
    let sum = 0.0;
    for (let c = 0; c < K; c++) sum += expNoTable(load<f64>(pred + (<usize>c << 3)) - m);
    // log(sum) for sum >= 1; sum - 1 is exact there
    const lse = log1pNoTable(sum - 1.0) + m;
    for (let c = 0; c < K; c++) {
      let v = expNoTable(load<f64>(pred + (<usize>c << 3)) - lse);
      if (c == label) v -= 1.0;
      store<f64>(g + (<usize>c << 3), v);
    }
  } else {
    const y: f64 = label == positive ? 1.0 : -1.0;
    const z = load<f64>(pred) * y;
    let d: f64;
    if (z > 18.0) d = -y * expNoTable(-z);
    else if (z < -18.0) d = -y;
    else d = -y / (expNoTable(z) + 1.0);
    store<f64>(g, d);
  }
}

/**
 * Two weights' update: z = decay w - s1 corr - s2 (S + corr), S += corr, then the soft
 * threshold sign(z) max(|z| - t, 0) (t = 0 leaves z as it is). Returns the new weights.
 */
@inline
function updateLanes(pw: usize, ps: usize, corr: v128, decay: v128, s1: v128, s2: v128, t: v128): v128 {
  const signBit = i64x2.splat(0x8000000000000000);
  let w = f64x2.sub(f64x2.mul(v128.load(pw), decay), f64x2.mul(corr, s1));
  const sg = f64x2.add(v128.load(ps), corr);
  v128.store(ps, sg);
  w = f64x2.sub(w, f64x2.mul(sg, s2));
  const magnitude = f64x2.pmax(f64x2.splat(0), f64x2.sub(f64x2.abs(w), t));
  w = v128.or(magnitude, v128.and(w, signBit));
  v128.store(pw, w);
  return w;
}

@inline
function updateScalar(pw: usize, ps: usize, corr: f64, decay: f64, s1: f64, s2: f64, t: f64): f64 {
  let w = load<f64>(pw) * decay - corr * s1;
  const sg = load<f64>(ps) + corr;
  store<f64>(ps, sg);
  w -= sg * s2;
  const magnitude = max(0.0, abs(w) - t);
  w = w < 0 ? -magnitude : magnitude;
  store<f64>(pw, w);
  return w;
}

/**
 * One SAGA epoch over the samples order[0..n) (drawn by the caller), in place.
 *
 * params (float64): [step, decay = 1 - step * alpha, threshold = step * beta, fit_intercept]
 * state (float64, in/out): [number of samples seen]
 * seen (i32, n_samples, in/out): 1 once a sample's derivatives are in the table.
 * work: 3 K float64 (predictions, derivatives, their change).
 */
export function saga_epoch_f32(
  X: usize, cols: i32, order: usize, n: i32, labels: usize, K: i32, positive: i32,
  W: usize, S: usize, mem: usize, b: usize, bsum: usize, seen: usize, params: usize, state: usize, work: usize,
): void {
  if (n <= 0) return;
  const step = load<f64>(params);
  const decay = load<f64>(params, 8);
  const threshold = load<f64>(params, 16);
  const fitIntercept = load<f64>(params, 24) != 0;
  let numSeen = load<f64>(state);
  const rowBytes = <usize>cols << 2;
  const classBytes = <usize>cols << 3;
  const pred = work;
  const g = work + (<usize>K << 3);
  const delta = work + (<usize>K << 4);
  const decayV = f64x2.splat(decay);
  const tV = f64x2.splat(threshold);

  // the first sample's predictions; later ones come out of the previous update pass
  {
    const x = X + <usize>load<i32>(order) * rowBytes;
    for (let c = 0; c < K; c++) {
      store<f64>(pred + (<usize>c << 3), dotF32F64(x, W + <usize>c * classBytes, cols) + load<f64>(b + (<usize>c << 3)));
    }
  }
  for (let s = 0; s < n; s++) {
    const i = load<i32>(order + (<usize>s << 2));
    const x = X + <usize>i * rowBytes;
    const hasNext = s + 1 < n;
    const xn = hasNext ? X + <usize>load<i32>(order + (<usize>(s + 1) << 2)) * rowBytes : x;
    lossDerivatives(pred, K, load<i32>(labels + (<usize>i << 2)), positive, g);
    const pm = mem + <usize>i * (<usize>K << 3);
    for (let c = 0; c < K; c++) {
      const o = <usize>c << 3;
      store<f64>(delta + o, load<f64>(g + o) - load<f64>(pm + o));
      store<f64>(pm + o, load<f64>(g + o));
    }
    const ps = seen + (<usize>i << 2);
    if (load<i32>(ps) == 0) {
      store<i32>(ps, 1);
      numSeen += 1.0;
    }
    const s1 = step * (1.0 - 1.0 / numSeen);
    const s2 = step / numSeen;
    const s1V = f64x2.splat(s1);
    const s2V = f64x2.splat(s2);
    for (let c = 0; c < K; c++) {
      const dc = load<f64>(delta + (<usize>c << 3));
      const dV = f64x2.splat(dc);
      const wc = W + <usize>c * classBytes;
      const sc = S + <usize>c * classBytes;
      let acc0 = f64x2.splat(0);
      let acc1 = f64x2.splat(0);
      let j = 0;
      for (; j + 4 <= cols; j += 4) {
        const xv = v128.load(x + (<usize>j << 2));
        const nv = v128.load(xn + (<usize>j << 2));
        const o = <usize>j << 3;
        const w0 = updateLanes(wc + o, sc + o, f64x2.mul(f64x2.promote_low_f32x4(xv), dV), decayV, s1V, s2V, tV);
        const w1 = updateLanes(
          wc + o + 16, sc + o + 16, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1)), dV),
          decayV, s1V, s2V, tV,
        );
        acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(nv), w0));
        acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(nv, nv, 2, 3, 0, 1)), w1));
      }
      const acc = f64x2.add(acc0, acc1);
      let dot = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      for (; j < cols; j++) {
        const o = <usize>j << 3;
        const w = updateScalar(wc + o, sc + o, <f64>load<f32>(x + (<usize>j << 2)) * dc, decay, s1, s2, threshold);
        dot += <f64>load<f32>(xn + (<usize>j << 2)) * w;
      }
      const pb = b + (<usize>c << 3);
      if (fitIntercept) {
        const pbs = bsum + (<usize>c << 3);
        const bs = load<f64>(pbs) + dc;
        store<f64>(pbs, bs);
        store<f64>(pb, load<f64>(pb) - (step * bs / numSeen + dc * s1));
      }
      store<f64>(pred + (<usize>c << 3), dot + load<f64>(pb));
    }
  }
  store<f64>(state, numSeen);
}
