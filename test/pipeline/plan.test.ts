import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RAW } from "../../src/features/spec.js";
import { planBenchmark, type PlanOptions } from "../../src/pipeline/plan.js";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "fmbench-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function okLine(classifier: string, params: Record<string, unknown>, seconds: number, train: number, test: number): string {
  return JSON.stringify({
    classifier, params, status: "ok", accuracy: 0.8, fit_seconds: seconds, predict_seconds: 0, dataset: "fashion", train_size: train,
    test_size: test, features: "raw", preprocess: "standard", seed: 0, finished_at: "2026-12-02T00:00:00Z",
  });
}

const base: PlanOptions = {
  gridName: "test", featureSets: [RAW], dataset: "fashion", preprocess: "standard", trainSize: 6000, testSize: 1000,
  out: join(dir, "out"), shard: null, workers: 2, repeats: 1, resume: true, calibrate: [],
  configs: [{ classifier: "GaussianNB", params: { var_smoothing: 1e-9 } }, { classifier: "SVC", params: { C: 1, kernel: "rbf" } }],
};

describe("planBenchmark", () => {
  it("scales calibration runs of the same data and features, and writes nothing", async () => {
    const calibration = join(dir, "small.jsonl");
    writeFileSync(calibration, [okLine("SVC", { kernel: "rbf", C: 1 }, 2, 3000, 1000), okLine("GaussianNB", { var_smoothing: 1e-9 }, 0.1, 3000, 1000),
      JSON.stringify({ ...JSON.parse(okLine("SVC", { kernel: "rbf", C: 1 }, 99, 3000, 1000)), features: "hog(9,4x4,2x2,L2-Hys)" })].join("\n"));
    const text = await planBenchmark({ ...base, calibrate: [calibration] });
    expect(text).toContain("2 configuration(s) to run, 6000 train / 1000 test images");
    expect(text).toMatch(/7\.6s\s+scaled 3000\s+SVC \{"C":1,"kernel":"rbf"\}/); // 2 s x (2^2 x 0.9 + 2 x 1 x 0.1), not the HOG line's 99 s
    expect(text).toMatch(/0\.2s\s+scaled 3000\s+GaussianNB/);
    expect(text).toContain("from: 0 measured in this run's results, 2 scaled from calibration runs, 0 cost priors");
    expect(existsSync(base.out)).toBe(false);
  });

  it("counts configurations already ok in the run's results as done", async () => {
    const out = join(dir, "resume");
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
    writeFileSync(join(out, "results.jsonl"), `${okLine("GaussianNB", { var_smoothing: 1e-9 }, 0.1, 6000, 1000)}\n`);
    const text = await planBenchmark({ ...base, out });
    expect(text).toContain(`1 configuration(s) to run (1 already done in ${out})`);
    expect(text).toContain("0 measured in this run's results, 0 scaled from calibration runs, 1 cost priors");
  });
});

describe("fmbench run --plan", () => {
  it("prints the plan and runs nothing; --calibrate needs --plan", () => {
    const out = join(dir, "cli");
    const r = runCli(["run", "--grid", "quick", "--train-size", "2000", "--test-size", "500", "--only", "GaussianNB", "--plan", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("plan: grid 'quick', features raw: 1 configuration(s) to run, 2000 train / 500 test images, 2 repeat(s)");
    expect(r.stdout).toMatch(/total: .* of one core; wall .* on \d worker\(s\)/);
    expect(existsSync(out)).toBe(false);
    // The bundled times of the whole grid (data/plan-calibration.jsonl) calibrate it by default.
    const full = runCli(["run", "--grid", "full", "--plan", "--out", out]);
    expect(full.status, full.stderr).toBe(0);
    expect(full.stdout).toMatch(/from: 0 measured in this run's results, 126 scaled from calibration runs, 0 cost priors/);
    expect(full.stdout).toContain("6 rejected params, 2 over the memory guard and 9 with the same fit as another take no time");
    expect(full.stdout).toMatch(/refused\s+GaussianProcessClassifier/);
    const bad = runCli(["run", "--grid", "quick", "--calibrate", join(dir, "small.jsonl"), "--out", out]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--calibrate goes with --plan");
  });
});
