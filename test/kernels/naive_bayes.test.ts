import { describe, expect, it } from "vitest";
import { gaussianClassStats, gaussianJointLogLikelihood } from "../../src/kernels/naive_bayes.js";
import { SharedHeap } from "../../src/wasm/heap.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** The plain loops the kernels replace: sums in row order, then in feature order. */
function reference(data: Float32Array, rows: number, cols: number, codes: Int32Array, k: number, Q: Float32Array, base: Float64Array) {
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] += data[i * cols + j];
  for (let j = 0; j < cols; j++) mean[j] /= rows;
  const variance = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) variance[j] += (data[i * cols + j] - mean[j]) ** 2;
  let maxVariance = 0;
  for (let j = 0; j < cols; j++) maxVariance = Math.max(maxVariance, variance[j] / rows);
  const count = new Float64Array(k);
  const theta = new Float64Array(k * cols);
  for (let i = 0; i < rows; i++) {
    count[codes[i]]++;
    for (let j = 0; j < cols; j++) theta[codes[i] * cols + j] += data[i * cols + j];
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < cols; j++) theta[c * cols + j] /= count[c];
  const dev = new Float64Array(k * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const d = data[i * cols + j] - theta[codes[i] * cols + j];
      dev[codes[i] * cols + j] += d * d;
    }
  }
  const vars = dev.map((v, e) => v / count[Math.floor(e / cols)] + 0.01);
  const qRows = Q.length / cols;
  const jll = new Float64Array(qRows * k);
  for (let i = 0; i < qRows; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < cols; j++) {
        const d = Q[i * cols + j] - theta[c * cols + j];
        s += (d * d) / vars[c * cols + j];
      }
      jll[i * k + c] = base[c] - 0.5 * s;
    }
  }
  return { theta, dev, count, maxVariance, vars, jll };
}

describe("GaussianNB kernels against the plain loops", () => {
  // Odd and even feature counts (the f64x2 tails), class counts across the five lane pairs of a pass and beyond.
  for (const [rows, cols, k] of [[40, 7, 2], [33, 8, 3], [120, 5, 10], [150, 3, 11], [25, 1, 1]] as const) {
    it(`${rows} x ${cols}, ${k} class(es): the same bits`, () => {
      const rand = lcg(rows * 7 + cols * 3 + k);
      const heap = SharedHeap.create();
      const data = Float32Array.from({ length: rows * cols }, () => Math.round((rand() * 6 - 3) * 64) / 64);
      const codes = Int32Array.from({ length: rows }, (_, i) => i % k);
      const Q = Float32Array.from({ length: 9 * cols }, () => rand() * 6 - 3);
      const base = Float64Array.from({ length: k }, () => rand() - 0.5);
      const want = reference(data, rows, cols, codes, k, Q, base);
      const got = gaussianClassStats(heap, { data, rows, cols }, codes, k);
      expect(Array.from(got.theta)).toEqual(Array.from(want.theta));
      expect(Array.from(got.squaredDeviations)).toEqual(Array.from(want.dev));
      expect(Array.from(got.count)).toEqual(Array.from(want.count));
      expect(got.maxVariance).toBe(want.maxVariance);
      const jll = gaussianJointLogLikelihood(heap, { data: Q, rows: 9, cols }, want.theta, want.vars, base);
      expect(Array.from(jll)).toEqual(Array.from(want.jll));
    });
  }
});
