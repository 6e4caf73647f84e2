import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Augmentation } from "../data/augment.js";
import { defaultCacheDir, loadDataset, type LoadedDataset } from "../data/registry.js";
import type { PreprocessName } from "../data/scalers.js";
import { FeatureCache } from "../features/cache.js";
import { featureName, type FeatureSpec } from "../features/spec.js";
import type { GridConfig } from "../grid/grid.js";
import { loadMatrix, writeMatrixReports, type ResultMatrix } from "../report/index.js";
import { runSummaryText } from "../report/text.js";
import { lockResults } from "../runner/lock.js";
import { progressReporter } from "../runner/progress.js";
import { resultsPath } from "../runner/results.js";
import { runGrid } from "../runner/run.js";
import type { ShardSpec } from "../runner/shard.js";
import { SharedHeap } from "../wasm/heap.js";
import { prepareDataInParallel } from "./prepare.js";

/** A benchmark run, its arguments already checked (the CLI's `fmbench run`). */
export interface BenchmarkOptions {
  /** The grid's name (preset or path), for the log and the manifest. */
  readonly gridName: string;
  /** Every configuration of the grid. */
  readonly gridConfigs: GridConfig[];
  /** The configurations to run (all of them, or those --only keeps). */
  readonly configs: GridConfig[];
  /** Feature sets, run one after another, each on its own heap. */
  readonly featureSets: readonly FeatureSpec[];
  /** Dataset name or directory, as loadDataset takes it. */
  readonly dataset: string;
  readonly preprocess: PreprocessName;
  readonly trainSize?: number;
  readonly testSize?: number;
  readonly validationSize?: number;
  readonly augment?: Augmentation;
  /** Output directory. */
  readonly out: string;
  readonly shard: ShardSpec | null;
  readonly workers: number;
  readonly repeats: number;
  readonly seed: number;
  readonly timeoutSeconds: number;
  readonly resume: boolean;
  /** Read and write the feature cache ($FMBENCH_CACHE/features). */
  readonly cache: boolean;
  /** Exit status 1 when any configuration failed or timed out. */
  readonly strict?: boolean;
  /** Modules each worker imports first (see RunGridOptions.workerModules). */
  readonly workerModules?: readonly string[];
}

/** What a run's loop over feature sets adds up. */
interface Tally {
  ok: number;
  failed: number;
  skipped: number;
  resultsFile: string;
}

/**
 * The whole of `fmbench run`: takes the results lock, loads the dataset, prepares each
 * feature set on a fresh heap and runs the grid on it with a progress display, then writes
 * the reports and prints the leaderboard. Ctrl-C is handled here (see below). Logs go to
 * stderr, the leaderboard to stdout. Returns the exit status: 0, 1 (`strict` and something
 * failed) or 130 (interrupted).
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<number> {
  // Ctrl-C before the grid starts has nothing to save: it ends the command at once. Once the
  // grid runs, the first Ctrl-C stops it cleanly (finished configurations are on disk) and a
  // second one ends the process.
  const interrupt = new AbortController();
  let gridRunning = false;
  const onSigint = () => {
    if (!gridRunning || interrupt.signal.aborted) {
      process.stderr.write("\nfmbench: interrupted\n");
      process.exit(130);
    }
    interrupt.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    // Taken before the data is read: a second run on this --out, or an --out that cannot be
    // written, is refused at once.
    const lock = lockResults(resultsPath(options.out, options.shard));
    try {
      return await runFeatureSets(options, interrupt.signal, (running) => (gridRunning = running));
    } finally {
      lock.release();
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
}

async function runFeatureSets(options: BenchmarkOptions, signal: AbortSignal, setRunning: (running: boolean) => void): Promise<number> {
  const dataset = await loadDataset(options.dataset, { log: (l) => process.stderr.write(`${l}\n`) });
  const cache = options.cache ? new FeatureCache(join(defaultCacheDir(), "features")) : null;
  const tally: Tally = { ok: 0, failed: 0, skipped: 0, resultsFile: "" };
  const started = performance.now();
  for (const spec of options.featureSets) {
    const interrupted = await runFeatureSet(options, dataset, spec, cache, tally, signal, setRunning);
    if (interrupted) {
      writeRunReports(tally.resultsFile, options.out, options.shard);
      return 130;
    }
  }
  const { ok, failed, skipped, resultsFile } = tally;
  process.stderr.write(
    `fmbench: done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${ok} ok, ${failed} failed or timed out` +
      `${skipped ? `, ${skipped} skipped (already done)` : ""}; results in ${resultsFile}\n`,
  );
  const matrix = writeRunReports(resultsFile, options.out, options.shard);
  if (matrix) process.stdout.write(runSummaryText(matrix));
  if (options.strict && failed > 0) {
    process.stderr.write(`fmbench: --strict: ${failed} configuration(s) failed or timed out; exit status 1\n`);
    return 1;
  }
  return 0;
}

/** Prepares one feature set on its own heap and runs the grid on it; true when interrupted. */
async function runFeatureSet(
  options: BenchmarkOptions, dataset: LoadedDataset, spec: FeatureSpec, cache: FeatureCache | null, tally: Tally,
  signal: AbortSignal, setRunning: (running: boolean) => void,
): Promise<boolean> {
  const { configs, preprocess, workers } = options;
  const t0 = performance.now();
  // A heap per feature set: the previous set's memory goes away with its pool.
  const heap = SharedHeap.create();
  const data = await prepareDataInParallel(dataset, {
    workers,
    preprocess, trainSize: options.trainSize, testSize: options.testSize, validationSize: options.validationSize, features: spec, cache, heap,
    ...(options.augment ? { augment: options.augment } : {}),
    log: (l) => process.stderr.write(`fmbench: ${l}\n`),
  });
  process.stderr.write(
    `fmbench: grid '${options.gridName}' (${configs.length} configurations) on ${dataset.name}, features ${data.features} ` +
      `(${data.Xtrain.cols} per image): ${data.Xtrain.rows} train${data.augment ? ` (originals + ${data.augment} copies)` : ""} / ${data.Xtest.rows} ${data.evaluation === "validation" ? "validation (held-out training)" : "test"} images, ${preprocess} scaling, ` +
      `data ready in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`,
  );
  const progress = progressReporter();
  setRunning(true);
  try {
    const summary = await runGrid({
      configs, gridConfigs: options.gridConfigs, data, heap, out: options.out, workers, repeats: options.repeats, seed: options.seed,
      shuffleInPlace: true, timeoutSeconds: options.timeoutSeconds, resume: options.resume, signal, onEvent: progress.onEvent,
      shard: options.shard, gridName: options.gridName, featureSets: options.featureSets.map(featureName), workerModules: options.workerModules,
    });
    tally.resultsFile = summary.resultsFile;
    tally.ok += summary.completed - summary.failed;
    tally.failed += summary.failed;
    tally.skipped += summary.skipped;
    if (summary.interrupted) {
      progress.stop();
      process.stderr.write(
        `\nfmbench: interrupted; ${summary.completed} of ${summary.total} configurations finished and are saved in ` +
          `${summary.resultsFile}. Run the same command again to resume with the rest.\n`,
      );
    }
    return summary.interrupted;
  } finally {
    setRunning(false);
    progress.stop();
  }
}

/**
 * Writes results.md/.csv/.json and report.html; a failure here never touches results.jsonl.
 * A shard writes none: its folder may be shared by every shard, and its reports would
 * show only its own part. They come from `fmbench merge`.
 */
export function writeRunReports(resultsFile: string, out: string, shard: ShardSpec | null = null): ResultMatrix | null {
  if (!resultsFile) return null;
  try {
    const matrix = loadMatrix(resultsFile);
    if (shard) {
      process.stderr.write(`fmbench: shard ${shard.index}/${shard.count} writes no reports; 'fmbench merge ${out} --out <dir>' merges the shards and writes them\n`);
    } else {
      process.stderr.write(`fmbench: reports: ${writeMatrixReports(matrix, out).join(", ")}\n`);
    }
    return matrix;
  } catch (err) {
    process.stderr.write(`fmbench: could not write the reports (${(err as Error).message}); rebuild them with 'fmbench report ${resultsFile} --out ${out}'\n`);
    return null;
  }
}
