import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SharedHeap } from "../../src/wasm/heap.js";
import { matrix } from "../../src/core/matrix.js";
import { KNeighborsClassifier } from "../../src/models/neighbors.js";
import { LogisticRegression } from "../../src/models/linear/logistic.js";
import { SVC } from "../../src/models/svm.js";
import { DecisionTreeClassifier } from "../../src/models/tree/decision_tree.js";
import { Random } from "../../src/random.js";
import { FitHelpers } from "../../src/runner/fit_helpers.js";
import { setDefaultHeapRenewal, threadHeap, withHeap } from "../../src/wasm/load.js";

const entry = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

type LoopMode = "scoped" | "default" | { renewMiB: number };

/** RSS growth (MB) and default-heap use of 30 loops of prepareData + HOG + KNN, in a fresh process with --expose-gc. */
function loops(mode: LoopMode): { growth: number; used: number } {
  const renew = typeof mode === "object" ? `setDefaultHeapRenewal(${mode.renewMiB} * 2 ** 20);` : "";
  const script = `
    import { parseFeatureSpec, loadDataset, prepareData, KNeighborsClassifier, setDefaultHeapRenewal, threadHeap, withHeap } from ${JSON.stringify(entry)};
    ${renew}
    const ds = await loadDataset("fashion");
    const hog = parseFeatureSpec({ kind: "hog" }, "hog");
    const once = () => {
      const data = prepareData(ds, { trainSize: 2000, testSize: 500, features: hog, cache: null });
      return new KNeighborsClassifier({ n_neighbors: 5 }).fit(data.Xtrain, data.ytrain).score(data.Xtest, data.ytest);
    };
    once(); global.gc();
    const rss = () => process.memoryUsage().rss;
    const start = rss();
    for (let i = 0; i < 30; i++) { ${mode === "scoped" ? "withHeap(once)" : "once()"}; global.gc(); }
    console.log(JSON.stringify({ growth: (rss() - start) / 2 ** 20, used: threadHeap().usedBytes / 2 ** 20 }));`;
  const r = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

describe("the default heap", () => {
  it("is renewed past its limit, so a loop of experiments on it stays flat as in withHeap scopes", () => {
    const plain = loops("default"); // 30 loops stay below the default 256 MiB: the heap keeps all of them
    const renewed = loops({ renewMiB: 16 });
    const scoped = loops("scoped");
    expect(plain.used).toBeGreaterThan(60); // about 3.5 MiB a loop
    expect(plain.growth).toBeGreaterThan(60);
    expect(renewed.used).toBeLessThan(16 + 8);
    expect(renewed.growth).toBeLessThan(45);
    expect(scoped.growth).toBeLessThan(25);
  }, 300_000);

  it("gives every operation a fresh heap at renewal 0, and keeps the held one while FitHelpers are up", async () => {
    const previous = setDefaultHeapRenewal(0);
    try {
      const first = threadHeap();
      expect(threadHeap()).not.toBe(first);
      const helpers = await FitHelpers.start({ threads: 1 });
      const held = threadHeap();
      expect(threadHeap()).toBe(held);
      await helpers.close();
      expect(threadHeap()).not.toBe(held);
    } finally {
      setDefaultHeapRenewal(previous);
    }
    expect(() => setDefaultHeapRenewal(-1)).toThrow(/bytes must be >= 0/);
  });

  it("serves predictions equal to a single heap's when data, model and predict each get their own", () => {
    const random = new Random(7);
    const rows = 120;
    const cols = 12;
    const X = matrix(Float32Array.from({ length: rows * cols }, () => random.next()), rows, cols);
    const y = Int32Array.from({ length: rows }, (_, i) => i % 3);
    const inHeap = (m: typeof X) => {
      const data = threadHeap().allocF32(m.data.length);
      data.set(m.data);
      return matrix(data, m.rows, m.cols);
    };
    const fitPredict = () => {
      const Xh = inHeap(X); // the data in one heap, the estimators made (and predicting) in later ones
      return [
        new KNeighborsClassifier({ n_neighbors: 3 }).fit(Xh, y).predict(Xh),
        new SVC({ C: 1 }).fit(Xh, y).predict(Xh),
        new DecisionTreeClassifier({ random_state: 0 }).fit(Xh, y).predict(Xh),
        new LogisticRegression({ max_iter: 50 }).fit(Xh, y).predict(Xh),
      ];
    };
    const single = withHeap(() => {
      const previous = setDefaultHeapRenewal(Infinity);
      try {
        return fitPredict();
      } finally {
        setDefaultHeapRenewal(previous);
      }
    });
    const previous = setDefaultHeapRenewal(0);
    try {
      expect(fitPredict()).toEqual(single);
    } finally {
      setDefaultHeapRenewal(previous);
    }
  });
  it("lets a KNeighborsClassifier refit on rows outside the heap without growing it", () => {
    withHeap((heap) => {
      const X = matrix(Float32Array.from({ length: 200 * 8 }, (_, i) => (i * 7919) % 97), 200, 8);
      const y = Int32Array.from({ length: 200 }, (_, i) => i % 4);
      const knn = new KNeighborsClassifier({ n_neighbors: 3 }).fit(X, y);
      const used = heap.usedBytes;
      for (let i = 0; i < 5; i++) knn.fit(X, y);
      expect(heap.usedBytes).toBe(used);
      expect(knn.predict(X)).toEqual(new KNeighborsClassifier({ n_neighbors: 3 }).fit(X, y).predict(X));
    });
  });
});

describe("withHeap", () => {
  it("makes a fresh default for the scope and puts the previous one back, after a throw or a promise too", async () => {
    const before = threadHeap();
    let inside: SharedHeap | null = null;
    expect(withHeap((heap) => {
      inside = heap;
      expect(threadHeap()).toBe(heap);
      return 7;
    })).toBe(7);
    expect(inside).not.toBe(before);
    expect(threadHeap()).toBe(before);
    expect(() => withHeap(() => {
      throw new Error("boom");
    })).toThrow("boom");
    expect(threadHeap()).toBe(before);
    const pending = withHeap(async (heap) => {
      await new Promise((r) => setTimeout(r, 10));
      return threadHeap() === heap;
    });
    expect(await pending).toBe(true);
    expect(threadHeap()).toBe(before);
  });
});
