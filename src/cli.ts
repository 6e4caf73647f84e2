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
import { REPORT_FORMATS, runReport, type ReportFormat } from "./report/index.js";

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

  program
    .command("report")
    .description("build the result matrix and reports (md, csv, json, html, text) from a results.jsonl, complete or partial")
    .argument("<results.jsonl>", "results file written by 'fmbench run'")
    .addOption(new Option("--format <fmt>", "one format, printed to stdout unless --out is given").choices([...REPORT_FORMATS]))
    .option("--out <dir|file>", "directory (all four formats when no --format: results.md, results.csv, results.json, report.html) or file")
    .option("--config <index|regex>", "one configuration (0-based row or regex over 'Classifier {params}'): with --format text, scikit-learn's classification_report")
    .option("--compare <published|file>", "put reference scores beside ours: 'published' (the paper's Table 3) or another results file (jsonl, json, csv)")
    .action((resultsFile: string, opts: { format?: ReportFormat; out?: string; config?: string; compare?: string }) => {
      const { stdout, files } = runReport(resultsFile, opts);
      if (stdout) process.stdout.write(stdout);
      for (const f of files) process.stderr.write(`fmbench: wrote ${f}\n`);
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
