import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../src/data/prepared.js";
import { prepareData } from "../../src/pipeline/prepare.js";
import { loadDataset } from "../../src/data/registry.js";
import { NotFittedError } from "../../src/errors.js";
import { estimatorEntry } from "../../src/grid/registry.js";
import { GaussianProcessClassifier } from "../../src/models/gaussian_process.js";
import { runGrid } from "../../src/runner/run.js";
import { SharedHeap } from "../../src/wasm/heap.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/gpc.json", import.meta.url), "utf8"));
let data: PreparedData;
beforeAll(async () => {
  data = prepareData(await loadDataset("fashion"), { trainSize: fixture.train_size, testSize: fixture.test_size, heap: SharedHeap.create() });
});

const agreement = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
};

describe(`GaussianProcessClassifier against scikit-learn 1.2 on ${fixture.train_size} / ${fixture.test_size} images`, () => {
  it("one_vs_one with the default (fixed) kernel: the same predictions", () => {
    const c = fixture.cases.find((x: { params: { multi_class: string } }) => x.params.multi_class === "one_vs_one");
    const pred = new GaussianProcessClassifier(c.params).fit(data.Xtrain, data.ytrain).predict(data.Xtest);
    expect(agreement(pred, c.predictions)).toBeGreaterThanOrEqual(0.99);
  });

  it("one_vs_rest with the default kernel: near-ties decided by rounding, so agreement is loose", () => {
    // With length scale 1 on 784 standardized pixels, K is the identity to double precision and every
    // class probability is 0.5 up to ~1e-13: scikit-learn scores 0.11 and picks the last class on 293/300.
    // Measured here: 269/300 equal predictions.
    const c = fixture.cases.find((x: { params: { multi_class: string } }) => x.params.multi_class === "one_vs_rest");
    const pred = new GaussianProcessClassifier(c.params).fit(data.Xtrain, data.ytrain).predict(data.Xtest);
    expect(agreement(pred, c.predictions)).toBeGreaterThanOrEqual(0.85);
  });

  it("an explicit 1.0 * RBF(1.0) kernel has its hyper-parameters fitted by L-BFGS as scikit-learn's", () => {
    const c = fixture.fitted_kernel;
    const n = c.train_size;
    const X = { ...data.Xtrain, data: data.Xtrain.data.subarray(0, n * 784), rows: n };
    const Xt = { ...data.Xtest, data: data.Xtest.data.subarray(0, c.test_size * 784), rows: c.test_size };
    const gpc = new GaussianProcessClassifier(c.params).fit(X, data.ytrain.subarray(0, n));
    gpc.thetas.forEach((theta, p) => expect(theta[0]).toBeCloseTo(c.thetas[p][0], 1));
    expect(agreement(gpc.predict(Xt), c.predictions)).toBeGreaterThanOrEqual(0.98);
  });
});

describe("GaussianProcessClassifier contract and memory guard", () => {
  it("throws NotFittedError before fit; the registry estimates 172.8 GB for the full training set", () => {
    const X = { data: Float32Array.from([0, 0, 1, 1]), rows: 2, cols: 2 };
    expect(() => new GaussianProcessClassifier().predict(X)).toThrow(NotFittedError);
    const entry = estimatorEntry("GaussianProcessClassifier");
    const bytes = entry.estimateMemory!({ multi_class: "one_vs_rest" }, { trainRows: 60000, testRows: 10000, cols: 784, classes: 10 });
    expect(bytes).toBe(6 * 60000 * 60000 * 8);
  });

  it("the runner's memory guard refuses it before fitting and records the estimate", async () => {
    const heap = SharedHeap.create();
    const small = prepareData(await loadDataset("fashion"), { trainSize: 300, testSize: 50, heap });
    const summary = await runGrid({
      configs: [{ classifier: "GaussianProcessClassifier", params: { multi_class: "one_vs_rest" } }],
      data: small, out: mkdtempSync(join(tmpdir(), "fmbench-gpc-")), workers: 1, repeats: 1, heap,
      availableMemory: () => 2 ** 20,
    });
    expect(summary.lines[0].status).toBe("failed");
    expect(summary.lines[0].error).toMatch(/memory guard: this configuration is estimated to need 4 MiB/);
    expect(summary.lines[0].estimated_memory_bytes).toBe(6 * 300 * 300 * 8);
  });
});
