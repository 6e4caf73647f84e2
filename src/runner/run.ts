import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import type { PreparedData } from "../data/prepared.js";
import { FmbenchError } from "../errors.js";
import type { GridConfig } from "../grid/grid.js";
import { estimatorEntry } from "../grid/registry.js";
import { repeatSummary } from "../metrics/classification.js";
import { PieceBoard, type OpenSection } from "../parallel/board.js";
import { reportHelperDeath } from "../parallel/helper.js";
import { availableMemoryBytes, formatBytes } from "./memory.js";
import type { TaskOutcome } from "./messages.js";
import { GridPool, TaskAbortedError } from "./pool.js";
import { predictionsPath, writePredictions } from "./predictions.js";
import { appendResult, ensureResultsFile, readResults, resultsPath, type ResultLine } from "./results.js";
import { configKey, finishedKeys, lineKey, repairTornTail, type RunIdentity } from "./resume.js";
import { expectedSeconds, longestFirst } from "./schedule.js";
import { planSameFits, sameFitKey, sameFitLine, type SameFitPlan } from "./same_fit.js";
import { shareData } from "./shared_data.js";
import { gridFingerprint, shardConfigs, type ShardSpec } from "./shard.js";
import { identityDifference, manifestFor, manifestPath, writeManifest, type RunManifest } from "./manifest.js";
import { lockResults } from "./lock.js";
import { checkThreadCount } from "./workers.js";
import type { SharedHeap } from "../wasm/heap.js";
import { threadHeap } from "../wasm/load.js";

export interface RunGridOptions {
  readonly configs: readonly GridConfig[];
  /**
   * Every configuration of the grid, when `configs` is a part of it (`--only`): the run's
   * identity and manifest name the whole grid, so that its parts may share one folder.
   * Default: `configs`.
   */
  readonly gridConfigs?: readonly GridConfig[];
  readonly data: PreparedData;
  /** Output directory; results go to <out>/results.jsonl. */
  readonly out: string;
  /** Worker threads (at most four per core); default: the number of cores. */
  readonly workers?: number;
  /** Maximum repeats per configuration (default 2), each on its own shuffled training set. */
  readonly repeats?: number;
  readonly seed?: number;
  /** Per-configuration limit in seconds; 0 (default) means none. */
  readonly timeoutSeconds?: number;
  /** Run only this shard of the grid (a deterministic, cost-balanced partition). */
  readonly shard?: ShardSpec | null;
  /** Names of every feature set of this run (this call runs `data.features`), for the manifest. */
  readonly featureSets?: readonly string[];
  /** Name of the grid (preset or path), recorded in the manifest and result lines. */
  readonly gridName?: string;
  /** Skip configurations already ok, or rejected with a ParamError, in the results file (default true). */
  readonly resume?: boolean;
  /** Stops the run: in-flight tasks are abandoned, finished ones are already on disk. */
  readonly signal?: AbortSignal;
  readonly heap?: SharedHeap;
  /**
   * Shuffle the prepared training set in place for the last repeat instead of copying it,
   * saving one training-set copy in the heap; `data.Xtrain`/`ytrain` end up reordered.
   * The CLI, which prepares the data for this run only, sets it.
   */
  readonly shuffleInPlace?: boolean;
  /** Memory the guard may hand out (default: what the OS reports available). */
  readonly availableMemory?: () => number;
  /**
   * Module URLs each worker imports before it runs a task: modules that register estimators
   * (registerEstimator) beyond fmbench's own, which a worker thread would not know otherwise.
   */
  readonly workerModules?: readonly string[];
  readonly onEvent?: (event: RunEvent) => void;
}

export type RunEvent =
  | { type: "start"; total: number; skipped: number; workers: number; resultsFile: string }
  | { type: "begin"; classifier: string; params: GridConfig["params"]; slot: number }
  | { type: "result"; line: ResultLine; done: number; total: number; failed: number; slot?: number };

export interface RunSummary {
  readonly resultsFile: string;
  readonly total: number;
  readonly skipped: number;
  readonly completed: number;
  readonly failed: number;
  readonly interrupted: boolean;
  readonly lines: ResultLine[];
  readonly wallSeconds: number;
}

/**
 * The most one task may need: a worker's arrays live in the shared 4 GiB WASM heap or
 * in its own V8 heap (limited to 4 GiB by the pool), and a worker that runs out of
 * either can take the process down with it, so larger estimates are refused up front.
 */
const TASK_MEMORY_LIMIT = 4 * 2 ** 30;

/**
 * How long a helper waits for the next section of the configuration it helped: fits that
 * post one section after another (boosting stages, optimizer iterations) keep their
 * helpers; a lane is held this long after its configuration's last section.
 */
const HELPER_LINGER_MS = 250;

/** The longest per-configuration limit: Node.js timers hold at most 2^31 - 1 ms. */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Fixed memory a task needs beyond the shared data when its estimator gives no estimate. */
const DEFAULT_TASK_BYTES = 64 * 2 ** 20;

/** A run's settings, checked, and where its results go. */
interface RunPlan {
  readonly options: RunGridOptions;
  readonly data: PreparedData;
  readonly heap: SharedHeap;
  readonly repeats: number;
  readonly seed: number;
  readonly timeoutSeconds: number;
  readonly workers: number;
  readonly shard: ShardSpec | null;
  readonly resultsFile: string;
  readonly manifestFile: string;
  /** The whole grid (see RunGridOptions.gridConfigs) and its fingerprint. */
  readonly gridConfigs: readonly GridConfig[];
  readonly gridSha: string;
  /** The configurations of this shard (all of `options.configs` without one). */
  readonly configs: readonly GridConfig[];
  readonly identity: RunIdentity;
}

/** A configuration still to run, with the seconds it is expected to take. */
interface PendingConfig {
  readonly config: GridConfig;
  readonly key: string;
  readonly expected: number;
}

/**
 * Runs a grid on a pool of worker threads sharing one dataset. Every finished
 * configuration is appended to results.jsonl (flushed) as it finishes; failures,
 * crashes, timeouts and memory refusals become lines too, and the run goes on.
 */
export async function runGrid(options: RunGridOptions): Promise<RunSummary> {
  const started = performance.now();
  const plan = planRun(options);
  if (options.signal?.aborted) {
    return { resultsFile: plan.resultsFile, total: 0, skipped: 0, completed: 0, failed: 0, interrupted: true, lines: [], wallSeconds: 0 };
  }
  // One writer per results file: a second run on the same --out is refused until this one ends.
  const lock = lockResults(plan.resultsFile);
  try {
    const { pending, skipped, sameFits } = openResults(plan);
    options.onEvent?.({ type: "start", total: pending.length, skipped, workers: plan.workers, resultsFile: plan.resultsFile });
    if (pending.length === 0) {
      return { resultsFile: plan.resultsFile, total: 0, skipped, completed: 0, failed: 0, interrupted: false, lines: [], wallSeconds: 0 };
    }
    const { lines, failed, interrupted } = await runPending(plan, pending.length, sameFits);
    return {
      resultsFile: plan.resultsFile, total: pending.length, skipped, completed: lines.length, failed,
      interrupted, lines, wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    lock.release();
  }
}

/** Checks the options and works out the run's identity, its files and its configurations. */
function planRun(options: RunGridOptions): RunPlan {
  const data = options.data;
  const heap = options.heap ?? threadHeap();
  const repeats = options.repeats ?? 2;
  if (!Number.isInteger(repeats) || repeats < 1) throw new FmbenchError(`--repeat must be a positive integer; got ${repeats}`);
  const seed = options.seed ?? 0;
  const timeoutSeconds = options.timeoutSeconds ?? 0;
  if (!(timeoutSeconds >= 0 && timeoutSeconds <= MAX_TIMEOUT_SECONDS)) {
    throw new FmbenchError(`--timeout must be from 0 (no limit) to ${MAX_TIMEOUT_SECONDS} seconds (24 days, the longest timer Node.js keeps); got ${timeoutSeconds}`);
  }
  const workers = options.workers ?? availableParallelism();
  checkThreadCount(workers, "--workers");
  const shard = options.shard ?? null;
  const resultsFile = resultsPath(options.out, shard);
  const gridConfigs = options.gridConfigs ?? options.configs;
  return {
    options, data, heap, repeats, seed, timeoutSeconds, workers, shard, resultsFile,
    manifestFile: manifestPath(resultsFile)!,
    gridConfigs,
    gridSha: gridFingerprint(gridConfigs),
    configs: shard ? shardConfigs(options.configs, shard, data.Xtrain.rows) : options.configs,
    identity: {
      dataset: data.dataset, features: data.features, preprocess: data.preprocess,
      train_size: data.Xtrain.rows, test_size: data.Xtest.rows, evaluation: data.evaluation,
      ...(data.augment ? { augment: data.augment } : {}),
    },
  };
}

/**
 * Opens the results file for this run: refuses one that holds another run's results,
 * mends a torn last line, writes the manifest, and lists the configurations still to
 * run (longest first) and how many are already done.
 */
function openResults(plan: RunPlan): { pending: PendingConfig[]; skipped: number; sameFits: SameFitPlan<PendingConfig> } {
  const { options, data, resultsFile, manifestFile, identity, configs } = plan;
  const previous = readResults(resultsFile).lines;
  const recorded = manifestFor(resultsFile);
  checkSameRun(plan, recorded, previous);
  repairTornTail(resultsFile);
  ensureResultsFile(resultsFile); // even a shard with nothing to run leaves its (empty) file for the merge
  const earlier = new Map(previous.map((l) => [lineKey(l), l]));
  const done = options.resume === false ? new Set<string>() : finishedKeys(previous);
  const pending = longestFirst(
    configs
      .map((config) => ({ config, key: configKey(config.classifier, config.params, identity) }))
      .filter((c) => !done.has(c.key))
      .map((c) => ({ ...c, expected: expectedSeconds(c.config, data.Xtrain.rows, earlier.get(c.key)) })),
  );
  // Feature sets may be run in parts, like --only's configurations: the manifest lists all run so far.
  const featureSets = [...new Set([...(recorded?.feature_sets ?? []), ...(options.featureSets ?? [data.features])])];
  const { shard, seed, repeats, gridSha } = plan;
  writeManifest(manifestFile, {
    grid: options.gridName ?? null, grid_sha256: gridSha, shard: shard ? `${shard.index}/${shard.count}` : null,
    dataset: identity.dataset, preprocess: identity.preprocess, train_size: identity.train_size, test_size: identity.test_size,
    evaluation: identity.evaluation ?? "test", ...(identity.augment ? { augment: identity.augment } : {}),
    feature_sets: featureSets, seed, repeats, configs: plan.gridConfigs, shard_configs: configs.length,
  });
  // Configurations with the same fit as another (same_fit.ts) are fitted once.
  // Only lines of this experiment serve (a results file may hold other feature sets, sizes or evaluations).
  const ours = previous.filter((l) => lineKey(l) === configKey(l.classifier, l.params, identity));
  const sameFits = planSameFits(pending, options.resume === false ? [] : ours);
  return { pending, skipped: configs.length - pending.length, sameFits };
}

/** Refuses an output folder whose manifest or result lines belong to another run. */
function checkSameRun(plan: RunPlan, recorded: RunManifest | null, previous: readonly ResultLine[]): void {
  const { resultsFile, manifestFile } = plan;
  const current = { grid_sha256: plan.gridSha, ...plan.identity, seed: plan.seed, repeats: plan.repeats };
  for (const [where, source] of [[manifestFile, recorded], ...previous.map((l, i) => [`${resultsFile} (result ${i + 1})`, l])] as const) {
    const diff = source ? identityDifference(source as unknown as Record<string, unknown>, current) : null;
    if (diff) {
      throw new FmbenchError(
        `the output directory ${plan.options.out} (--out) holds the results of another run: ${where} has ${diff.field} ${JSON.stringify(diff.recorded)}, ` +
          `this run has ${JSON.stringify(diff.current)}. Nothing was changed. Choose another --out, or move ${resultsFile} and ${manifestFile} away to start afresh.`,
      );
    }
  }
}

/**
 * Runs the pending configurations on a pool of `workers` lanes, each result appended to
 * the results file as it comes; lanes with nothing left to start help running
 * configurations with their pieces.
 */
async function runPending(
  plan: RunPlan, total: number, sameFits: SameFitPlan<PendingConfig>,
): Promise<{ lines: ResultLine[]; failed: number; interrupted: boolean }> {
  const { options, data, heap, repeats, seed, timeoutSeconds, workers, resultsFile, identity } = plan;
  const lines: ResultLine[] = [];
  let failed = 0;
  // The true labels of the evaluation images, once per evaluation set: with each line's
  // predictions they give the reports McNemar's test between any two configurations.
  const labelsFile = predictionsPath(`evaluation-labels|${identity.dataset}|${identity.evaluation ?? "test"}|${identity.test_size}`, data.ytest);
  const base = lineBase(plan, labelsFile);
  const record = (line: ResultLine, slot?: number) => {
    appendResult(resultsFile, line);
    lines.push(line);
    if (line.status !== "ok") failed++;
    options.onEvent?.({ type: "result", line, done: lines.length, total, failed, slot });
    settleWaiting(line);
  };
  // What the lanes fit, in order; configurations waiting on a fit that did not end ok join it.
  const queue = [...sameFits.toFit];
  /** Settles the configurations waiting on the fit whose line this is (none for most lines). */
  const settleWaiting = (line: ResultLine) => {
    const key = sameFitKey(line.classifier, line.params);
    const group = sameFits.waiting.get(key);
    if (!group) return;
    sameFits.waiting.delete(key);
    if (line.status === "ok") for (const item of group) record(sameFitLine(item.config, line));
    else queue.push(...group);
  };
  const failure = (config: GridConfig, status: "failed" | "timeout", error: string, extra: Record<string, unknown> = {}): ResultLine => ({
    classifier: config.classifier, params: config.params, status, accuracy: null, fit_seconds: null,
    predict_seconds: null, error, ...extra, ...base, finished_at: new Date().toISOString(),
  });
  const writeOutcome = (config: GridConfig, outcome: TaskOutcome): string | null => {
    if (!outcome.predictions) return null;
    const file = predictionsPath(configKey(config.classifier, config.params, identity), outcome.predictions);
    writePredictions(options.out, file, outcome.predictions);
    return file;
  };

  writePredictions(options.out, labelsFile, data.ytest);
  for (const { item, source } of sameFits.fromEarlier) record(sameFitLine(item.config, source));
  const { layout } = shareData(data, heap, repeats, seed, options.shuffleInPlace ?? false);
  // One board slot per lane: a configuration offers its pieces on the slot of the lane that runs it.
  const board = PieceBoard.create(workers);
  const pool = new GridPool({ workers, memory: heap.memory, layout, board: board.handle, workerModules: options.workerModules });
  const cancel = new AbortController();
  const onAbort = () => cancel.abort();
  options.signal?.addEventListener("abort", onAbort);
  const available = options.availableMemory ?? availableMemoryBytes;
  let reserved = 0;
  const shape = { trainRows: data.Xtrain.rows, testRows: data.Xtest.rows, cols: data.Xtrain.cols, classes: data.classNames.length || 10 };
  /** Configurations in flight; helping lanes stop when it drops to zero and nothing is left to start. */
  let running = 0;
  /** Helpers at work per slot, so that a configuration that ends badly stops its helpers too. */
  const helpersOf = new Map<number, Set<AbortController>>();

  const runOne = async ({ config }: { config: GridConfig }, slot: number): Promise<void> => {
    let need = DEFAULT_TASK_BYTES;
    try {
      need = estimatorEntry(config.classifier).estimateMemory?.(config.params, shape) ?? DEFAULT_TASK_BYTES;
    } catch {
      // Unknown classifier: the worker reports it as a failed line.
    }
    const refusal = memoryRefusal(need, available() - reserved);
    if (refusal) {
      record(failure(config, "failed", refusal, { estimated_memory_bytes: need }), slot);
      return;
    }
    reserved += need;
    running++;
    options.onEvent?.({ type: "begin", classifier: config.classifier, params: config.params, slot });
    const t0 = performance.now();
    const task = { classifier: config.classifier, params: config.params, repeats, seed, slot };
    let outcome: TaskOutcome;
    try {
      outcome = await pool.run(task, timeoutSeconds, cancel.signal);
    } catch (err) {
      // Its worker was stopped mid-fit: what it left open is closed, and helpers still busy
      // with its pieces are stopped with it.
      board.abandon(slot);
      for (const helper of helpersOf.get(slot) ?? []) helper.abort();
      if (err instanceof TaskAbortedError && err.kind === "cancelled") return;
      const aborted = err as TaskAbortedError;
      record(failure(config, aborted.kind === "timeout" ? "timeout" : "failed", aborted.message, {
        wall_seconds: (performance.now() - t0) / 1000,
      }), slot);
      return;
    } finally {
      reserved -= need;
      running--;
      board.bump();
    }
    const predictionsFile = writeOutcome(config, outcome);
    record(outcomeLine(config, outcome, predictionsFile, (performance.now() - t0) / 1000, base), slot);
  };

  /**
   * A section a helper may join: one with unclaimed pieces beyond the helpers already on
   * it, whose per-piece memory the guard allows; the least helped first.
   */
  const sectionToHelp = (): OpenSection | null => {
    const open = board.openSections()
      .filter((s) => s.unclaimed > s.helpers && s.descriptor.pieceBytes <= available() - reserved)
      .sort((a, b) => a.helpers / a.unclaimed - b.helpers / b.unclaimed || a.slot - b.slot);
    return open[0] ?? null;
  };

  /** An idle lane runs pieces of `section` on its worker; a helper that dies fails that section's configuration. */
  const helpWith = async (section: OpenSection): Promise<void> => {
    const need = section.descriptor.pieceBytes;
    const stop = new AbortController();
    const helpers = helpersOf.get(section.slot) ?? new Set<AbortController>();
    helpersOf.set(section.slot, helpers);
    helpers.add(stop);
    reserved += need;
    board.addHelper(section.slot, 1); // counted before the task starts, so other lanes see it at once
    try {
      await pool.helpPieces(
        { slot: section.slot, gen: section.gen, lingerMs: HELPER_LINGER_MS, maxPieceBytes: need },
        AbortSignal.any([stop.signal, cancel.signal]),
      );
    } catch (err) {
      if (!stop.signal.aborted && !cancel.signal.aborted) reportHelperDeath(board, section.slot, (err as Error).message);
    } finally {
      board.addHelper(section.slot, -1);
      reserved -= need;
      helpers.delete(stop);
    }
  };

  // Dispatch: at most `workers` tasks in flight, so the memory guard sees each task before
  // it starts. A lane with no configuration left to start helps running configurations
  // with their pieces until none is running.
  let next = 0;
  const lanes = Array.from({ length: workers }, async (_, slot) => {
    while (!cancel.signal.aborted) {
      if (next < queue.length) {
        await runOne(queue[next++], slot);
        continue;
      }
      if (running === 0) break;
      const seen = board.epoch;
      const section = sectionToHelp();
      if (section) await helpWith(section);
      else await board.changed(seen);
    }
    board.bump(); // wakes lanes waiting for work, which may now end too
  });
  const wakeOnCancel = () => board.bump();
  cancel.signal.addEventListener("abort", wakeOnCancel);
  try {
    await Promise.all(lanes);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    cancel.signal.removeEventListener("abort", wakeOnCancel);
    await pool.destroy();
  }
  return { lines, failed, interrupted: cancel.signal.aborted };
}

/** What every results line of the run carries: the run's identity and settings. */
function lineBase(plan: RunPlan, labelsFile: string) {
  const { shard } = plan;
  return {
    ...plan.identity, seed: plan.seed, repeats: plan.repeats, grid: plan.options.gridName ?? null, grid_sha256: plan.gridSha,
    ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
    evaluation_labels_file: labelsFile,
  };
}

type LineBase = ReturnType<typeof lineBase>;

/** Why the memory guard refuses to start a task that needs `need` bytes with `free` left, or null. */
export function memoryRefusal(need: number, free: number): string | null {
  if (need <= free && need <= TASK_MEMORY_LIMIT) return null;
  const why = need > free
    ? `only ${formatBytes(free)} is available`
    : `one task can use at most ${formatBytes(TASK_MEMORY_LIMIT)} (the 4 GiB WASM heap and the worker's heap limit)`;
  return `memory guard: this configuration is estimated to need ${formatBytes(need)} but ${why}; not started`;
}

/** The results line of a task that ran to its end (ok, or failed inside the worker). */
function outcomeLine(
  config: GridConfig, outcome: TaskOutcome, predictionsFile: string | null, wallSeconds: number, base: LineBase,
): ResultLine {
  const summary = outcome.scores.length > 0 ? repeatSummary(outcome.scores, outcome.fit_times, outcome.score_times) : null;
  return {
    classifier: config.classifier,
    params: config.params,
    status: outcome.status,
    accuracy: outcome.status === "ok" && summary ? summary.mean_test_score : null,
    fit_seconds: summary?.mean_fit_time ?? null,
    predict_seconds: summary?.mean_score_time ?? null,
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(summary ? { ...summary, n_repeats: summary.scores.length, accuracy_2std: 2 * summary.std_test_score } : {}),
    ...(outcome.metrics ?? {}),
    ...(predictionsFile ? { predictions_file: predictionsFile } : {}),
    wall_seconds: wallSeconds,
    ...(outcome.extras ?? {}),
    ...base,
    finished_at: new Date().toISOString(),
  };
}
