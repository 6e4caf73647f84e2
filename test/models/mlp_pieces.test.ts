import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareData, type PreparedData } from "../../src/data/prepare.js";
import { loadDataset } from "../../src/data/registry.js";
import { MLPClassifier } from "../../src/models/mlp.js";
import type { Params } from "../../src/models/params.js";
import { takePieceStats } from "../../src/parallel/pieces.js";
import { FitHelpers } from "../../src/runner/fit_helpers.js";

const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const CONFIGS: Params[] = [
  { solver: "adam" },
  { solver: "sgd", activation: "tanh" },
  { solver: "adam", early_stopping: true, hidden_layer_sizes: [20, 10] },
];

describe("MLPClassifier: minibatch gradient blocks on helper threads", () => {
  let data: PreparedData;
  let helpers: FitHelpers | null = null;
  const fit = (params: Params) => new MLPClassifier({ ...params, random_state: 3, max_iter: 4 }).fit(data.Xtrain, data.ytrain);
  const alone = new Map<Params, MLPClassifier>();
  beforeAll(async () => {
    data = prepareData(await loadDataset("fashion"), { trainSize: 2000, testSize: 500 });
    for (const params of CONFIGS) alone.set(params, fit(params));
    helpers = FitHelpers.start({ threads: 2 });
    // Helper threads load every estimator module before they take pieces.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  });
  afterAll(async () => helpers?.close());

  for (const params of CONFIGS) {
    it(`${JSON.stringify(params)}: the same fit to the bit on 1 and 3 threads`, () => {
      const one = alone.get(params)!;
      takePieceStats();
      const three = fit(params);
      const stats = takePieceStats();
      expect(three.loss_curve_).toEqual(one.loss_curve_);
      expect(three.validation_scores_).toEqual(one.validation_scores_);
      expect(bytes(three.predictProba(data.Xtest)).equals(bytes(one.predictProba(data.Xtest)))).toBe(true);
      expect(stats.piecesByHelpers).toBeGreaterThan(0);
    });
  }
});
