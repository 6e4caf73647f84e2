import { beforeAll, describe, expect, it } from "vitest";
import { prepareData, prepareDataInParallel } from "../../src/pipeline/prepare.js";
import { loadDataset, type LoadedDataset } from "../../src/data/registry.js";
import { extractFeatures, extractFeaturesInParallel } from "../../src/features/extract.js";
import { parseFeatureSpec } from "../../src/features/spec.js";
import { SharedHeap } from "../../src/wasm/heap.js";

describe("feature extraction on worker threads", () => {
  let dataset: LoadedDataset;
  const spec = parseFeatureSpec({ kind: "hog", orientations: 9, pixels_per_cell: [4, 4], cells_per_block: [2, 2] }, "t");
  beforeAll(async () => {
    dataset = await loadDataset("fashion");
  });

  it("gives the same features as the calling thread, each worker writing its rows in place", async () => {
    const heap = SharedHeap.create();
    // An odd count so the three workers' ranges differ in size.
    const rows = 1501;
    const data = heap.allocU8(rows * 784);
    data.set(dataset.train.images.subarray(0, rows * 784));
    const images = { data, rows, cols: 784 };
    const serial = extractFeatures(spec, images, 28, 28, heap);
    const parallel = await extractFeaturesInParallel(spec, images, 28, 28, heap, 3, 1000);
    expect([parallel.rows, parallel.cols]).toEqual([rows, 1296]);
    expect(parallel.data.byteOffset).not.toBe(serial.data.byteOffset);
    expect(Buffer.from(parallel.data.buffer, parallel.data.byteOffset, parallel.data.byteLength)
      .equals(Buffer.from(serial.data.buffer, serial.data.byteOffset, serial.data.byteLength))).toBe(true);
    // A parameter error is raised before any worker starts.
    await expect(extractFeaturesInParallel({ ...spec, cells_per_block: [9, 9] }, images, 28, 28, heap, 3, 1000)).rejects.toThrow(/cells_per_block/);
  });

  it("prepares the same data as prepareData, logging each split", async () => {
    const options = { trainSize: 300, testSize: 200, features: spec, cache: null };
    const logs: string[] = [];
    const parallel = await prepareDataInParallel(dataset, { ...options, heap: SharedHeap.create(), workers: 2, log: (l) => logs.push(l) });
    const serial = prepareData(dataset, { ...options, heap: SharedHeap.create() });
    expect(Array.from(parallel.Xtrain.data)).toEqual(Array.from(serial.Xtrain.data));
    expect(Array.from(parallel.Xtest.data)).toEqual(Array.from(serial.Xtest.data));
    expect(logs.map((l) => l.replace(/[\d.]+ s$/, "T s"))).toEqual([
      "hog(9,4x4,2x2,L2-Hys): 300 train images in T s", "hog(9,4x4,2x2,L2-Hys): 200 test images in T s",
    ]);
  });
});
