import type { PreparedData } from "../../src/data/prepared.js";
import { loadDataset } from "../../src/data/registry.js";
import { prepareData } from "../../src/pipeline/prepare.js";
import { SharedHeap } from "../../src/wasm/heap.js";

/** The first `trainSize` / `testSize` Fashion-MNIST images, prepared on a heap of their own, as a run shares them with its workers. */
export async function smallRunData(trainSize: number, testSize: number): Promise<{ heap: SharedHeap; data: PreparedData }> {
  const heap = SharedHeap.create();
  return { heap, data: prepareData(await loadDataset("fashion"), { trainSize, testSize, heap }) };
}
