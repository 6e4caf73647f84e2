import { describe, expect, it } from "vitest";
import {
  l1rLrCdPass, l1rLrCdPassReference, l1rLrSums, l1rLrSumsReference, type CdPassBuffers,
} from "../../src/kernels/glmnet.js";
import { LinalgWorkspace } from "../../src/kernels/linalg.js";
import { SharedHeap } from "../../src/wasm/heap.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

/** Fills a (heap-resident) array in place. */
function fill<T extends Float32Array | Float64Array>(a: T, f: () => number): T {
  for (let i = 0; i < a.length; i++) a[i] = f();
  return a;
}

function close(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) {
    if (a[i] !== b[i]) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(b[i])));
  }
}

// row counts that are not a multiple of the SIMD width, and none at all
const SHAPES = [[0, 3], [1, 1], [5, 2], [8, 4], [13, 7], [31, 9]] as const;

describe("l1r_lr_sums_f32 matches its TS reference", () => {
  for (const [rows, ncols] of SHAPES) {
    it(`${rows} x ${ncols}`, () => {
      const ws = LinalgWorkspace.for(SharedHeap.create());
      ws.reset();
      const rnd = lcg(rows * 17 + ncols);
      const Xc = fill(ws.f32(rows * ncols), () => 2 * rnd() - 1);
      const D = fill(ws.f64(rows), () => rnd());
      const tau = fill(ws.f64(rows), () => rnd() - 0.5);
      const hess = ws.f64(ncols);
      const grad = ws.f64(ncols);
      l1rLrSums(ws.heap, Xc, rows, ncols, D, tau, hess, grad);
      const h = new Float64Array(ncols);
      const g = new Float64Array(ncols);
      l1rLrSumsReference(Xc, rows, ncols, D, tau, h, g);
      close(hess, h);
      close(grad, g);
    });
  }
});

describe("l1r_lr_cd_pass_f32 matches its TS reference", () => {
  for (const [rows, ncols] of SHAPES) {
    // gmaxOld = Infinity: no shrinking; 0.5 rows: coordinates at zero with |G| < 1 - 0.5 are shrunk
    for (const gmaxOld of [Infinity, 0.5 * Math.max(rows, 1)]) {
      it(`${rows} x ${ncols}, Gmax_old ${gmaxOld}`, () => {
        const ws = LinalgWorkspace.for(SharedHeap.create());
        ws.reset();
        const rnd = lcg(rows * 31 + ncols);
        const Xc = fill(ws.f32(rows * ncols), () => 2 * rnd() - 1);
        const make = (alloc: { f64(n: number): Float64Array; i32(n: number): Int32Array }): CdPassBuffers => {
          const r = lcg(rows + ncols * 7);
          const b: CdPassBuffers = {
            index: alloc.i32(ncols), hess: alloc.f64(ncols), grad: alloc.f64(ncols), w: alloc.f64(ncols), wpd: alloc.f64(ncols),
            D: alloc.f64(rows), xTd: alloc.f64(rows), state: alloc.f64(6),
          };
          for (let j = 0; j < ncols; j++) {
            b.index[j] = ncols - 1 - j;
            b.hess[j] = 0.5 + r();
            b.grad[j] = 3 * (r() - 0.5);
            b.w[j] = r() < 0.4 ? 0 : r() - 0.5;
            b.wpd[j] = r() < 0.5 ? b.w[j] : 0;
          }
          for (let i = 0; i < rows; i++) {
            b.D[i] = 0.25 * r();
            b.xTd[i] = r() - 0.5;
          }
          b.state[0] = gmaxOld;
          b.state[1] = 1e-12;
          return b;
        };
        const got = make({ f64: (n) => ws.f64(n), i32: (n) => ws.i32(n) });
        const want = make({ f64: (n) => new Float64Array(n), i32: (n) => new Int32Array(n) });
        l1rLrCdPass(ws.heap, Xc, rows, ncols, got);
        l1rLrCdPassReference(Xc, rows, ncols, want);
        expect(Array.from(got.index)).toEqual(Array.from(want.index));
        close(got.wpd, want.wpd);
        close(got.xTd, want.xTd);
        close(got.state, want.state);
      });
    }
  }
});
