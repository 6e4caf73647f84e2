// Crammer-Singer multi-class SVM by dual coordinate descent (liblinear's solver 4;
// LinearSVC with multi_class='crammer_singer'): one outer iteration per call.

import { axpy2F32F64, axpyF32F64, dot2F32F64, dotF32F64 } from "./linalg";

/** xor of the words touchRow read, kept so the loads cannot be dropped as dead. */
let prefetchSink: i32 = 0;

/**
 * Reads one word of each 64-byte line of a row, so the row visited next is in cache by
 * its turn (rows come in shuffled order, which the hardware prefetcher cannot follow).
 */
@inline
function touchRow(row: usize, rowBytes: usize): i32 {
  let t: i32 = 0;
  for (let o: usize = 0; o < rowBytes; o += 64) t ^= load<i32>(row + o);
  return t;
}

/** The weight row (cols + 1 float64, bias weight last) of the class at position m of a sample's class order. */
@inline
function classRow(W: usize, aix: usize, m: i32, wStride: usize): usize {
  return W + <usize>load<i32>(aix + (<usize>m << 2)) * wStride;
}

/** The bias weight's share of a step d: w_bias += d * bias. */
@inline
function addBiasStep(w: usize, cols: i32, d: f64, bias: f64): void {
  store<f64>(w + (<usize>cols << 3), load<f64>(w + (<usize>cols << 3)) + d * bias);
}

/** G[m] = [m is not the label] + w.x + w_bias * bias, from the product w.x. */
@inline
function storeGradient(G: usize, m: i32, yi: i32, dot: f64, w: usize, cols: i32, bias: f64): void {
  store<f64>(G + (<usize>m << 3), (m == yi ? 0.0 : 1.0) + dot + load<f64>(w + (<usize>cols << 3)) * bias);
}

@inline
function csShrunk(G: usize, m: i32, yi: i32, alphaVal: f64, minG: f64, C: f64): bool {
  const bound = m == yi ? C : 0.0;
  return alphaVal == bound && load<f64>(G + (<usize>m << 3)) < minG;
}

/**
 * One outer iteration over index[0 .. activeSize) (already shuffled by the caller).
 * W: K x (cols + 1) float64, class-major, the last column the bias weight (feature
 * value `bias`). alpha: n x K float64; alphaIndex: n x K int32 (per-sample class
 * permutation); activeI, yIndex: n int32; qd: n float64 (x.x + bias^2).
 * work: 5 K float64 + K int32 of scratch. params: [C, bias].
 * state (float64, in/out): [activeSize, stopping (out)].
 */
export function cs_svm_epoch_f32(
  X: usize, cols: i32, K: i32, index: usize, labels: usize, W: usize, alpha: usize, alphaIndex: usize,
  activeI: usize, yIndex: usize, qd: usize, work: usize, params: usize, state: usize,
): void {
  const C = load<f64>(params);
  const bias = load<f64>(params, 8);
  let active = <i32>load<f64>(state);
  let stopping = -Infinity;
  const G = work;
  const B = work + (<usize>K << 3);
  const D = B + (<usize>K << 3);
  const alphaNew = D + (<usize>K << 3);
  const dVal = alphaNew + (<usize>K << 3);
  const dInd = dVal + (<usize>K << 3);
  const rowBytes = <usize>cols << 2;
  const wStride = <usize>(cols + 1) << 3;
  let s = 0;
  while (s < active) {
    const i = load<i32>(index + (<usize>s << 2));
    if (s + 1 < active) prefetchSink ^= touchRow(X + <usize>load<i32>(index + (<usize>(s + 1) << 2)) * rowBytes, rowBytes);
    const Ai = load<f64>(qd + (<usize>i << 3));
    const x = X + <usize>i * rowBytes;
    const ai = alpha + (<usize>i * <usize>K << 3);
    const aix = alphaIndex + (<usize>i * <usize>K << 2);
    const pAct = activeI + (<usize>i << 2);
    const pY = yIndex + (<usize>i << 2);
    if (Ai > 0) {
      let act = load<i32>(pAct);
      let yi = load<i32>(pY);
      let m = 0;
      for (; m + 2 <= act; m += 2) {
        const w0 = classRow(W, aix, m, wStride);
        const w1 = classRow(W, aix, m + 1, wStride);
        const dots = dot2F32F64(x, w0, w1, cols);
        storeGradient(G, m, yi, f64x2.extract_lane(dots, 0), w0, cols, bias);
        storeGradient(G, m + 1, yi, f64x2.extract_lane(dots, 1), w1, cols, bias);
      }
      if (m < act) {
        const wc = classRow(W, aix, m, wStride);
        storeGradient(G, m, yi, dotF32F64(x, wc, cols), wc, cols, bias);
      }
      let minG = Infinity;
      let maxG = -Infinity;
      for (let m = 0; m < act; m++) {
        const g = load<f64>(G + (<usize>m << 3));
        if (load<f64>(ai + (<usize>load<i32>(aix + (<usize>m << 2)) << 3)) < 0 && g < minG) minG = g;
        if (g > maxG) maxG = g;
      }
      if (yi < act) {
        const gy = load<f64>(G + (<usize>yi << 3));
        if (load<f64>(ai + (<usize>load<i32>(aix + (<usize>yi << 2)) << 3)) < C && gy < minG) minG = gy;
      }
      for (let m = 0; m < act; m++) {
        if (csShrunk(G, m, yi, load<f64>(ai + (<usize>load<i32>(aix + (<usize>m << 2)) << 3)), minG, C)) {
          act--;
          while (act > m) {
            if (!csShrunk(G, act, yi, load<f64>(ai + (<usize>load<i32>(aix + (<usize>act << 2)) << 3)), minG, C)) {
              const t = load<i32>(aix + (<usize>m << 2));
              store<i32>(aix + (<usize>m << 2), load<i32>(aix + (<usize>act << 2)));
              store<i32>(aix + (<usize>act << 2), t);
              const tg = load<f64>(G + (<usize>m << 3));
              store<f64>(G + (<usize>m << 3), load<f64>(G + (<usize>act << 3)));
              store<f64>(G + (<usize>act << 3), tg);
              if (yi == act) yi = m;
              else if (yi == m) yi = act;
              break;
            }
            act--;
          }
        }
      }
      store<i32>(pAct, act);
      store<i32>(pY, yi);
      if (act <= 1) {
        active--;
        store<i32>(index + (<usize>s << 2), load<i32>(index + (<usize>active << 2)));
        store<i32>(index + (<usize>active << 2), i);
        continue;
      }
      if (maxG - minG <= 1e-12) {
        s++;
        continue;
      }
      stopping = max(maxG - minG, stopping);
      for (let m = 0; m < act; m++) {
        store<f64>(B + (<usize>m << 3),
          load<f64>(G + (<usize>m << 3)) - Ai * load<f64>(ai + (<usize>load<i32>(aix + (<usize>m << 2)) << 3)));
      }
      // sub-problem: D = B (+ Ai C at yi), sorted descending
      for (let m = 0; m < act; m++) store<f64>(D + (<usize>m << 3), load<f64>(B + (<usize>m << 3)));
      if (yi < act) store<f64>(D + (<usize>yi << 3), load<f64>(D + (<usize>yi << 3)) + Ai * C);
      for (let a = 1; a < act; a++) {
        const v = load<f64>(D + (<usize>a << 3));
        let b = a - 1;
        while (b >= 0 && load<f64>(D + (<usize>b << 3)) < v) {
          store<f64>(D + (<usize>(b + 1) << 3), load<f64>(D + (<usize>b << 3)));
          b--;
        }
        store<f64>(D + (<usize>(b + 1) << 3), v);
      }
      let beta = load<f64>(D) - Ai * C;
      let r = 1;
      while (r < act && beta < <f64>r * load<f64>(D + (<usize>r << 3))) {
        beta += load<f64>(D + (<usize>r << 3));
        r++;
      }
      beta /= <f64>r;
      for (let m = 0; m < act; m++) {
        const v = (beta - load<f64>(B + (<usize>m << 3))) / Ai;
        store<f64>(alphaNew + (<usize>m << 3), m == yi ? min(C, v) : min(0.0, v));
      }
      let nz = 0;
      for (let m = 0; m < act; m++) {
        const cls = load<i32>(aix + (<usize>m << 2));
        const pa = ai + (<usize>cls << 3);
        const an = load<f64>(alphaNew + (<usize>m << 3));
        const d = an - load<f64>(pa);
        store<f64>(pa, an);
        if (Math.abs(d) >= 1e-12) {
          store<i32>(dInd + (<usize>nz << 2), cls);
          store<f64>(dVal + (<usize>nz << 3), d);
          nz++;
        }
      }
      let u = 0;
      for (; u + 2 <= nz; u += 2) {
        const d0 = load<f64>(dVal + (<usize>u << 3));
        const d1 = load<f64>(dVal + (<usize>(u + 1) << 3));
        const w0 = W + <usize>load<i32>(dInd + (<usize>u << 2)) * wStride;
        const w1 = W + <usize>load<i32>(dInd + (<usize>(u + 1) << 2)) * wStride;
        axpy2F32F64(d0, d1, x, w0, w1, cols);
        addBiasStep(w0, cols, d0, bias);
        addBiasStep(w1, cols, d1, bias);
      }
      if (u < nz) {
        const d = load<f64>(dVal + (<usize>u << 3));
        const wc = W + <usize>load<i32>(dInd + (<usize>u << 2)) * wStride;
        axpyF32F64(d, x, wc, cols);
        addBiasStep(wc, cols, d, bias);
      }
    }
    s++;
  }
  store<f64>(state, <f64>active);
  store<f64>(state, stopping, 8);
}
