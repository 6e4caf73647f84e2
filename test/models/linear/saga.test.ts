import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LogisticRegression } from "../../../src/models/linear/logistic.js";
import { owlqn } from "../../../src/models/optim.js";
import { sagaDatasetSeed, sagaStepSize } from "../../../src/models/linear/saga.js";
import type { Params } from "../../../src/params.js";
import { fashionSlice } from "./data.js";

interface Case {
  name: string;
  params: Params;
  X: number[];
  rows: number;
  cols: number;
  y: number[];
  coef: number[];
  intercept: number[];
  n_iter: number;
  warned: boolean;
}
const fixture: { cases: Case[] } = JSON.parse(readFileSync(new URL("../../fixtures/saga.json", import.meta.url), "utf8"));

function maxRelDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
  }
  return diff / Math.max(scale, 1e-300);
}

describe("LogisticRegression saga: scikit-learn 1.2's fits (test/fixtures/saga.json)", () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const X = { data: Float32Array.from(c.X), rows: c.rows, cols: c.cols };
      const est = new LogisticRegression(c.params).fit(X, c.y);
      expect(est.solver_used_).toBe("saga");
      expect(est.method_).toBe("SAGA");
      expect(est.n_iter_).toBe(c.n_iter);
      expect(est.warnings_.length > 0).toBe(c.warned);
      // scikit-learn keeps one row for a two-class multinomial fit: the second class's
      let coef = est.coef_!;
      let intercept = est.intercept_!;
      if (c.coef.length < coef.length) {
        coef = coef.subarray(c.cols);
        intercept = intercept.subarray(1);
      }
      expect(coef.length).toBe(c.coef.length);
      expect(maxRelDiff(coef, c.coef)).toBeLessThan(1e-9);
      expect(maxRelDiff(intercept, c.intercept)).toBeLessThan(1e-9);
    });
  }
});

/** Gaussian features, labels from a noisy linear rule: a train and a test split. */
function gaussianProblem(nTrain: number, nTest: number, cols: number, K: number) {
  let s = 12345;
  const uniform = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) + 0.5) / 4294967296;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const W = Float64Array.from({ length: K * cols }, () => (uniform() < 0.5 ? 0 : normal()));
  const draw = (rows: number) => {
    const data = Float32Array.from({ length: rows * cols }, normal);
    const y = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      let best = -Infinity;
      for (let c = 0; c < K; c++) {
        let z = normal();
        for (let j = 0; j < cols; j++) z += W[c * cols + j] * data[i * cols + j];
        if (z > best) [best, y[i]] = [z, c];
      }
    }
    return { X: { data, rows, cols }, y };
  };
  return { train: draw(nTrain), test: draw(nTest) };
}

/** sum_i multinomial log-loss + lambda ||W||_1 (intercepts free), with its smooth part's gradient. */
function softmaxObjective(X: { data: Float32Array; rows: number; cols: number }, codes: Int32Array, K: number) {
  const { data, rows, cols } = X;
  return (x: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const z = new Float64Array(K);
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < K; c++) {
        let s = x[K * cols + c];
        for (let j = 0; j < cols; j++) s += x[c * cols + j] * data[i * cols + j];
        z[c] = s;
      }
      const m = Math.max(...z);
      let sum = 0;
      for (let c = 0; c < K; c++) sum += Math.exp(z[c] - m);
      const lse = m + Math.log(sum);
      loss += lse - z[codes[i]];
      for (let c = 0; c < K; c++) {
        const r = Math.exp(z[c] - lse) - (c === codes[i] ? 1 : 0);
        for (let j = 0; j < cols; j++) grad[c * cols + j] += r * data[i * cols + j];
        grad[K * cols + c] += r;
      }
    }
    return loss;
  };
}

describe("LogisticRegression saga on Fashion-MNIST images", () => {
  it("is deterministic for a seed, follows random_state, and None is seed 0", async () => {
    const data = await fashionSlice(300, 10);
    const fit = (params: Params) => new LogisticRegression({ penalty: "l1", multi_class: "multinomial", max_iter: 3, ...params })
      .fit(data.Xtrain, data.ytrain).coef_!;
    const a = fit({ random_state: 7 });
    expect(Array.from(fit({ random_state: 7 }))).toEqual(Array.from(a));
    expect(Array.from(fit({ random_state: 8 }))).not.toEqual(Array.from(a));
    expect(Array.from(fit({ random_state: null }))).toEqual(Array.from(fit({ random_state: 0 })));
  });

  it("warns when max_iter is reached", async () => {
    const data = await fashionSlice(300, 10);
    const est = new LogisticRegression({ penalty: "l1", max_iter: 3 }).fit(data.Xtrain, data.ytrain);
    expect(est.solver_used_).toBe("saga");
    expect(est.method_).toBe("SAGA");
    expect(est.n_iter_).toBe(3);
    expect(est.warnings_).toEqual(["The max_iter was reached which means the coef_ did not converge"]);
  });

  it("given many epochs, reaches the optimum OWL-QN finds (objective and accuracy)", () => {
    // Fashion-MNIST's pixels are too ill-conditioned for SAGA to settle in a test's budget
    // (3,000 epochs on 185 images of three classes stay 1.5% above the optimum, as
    // scikit-learn's would): a well-conditioned synthetic problem instead.
    const { train, test } = gaussianProblem(400, 400, 20, 3);
    const C = 0.05;
    const est = new LogisticRegression({ penalty: "l1", C, multi_class: "multinomial", max_iter: 1000, tol: 1e-6 })
      .fit(train.X, train.y);
    expect(est.warnings_).toEqual([]);
    expect(est.n_iter_).toBeLessThan(1000);
    const K = 3;
    const cols = train.X.cols;
    const lambda = new Float64Array(K * cols + K).fill(1 / C, 0, K * cols);
    const smooth = softmaxObjective(train.X, train.y, K);
    const opt = owlqn(smooth, new Float64Array(K * cols + K), lambda, { maxIter: 1000, gtol: 0, relTol: 1e-10 });
    const sagaPoint = new Float64Array(K * cols + K);
    sagaPoint.set(est.coef_!);
    sagaPoint.set(est.intercept_!, K * cols);
    let l1 = 0;
    for (let k = 0; k < K * cols; k++) l1 += Math.abs(sagaPoint[k]) / C;
    const sagaValue = smooth(sagaPoint, new Float64Array(sagaPoint.length)) + l1;
    expect(Math.abs(sagaValue - opt.f) / opt.f).toBeLessThan(1e-5);
    // the same sparsity pattern, to the last few weights near zero
    let zeroSaga = 0;
    let zeroOpt = 0;
    for (let k = 0; k < K * cols; k++) {
      if (est.coef_![k] === 0) zeroSaga++;
      if (opt.x[k] === 0) zeroOpt++;
    }
    expect(zeroSaga).toBeGreaterThan(0);
    expect(Math.abs(zeroSaga - zeroOpt)).toBeLessThanOrEqual(2);
    const optimum = new LogisticRegression({ penalty: "l1", C, multi_class: "multinomial", max_iter: 1 }).fit(train.X, train.y);
    optimum.coef_ = opt.x.slice(0, K * cols);
    optimum.intercept_ = opt.x.slice(K * cols);
    expect(Math.abs(est.score(test.X, test.y) - optimum.score(test.X, test.y))).toBeLessThanOrEqual(0.005);
  });

  it("keeps the step size and dataset seed of scikit-learn", () => {
    // get_auto_step_size(10, 0, "multinomial", True, 100, True) and (10, 0.01, ..., 100, True)
    expect(sagaStepSize(10, 0, true, 100)).toBeCloseTo(1 / 5.5, 15);
    expect(sagaStepSize(10, 0.01, true, 100)).toBeCloseTo(1 / (2 * 2.76 + 2), 15);
    // RandomState(0).randint(1, 2**31 - 1)
    expect(sagaDatasetSeed(0)).toBe(209652397);
  });
});

describe("LogisticRegression elasticnet (saga only)", () => {
  const X = { data: Float32Array.from({ length: 40 }, (_, i) => Math.sin(i)), rows: 10, cols: 4 };
  const y = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
  it("rejects other solvers and a missing l1_ratio as scikit-learn does", () => {
    expect(() => new LogisticRegression({ penalty: "elasticnet", l1_ratio: 0.5 }).fit(X, y)).toThrow(
      "Solver lbfgs supports only 'l2' or 'none' penalties, got elasticnet penalty.",
    );
    expect(() => new LogisticRegression({ penalty: "elasticnet", solver: "liblinear", l1_ratio: 0.5 }).fit(X, y)).toThrow(
      "Only 'saga' solver supports elasticnet penalty, got solver=liblinear.",
    );
    expect(() => new LogisticRegression({ penalty: "elasticnet", solver: "saga" }).fit(X, y)).toThrow("l1_ratio");
  });
  it("l1_ratio 1 and 0 are the l1 and l2 fits", () => {
    const fit = (params: Params) => Array.from(new LogisticRegression({ solver: "saga", max_iter: 5, ...params }).fit(X, y).coef_!);
    expect(fit({ penalty: "elasticnet", l1_ratio: 1 })).toEqual(fit({ penalty: "l1" }));
    expect(fit({ penalty: "elasticnet", l1_ratio: 0 })).toEqual(fit({ penalty: "l2" }));
  });
});
