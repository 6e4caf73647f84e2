import { performance } from "node:perf_hooks";
import type { PreparedData } from "../data/prepare.js";
import { accuracy } from "../models/estimator.js";
import type { GridConfig } from "../grid/grid.js";
import { createEstimator } from "../grid/registry.js";
import { appendResult, type ResultLine } from "./results.js";

export interface SequentialRunOptions {
  /** Where result lines are appended (one per configuration, as each finishes). */
  readonly resultsFile?: string;
  readonly seed?: number;
  readonly onResult?: (line: ResultLine, index: number, total: number) => void;
}

function message(err: unknown): string {
  return err instanceof Error ? `${err.name === "Error" ? "" : `${err.name}: `}${err.message}` : String(err);
}

/**
 * Fits and scores each configuration in turn, in this thread. A configuration that
 * throws (invalid params, not implemented, a numerical failure) becomes a `failed`
 * line and the run goes on. The parallel runner builds on the same result lines.
 */
export function runSequential(configs: readonly GridConfig[], data: PreparedData, options: SequentialRunOptions = {}): ResultLine[] {
  const results: ResultLine[] = [];
  const common = {
    dataset: data.dataset,
    train_size: data.Xtrain.rows,
    test_size: data.Xtest.rows,
    features: data.features,
    preprocess: data.preprocess,
    seed: options.seed ?? 0,
  };
  configs.forEach((config, index) => {
    let line: ResultLine;
    try {
      const estimator = createEstimator(config.classifier, config.params);
      const t0 = performance.now();
      estimator.fit(data.Xtrain, data.ytrain);
      const t1 = performance.now();
      const predicted = estimator.predict(data.Xtest);
      const t2 = performance.now();
      const extra = estimator as { warnings_?: readonly string[]; solver_used_?: string };
      line = {
        classifier: config.classifier, params: config.params, status: "ok",
        accuracy: accuracy(data.ytest, predicted),
        fit_seconds: (t1 - t0) / 1000, predict_seconds: (t2 - t1) / 1000,
        ...(extra.warnings_?.length ? { warnings: [...extra.warnings_] } : {}),
        ...(extra.solver_used_ ? { solver_used: extra.solver_used_ } : {}),
        ...common, finished_at: new Date().toISOString(),
      };
    } catch (err) {
      line = {
        classifier: config.classifier, params: config.params, status: "failed",
        accuracy: null, fit_seconds: null, predict_seconds: null, error: message(err),
        ...common, finished_at: new Date().toISOString(),
      };
    }
    if (options.resultsFile) appendResult(options.resultsFile, line);
    results.push(line);
    options.onResult?.(line, index, configs.length);
  });
  return results;
}
