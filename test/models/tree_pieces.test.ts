import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../src/data/prepared.js";
import { prepareData } from "../../src/pipeline/prepare.js";
import { loadDataset } from "../../src/data/registry.js";
import { applyTree, type FlatTree, type PendingNode } from "../../src/models/tree/builder.js";
import {
  classWorkspace, DecisionTreeClassifier, ExtraTreeClassifier, growClassTree, treeOptionsFrom,
} from "../../src/models/tree/decision_tree.js";
import { GradientBoostingClassifier } from "../../src/models/tree/gradient_boosting.js";
import type { Params } from "../../src/params.js";
import { takePieceStats } from "../../src/parallel/pieces.js";
import { FitHelpers } from "../../src/runner/fit_helpers.js";
import { SharedHeap } from "../../src/wasm/heap.js";
import { threadHeap } from "../../src/wasm/load.js";

// 3000 rows: a stage's class trees take long enough for helpers to claim some, and a
// single tree drawing all features is divided (more than 2048 samples, and 2^21 samples x features).
let data: PreparedData;
beforeAll(async () => {
  data = prepareData(await loadDataset("fashion"), { trainSize: 3000, testSize: 500, heap: SharedHeap.create() });
});

interface Fitted {
  trees: FlatTree[];
  proba: Float64Array;
  predict: Int32Array;
}

function nodeArrays(t: FlatTree) {
  return {
    nodeCount: t.nodeCount, leafCount: t.leafCount, maxDepth: t.maxDepth, feature: Array.from(t.feature),
    threshold: Array.from(t.threshold), left: Array.from(t.left), right: Array.from(t.right), value: Array.from(t.value),
  };
}

const boosting: Params[] = [
  { n_estimators: 5, max_depth: 3, random_state: 0 },
  { n_estimators: 5, max_depth: 8, random_state: 1 },
  { n_estimators: 5, max_depth: 3, subsample: 0.5, random_state: 2 },
];

const singleTrees: [typeof DecisionTreeClassifier, Params][] = [
  [DecisionTreeClassifier, { random_state: 0 }],
  [DecisionTreeClassifier, { criterion: "entropy", splitter: "random", random_state: 1 }],
  // ExtraTree's default sqrt(784) features per node make too quick a tree to divide.
  [ExtraTreeClassifier, { max_features: null, random_state: 2 }],
];

function fitBoosting(params: Params): Fitted {
  const model = new GradientBoostingClassifier(params).fit(data.Xtrain, data.ytrain);
  return { trees: model.estimators_!, proba: model.predictProba(data.Xtest), predict: model.predict(data.Xtest) };
}

function fitSingle(Cls: typeof DecisionTreeClassifier, params: Params): Fitted {
  const model = new Cls(params).fit(data.Xtrain, data.ytrain);
  return { trees: [model.tree_!], proba: model.predictProba(data.Xtest), predict: model.predict(data.Xtest) };
}

describe("single trees: subtrees below the frontier", () => {
  it("grafts the subtrees in preorder: the tree grown in one go when no split is tied", () => {
    // Best splits over all features, shallow: unique here, so the streams the subtrees draw from do not matter.
    const params = { max_depth: 4, random_state: 0 };
    takePieceStats();
    const grafted = new DecisionTreeClassifier(params).fit(data.Xtrain, data.ytrain).tree_!;
    expect(takePieceStats().pieces).toBeGreaterThan(1);
    const ws = classWorkspace(threadHeap(), data.Xtrain, data.ytrain, 10);
    for (let i = 0; i < data.Xtrain.rows; i++) ws.samples[i] = i;
    const options = treeOptionsFrom("DecisionTreeClassifier", {
      criterion: "gini", max_depth: 4, min_samples_split: 2, min_samples_leaf: 1, max_features: null,
    }, data.Xtrain.rows, data.Xtrain.cols);
    expect(nodeArrays(grafted)).toEqual(nodeArrays(growClassTree(ws, options, 0, 0, data.Xtrain.rows)));
  });

  it("leaves pending the nodes to split within the frontier, with the features known constant in them", () => {
    const ws = classWorkspace(threadHeap(), data.Xtrain, data.ytrain, 10);
    const n = data.Xtrain.rows;
    for (let i = 0; i < n; i++) ws.samples[i] = i;
    const options = treeOptionsFrom("ExtraTreeClassifier", {
      criterion: "gini", splitter: "random", max_depth: null, min_samples_split: 2, min_samples_leaf: 1, max_features: "sqrt",
    }, n, data.Xtrain.cols);
    const frontier = { maxSamples: 600, nodes: [] as PendingNode[] };
    const top = growClassTree(ws, options, 3, 0, n, { frontier });
    expect(frontier.nodes.length).toBeGreaterThan(2);
    expect(Array.from(top.left).filter((l) => l === -2).length).toBe(frontier.nodes.length);
    const { bins } = ws.binned;
    let known = 0;
    frontier.nodes.forEach((p, j) => {
      expect(p.end - p.start).toBeLessThanOrEqual(600);
      if (j > 0) expect(p.start).toBeGreaterThanOrEqual(frontier.nodes[j - 1].end);
      for (const f of p.constants) {
        const column = bins.subarray(f * n, (f + 1) * n);
        for (let i = p.start; i < p.end; i++) expect(column[ws.samples[i]]).toBe(column[ws.samples[p.start]]);
      }
      known += p.constants.length;
    });
    expect(known).toBeGreaterThan(0);
  });

  it("grows quick trees whole: few features per node, or few samples", () => {
    takePieceStats();
    new ExtraTreeClassifier({ random_state: 0 }).fit(data.Xtrain, data.ytrain);
    const head = { ...data.Xtrain, rows: 2048, data: data.Xtrain.data.subarray(0, 2048 * data.Xtrain.cols) };
    new DecisionTreeClassifier({ random_state: 0 }).fit(head, data.ytrain.subarray(0, 2048));
    expect(takePieceStats().pieces).toBe(0);
  });

  for (const [Cls, params] of singleTrees) {
    it(`gives each leaf the class fractions of the training samples it gets: ${Cls.name} ${JSON.stringify(params)}`, () => {
      const t = new Cls(params).fit(data.Xtrain, data.ytrain).tree_!;
      const K = t.width;
      const counts = new Float64Array(t.leafCount * K);
      applyTree(t, data.Xtrain).forEach((leaf, i) => counts[leaf * K + data.ytrain[i]]++);
      for (let leaf = 0; leaf < t.leafCount; leaf++) {
        let total = 0;
        for (let k = 0; k < K; k++) total += counts[leaf * K + k];
        expect(total).toBeGreaterThan(0);
        for (let k = 0; k < K; k++) expect(t.value[leaf * K + k]).toBe(Math.fround(counts[leaf * K + k] / total));
      }
    });
  }
});

describe("pieces on helper threads: the fit of one thread alone, to the bit", () => {
  const alone = new Map<Params, Fitted>();
  let helpers: FitHelpers | null = null;
  beforeAll(async () => {
    for (const p of boosting) alone.set(p, fitBoosting(p));
    for (const [Cls, p] of singleTrees) alone.set(p, fitSingle(Cls, p));
    helpers = await FitHelpers.start({ threads: 2 });
  });
  afterAll(async () => helpers?.close());

  function expectSameFit(helped: Fitted, params: Params): void {
    const one = alone.get(params)!;
    expect(helped.trees.length).toBe(one.trees.length);
    helped.trees.forEach((t, j) => expect(nodeArrays(t)).toEqual(nodeArrays(one.trees[j])));
    expect(Array.from(helped.proba)).toEqual(Array.from(one.proba));
    expect(Array.from(helped.predict)).toEqual(Array.from(one.predict));
  }

  for (const params of boosting) {
    it(`GradientBoostingClassifier, a stage's class trees: ${JSON.stringify(params)}`, () => {
      takePieceStats();
      const helped = fitBoosting(params);
      const stats = takePieceStats();
      expect(stats.pieces).toBe(5 * 10);
      expect(stats.piecesByHelpers).toBeGreaterThan(0);
      expectSameFit(helped, params);
    });
  }

  for (const [Cls, params] of singleTrees) {
    it(`${Cls.name}, the subtrees: ${JSON.stringify(params)}`, () => {
      takePieceStats();
      const helped = fitSingle(Cls, params);
      const stats = takePieceStats();
      expect(stats.pieces).toBeGreaterThan(1);
      expect(stats.piecesByHelpers).toBeGreaterThan(0);
      expectSameFit(helped, params);
    });
  }
});
