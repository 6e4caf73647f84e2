import { existsSync, statSync, writeFileSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { FmbenchError } from "../errors.js";
import { readPredictions } from "../runner/predictions.js";
import { readResultsFile } from "../runner/results.js";
import { compareTwo, testAgainstBest } from "./significance.js";
import { applyComparison, loadReference } from "./compare.js";
import { matrixCsv } from "./csv.js";
import { matrixHtml } from "./html.js";
import { matrixJson } from "./json.js";
import { matrixMarkdown } from "./markdown.js";
import { buildMatrix, formatParams, selectRow, type MatrixRow, type ResultMatrix } from "./matrix.js";
import type { ReportRow } from "../metrics/classification.js";
import { NO_REPORT, configReportText, matrixText, mcnemarText } from "./text.js";
import { makeDirectory } from "../files.js";

export const REPORT_FORMATS = ["md", "csv", "json", "html", "text"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** File names `writeReports` uses inside the output directory. */
export const REPORT_FILES: Readonly<Record<Exclude<ReportFormat, "text">, string>> = {
  md: "results.md",
  csv: "results.csv",
  json: "results.json",
  html: "report.html",
};

export interface ReportOptions {
  /** `published` (the paper's Table 3) or a path to another results file; default no comparison. */
  readonly compare?: string;
  /** One configuration: a 0-based row index or a regular expression over "Classifier {params}". */
  readonly config?: string;
  /** HTML page title. */
  readonly title?: string;
}

/** Reads a results file (torn lines skipped) into a result matrix, with the comparison applied. */
export function loadMatrix(resultsFile: string, options: ReportOptions = {}): ResultMatrix {
  const { lines, skipped } = readResultsFile(resultsFile, "report");
  const matrix = buildMatrix(lines, resultsFile, skipped);
  testAgainstBest(matrix.rows, (relative) => readKeptLabels(dirname(resultsFile), relative));
  if (options.compare) applyComparison(matrix, loadReference(options.compare, matrix.meta.datasets[0]));
  return matrix;
}

/** `fmbench report --mcnemar A B`: McNemar's exact test between two configurations, as text. */
export function mcnemarReport(resultsFile: string, specs: readonly string[]): string {
  if (specs.length !== 2) throw new FmbenchError(`--mcnemar takes two configurations (row index or regex); got ${specs.length}`);
  const matrix = loadMatrix(resultsFile);
  const [first, second] = specs.map((spec) => {
    const rows = selected(matrix, spec);
    if (rows.length > 1) throw new FmbenchError(`--mcnemar '${spec}' matches ${rows.length} configurations (#${rows.map((r) => r.index).join(", #")}); give one`);
    return rows[0];
  });
  const result = compareTwo(first, second, (relative) => readKeptLabels(dirname(resultsFile), relative));
  if ("why" in result) throw new FmbenchError(`--mcnemar: ${result.why}`);
  return mcnemarText(first, second, result.table, result.images);
}

/** A predictions or labels file of a run, or null when it is missing or unreadable (older runs kept none). */
function readKeptLabels(dir: string, relative: string): Int32Array | null {
  try {
    return readPredictions(dir, relative);
  } catch {
    return null;
  }
}

function selected(matrix: ResultMatrix, spec: string): MatrixRow[] {
  let rows: MatrixRow[];
  try {
    rows = selectRow(matrix, spec);
  } catch (err) {
    throw new FmbenchError(`--config: invalid regular expression '${spec}' (${(err as Error).message})`);
  }
  if (rows.length === 0) {
    throw new FmbenchError(`--config '${spec}' matches no configuration (there are ${matrix.rows.length}, indexed 0..${matrix.rows.length - 1})`);
  }
  return rows;
}

function configReportCsv(rows: readonly MatrixRow[]): string {
  const lines = ["index,classifier,params,class,precision,recall,f1-score,support"];
  for (const r of rows) {
    if (!r.classification_report) continue;
    const params = `"${formatParams(r.params).replace(/"/g, '""')}"`;
    for (const [name, v] of Object.entries(r.classification_report)) {
      const q = `"${name.replace(/"/g, '""')}"`;
      if (typeof v === "number") lines.push(`${r.index},${r.classifier},${params},${q},,,${v},`);
      else lines.push(`${r.index},${r.classifier},${params},${q},${v.precision},${v.recall},${v["f1-score"]},${v.support}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function configReportMarkdown(rows: readonly MatrixRow[], matrix: ResultMatrix): string {
  return rows.map((r) => {
    const text = configReportText(r, matrix);
    const [head, ...rest] = text.split("\n");
    const cm = r.confusion_matrix && r.class_names
      ? `\nConfusion matrix (rows: true class):\n\n| | ${r.class_names.join(" | ")} |\n|---|${r.class_names.map(() => "---:").join("|")}|\n` +
        r.confusion_matrix.map((row, i) => `| ${r.class_names![i]} | ${row.join(" | ")} |`).join("\n") + "\n"
      : "";
    return `## ${head}\n\n\`\`\`\n${rest.join("\n").trim()}\n\`\`\`\n${cm}`;
  }).join("\n");
}

function configReportJson(rows: readonly MatrixRow[]): string {
  const doc = rows.map((r) => ({
    index: r.index, classifier: r.classifier, features: r.features, params: r.params, status: r.status, error: r.error,
    mean_test_score: r.mean_test_score, std_test_score: r.std_test_score,
    classification_report: r.classification_report as Record<string, ReportRow | number> | null,
    confusion_matrix: r.confusion_matrix, class_names: r.class_names,
    ...(r.compare ? { reference_test_score: r.compare.reference, diff_test_score: r.compare.diff } : {}),
  }));
  return `${JSON.stringify(rows.length === 1 ? doc[0] : doc, null, 1)}\n`;
}

/**
 * Renders one format. With `config`, `text` is scikit-learn's classification_report
 * for the selected configuration(s), `md`/`json`/`csv` hold that report and the
 * confusion matrix, and `html` opens on that configuration; without it every format
 * is the whole result matrix.
 */
export function renderReport(matrix: ResultMatrix, format: ReportFormat, options: ReportOptions = {}): string {
  const rows = options.config !== undefined ? selected(matrix, options.config) : null;
  if (rows && format !== "html" && rows.every((r) => r.status === "ok" && !r.classification_report)) {
    const which = rows.length === 1 ? `configuration #${rows[0].index} (${rows[0].classifier})` : `none of the ${rows.length} selected configurations`;
    throw new FmbenchError(`${which}: ${NO_REPORT}`);
  }
  switch (format) {
    case "md": return rows ? configReportMarkdown(rows, matrix) : matrixMarkdown(matrix);
    case "csv": return rows ? configReportCsv(rows) : matrixCsv(matrix);
    case "json": return rows ? configReportJson(rows) : matrixJson(matrix);
    case "html": return matrixHtml(matrix, { selected: rows?.[0].index, title: options.title });
    case "text": return rows ? rows.map((r) => configReportText(r, matrix)).join("\n") : matrixText(matrix);
  }
}

/**
 * Writes results.md, results.csv, results.json and report.html into `outDir` from a
 * results file (complete or partial). Returns the paths written. `fmbench run` calls
 * this when it finishes.
 */
export function writeReports(resultsFile: string, outDir: string, options: Omit<ReportOptions, "config"> = {}): string[] {
  return writeMatrixReports(loadMatrix(resultsFile, options), outDir, options);
}

/** writeReports for a matrix already built (a caller that also prints it builds it once). */
export function writeMatrixReports(matrix: ResultMatrix, outDir: string, options: Omit<ReportOptions, "config"> = {}): string[] {
  makeDirectory(outDir, "report directory");
  const written: string[] = [];
  for (const [format, name] of Object.entries(REPORT_FILES) as [Exclude<ReportFormat, "text">, string][]) {
    const path = join(outDir, name);
    writeFileSync(path, renderReport(matrix, format, options));
    written.push(path);
  }
  return written;
}

function isDirectoryTarget(out: string): boolean {
  if (existsSync(out)) return statSync(out).isDirectory();
  return out.endsWith("/") || extname(out) === "";
}

/**
 * What `fmbench report` does: without `format`, all four files into `out` (a
 * directory); with `format` and no `out`, the text of that format (for stdout); with
 * both, one file: `out` itself, or the format's usual name inside `out` when it is a
 * directory. Returns the text to print (empty when everything went to files) and the
 * files written.
 */
export function runReport(
  resultsFile: string, opts: ReportOptions & { format?: ReportFormat; out?: string; mcnemar?: readonly string[] },
): { stdout: string; files: string[] } {
  if (opts.mcnemar) return { stdout: mcnemarReport(resultsFile, opts.mcnemar), files: [] };
  if (!opts.format) {
    if (!opts.out) {
      throw new FmbenchError("fmbench report: give --format (to print one format) or --out <dir> (to write all four)");
    }
    if (opts.config !== undefined) throw new FmbenchError("--config needs --format (text, md, json, csv or html)");
    if (!isDirectoryTarget(opts.out)) throw new FmbenchError(`--out '${opts.out}' must be a directory when no --format is given`);
    return { stdout: "", files: writeReports(resultsFile, opts.out, opts) };
  }
  const matrix = loadMatrix(resultsFile, opts);
  const text = renderReport(matrix, opts.format, opts);
  if (!opts.out) return { stdout: text, files: [] };
  const name = opts.format === "text" ? (opts.config !== undefined ? "classification_report.txt" : "results.txt") : REPORT_FILES[opts.format];
  const path = isDirectoryTarget(opts.out) ? join(opts.out, name) : opts.out;
  // A report never takes the place of results: not its own input, nor any results file.
  if (resolve(path) === resolve(resultsFile) || path.endsWith(".jsonl")) {
    throw new FmbenchError(`report: --out ${opts.out} would write the ${opts.format} report over a results file; choose a file named for its format, such as ${name}`);
  }
  makeDirectory(dirname(path), "report directory");
  writeFileSync(path, text);
  return { stdout: "", files: [path] };
}

export { buildMatrix, type ResultMatrix, type MatrixRow, type FamilySummary } from "./matrix.js";
export { applyComparison, loadReference, publishedReference, sameConfiguration, type Reference } from "./compare.js";
