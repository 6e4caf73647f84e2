import { describe, expect, it } from "vitest";
import type { Matrix } from "../../src/core/matrix.js";
import { NotFittedError, ParamError } from "../../src/errors.js";
import { KNeighborsClassifier } from "../../src/models/neighbors.js";

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const data = new Float32Array(rows * cols);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = (s >>> 8) / 2 ** 24 * 2 - 1;
  }
  return { data, rows, cols };
}

function labels(n: number, classes: number, seed: number): Int32Array {
  const y = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    y[i] = (s >>> 16) % classes;
  }
  return y;
}

const m = (rows: number[][]): Matrix => ({ data: Float32Array.from(rows.flat()), rows: rows.length, cols: rows[0].length });

describe("KNeighborsClassifier", () => {
  it("has scikit-learn's defaults and rejects unsupported values by name", () => {
    const knn = new KNeighborsClassifier();
    expect(knn.getParams()).toMatchObject({ n_neighbors: 5, weights: "uniform", p: 2, algorithm: "auto", leaf_size: 30, metric: "minkowski" });
    expect(() => new KNeighborsClassifier({ p: 3 })).toThrow(ParamError);
    expect(() => new KNeighborsClassifier({ p: 3 })).toThrow(/parameter 'p' must be one of 1, 2; got 3/);
    expect(() => new KNeighborsClassifier({ weights: "gaussian" })).toThrow(/'weights'/);
    expect(() => new KNeighborsClassifier({ n_neighbors: 0 })).toThrow(/'n_neighbors'/);
    expect(() => new KNeighborsClassifier({ engine: "numpy" })).toThrow(/'engine'/);
    // Grid compatibility: accepted, search stays brute force.
    expect(() => new KNeighborsClassifier({ algorithm: "kd_tree", leaf_size: 10, n_jobs: -1 })).not.toThrow();
  });

  it("refuses to predict before fit and k larger than the training set", () => {
    const X = m([[0, 0], [1, 1]]);
    expect(() => new KNeighborsClassifier().predict(X)).toThrow(NotFittedError);
    const knn = new KNeighborsClassifier({ n_neighbors: 3 }).fit(X, [0, 1]);
    expect(() => knn.predict(X)).toThrow(/n_neighbors <= n_samples_fit/);
  });

  it("orders equal distances by training index and breaks vote ties toward the smallest class", () => {
    // Rows 1 and 2 are at the same distance from the query; labels differ.
    const X = m([[5, 5], [1, 0], [-1, 0], [0, 1]]);
    const y = [9, 7, 3, 3];
    const q = m([[0, 0]]);
    const one = new KNeighborsClassifier({ n_neighbors: 1 }).fit(X, y);
    expect(Array.from(one.kneighbors(q).indices)).toEqual([1]);
    expect(Array.from(one.predict(q))).toEqual([7]);
    // k=2: rows 1 (label 7) and 2 (label 3) tie in votes: the smaller label, 3, wins.
    expect(Array.from(new KNeighborsClassifier({ n_neighbors: 2 }).fit(X, y).predict(q))).toEqual([3]);
    const three = new KNeighborsClassifier({ n_neighbors: 3 }).fit(X, y);
    expect(Array.from(three.kneighbors(q).indices)).toEqual([1, 2, 3]);
    expect(Array.from(three.kneighbors(q).distances)).toEqual([1, 1, 1]);
  });

  it("gives all the weight to training rows at distance 0 (weights='distance')", () => {
    const X = m([[0, 0], [0.1, 0], [0, 0.1], [3, 3]]);
    const y = [4, 1, 1, 2];
    const q = m([[0, 0], [3, 3]]);
    const knn = new KNeighborsClassifier({ n_neighbors: 3, weights: "distance" }).fit(X, y);
    expect(Array.from(knn.predict(q))).toEqual([4, 2]);
    expect(Array.from(knn.predictProba(q).subarray(0, 4))).toEqual([0, 0, 1, 0]);
    // Uniform weights: the two rows of class 1 outvote the exact match.
    expect(Array.from(new KNeighborsClassifier({ n_neighbors: 3 }).fit(X, y).predict(q))[0]).toBe(1);
    // Two exact matches with different labels split the vote; the smaller label wins.
    const X2 = m([[0, 0], [0, 0], [0.1, 0]]);
    expect(Array.from(new KNeighborsClassifier({ n_neighbors: 3, weights: "distance" }).fit(X2, [6, 5, 6]).predict(m([[0, 0]])))).toEqual([5]);
  });

  it("weights votes by inverse distance", () => {
    // One neighbour of class 0 at distance 1 outweighs two of class 1 at distance 3.
    const X = m([[1, 0], [3, 0], [0, 3]]);
    const q = m([[0, 0]]);
    expect(Array.from(new KNeighborsClassifier({ n_neighbors: 3, weights: "distance" }).fit(X, [0, 1, 1]).predict(q))).toEqual([0]);
    expect(Array.from(new KNeighborsClassifier({ n_neighbors: 3 }).fit(X, [0, 1, 1]).predict(q))).toEqual([1]);
  });

  it("uses Manhattan distance for p=1 and for metric='manhattan'", () => {
    // Row 0 is nearer in L1 (2 vs 2.2), row 1 nearer in L2 (1.56 vs 1.41).
    const X = m([[1, 1], [2.2, 0]]);
    const q = m([[0, 0]]);
    expect(Array.from(new KNeighborsClassifier({ n_neighbors: 1, p: 1 }).fit(X, [0, 1]).predict(q))).toEqual([0]);
    expect(Array.from(new KNeighborsClassifier({ n_neighbors: 1, metric: "manhattan" }).fit(X, [0, 1]).predict(q))).toEqual([0]);
    expect(Array.from(new KNeighborsClassifier({ n_neighbors: 1 }).fit(X, [0, 1]).predict(q))).toEqual([0]);
    const d = new KNeighborsClassifier({ n_neighbors: 2, p: 1 }).fit(X, [0, 1]).kneighbors(q).distances;
    expect(d[0]).toBeCloseTo(2, 6);
    expect(d[1]).toBeCloseTo(2.2, 6);
  });

  for (const p of [1, 2]) {
    for (const weights of ["uniform", "distance"]) {
      it(`agrees with the ml-knn engine on small data (p=${p}, ${weights})`, () => {
        const X = randomMatrix(300, 37, 1 + p);
        const y = labels(300, 4, 5);
        const Q = randomMatrix(60, 37, 9 + p);
        for (const k of [1, 4, 7]) {
          const params = { n_neighbors: k, p, weights };
          const wasm = new KNeighborsClassifier(params).fit(X, y);
          const mljs = new KNeighborsClassifier({ ...params, engine: "mljs" }).fit(X, y);
          const a = wasm.kneighbors(Q);
          const b = mljs.kneighbors(Q);
          expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
          for (let i = 0; i < a.distances.length; i++) expect(a.distances[i]).toBeCloseTo(b.distances[i], 9);
          expect(Array.from(wasm.predict(Q))).toEqual(Array.from(mljs.predict(Q)));
          expect(wasm.score(Q, labels(60, 4, 3))).toBe(mljs.score(Q, labels(60, 4, 3)));
        }
      });
    }
  }
});
