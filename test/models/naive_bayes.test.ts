import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../src/data/prepared.js";
import { prepareData } from "../../src/pipeline/prepare.js";
import { loadDataset, type LoadedDataset } from "../../src/data/registry.js";
import { ParamError } from "../../src/errors.js";
import { GaussianNB } from "../../src/models/naive_bayes.js";
import { SharedHeap } from "../../src/wasm/heap.js";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/gaussian-nb.json", import.meta.url), "utf8"));
let dataset: LoadedDataset;
beforeAll(async () => {
  dataset = await loadDataset("fashion");
});

function prepared(trainSize?: number, testSize?: number): PreparedData {
  return prepareData(dataset, { trainSize, testSize, heap: SharedHeap.create() });
}

describe("GaussianNB against scikit-learn 1.2", () => {
  for (const c of fixture.cases) {
    it(`predicts as scikit-learn on ${c.train_size}/${c.test_size} with ${JSON.stringify(c.params)}`, () => {
      const d = prepared(c.train_size, c.test_size);
      const nb = new GaussianNB(c.params).fit(d.Xtrain, d.ytrain);
      expect(Array.from(nb.predict(d.Xtest))).toEqual(c.predictions);
      expect(nb.score(d.Xtest, d.ytest)).toBeCloseTo(c.accuracy, 12);
      // X is float32 here and float64 in scikit-learn: the largest variance agrees to ~1e-7 relative.
      expect(Math.abs(nb.epsilon_ - c.epsilon) / c.epsilon).toBeLessThan(1e-6);
      c.theta_row3_first10.forEach((v: number, j: number) => expect(nb.theta_![3 * 784 + j]).toBeCloseTo(v, 5));
      c.var_row3_first10.forEach((v: number, j: number) => expect(nb.var_![3 * 784 + j]).toBeCloseTo(v, 5));
    });
  }

  it("scores 0.5703 on the full data with standardized pixels, as scikit-learn 1.2", () => {
    const d = prepared();
    const nb = new GaussianNB(fixture.full.params).fit(d.Xtrain, d.ytrain);
    expect(nb.score(d.Xtest, d.ytest)).toBe(fixture.full.accuracy);
    expect(fixture.full.accuracy).toBe(0.5703);
  });
});

describe("GaussianNB contract", () => {
  const X = { data: Float32Array.from([0, 0, 1, 1, 10, 10, 11, 11]), rows: 4, cols: 2 };
  const y = Int32Array.from([3, 3, 7, 7]);

  it("fit returns this, predicts original labels, keeps defaults in getParams", () => {
    const nb = new GaussianNB();
    expect(nb.fit(X, y)).toBe(nb);
    expect(Array.from(nb.predict(X))).toEqual([3, 3, 7, 7]);
    expect(Array.from(nb.classes_!)).toEqual([3, 7]);
    expect(nb.getParams()).toEqual({ priors: null, var_smoothing: 1e-9 });
  });

  it("rejects unknown and invalid parameters, naming them", () => {
    expect(() => new GaussianNB({ var_smothing: 1 })).toThrow(/GaussianNB: unknown parameter 'var_smothing'; valid parameters are priors, var_smoothing/);
    expect(() => new GaussianNB({ var_smoothing: -1 })).toThrow(ParamError);
    expect(() => new GaussianNB({ var_smoothing: -1 })).toThrow(/parameter 'var_smoothing' must be a float in the range \[0, inf\); got -1/);
    expect(() => new GaussianNB({ priors: "uniform" })).toThrow(/'priors' must be None \(null\) or an array of numbers; got 'uniform'/);
  });

  it("validates priors against the classes at fit time", () => {
    expect(() => new GaussianNB({ priors: [0.5, 0.2, 0.3] }).fit(X, y)).toThrow(/number of priors \(3\) must match number of classes \(2\)/);
    expect(() => new GaussianNB({ priors: [0.5, 0.6] }).fit(X, y)).toThrow(/sum of the priors should be 1/);
    expect(() => new GaussianNB({ priors: [1.5, -0.5] }).fit(X, y)).toThrow(/priors must be non-negative/);
  });
});
