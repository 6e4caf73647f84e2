import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Matrix } from "../../src/core/matrix.js";
import { FeatureCache } from "../../src/features/cache.js";
import { featureName, parseFeatureSpec } from "../../src/features/spec.js";
import { parseGrid } from "../../src/grid/grid.js";

describe("feature specs", () => {
  it("fills in scikit-image's defaults and names the set", () => {
    const spec = parseFeatureSpec({ kind: "hog", pixels_per_cell: [4, 4], cells_per_block: [2, 2] }, "x");
    expect(spec).toEqual({ kind: "hog", orientations: 9, pixels_per_cell: [4, 4], cells_per_block: [2, 2], block_norm: "L2-Hys", transform_sqrt: false });
    expect(featureName(spec)).toBe("hog(9,4x4,2x2,L2-Hys)");
    expect(featureName(parseFeatureSpec({ kind: "hog", transform_sqrt: true, block_norm: "L1" }, "x"))).toBe("hog(9,8x8,3x3,L1,sqrt)");
    expect(featureName(parseFeatureSpec({ kind: "raw" }, "x"))).toBe("raw");
  });

  it("rejects bad feature sets, naming the place and the parameter", () => {
    expect(() => parseFeatureSpec({ kind: "sift" }, "g.json: features[1]")).toThrow(/g\.json: features\[1\]: unknown feature kind "sift"; known kinds: raw, hog, union/);
    expect(() => parseFeatureSpec({ kind: "hog", block_norm: "L3" }, "w")).toThrow(/'block_norm' must be one of L1, L1-sqrt, L2, L2-Hys; got "L3"/);
    expect(() => parseFeatureSpec({ kind: "hog", pixels_per_cell: [4] }, "w")).toThrow(/'pixels_per_cell' must be two positive integers/);
    expect(() => parseFeatureSpec({ kind: "hog", orientation: 9 }, "w")).toThrow(/unknown HOG parameter 'orientation'/);
  });

  it("reads a union of feature sets, named by its parts", () => {
    const union = parseFeatureSpec({ kind: "union", parts: [{ kind: "hog", pixels_per_cell: [4, 4], cells_per_block: [2, 2] }, { kind: "raw" }] }, "x");
    expect(featureName(union)).toBe("hog(9,4x4,2x2,L2-Hys)+raw");
    expect(() => parseFeatureSpec({ kind: "union", parts: [{ kind: "raw" }] }, "u")).toThrow(/u: a union needs 'parts', a list of at least two/);
    expect(() => parseFeatureSpec({ kind: "union", parts: [{ kind: "raw" }, { kind: "hog", orientations: 0 }] }, "u"))
      .toThrow(/u, part 2: HOG parameter 'orientations' must be a positive integer/);
    expect(() => parseFeatureSpec({ kind: "union", parts: [{ kind: "raw" }, union] }, "u")).toThrow(/part 2: a union cannot contain another union/);
    expect(() => parseFeatureSpec({ kind: "union", parts: [{ kind: "raw" }, { kind: "raw" }], weights: [1, 2] }, "u")).toThrow(/takes only 'parts'; got weights/);
  });

  it("reads a grid's features section; an upstream grid means raw pixels", () => {
    expect(parseGrid({ classifiers: { GaussianNB: [] } }, "g").features).toEqual([{ kind: "raw" }]);
    const g = parseGrid({ classifiers: { GaussianNB: [] }, features: [{ kind: "raw" }, { kind: "hog", orientations: 12 }] }, "g");
    expect(g.features.map(featureName)).toEqual(["raw", "hog(12,8x8,3x3,L2-Hys)"]);
  });
});

describe("feature cache", () => {
  const m: Matrix = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), rows: 2, cols: 3 };

  it("round-trips a matrix and detects corruption", () => {
    const cache = new FeatureCache(mkdtempSync(join(tmpdir(), "fmbench-fc-")));
    const key = FeatureCache.key({ a: 1 });
    const file = cache.save("x", key, m);
    expect(Array.from(cache.load("x", key)!.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(file, bytes);
    const seen: string[] = [];
    expect(cache.load("x", key, (_f, why) => seen.push(why))).toBeNull();
    expect(seen).toEqual(["checksum mismatch"]);
    writeFileSync(file, bytes.subarray(0, 20));
    expect(cache.load("x", key, (_f, why) => seen.push(why))).toBeNull();
    expect(seen[1]).toMatch(/size 20 does not match|not a feature cache file/);
  });

  it("keys change with any parameter", () => {
    expect(FeatureCache.key({ spec: { o: 9 } })).not.toBe(FeatureCache.key({ spec: { o: 8 } }));
    expect(FeatureCache.key({ spec: { o: 9 } })).toBe(FeatureCache.key({ spec: { o: 9 } }));
  });
});
