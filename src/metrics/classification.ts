import { ShapeError } from "../errors.js";

// Classification metrics with scikit-learn's definitions (sklearn.metrics 1.2):
// labels are the integer codes 0..nClasses-1, rows of the confusion matrix are the
// true class, and a ratio whose denominator is zero is 0 plus a warning
// (zero_division="warn").

/** Per-class precision, recall, F1 and support, and which labels were ill-defined. */
export interface PrfSupport {
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  readonly fscore: Float64Array;
  /** Number of true samples of each class. */
  readonly support: Int32Array;
  /** Labels with no predicted samples (precision and F-score set to 0). */
  readonly noPredicted: number[];
  /** Labels with no true samples (recall and F-score set to 0). */
  readonly noTrue: number[];
  /** Human-readable warnings, empty when every ratio was defined. */
  readonly warnings: string[];
}

/** One row of a classification report, with scikit-learn's keys. */
export interface ReportRow {
  readonly precision: number;
  readonly recall: number;
  readonly "f1-score": number;
  readonly support: number;
}

/**
 * scikit-learn's `classification_report(..., output_dict=True)`: one row per class
 * name, then `accuracy` (a number) or, when some label appears in neither y_true nor
 * y_pred, a `micro avg` row, then `macro avg` and `weighted avg`.
 */
export type ClassificationReport = Readonly<Record<string, ReportRow | number>>;

/**
 * The per-configuration metric fields of a result line, from one repeat's predictions.
 * No `accuracy` here on purpose: the line's accuracy is the mean over repeats, which
 * spreading one repeat's metrics must not overwrite.
 */
export interface ResultMetrics {
  readonly classification_report: ClassificationReport;
  /** Rows are true classes, columns predicted classes. */
  readonly confusion_matrix: number[][];
  readonly class_names: string[];
  /** Present only when some ratio was ill-defined (set to 0). */
  readonly metric_warnings?: string[];
}

/** The per-configuration score and time fields of a result line, from all repeats. */
export interface RepeatSummary {
  readonly scores: number[];
  readonly mean_test_score: number;
  /** Population standard deviation (numpy's `std`, ddof=0), as in `cv_results_`. */
  readonly std_test_score: number;
  readonly fit_times: number[];
  readonly score_times: number[];
  readonly mean_fit_time: number;
  readonly mean_score_time: number;
}

function checkLabels(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number, what: string): void {
  if (yTrue.length !== yPred.length) {
    throw new ShapeError(`${what}: y_true has ${yTrue.length} labels but y_pred has ${yPred.length}`);
  }
  if (!Number.isInteger(nClasses) || nClasses < 1) throw new ShapeError(`${what}: nClasses must be a positive integer; got ${nClasses}`);
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!(Number.isInteger(t) && t >= 0 && t < nClasses) || !(Number.isInteger(p) && p >= 0 && p < nClasses)) {
      throw new ShapeError(`${what}: labels must be integer codes in [0, ${nClasses}); sample ${i} has y_true=${t}, y_pred=${p}`);
    }
  }
}

/**
 * Confusion matrix as a row-major Int32Array of nClasses x nClasses: entry
 * [t * nClasses + p] counts samples of true class t predicted as p.
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): Int32Array {
  checkLabels(yTrue, yPred, nClasses, "confusionMatrix");
  const cm = new Int32Array(nClasses * nClasses);
  for (let i = 0; i < yTrue.length; i++) cm[yTrue[i] * nClasses + yPred[i]]++;
  return cm;
}

/** The confusion matrix as nested arrays (rows = true class), for JSON. */
export function confusionRows(cm: Int32Array, nClasses: number): number[][] {
  const rows: number[][] = [];
  for (let t = 0; t < nClasses; t++) rows.push(Array.from(cm.subarray(t * nClasses, (t + 1) * nClasses)));
  return rows;
}

function labelList(labels: number[], names?: readonly string[]): string {
  return labels.map((l) => (names ? names[l] : String(l))).join(", ");
}

function prfFromCounts(tp: Float64Array, predSum: Float64Array, trueSum: Float64Array, names?: readonly string[]): PrfSupport {
  const n = tp.length;
  const precision = new Float64Array(n);
  const recall = new Float64Array(n);
  const fscore = new Float64Array(n);
  const support = new Int32Array(n);
  const noPredicted: number[] = [];
  const noTrue: number[] = [];
  for (let k = 0; k < n; k++) {
    support[k] = trueSum[k];
    if (predSum[k] === 0) noPredicted.push(k);
    else precision[k] = tp[k] / predSum[k];
    if (trueSum[k] === 0) noTrue.push(k);
    else recall[k] = tp[k] / trueSum[k];
    // Same expression as scikit-learn's (beta = 1) so the floats agree bit for bit.
    const denom = precision[k] + recall[k];
    fscore[k] = denom === 0 ? 0 : (2 * precision[k] * recall[k]) / denom;
  }
  const warnings: string[] = [];
  if (noPredicted.length > 0) {
    warnings.push(`precision and F-score set to 0.0 for labels that were never predicted: ${labelList(noPredicted, names)}`);
  }
  if (noTrue.length > 0) {
    warnings.push(`recall and F-score set to 0.0 for labels with no true samples: ${labelList(noTrue, names)}`);
  }
  return { precision, recall, fscore, support, noPredicted, noTrue, warnings };
}

/**
 * scikit-learn's `precision_recall_fscore_support(y_true, y_pred, labels=range(nClasses),
 * average=None)` with `zero_division="warn"`: an undefined ratio is 0 and is listed in
 * `noPredicted`/`noTrue` and `warnings`. `names` (optional) label the warnings.
 */
export function precisionRecallFscoreSupport(
  yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number, names?: readonly string[],
): PrfSupport {
  const cm = confusionMatrix(yTrue, yPred, nClasses);
  return prfFromConfusion(cm, nClasses, names);
}

/** The same metrics computed from a confusion matrix (row-major, rows = true class). */
export function prfFromConfusion(cm: ArrayLike<number>, nClasses: number, names?: readonly string[]): PrfSupport {
  const tp = new Float64Array(nClasses);
  const predSum = new Float64Array(nClasses);
  const trueSum = new Float64Array(nClasses);
  for (let t = 0; t < nClasses; t++) {
    for (let p = 0; p < nClasses; p++) {
      const c = cm[t * nClasses + p];
      trueSum[t] += c;
      predSum[p] += c;
      if (t === p) tp[t] = c;
    }
  }
  return prfFromCounts(tp, predSum, trueSum, names);
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

function weightedMean(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i] * weights[i];
    w += weights[i];
  }
  return w === 0 ? 0 : s / w;
}

/**
 * scikit-learn's `classification_report(..., output_dict=True)` computed from a
 * confusion matrix (rows = true class) and one name per class.
 */
export function classificationReportFromConfusion(cm: ArrayLike<number>, classNames: readonly string[]): ClassificationReport {
  const n = classNames.length;
  if (cm.length !== n * n) throw new ShapeError(`classificationReport: confusion matrix has ${cm.length} entries, expected ${n}x${n}`);
  const prf = prfFromConfusion(cm, n, classNames);
  const report: Record<string, ReportRow | number> = {};
  let total = 0;
  let correct = 0;
  let predicted = 0;
  let anyAbsent = false;
  for (let k = 0; k < n; k++) {
    report[classNames[k]] = { precision: prf.precision[k], recall: prf.recall[k], "f1-score": prf.fscore[k], support: prf.support[k] };
    total += prf.support[k];
    const col = sumColumn(cm, n, k);
    predicted += col;
    correct += cm[k * n + k];
    if (prf.support[k] === 0 && col === 0) anyAbsent = true;
  }
  // scikit-learn calls the micro average "accuracy" only when the labels are exactly
  // those present in y_true or y_pred; a label seen in neither turns it into "micro avg".
  const microP = predicted === 0 ? 0 : correct / predicted;
  const microR = total === 0 ? 0 : correct / total;
  const microF = microP + microR === 0 ? 0 : (2 * microP * microR) / (microP + microR);
  if (anyAbsent) report["micro avg"] = { precision: microP, recall: microR, "f1-score": microF, support: total };
  else report.accuracy = microF;
  report["macro avg"] = { precision: mean(prf.precision), recall: mean(prf.recall), "f1-score": mean(prf.fscore), support: total };
  report["weighted avg"] = {
    precision: weightedMean(prf.precision, prf.support),
    recall: weightedMean(prf.recall, prf.support),
    "f1-score": weightedMean(prf.fscore, prf.support),
    support: total,
  };
  return report;
}

function sumColumn(cm: ArrayLike<number>, n: number, col: number): number {
  let s = 0;
  for (let t = 0; t < n; t++) s += cm[t * n + col];
  return s;
}

/** `classification_report(output_dict=True)` from label codes 0..classNames.length-1. */
export function classificationReport(
  yTrue: ArrayLike<number>, yPred: ArrayLike<number>, classNames: readonly string[],
): ClassificationReport {
  return classificationReportFromConfusion(confusionMatrix(yTrue, yPred, classNames.length), classNames);
}

/**
 * Formats `value` with `digits` decimals the way Python's `format(value, ".Nf")` does:
 * an exact binary tie (0.125 to 2 digits) rounds half to even, where JavaScript's
 * toFixed rounds it up.
 */
export function pyFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return value > 0 ? "inf" : value < 0 ? "-inf" : "nan";
  const fixed = value.toFixed(digits);
  // A tie has an exact decimal expansion of digits+1 places ending in 5. Any other
  // double differs from a tie within far fewer than 30 further places.
  const long = Math.abs(value).toFixed(Math.min(100, digits + 30));
  const point = long.indexOf(".");
  const tail = long.slice(point + 1 + digits);
  if (!/^50*$/.test(tail)) return fixed;
  const truncated = long.slice(0, point + 1 + digits).replace(/\.$/, "");
  const lastDigit = Number(truncated[truncated.length - 1]);
  const sign = value < 0 ? "-" : "";
  if (lastDigit % 2 === 0) return `${sign}${truncated}`;
  return fixed; // odd last digit: half-even rounds away from zero, as toFixed does
}

/**
 * The text of scikit-learn's `classification_report` (default `digits=2`), same
 * column widths and rows, from the dict form.
 */
export function classificationReportText(report: ClassificationReport, digits = 2): string {
  const headers = ["precision", "recall", "f1-score", "support"];
  const summaryKeys = new Set(["accuracy", "micro avg", "macro avg", "weighted avg"]);
  const classNames = Object.keys(report).filter((k) => !summaryKeys.has(k));
  const width = Math.max(...classNames.map((c) => c.length), "weighted avg".length, digits);
  const col = (s: string): string => ` ${s.padStart(9)}`;
  let text = `${"".padStart(width)} ${headers.map(col).join("")}\n\n`;
  const row = (name: string, r: ReportRow): string =>
    `${name.padStart(width)} ${col(pyFixed(r.precision, digits))}${col(pyFixed(r.recall, digits))}` +
    `${col(pyFixed(r["f1-score"], digits))}${col(String(r.support))}\n`;
  for (const name of classNames) text += row(name, report[name] as ReportRow);
  text += "\n";
  const macro = report["macro avg"] as ReportRow;
  if (typeof report.accuracy === "number") {
    text += `${"accuracy".padStart(width)} ${col("")}${col("")}${col(pyFixed(report.accuracy, digits))}${col(String(macro.support))}\n`;
  } else if (report["micro avg"]) {
    text += row("micro avg", report["micro avg"] as ReportRow);
  }
  text += row("macro avg", macro);
  text += row("weighted avg", report["weighted avg"] as ReportRow);
  return text;
}

/**
 * Everything a worker adds to a result line from the last repeat's predictions: the
 * classification report (dict), the confusion matrix (rows = true class) and the class
 * names. `yTrue`/`yPred` are class codes 0..classNames.length-1. Spread it, with
 * `repeatSummary(...)`, into the line: `{ ...common, accuracy: s.mean_test_score, ...s, ...m }`.
 */
export function resultMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, classNames: readonly string[]): ResultMetrics {
  const n = classNames.length;
  const cm = confusionMatrix(yTrue, yPred, n);
  const prf = prfFromConfusion(cm, n, classNames);
  return {
    classification_report: classificationReportFromConfusion(cm, classNames),
    confusion_matrix: confusionRows(cm, n),
    class_names: [...classNames],
    ...(prf.warnings.length > 0 ? { metric_warnings: prf.warnings } : {}),
  };
}

/** Population standard deviation (ddof = 0), as numpy's `std`. */
export function populationStd(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] - m) ** 2;
  return Math.sqrt(s / values.length);
}

/**
 * The `cv_results_`-style score and time fields from every repeat: per-repeat test
 * scores, fit times and score (predict) times in seconds.
 */
export function repeatSummary(scores: readonly number[], fitTimes: readonly number[], scoreTimes: readonly number[]): RepeatSummary {
  if (scores.length === 0) throw new ShapeError("repeatSummary: no repeats");
  if (fitTimes.length !== scores.length || scoreTimes.length !== scores.length) {
    throw new ShapeError(`repeatSummary: ${scores.length} scores but ${fitTimes.length} fit times and ${scoreTimes.length} score times`);
  }
  return {
    scores: [...scores],
    mean_test_score: mean(scores),
    std_test_score: populationStd(scores),
    fit_times: [...fitTimes],
    score_times: [...scoreTimes],
    mean_fit_time: mean(fitTimes),
    mean_score_time: mean(scoreTimes),
  };
}
