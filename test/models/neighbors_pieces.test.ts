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

/**
 * "small": 3,000 training rows and 1,500 queries, six pieces per search (the float32 pass).
 * "large": 5,000 rows and 3,000 queries, twelve pieces; at p=2 with 784 features the 1.5e7 pairs
 * take the projected search, its basis found by kneighbors and kept for predict.
 */
const CONFIGS = [
  ...["uniform", "distance"].map((weights) => ({ p: 1, weights, n_neighbors: 5, cols: 784, split: "small" })),
  ...["uniform", "distance"].map((weights) => ({ p: 2, weights, n_neighbors: 5, cols: 784, split: "large" })),
  // Too few features for the projected search: the float32 pass, with the norms fit computed.
  { p: 2, weights: "uniform", n_neighbors: 5, cols: 144, split: "small" },
];
const PIECES_PER_SEARCH: Record<string, number> = { small: 6, large: 12 };

describe("KNeighborsClassifier: blocks of queries on helper threads", () => {
  const splits = new Map<string, Split>();
  const alone = new Map<string, Answers>();
  let helpers: FitHelpers | null = null;
  beforeAll(async () => {
    const dataset = await loadDataset("fashion");
    const small = prepareData(dataset, { trainSize: 3000, testSize: 1500 });
    splits.set("small784", small);
    splits.set("small144", { Xtrain: firstColumns(small.Xtrain, 144), ytrain: small.ytrain, Xtest: firstColumns(small.Xtest, 144) });
    splits.set("large784", prepareData(dataset, { trainSize: 5000, testSize: 3000 }));
    for (const { cols, split, ...params } of CONFIGS) alone.set(JSON.stringify(params) + cols, answers(params, splits.get(split + cols)!));
    helpers = await FitHelpers.start({ threads: 2 });
  });
  afterAll(async () => helpers?.close());

  for (const { cols, split, ...params } of CONFIGS) {
    it(`p=${params.p}, weights=${params.weights}, ${cols} features: the same neighbours, distances and predictions to the bit on 1 and 3 threads`, () => {
      const one = alone.get(JSON.stringify(params) + cols)!;
      takePieceStats();
      const three = answers(params, splits.get(split + cols)!);
      const stats = takePieceStats();
      expect(three.indices.equals(one.indices)).toBe(true);
      expect(three.distances.equals(one.distances)).toBe(true);
      expect(three.predictions.equals(one.predictions)).toBe(true);
      expect(three.exactDistances).toBe(one.exactDistances);
      expect(one.exactDistances !== null).toBe(split === "large"); // which search ran
      expect(stats.pieces).toBe(2 * PIECES_PER_SEARCH[split]); // kneighbors and predict
      expect(stats.piecesByHelpers).toBeGreaterThan(0);
    });
  }
});
