#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from "commander";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { AUGMENTATIONS, checkAugmentation } from "./data/augment.js";
import { loadDataset } from "./data/registry.js";
import { PREPROCESS_NAMES, checkPreprocess } from "./data/scalers.js";
import { FmbenchError } from "./errors.js";
import { HOG_BLOCK_NORMS, HOG_DEFAULTS, SPLITS, writeDatasetHogNpy, type HogBlockNorm, type Split } from "./features/hog.js";
import { RAW, featureName, parseFeatureSpec, type FeatureSpec } from "./features/spec.js";
import { expandGrid, type GridConfig } from "./grid/grid.js";
import { GRID_PRESETS, loadGrid } from "./grid/presets.js";
import { runBenchmark, writeRunReports } from "./pipeline/benchmark.js";
import { BUNDLED_CALIBRATION, planBenchmark } from "./pipeline/plan.js";
import { REPORT_FORMATS, runReport, type ReportFormat } from "./report/index.js";
import { mergeResults, shardFilesOf } from "./runner/merge.js";
import { MAX_TIMEOUT_SECONDS } from "./runner/run.js";
import { parseShard } from "./runner/shard.js";
import { workerThreads } from "./runner/workers.js";

// Argument parsing only: every command calls the library.

/**
 * A whole number written in plain decimal digits, or NaN. `Number()` alone would also
 * take "1e3", "0x64", "0b11", " 12 " and "", which no one means as a count.
 */
function decimalInt(value: string): number {
  if (!/^[0-9]+$/.test(value)) return NaN;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : NaN;
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = decimalInt(value);
    if (!(n >= 1)) throw new InvalidArgumentError(`${name} must be a positive integer written in decimal digits; got '${value}'`);
    return n;
  };
}

function nonNegativeInt(value: string): number {
  const n = decimalInt(value);
  if (!(n >= 0)) throw new InvalidArgumentError(`must be a non-negative integer written in decimal digits; got '${value}'`);
  return n;
}

function filterConfigs(configs: GridConfig[], only?: string): GridConfig[] {
  if (!only) return configs;
  let re: RegExp;
  try {
    re = new RegExp(only);
  } catch (err) {
    throw new FmbenchError(`--only: invalid regular expression '${only}' (${(err as Error).message})`);
  }
  return configs.filter((c) => re.test(`${c.classifier} ${JSON.stringify(c.params)}`));
}

interface RunOptions {
  grid: string;
  dataset: string;
  preprocess: string;
  augment?: string;
  trainSize?: number;
  testSize?: number;
  validation?: number;
  out: string;
  only?: string;
  seed: number;
  workers?: number;
  repeat: number;
  timeout: number;
  resume: boolean;
  shard?: string;
  shards?: number;
  features?: string;
  hogOrientations?: number;
  hogPixelsPerCell?: number | [number, number];
  hogCellsPerBlock?: number | [number, number];
  hogBlockNorm?: string;
  hogTransformSqrt?: boolean;
  cache: boolean;
  strict?: boolean;
  plan?: boolean;
  calibrate?: string[];
}

/** Feature sets from --features/--hog-* when given, else the grid's. */
function featureSets(opts: RunOptions, fromGrid: readonly FeatureSpec[]): FeatureSpec[] {
  if (!opts.features) return [...fromGrid];
  const simple = (kind: string): FeatureSpec => {
    const k = kind.trim();
    if (k === "raw") return RAW;
    if (k !== "hog") throw new FmbenchError(`--features: unknown feature kind '${k}'; choose raw, hog, hog+raw or a list such as raw,hog`);
    const hog: Record<string, unknown> = { kind: "hog" };
    if (opts.hogOrientations !== undefined) hog.orientations = opts.hogOrientations;
    if (opts.hogPixelsPerCell) hog.pixels_per_cell = opts.hogPixelsPerCell;
    if (opts.hogCellsPerBlock) hog.cells_per_block = opts.hogCellsPerBlock;
    if (opts.hogBlockNorm) hog.block_norm = opts.hogBlockNorm;
    if (opts.hogTransformSqrt) hog.transform_sqrt = true;
    return parseFeatureSpec(hog, "--hog-* options");
  };
  return opts.features.split(",").map((set) => {
    const parts = set.split("+");
    if (parts.length === 1) return simple(parts[0]);
    return parseFeatureSpec({ kind: "union", parts: parts.map(simple) }, `--features ${set}`);
  });
}

function timeoutSeconds(value: string): number {
  const n = nonNegativeInt(value);
  if (n > MAX_TIMEOUT_SECONDS) throw new InvalidArgumentError(`must be at most ${MAX_TIMEOUT_SECONDS} seconds (24 days, the longest timer Node.js keeps); use 0 for no limit`);
  return n;
}

/**
 * A HOG cell or block size: "4" -> 4 (4 x 4); "4x8" or "4,8" -> [4, 8] (rows, cols).
 * `error` says what is wrong in the notation of the option's help.
 */
function positivePair(error: string) {
  return (value: string): number | [number, number] => {
    const nums = value.split(/[x,]/).map((p) => decimalInt(p.trim()));
    if (nums.length > 2 || !nums.every((n) => n >= 1)) throw new InvalidArgumentError(error);
    return nums.length === 1 ? nums[0] : [nums[0], nums[1]];
  };
}

/**
 * `fmbench run`: checks every argument (grid and --only, scaling, shard, feature sets,
 * threads) before anything is read, then hands the run to the pipeline.
 */
async function runCommand(opts: RunOptions, workerModules?: readonly string[]): Promise<void> {
  const { grid, source } = loadGrid(opts.grid);
  const gridConfigs = expandGrid(grid);
  const configs = filterConfigs(gridConfigs, opts.only);
  if (configs.length === 0) {
    throw new FmbenchError(opts.only === undefined
      ? `grid '${source}' has no configurations`
      : `no configuration of grid '${source}' matches --only '${opts.only}'`);
  }
  const preprocess = checkPreprocess(opts.preprocess);
  const shard = parseShard(opts.shard, opts.shards);
  const specs = featureSets(opts, grid.features);
  const workers = workerThreads(opts.workers, (l) => process.stderr.write(`fmbench: warning: ${l}\n`));
  if (opts.calibrate && !opts.plan) throw new FmbenchError("--calibrate goes with --plan");
  if (opts.plan) {
    process.stdout.write(`${await planBenchmark({
      gridName: source, configs, featureSets: specs, dataset: opts.dataset, preprocess, trainSize: opts.trainSize, testSize: opts.testSize,
      validationSize: opts.validation, out: opts.out, shard, workers, repeats: opts.repeat, resume: opts.resume, calibrate: opts.calibrate ?? [],
      bundledCalibration: BUNDLED_CALIBRATION,
    })}\n`);
    return;
  }
  const status = await runBenchmark({
    gridName: source, gridConfigs, configs, featureSets: specs, dataset: opts.dataset, preprocess,
    trainSize: opts.trainSize, testSize: opts.testSize, validationSize: opts.validation,
    ...(opts.augment ? { augment: checkAugmentation(opts.augment) } : {}),
    out: opts.out, shard, workers, repeats: opts.repeat, seed: opts.seed, timeoutSeconds: opts.timeout, resume: opts.resume,
    cache: opts.cache, strict: opts.strict, workerModules,
  });
  if (status !== 0) process.exitCode = status;
}

interface HogOptions {
  dataset: string;
  split: Split;
  limit?: number;
  orientations: number;
  pixelsPerCell: number | [number, number];
  cellsPerBlock: number | [number, number];
  blockNorm: HogBlockNorm;
  transformSqrt: boolean;
  out: string;
}

async function hogCommand(opts: HogOptions): Promise<void> {
  const dataset = await loadDataset(opts.dataset, { log: (l) => process.stderr.write(`${l}\n`) });
  const params = {
    orientations: opts.orientations,
    pixels_per_cell: opts.pixelsPerCell,
    cells_per_block: opts.cellsPerBlock,
    block_norm: opts.blockNorm,
    transform_sqrt: opts.transformSqrt,
  };
  const t0 = performance.now();
  const { rows, cols } = writeDatasetHogNpy(dataset, opts.split, opts.out, { limit: opts.limit, params });
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write(
    `fmbench: HOG of ${rows} ${dataset.name} ${opts.split} images ${JSON.stringify(params)}: ` +
      `${cols} features each; wrote float32 (${rows}, ${cols}) to ${opts.out} in ${seconds.toFixed(2)} s\n`,
  );
}

/** The version in package.json (one directory above src/ and dist/). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

/** What a program that embeds the CLI may add, beyond its arguments. */
export interface ProgramOptions {
  /** Modules each worker of `run` imports first, to register estimators of its own (see RunGridOptions.workerModules). */
  readonly workerModules?: readonly string[];
}

export function buildProgram(options: ProgramOptions = {}): Command {
  const program = new Command();
  program
    .name("fmbench")
    .description("WebAssembly-accelerated benchmark of classical classifiers on Fashion-MNIST-style data")
    .option("--debug", "print stack traces for errors")
    .version(packageVersion(), "--version", "print fmbench's version")
    .showHelpAfterError("(add --help for usage)")
    // Usage errors read like every other error of the tool.
    .configureOutput({ outputError: (text, write) => write(`fmbench: ${text}`) });

  const hogSize = positivePair("must be a positive integer or NxM, e.g. 4 or 4x4");
  program
    .command("run")
    .description("fit and score every configuration of a grid; appends one JSON line per configuration to <out>/results.jsonl")
    .addOption(new Option("--grid <file|preset>", `grid file in the upstream baselines.json format, or a preset (${GRID_PRESETS.join(", ")})`).default("quick"))
    .addOption(new Option("--dataset <name|dir>", "fashion (bundled), mnist (downloaded to $FMBENCH_CACHE or ~/.cache/fmbench), or a directory with the four IDX files").default("fashion"))
    .addOption(new Option("--preprocess <name>", "feature scaling fitted on the training set").choices([...PREPROCESS_NAMES]).default("standard"))
    .option("--train-size <N>", "use the first N training images (default: all)", positiveInt("--train-size"))
    .option("--test-size <M>", "use the first M test images (default: all)", positiveInt("--test-size"))
    .option(
      "--validation <V>",
      "score on the last V training images instead of the test set, fitting on the rest (model selection without touching the test set)",
      positiveInt("--validation"),
    )
    .addOption(new Option("--augment <name>", "add augmented copies of the training images: hflip (each mirrored left to right); evaluation images are never augmented").choices([...AUGMENTATIONS]))
    .option("--out <dir>", "output directory", "results")
    .option("--only <regex>", "run only configurations whose 'Classifier {params}' text matches")
    .option("--seed <n>", "random seed for the training-set shuffles, and the random_state of estimators whose grid entry leaves it unset", nonNegativeInt, 0)
    .option("--workers <N>", `worker threads, at most one per core (default: the number of cores, ${availableParallelism()} here)`, positiveInt("--workers"))
    .option("--repeat <R>", "repeats per configuration, each on a reshuffled training set; stops after 2 when they agree within 1e-3", positiveInt("--repeat"), 2)
    .option("--timeout <S>", `stop a configuration after S seconds (at most ${MAX_TIMEOUT_SECONDS}) and record it as timeout (0: no limit)`, timeoutSeconds, 0)
    .option("--no-resume", "rerun configurations already ok (or rejected with a ParamError) in <out>/results.jsonl instead of skipping them")
    .option("--features <sets>", "feature sets, overriding the grid's: raw, hog, hog+raw (HOG and pixels side by side), or a list such as raw,hog")
    .option("--hog-orientations <n>", "HOG orientation bins (default 9)", positiveInt("--hog-orientations"))
    .option("--hog-pixels-per-cell <NxM>", "HOG cell size in pixels (default 8x8)", hogSize)
    .option("--hog-cells-per-block <NxM>", "HOG block size in cells (default 3x3)", hogSize)
    .addOption(new Option("--hog-block-norm <norm>", "HOG block normalization (default L2-Hys)").choices(["L1", "L1-sqrt", "L2", "L2-Hys"]))
    .option("--hog-transform-sqrt", "HOG: square-root (gamma) compression of the image first")
    .option("--no-cache", "do not read or write the feature cache ($FMBENCH_CACHE/features)")
    .option("--strict", "exit with status 1 when any configuration failed or timed out")
    .option("--shard <i/n>", "run only shard i of n (0-based) of the grid; writes <out>/results.shard-i-of-n.jsonl")
    .option("--shards <n>", "shard count, with the index taken from JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm)", positiveInt("--shards"))
    .option("--plan", "print each configuration's expected time and the run's wall time, then stop (nothing is run or written)")
    .option("--calibrate <results...>", "with --plan: results files of earlier runs of the same data (any size) to scale the expected times from, besides the bundled times of the whole grid on 2,000 images")
    .action((opts: RunOptions) => runCommand(opts, options.workerModules));

  program
    .command("merge")
    .description("merge the results files of the shards of one run; refuses a mix of grids or options, reports missing and duplicated configurations")
    .argument("<results.jsonl|dir...>", "results files, or folders whose results.shard-i-of-n.jsonl files are taken (their manifest.*.json beside them lists the whole grid)")
    .requiredOption("--out <dir>", "where to write the merged results.jsonl, manifest.json and the reports")
    .option("--strict", "exit with status 1 when configurations are missing or duplicated")
    .action((inputs: string[], opts: { out: string; strict?: boolean }) => {
      const summary = mergeResults(inputs.flatMap(shardFilesOf), opts.out);
      const ok = summary.lines.filter((l) => l.status === "ok").length;
      process.stdout.write(
        `merged ${summary.inputs} files: ${summary.lines.length} configurations (${ok} ok, ${summary.lines.length - ok} failed or timed out) -> ${summary.resultsFile}\n`,
      );
      const on = (features: string) => (features === "raw" ? "" : ` on ${features}`);
      for (const c of summary.missing) process.stdout.write(`missing: ${c.classifier} ${JSON.stringify(c.params)}${on(c.features)}\n`);
      for (const d of summary.duplicates) {
        process.stdout.write(`duplicated ${d.count}x: ${d.classifier} ${JSON.stringify(d.params)}${on(d.features)}\n`);
      }
      if (summary.missing.length > 0) process.stdout.write(`${summary.missing.length} configurations missing: rerun their shards\n`);
      if (opts.strict && (summary.missing.length > 0 || summary.duplicates.length > 0)) process.exitCode = 1;
      writeRunReports(summary.resultsFile, opts.out);
    });

  program
    .command("hog")
    .description(
      "Histogram of Oriented Gradients features of one split, as skimage.feature.hog (scikit-image 0.19) computes them, " +
        "written as a float32 NumPy .npy file of shape (images, features)",
    )
    .addOption(new Option("--dataset <name|dir>", "fashion (bundled), mnist (downloaded), or a directory with the four IDX files").default("fashion"))
    .addOption(new Option("--split <split>", "which images").choices([...SPLITS]).default("train"))
    .option("--limit <N>", "use the first N images (default: all)", positiveInt("--limit"))
    .option("--orientations <n>", "number of orientation bins over [0, 180) degrees", positiveInt("--orientations"), HOG_DEFAULTS.orientations)
    .option("--pixels-per-cell <N|ROWS,COLS>", "cell size in pixels", positivePair("--pixels-per-cell must be a positive integer N (N x N) or ROWS,COLS"), HOG_DEFAULTS.pixels_per_cell[0])
    .option("--cells-per-block <N|ROWS,COLS>", "block size in cells", positivePair("--cells-per-block must be a positive integer N (N x N) or ROWS,COLS"), HOG_DEFAULTS.cells_per_block[0])
    .addOption(new Option("--block-norm <name>", "block normalization").choices([...HOG_BLOCK_NORMS]).default(HOG_DEFAULTS.block_norm))
    .option("--transform-sqrt", "take the square root of every pixel first (power-law compression)", false)
    .requiredOption("--out <file>", "output .npy file (numpy.load reads it)")
    .addHelpText(
      "after",
      "\nExample:\n  fmbench hog --dataset fashion --split t10k --limit 1000 --orientations 9 --pixels-per-cell 4 " +
        "--cells-per-block 2 --block-norm L2-Hys --out features.npy\n  (28 x 28 images, 4 x 4 cells, 2 x 2 blocks: 1296 features per image)",
    )
    .action(hogCommand);

  program
    .command("grid")
    .description("expand a grid file or preset into its configurations")
    .argument("<file|preset>", "grid file in the upstream baselines.json format, or a preset")
    .option("--list", "print one JSON object per configuration: {\"classifier\": ..., \"params\": {...}}")
    .option("--only <regex>", "keep only configurations whose 'Classifier {params}' text matches")
    .action((spec: string, opts: { list?: boolean; only?: string }) => {
      const { grid } = loadGrid(spec);
      const configs = filterConfigs(expandGrid(grid), opts.only);
      if (opts.list) {
        for (const c of configs) process.stdout.write(`${JSON.stringify({ classifier: c.classifier, params: c.params })}\n`);
        return;
      }
      const counts = new Map<string, number>();
      for (const c of configs) counts.set(c.classifier, (counts.get(c.classifier) ?? 0) + 1);
      for (const [name, n] of counts) process.stdout.write(`${name.padEnd(30)} ${n}\n`);
      process.stdout.write(`${"total".padEnd(30)} ${configs.length}\n`);
      if (grid.features.length > 1 || grid.features[0].kind !== "raw") {
        process.stdout.write(`on ${grid.features.length} feature set(s), ${configs.length * grid.features.length} runs in all:\n`);
        for (const f of grid.features) process.stdout.write(`  ${featureName(f)}\n`);
      }
    });

  program
    .command("report")
    .description("build the result matrix and reports (md, csv, json, html, text) from a results.jsonl, complete or partial")
    .argument("<results.jsonl>", "results file written by 'fmbench run'")
    .addOption(new Option("--format <fmt>", "one format, printed to stdout unless --out is given").choices([...REPORT_FORMATS]))
    .option("--out <dir|file>", "directory (all four formats when no --format: results.md, results.csv, results.json, report.html) or file")
    .option("--config <index|regex>", "one configuration (0-based row or regex over 'Classifier {params}'): with --format text, scikit-learn's classification_report")
    .option("--compare <published|file>", "put reference scores beside ours: 'published' (the paper's Table 3) or another results file (jsonl, json, csv)")
    .option("--mcnemar <A B...>", "McNemar's exact test between two configurations (row index or regex each) on the same evaluation images")
    .action((resultsFile: string, opts: { format?: ReportFormat; out?: string; config?: string; compare?: string; mcnemar?: string[] }) => {
      const { stdout, files } = runReport(resultsFile, opts);
      if (stdout) process.stdout.write(stdout);
      for (const f of files) process.stderr.write(`fmbench: wrote ${f}\n`);
    });

  return program;
}

export async function main(argv: string[] = process.argv, options: ProgramOptions = {}): Promise<number> {
  const program = buildProgram(options);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const debug = program.opts().debug || argv.includes("--debug");
    if (err instanceof FmbenchError && !debug) {
      process.stderr.write(`fmbench: error: ${err.message}\n`);
    } else {
      process.stderr.write(`fmbench: error: ${err instanceof Error ? (debug ? err.stack : err.message) : String(err)}\n`);
      if (!(err instanceof FmbenchError) && !debug) process.stderr.write("(run with --debug for the stack trace)\n");
    }
    return 1;
  }
}

const invokedDirectly = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/fmbench");
if (invokedDirectly) {
  main().then((code) => {
    // A command may have set its own exit code (130 after Ctrl-C); errors override it.
    if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
  });
}
