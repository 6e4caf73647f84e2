import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FmbenchError } from "../../src/errors.js";
import { heatmapSvg } from "../../src/report/charts.js";
import { parseCsv } from "../../src/report/compare.js";
import { loadMatrix, renderReport, runReport, writeReports } from "../../src/report/index.js";
import { classificationReportText, type ClassificationReport } from "../../src/metrics/classification.js";

const FIXTURE = new URL("../fixtures/partial-results.jsonl", import.meta.url).pathname;
const matrix = loadMatrix(FIXTURE, { compare: "published" });

describe("fmbench report on a partial results file", () => {
  it("reads every configuration, skips the torn last line", () => {
    expect(matrix.rows).toHaveLength(17);
    expect(matrix.meta.counts).toEqual({ ok: 12, failed: 3, timeout: 2 });
    expect(matrix.meta.skipped_lines).toEqual([18]);
  });

  it("writes all four formats and failed rows carry their reason in each", () => {
    const out = mkdtempSync(join(tmpdir(), "fmbench-report-"));
    const files = writeReports(FIXTURE, out, { compare: "published" });
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(["results.md", "results.csv", "results.json", "report.html"]);
    for (const f of files) expect(existsSync(f)).toBe(true);
    const reason = "MLPClassifier is not implemented in fmbench yet";
    for (const f of files) expect(readFileSync(f, "utf8")).toContain(reason);
    expect(readFileSync(join(out, "results.md"), "utf8")).toContain("timeout: timed out after 600 s");
  });

  it("CSV has scikit-learn's cv_results_ columns and one line per configuration", () => {
    const [header, ...rows] = parseCsv(renderReport(matrix, "csv"));
    expect(header.slice(0, 3)).toEqual(["classifier", "params", "param_C"]);
    for (const col of ["split0_test_score", "split2_test_score", "mean_test_score", "std_test_score", "rank_test_score",
      "mean_fit_time", "mean_score_time", "status", "error", "reference_test_score", "diff_test_score", "param_var_smoothing"]) {
      expect(header).toContain(col);
    }
    expect(rows).toHaveLength(17);
    const get = (r: string[], c: string): string => r[header.indexOf(c)];
    const mlp = rows.find((r) => get(r, "classifier") === "MLPClassifier")!;
    expect(get(mlp, "param_hidden_layer_sizes")).toBe("[100]");
    expect(get(mlp, "mean_test_score")).toBe("");
    expect(get(mlp, "rank_test_score")).toBe("13");
    expect(get(mlp, "reference_test_score")).toBe("0.871");
  });

  it("JSON holds cv_results_ columns, rows with metrics and the per-classifier summary", () => {
    const doc = JSON.parse(renderReport(matrix, "json"));
    expect(doc._generated_by).toMatch(/do not edit/);
    expect(doc.cv_results_.mean_test_score).toHaveLength(17);
    expect(doc.families[0]).toMatchObject({ classifier: "GaussianNB", best_index: 4, reference_best_test_score: 0.511 });
    expect(doc.rows[9].confusion_matrix).toHaveLength(10);
  });

  it("text with --config is scikit-learn's classification_report with Fashion-MNIST names", () => {
    const text = renderReport(matrix, "text", { config: "0.03" });
    const row = matrix.rows[9];
    expect(text).toContain(classificationReportText(row.classification_report as ClassificationReport));
    expect(text).toMatch(/^#9 GaussianNB var_smoothing=0\.03\n/);
    expect(text).toContain("  Ankle boot       0.92      0.77      0.84       188\n");
    expect(renderReport(matrix, "text", { config: "13" })).toContain("failed: UnknownClassifierError");
  });

  it("explains when the selected configuration has no report, and when nothing matches", () => {
    expect(() => renderReport(matrix, "text", { config: "^0$" })).toThrow(FmbenchError);
    expect(() => renderReport(matrix, "text", { config: "0" })).toThrow(/configuration #0 .*no classification report/);
    expect(() => renderReport(matrix, "text", { config: "Nope" })).toThrow(/matches no configuration/);
    expect(() => renderReport(matrix, "text", { config: "(" })).toThrow(/invalid regular expression/);
  });

  it("writes one format to a file or a directory, and prints without --out", () => {
    const out = mkdtempSync(join(tmpdir(), "fmbench-report-"));
    expect(runReport(FIXTURE, { format: "md" }).stdout).toContain("## Result matrix");
    expect(runReport(FIXTURE, { format: "csv", out }).files).toEqual([join(out, "results.csv")]);
    expect(runReport(FIXTURE, { format: "text", out: join(out, "r.txt") }).files).toEqual([join(out, "r.txt")]);
    expect(() => runReport(FIXTURE, {})).toThrow(/--format .* or --out/);
    expect(() => runReport(join(out, "missing.jsonl"), { format: "md" })).toThrow(/report: .*missing\.jsonl does not exist/);
  });

  it("HTML opens on the best configuration with a confusion matrix, or on --config", () => {
    expect(renderReport(matrix, "html")).toContain('"selected":9,');
    expect(renderReport(matrix, "html", { config: "0\\.2\\b" })).toContain('"selected":11,');
  });

  it("HTML is self-contained: inline SVG charts, no external resources", () => {
    const html = renderReport(matrix, "html");
    expect(html).toContain('<svg class="chart" id="family-chart"');
    expect(html).toContain('<svg class="chart" id="scatter-chart"');
    expect(html).toContain('<svg class="chart heatmap"');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    // The embedded heat-map function runs outside its module (the browser gets its source).
    const fn = new Function(`return (${heatmapSvg.toString()});`)() as typeof heatmapSvg;
    expect(fn([[1, 0], [2, 3]], ["a", "b"])).toBe(heatmapSvg([[1, 0], [2, 3]], ["a", "b"]));
  });
});
