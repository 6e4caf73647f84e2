import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../../src/data/prepared.js";
import { createEstimator } from "../../../src/grid/registry.js";
import type { LinearClassifierBase } from "../../../src/models/linear/common.js";
import { NumpyRandomState, sequentialShuffle } from "../../../src/models/linear/sklearn_random.js";
import type { Params } from "../../../src/params.js";
import { fashionSlice } from "./data.js";

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/sgd-exact.json", import.meta.url), "utf8"));

describe("scikit-learn's random draws", () => {
  for (const { seed, low, high, values } of fixture.randint as { seed: number; low: number; high: number; values: number[] }[]) {
    it(`RandomState(${seed}).randint(${low}, ${high}) matches numpy`, () => {
      const rs = new NumpyRandomState(seed);
      expect(values.map(() => rs.randint(low, high))).toEqual(values);
    });
  }
  for (const { seed, n, orders } of fixture.shuffle as { seed: number; n: number; orders: number[][] }[]) {
    it(`SequentialDataset.shuffle(${seed}) over ${n} samples, applied three times, matches scikit-learn`, () => {
      const index = Int32Array.from({ length: n }, (_, i) => i);
      for (const order of orders) {
        sequentialShuffle(index, seed);
        expect(Array.from(index)).toEqual(order);
      }
    });
  }
});

interface ExactFit {
  classifier: string;
  params: Params;
  binary_class0: boolean;
  n_iter: number;
  intercept: number[];
  coef_sum: number[];
  predictions: string;
}

describe(`plain SGD follows scikit-learn's trajectory on ${fixture.fits.n_train} images (hinge-type losses)`, () => {
  let data: PreparedData;
  beforeAll(async () => {
    data = await fashionSlice(fixture.fits.n_train, fixture.fits.n_test);
  });
  for (const ref of fixture.fits.configs as ExactFit[]) {
    it(`${ref.classifier} ${JSON.stringify(ref.params)}${ref.binary_class0 ? " (class 0 vs rest)" : ""}`, () => {
      const y = ref.binary_class0 ? data.ytrain.map((v) => (v === 0 ? 1 : 0)) : data.ytrain;
      const est = createEstimator(ref.classifier, ref.params) as LinearClassifierBase & { n_iter_: number };
      est.fit(data.Xtrain, y);
      expect(est.n_iter_).toBe(ref.n_iter);
      const cols = data.Xtrain.cols;
      ref.intercept.forEach((b, k) => {
        expect(Math.abs(est.intercept_![k] - b)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(b)));
        let s = 0;
        for (let j = 0; j < cols; j++) s += est.coef_![k * cols + j];
        expect(Math.abs(s - ref.coef_sum[k])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(ref.coef_sum[k])));
      });
      expect(Array.from(est.predict(data.Xtest)).join("")).toBe(ref.predictions);
    });
  }
});
