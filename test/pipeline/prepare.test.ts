import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PixelMatrix } from "../../src/core/matrix.js";
import { loadDataset, type LoadedDataset } from "../../src/data/registry.js";
import { FeatureCache } from "../../src/features/cache.js";
import { registerFeatureExtractor } from "../../src/features/extract.js";
import { parseFeatureSpec, type FeatureSpec } from "../../src/features/spec.js";
import { prepareData } from "../../src/pipeline/prepare.js";
import { SharedHeap } from "../../src/wasm/heap.js";

describe("prepareData with a feature set", () => {
  let dataset: LoadedDataset;
  let calls: { rows: number; spec: FeatureSpec }[] = [];
  beforeAll(async () => {
    dataset = await loadDataset("fashion");
    // A stand-in extractor (mean of each image row) so this test does not depend on HOG's numbers.
    registerFeatureExtractor("hog", (images: PixelMatrix, height, width, spec, heap) => {
      calls.push({ rows: images.rows, spec });
      const out = heap.allocF32(images.rows * height);
      for (let i = 0; i < images.rows; i++) {
        for (let r = 0; r < height; r++) {
          let s = 0;
          for (let c = 0; c < width; c++) s += images.data[i * width * height + r * width + c];
          out[i * height + r] = s / width + spec.orientations;
        }
      }
      return { data: out, rows: images.rows, cols: height };
    });
  });

  it("completes a feature set written by hand, and names a bad one", () => {
    const data = prepareData(dataset, { trainSize: 50, testSize: 10, features: { kind: "hog" } as FeatureSpec, cache: null, heap: SharedHeap.create() });
    expect(data.features).toBe("hog(9,8x8,3x3,L2-Hys)");
    expect(() => prepareData(dataset, { trainSize: 50, testSize: 10, features: { kind: "sift" } as unknown as FeatureSpec, cache: null, heap: SharedHeap.create() }))
      .toThrow(/prepareData: features: unknown feature kind "sift"/);
  });

  it("extracts once, then reads the cache; a parameter change or a corrupt file rebuilds", () => {
    const dir = mkdtempSync(join(tmpdir(), "fmbench-fc-"));
    const cache = new FeatureCache(dir);
    const spec = parseFeatureSpec({ kind: "hog", orientations: 9 }, "t");
    const run = (s: FeatureSpec) => prepareData(dataset, { trainSize: 100, testSize: 20, features: s, cache, heap: SharedHeap.create() });
    calls = [];
    const first = run(spec);
    expect(first.features).toBe("hog(9,8x8,3x3,L2-Hys)");
    expect([first.Xtrain.cols, first.Xtrain.rows, first.Xtest.rows]).toEqual([28, 100, 20]);
    expect(calls.map((c) => c.rows)).toEqual([100, 20]);
    const second = run(spec);
    expect(calls).toHaveLength(2); // both splits came from the cache
    expect(Array.from(second.Xtrain.data)).toEqual(Array.from(first.Xtrain.data));
    run(parseFeatureSpec({ kind: "hog", orientations: 8 }, "t"));
    expect(calls).toHaveLength(4);
    const files = readdirSync(dir).filter((f) => f.startsWith("fashion-train-100-hog_9,"));
    const path = join(dir, files[0]);
    const bytes = readFileSync(path);
    bytes[60] ^= 0xff;
    writeFileSync(path, bytes);
    const logs: string[] = [];
    prepareData(dataset, { trainSize: 100, testSize: 20, features: spec, cache, heap: SharedHeap.create(), log: (l) => logs.push(l) });
    expect(calls).toHaveLength(5);
    expect(logs.some((l) => /is unusable \(checksum mismatch\); extracting the features again/.test(l))).toBe(true);
  });

  it("puts a union's parts side by side, each scaled as it would be alone, computed parts cached one by one", () => {
    const dir = mkdtempSync(join(tmpdir(), "fmbench-fu-"));
    const cache = new FeatureCache(dir);
    const hog = parseFeatureSpec({ kind: "hog", orientations: 3 }, "t");
    const union = parseFeatureSpec({ kind: "union", parts: [hog, { kind: "raw" }] }, "t");
    const sizes = { trainSize: 120, testSize: 30 };
    calls = [];
    const alone = prepareData(dataset, { ...sizes, features: hog, cache, heap: SharedHeap.create() });
    const raw = prepareData(dataset, { ...sizes, heap: SharedHeap.create() });
    const logs: string[] = [];
    const both = prepareData(dataset, { ...sizes, features: union, cache, heap: SharedHeap.create(), log: (l) => logs.push(l) });
    expect(calls).toHaveLength(2); // the union's HOG part came from the cache
    expect(logs.every((l) => /feature cache: hog\(3,8x8,3x3,L2-Hys\) of \d+ (train|test) images read/.test(l))).toBe(true);
    expect(both.features).toBe("hog(3,8x8,3x3,L2-Hys)+raw");
    expect(both.Xtrain.cols).toBe(28 + 784);
    for (const [m, a, b] of [[both.Xtrain, alone.Xtrain, raw.Xtrain], [both.Xtest, alone.Xtest, raw.Xtest]] as const) {
      for (const i of [0, m.rows - 1]) {
        const row = Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
        expect(row).toEqual([...a.data.subarray(i * 28, (i + 1) * 28), ...b.data.subarray(i * 784, (i + 1) * 784)]);
      }
    }
  });

  it("holds out the last training images for validation, never touching the test set", () => {
    const raw = prepareData(dataset, { trainSize: 300, validationSize: 200, heap: SharedHeap.create() });
    expect(raw.evaluation).toBe("validation");
    expect([raw.Xtrain.rows, raw.Xtest.rows, raw.Xtest.cols]).toEqual([300, 200, 784]);
    expect(Array.from(raw.ytest)).toEqual(Array.from(dataset.train.labels.subarray(59800)));
    // The scaler is fitted on the 300 training images only: the same as a plain run on them.
    const plain = prepareData(dataset, { trainSize: 300, testSize: 10, heap: SharedHeap.create() });
    expect(plain.evaluation).toBe("test");
    expect(Array.from(raw.Xtrain.data)).toEqual(Array.from(plain.Xtrain.data));
    // Validation rows are the last training images, scaled with the training statistics.
    const pixel = dataset.train.images[59800 * 784 + 400];
    const scaledAgain = prepareData(dataset, { trainSize: 300, validationSize: 200, preprocess: "none", heap: SharedHeap.create() });
    expect(scaledAgain.Xtest.data[400]).toBe(pixel);
    // Features come from the training split (all of it, once), then are cut in two.
    calls = [];
    const spec = parseFeatureSpec({ kind: "hog", orientations: 9 }, "t");
    const hog = prepareData(dataset, { trainSize: 300, validationSize: 200, features: spec, cache: null, heap: SharedHeap.create() });
    expect(calls.map((c) => c.rows)).toEqual([60000]);
    expect([hog.Xtrain.rows, hog.Xtest.rows, hog.Xtest.cols]).toEqual([300, 200, 28]);
    expect(() => prepareData(dataset, { validationSize: 60000 })).toThrow(/validation size must be an integer from 1 to 59999; got 60000/);
    expect(() => prepareData(dataset, { validationSize: 100, testSize: 10 })).toThrow(/exclude each other/);
    expect(() => prepareData(dataset, { validationSize: 10000, trainSize: 50001 })).toThrow(/train size 50001 exceeds the 50000 images available/);
  });

  it("adds mirrored copies of the training images after the originals (hflip), never of the evaluation images", () => {
    const dir = mkdtempSync(join(tmpdir(), "fmbench-aug-"));
    const cache = new FeatureCache(dir);
    const n = 150;
    const raw = prepareData(dataset, { trainSize: n, testSize: 40, preprocess: "none", augment: "hflip", heap: SharedHeap.create() });
    expect(raw.augment).toBe("hflip");
    expect([raw.Xtrain.rows, raw.Xtest.rows]).toEqual([2 * n, 40]);
    expect(Array.from(raw.ytrain)).toEqual([...dataset.train.labels.subarray(0, n), ...dataset.train.labels.subarray(0, n)]);
    for (const i of [0, 77, n - 1]) {
      for (const [r, c] of [[0, 0], [5, 3], [27, 27], [14, 20]]) {
        expect(raw.Xtrain.data[(n + i) * 784 + r * 28 + c]).toBe(dataset.train.images[i * 784 + r * 28 + 27 - c]);
        expect(raw.Xtrain.data[i * 784 + r * 28 + c]).toBe(dataset.train.images[i * 784 + r * 28 + c]);
      }
    }
    expect(Array.from(raw.Xtest.data)).toEqual(Array.from(dataset.test.images.subarray(0, 40 * 784)));
    // The scaler is fitted on originals and copies together.
    const scaled = prepareData(dataset, { trainSize: n, testSize: 40, augment: "hflip", heap: SharedHeap.create() });
    for (let j = 0; j < 784; j += 97) {
      let mean = 0;
      for (let i = 0; i < 2 * n; i++) mean += scaled.Xtrain.data[i * 784 + j];
      expect(Math.abs(mean / (2 * n))).toBeLessThan(1e-4);
    }
    // A union with validation: computed parts of the mirrored images are extracted (and cached) on their own;
    // the held-out images are the same as without augmentation.
    const spec = parseFeatureSpec({ kind: "union", parts: [{ kind: "hog", orientations: 5 }, { kind: "raw" }] }, "t");
    const options = { trainSize: n, validationSize: 60, features: spec, cache, preprocess: "none" as const };
    calls = [];
    const plain = prepareData(dataset, { ...options, heap: SharedHeap.create() });
    const union = prepareData(dataset, { ...options, augment: "hflip", heap: SharedHeap.create() });
    expect(calls.map((c) => c.rows)).toEqual([60000, n]); // the originals' HOG came from the cache
    expect(readdirSync(dir).some((f) => f.startsWith(`fashion-train-hflip-${n}-hog_5,`))).toBe(true);
    expect([union.Xtrain.rows, union.Xtrain.cols, union.Xtest.rows]).toEqual([2 * n, 28 + 784, 60]);
    expect(Array.from(union.Xtest.data)).toEqual(Array.from(plain.Xtest.data));
    expect(Array.from(union.Xtrain.data.subarray(0, n * 812))).toEqual(Array.from(plain.Xtrain.data));
    // The stand-in extractor averages image rows, which mirroring leaves unchanged.
    expect(Array.from(union.Xtrain.data.subarray(n * 812, n * 812 + 28))).toEqual(Array.from(plain.Xtrain.data.subarray(0, 28)));
    expect(union.Xtrain.data[n * 812 + 28 + 5]).toBe(dataset.train.images[27 - 5]);
    prepareData(dataset, { ...options, augment: "hflip", heap: SharedHeap.create() });
    expect(calls).toHaveLength(2); // now both from the cache
  });
});
