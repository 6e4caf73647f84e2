import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../src/data/prepared.js";
import type { GridConfig } from "../../src/grid/grid.js";
import { accuracy } from "../../src/models/estimator.js";
import { forestChunks, RandomForestClassifier } from "../../src/models/tree/forest.js";
import { takePieceStats } from "../../src/parallel/pieces.js";
import { FitHelpers } from "../../src/runner/fit_helpers.js";
import { readPredictions } from "../../src/runner/predictions.js";
import { readResults } from "../../src/runner/results.js";
import { runGrid } from "../../src/runner/run.js";
import { shareData } from "../../src/runner/shared_data.js";
import { testMetrics } from "../../src/runner/task.js";
import type { SharedHeap } from "../../src/wasm/heap.js";
import { threadHeap } from "../../src/wasm/load.js";
import { smallRunData } from "../helpers/run_data.js";
import { FAILURE_PROBE_WORKER, FailureProbe } from "../helpers/failure_probe/index.js";

// The workers and helper threads import the FailureProbe test estimator too.
const workerModules = [FAILURE_PROBE_WORKER];

let heap: SharedHeap;
let data: PreparedData;
beforeAll(async () => {
  ({ heap, data } = await smallRunData(600, 200));
});

const outDir = () => mkdtempSync(join(tmpdir(), "fmbench-pieces-"));
const probe = (mode: string, extra: Record<string, number> = {}): GridConfig => ({ classifier: "FailureProbe", params: { mode, ...extra } });

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

describe("runGrid: pieces of a configuration on idle workers", () => {
  const forest: GridConfig = { classifier: "RandomForestClassifier", params: { n_estimators: 20, max_depth: 10 } };

  it("lets idle workers grow a forest's trees, with the predictions of one worker alone", async () => {
    // Big enough that helpers start before the owner has grown every chunk, even on a busy machine.
    const forest: GridConfig = { classifier: "RandomForestClassifier", params: { n_estimators: 80, max_depth: 12 } };
    const alone = await runGrid({ configs: [forest], data, out: outDir(), workers: 1, repeats: 2, heap, workerModules });
    const helped = await runGrid({ configs: [forest], data, out: outDir(), workers: 3, repeats: 2, heap, workerModules });
    const [one, three] = [alone.lines[0], helped.lines[0]];
    expect(one.status).toBe("ok");
    expect(three.status).toBe("ok");
    expect(three.scores).toEqual(one.scores);
    expect(three.confusion_matrix).toEqual(one.confusion_matrix);
    expect(one.pieces).toBe(16 * one.n_repeats!);
    expect(one.pieces_by_idle_workers).toBe(0);
    expect(three.pieces_by_idle_workers).toBeGreaterThan(0);
  });

  it("matches RandomForestClassifier.fit + predict in this thread", async () => {
    const seeded = { ...forest, params: { ...forest.params, random_state: 5 } };
    const out = outDir();
    const run = await runGrid({ configs: [seeded], data, out, workers: 2, repeats: 1, seed: 7, heap, workerModules });
    expect(run.lines[0].status).toBe("ok");
    // repeat 0 trains on a shuffled copy of the training set: fit on the same copy here
    const { views } = shareData(data, heap, 1, 7);
    const local = new RandomForestClassifier(seeded.params).fit(views.train[0].X, views.train[0].y);
    const predicted = local.predict(data.Xtest);
    expect(run.lines[0].accuracy).toBe(accuracy(data.ytest, predicted));
    expect(run.lines[0].confusion_matrix).toEqual(testMetrics(data.ytest, predicted, data.classNames).confusion_matrix);
    expect(run.lines[0].predictions_file).toMatch(/^predictions\/[0-9a-f]{20}\.u8$/);
    expect(Array.from(readPredictions(out, run.lines[0].predictions_file!))).toEqual(Array.from(predicted));
  });

  it("counts fit_seconds as one core's worth and records the pieces idle workers took", async () => {
    const run = await runGrid({ configs: [probe("pieces", { seconds: 0.15, pieces: 8 })], data, out: outDir(), workers: 2, repeats: 1, heap, workerModules });
    const line = run.lines[0];
    expect(line.status).toBe("ok");
    expect(line.pieces).toBe(8);
    expect(line.pieces_by_idle_workers).toBeGreaterThan(0);
    // Eight pieces of 0.15 s: about 1.2 s of one core, done in less wall time.
    expect(line.fit_seconds).toBeGreaterThan(1.1);
    expect((line.fit_wall_times as number[])[0]).toBeLessThan(line.fit_seconds!);
  });

  it("fails a configuration whose piece throws (there or in its own worker) with that piece's error, and runs the others", async () => {
    const configs = [probe("piece-throw", { seconds: 0.1 }), { classifier: "GaussianNB", params: {} }];
    const run = await runGrid({ configs, data, out: outDir(), workers: 2, repeats: 1, heap, workerModules });
    const line = run.lines.find((l) => l.classifier === "FailureProbe")!;
    expect(line).toMatchObject({ status: "failed", error: "RangeError: FailureProbe: piece 1 failed on purpose" });
    expect(run.lines.find((l) => l.classifier === "GaussianNB")!.status).toBe("ok");
  });

  it("fails a configuration whose helper dies in one of its pieces, naming the cause, and goes on", async () => {
    const configs = [probe("piece-exit", { seconds: 0.2 }), { classifier: "GaussianNB", params: {} }];
    const run = await runGrid({ configs, data, out: outDir(), workers: 3, repeats: 1, heap, workerModules });
    const line = run.lines.find((l) => l.classifier === "FailureProbe")!;
    expect(line.status).toBe("failed");
    expect(line.error).toMatch(/FailureProbe pieces failed on a helper thread: worker crashed/);
    expect(run.lines.find((l) => l.classifier === "GaussianNB")!.status).toBe("ok");
  });

  it("fails a configuration whose piece runs out of WASM heap, naming the cause, and keeps what is already written", async () => {
    const out = outDir();
    // Two parts of one grid in one folder: GaussianNB first, then the whole grid.
    const gridConfigs = [probe("piece-heap", { seconds: 0.05 }), { classifier: "GaussianNB", params: {} }];
    await runGrid({ configs: [gridConfigs[1]], gridConfigs, data, out, workers: 2, repeats: 1, heap, workerModules });
    const run = await runGrid({ configs: gridConfigs, data, out, workers: 2, repeats: 1, heap, workerModules });
    expect(run.skipped).toBe(1);
    expect(run.lines[0]).toMatchObject({ status: "failed" });
    expect(run.lines[0].error).toMatch(/RangeError: fmbench's WASM heap is limited to 4 GiB/);
    expect(readResults(join(out, "results.jsonl")).lines.map((l) => [l.classifier, l.status])).toEqual([["GaussianNB", "ok"], ["FailureProbe", "failed"]]);
  });

  it("keeps a helper on a configuration that posts one section after another, and fails it when that helper dies later", async () => {
    const run = await runGrid({ configs: [probe("pieces", { seconds: 0.02, pieces: 4, sections: 20 })], data, out: outDir(), workers: 2, repeats: 1, heap, workerModules });
    expect(run.lines[0]).toMatchObject({ status: "ok", pieces: 80 });
    expect(run.lines[0].pieces_by_idle_workers).toBeGreaterThan(20);
    const dies = await runGrid({ configs: [probe("piece-exit", { seconds: 0.05, pieces: 4, sections: 5 })], data, out: outDir(), workers: 2, repeats: 1, heap, workerModules });
    expect(dies.lines[0].status).toBe("failed");
    expect(dies.lines[0].error).toMatch(/failed on a helper thread: worker crashed/);
  });

  it("stops a configuration with pieces past its time limit, helpers included", async () => {
    const started = Date.now();
    const run = await runGrid({ configs: [probe("pieces", { seconds: 0.5, pieces: 40 })], data, out: outDir(), workers: 2, repeats: 1, timeoutSeconds: 1, heap, workerModules });
    expect(run.lines[0]).toMatchObject({ status: "timeout" });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it("records an estimator error raised in a forest's pieces, and the other configurations finish", async () => {
    const bad: GridConfig = { classifier: "RandomForestClassifier", params: { n_estimators: 4, max_features: 5000 } };
    const run = await runGrid({ configs: [bad, { classifier: "GaussianNB", params: {} }], data, out: outDir(), workers: 2, repeats: 1, heap, workerModules });
    const line = run.lines.find((l) => l.classifier === "RandomForestClassifier")!;
    expect(line.status).toBe("failed");
    expect(line.error).toMatch(/max_features/);
    expect(run.lines.find((l) => l.classifier === "GaussianNB")!.status).toBe("ok");
  });
});

describe("FitHelpers", () => {
  let helpers: FitHelpers | null = null;
  afterAll(async () => helpers?.close());

  it("shares a fit's pieces with helper threads, results in order, and stops them on close", async () => {
    helpers = await FitHelpers.start({ threads: 2, workerModules });
    takePieceStats();
    const p = new FailureProbe({ mode: "pieces", seconds: 0.05, pieces: 12 }).fit(data.Xtrain, data.ytrain);
    const stats = takePieceStats();
    expect(stats.pieces).toBe(12);
    expect(stats.piecesByHelpers).toBeGreaterThan(0);
    expect(p.pieceThreads_.filter((t) => t !== threadId).length).toBe(stats.piecesByHelpers);
    expect(() => new FailureProbe({ mode: "piece-throw", seconds: 0.05 }).fit(data.Xtrain, data.ytrain)).toThrow(/piece 1 failed on purpose/);
    await helpers.close();
    helpers = null;
    const alone = new FailureProbe({ mode: "pieces", seconds: 0, pieces: 4 }).fit(data.Xtrain, data.ytrain);
    expect(alone.pieceThreads_).toEqual([threadId, threadId, threadId, threadId]);
    expect(threadHeap()).toBeDefined();
  });
});
