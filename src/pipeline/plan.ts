import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadDataset } from "../data/registry.js";
import { featureColumns } from "../features/extract.js";
import { featureName, type FeatureSpec } from "../features/spec.js";
import { estimatorEntry } from "../grid/registry.js";
import type { GridConfig } from "../grid/grid.js";
import { estimateRun, formatEstimate } from "../runner/estimate.js";
import { configId } from "../runner/resume.js";
import { availableMemoryBytes } from "../runner/memory.js";
import { readResults, readResultsFile, resultsPath, type ResultLine } from "../runner/results.js";
import { memoryRefusal } from "../runner/run.js";
import { shardConfigs, type ShardSpec } from "../runner/shard.js";
import { runSizes } from "./prepare.js";

/**
 * Measured times of the whole grid on this project's 2-core machine, bundled with the package
 * (written by bench/plan_calibration.mjs from a results file): `run --plan` scales from them
 * by default, after the run's own results and any --calibrate files.
 */
export const BUNDLED_CALIBRATION = fileURLToPath(new URL("../../data/plan-calibration.jsonl", import.meta.url));

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
  /** A results file read after `calibrate` (the CLI passes BUNDLED_CALIBRATION). */
  readonly bundledCalibration?: string;
}

/**
 * The plan of a run, as text: per feature set, each configuration's expected time (from
 * this run's results so far, results files of other runs of the same data scaled to this
 * size, or the estimators' cost priors) and the run's wall time. Nothing is written.
 */
export async function planBenchmark(options: PlanOptions): Promise<string> {
  const dataset = await loadDataset(options.dataset);
  const { evaluation, nTrain: trainRows, nTest: testRows } = runSizes(dataset, options);
  const own = readResults(resultsPath(options.out, options.shard)).lines;
  const others = options.calibrate.flatMap((file) => readResultsFile(file, "run --plan --calibrate").lines);
  // Of a configuration's measurements in these files, the one on the most training rows is scaled (estimateRun).
  if (options.bundledCalibration && existsSync(options.bundledCalibration)) others.push(...readResults(options.bundledCalibration).lines);
  const sameData = (line: ResultLine, features: string) =>
    line.dataset === dataset.name && line.features === features && line.preprocess === options.preprocess &&
    (line.evaluation ?? "test") === evaluation;
  const configs = options.shard ? shardConfigs(options.configs, options.shard, trainRows) : [...options.configs];
  const free = availableMemoryBytes();
  const sections: string[] = [];
  for (const spec of options.featureSets) {
    const features = featureName(spec);
    const measured = own.filter((l) => sameData(l, features) && l.train_size === trainRows && l.test_size === testRows);
    const done = new Set(options.resume ? measured.filter((l) => l.status === "ok").map((l) => configId(l.classifier, l.params)) : []);
    const pending = configs.filter((c) => !done.has(configId(c.classifier, c.params)));
    const shape = { trainRows, testRows, cols: featureColumns(spec, dataset.train.height, dataset.train.width), classes: dataset.classNames.length };
    const refused = (c: GridConfig) => {
      try {
        return memoryRefusal(estimatorEntry(c.classifier).estimateMemory?.(c.params, shape) ?? 0, free) !== null;
      } catch {
        return false;
      }
    };
    const estimate = estimateRun(pending, {
      trainRows, testRows, workers: options.workers, repeats: options.repeats, measured,
      calibration: others.filter((l) => sameData(l, features)), refused,
    });
    const skipped = configs.length - pending.length;
    sections.push(formatEstimate(estimate,
      `plan: grid '${options.gridName}', features ${features}: ${pending.length} configuration(s) to run` +
        (skipped > 0 ? ` (${skipped} already done in ${options.out})` : "") +
        `, ${trainRows} train / ${testRows} ${evaluation} images, ` +
        `${options.repeats} repeat(s), ${options.workers} worker(s)`));
  }
  return sections.join("\n\n");
}
