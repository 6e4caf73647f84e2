import { loadDataset } from "../data/registry.js";
import { FmbenchError } from "../errors.js";
import { featureName, type FeatureSpec } from "../features/spec.js";
import type { GridConfig } from "../grid/grid.js";
import { estimateRun, formatEstimate } from "../runner/estimate.js";
import { configId } from "../runner/resume.js";
import { readResults, readResultsFile, resultsPath, type ResultLine } from "../runner/results.js";
import { shardConfigs, type ShardSpec } from "../runner/shard.js";

/** What `fmbench run --plan` needs: the run's own options, and results files of other runs to calibrate on. */
export interface PlanOptions {
  readonly gridName: string;
  readonly configs: readonly GridConfig[];
  readonly featureSets: readonly FeatureSpec[];
  readonly dataset: string;
  readonly preprocess: string;
  readonly trainSize?: number;
  readonly testSize?: number;
  readonly validationSize?: number;
  readonly out: string;
  readonly shard: ShardSpec | null;
  readonly workers: number;
  readonly repeats: number;
  readonly resume: boolean;
  readonly calibrate: readonly string[];
}

/**
 * The plan of a run, as text: per feature set, each configuration's expected time (from
 * this run's results so far, results files of other runs of the same data scaled to this
 * size, or the estimators' cost priors) and the run's wall time. Nothing is written.
 */
export async function planBenchmark(options: PlanOptions): Promise<string> {
  const dataset = await loadDataset(options.dataset);
  const validation = options.validationSize;
  if (validation !== undefined && options.testSize !== undefined) {
    throw new FmbenchError("a test size and a validation size exclude each other: validation replaces the test set");
  }
  const trainRows = Math.min(options.trainSize ?? Infinity, dataset.train.count - (validation ?? 0));
  const testRows = validation ?? Math.min(options.testSize ?? Infinity, dataset.test.count);
  const own = readResults(resultsPath(options.out, options.shard)).lines;
  const others = options.calibrate.flatMap((file) => readResultsFile(file, "run --plan --calibrate").lines);
  const sameData = (line: ResultLine, features: string) =>
    line.dataset === dataset.name && line.features === features && line.preprocess === options.preprocess &&
    (line.evaluation ?? "test") === (validation === undefined ? "test" : "validation");
  const configs = options.shard ? shardConfigs(options.configs, options.shard, trainRows) : [...options.configs];
  const sections: string[] = [];
  for (const spec of options.featureSets) {
    const features = featureName(spec);
    const measured = own.filter((l) => sameData(l, features) && l.train_size === trainRows && l.test_size === testRows);
    const done = new Set(options.resume ? measured.filter((l) => l.status === "ok").map((l) => configId(l.classifier, l.params)) : []);
    const pending = configs.filter((c) => !done.has(configId(c.classifier, c.params)));
    const estimate = estimateRun(pending, {
      trainRows, testRows, workers: options.workers, repeats: options.repeats, measured,
      calibration: others.filter((l) => sameData(l, features)),
    });
    const skipped = configs.length - pending.length;
    sections.push(formatEstimate(estimate,
      `plan: grid '${options.gridName}', features ${features}: ${pending.length} configuration(s) to run` +
        (skipped > 0 ? ` (${skipped} already done in ${options.out})` : "") +
        `, ${trainRows} train / ${testRows} ${validation === undefined ? "test" : "validation"} images, ` +
        `${options.repeats} repeat(s), ${options.workers} worker(s)`));
  }
  return sections.join("\n\n");
}
