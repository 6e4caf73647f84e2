import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configKey, latestLines, repairTornTail } from "../../src/runner/resume.js";

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

  it("keeps the last line per configuration", () => {
    const base = { dataset: "fashion", features: "raw", preprocess: "standard", train_size: 1, test_size: 1, seed: 0, finished_at: "" };
    const a = { ...base, classifier: "A", params: {}, status: "failed" as const, accuracy: null, fit_seconds: null, predict_seconds: null };
    const b = { ...a, status: "ok" as const, accuracy: 0.5 };
    expect(latestLines([a, b])).toEqual([b]);
  });
});
