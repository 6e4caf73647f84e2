import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../src/data/prepared.js";
import { prepareData } from "../../src/pipeline/prepare.js";
import { loadDataset, type LoadedDataset } from "../../src/data/registry.js";
import { NotFittedError, ParamError } from "../../src/errors.js";
import { SVC } from "../../src/models/svm.js";
import { SharedHeap } from "../../src/wasm/heap.js";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/svc.json", import.meta.url), "utf8"));
let data: PreparedData;
beforeAll(async () => {
  const dataset: LoadedDataset = await loadDataset("fashion");
  data = prepareData(dataset, { trainSize: fixture.train_size, testSize: fixture.test_size, heap: SharedHeap.create() });
});

describe(`SVC against scikit-learn 1.2 on ${fixture.train_size} / ${fixture.test_size} images`, () => {
  for (const c of fixture.cases) {
    it(`${JSON.stringify(c.params)}: predictions, support vectors and accuracy`, () => {
      const svc = new SVC(c.params).fit(data.Xtrain, data.ytrain);
      const pred = svc.predict(data.Xtest);
      let same = 0;
      pred.forEach((p, i) => { if (p === c.predictions[i]) same++; });
      expect(same / pred.length).toBeGreaterThanOrEqual(0.99);
      expect(Math.abs(svc.score(data.Xtest, data.ytest) - c.accuracy)).toBeLessThanOrEqual(0.005);
      const nSupport = Array.from(svc.n_support_!);
      nSupport.forEach((n, k) => expect(Math.abs(n - c.n_support[k])).toBeLessThanOrEqual(Math.max(2, 0.02 * c.n_support[k])));
      svc.intercept_!.forEach((b, p) => expect(Math.abs(b - c.intercept[p])).toBeLessThan(0.02 * Math.max(1, Math.abs(c.intercept[p]))));
    });
  }
});

describe("SVC contract", () => {
  const X = { data: Float32Array.from([0, 0, 0, 1, 5, 5, 5, 6, 10, 0, 10, 1]), rows: 6, cols: 2 };
  const y = Int32Array.from([4, 4, 7, 7, 9, 9]);

  it("fit returns this, predicts original labels, defaults in getParams", () => {
    const svc = new SVC({ kernel: "linear" });
    expect(svc.fit(X, y)).toBe(svc);
    expect(Array.from(svc.predict(X))).toEqual([4, 4, 7, 7, 9, 9]);
    expect(Array.from(svc.classes_!)).toEqual([4, 7, 9]);
    expect(svc.getParams()).toMatchObject({ C: 1, kernel: "linear", degree: 3, gamma: "scale", tol: 1e-3, max_iter: -1 });
    expect(svc.decisionFunction(X).length).toBe(6 * 3);
  });

  it("break_ties with ovr predicts the argmax of the ovr decision function", () => {
    const svc = new SVC({ break_ties: true }).fit(X, y);
    expect(Array.from(svc.predict(X))).toEqual([4, 4, 7, 7, 9, 9]);
  });

  it("throws NotFittedError before fit and rejects invalid parameters, naming them", () => {
    expect(() => new SVC().predict(X)).toThrow(NotFittedError);
    expect(() => new SVC({ kernel: "rfb" })).toThrow(/SVC: parameter 'kernel' must be one of linear, poly, rbf, sigmoid; got 'rfb'/);
    expect(() => new SVC({ probability: true })).toThrow(ParamError);
    expect(() => new SVC({ break_ties: true, decision_function_shape: "ovo" })).toThrow(/break_ties/);
    expect(() => new SVC().fit(X, new Int32Array(6))).toThrow(/greater than one/);
  });
});
