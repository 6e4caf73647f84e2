import { beforeAll, describe, expect, it } from "vitest";
import { prepareData, prepareDataInParallel } from "../../src/data/prepare.js";
import { loadDataset, type LoadedDataset } from "../../src/data/registry.js";
import { PARALLEL_MIN_ROWS } from "../../src/features/extract.js";
import { parseFeatureSpec } from "../../src/features/spec.js";
import { SharedHeap } from "../../src/wasm/heap.js";

describe("feature extraction on worker threads", () => {
  let dataset: LoadedDataset;
  beforeAll(async () => {
    dataset = await loadDataset("fashion");
  });

  it("gives the same features as the calling thread, and logs each split", async () => {
    const features = parseFeatureSpec({ kind: "hog", orientations: 9, pixels_per_cell: [4, 4], cells_per_block: [2, 2] }, "t");
    // An odd count so the two workers' ranges differ in size.
    const options = { trainSize: PARALLEL_MIN_ROWS + 11, testSize: PARALLEL_MIN_ROWS + 7, features, cache: null };
    const serial = prepareData(dataset, { ...options, heap: SharedHeap.create() });
    const logs: string[] = [];
    const parallel = await prepareDataInParallel(dataset, { ...options, heap: SharedHeap.create(), workers: 2, log: (l) => logs.push(l) });
    expect(parallel.Xtrain.cols).toBe(1296);
    expect(Buffer.from(parallel.Xtrain.data.buffer, parallel.Xtrain.data.byteOffset, parallel.Xtrain.data.byteLength)
      .equals(Buffer.from(serial.Xtrain.data.buffer, serial.Xtrain.data.byteOffset, serial.Xtrain.data.byteLength))).toBe(true);
    expect(Array.from(parallel.Xtest.data)).toEqual(Array.from(serial.Xtest.data));
    expect(logs.map((l) => l.replace(/[\d.]+ s$/, "T s"))).toEqual([
      `hog(9,4x4,2x2,L2-Hys): ${options.trainSize} train images in T s`, `hog(9,4x4,2x2,L2-Hys): ${options.testSize} test images in T s`,
    ]);
  });
});
