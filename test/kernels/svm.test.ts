import { describe, expect, it } from "vitest";
import type { Matrix } from "../../src/data/matrix.js";
import {
  kernelBlock, kernelBlockReference, qRow, qRowReference, sqNorms, type KernelName, type KernelSpec,
} from "../../src/kernels/svm.js";
import { Random } from "../../src/random.js";
import { SharedHeap } from "../../src/wasm/heap.js";

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new Random(seed);
  return { data: Float32Array.from({ length: rows * cols }, () => rng.next() * 2 - 1), rows, cols };
}

const SPECS: KernelSpec[] = (["linear", "poly", "rbf", "sigmoid"] as KernelName[]).map((kernel) => ({
  kernel, gamma: 0.07, coef0: 0.3, degree: 3,
}));

describe("SVM kernel rows and blocks against the plain-TS reference", () => {
  const heap = SharedHeap.create();
  for (const spec of SPECS) {
    for (const cols of [1, 7, 16, 13]) {
      it(`${spec.kernel} block, ${cols} columns (rows not a multiple of 4, and empty)`, () => {
        const A = randomMatrix(5, cols, 1);
        const B = randomMatrix(70, cols, 2); // spans two B tiles of 64
        const got = kernelBlock(heap, A, B, spec);
        const want = kernelBlockReference(A, B, spec);
        want.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 5));
        expect(kernelBlock(heap, randomMatrix(0, cols, 3), B, spec).length).toBe(0);
      });
      it(`${spec.kernel} Q row over a permuted active list, ${cols} columns`, () => {
        const X = randomMatrix(11, cols, 4);
        const gidx = Int32Array.from([3, 0, 7, 10, 1, 5, 9]);
        const ys = Float32Array.from([1, 1, 1, -1, -1, -1, -1]);
        const act = Int32Array.from([6, 2, 0, 4, 5]); // 5 of 7: the tail loop runs, entries 1 and 3 stay 0
        const got = qRow(heap, X, gidx, ys, act, 3, spec);
        const want = qRowReference(X, gidx, ys, act, 3, spec);
        want.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 5));
        expect(got[1]).toBe(0);
        expect(got[3]).toBe(0);
        expect(qRow(heap, X, gidx, ys, new Int32Array(0), 0, spec).every((v) => v === 0)).toBe(true);
      });
    }
  }
  it("squared norms", () => {
    const X = randomMatrix(9, 13, 5);
    const n = sqNorms(heap, X);
    for (let r = 0; r < 9; r++) {
      let s = 0;
      for (let j = 0; j < 13; j++) s += X.data[r * 13 + j] ** 2;
      expect(n[r]).toBeCloseTo(s, 5);
    }
    expect(sqNorms(heap, randomMatrix(0, 13, 6)).length).toBe(0);
  });
});
