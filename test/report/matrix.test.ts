import { describe, expect, it } from "vitest";
import type { ResultLine } from "../../src/runner/results.js";
import { applyComparison, publishedReference } from "../../src/report/compare.js";
import { matrixCsv } from "../../src/report/csv.js";
import { matrixMarkdown } from "../../src/report/markdown.js";
import { buildMatrix, formatParams, rankScores, selectRow } from "../../src/report/matrix.js";

function line(classifier: string, params: ResultLine["params"], extra: Partial<ResultLine>): ResultLine {
  return {
    classifier, params, status: "ok", accuracy: null, fit_seconds: null, predict_seconds: null, dataset: "fashion",
    train_size: 100, test_size: 50, features: "raw", preprocess: "standard", seed: 0, finished_at: "2026-01-01T00:00:00Z",
    ...extra,
  } as ResultLine;
}

describe("rankScores", () => {
  it("follows scikit-learn: min rank on ties, unscored tie after the worst", () => {
    expect(rankScores([0.9, 0.8, 0.9, null, 0.7])).toEqual([1, 3, 1, 5, 4]);
    expect(rankScores([null, null])).toEqual([1, 1]);
    expect(rankScores([])).toEqual([]);
  });
});

describe("buildMatrix", () => {
  const lines = [
    line("GaussianNB", { var_smoothing: 1e-9 }, { accuracy: 0.6, fit_seconds: 0.1, predict_seconds: 0.05 }),
    line("GaussianNB", { var_smoothing: 1e-3 }, {
      accuracy: 0.7, scores: [0.68, 0.72], mean_test_score: 0.7, std_test_score: 0.02, fit_times: [1, 3], score_times: [0.5, 0.5],
      mean_fit_time: 2, mean_score_time: 0.5,
    }),
    line("SVC", { C: 1, kernel: "rbf" }, { status: "timeout" }),
    line("MLPClassifier", { hidden_layer_sizes: [100] }, { status: "failed", error: "boom" }),
    // A retry of the first configuration (same params, other key order is not possible here): last line wins.
    line("GaussianNB", { var_smoothing: 1e-9 }, { accuracy: 0.65, fit_seconds: 0.2, predict_seconds: 0.05 }),
  ];
  const m = buildMatrix(lines, "x.jsonl", [7]);

  it("keeps one row per configuration, the last line winning at the first position", () => {
    expect(m.rows.map((r) => r.classifier)).toEqual(["GaussianNB", "GaussianNB", "SVC", "MLPClassifier"]);
    expect(m.rows[0].mean_test_score).toBe(0.65);
    expect(m.meta.duplicates).toBe(1);
    expect(m.meta.skipped_lines).toEqual([7]);
  });

  it("reads old lines (accuracy, fit_seconds) and new ones (scores, mean_fit_time)", () => {
    expect(m.rows[0]).toMatchObject({ std_test_score: 0, mean_fit_time: 0.2, mean_score_time: 0.05, scores: [0.65] });
    expect(m.rows[1]).toMatchObject({ mean_test_score: 0.7, std_test_score: 0.02, mean_fit_time: 2, scores: [0.68, 0.72] });
  });

  it("gives failed and timed-out rows a reason and the last rank", () => {
    expect(m.rows[2]).toMatchObject({ status: "timeout", error: "timed out", mean_test_score: null, rank_test_score: 3 });
    expect(m.rows[3]).toMatchObject({ status: "failed", error: "boom", rank_test_score: 3 });
    expect(m.meta.counts).toEqual({ ok: 2, failed: 1, timeout: 1 });
  });

  it("summarises each classifier by its best configuration, best classifier first", () => {
    expect(m.paramNames).toEqual(["C", "hidden_layer_sizes", "kernel", "var_smoothing"]);
    expect(m.families[0]).toMatchObject({ classifier: "GaussianNB", configurations: 2, ok: 2, min_score: 0.65, max_score: 0.7 });
    expect(m.families[0].best?.index).toBe(1);
    expect(m.families.find((f) => f.classifier === "SVC")).toMatchObject({ best: null, timeout: 1 });
  });

  it("selects rows by index or regex and formats params the scikit-learn way", () => {
    expect(selectRow(m, "2")[0].classifier).toBe("SVC");
    expect(selectRow(m, "var_smoothing.*0.001").map((r) => r.index)).toEqual([1]);
    expect(selectRow(m, "99")).toEqual([]);
    expect(formatParams({ hidden_layer_sizes: [100], max_depth: null, b: true })).toBe("b=True, hidden_layer_sizes=(100,), max_depth=None");
    expect(formatParams({})).toBe("(defaults)");
  });
});

describe("a matrix over several feature sets", () => {
  const hog = "hog(9,4x4,2x2,L2-Hys)";
  const lines = [
    line("SVC", { C: 10, kernel: "rbf" }, { accuracy: 0.88 }),
    line("SVC", { C: 10, kernel: "rbf" }, { accuracy: 0.92, features: hog }),
    line("GaussianNB", {}, { accuracy: 0.57 }),
    line("GaussianNB", {}, { accuracy: 0.70, features: hog }),
  ];
  const m = buildMatrix(lines, "x.jsonl");
  applyComparison(m, publishedReference("fashion"));

  it("keeps one row per configuration and feature set, labelled with the set", () => {
    expect(m.rows.map((r) => r.label)).toEqual(["SVC [raw]", `SVC [${hog}]`, "GaussianNB [raw]", `GaussianNB [${hog}]`]);
    expect(m.meta.duplicates).toBe(0);
    expect(m.families.map((f) => [f.label, f.max_score])).toEqual([
      [`SVC [${hog}]`, 0.92], ["SVC [raw]", 0.88], [`GaussianNB [${hog}]`, 0.7], ["GaussianNB [raw]", 0.57],
    ]);
  });

  it("compares only raw-pixel rows with the published table, which has no HOG figures", () => {
    expect(m.rows[0].compare?.reference).toBe(0.897);
    expect(m.rows[1].compare).toEqual({ reference: null, diff: null });
    expect(m.families.find((f) => f.features === hog)?.reference_best).toBeNull();
  });

  it("names the feature set in every format", () => {
    expect(matrixMarkdown(m)).toContain(`| 1 | SVC [${hog}] | C=10, kernel=rbf | 0.9200 |`);
    const csv = matrixCsv(m).split("\n");
    expect(csv[0].split(",")).toContain("features");
    expect(csv[2]).toContain(hog);
  });

  it("keeps test and validation scores of one configuration apart", () => {
    const mixed = buildMatrix([line("SVC", { C: 1 }, { accuracy: 0.8 }), line("SVC", { C: 1 }, { accuracy: 0.9, evaluation: "validation" })]);
    expect(mixed.rows.map((r) => r.evaluation)).toEqual(["test", "validation"]);
    expect(mixed.meta.evaluations).toEqual(["test", "validation"]);
    expect(matrixCsv(mixed).split("\n")[0].split(",").slice(-1)).toEqual(["evaluation"]);
  });
});

