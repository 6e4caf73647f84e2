import type { ParamValue } from "../params.js";
import { formatParamValue, formatParams, type MatrixRow, type ResultMatrix } from "./matrix.js";

// The result matrix as scikit-learn's cv_results_ columns, shared by the CSV, JSON,
// Markdown and text writers.

/** Number of per-repeat score columns (`split<i>_test_score`) the matrix needs. */
export function repeatCount(matrix: ResultMatrix): number {
  return Math.max(0, ...matrix.rows.map((r) => r.scores?.length ?? 0));
}

export type Cell = string | number | boolean | null | readonly ParamValue[] | Readonly<Record<string, ParamValue>>;

/**
 * Column names in cv_results_ order: classifier, params, param_<name>..., split<i>_test_score...,
 * mean/std/rank of the test score, mean fit and score time, then status and error,
 * then the comparison columns when present.
 */
export function cvColumns(matrix: ResultMatrix): string[] {
  const cols = ["classifier", "params", ...matrix.paramNames.map((p) => `param_${p}`)];
  for (let i = 0; i < repeatCount(matrix); i++) cols.push(`split${i}_test_score`);
  cols.push("mean_test_score", "std_test_score", "rank_test_score", "accuracy_ci95_low", "accuracy_ci95_high", "mcnemar_p_vs_best");
  cols.push("mean_fit_time", "mean_score_time", "status", "error", "features");
  if (matrix.meta.evaluations.some((e) => e !== "test")) cols.push("evaluation");
  if (matrix.meta.augmentations.some((a) => a !== "none")) cols.push("augment");
  if (matrix.compareLabel !== undefined) cols.push("reference_test_score", "diff_test_score");
  return cols;
}

/** One row's value for a cv_results_ column (null where scikit-learn would mask it). */
export function cvCell(row: MatrixRow, column: string): Cell {
  if (column.startsWith("param_")) {
    const name = column.slice("param_".length);
    return name in row.params ? row.params[name] : null;
  }
  const split = /^split(\d+)_test_score$/.exec(column);
  if (split) return row.scores?.[Number(split[1])] ?? null;
  switch (column) {
    case "classifier": return row.classifier;
    case "params": return row.params;
    case "mean_test_score": return row.mean_test_score;
    case "std_test_score": return row.std_test_score;
    case "rank_test_score": return row.rank_test_score;
    case "accuracy_ci95_low": return row.accuracy_ci95_low;
    case "accuracy_ci95_high": return row.accuracy_ci95_high;
    case "mcnemar_p_vs_best": return row.mcnemar_p_vs_best;
    case "mean_fit_time": return row.mean_fit_time;
    case "mean_score_time": return row.mean_score_time;
    case "status": return row.status;
    case "error": return row.error;
    case "features": return row.features;
    case "evaluation": return row.evaluation;
    case "augment": return row.augment;
    case "reference_test_score": return row.compare?.reference ?? null;
    case "diff_test_score": return row.compare?.diff ?? null;
    default: return null;
  }
}

/** Fixed-point text for a score, or an en dash when there is none. */
export function fmtScore(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined ? "–" : v.toFixed(digits);
}

/** A 95% interval as "0.9219–0.9321", or an en dash. */
export function fmtInterval(low: number | null | undefined, high: number | null | undefined, digits = 4): string {
  return low === null || low === undefined || high === null || high === undefined ? "–" : `${low.toFixed(digits)}–${high.toFixed(digits)}`;
}

/** A p-value with two significant digits ("0.013", "3.2e-7"), or an en dash. */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined) return "–";
  return p >= 0.001 ? String(Number(p.toPrecision(2))) : p.toExponential(1);
}

/** Signed difference such as "+0.0123" / "−0.0040". */
export function fmtDiff(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return "–";
  const s = Math.abs(v).toFixed(digits);
  if (Number(s) === 0) return `±${s}`;
  return v > 0 ? `+${s}` : `−${s}`;
}

/** Seconds with three significant digits, e.g. "0.0123 s", "12.3 s", "1234 s". */
export function fmtSeconds(v: number | null | undefined): string {
  if (v === null || v === undefined) return "–";
  if (v === 0) return "0 s";
  return v >= 100 ? `${Math.round(v)} s` : `${Number(v.toPrecision(3))} s`;
}

/** What the status column says: "ok" (and whose fit it took, if another's), or the status with its reason. */
export function statusText(row: MatrixRow): string {
  if (row.status !== "ok") return `${row.status}: ${row.error ?? ""}`;
  return row.same_fit_as ? `ok (the fit of ${formatParams(row.same_fit_as)}, whose other params it ignores)` : "ok";
}

export { formatParamValue, formatParams };
