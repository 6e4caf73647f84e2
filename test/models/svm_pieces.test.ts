import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../src/data/prepared.js";
import { prepareData } from "../../src/pipeline/prepare.js";
import { loadDataset } from "../../src/data/registry.js";
import type { Params } from "../../src/params.js";
import { SVC } from "../../src/models/svm.js";
import { takePieceStats, type PieceStats } from "../../src/parallel/pieces.js";
import { FitHelpers } from "../../src/runner/fit_helpers.js";
import { threadHeap } from "../../src/wasm/load.js";

// Enough rows that helpers take some of the 45 one-vs-one problems and of the three query
// blocks (1024, 1024, 52 rows); few enough for the debug WASM build the tests run.
const TRAIN = 2000;
const TEST = 2100;
const CASES: Params[] = [{ kernel: "rbf", C: 10 }, { kernel: "linear" }, { kernel: "poly", C: 10 }];

interface Run {
  readonly svc: SVC;
  readonly coef: Float64Array[];
  readonly decision: Float64Array;
  readonly predictions: Int32Array;
  readonly fitStats: PieceStats;
  readonly decisionStats: PieceStats;
}

let data: PreparedData;
function fitAndPredict(params: Params): Run {
  takePieceStats();
  const svc = new SVC(params).fit(data.Xtrain, data.ytrain);
  const fitStats = takePieceStats();
  const decision = svc.decisionOvo(data.Xtest);
  const decisionStats = takePieceStats();
  // The pairs' coefficients (libsvm's dual coefficients, per one-vs-one problem) are private.
  const coef = (svc as unknown as { pairs: { coef: Float64Array }[] }).pairs.map((p) => p.coef);
  return { svc, coef, decision, predictions: svc.predict(data.Xtest), fitStats, decisionStats };
}

/** The bytes of a typed array: equal bytes are equal to the bit (and much quicker to compare than elements). */
const bits = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

let alone: Run[] = [];
let helpers: FitHelpers | null = null;
beforeAll(async () => {
  data = prepareData(await loadDataset("fashion"), { trainSize: TRAIN, testSize: TEST, heap: threadHeap() });
  alone = CASES.map(fitAndPredict);
  helpers = await FitHelpers.start({ threads: 2 });
});
afterAll(async () => helpers?.close());

describe("SVC: one-vs-one problems and query blocks on helper threads", () => {
  CASES.forEach((params, i) => {
    it(`${JSON.stringify(params)}: the same model and decisions to the bit with two helpers`, () => {
      const one = alone[i];
      expect(one.fitStats).toMatchObject({ pieces: 45, piecesByHelpers: 0 });
      expect(one.decisionStats).toMatchObject({ pieces: 3, piecesByHelpers: 0 });
      const helped = fitAndPredict(params);
      const [a, h] = [one.svc, helped.svc];
      expect(bits(h.support_!)).toBe(bits(a.support_!));
      expect(bits(h.n_support_!)).toBe(bits(a.n_support_!));
      expect(bits(h.support_vectors_!.data)).toBe(bits(a.support_vectors_!.data));
      expect(bits(h.intercept_!)).toBe(bits(a.intercept_!));
      expect(bits(h.n_iter_!)).toBe(bits(a.n_iter_!));
      expect(helped.coef.map(bits)).toEqual(one.coef.map(bits));
      expect(bits(helped.decision)).toBe(bits(one.decision));
      expect(bits(helped.predictions)).toBe(bits(one.predictions));
      expect(helped.fitStats.pieces).toBe(45);
      expect(helped.fitStats.piecesByHelpers).toBeGreaterThan(0);
      expect(helped.decisionStats.pieces).toBe(3);
      expect(helped.decisionStats.piecesByHelpers).toBeGreaterThan(0);
    });
  });
});
