import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Matrix } from "../../src/core/matrix.js";
import { prepareData } from "../../src/pipeline/prepare.js";
import { loadDataset } from "../../src/data/registry.js";
import { KNeighborsClassifier } from "../../src/models/neighbors.js";
import { takePieceStats } from "../../src/parallel/pieces.js";
import { FitHelpers } from "../../src/runner/fit_helpers.js";

/** The bytes of a typed array: equal bytes mean equal to the bit. */
const bytes = (a: Float64Array | Int32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

interface Answers {
  distances: Buffer;
  indices: Buffer;
  predictions: Buffer;
  exactDistances: number | null;
}

interface Split {
  readonly Xtrain: Matrix;
  readonly ytrain: Int32Array;
  readonly Xtest: Matrix;
}

/** The first `cols` features of every row. */
function firstColumns(X: Matrix, cols: number): Matrix {
  const data = new Float32Array(X.rows * cols);
  for (let i = 0; i < X.rows; i++) data.set(X.data.subarray(i * X.cols, i * X.cols + cols), i * cols);
  return { data, rows: X.rows, cols };
}

function answers(params: Record<string, unknown>, data: Split): Answers {
  const knn = new KNeighborsClassifier(params).fit(data.Xtrain, data.ytrain);
  const { distances, indices } = knn.kneighbors(data.Xtest);
  const exactDistances = knn.lastExactDistances;
  return { distances: bytes(distances), indices: bytes(indices), exactDistances, predictions: bytes(knn.predict(data.Xtest)) };
}

const CONFIGS = [
  ...[1, 2].flatMap((p) => ["uniform", "distance"].map((weights) => ({ p, weights, n_neighbors: 5, cols: 784 }))),
  // Too few features for the projected search: the float32 pass, with the norms fit computed.
  { p: 2, weights: "uniform", n_neighbors: 5, cols: 144 },
];

describe("KNeighborsClassifier: blocks of queries on helper threads", () => {
  const splits = new Map<number, Split>();
  const alone = new Map<string, Answers>();
  let helpers: FitHelpers | null = null;
  beforeAll(async () => {
    // 1,500 queries: six pieces per search; 3,000 rows of 784 features take the projected search at p=2.
    const data = prepareData(await loadDataset("fashion"), { trainSize: 3000, testSize: 1500 });
    splits.set(784, data);
    splits.set(144, { Xtrain: firstColumns(data.Xtrain, 144), ytrain: data.ytrain, Xtest: firstColumns(data.Xtest, 144) });
    for (const { cols, ...params } of CONFIGS) alone.set(JSON.stringify(params) + cols, answers(params, splits.get(cols)!));
    helpers = await FitHelpers.start({ threads: 2 });
  });
  afterAll(async () => helpers?.close());

  for (const { cols, ...params } of CONFIGS) {
    it(`p=${params.p}, weights=${params.weights}, ${cols} features: the same neighbours, distances and predictions to the bit on 1 and 3 threads`, () => {
      const one = alone.get(JSON.stringify(params) + cols)!;
      takePieceStats();
      const three = answers(params, splits.get(cols)!);
      const stats = takePieceStats();
      expect(three.indices.equals(one.indices)).toBe(true);
      expect(three.distances.equals(one.distances)).toBe(true);
      expect(three.predictions.equals(one.predictions)).toBe(true);
      expect(three.exactDistances).toBe(one.exactDistances);
      if (params.p === 2) expect(one.exactDistances === null).toBe(cols < 256); // which search ran
      expect(stats.pieces).toBe(2 * 6); // kneighbors and predict
      expect(stats.piecesByHelpers).toBeGreaterThan(0);
    });
  }
});
