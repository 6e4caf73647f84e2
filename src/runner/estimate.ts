import type { GridConfig } from "../grid/grid.js";
import { estimatorEntry } from "../grid/registry.js";
import { configId, rejectedParams } from "./resume.js";
import { sameFitKey } from "./same_fit.js";
import type { ResultLine } from "./results.js";

/**
 * What a run will cost before it starts (`fmbench run --plan`): each configuration's
 * expected seconds on one core, and the run's wall time on its workers.
 *
 * A configuration measured before (an ok line for the same classifier and params, in the
 * run's own results file or in a calibration file from another run) is scaled from its
 * measured size to the planned one by its family's size exponent (and, for plain SGD, to
 * max_iter epochs: RUNS_TO_MAX_ITER). Otherwise its
 * estimator's cost prior (seconds at 60,000 training rows) is scaled the same way.
 */

/**
 * Where an estimate comes from. "rejected": a run of the same data refused its params (a
 * ParamError, as scikit-learn raises), so it fails at once; "refused": the memory guard
 * will not start it; "same fit": it takes the fit of a configuration before it in the
 * list or measured in the run's results (runner/same_fit.ts).
 */
export type EstimateSource = "measured" | "scaled" | "prior" | "rejected" | "refused" | "same fit";

export interface ConfigEstimate {
  readonly config: GridConfig;
  /** Seconds of one core for every repeat of the configuration (fit + predict). */
  readonly seconds: number;
  readonly source: EstimateSource;
  /** The size of the measurement it was scaled from (source "measured" or "scaled"). */
  readonly measuredTrainRows?: number;
}

export interface RunEstimate {
  /** Longest first: the order the runner starts them in. */
  readonly configs: readonly ConfigEstimate[];
  /** Sum over configurations: one core's seconds. */
  readonly cpuSeconds: number;
  /** Makespan of the configurations started longest first on `workers` lanes, each on one core. */
  readonly wallSeconds: number;
  /** cpuSeconds / workers: what no schedule can beat, reached only where idle workers take pieces of the last fits. */
  readonly wallLowerBound: number;
  readonly workers: number;
}

export interface EstimateOptions {
  readonly trainRows: number;
  readonly testRows: number;
  readonly workers: number;
  readonly repeats: number;
  /** Ok lines of this run's results file, at the planned size: used as they are. */
  readonly measured?: readonly ResultLine[];
  /** Ok lines of other runs (another size, the same data and features): scaled. */
  readonly calibration?: readonly ResultLine[];
  /** True for a configuration the memory guard will not start (it takes no time). */
  readonly refused?: (config: GridConfig) => boolean;
}

/**
 * How the time of a fit + predict grows with the training rows n and test rows m, per
 * estimator family: time(n, m) / time(n0, m0). Kernel SVMs solve a dense QP whose kernel
 * rows cost n each for about n iterations; k-nearest neighbours compare every test row with
 * every training row; the others are about linear in n (trees n log n, close enough here).
 */
const SIZE_SCALING: Record<string, (n: number, n0: number, m: number, m0: number) => number> = {
  svm: (n, n0, m, m0) => (n / n0) ** 2 * 0.9 + (n / n0) * (m / m0) * 0.1,
  neighbors: (n, n0, m, m0) => (n / n0) * (m / m0),
  gaussian_process: (n, n0) => (n / n0) ** 3,
};
const LINEAR_IN_ROWS = (n: number, n0: number) => n / n0;

/** time at (n, m) over time at (n0, m0) for `classifier`'s family. */
export function sizeFactor(classifier: string, n: number, n0: number, m: number, m0: number): number {
  let family = "";
  try {
    family = estimatorEntry(classifier).family;
  } catch {
    // an unknown classifier fails at once: any factor will do
  }
  return (SIZE_SCALING[family] ?? LINEAR_IN_ROWS)(n, Math.max(1, n0), m, Math.max(1, m0));
}

/**
 * Estimators whose fit, scaled to more training rows, is planned at max_iter epochs
 * whatever epochs the measurement took. Plain SGD stops when its epoch loss stops
 * improving by tol, or at max_iter; on Fashion-MNIST every SGDClassifier configuration of
 * the full grid measured at 60,000 rows ran to max_iter (1,000 epochs), after 134-1,000
 * at 10,000 (squared_hinge l2: 134 -> 1,000; hinge l2: 584 -> 1,000), so scaling the
 * 10,000-row time by rows alone planned them 2.85x short. Perceptron and
 * PassiveAggressiveClassifier (17-41 epochs at 10,000) are not assumed to do the same.
 */
const RUNS_TO_MAX_ITER = new Set(["SGDClassifier"]);

/** max_iter / the line's epochs for a RUNS_TO_MAX_ITER estimator scaled up, else 1. */
function epochFactor(config: GridConfig, line: ResultLine, trainRows: number): number {
  if (!RUNS_TO_MAX_ITER.has(config.classifier) || trainRows <= line.train_size) return 1;
  if (typeof line.n_iter !== "number" || !(line.n_iter > 0)) return 1;
  let maxIter: unknown = config.params.max_iter;
  if (maxIter === undefined) {
    try {
      maxIter = estimatorEntry(config.classifier).paramSpecs.max_iter?.default;
    } catch {
      return 1;
    }
  }
  return typeof maxIter === "number" && maxIter > line.n_iter ? maxIter / line.n_iter : 1;
}

/** Seconds of one repeat (fit + predict) a line measured, or null. */
function lineSeconds(line: ResultLine): number | null {
  if (line.status !== "ok" || typeof line.fit_seconds !== "number") return null;
  return line.fit_seconds + (line.predict_seconds ?? 0);
}

/** The cost prior of `config` at 60,000 x 10,000 (100 s for a classifier without one). */
function priorSeconds(config: GridConfig): number {
  try {
    return estimatorEntry(config.classifier).costPrior?.(config.params) ?? 100;
  } catch {
    return 100;
  }
}

/** Each configuration's expected seconds and the run's wall time (see RunEstimate). */
export function estimateRun(configs: readonly GridConfig[], options: EstimateOptions): RunEstimate {
  const { trainRows, testRows, repeats } = options;
  const workers = Math.max(1, options.workers);
  const index = (lines: readonly ResultLine[] | undefined) => {
    const byId = new Map<string, ResultLine>();
    for (const line of lines ?? []) {
      if (lineSeconds(line) === null) continue;
      const id = configId(line.classifier, line.params);
      const before = byId.get(id);
      // The largest measurement scales best to a larger run.
      if (!before || line.train_size > before.train_size) byId.set(id, line);
    }
    return byId;
  };
  const measured = index(options.measured);
  const calibration = index(options.calibration);
  const rejected = new Set([...(options.measured ?? []), ...(options.calibration ?? [])]
    .filter(rejectedParams)
    .map((l) => configId(l.classifier, l.params)));
  const fitted = new Set([...measured.values()].map((line) => sameFitKey(line.classifier, line.params)));
  const estimates = configs.map((config): ConfigEstimate => {
    const id = configId(config.classifier, config.params);
    if (options.refused?.(config)) return { config, seconds: 0, source: "refused" };
    if (rejected.has(id) && !measured.has(id) && !calibration.has(id)) return { config, seconds: 0, source: "rejected" };
    const fitKey = sameFitKey(config.classifier, config.params);
    if (fitted.has(fitKey) && !measured.has(id)) return { config, seconds: 0, source: "same fit" };
    fitted.add(fitKey);
    const own = measured.get(id);
    const line = own ?? calibration.get(id);
    if (line) {
      const factor = sizeFactor(config.classifier, trainRows, line.train_size, testRows, line.test_size);
      const epochs = epochFactor(config, line, trainRows);
      const seconds = (line.fit_seconds! * epochs + (line.predict_seconds ?? 0)) * factor * repeats;
      return { config, seconds, source: own ? "measured" : "scaled", measuredTrainRows: line.train_size };
    }
    const factor = sizeFactor(config.classifier, trainRows, 60000, testRows, 10000);
    return { config, seconds: priorSeconds(config) * factor * repeats, source: "prior" };
  });
  const ordered = [...estimates].sort((a, b) => b.seconds - a.seconds);
  const lanes = new Array<number>(workers).fill(0);
  for (const e of ordered) {
    let lane = 0;
    for (let w = 1; w < workers; w++) if (lanes[w] < lanes[lane]) lane = w;
    lanes[lane] += e.seconds;
  }
  const cpuSeconds = estimates.reduce((sum, e) => sum + e.seconds, 0);
  return { configs: ordered, cpuSeconds, wallSeconds: Math.max(0, ...lanes), wallLowerBound: cpuSeconds / workers, workers };
}

/** 3h 04m, 12m 30s, 42.1s. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(s / 3600);
  return `${h}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** The plan as text: one line per configuration, longest first, then the totals and the sources. */
export function formatEstimate(estimate: RunEstimate, header: string): string {
  const lines = [header, "", `  ${"expected".padStart(8)}  ${"source".padEnd(14)}  configuration`];
  for (const e of estimate.configs) {
    const source = e.measuredTrainRows === undefined ? e.source : `${e.source} ${e.measuredTrainRows}`;
    lines.push(`  ${formatDuration(e.seconds).padStart(8)}  ${source.padEnd(14)}  ${e.config.classifier} ${JSON.stringify(e.config.params)}`);
  }
  const count = (source: EstimateSource) => estimate.configs.filter((e) => e.source === source).length;
  lines.push(
    "",
    `total: ${formatDuration(estimate.cpuSeconds)} of one core; wall ${formatDuration(estimate.wallSeconds)} on ${estimate.workers} worker(s), ` +
      `longest first (at least ${formatDuration(estimate.wallLowerBound)} where idle workers take pieces of the last fits)`,
    `from: ${count("measured")} measured in this run's results, ${count("scaled")} scaled from calibration runs, ` +
      `${count("prior")} cost priors (rough; pass --calibrate with a results file of a smaller run of the same grid); ` +
      `${count("rejected")} rejected params, ${count("refused")} over the memory guard and ${count("same fit")} with the same fit as another take no time`,
  );
  return lines.join("\n");
}
