import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareData, type PreparedData } from "../../src/data/prepare.js";
import { loadDataset } from "../../src/data/registry.js";
import type { FlatTree } from "../../src/models/tree/builder.js";
import { GradientBoostingClassifier } from "../../src/models/tree/gradient_boosting.js";
import type { Params } from "../../src/models/params.js";
import { takePieceStats } from "../../src/parallel/pieces.js";
import { FitHelpers } from "../../src/runner/fit_helpers.js";
import { SharedHeap } from "../../src/wasm/heap.js";

// Big enough that a stage's class trees take long enough for the helpers to claim some.
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

function expectSameFit(helped: Fitted, alone: Fitted): void {
  expect(helped.trees.length).toBe(alone.trees.length);
  helped.trees.forEach((t, j) => expect(nodeArrays(t)).toEqual(nodeArrays(alone.trees[j])));
  expect(Array.from(helped.proba)).toEqual(Array.from(alone.proba));
  expect(Array.from(helped.predict)).toEqual(Array.from(alone.predict));
}

const boosting: Params[] = [
  { n_estimators: 5, max_depth: 3, random_state: 0 },
  { n_estimators: 5, max_depth: 8, random_state: 1 },
  { n_estimators: 5, max_depth: 3, subsample: 0.5, random_state: 2 },
];

function fitBoosting(params: Params): Fitted {
  const model = new GradientBoostingClassifier(params).fit(data.Xtrain, data.ytrain);
  return { trees: model.estimators_!, proba: model.predictProba(data.Xtest), predict: model.predict(data.Xtest) };
}

describe("GradientBoostingClassifier: a stage's class trees on helper threads", () => {
  const alone = new Map<Params, Fitted>();
  let helpers: FitHelpers | null = null;
  beforeAll(() => {
    for (const p of boosting) alone.set(p, fitBoosting(p));
    helpers = FitHelpers.start({ threads: 2 });
  });
  afterAll(async () => helpers?.close());

  for (const params of boosting) {
    it(`grows the trees of one thread alone, to the bit: ${JSON.stringify(params)}`, () => {
      takePieceStats();
      const helped = fitBoosting(params);
      const stats = takePieceStats();
      expect(stats.pieces).toBe(5 * 10);
      expect(stats.piecesByHelpers).toBeGreaterThan(0);
      expectSameFit(helped, alone.get(params)!);
    });
  }
});
