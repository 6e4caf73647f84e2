import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { prepareData, type PreparedData } from "../../src/data/prepare.js";
import { loadDataset } from "../../src/data/registry.js";
import type { GridConfig } from "../../src/grid/grid.js";
import { forestChunks, RandomForestClassifier } from "../../src/models/tree/forest.js";
import { ChunkBoard, ForestJob } from "../../src/runner/forest_job.js";
import type { GridPool } from "../../src/runner/pool.js";
import { runGrid } from "../../src/runner/run.js";
import { shareData } from "../../src/runner/shared_data.js";
import { testMetrics } from "../../src/runner/task.js";
import { accuracy } from "../../src/models/estimator.js";
import { SharedHeap } from "../../src/wasm/heap.js";

let heap: SharedHeap;
let data: PreparedData;
beforeAll(async () => {
  heap = SharedHeap.create();
  data = prepareData(await loadDataset("fashion"), { trainSize: 600, testSize: 200, heap });
});

const outDir = () => mkdtempSync(join(tmpdir(), "fmbench-forest-"));

describe("forestChunks", () => {
  it("covers the trees in at most 16 consecutive ranges that depend on the tree count only", () => {
    expect(forestChunks(1)).toEqual([[0, 1]]);
    expect(forestChunks(10)).toEqual(Array.from({ length: 10 }, (_, i) => [i, i + 1]));
    const hundred = forestChunks(100);
    expect(hundred.length).toBeLessThanOrEqual(16);
    expect(hundred[0]).toEqual([0, 7]);
    expect(hundred.at(-1)![1]).toBe(100);
    for (let i = 1; i < hundred.length; i++) expect(hundred[i][0]).toBe(hundred[i - 1][1]);
  });
});

describe("RandomForestClassifier.fitTrees", () => {
  it("grows the same trees as fit, and the chunks' sums give fit's probabilities to the last bit", () => {
    const params = { n_estimators: 12, max_depth: 8, random_state: 3 };
    const whole = new RandomForestClassifier(params).fit(data.Xtrain, data.ytrain);
    const proba = whole.predictProba(data.Xtest);
    const K = whole.classes_!.length;
    const total = new Float64Array(data.Xtest.rows * K);
    for (const [from, to] of forestChunks(12)) {
      const part = new RandomForestClassifier(params).fitTrees(data.Xtrain, data.ytrain, from, to);
      expect(part.estimators_!.map((t) => Array.from(t.value))).toEqual(whole.estimators_!.slice(from, to).map((t) => Array.from(t.value)));
      const sum = part.chunkProbaSum(data.Xtest);
      for (let i = 0; i < total.length; i++) total[i] += sum[i];
    }
    for (let i = 0; i < total.length; i++) total[i] /= 12;
    expect(Array.from(total)).toEqual(Array.from(proba));
  });

  it("refuses a range outside the forest", () => {
    expect(() => new RandomForestClassifier({ n_estimators: 4 }).fitTrees(data.Xtrain, data.ytrain, 2, 5)).toThrow(/0 <= from < to <= n_estimators/);
  });
});

describe("ChunkBoard", () => {
  it("hands idle lanes chunks of the earliest open forest, within what the guard allows", async () => {
    const board = new ChunkBoard();
    const grown: string[] = [];
    const pool = {
      runForestChunk: async (c: { from: number; task: { params: { tag?: string } } }) => {
        grown.push(`${c.task.params.tag}:${c.from}`);
        return { status: "failed", error: "stop here" };
      },
    } as unknown as GridPool;
    const job = (tag: string) => new ForestJob({
      pool, board, task: { classifier: "RandomForestClassifier", params: { tag }, repeats: 1, seed: 0 } as never,
      nTrees: 3, repeats: 1, yTest: new Int32Array(1), classNames: [], timeoutSeconds: 0, cancel: new AbortController().signal, memoryNeed: 0,
    });
    const a = job("a");
    const b = job("b");
    expect(board.openJobs).toBe(2);
    // Nothing is posted before a job runs its repeat.
    expect(board.claim()).toBeNull();
    const running = a.run();
    // a's own lane took chunk 0 synchronously; an idle lane gets a's next chunk, not b's.
    expect(board.claim((j) => j === b)).toBeNull();
    const claimed = board.claim()!;
    expect(claimed.job).toBe(a);
    await claimed.grow();
    const outcome = await running;
    expect(outcome).toMatchObject({ status: "failed", error: "stop here" });
    expect(grown.sort()).toEqual(["a:0", "a:1"]); // the failure stopped chunk 2 from starting
    expect(board.openJobs).toBe(1);
    void b;
  });
});

describe("runGrid with forests", () => {
  const forest: GridConfig = { classifier: "RandomForestClassifier", params: { n_estimators: 20, max_depth: 10 } };

  it("lets idle workers grow a forest's chunks, with the predictions of one worker alone", async () => {
    const alone = await runGrid({ configs: [forest], data, out: outDir(), workers: 1, repeats: 2, heap });
    const helped = await runGrid({ configs: [forest], data, out: outDir(), workers: 3, repeats: 2, heap });
    const [one, three] = [alone.lines[0], helped.lines[0]];
    expect(one.status).toBe("ok");
    expect(three.status).toBe("ok");
    expect(three.scores).toEqual(one.scores);
    expect(three.confusion_matrix).toEqual(one.confusion_matrix);
    expect(one.forest_chunks).toBe(10);
    expect(one.forest_chunks_by_idle_workers).toBe(0);
    expect(three.forest_chunks_by_idle_workers).toBeGreaterThan(0);
  });

  it("matches RandomForestClassifier.fit + predict in this thread", async () => {
    const seeded = { ...forest, params: { ...forest.params, random_state: 5 } };
    const run = await runGrid({ configs: [seeded], data, out: outDir(), workers: 2, repeats: 1, seed: 7, heap });
    expect(run.lines[0].status).toBe("ok");
    // repeat 0 trains on a shuffled copy of the training set: fit on the same copy here
    const { views } = shareData(data, heap, 1, 7);
    const local = new RandomForestClassifier(seeded.params).fit(views.train[0].X, views.train[0].y);
    const predicted = local.predict(data.Xtest);
    expect(run.lines[0].accuracy).toBe(accuracy(data.ytest, predicted));
    expect(run.lines[0].confusion_matrix).toEqual(testMetrics(data.ytest, predicted, data.classNames).confusion_matrix);
  });

  it("records an estimator error raised while growing, and the other configurations finish", async () => {
    const bad: GridConfig = { classifier: "RandomForestClassifier", params: { n_estimators: 4, max_features: 5000 } };
    const run = await runGrid({ configs: [bad, { classifier: "GaussianNB", params: {} }], data, out: outDir(), workers: 2, repeats: 1, heap });
    const line = run.lines.find((l) => l.classifier === "RandomForestClassifier")!;
    expect(line.status).toBe("failed");
    expect(line.error).toMatch(/max_features/);
    expect(run.lines.find((l) => l.classifier === "GaussianNB")!.status).toBe("ok");
  });

  it("stops a forest past its time limit as a timeout", async () => {
    const big: GridConfig = { classifier: "RandomForestClassifier", params: { n_estimators: 2000 } };
    const run = await runGrid({ configs: [big], data, out: outDir(), workers: 2, repeats: 1, timeoutSeconds: 1, heap });
    expect(run.lines[0]).toMatchObject({ status: "timeout" });
    expect(run.lines[0].error).toMatch(/time limit of 1 s/);
  });
});
