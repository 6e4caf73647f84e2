import { beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../src/data/prepared.js";
import { prepareData } from "../../src/pipeline/prepare.js";
import { loadDataset } from "../../src/data/registry.js";
import { MljsSVC } from "../../src/models/mljs/svm.js";
import { SVC } from "../../src/models/svm.js";
import { SharedHeap } from "../../src/wasm/heap.js";

let data: PreparedData;
beforeAll(async () => {
  data = prepareData(await loadDataset("fashion"), { trainSize: 400, testSize: 300, heap: SharedHeap.create() });
});

describe("ml-svm reference engine (one-vs-one adapter) against fmbench's SVC on 400 / 300 images", () => {
  // Measured: rbf agrees on 300/300; linear on 281/300. ml-svm's simplified SMO picks its second
  // index at random and stops after 10 passes without change, short of libsvm's tolerance on the
  // (nearly separable) linear pairs, hence the looser bound there.
  for (const [params, bound] of [[{ C: 10, kernel: "rbf" }, 0.99], [{ C: 1, kernel: "linear" }, 0.9]] as const) {
    it(`${JSON.stringify(params)}: predictions agree on at least ${bound * 100}%`, () => {
      const ours = new SVC(params).fit(data.Xtrain, data.ytrain).predict(data.Xtest);
      const theirs = new MljsSVC(params).fit(data.Xtrain, data.ytrain).predict(data.Xtest);
      let same = 0;
      ours.forEach((p, i) => { if (p === theirs[i]) same++; });
      expect(same / ours.length).toBeGreaterThanOrEqual(bound);
    });
  }
  it("is deterministic for a given random_state and rejects kernels ml-svm lacks", () => {
    const a = new MljsSVC({ C: 10 }).fit(data.Xtrain, data.ytrain).predict(data.Xtest);
    const b = new MljsSVC({ C: 10 }).fit(data.Xtrain, data.ytrain).predict(data.Xtest);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() => new MljsSVC({ kernel: "poly" })).toThrow(/engine mljs/);
  });
});
