import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PreparedData } from "../../src/data/prepared.js";
import type { GridConfig } from "../../src/grid/grid.js";
import { loadMatrix, renderReport } from "../../src/report/index.js";
import { estimateRun } from "../../src/runner/estimate.js";
import { readResults, type ResultLine } from "../../src/runner/results.js";
import { runGrid } from "../../src/runner/run.js";
import { planSameFits, sameFitKey } from "../../src/runner/same_fit.js";
import type { SharedHeap } from "../../src/wasm/heap.js";
import { smallRunData } from "../helpers/run_data.js";

const svc = (params: Record<string, string | number>): GridConfig => ({ classifier: "LinearSVC", params }) as GridConfig;
const cs = (loss: string, penalty: string, C = 1) => svc({ loss, penalty, C, multi_class: "crammer_singer" });

describe("sameFitKey", () => {
  it("drops the parameters the estimator ignores for these params, and only those", () => {
    const a = cs("hinge", "l1");
    expect(sameFitKey(a.classifier, a.params)).toBe(sameFitKey("LinearSVC", { C: 1, multi_class: "crammer_singer", loss: "squared_hinge", penalty: "l2", dual: false }));
    expect(sameFitKey(a.classifier, a.params)).not.toBe(sameFitKey("LinearSVC", cs("hinge", "l1", 10).params));
    // one-vs-rest reads loss and penalty
    expect(sameFitKey("LinearSVC", { loss: "hinge", penalty: "l2" })).not.toBe(sameFitKey("LinearSVC", { loss: "squared_hinge", penalty: "l2" }));
    expect(sameFitKey("NoSuchClassifier", { a: 1 })).toBe(sameFitKey("NoSuchClassifier", { a: 1 }));
  });
});

describe("planSameFits", () => {
  const item = (config: GridConfig) => ({ config });
  it("fits the first of each group, and lets one with a bad ignored value fail on its own", () => {
    const items = [cs("hinge", "l1"), cs("hinge", "l2"), cs("hinge", "l1", 10), cs("nonsense", "l2"), svc({ loss: "hinge", penalty: "l2" })].map(item);
    const plan = planSameFits(items, []);
    expect(plan.toFit.map((i) => i.config)).toEqual([items[0].config, items[2].config, items[3].config, items[4].config]);
    expect([...plan.waiting.values()].map((g) => g.map((i) => i.config))).toEqual([[items[1].config]]);
    expect(plan.fromEarlier).toEqual([]);
  });

  it("takes the fit from an ok line already in the results, never from a failed one", () => {
    const ok = { classifier: "LinearSVC", params: cs("hinge", "l1").params, status: "ok" } as unknown as ResultLine;
    const failed = { classifier: "LinearSVC", params: cs("hinge", "l1", 10).params, status: "failed" } as unknown as ResultLine;
    const items = [cs("squared_hinge", "l2"), cs("squared_hinge", "l2", 10)].map(item);
    const plan = planSameFits(items, [ok, failed]);
    expect(plan.fromEarlier).toEqual([{ item: items[0], source: ok }]);
    expect(plan.toFit).toEqual([items[1]]);
  });
});

describe("estimateRun with configurations that share a fit", () => {
  it("plans the fit once", () => {
    const e = estimateRun([cs("hinge", "l1"), cs("hinge", "l2"), cs("squared_hinge", "l1")], { trainRows: 1000, testRows: 100, workers: 1, repeats: 1 });
    expect(e.configs.map((c) => c.source).sort()).toEqual(["prior", "same fit", "same fit"]);
    expect(e.cpuSeconds).toBe(e.configs.find((c) => c.source === "prior")!.seconds);
  });
});

describe("runGrid with configurations that share a fit", () => {
  let heap: SharedHeap;
  let data: PreparedData;
  beforeAll(async () => {
    ({ heap, data } = await smallRunData(600, 200));
  });
  afterAll(() => heap.memory.buffer.byteLength); // keeps the heap alive to the end
  const outDir = () => mkdtempSync(join(tmpdir(), "fmbench-same-fit-"));

  it("fits once, copies the scores to the others with same_fit_as, and resumes from the file", async () => {
    const out = outDir();
    const first = cs("hinge", "l1");
    const configs = [first, cs("squared_hinge", "l2"), svc({ loss: "hinge", penalty: "l2" })];
    const later = cs("squared_hinge", "l1");
    const gridConfigs = [...configs, later];
    const run = await runGrid({ configs, gridConfigs, data, out, workers: 2, repeats: 2, heap });
    expect(run.total).toBe(3);
    expect(run.completed).toBe(3);
    const byLoss = (lines: ResultLine[], params: GridConfig["params"]) => lines.find((l) => JSON.stringify(l.params) === JSON.stringify(params))!;
    const fitted = byLoss(run.lines, first.params);
    const shared = byLoss(run.lines, configs[1].params);
    const ovr = byLoss(run.lines, configs[2].params);
    expect(fitted.status).toBe("ok");
    expect(fitted.same_fit_as).toBeUndefined();
    expect(shared).toMatchObject({ status: "ok", same_fit_as: first.params, wall_seconds: 0, scores: fitted.scores, fit_times: fitted.fit_times });
    expect(shared.confusion_matrix).toEqual(fitted.confusion_matrix);
    expect(ovr.same_fit_as).toBeUndefined();
    // Fitting the shared configuration on its own gives the copied scores.
    const alone = await runGrid({ configs: [configs[1]], data, out: outDir(), workers: 1, repeats: 2, heap });
    expect(alone.lines[0].scores).toEqual(fitted.scores);
    expect(alone.lines[0].same_fit_as).toBeUndefined();
    // A later part of the grid takes the fit from the results file.
    const resumed = await runGrid({ configs: gridConfigs, gridConfigs, data, out, workers: 1, repeats: 2, heap });
    expect(resumed.skipped).toBe(3);
    expect(resumed.lines).toHaveLength(1);
    expect(resumed.lines[0]).toMatchObject({ params: later.params, same_fit_as: first.params, scores: fitted.scores });
    expect(readResults(join(out, "results.jsonl")).lines).toHaveLength(4);
    const md = renderReport(loadMatrix(join(out, "results.jsonl")), "md");
    expect(md.match(/ok \(the fit of C=1, loss=hinge, multi_class=crammer_singer, penalty=l1, whose other params it ignores\)/g)).toHaveLength(2);
  }, 120_000);

  it("runs the others on their own when the shared fit does not end ok", async () => {
    const configs = [cs("hinge", "l1"), cs("hinge", "l2"), cs("squared_hinge", "l2")];
    const run = await runGrid({ configs, data, out: outDir(), workers: 2, repeats: 1, heap, availableMemory: () => 0 });
    expect(run.lines).toHaveLength(3);
    for (const line of run.lines) {
      expect(line.status).toBe("failed");
      expect(line.error).toMatch(/^memory guard/);
      expect(line.same_fit_as).toBeUndefined();
    }
  }, 60_000);
});
