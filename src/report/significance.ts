import type { MatrixRow } from "./matrix.js";
import { mcnemarTable, type McNemarTable } from "./statistics.js";

/**
 * Fills `mcnemar_p_vs_best` of every scored row whose predictions were kept: McNemar's
 * exact test against the best configuration on the same evaluation images (the same
 * labels file). `read` returns a predictions or labels file, or null when it is gone.
 */
export function testAgainstBest(rows: readonly MatrixRow[], read: (relative: string) => Int32Array | null): void {
  const groups = new Map<string, MatrixRow[]>();
  for (const row of rows) {
    if (row.status !== "ok" || row.mean_test_score === null || !row.predictions_file || !row.evaluation_labels_file) continue;
    const group = groups.get(row.evaluation_labels_file) ?? [];
    group.push(row);
    groups.set(row.evaluation_labels_file, group);
  }
  for (const [labelsFile, group] of groups) {
    const truth = read(labelsFile);
    if (!truth) continue;
    const predictions = new Map(group.map((row) => [row, read(row.predictions_file!)]));
    const usable = group.filter((row) => predictions.get(row)?.length === truth.length);
    if (usable.length < 2) continue;
    const best = usable.reduce((a, b) => (b.mean_test_score! > a.mean_test_score! ? b : a));
    for (const row of usable) {
      if (row === best) continue;
      row.mcnemar_p_vs_best = mcnemarTable(predictions.get(best)!, predictions.get(row)!, truth).p;
      row.mcnemar_best_index = best.index;
    }
  }
}

/** McNemar's table of two configurations scored on the same images, or why there is none. */
export function compareTwo(
  first: MatrixRow, second: MatrixRow, read: (relative: string) => Int32Array | null,
): { table: McNemarTable; images: number } | { why: string } {
  for (const row of [first, second]) {
    if (row.status !== "ok") return { why: `#${row.index} ${row.label} has no predictions: it is ${row.status}` };
    if (!row.predictions_file || !row.evaluation_labels_file) return { why: `#${row.index} ${row.label} has no kept predictions (a run before fmbench kept them)` };
  }
  if (first.evaluation_labels_file !== second.evaluation_labels_file) {
    return { why: `#${first.index} and #${second.index} were scored on different evaluation images; McNemar's test needs the same ones` };
  }
  const truth = read(first.evaluation_labels_file!);
  const a = read(first.predictions_file!);
  const b = read(second.predictions_file!);
  if (!truth || !a || !b) return { why: "a predictions or labels file named in the results is missing beside it" };
  if (a.length !== truth.length || b.length !== truth.length) return { why: "the predictions and the labels differ in length" };
  return { table: mcnemarTable(a, b, truth), images: truth.length };
}
