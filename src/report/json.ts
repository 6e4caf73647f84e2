import { formatParams, type FamilySummary, type ResultMatrix } from "./matrix.js";
import { cvCell, cvColumns } from "./tabular.js";

function familyJson(f: FamilySummary): Record<string, unknown> {
  return {
    classifier: f.classifier,
    features: f.features,
    configurations: f.configurations,
    ok: f.ok,
    failed: f.failed,
    timeout: f.timeout,
    best_index: f.best?.index ?? null,
    best_params: f.best?.params ?? null,
    best_params_text: f.best ? formatParams(f.best.params) : null,
    best_mean_test_score: f.best?.mean_test_score ?? null,
    best_std_test_score: f.best?.std_test_score ?? null,
    best_mean_fit_time: f.best?.mean_fit_time ?? null,
    min_test_score: f.min_score,
    max_test_score: f.max_score,
    ...(f.reference_best !== undefined ? { reference_best_test_score: f.reference_best } : {}),
    ...(f.best?.compare ? { best_reference_test_score: f.best.compare.reference } : {}),
  };
}

/**
 * The whole report as one JSON document: `cv_results_` (column arrays with
 * scikit-learn's names, so it loads straight into pandas), `rows` (one object per
 * configuration, with its classification report and confusion matrix when the run
 * recorded them), `families` (best configuration per classifier) and `meta`.
 */
export function matrixJson(matrix: ResultMatrix): string {
  const cols = cvColumns(matrix);
  const cv: Record<string, unknown[]> = {};
  for (const c of cols) cv[c] = matrix.rows.map((r) => cvCell(r, c));
  const doc = {
    _generated_by: "fmbench report (do not edit; rebuild with `fmbench report <results.jsonl> --format json`)",
    meta: matrix.meta,
    ...(matrix.compareLabel !== undefined ? { compare: matrix.compareLabel } : {}),
    families: matrix.families.map(familyJson),
    cv_results_: cv,
    rows: matrix.rows,
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}
