#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from "commander";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { FmbenchError } from "./errors.js";
import { expandGrid, type GridConfig } from "./grid/grid.js";
import { GRID_PRESETS, loadGrid } from "./grid/presets.js";
import { prepareData } from "./data/prepare.js";
import { loadDataset } from "./data/registry.js";
import { PREPROCESS_NAMES, checkPreprocess } from "./data/scalers.js";
import { runSequential } from "./runner/sequential.js";
import { HOG_BLOCK_NORMS, HOG_DEFAULTS, SPLITS, writeDatasetHogNpy, type HogBlockNorm, type Split } from "./features/hog.js";

// Argument parsing only: every command calls the library.

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a non-negative integer");
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
  trainSize?: number;
  testSize?: number;
  out: string;
  only?: string;
  seed: number;
}

async function runCommand(opts: RunOptions): Promise<void> {
  const { grid, source } = loadGrid(opts.grid);
  const configs = filterConfigs(expandGrid(grid), opts.only);
  if (configs.length === 0) throw new FmbenchError(`no configuration of grid '${source}' matches --only '${opts.only}'`);
  const preprocess = checkPreprocess(opts.preprocess);
  const t0 = performance.now();
  const dataset = await loadDataset(opts.dataset, { log: (l) => process.stderr.write(`${l}\n`) });
  const data = prepareData(dataset, { preprocess, trainSize: opts.trainSize, testSize: opts.testSize });
  const resultsFile = join(opts.out, "results.jsonl");
  process.stderr.write(
    `fmbench: ${configs.length} configurations of grid '${source}' on ${dataset.name} ` +
      `(${data.Xtrain.rows} train / ${data.Xtest.rows} test, ${preprocess} scaling; ` +
      `data ready in ${((performance.now() - t0) / 1000).toFixed(2)} s)\n`,
  );
  let failed = 0;
  runSequential(configs, data, {
    resultsFile,
    seed: opts.seed,
    onResult: (line, i, total) => {
      if (line.status !== "ok") failed++;
      const what = `${line.classifier} ${JSON.stringify(line.params)}`;
      const outcome = line.status === "ok"
        ? `accuracy ${line.accuracy!.toFixed(4)}  fit ${line.fit_seconds!.toFixed(2)} s  predict ${line.predict_seconds!.toFixed(2)} s`
        : `${line.status.toUpperCase()}: ${line.error}`;
      process.stderr.write(`[${i + 1}/${total}] ${what}  ${outcome}\n`);
    },
  });
  process.stderr.write(`fmbench: done, ${configs.length - failed} ok, ${failed} failed; results in ${resultsFile}\n`);
}

/** "4" -> 4; "4,8" or "4x8" -> [4, 8] (rows, cols). */
function intPair(name: string) {
  return (value: string): number | [number, number] => {
    const parts = value.split(/[,x]/).map((p) => p.trim());
    const nums = parts.map(Number);
    if ((parts.length !== 1 && parts.length !== 2) || !nums.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new InvalidArgumentError(`${name} must be a positive integer N (N x N) or ROWS,COLS`);
    }
    return nums.length === 1 ? nums[0] : [nums[0], nums[1]];
  };
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

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("fmbench")
    .description("WebAssembly-accelerated benchmark of classical classifiers on Fashion-MNIST-style data")
    .option("--debug", "print stack traces for errors")
    .showHelpAfterError();

  program
    .command("run")
    .description("fit and score every configuration of a grid; appends one JSON line per configuration to <out>/results.jsonl")
    .addOption(new Option("--grid <file|preset>", `grid file in the upstream baselines.json format, or a preset (${GRID_PRESETS.join(", ")})`).default("quick"))
    .addOption(new Option("--dataset <name|dir>", "fashion (bundled), mnist (downloaded to $FMBENCH_CACHE or ~/.cache/fmbench), or a directory with the four IDX files").default("fashion"))
    .addOption(new Option("--preprocess <name>", "feature scaling fitted on the training set").choices([...PREPROCESS_NAMES]).default("standard"))
    .option("--train-size <N>", "use the first N training images (default: all)", positiveInt("--train-size"))
    .option("--test-size <M>", "use the first M test images (default: all)", positiveInt("--test-size"))
    .option("--out <dir>", "output directory", "results")
    .option("--only <regex>", "run only configurations whose 'Classifier {params}' text matches")
    .option("--seed <n>", "random seed", nonNegativeInt, 0)
    .action(runCommand);

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
    .option("--pixels-per-cell <N|ROWS,COLS>", "cell size in pixels", intPair("--pixels-per-cell"), HOG_DEFAULTS.pixels_per_cell[0])
    .option("--cells-per-block <N|ROWS,COLS>", "block size in cells", intPair("--cells-per-block"), HOG_DEFAULTS.cells_per_block[0])
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
    });

  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
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
    process.exitCode = code;
  });
}
