import type { PreparedData } from "../../../src/data/prepared.js";
import { prepareData } from "../../../src/pipeline/prepare.js";
import { loadResolvedDataset, resolveDataset } from "../../../src/data/registry.js";

/** The first nTrain / nTest bundled Fashion-MNIST images, standardized as the grid run does. */
export async function fashionSlice(nTrain: number, nTest: number): Promise<PreparedData> {
  const dataset = await loadResolvedDataset(await resolveDataset("fashion"));
  return prepareData(dataset, { trainSize: nTrain, testSize: nTest });
}
