import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../src/data/prepared.js";
import type { GridConfig } from "../../src/grid/grid.js";
import { GridPool, TaskAbortedError } from "../../src/runner/pool.js";
import { readResults } from "../../src/runner/results.js";
import { runGrid } from "../../src/runner/run.js";
import { shareData } from "../../src/runner/shared_data.js";
import type { SharedHeap } from "../../src/wasm/heap.js";
import { smallRunData } from "../helpers/run_data.js";
import { FAILURE_PROBE_WORKER } from "../helpers/failure_probe/index.js";

// The workers import the FailureProbe test estimator too.
const workerModules = [FAILURE_PROBE_WORKER];

let heap: SharedHeap;
let data: PreparedData;
beforeAll(async () => {
  ({ heap, data } = await smallRunData(300, 100));
});

const probe = (mode: string, extra: Record<string, number> = {}): GridConfig => ({ classifier: "FailureProbe", params: { mode, ...extra } });
const outDir = () => mkdtempSync(join(tmpdir(), "fmbench-run-"));

describe("GridPool", () => {
  it("hands workers the dataset in the same shared memory, not a copy", async () => {
    const { layout, views } = shareData(data, heap, 1, 0);
    const pool = new GridPool({ workers: 2, memory: heap.memory, layout, workerModules });
    try {
      views.train[0].X.data[0] = 12345.5; // written by the main thread after the workers started
      const seen = await Promise.all([pool.probe(), pool.probe()]);
      for (const s of seen) {
        expect(s.firstTrainValue).toBe(12345.5);
        expect(s.isShared).toBe(true);
      }
    } finally {
      await pool.destroy();
    }
  });

  it("reports a worker that runs out of memory as a crash, and keeps serving", async () => {
    const { layout } = shareData(data, heap, 1, 0);
    const pool = new GridPool({ workers: 1, memory: heap.memory, layout, maxOldGenerationSizeMb: 48, workerModules });
    try {
      const err = await pool.run({ classifier: "FailureProbe", params: { mode: "oom" }, repeats: 1, seed: 0 }).catch((e) => e);
      expect(err).toBeInstanceOf(TaskAbortedError);
      expect(err.kind).toBe("crash");
      expect(err.message).toMatch(/out of memory/);
      const ok = await pool.run({ classifier: "GaussianNB", params: {}, repeats: 1, seed: 0 });
      expect(ok.status).toBe("ok");
    } finally {
      await pool.destroy();
    }
  });
});

describe("runGrid", () => {
  it("records throw, crash, timeout and invalid params while the others finish", async () => {
    const out = outDir();
    const configs: GridConfig[] = [
      { classifier: "GaussianNB", params: {} },
      probe("throw"),
      probe("exit"),
      probe("hang"),
      { classifier: "GaussianNB", params: { var_smoothing: -1 } },
      { classifier: "NoSuchClassifier", params: {} },
      { classifier: "GaussianNB", params: { var_smoothing: 1e-3 } },
    ];
    const summary = await runGrid({ configs, data, out, workers: 2, repeats: 1, timeoutSeconds: 2, heap, workerModules });
    const lines = readResults(join(out, "results.jsonl")).lines;
    expect(lines).toHaveLength(7);
    const find = (c: string, p: object) => lines.find((l) => l.classifier === c && JSON.stringify(l.params) === JSON.stringify(p))!;
    expect(find("GaussianNB", {}).status).toBe("ok");
    expect(find("GaussianNB", { var_smoothing: 1e-3 }).status).toBe("ok");
    expect(find("FailureProbe", { mode: "throw" })).toMatchObject({ status: "failed", error: "FailureProbe: fit failed on purpose" });
    expect(find("FailureProbe", { mode: "exit" }).status).toBe("failed");
    expect(find("FailureProbe", { mode: "exit" }).error).toMatch(/worker crashed/);
    expect(find("FailureProbe", { mode: "hang" })).toMatchObject({ status: "timeout" });
    expect(find("FailureProbe", { mode: "hang" }).error).toMatch(/exceeded the time limit of 2 s/);
    expect(find("GaussianNB", { var_smoothing: -1 }).error).toMatch(/GaussianNB: parameter 'var_smoothing' must be/);
    expect(find("NoSuchClassifier", {}).error).toMatch(/unknown classifier 'NoSuchClassifier'/);
    expect(summary.failed).toBe(5);
  });

  it("repeats on reshuffled training sets and stops early when two repeats agree within 1e-3", async () => {
    const out = outDir();
    const summary = await runGrid({
      configs: [probe("ok"), { classifier: "GaussianNB", params: {} }], data, out, workers: 1, repeats: 4, seed: 7, heap, workerModules,
    });
    const nb = summary.lines.find((l) => l.classifier === "GaussianNB")!;
    // GaussianNB does not depend on sample order: the second repeat agrees and the run stops there.
    expect(nb.n_repeats).toBe(2);
    expect((nb.scores as number[])[0]).toBe((nb.scores as number[])[1]);
    const p = summary.lines.find((l) => l.classifier === "FailureProbe")!;
    const scores = p.scores as number[];
    if (Math.abs(scores[0] - scores[1]) < 1e-3) expect(scores).toHaveLength(2);
    else expect(scores).toHaveLength(4);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
    expect(p.mean_test_score).toBeCloseTo(mean, 12);
    expect(p.std_test_score).toBeCloseTo(sd, 12);
    expect(p.accuracy_2std).toBeCloseTo(2 * sd, 12);
    expect((p.fit_times as number[]).length).toBe(scores.length);
    // Same seed, same shuffles: a second run reproduces the scores.
    const again = await runGrid({ configs: [probe("ok")], data, out: outDir(), workers: 1, repeats: 4, seed: 7, heap, workerModules });
    expect(again.lines[0].scores).toEqual(scores);
  });

  it("seeds estimators that take a random_state from --seed, so a run is reproducible", async () => {
    const configs = [{ classifier: "ExtraTreeClassifier", params: { max_depth: 6 } }];
    const a = await runGrid({ configs, data, out: outDir(), workers: 1, repeats: 2, seed: 11, heap, workerModules });
    const b = await runGrid({ configs, data, out: outDir(), workers: 1, repeats: 2, seed: 11, heap, workerModules });
    expect(a.lines[0].status).toBe("ok");
    expect(b.lines[0].scores).toEqual(a.lines[0].scores);
  });

  it("refuses a configuration whose memory estimate exceeds what is available", async () => {
    const out = outDir();
    const summary = await runGrid({
      configs: [{ classifier: "GaussianNB", params: {} }], data, out, workers: 1, repeats: 1, heap, workerModules,
      availableMemory: () => 2 ** 20,
    });
    expect(summary.lines[0].status).toBe("failed");
    expect(summary.lines[0].error).toMatch(/memory guard: this configuration is estimated to need 64 MiB but only 1 MiB is available/);
    expect(summary.lines[0].estimated_memory_bytes).toBe(64 * 2 ** 20);
  });

  it("skips configurations already ok in the results file", async () => {
    const out = outDir();
    const configs = [{ classifier: "GaussianNB", params: {} }, probe("throw")];
    await runGrid({ configs, data, out, workers: 1, repeats: 1, heap, workerModules });
    const second = await runGrid({ configs, data, out, workers: 1, repeats: 1, heap, workerModules });
    expect(second.skipped).toBe(1);
    expect(second.lines.map((l) => l.classifier)).toEqual(["FailureProbe"]);
    const text = readFileSync(join(out, "results.jsonl"), "utf8");
    expect(text.trim().split("\n")).toHaveLength(3);
  });
});
