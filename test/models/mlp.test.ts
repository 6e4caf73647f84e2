import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../src/data/prepared.js";
import { prepareData } from "../../src/pipeline/prepare.js";
import { loadDataset } from "../../src/data/registry.js";
import { NotFittedError } from "../../src/errors.js";
import { MLPClassifier } from "../../src/models/mlp.js";
import { SharedHeap } from "../../src/wasm/heap.js";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/mlp.json", import.meta.url), "utf8"));
let data: PreparedData;
beforeAll(async () => {
  data = prepareData(await loadDataset("fashion"), { trainSize: fixture.train_size, testSize: fixture.test_size, heap: SharedHeap.create() });
});

const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;

describe(`MLPClassifier against scikit-learn 1.2 on ${fixture.train_size} / ${fixture.test_size} images`, () => {
  // scikit-learn's accuracy is the mean over seeds 0-2 (runs match in distribution, not draw for draw).
  for (const c of fixture.cases) {
    it(`${JSON.stringify(c.params)}: accuracy within 1.5 points of scikit-learn's mean over 3 seeds`, () => {
      const clf = new MLPClassifier({ ...c.params, random_state: 0 }).fit(data.Xtrain, data.ytrain);
      expect(Math.abs(clf.score(data.Xtest, data.ytest) - mean(c.accuracies))).toBeLessThanOrEqual(0.015);
      if (c.params.early_stopping) expect(clf.n_iter_).toBeLessThan(100);
      else expect(clf.n_iter_).toBe(200);
    });
  }
});

describe("MLPClassifier contract", () => {
  const X = { data: Float32Array.from([0, 0, 0, 1, 5, 5, 5, 6, 10, 0, 10, 1]), rows: 6, cols: 2 };
  const y = Int32Array.from([4, 4, 7, 7, 9, 9]);

  it("fit returns this, is deterministic with a seed, predicts labels, probabilities sum to 1", () => {
    const a = new MLPClassifier({ hidden_layer_sizes: [8], random_state: 3, max_iter: 300 });
    expect(a.fit(X, y)).toBe(a);
    const b = new MLPClassifier({ hidden_layer_sizes: [8], random_state: 3, max_iter: 300 }).fit(X, y);
    expect(Array.from(a.predictProba(X))).toEqual(Array.from(b.predictProba(X)));
    expect(Array.from(a.classes_!)).toEqual([4, 7, 9]);
    const proba = a.predictProba(X);
    for (let r = 0; r < 6; r++) expect(proba[r * 3] + proba[r * 3 + 1] + proba[r * 3 + 2]).toBeCloseTo(1, 5);
  });

  it("handles two classes with one logistic output unit", () => {
    const y2 = Int32Array.from([0, 0, 0, 1, 1, 1]);
    const clf = new MLPClassifier({ hidden_layer_sizes: [4], random_state: 1, learning_rate_init: 0.05, max_iter: 500 }).fit(X, y2);
    expect(Array.from(clf.predict(X))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(clf.predictProba(X).length).toBe(12);
  });

  it("throws NotFittedError before fit and names invalid parameters", () => {
    expect(() => new MLPClassifier().predict(X)).toThrow(NotFittedError);
    expect(() => new MLPClassifier({ activation: "softplus" })).toThrow(/MLPClassifier: parameter 'activation' must be one of identity, logistic, tanh, relu/);
    expect(() => new MLPClassifier({ solver: "lbfgs" })).toThrow(/parameter 'solver'/);
  });
});
