import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../../src/data/prepared.js";
import { createEstimator } from "../../../src/grid/registry.js";
import type { LinearClassifierBase } from "../../../src/models/linear/common.js";
import { MAX_ROW_BLOCKS, rowBlocks } from "../../../src/models/linear/row_blocks.js";
import type { Params } from "../../../src/params.js";
import { takePieceStats } from "../../../src/parallel/pieces.js";
import { FitHelpers } from "../../../src/runner/fit_helpers.js";
import { fashionSlice } from "./data.js";

type Fitted = LinearClassifierBase & { n_iter_: number };

/** What a fit leaves that must not depend on who solved which piece. */
interface Outcome {
  coef: number[];
  intercept: number[];
  nIter: number;
  predictions: number[];
  warnings: string[];
}

/**
 * Every linear configuration whose fit divides into pieces: one-vs-rest problems (SGD,
 * Perceptron, PA, LinearSVC's dual CD, LogisticRegression's saga and liblinear), or row
 * blocks of each objective evaluation (L-BFGS, LinearSVC's primal L1). Iterations are
 * capped where that keeps the test short; the pieces are the same.
 */
const CONFIGS: [string, Params][] = [
  ["SGDClassifier", { loss: "hinge" }],
  ["Perceptron", {}],
  ["PassiveAggressiveClassifier", {}],
  ["LinearSVC", { loss: "hinge", max_iter: 200 }],
  ["LinearSVC", { penalty: "l1", dual: false, max_iter: 30 }],
  ["LogisticRegression", { multi_class: "ovr", max_iter: 30 }],
  ["LogisticRegression", { multi_class: "multinomial", max_iter: 30 }],
  ["LogisticRegression", { solver: "saga", multi_class: "ovr", max_iter: 5 }],
  ["LogisticRegression", { penalty: "l1", multi_class: "ovr", max_iter: 5 }],
];

describe("rowBlocks", () => {
  it("cuts the rows into at most eight even blocks that depend on the row count only", () => {
    expect(rowBlocks(1)).toEqual([[0, 1]]);
    expect(rowBlocks(2047)).toEqual([[0, 2047]]);
    expect(rowBlocks(3000)).toEqual([[0, 1500], [1500, 3000]]);
    const many = rowBlocks(60001);
    expect(many.length).toBe(MAX_ROW_BLOCKS);
    expect(many[0]).toEqual([0, 7501]);
    expect(many.at(-1)![1]).toBe(60001);
    for (let i = 1; i < many.length; i++) expect(many[i][0]).toBe(many[i - 1][1]);
  });
});

describe("linear models: the same fit with helper threads as alone", () => {
  let data: PreparedData;
  const alone = new Map<string, Outcome>();
  let helpers: FitHelpers | null = null;

  const fit = (name: string, params: Params): Outcome => {
    const est = createEstimator(name, params).fit(data.Xtrain, data.ytrain) as Fitted;
    return {
      coef: Array.from(est.coef_!), intercept: Array.from(est.intercept_!), nIter: est.n_iter_,
      predictions: Array.from(est.predict(data.Xtest)), warnings: est.warnings_,
    };
  };

  beforeAll(async () => {
    data = await fashionSlice(3000, 300);
    for (const [name, params] of CONFIGS) alone.set(`${name} ${JSON.stringify(params)}`, fit(name, params));
    helpers = await FitHelpers.start({ threads: 2 });
  }, 120_000);
  afterAll(async () => helpers?.close());

  for (const [name, params] of CONFIGS) {
    const key = `${name} ${JSON.stringify(params)}`;
    it(key, () => {
      takePieceStats();
      const helped = fit(name, params);
      const stats = takePieceStats();
      expect(stats.piecesByHelpers).toBeGreaterThan(0);
      expect(helped).toEqual(alone.get(key));
    }, 60_000);
  }
});
