import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../src/data/prepared.js";
import { prepareData } from "../../src/pipeline/prepare.js";
import { loadDataset } from "../../src/data/registry.js";
import { DecisionTreeClassifier, ExtraTreeClassifier } from "../../src/models/tree/decision_tree.js";
import { binFeatures } from "../../src/models/tree/binning.js";
import { applyTree } from "../../src/models/tree/builder.js";
import { RandomForestClassifier } from "../../src/models/tree/forest.js";
import { GradientBoostingClassifier } from "../../src/models/tree/gradient_boosting.js";
import { SharedHeap } from "../../src/wasm/heap.js";
import type { Params } from "../../src/params.js";

interface ExactCase {
  params: Params; stable_over_seeds: boolean; feature: number[]; threshold: number[]; predict: number[]; accuracy: number;
}
interface RandomizedCase { estimator: string; params: Params; mean_accuracy: number; std_accuracy: number }
interface BoostingCase { params: Params; init: number[]; decision_function_head: number[][]; predict: number[]; accuracy: number }
const fixture = JSON.parse(readFileSync(new URL("../fixtures/trees_sklearn.json", import.meta.url), "utf8")) as {
  n_train: number; n_test: number; exact: ExactCase[]; randomized: RandomizedCase[]; boosting: BoostingCase[];
};
const CLASSES = { DecisionTreeClassifier, ExtraTreeClassifier, RandomForestClassifier } as const;

let data: PreparedData;
beforeAll(async () => {
  const ds = await loadDataset("fashion");
  data = prepareData(ds, { trainSize: fixture.n_train, testSize: fixture.n_test, heap: SharedHeap.create() });
});

function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

describe("binning", () => {
  it("gives one bin per distinct value of 8-bit data, ordered by value", () => {
    const heap = SharedHeap.create();
    const X = { data: Float32Array.from([0.5, -1, 3, 0.5, -1, -0, 0, 2]), rows: 4, cols: 2 };
    const b = binFeatures(heap, X);
    expect(b.exact).toBe(true);
    expect(Array.from(b.nBins)).toEqual([4, 4]);
    // column 0 holds 0.5, 3, -1, 0 and column 1 holds -1, 0.5, -0, 2; bins are column-major
    expect(Array.from(b.bins)).toEqual([2, 3, 0, 1, 0, 2, 1, 3]);
    expect(Array.from(b.lo.subarray(256, 260))).toEqual([-1, 0, 0.5, 2]);
  });

  it("bins X the same whether or not the heap holds it (kernel and JS column copies)", () => {
    const heap = SharedHeap.create();
    const rows = 700;
    const cols = 19; // more than one 16-column block, the last one partial
    const values = Float32Array.from({ length: rows * cols }, (_, i) => {
      const f = i % cols;
      if (f === 3) return i % 2 ? -0 : 0;
      if (f === 5) return Math.sin(i) * 100; // > 256 distinct values: quantile bins
      return Math.floor(Math.abs(Math.sin(i * 7.1)) * (f + 2)) / 4 - 1;
    });
    const inHeap = heap.allocF32(rows * cols);
    inHeap.set(values);
    const a = binFeatures(heap, { data: inHeap, rows, cols });
    const b = binFeatures(heap, { data: values, rows, cols });
    expect(a.exact).toBe(false);
    expect(a.nBins[3]).toBe(1);
    expect(Array.from(a.nBins)).toEqual(Array.from(b.nBins));
    expect(Array.from(a.bins)).toEqual(Array.from(b.bins));
    expect(Array.from(a.lo)).toEqual(Array.from(b.lo));
    expect(Array.from(a.hi)).toEqual(Array.from(b.hi));
  });

  it("bins 256 distinct values exactly in value order and sends a 257th to quantile bins", () => {
    const heap = SharedHeap.create();
    const rows = 600;
    // Column 0: 256 distinct values in a scrambled order; column 1: the same plus one more value.
    const value = (i: number, n: number): number => (((i * 97) % n) - 128) * 0.37;
    const data = heap.allocF32(rows * 2);
    for (let i = 0; i < rows; i++) {
      data[i * 2] = value(i, 256);
      data[i * 2 + 1] = value(i, 257);
    }
    const b = binFeatures(heap, { data, rows, cols: 2 });
    expect(b.exact).toBe(false);
    expect(b.nBins[0]).toBe(256);
    for (let i = 0; i < rows; i++) expect(b.bins[i]).toBe((i * 97) % 256);
    for (let r = 0; r < 256; r++) expect(b.lo[r]).toBe(Math.fround((r - 128) * 0.37));
    expect(b.nBins[1]).toBeLessThanOrEqual(256);
  });

  it("falls back to at most 256 quantile bins, monotone in the value", () => {
    const heap = SharedHeap.create();
    const rows = 3000;
    const X = { data: Float32Array.from({ length: rows }, (_, i) => Math.sin(i) * 10), rows, cols: 1 };
    const b = binFeatures(heap, X);
    expect(b.exact).toBe(false);
    expect(b.nBins[0]).toBeLessThanOrEqual(256);
    const order = Array.from({ length: rows }, (_, i) => i).sort((p, q) => X.data[p] - X.data[q]);
    for (let i = 1; i < rows; i++) expect(b.bins[order[i]]).toBeGreaterThanOrEqual(b.bins[order[i - 1]]);
    for (let i = 0; i < rows; i++) {
      expect(X.data[i]).toBeGreaterThanOrEqual(b.lo[b.bins[i]]);
      expect(X.data[i]).toBeLessThanOrEqual(b.hi[b.bins[i]]);
    }
  });
});

describe("DecisionTreeClassifier against scikit-learn 1.2", () => {
  for (const c of fixture.exact) {
    const name = JSON.stringify(c.params);
    if (c.stable_over_seeds) {
      it(`grows scikit-learn's tree when every best split is unique: ${name}`, () => {
        const model = new DecisionTreeClassifier({ ...c.params, random_state: 0 }).fit(data.Xtrain, data.ytrain);
        const t = model.tree_!;
        expect(Array.from(t.feature)).toEqual(c.feature.map((f) => (f < 0 ? -1 : f)));
        for (let i = 0; i < t.nodeCount; i++) {
          if (t.feature[i] >= 0) expect(t.threshold[i]).toBeCloseTo(c.threshold[i], 5);
        }
        expect(Array.from(model.predict(data.Xtest))).toEqual(c.predict);
      });
    } else {
      // Tied splits (random_state changes scikit-learn's own tree): agree on most predictions.
      it(`agrees with scikit-learn where ties make the tree seed-dependent: ${name}`, () => {
        const model = new DecisionTreeClassifier({ ...c.params, random_state: 0 }).fit(data.Xtrain, data.ytrain);
        const pred = model.predict(data.Xtest);
        expect(agreement(pred, c.predict)).toBeGreaterThan(0.85);
        expect(Math.abs(model.score(data.Xtest, data.ytest) - c.accuracy)).toBeLessThan(0.03);
      });
    }
  }
});

describe("randomized trees match scikit-learn's accuracy over seeds", () => {
  for (const c of fixture.randomized) {
    it(`${c.estimator} ${JSON.stringify(c.params)}`, () => {
      const Cls = CLASSES[c.estimator as keyof typeof CLASSES];
      let sum = 0;
      const seeds = c.estimator === "RandomForestClassifier" ? 4 : 6;
      for (let s = 0; s < seeds; s++) sum += new Cls({ ...c.params, random_state: s }).fit(data.Xtrain, data.ytrain).score(data.Xtest, data.ytest);
      // Means over seeds on both sides: a standard error of about std/3 each (forests vary less).
      expect(Math.abs(sum / seeds - c.mean_accuracy)).toBeLessThan(0.025);
    });
  }
});

describe("GradientBoostingClassifier against scikit-learn 1.2", () => {
  for (const c of fixture.boosting) {
    it(`starts from the log priors and follows scikit-learn's stages: ${JSON.stringify(c.params)}`, () => {
      const model = new GradientBoostingClassifier({ ...c.params, random_state: 0 }).fit(data.Xtrain, data.ytrain);
      Array.from(model.init_!).forEach((v, k) => expect(v).toBeCloseTo(c.init[k], 12));
      const head = { ...data.Xtest, rows: 50, data: data.Xtest.data.subarray(0, 50 * data.Xtest.cols) };
      const raw = model.decisionFunction(head);
      // Early stages fit residuals with few distinct values, so equal-proxy splits are
      // common and scikit-learn breaks them by its random feature order: scores agree
      // to float precision where no tie was met (the depth-2 case here, to 2e-14) and
      // stay close otherwise.
      const diffs: number[] = [];
      c.decision_function_head.forEach((row, i) => row.forEach((v, k) => diffs.push(Math.abs(raw[i * row.length + k] - v))));
      diffs.sort((a, b) => a - b);
      expect(diffs[Math.floor(diffs.length / 2)]).toBeLessThan(0.05);
      const pred = model.predict(data.Xtest);
      expect(agreement(pred, c.predict)).toBeGreaterThan(0.97);
      expect(Math.abs(model.score(data.Xtest, data.ytest) - c.accuracy)).toBeLessThan(0.01);
    });
  }

  it("accepts 'deviance' as scikit-learn 1.2 does, and subsample < 1", () => {
    const model = new GradientBoostingClassifier({ loss: "deviance", n_estimators: 3, max_depth: 2, subsample: 0.5, random_state: 1 });
    expect(model.fit(data.Xtrain, data.ytrain).score(data.Xtest, data.ytest)).toBeGreaterThan(0.5);
  });
});

describe("RandomForestClassifier", () => {
  it("agrees in accuracy with the ml-random-forest reference engine on a small slice", () => {
    // 300 samples x 50 central pixels: ml-random-forest takes minutes on full-width data.
    const cols = 50;
    const pick = (X: typeof data.Xtrain, rows: number) => {
      const out = new Float32Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = X.data[i * X.cols + 380 + j];
      return { data: out, rows, cols };
    };
    const Xtr = pick(data.Xtrain, 300);
    const ytr = data.ytrain.subarray(0, 300);
    const Xte = pick(data.Xtest, 500);
    const yte = data.ytest.subarray(0, 500);
    const params = { n_estimators: 5, max_depth: 6, max_features: 0.5, random_state: 0 };
    const ours = new RandomForestClassifier({ ...params, criterion: "gini" }).fit(Xtr, ytr).score(Xte, yte);
    const mljs = new RandomForestClassifier({ ...params, criterion: "gini", engine: "mljs" }).fit(Xtr, ytr).score(Xte, yte);
    expect(ours).toBeGreaterThan(0.4);
    expect(mljs).toBeGreaterThan(0.4);
    expect(Math.abs(ours - mljs)).toBeLessThan(0.12);
  });

  it("is deterministic for a given random_state; bootstrap=false with all features gives identical trees", () => {
    const a = new RandomForestClassifier({ n_estimators: 3, max_depth: 8, random_state: 5 }).fit(data.Xtrain, data.ytrain).predictProba(data.Xtest);
    const b = new RandomForestClassifier({ n_estimators: 3, max_depth: 8, random_state: 5 }).fit(data.Xtrain, data.ytrain).predictProba(data.Xtest);
    expect(Array.from(a)).toEqual(Array.from(b));
    const f = new RandomForestClassifier({ n_estimators: 2, max_depth: 3, bootstrap: false, max_features: null, random_state: 0 }).fit(data.Xtrain, data.ytrain);
    expect(Array.from(f.estimators_![0].feature)).toEqual(Array.from(f.estimators_![1].feature));
  });
});

describe("tree estimators", () => {
  it("are deterministic for a given random_state and differ across seeds", () => {
    const a = new ExtraTreeClassifier({ random_state: 3 }).fit(data.Xtrain, data.ytrain).predict(data.Xtest);
    const b = new ExtraTreeClassifier({ random_state: 3 }).fit(data.Xtrain, data.ytrain).predict(data.Xtest);
    const c = new ExtraTreeClassifier({ random_state: 4 }).fit(data.Xtrain, data.ytrain).predict(data.Xtest);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it("fits the training data perfectly when grown fully (distinct rows)", () => {
    const model = new DecisionTreeClassifier({ random_state: 0 }).fit(data.Xtrain, data.ytrain);
    expect(model.score(data.Xtrain, data.ytrain)).toBe(1);
  });

  it("respects max_depth and min_samples_leaf", () => {
    const model = new DecisionTreeClassifier({ max_depth: 4, min_samples_leaf: 30, random_state: 0 }).fit(data.Xtrain, data.ytrain);
    expect(model.get_depth()).toBeLessThanOrEqual(4);
    const leaves = new Int32Array(model.get_n_leaves());
    // every leaf holds at least 30 training samples
    const t = model.tree_!;
    for (let i = 0; i < data.Xtrain.rows; i++) {
      let node = 0;
      while (t.left[node] >= 0) node = data.Xtrain.data[i * data.Xtrain.cols + t.feature[node]] <= t.threshold[node] ? t.left[node] : t.right[node];
      leaves[t.right[node]]++;
    }
    expect(Math.min(...leaves)).toBeGreaterThanOrEqual(30);
  });
});

describe("applyTree", () => {
  it("walks four rows together to the leaves each reaches alone, for any number of rows", () => {
    const model = new ExtraTreeClassifier({ random_state: 3, max_depth: 12 }).fit(data.Xtrain, data.ytrain);
    const t = model.tree_!;
    const { cols } = data.Xtest;
    for (const rows of [0, 1, 3, 4, 5, 7, 8, 9, 101]) {
      const X = { data: data.Xtest.data.subarray(0, rows * cols), rows, cols };
      const alone = Int32Array.from({ length: rows }, (_, i) => {
        let node = 0;
        while (t.left[node] >= 0) node = X.data[i * cols + t.feature[node]] <= t.threshold[node] ? t.left[node] : t.right[node];
        return t.right[node];
      });
      expect(Array.from(applyTree(t, X))).toEqual(Array.from(alone));
    }
  });
});
