import { classificationReportText } from "../metrics/classification.js";
import { formatParams, type MatrixRow, type ResultMatrix } from "./matrix.js";
import type { McNemarTable } from "./statistics.js";
import { describeRun } from "./markdown.js";
import { fmtDiff, fmtInterval, fmtP, fmtScore, fmtSeconds, statusText } from "./tabular.js";

function aligned(header: string[], rows: string[][], right: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** The result matrix and the per-classifier summary as plain aligned text. */
export function matrixText(matrix: ResultMatrix): string {
  const cmp = matrix.compareLabel !== undefined;
  const fam = aligned(
    ["classifier", "best params", "mean_test_score", "95% interval", "std", "fit time", "ok/total", ...(cmp ? ["reference"] : [])],
    matrix.families.map((f) => [
      f.label, f.best ? formatParams(f.best.params) : "–", fmtScore(f.best?.mean_test_score),
      fmtInterval(f.best?.accuracy_ci95_low, f.best?.accuracy_ci95_high), fmtScore(f.best?.std_test_score),
      fmtSeconds(f.best?.mean_fit_time), `${f.ok}/${f.configurations}`, ...(cmp ? [fmtScore(f.best?.compare?.reference)] : []),
    ]),
    [false, false, true, true, true, true, true, true],
  );
  const rows = aligned(
    ["#", "classifier", "params", "mean_test_score", "95% interval", "std", "rank", "p vs best", "fit time", "score time", "status", ...(cmp ? ["reference", "diff"] : [])],
    matrix.rows.map((r) => [
      String(r.index), r.label, formatParams(r.params), fmtScore(r.mean_test_score), fmtInterval(r.accuracy_ci95_low, r.accuracy_ci95_high),
      fmtScore(r.std_test_score), String(r.rank_test_score), fmtP(r.mcnemar_p_vs_best), fmtSeconds(r.mean_fit_time), fmtSeconds(r.mean_score_time), statusText(r),
      ...(cmp ? [fmtScore(r.compare?.reference), fmtDiff(r.compare?.diff)] : []),
    ]),
    [true, false, false, true, true, true, true, true, true, true, false, true, true],
  );
  const ref = cmp ? `reference: ${matrix.compareLabel}\n` : "";
  return `${describeRun(matrix)}\n${ref}\nBest configuration per classifier\n\n${fam}\n\nResult matrix\n\n${rows}\n`;
}

export const NO_REPORT = "no classification report in the results file (written by a runner that did not record per-class metrics)";

/**
 * scikit-learn's classification_report text for one configuration (of its last
 * repeat), headed by the configuration.
 */
export function configReportText(row: MatrixRow, matrix?: ResultMatrix): string {
  const head = `#${row.index} ${row.label} ${formatParams(row.params)}`;
  if (row.status !== "ok") return `${head}\n${statusText(row)}\n`;
  if (!row.classification_report) return `${head}\n${NO_REPORT}\n`;
  const interval = row.accuracy_ci95_low !== null ? `, 95% interval ${fmtInterval(row.accuracy_ci95_low, row.accuracy_ci95_high)} over ${row.test_size} images` : "";
  const score = `mean_test_score ${fmtScore(row.mean_test_score)} ± ${fmtScore(row.std_test_score)} over ${row.scores?.length ?? 1} repeat(s)${interval}; report of the last repeat`;
  const cmp = row.compare && matrix?.compareLabel ? `\nreference ${fmtScore(row.compare.reference)}, diff ${fmtDiff(row.compare.diff)} (${matrix.compareLabel})` : "";
  return `${head}\n${score}${cmp}\n\n${classificationReportText(row.classification_report)}`;
}

/** McNemar's test of two configurations as a short text: who got which images right, and p. */
export function mcnemarText(first: MatrixRow, second: MatrixRow, t: McNemarTable, images: number): string {
  const name = (r: MatrixRow) => `#${r.index} ${r.label} ${formatParams(r.params)}: accuracy ${fmtScore(r.mean_test_score)}, 95% interval ${fmtInterval(r.accuracy_ci95_low, r.accuracy_ci95_high)}`;
  const table = aligned(
    ["", "B right", "B wrong"],
    [["A right", String(t.both), String(t.onlyFirst)], ["A wrong", String(t.onlySecond), String(t.neither)]],
    [false, true, true],
  );
  const verdict = t.p < 0.05
    ? "they differ on more images than chance explains (p < 0.05)"
    : "the difference is within what chance explains (p >= 0.05)";
  return `McNemar's exact test on the same ${images} evaluation images\nA: ${name(first)}\nB: ${name(second)}\n\n${table}\n\n` +
    `only A right: ${t.onlyFirst}, only B right: ${t.onlySecond}; two-sided p = ${fmtP(t.p)}: ${verdict}\n`;
}

/**
 * What `fmbench run` prints when it ends: the best configuration per classifier, best
 * first, with its interval and fit time, then how many configurations failed and why
 * (the first few reasons).
 */
export function runSummaryText(matrix: ResultMatrix, shownReasons = 3): string {
  const scored = matrix.families.filter((f) => f.best !== null);
  const out: string[] = [];
  if (scored.length > 0) {
    out.push("Best configuration per classifier:");
    out.push(aligned(
      ["", "classifier", "accuracy", "95% interval", "fit time", "params"],
      scored.map((f, i) => [
        `${i + 1}.`, f.label, fmtScore(f.best!.mean_test_score), fmtInterval(f.best!.accuracy_ci95_low, f.best!.accuracy_ci95_high),
        fmtSeconds(f.best!.mean_fit_time), formatParams(f.best!.params),
      ]),
      [true, false, true, true, true, false],
    ).split("\n").map((l) => `  ${l}`).join("\n"));
  }
  const bad = matrix.rows.filter((r) => r.status !== "ok");
  if (bad.length > 0) {
    out.push(`${bad.length} of ${matrix.rows.length} configurations failed or timed out:`);
    for (const r of bad.slice(0, shownReasons)) {
      const why = statusText(r);
      out.push(`  #${r.index} ${r.label} ${formatParams(r.params)}: ${why.length > 160 ? `${why.slice(0, 157)}...` : why}`);
    }
    if (bad.length > shownReasons) out.push(`  ... and ${bad.length - shownReasons} more (fmbench report <results.jsonl> --format text)`);
  }
  return out.length ? `${out.join("\n")}\n` : "";
}
