import { performance } from "node:perf_hooks";
import { errorText } from "../errors.js";
import { createEstimator, estimatorEntry } from "../grid/registry.js";
import type { ParamValue } from "../params.js";
import { accuracy } from "../models/estimator.js";
import { resultMetrics } from "../metrics/classification.js";
import type { ResultMetrics } from "../metrics/classification.js";
import { takePieceStats, type PieceStats } from "../parallel/pieces.js";
import type { TaskOutcome, TaskPayload } from "./messages.js";
import type { TaskData } from "./shared_data.js";

/** Repeats stop after the second when its score is within this of the first, as upstream's runner does. */
export const EARLY_STOP_DELTA = 1e-3;

/**
 * Seconds of one core that a timed call used: its wall time, less the time its thread
 * waited for pieces other workers ran, plus the time those pieces took there.
 */
function cpuSeconds(wallMs: number, pieces: PieceStats): number {
  return Math.max(0, wallMs / 1000 - pieces.waitSeconds) + pieces.helperSeconds;
}

/**
 * Fits and scores one configuration on each repeat's training set, in this thread.
 * An estimator that throws yields a `failed` outcome (with the scores of the
 * repeats that finished); it never throws itself.
 */
export function executeTask(task: TaskPayload, data: TaskData): TaskOutcome {
  const scores: number[] = [];
  const fitTimes: number[] = [];
  const scoreTimes: number[] = [];
  let predictions: Int32Array | undefined;
  // Metrics (classification report, confusion matrix) are those of the last repeat.
  let extras: Record<string, unknown> | undefined;
  const fitWallTimes: number[] = [];
  let pieces = 0;
  let piecesByHelpers = 0;
  const repeats = Math.min(task.repeats, data.train.length);
  try {
    for (let r = 0; r < repeats; r++) {
      const estimator = createEstimator(task.classifier, seededParams(task, r));
      const { X, y } = data.train[r];
      takePieceStats();
      const t0 = performance.now();
      estimator.fit(X, y);
      const t1 = performance.now();
      const fitPieces = takePieceStats();
      predictions = estimator.predict(data.test.X);
      const t2 = performance.now();
      const predictPieces = takePieceStats();
      const score = accuracy(data.test.y, predictions);
      scores.push(score);
      // fit_times and score_times stay one core's worth, comparable with unsplit configurations.
      fitTimes.push(cpuSeconds(t1 - t0, fitPieces));
      scoreTimes.push(cpuSeconds(t2 - t1, predictPieces));
      fitWallTimes.push((t1 - t0) / 1000);
      pieces += fitPieces.pieces + predictPieces.pieces;
      piecesByHelpers += fitPieces.piecesByHelpers + predictPieces.piecesByHelpers;
      extras = recordedExtras(estimator as unknown as Record<string, unknown>);
      if (pieces > 0) {
        extras = { ...extras, pieces, pieces_by_idle_workers: piecesByHelpers, fit_wall_times: [...fitWallTimes] };
      }
      if (scores.length === 2 && Math.abs(scores[0] - score) < EARLY_STOP_DELTA) break;
    }
  } catch (err) {
    return { status: "failed", error: errorText(err), scores, fit_times: fitTimes, score_times: scoreTimes };
  }
  const metrics = testMetrics(data.test.y, predictions!, data.layout.classNames);
  return { status: "ok", scores, fit_times: fitTimes, score_times: scoreTimes, metrics, extras, predictions };
}

/** The classification report and confusion matrix of one repeat's test predictions. */
export function testMetrics(yTest: Int32Array, predictions: Int32Array, classNames: readonly string[]): ResultMetrics {
  return resultMetrics(yTest, predictions, classNames.length > 0 ? classNames : labelNames(yTest, predictions));
}

/** Class names for a dataset that has none: its label codes as text. */
function labelNames(yTrue: Int32Array, yPred: Int32Array): string[] {
  let max = 0;
  for (let i = 0; i < yTrue.length; i++) max = Math.max(max, yTrue[i], yPred[i]);
  return Array.from({ length: max + 1 }, (_, i) => String(i));
}

/**
 * The configuration's params, with `random_state` drawn from the run's seed and the
 * repeat index when the estimator takes one and the grid leaves it unset, so that a
 * run is reproducible from --seed (scikit-learn's None would be a fresh seed each fit).
 */
export function seededParams(task: TaskPayload, repeat: number): Readonly<Record<string, ParamValue>> {
  if ("random_state" in task.params) return task.params;
  let specs;
  try {
    specs = estimatorEntry(task.classifier).paramSpecs;
  } catch {
    return task.params; // unknown classifier: createEstimator reports it
  }
  if (!("random_state" in specs)) return task.params;
  return { ...task.params, random_state: (task.seed * 1009 + repeat) % 2147483647 };
}

/** Fitted attributes worth keeping in the result line, when an estimator has them. */
function recordedExtras(estimator: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (typeof estimator.solver_used_ === "string") out.solver_used = estimator.solver_used_;
  if (Array.isArray(estimator.warnings_) && estimator.warnings_.length > 0) out.warnings = estimator.warnings_;
  if (typeof estimator.n_iter_ === "number") out.n_iter = estimator.n_iter_;
  return Object.keys(out).length > 0 ? out : undefined;
}
