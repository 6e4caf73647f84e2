import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ParamError, ShapeError } from "../../src/errors.js";
import { hogFeatureCount, hogFeatures, resolveHogParams, type HogParams } from "../../src/features/hog.js";
import { hogU8Reference } from "../../src/kernels/hog.js";
import { SharedHeap } from "../../src/wasm/heap.js";

// Fixtures from test/fixtures/make_hog_fixtures.py (scikit-image 0.19, run once).
interface Fixture {
  image_sets: Record<string, { height: number; width: number; names: string[]; pixels_base64: string }>;
  cases: { image_set: string; params: Required<HogParams>; dim: number; offset: number }[];
}
const dir = new URL("../fixtures/", import.meta.url);
const fixture = JSON.parse(readFileSync(new URL("hog.json", dir), "utf8")) as Fixture;
const raw = gunzipSync(readFileSync(new URL("hog.f32.gz", dir)));
const expected = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);

const TOLERANCE = 1e-4;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("hog matches scikit-image 0.19", () => {
  const heap = SharedHeap.create();
  for (const c of fixture.cases) {
    const set = fixture.image_sets[c.image_set];
    const pixels = new Uint8Array(Buffer.from(set.pixels_base64, "base64"));
    const images = { data: pixels, rows: set.names.length, cols: set.height * set.width, height: set.height, width: set.width };
    const want = expected.subarray(c.offset, c.offset + images.rows * c.dim);
    const label = `${c.image_set} ${JSON.stringify(c.params)}`;

    it(`WASM: ${label}`, () => {
      expect(hogFeatureCount(set.height, set.width, c.params)).toBe(c.dim);
      const got = hogFeatures(images, c.params, heap);
      expect([got.rows, got.cols]).toEqual([images.rows, c.dim]);
      // Per image, so that a failure names the image.
      for (let i = 0; i < images.rows; i++) {
        const diff = maxAbsDiff(got.data.subarray(i * c.dim, (i + 1) * c.dim), want.subarray(i * c.dim, (i + 1) * c.dim));
        expect(diff, set.names[i]).toBeLessThanOrEqual(TOLERANCE);
      }
    });

    it(`TS reference: ${label}`, () => {
      const got = new Float32Array(images.rows * c.dim);
      hogU8Reference(images, resolveHogParams(c.params, set.height, set.width), got);
      expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});

describe("hog with transform_sqrt at a bin edge", () => {
  // Images where sqrt(3a) / sqrt(a) puts a gradient at exactly 60 or 120 degrees: its bin follows the
  // last bit of atan2, which must be the nearest float64, as numpy's is (test/fixtures/make_hog_sqrt_edges_fixture.py).
  const edges = JSON.parse(readFileSync(new URL("hog-sqrt-edges.json", dir), "utf8")) as {
    images: number[]; params: HogParams; pixels_base64: string; features: number[][];
  };
  const pixels = new Uint8Array(Buffer.from(edges.pixels_base64, "base64"));
  const images = { data: pixels, rows: edges.images.length, cols: 784, height: 28, width: 28 };
  const dim = edges.features[0].length;
  const check = (got: Float32Array) => {
    edges.images.forEach((image, i) => {
      expect(maxAbsDiff(got.subarray(i * dim, (i + 1) * dim), Float32Array.from(edges.features[i])), `test image ${image}`).toBeLessThanOrEqual(TOLERANCE);
    });
  };

  it("matches scikit-image on test images 16, 63, 241 and 293 (WASM and TS reference)", () => {
    check(hogFeatures(images, edges.params, SharedHeap.create()).data);
    const reference = new Float32Array(images.rows * dim);
    hogU8Reference(images, resolveHogParams(edges.params, 28, 28), reference);
    check(reference);
  });
});

describe("hog parameters", () => {
  it("has scikit-image's defaults: 81 features for 28 x 28 images", () => {
    expect(hogFeatureCount(28, 28)).toBe(81);
    expect(hogFeatureCount(28, 28, { pixels_per_cell: [4, 4], cells_per_block: [2, 2] })).toBe(1296);
    expect(hogFeatureCount(28, 28, { pixels_per_cell: 7, cells_per_block: 2 })).toBe(324);
  });

  it("names the parameter at fault", () => {
    const bad: [HogParams, string][] = [
      [{ orientations: 0 }, "orientations"],
      [{ orientations: 2.5 }, "orientations"],
      [{ pixels_per_cell: [0, 4] }, "pixels_per_cell"],
      [{ pixels_per_cell: [29, 4] }, "pixels_per_cell"],
      [{ cells_per_block: [4, 4] }, "cells_per_block"],
      [{ block_norm: "L3" as never }, "block_norm"],
      [{ transform_sqrt: 1 as never }, "transform_sqrt"],
      [{ pixel_per_cell: 4 } as never, "pixel_per_cell"],
    ];
    for (const [params, name] of bad) {
      let error: unknown;
      try {
        hogFeatureCount(28, 28, params);
      } catch (err) {
        error = err;
      }
      expect(error, name).toBeInstanceOf(ParamError);
      expect((error as ParamError).param).toBe(name);
      expect((error as Error).message).toContain(`'${name}'`);
    }
  });

  it("needs the image size when images are not square", () => {
    const images = { data: new Uint8Array(2 * 20 * 26), rows: 2, cols: 20 * 26 };
    expect(() => hogFeatures(images)).toThrow(ShapeError);
    expect(hogFeatures({ ...images, height: 20 }, { pixels_per_cell: 4, cells_per_block: 2 }).cols).toBe(4 * 5 * 4 * 9);
  });
});
