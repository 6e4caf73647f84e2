import type { ParamValue } from "../params.js";
import type { ResultLine, ResultStatus } from "../runner/results.js";
import type { ClassificationReport } from "../metrics/classification.js";
import { populationStd } from "../metrics/classification.js";
import { isPredictionsPath } from "../runner/predictions.js";
import { wilsonInterval } from "./statistics.js";

/** A reference score set beside ours (published table or another run). */
export interface ComparisonCell {
  /** The reference's mean test score for the same configuration; null when it has none. */
  readonly reference: number | null;
  /** Ours minus reference; null unless both exist. */
  readonly diff: number | null;
}

/** One configuration: scikit-learn's `cv_results_` columns plus what the reports show. */
export interface MatrixRow {
  /** 0-based position in the result matrix (file order after de-duplication). */
  readonly index: number;
  readonly classifier: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Feature set the configuration ran on ("raw" for lines without the field). */
  readonly features: string;
  /** "test", or "validation" for scores on held-out training images. */
  readonly evaluation: string;
  /** The training-set augmentation ("none" for lines without one). */
  readonly augment: string;
  /** What the reports call the row: the classifier, plus its feature set (and augmentation) when the matrix has several. */
  readonly label: string;
  readonly status: ResultStatus;
  /** Why a failed or timed-out configuration has no score. */
  readonly error: string | null;
  readonly mean_test_score: number | null;
  readonly std_test_score: number | null;
  /** Number of evaluation images the score was measured on (null for lines without it). */
  readonly test_size: number | null;
  /** Wilson's 95% interval of mean_test_score over test_size images (report/statistics.ts). */
  readonly accuracy_ci95_low: number | null;
  readonly accuracy_ci95_high: number | null;
  /**
   * McNemar's exact p-value of this configuration against the best one scored on the same
   * evaluation images; null for the best itself and where predictions were not kept.
   */
  mcnemar_p_vs_best: number | null;
  /** Index of the row this one was tested against (the best on its evaluation images). */
  mcnemar_best_index: number | null;
  /** The run's files of this row's predictions and of the true labels (relative to the results file). */
  readonly predictions_file: string | null;
  readonly evaluation_labels_file: string | null;
  /** scikit-learn's rule: rank by mean score, ties share the lowest rank, unscored rows tie after the last. */
  readonly rank_test_score: number;
  readonly mean_fit_time: number | null;
  readonly mean_score_time: number | null;
  readonly scores: readonly number[] | null;
  readonly classification_report: ClassificationReport | null;
  readonly confusion_matrix: readonly (readonly number[])[] | null;
  readonly class_names: readonly string[] | null;
  readonly finished_at: string | null;
  /** Params of the configuration whose fit this row took (its estimator ignores the parameters they differ in), or null. */
  readonly same_fit_as: Readonly<Record<string, ParamValue>> | null;
  compare?: ComparisonCell;
}

/** Best configuration of one classifier, like a row of Table 3 of the Fashion-MNIST paper. */
export interface FamilySummary {
  readonly classifier: string;
  /** The feature set of this family's rows: a classifier on two feature sets is two families. */
  readonly features: string;
  /** The classifier, plus its feature set when the matrix has several. */
  readonly label: string;
  readonly configurations: number;
  readonly ok: number;
  readonly failed: number;
  readonly timeout: number;
  /** Highest mean_test_score (first in file order on ties); null when none scored. */
  readonly best: MatrixRow | null;
  /** Lowest and highest mean_test_score over scored configurations. */
  readonly min_score: number | null;
  readonly max_score: number | null;
  /** All scored configurations' mean test scores, for the spread chart. */
  readonly all_scores: readonly number[];
  /** Best reference score for this classifier (any configuration), when comparing. */
  reference_best?: number | null;
}

export interface MatrixMeta {
  readonly source: string;
  readonly datasets: string[];
  readonly train_sizes: number[];
  readonly test_sizes: number[];
  /** "test" and/or "validation" (scores on held-out training images); lines without the field count as "test". */
  readonly evaluations: string[];
  /** Training-set augmentations of the lines ("none" for lines without one). */
  readonly augmentations: string[];
  readonly features: string[];
  readonly preprocess: string[];
  readonly seeds: number[];
  readonly counts: Readonly<Record<ResultStatus, number>>;
  /** Lines of the results file that were not valid result JSON (1-based). */
  readonly skipped_lines: number[];
  /** Lines superseded by a later line for the same configuration. */
  readonly duplicates: number;
  readonly first_finished: string | null;
  readonly last_finished: string | null;
}

export interface ResultMatrix {
  readonly rows: MatrixRow[];
  /** Every parameter name seen, sorted (the `param_<name>` columns). */
  readonly paramNames: string[];
  readonly families: FamilySummary[];
  readonly meta: MatrixMeta;
  /** What the comparison column holds, e.g. "published (Xiao et al. 2017, Table 3)". */
  compareLabel?: string;
}

/** A stable text key for a configuration: classifier plus params with sorted keys. */
export function configKey(classifier: string, params: Readonly<Record<string, ParamValue>>): string {
  return `${classifier} ${canonicalParams(params)}`;
}

/** JSON of params with keys sorted, so equal configurations give equal text. */
export function canonicalParams(params: Readonly<Record<string, ParamValue>>): string {
  const sorted: Record<string, ParamValue> = {};
  for (const k of Object.keys(params).sort()) sorted[k] = params[k];
  return JSON.stringify(sorted);
}

function finite(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function numberArray(v: unknown): number[] | null {
  return Array.isArray(v) && v.every((x) => typeof x === "number") ? (v as number[]) : null;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function featuresOf(line: ResultLine): string {
  return typeof line.features === "string" && line.features !== "" ? line.features : "raw";
}

function augmentOf(line: ResultLine): string {
  return typeof line.augment === "string" && line.augment !== "" ? line.augment : "none";
}

function evaluationOf(line: ResultLine): string {
  return typeof line.evaluation === "string" && line.evaluation !== "" ? line.evaluation : "test";
}

/**
 * The identity of a line in a report: configuration, feature set, evaluation set and sizes.
 * One results file can hold a grid over several feature sets (and a test and a validation run).
 */
function lineIdentity(line: ResultLine): string {
  return [configKey(line.classifier, line.params ?? {}), featuresOf(line), evaluationOf(line), augmentOf(line), line.dataset, line.train_size, line.test_size].join("|");
}

/** Reads the score and time columns from a line, whichever generation of the format wrote it. */
function toRow(line: ResultLine, index: number): Omit<MatrixRow, "rank_test_score" | "label"> {
  const ok = line.status === "ok";
  const scores = ok ? numberArray(line.scores) : null;
  const meanScore = ok ? finite(line.mean_test_score) ?? finite(line.accuracy) ?? (scores && scores.length ? mean(scores) : null) : null;
  // A line without per-repeat scores holds one repeat, whose std is 0 (as cv_results_ with one split).
  const std = ok ? finite(line.std_test_score) ?? (scores && scores.length ? populationStd(scores) : meanScore === null ? null : 0) : null;
  const fitTimes = numberArray(line.fit_times);
  const scoreTimes = numberArray(line.score_times);
  const meanFit = finite(line.mean_fit_time) ?? (fitTimes && fitTimes.length ? mean(fitTimes) : finite(line.fit_seconds));
  const meanScoreTime = finite(line.mean_score_time) ?? (scoreTimes && scoreTimes.length ? mean(scoreTimes) : finite(line.predict_seconds));
  const cm = Array.isArray(line.confusion_matrix) && line.confusion_matrix.every((r) => numberArray(r)) ? line.confusion_matrix : null;
  const names = Array.isArray(line.class_names) && line.class_names.every((n) => typeof n === "string") ? line.class_names : null;
  const report = typeof line.classification_report === "object" && line.classification_report !== null ? line.classification_report : null;
  const status: ResultStatus = line.status === "ok" || line.status === "timeout" ? line.status : "failed";
  const testSize = Number.isInteger(line.test_size) && line.test_size > 0 ? line.test_size : null;
  const ci = meanScore !== null && testSize !== null && meanScore >= 0 && meanScore <= 1 ? wilsonInterval(meanScore, testSize) : null;
  return {
    index,
    classifier: line.classifier,
    params: typeof line.params === "object" && line.params !== null ? line.params : {},
    features: featuresOf(line),
    evaluation: evaluationOf(line),
    augment: augmentOf(line),
    status,
    error: status === "ok" ? null : typeof line.error === "string" && line.error !== "" ? line.error : status === "timeout" ? "timed out" : "failed (no reason recorded)",
    mean_test_score: meanScore,
    std_test_score: std,
    test_size: testSize,
    accuracy_ci95_low: ci?.low ?? null,
    accuracy_ci95_high: ci?.high ?? null,
    mcnemar_p_vs_best: null,
    mcnemar_best_index: null,
    predictions_file: isPredictionsPath(line.predictions_file) ? line.predictions_file : null,
    evaluation_labels_file: isPredictionsPath(line.evaluation_labels_file) ? line.evaluation_labels_file : null,
    mean_fit_time: meanFit,
    mean_score_time: meanScoreTime,
    scores: scores ?? (meanScore === null ? null : [meanScore]),
    classification_report: report,
    confusion_matrix: cm,
    class_names: names,
    finished_at: typeof line.finished_at === "string" ? line.finished_at : null,
    same_fit_as: typeof line.same_fit_as === "object" && line.same_fit_as !== null && !Array.isArray(line.same_fit_as) ? line.same_fit_as : null,
  };
}

/**
 * scikit-learn's `rank_test_score`: 1 for the best mean score, tied scores share the
 * lowest rank ("min"), and unscored (failed) configurations tie after the worst.
 */
export function rankScores(scores: readonly (number | null)[]): number[] {
  const scored = scores.filter((s): s is number => s !== null);
  if (scored.length === 0) return scores.map(() => 1);
  const sorted = [...scored].sort((a, b) => b - a);
  const rankOf = (s: number): number => {
    // Binary search for the first position holding s in the descending list.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] > s) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  return scores.map((s) => (s === null ? scored.length + 1 : rankOf(s)));
}

function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/**
 * Builds the result matrix from result lines. A configuration that appears more than
 * once (a resumed run that retried it) keeps its LAST line, at the position of its first.
 */
export function buildMatrix(lines: readonly ResultLine[], source = "", skipped: number[] = []): ResultMatrix {
  const lastByKey = new Map<string, ResultLine>();
  const order: string[] = [];
  for (const line of lines) {
    const key = lineIdentity(line);
    if (!lastByKey.has(key)) order.push(key);
    lastByKey.set(key, line);
  }
  const partial = order.map((key, i) => toRow(lastByKey.get(key)!, i));
  const ranks = rankScores(partial.map((r) => r.mean_test_score));
  const severalFeatureSets = distinct(partial.map((r) => r.features)).length > 1;
  const severalAugments = distinct(partial.map((r) => r.augment)).length > 1;
  const labelOf = (r: (typeof partial)[number]) => {
    const tags = [...(severalFeatureSets ? [r.features] : []), ...(severalAugments ? [r.augment === "none" ? "no augmentation" : r.augment] : [])];
    return tags.length ? `${r.classifier} [${tags.join(", ")}]` : r.classifier;
  };
  const rows: MatrixRow[] = partial.map((r, i) => ({ ...r, label: labelOf(r), rank_test_score: ranks[i] }));
  const paramNames = distinct(rows.flatMap((r) => Object.keys(r.params))).sort();

  const families: FamilySummary[] = [];
  for (const label of distinct(rows.map((r) => r.label))) {
    const mine = rows.filter((r) => r.label === label);
    const { classifier, features } = mine[0];
    const scored = mine.filter((r) => r.mean_test_score !== null);
    let best: MatrixRow | null = null;
    for (const r of scored) if (best === null || r.mean_test_score! > best.mean_test_score!) best = r;
    const all = scored.map((r) => r.mean_test_score!);
    families.push({
      classifier,
      features,
      label,
      configurations: mine.length,
      ok: mine.filter((r) => r.status === "ok").length,
      failed: mine.filter((r) => r.status === "failed").length,
      timeout: mine.filter((r) => r.status === "timeout").length,
      best,
      min_score: all.length ? Math.min(...all) : null,
      max_score: all.length ? Math.max(...all) : null,
      all_scores: all,
    });
  }
  // Table 3 lists classifiers by their best accuracy, best first; unscored ones last.
  families.sort((a, b) => (b.max_score ?? -1) - (a.max_score ?? -1));

  const kept = order.map((k) => lastByKey.get(k)!);
  const times = kept.map((l) => l.finished_at).filter((t): t is string => typeof t === "string").sort();
  const counts: Record<ResultStatus, number> = { ok: 0, failed: 0, timeout: 0 };
  for (const r of rows) counts[r.status]++;
  return {
    rows,
    paramNames,
    families,
    meta: {
      source,
      datasets: distinct(kept.map((l) => l.dataset).filter((d) => typeof d === "string")),
      train_sizes: distinct(kept.map((l) => l.train_size).filter((d) => typeof d === "number")),
      test_sizes: distinct(kept.map((l) => l.test_size).filter((d) => typeof d === "number")),
      evaluations: distinct(kept.map((l) => (typeof l.evaluation === "string" ? l.evaluation : "test"))),
      augmentations: distinct(kept.map(augmentOf)),
      features: distinct(kept.map((l) => l.features).filter((d) => typeof d === "string")),
      preprocess: distinct(kept.map((l) => l.preprocess).filter((d) => typeof d === "string")),
      seeds: distinct(kept.map((l) => l.seed).filter((d) => typeof d === "number")),
      counts,
      skipped_lines: skipped,
      duplicates: lines.length - order.length,
      first_finished: times[0] ?? null,
      last_finished: times[times.length - 1] ?? null,
    },
  };
}

/** The best scored row (rank 1, first in file order); null when nothing scored. */
export function bestRow(matrix: ResultMatrix): MatrixRow | null {
  return matrix.rows.find((r) => r.rank_test_score === 1 && r.mean_test_score !== null) ?? null;
}

/** A parameter value as scikit-learn users write it: tuples as "(100,)", None, True/False, quoted-free strings. */
export function formatParamValue(v: ParamValue | undefined): string {
  if (v === undefined) return "";
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return v;
  if (v.every((x) => typeof x === "number")) return v.length === 1 ? `(${v[0]},)` : `(${v.join(", ")})`;
  return JSON.stringify(v);
}

/** Params as compact "k=v, k=v" text in key order. */
export function formatParams(params: Readonly<Record<string, ParamValue>>): string {
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return "(defaults)";
  return keys.map((k) => `${k}=${formatParamValue(params[k])}`).join(", ");
}

/** Selects one row by 0-based index or by a regular expression over "Classifier {params}". */
export function selectRow(matrix: ResultMatrix, spec: string): MatrixRow[] {
  if (/^\d+$/.test(spec)) {
    const row = matrix.rows[Number(spec)];
    return row ? [row] : [];
  }
  const re = new RegExp(spec);
  return matrix.rows.filter((r) =>
    [r.classifier, r.label].some((name) => re.test(`${name} ${JSON.stringify(r.params)}`) || re.test(`${name} ${formatParams(r.params)}`)));
}
