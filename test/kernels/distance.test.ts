import { describe, expect, it } from "vitest";
import type { Matrix } from "../../src/data/matrix.js";
import {
  kNearest, kNearestReference, manhattanDistances, manhattanDistancesReference, sqNorms, sqeuclideanDistances,
  sqeuclideanDistancesReference, type DistanceMetric,
} from "../../src/kernels/distance.js";
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
