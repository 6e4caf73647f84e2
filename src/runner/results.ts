import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ParamValue } from "../params.js";
import type { ClassificationReport } from "../metrics/classification.js";
import { FmbenchError } from "../errors.js";
import { makeDirectory } from "../files.js";

export type ResultStatus = "ok" | "failed" | "timeout";

/** One line of results.jsonl: a finished (or failed) configuration. */
export interface ResultLine {
  readonly classifier: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly status: ResultStatus;
  /** Test accuracy (mean over repeats when there are several); null unless ok. */
  readonly accuracy: number | null;
  readonly fit_seconds: number | null;
  readonly predict_seconds: number | null;
  readonly error?: string;
  /** Warnings scikit-learn would emit during fit (ConvergenceWarning), from the estimator's `warnings_`. */
  readonly warnings?: readonly string[];
  /** The scikit-learn solver whose problem was solved, where the estimator chose one (`solver_used_`). */
  readonly solver_used?: string;
  readonly dataset: string;
  readonly train_size: number;
  readonly test_size: number;
  /** "test" (the official test set) or "validation" (held-out training images); older lines lack it. */
  readonly evaluation?: string;
  /** The training-set augmentation ("hflip": mirrored copies after the originals); absent for none. */
  readonly augment?: string;
  readonly features: string;
  readonly preprocess: string;
  readonly seed: number;
  /** ISO time the configuration finished. */
  readonly finished_at: string;
  // Optional fields, filled by the parallel runner (see src/metrics/classification.ts:
  // repeatSummary and resultMetrics). Older files and failed/timeout lines lack them,
  // and the reports cope.
  /** Test accuracy of each repeat. */
  readonly scores?: number[];
  /** Mean of `scores` (equals `accuracy`). */
  readonly mean_test_score?: number;
  /** Population standard deviation of `scores` (numpy's `std`, ddof=0). */
  readonly std_test_score?: number;
  /** Fit time of each repeat, seconds. */
  readonly fit_times?: number[];
  /** Iterations (epochs) of the solver in the last repeat's fit, where the estimator counts them (`n_iter_`). */
  readonly n_iter?: number;
  /** Predict+score time of each repeat, seconds. */
  readonly score_times?: number[];
  readonly mean_fit_time?: number;
  readonly mean_score_time?: number;
  /** scikit-learn's classification_report(output_dict=True) of the LAST repeat, keyed by class name. */
  readonly classification_report?: ClassificationReport;
  /** Confusion matrix of the last repeat; rows are true classes, columns predicted. */
  readonly confusion_matrix?: number[][];
  /** Class names in label-code order (the report's target names). */
  readonly class_names?: string[];
  /** Ill-defined precision/recall (set to 0, scikit-learn's zero_division="warn"). */
  readonly metric_warnings?: string[];
  /** Test-set predictions of the last repeat, relative to the results file's folder (runner/predictions.ts). */
  readonly predictions_file?: string;
  /** The true labels of the evaluation images, beside the predictions (same folder rules as `predictions_file`). */
  readonly evaluation_labels_file?: string;
  /** Pieces of its fits and predicts that this configuration offered to idle workers, and how many they took. */
  /**
   * Params of the configuration whose fit this line took (runner/same_fit.ts): they differ
   * only in parameters the estimator ignores. Scores and times are that fit's; wall_seconds is 0.
   */
  readonly same_fit_as?: Readonly<Record<string, ParamValue>>;
  readonly pieces?: number;
  readonly pieces_by_idle_workers?: number;
  readonly [extra: string]: unknown;
}

/**
 * Appends one JSON line and flushes it to disk before returning, so a crash after
 * this call never loses the result. A line is written with a single write() so a
 * reader never sees two results interleaved.
 */
export function appendResult(file: string, line: ResultLine): void {
  makeDirectory(dirname(file));
  const fd = openSync(file, "a");
  try {
    writeSync(fd, `${JSON.stringify(line)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `<out>/results.jsonl`, or `<out>/results.shard-i-of-n.jsonl` for shard i of n. */
export function resultsPath(out: string, shard: { readonly index: number; readonly count: number } | null): string {
  return join(out, shard ? `results.shard-${shard.index}-of-${shard.count}.jsonl` : "results.jsonl");
}

/** Creates the results file, empty, if it is not there yet. */
export function ensureResultsFile(file: string): void {
  makeDirectory(dirname(file));
  closeSync(openSync(file, "a"));
}

export interface ReadResults {
  readonly lines: ResultLine[];
  /** Lines that were not valid JSON (a torn last line after a crash), by 1-based line number. */
  readonly skipped: number[];
}

/**
 * Reads a results file a user named (to merge or report), refusing a path that is not a
 * file, or a file in which no line is a result line, with an error naming it.
 */
export function readResultsFile(file: string, command: string): ReadResults {
  if (!existsSync(file)) throw new FmbenchError(`${command}: ${file} does not exist`);
  const read = readResults(file);
  if (read.lines.length === 0 && read.skipped.length > 0) {
    throw new FmbenchError(`${command}: ${file} is not an fmbench results file (no line of it is a result line)`);
  }
  return read;
}

/** Reads results.jsonl, ignoring a torn or corrupt line instead of failing. */
export function readResults(file: string): ReadResults {
  if (!existsSync(file)) return { lines: [], skipped: [] };
  if (!statSync(file).isFile()) throw new FmbenchError(`${file} is not a file, where a results file was expected`);
  const text = readFileSync(file, "utf8");
  const lines: ResultLine[] = [];
  const skipped: number[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    try {
      const parsed = JSON.parse(raw) as ResultLine;
      if (typeof parsed === "object" && parsed !== null && typeof parsed.classifier === "string") lines.push(parsed);
      else skipped.push(i + 1);
    } catch {
      skipped.push(i + 1);
    }
  });
  return { lines, skipped };
}
