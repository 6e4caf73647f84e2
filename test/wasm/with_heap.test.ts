import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SharedHeap } from "../../src/wasm/heap.js";
import { threadHeap, withHeap } from "../../src/wasm/load.js";

const entry = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

/** RSS growth (MB) and heap use of 30 loops of prepareData + HOG + KNN, in a fresh process with --expose-gc. */
function loops(scoped: boolean): { growth: number; used: number } {
  const script = `
    import { parseFeatureSpec, loadDataset, prepareData, KNeighborsClassifier, threadHeap, withHeap } from ${JSON.stringify(entry)};
    const ds = await loadDataset("fashion");
    const hog = parseFeatureSpec({ kind: "hog" }, "hog");
    const once = () => {
      const data = prepareData(ds, { trainSize: 2000, testSize: 500, features: hog, cache: null });
      return new KNeighborsClassifier({ n_neighbors: 5 }).fit(data.Xtrain, data.ytrain).score(data.Xtest, data.ytest);
    };
    once(); global.gc();
    const rss = () => process.memoryUsage().rss;
    const start = rss();
    for (let i = 0; i < 30; i++) { ${scoped ? "withHeap(once)" : "once()"}; global.gc(); }
    console.log(JSON.stringify({ growth: (rss() - start) / 2 ** 20, used: threadHeap().usedBytes / 2 ** 20 }));`;
  const r = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

describe("withHeap", () => {
  it("keeps memory flat over 30 loops of prepareData + HOG + KNN, where the default heap grows with every loop", () => {
    const scoped = loops(true);
    const plain = loops(false);
    expect(plain.used).toBeGreaterThan(60); // about 3.5 MiB a loop stays in the default heap
    expect(plain.growth).toBeGreaterThan(60);
    expect(scoped.growth).toBeLessThan(25);
  }, 240_000);

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
