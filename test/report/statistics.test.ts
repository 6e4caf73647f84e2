import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mcnemarExact, mcnemarTable, wilsonInterval } from "../../src/report/statistics.js";
import { runCli } from "../helpers/cli.js";

// Reference values computed by hand in Python with the standard library only:
// Wilson from its closed form, McNemar's exact p as 2 * sum(comb(n, i), i <= min(b, c)) / 2^n.
describe("Wilson's 95% interval", () => {
  it.each([
    [0.9272, 10000, 0.921942149664, 0.932129762128],
    [0.926, 10000, 0.920704178990, 0.930968654398],
    [0.5, 10, 0.236593090513, 0.763406909487],
    [1.0, 50, 0.928652400867, 1.0],
    [0.0, 20, 0.0, 0.161125158053],
  ])("accuracy %f on %i images: [%f, %f]", (p, n, low, high) => {
    const ci = wilsonInterval(p, n);
    expect(ci.low).toBeCloseTo(low, 10);
    expect(ci.high).toBeCloseTo(high, 10);
  });

  it("refuses what is not a proportion", () => {
    expect(() => wilsonInterval(1.2, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(0.5, 0)).toThrow(RangeError);
  });
});

describe("McNemar's exact test", () => {
  it.each([
    [0, 0, 1], [5, 0, 0.0625], [10, 12, 0.831811904907227], [3, 17, 0.00257682800292969],
    [310, 250, 0.0125904751493803], [120, 160, 0.0196067272902815], [63, 260, 1.432559278298104e-29],
  ])("b=%i c=%i: p=%f", (b, c, p) => {
    expect(mcnemarExact(b, c)).toBeCloseTo(p, 12);
    expect(mcnemarExact(c, b)).toBeCloseTo(p, 12);
    expect(mcnemarExact(b, c) / p).toBeCloseTo(1, 9);
  });

  it("counts who got which image right", () => {
    const truth = Int32Array.from([0, 1, 2, 3, 4, 5]);
    const a = Int32Array.from([0, 1, 2, 9, 9, 5]);
    const b = Int32Array.from([0, 9, 2, 3, 9, 9]);
    expect(mcnemarTable(a, b, truth)).toEqual({ both: 2, onlyFirst: 2, onlySecond: 1, neither: 1, p: 1 });
    expect(() => mcnemarTable(a, b.subarray(1), truth)).toThrow(/5 predictions for 6 images/);
  });
});

describe("statistics in the reports", () => {
  const dir = mkdtempSync(join(tmpdir(), "fmbench-stats-"));
  const grid = join(dir, "grid.json");
  writeFileSync(grid, JSON.stringify({ classifiers: { GaussianNB: [{ var_smoothing: [1e-9, 0.1] }], KNeighborsClassifier: [{ n_neighbors: [5] }] } }));
  const out = join(dir, "run");

  it("keeps the evaluation labels and each configuration's predictions, and reports intervals and McNemar's p against the best", () => {
    // One worker: the lines come in the order the runner starts them, longest expected first (KNN, then the two GaussianNB).
    expect(runCli(["run", "--grid", grid, "--train-size", "2000", "--test-size", "1000", "--repeat", "1", "--workers", "1", "--out", out]).status).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    const cv = doc.cv_results_;
    expect(cv.mean_test_score).toEqual([0.787, 0.59, 0.657]);
    cv.mean_test_score.forEach((s: number, i: number) => {
      const ci = wilsonInterval(s, 1000);
      expect(cv.accuracy_ci95_low[i]).toBeCloseTo(ci.low, 12);
      expect(cv.accuracy_ci95_high[i]).toBeCloseTo(ci.high, 12);
    });
    // The best (KNN) against each other; b and c checked by the --mcnemar table below.
    expect(cv.mcnemar_p_vs_best[0]).toBe(null);
    expect(cv.mcnemar_p_vs_best[1]).toBeCloseTo(1.432559278298104e-29, 40);
    expect(cv.mcnemar_p_vs_best[2]).toBeLessThan(1e-10);
    const md = readFileSync(join(out, "results.md"), "utf8");
    expect(md).toMatch(/\| 0\.7870 \| 0\.7606–0\.8113 \|/);
    expect(readFileSync(join(out, "results.csv"), "utf8").split("\n")[0]).toContain("accuracy_ci95_low,accuracy_ci95_high,mcnemar_p_vs_best");
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain('class="ci"');
  });

  it("report --mcnemar tests any two configurations, and says why when it cannot", () => {
    const r = runCli(["report", join(out, "results.jsonl"), "--mcnemar", "1", "KNeigh"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/McNemar's exact test on the same 1000 evaluation images/);
    expect(r.stdout).toMatch(/A right\s+527\s+63\nA wrong\s+260\s+150/);
    expect(r.stdout).toMatch(/only A right: 63, only B right: 260; two-sided p = 1\.4e-29/);
    const many = runCli(["report", join(out, "results.jsonl"), "--mcnemar", "GaussianNB", "2"]);
    expect(many.status).toBe(1);
    expect(many.stderr).toMatch(/--mcnemar 'GaussianNB' matches 2 configurations \(#1, #2\); give one/);
    const one = runCli(["report", join(out, "results.jsonl"), "--mcnemar", "0"]);
    expect(one.stderr).toMatch(/--mcnemar takes two configurations/);
  });

  it("merge carries the predictions along, so the merged results test the same", () => {
    const shards = join(dir, "shards");
    for (const i of [0, 1]) {
      expect(runCli(["run", "--grid", grid, "--train-size", "2000", "--test-size", "1000", "--repeat", "1", "--shard", `${i}/2`, "--out", shards]).status).toBe(0);
    }
    const merged = join(dir, "merged");
    expect(runCli(["merge", join(shards, "results.shard-0-of-2.jsonl"), join(shards, "results.shard-1-of-2.jsonl"), "--out", merged]).status).toBe(0);
    const r = runCli(["report", join(merged, "results.jsonl"), "--format", "json"]);
    expect(JSON.parse(r.stdout).cv_results_.mcnemar_p_vs_best[0]).toBeCloseTo(1.432559278298104e-29, 40);
  });
});
