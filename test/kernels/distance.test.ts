import { describe, expect, it } from "vitest";
import type { Matrix } from "../../src/core/matrix.js";
import {
  chooseSearch, kNearest, kNearestReference, manhattanDistances, manhattanDistancesReference, sqNorms, sqeuclideanDistances,
  sqeuclideanDistancesReference, type DistanceMetric,
} from "../../src/kernels/distance.js";
import {
  kNearestProjected, leadingDirections, leadingDirectionsFor, planProjected, projectionSettings, type ProjectionSettings,
} from "../../src/kernels/knn_projected.js";
import { SharedHeap } from "../../src/wasm/heap.js";

function randomMatrix(rows: number, cols: number, seed: number, levels = 0): Matrix {
  const data = new Float32Array(rows * cols);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const u = (s >>> 8) / 2 ** 24;
    // levels > 0: few distinct values, so that equal distances (ties) are common.
    data[i] = levels > 0 ? Math.floor(u * levels) : u * 4 - 2;
  }
  return { data, rows, cols };
}

function closeTo(got: Float32Array, want: Float32Array, rel: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (Math.abs(got[i] - want[i]) > rel * (1 + Math.abs(want[i]))) {
      expect.fail(`value ${i}: got ${got[i]}, want ${want[i]}`);
    }
  }
}

const SHAPES: [number, number, number][] = [
  [0, 5, 3], [3, 0, 5], [1, 1, 1], [5, 7, 3], [7, 9, 784], [4, 2, 33], [9, 11, 6], [13, 130, 17],
];

describe("pairwise distance kernels", () => {
  for (const [nq, nt, cols] of SHAPES) {
    it(`squared Euclidean matches the TS reference for ${nq} x ${nt} x ${cols}`, () => {
      const heap = SharedHeap.create();
      const Q = randomMatrix(nq, cols, 1);
      const T = randomMatrix(nt, cols, 2);
      const got = new Float32Array(nq * nt);
      const want = new Float32Array(nq * nt);
      sqeuclideanDistances(heap, Q, T, got);
      sqeuclideanDistancesReference(Q, T, want);
      closeTo(got, want, 1e-4);
    });
    it(`Manhattan matches the TS reference for ${nq} x ${nt} x ${cols}`, () => {
      const heap = SharedHeap.create();
      const Q = randomMatrix(nq, cols, 3);
      const T = randomMatrix(nt, cols, 4);
      const got = heap.allocF32(nq * nt); // heap-resident output: written in place
      const want = new Float32Array(nq * nt);
      manhattanDistances(heap, Q, T, got);
      manhattanDistancesReference(Q, T, want);
      closeTo(got, want, 1e-5);
    });
  }

  it("rejects mismatched widths", () => {
    const heap = SharedHeap.create();
    expect(() => sqeuclideanDistances(heap, randomMatrix(2, 3, 1), randomMatrix(2, 4, 1), new Float32Array(4))).toThrow(/features/);
  });
});

describe("kNearest", () => {
  const cases: [number, number, number, number][] = [
    // nq, nt, cols, k
    [0, 10, 5, 3], [3, 0, 5, 2], [1, 1, 1, 1], [5, 3, 7, 5], [6, 40, 9, 4], [11, 300, 33, 9], [9, 257, 784, 1],
  ];
  for (const metric of ["sqeuclidean", "manhattan"] as DistanceMetric[]) {
    for (const [nq, nt, cols, k] of cases) {
      it(`${metric}: equals the reference for ${nq} queries, ${nt} rows, ${cols} cols, k=${k}`, () => {
        const heap = SharedHeap.create();
        const Q = randomMatrix(nq, cols, 5);
        const T = randomMatrix(nt, cols, 6);
        const got = kNearest(heap, Q, T, k, metric, { blockRows: 4 });
        const want = kNearestReference(Q, T, k, metric);
        expect(Array.from(got.indices)).toEqual(Array.from(want.indices));
        for (let i = 0; i < got.distances.length; i++) {
          const w = want.distances[i];
          if (w === Infinity) expect(got.distances[i]).toBe(Infinity);
          else expect(Math.abs(got.distances[i] - w)).toBeLessThanOrEqual(1e-9 * (1 + w));
        }
      });
    }

    it(`${metric}: breaks equal distances by index, with many ties`, () => {
      const heap = SharedHeap.create();
      const Q = randomMatrix(20, 3, 7, 2);
      const T = randomMatrix(200, 3, 8, 2);
      for (const k of [1, 3, 8, 30]) {
        const got = kNearest(heap, Q, T, k, metric);
        const want = kNearestReference(Q, T, k, metric);
        expect(Array.from(got.indices)).toEqual(Array.from(want.indices));
        expect(Array.from(got.distances)).toEqual(Array.from(want.distances));
      }
    });

    it(`${metric}: rescans in float64 when few candidates are kept, same answer`, () => {
      const heap = SharedHeap.create();
      const Q = randomMatrix(8, 16, 9, 3);
      const T = randomMatrix(100, 16, 10, 3);
      const got = kNearest(heap, Q, T, 5, metric, { candidates: 5 });
      const want = kNearestReference(Q, T, 5, metric);
      expect(Array.from(got.indices)).toEqual(Array.from(want.indices));
      expect(got.rescans).toBeGreaterThan(0);
    });
  }

  it("uses precomputed heap-resident norms and heap-resident inputs in place", () => {
    const heap = SharedHeap.create();
    const src = randomMatrix(50, 21, 11);
    const T = { data: heap.allocF32(src.data.length), rows: 50, cols: 21 };
    T.data.set(src.data);
    const Q = { data: heap.allocF32(7 * 21), rows: 7, cols: 21 };
    Q.data.set(randomMatrix(7, 21, 12).data);
    const got = kNearest(heap, Q, T, 4, "sqeuclidean", { trainNorms: sqNorms(heap, T) });
    expect(Array.from(got.indices)).toEqual(Array.from(kNearestReference(Q, T, 4, "sqeuclidean").indices));
  });
});

/** Rows near a few random centres plus noise: distances concentrate like images', so the projection prunes. */
function clustered(rows: number, cols: number, seed: number, levels = 0): Matrix {
  const centres = randomMatrix(6, cols, 100); // shared by queries and training rows
  const noise = randomMatrix(rows, cols, seed, levels);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) data[i * cols + j] = 4 * centres.data[(i % 6) * cols + j] + (levels > 0 ? noise.data[i * cols + j] : 0.3 * noise.data[i * cols + j]);
  }
  return { data, rows, cols };
}

describe("kNearest pruned by a projection", () => {
  function expectReference(got: { indices: Int32Array; distances: Float64Array }, Q: Matrix, T: Matrix, k: number): void {
    const want = kNearestReference(Q, T, k, "sqeuclidean");
    expect(Array.from(got.indices)).toEqual(Array.from(want.indices));
    for (let i = 0; i < got.distances.length; i++) {
      const w = want.distances[i];
      if (w === Infinity) expect(got.distances[i]).toBe(Infinity);
      else expect(Math.abs(got.distances[i] - w)).toBeLessThanOrEqual(1e-9 * (1 + w));
    }
  }

  /** Settings of m dimensions with a thorough basis (4,096 sample rows, 5 steps). */
  const dims = (m: number): ProjectionSettings => ({ dimensions: m, sampleRows: 4096, iterations: 5 });

  // The covariance formed (many steps), and V C found without it (few sample rows and steps).
  for (const [sampleRows, iterations] of [[4096, 5], [1024, 2], [1024, 1]] as const) {
    it(`finds the principal directions: orthonormal, and the dominant one first (${sampleRows} sample rows, ${iterations} steps)`, () => {
      const heap = SharedHeap.create();
      const rows = 3000;
      const cols = 40;
      const data = new Float32Array(rows * cols);
      const noise = randomMatrix(rows, cols, 3);
      for (let i = 0; i < rows; i++) {
        const along = ((i * 7919) % 1000) / 100 - 5; // spread along (1, 1, 0, ...) / sqrt 2
        for (let j = 0; j < cols; j++) data[i * cols + j] = 0.05 * noise.data[i * cols + j] + (j < 2 ? along : 0) + 3;
      }
      const p = leadingDirections(heap, { data, rows, cols }, { dimensions: 8, sampleRows, iterations });
      expect(p.eps).toBeLessThan(1e-5);
      expect(Math.abs(p.basis[0 * 8] * Math.SQRT2)).toBeCloseTo(1, 3);
      expect(Math.abs(p.basis[1 * 8] * Math.SQRT2)).toBeCloseTo(1, 3);
      // Rank-deficient input (every row equal) still gives an orthonormal basis.
      const flat = leadingDirections(heap, { data: new Float32Array(50 * 12).fill(1), rows: 50, cols: 12 }, { dimensions: 12, sampleRows, iterations });
      expect(flat.eps).toBeLessThan(1e-5);
    });
  }

  it("refuses settings it cannot use, naming them", () => {
    const T = clustered(50, 12, 4);
    expect(() => leadingDirections(SharedHeap.create(), T, { dimensions: 13, sampleRows: 10, iterations: 1 })).toThrow(/dimensions <= 12/);
    expect(() => leadingDirections(SharedHeap.create(), T, { dimensions: 4, sampleRows: 10, iterations: 0 })).toThrow(/"iterations":0/);
  });

  it("sizes the projection and its basis by the training rows", () => {
    expect(projectionSettings(3000, 784)).toEqual({ dimensions: 48, sampleRows: 1024, iterations: 1 });
    expect(projectionSettings(10000, 784).dimensions).toBe(96);
    expect(projectionSettings(60000, 784)).toEqual({ dimensions: 128, sampleRows: 4096, iterations: 5 });
    expect(projectionSettings(60000, 100).dimensions).toBe(100);
  });

  it("finds a matrix's directions once per heap (leadingDirectionsFor), keyed by the matrix's data", () => {
    const heap = SharedHeap.create();
    const T = clustered(300, 24, 5);
    const first = leadingDirectionsFor(heap, T, dims(8));
    expect(leadingDirectionsFor(heap, { ...T }, dims(8))).toBe(first); // same data, another Matrix object
    expect(Array.from(first.basis)).toEqual(Array.from(leadingDirections(heap, T, dims(8)).basis));
    expect(leadingDirectionsFor(heap, T, dims(4))).not.toBe(first); // other dimensions: found anew
    expect(leadingDirectionsFor(heap, { ...T, data: T.data.slice() }, dims(8))).not.toBe(first); // other data
    expect(leadingDirectionsFor(SharedHeap.create(), T, dims(8))).not.toBe(first); // other heap
  });

  for (const [nq, nt, cols, k, m] of [[70, 2500, 300, 5, 16], [9, 40, 20, 3, 4], [6, 5, 10, 8, 4], [13, 600, 64, 1, 64]] as const) {
    it(`equals the reference for ${nq} queries, ${nt} rows, ${cols} cols, k=${k}, ${m} dimensions`, () => {
      const heap = SharedHeap.create();
      const Q = clustered(nq, cols, 11);
      const T = clustered(nt, cols, 12);
      const got = kNearestProjected(heap, Q, T, k, { settings: dims(m), blockRows: 16 });
      expectReference(kNearestProjected(heap, Q, T, k, { settings: { dimensions: m, sampleRows: 100, iterations: 1 }, blockRows: 16 }), Q, T, k);
      expectReference(got, Q, T, k);
      if (nt >= 2500) expect(got.exactDistances).toBeLessThan(nq * nt * 0.5); // it prunes
    });
  }

  it("takes 64 or more queries grouped by their nearest pivot (a permutation), fewer in their own order", () => {
    const heap = SharedHeap.create();
    const T = clustered(800, 40, 41);
    for (const nq of [63, 200]) {
      const Q = clustered(nq, 40, 42);
      const plan = planProjected(heap, Q, T, 3, { settings: dims(8) });
      const order = Array.from(heap.i32(plan.order, nq));
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: nq }, (_, i) => i));
      if (nq < 64) expect(order).toEqual(Array.from({ length: nq }, (_, i) => i));
      else expect(order).not.toEqual(Array.from({ length: nq }, (_, i) => i));
    }
  });

  it("breaks equal distances by index with many ties and duplicate rows; extreme values do not break the bound", () => {
    const heap = SharedHeap.create();
    const Q = clustered(30, 48, 21, 2);
    const T = clustered(400, 48, 22, 2);
    T.data.copyWithin(0, 5 * 48, 15 * 48); // duplicated rows
    T.data[17 * 48 + 3] = 1e4; // a huge value in one row
    Q.data[2 * 48 + 7] = -3e3;
    for (const k of [1, 5, 12]) expectReference(kNearestProjected(heap, Q, T, k, { settings: dims(8), blockRows: 7 }), Q, T, k);
  });

  it("is the default where its pairs repay the basis (fewer with a known basis), for squared Euclidean on 256+ features", () => {
    expect(chooseSearch("sqeuclidean", 1000, 2000, 784, false)).toBe("projected"); // 2e6 pairs
    expect(chooseSearch("sqeuclidean", 300, 3000, 784, false)).toBe("float32");
    expect(chooseSearch("sqeuclidean", 400, 3000, 784, true)).toBe("projected"); // 1.2e6 pairs
    expect(chooseSearch("sqeuclidean", 100, 5000, 784, true)).toBe("float32");
    expect(chooseSearch("sqeuclidean", 1000, 1999, 784, true)).toBe("float32"); // too few training rows
    expect(chooseSearch("sqeuclidean", 63, 60000, 784, true)).toBe("float32"); // too few queries
    expect(chooseSearch("sqeuclidean", 10000, 60000, 255, false)).toBe("float32"); // too few features
    expect(chooseSearch("manhattan", 10000, 60000, 784, true)).toBe("float32");
  });

  it("gives the float32 pass's answer, with a basis found for the call or given", () => {
    const heap = SharedHeap.create();
    const Q = clustered(64, 256, 31);
    const T = clustered(2000, 256, 32);
    const auto = kNearest(heap, Q, T, 5, "sqeuclidean", { search: "projected" });
    const given = kNearest(heap, Q, T, 5, "sqeuclidean", { search: "projected", projection: leadingDirections(heap, T, dims(128)) });
    expect(Array.from(given.indices)).toEqual(Array.from(auto.indices));
    expect(Array.from(given.distances)).toEqual(Array.from(auto.distances));
    const float32 = kNearest(heap, Q, T, 5, "sqeuclidean", { search: "float32" });
    expect(Array.from(auto.indices)).toEqual(Array.from(float32.indices));
    expect(Array.from(auto.distances)).toEqual(Array.from(float32.distances));
    expect("exactDistances" in auto).toBe(true);
    expect("exactDistances" in float32).toBe(false);
  });
});
