import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { smallRunData } from "../helpers/run_data.js";
import type { GridConfig } from "../../src/grid/grid.js";
import { readResults } from "../../src/runner/results.js";
import { runGrid } from "../../src/runner/run.js";
import { configKey, finishedKeys, latestLines, lineKey, repairTornTail } from "../../src/runner/resume.js";

const dir = mkdtempSync(join(tmpdir(), "fmbench-resume-"));

// Interrupted runs (SIGKILL, Ctrl-C) are walked in test/reliability/outputs.test.ts.

describe("results file helpers", () => {
  it("cuts a torn last line", () => {
    const f = join(dir, "torn.jsonl");
    writeFileSync(f, '{"classifier":"A"}\n{"classifier":"B"}\n{"classi');
    expect(repairTornTail(f)).toBe(8);
    expect(readFileSync(f, "utf8")).toBe('{"classifier":"A"}\n{"classifier":"B"}\n');
    expect(repairTornTail(f)).toBe(0);
  });

  it("keys configurations independently of parameter order", () => {
    const id = { dataset: "fashion", features: "raw", preprocess: "standard", train_size: 1, test_size: 1 };
    expect(configKey("SVC", { C: 1, kernel: "rbf" }, id)).toBe(configKey("SVC", { kernel: "rbf", C: 1 }, id));
    expect(configKey("SVC", { C: 1 }, id)).not.toBe(configKey("SVC", { C: 1 }, { ...id, train_size: 2 }));
  });

  it("counts ok lines and ParamError failures as finished; other failures, timeouts and memory refusals run again", () => {
    const base = { dataset: "fashion", features: "raw", preprocess: "standard", train_size: 1, test_size: 1, seed: 0, finished_at: "",
      accuracy: null, fit_seconds: null, predict_seconds: null };
    const line = (classifier: string, status: "ok" | "failed" | "timeout", error?: string) =>
      ({ ...base, classifier, params: {}, status, ...(error ? { error } : {}) });
    const lines = [
      line("Ok", "ok"),
      line("Rejected", "failed", "ParamError: Unsupported set of arguments: penalty='l1' and loss='hinge'"),
      line("Crashed", "failed", "RangeError: out of bounds"),
      line("Guarded", "failed", "memory guard: this configuration is estimated to need 6.4 GiB"),
      line("Slow", "timeout", "ParamError: a timeout line is never finished"),
    ];
    expect([...finishedKeys(lines)].sort()).toEqual([lineKey(lines[0]), lineKey(lines[1])].sort());
  });

  it("keeps the last line per configuration", () => {
    const base = { dataset: "fashion", features: "raw", preprocess: "standard", train_size: 1, test_size: 1, seed: 0, finished_at: "" };
    const a = { ...base, classifier: "A", params: {}, status: "failed" as const, accuracy: null, fit_seconds: null, predict_seconds: null };
    const b = { ...a, status: "ok" as const, accuracy: 0.5 };
    expect(latestLines([a, b])).toEqual([b]);
  });
});

describe("runGrid resuming a results file", () => {
  it("skips a configuration that failed with a ParamError instead of appending the same failure again", async () => {
    const { heap, data } = await smallRunData(300, 100);
    const out = mkdtempSync(join(tmpdir(), "fmbench-resume-run-"));
    const configs = [
      { classifier: "LinearSVC", params: { loss: "hinge", penalty: "l1", C: 1 } },
      { classifier: "GaussianNB", params: {} },
    ] as GridConfig[];
    const first = await runGrid({ configs, data, out, workers: 1, repeats: 1, heap });
    expect(first.lines.map((l) => l.status).sort()).toEqual(["failed", "ok"]);
    expect(first.lines.find((l) => l.status === "failed")!.error).toMatch(/^ParamError: /);
    const again = await runGrid({ configs, data, out, workers: 1, repeats: 1, heap });
    expect(again.skipped).toBe(2);
    expect(again.lines).toHaveLength(0);
    expect(readResults(join(out, "results.jsonl")).lines).toHaveLength(2);
  }, 60_000);
});
