import { copyFileSync, existsSync, linkSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { FmbenchError } from "../errors.js";
import type { GridConfig } from "../grid/grid.js";
import { makeDirectory } from "../files.js";
import { RUN_IDENTITY_FIELDS, identityValue, manifestFor, writeManifest, type RunManifest } from "./manifest.js";
import { lockResults } from "./lock.js";
import { isPredictionsPath } from "./predictions.js";
import { readResultsFile, type ResultLine } from "./results.js";
import { configId } from "./resume.js";

/** Fields that must agree between results files for them to be merged: one run's, and its feature sets. */
const IDENTITY_FIELDS = [...RUN_IDENTITY_FIELDS, "feature_sets"] as const;

export interface MergeSummary {
  readonly resultsFile: string;
  readonly lines: ResultLine[];
  /** Configurations (per feature set) of the grid with no line in any input. */
  readonly missing: (GridConfig & { readonly features: string })[];
  /** Configurations with more than one line across the inputs (the kept line is the ok one, else the latest). */
  readonly duplicates: { readonly classifier: string; readonly params: GridConfig["params"]; readonly features: string; readonly count: number }[];
  readonly inputs: number;
}

function describe(v: unknown): string {
  return v === undefined ? "(absent)" : JSON.stringify(v);
}

/**
 * The results files a merge input names: the file itself, or for a folder its
 * `results.shard-i-of-n.jsonl` files (all of one shard count, in index order).
 */
export function shardFilesOf(input: string): string[] {
  if (!existsSync(input) || !statSync(input).isDirectory()) return [input];
  const found = readdirSync(input)
    .map((name) => ({ name, m: /^results\.shard-(\d+)-of-(\d+)\.jsonl$/.exec(name) }))
    .filter((f): f is { name: string; m: RegExpExecArray } => f.m !== null);
  if (found.length === 0) throw new FmbenchError(`merge: ${input} holds no results.shard-i-of-n.jsonl files`);
  const counts = [...new Set(found.map((f) => f.m[2]))];
  if (counts.length > 1) {
    throw new FmbenchError(`merge: ${input} holds shards of ${counts.map((c) => `${c}`).join(" and ")}-shard runs; name the files of one run`);
  }
  return found.sort((a, b) => Number(a.m[1]) - Number(b.m[1])).map((f) => join(input, f.name));
}

/**
 * Merges the results files of the shards of one run (or of any runs of the same
 * grid and options). Refuses inputs that differ in grid or options, naming the field
 * and the files; reports missing and duplicated configurations; writes
 * <out>/results.jsonl and <out>/manifest.json in grid order.
 */
export function mergeResults(files: readonly string[], out: string): MergeSummary {
  if (files.length === 0) throw new FmbenchError("merge needs at least one results file");
  const identity = new Map<string, { value: unknown; file: string }>();
  const all: { line: ResultLine; file: string }[] = [];
  let manifest: RunManifest | null = null;
  for (const file of files) {
    const { lines, skipped } = readResultsFile(file, "merge");
    const m = manifestFor(file);
    if (lines.length === 0 && m === null) {
      throw new FmbenchError(`merge: ${file} is not an fmbench results file (it is empty and has no manifest beside it)`);
    }
    if (skipped.length > 0) process.emitWarning(`${file}: ignored ${skipped.length} unreadable line(s) (${skipped.join(", ")})`);
    manifest ??= m;
    const sources: Record<string, unknown>[] = [...(m ? [m as unknown as Record<string, unknown>] : []), ...(lines as unknown as Record<string, unknown>[])];
    for (const src of sources) {
      for (const field of IDENTITY_FIELDS) {
        // Lines and manifests carry "augment" only when there is one: absent means none.
        if (!(field in src) && field !== "augment" && field !== "evaluation") continue;
        const value = identityValue(src, field);
        const seen = identity.get(field);
        if (!seen) identity.set(field, { value, file });
        else if (JSON.stringify(seen.value) !== JSON.stringify(value)) {
          throw new FmbenchError(
            `cannot merge: the inputs differ in ${field}: ${seen.file} has ${describe(seen.value)}, ${file} has ${describe(value)}`,
          );
        }
      }
    }
    for (const line of lines) all.push({ line, file });
  }

  const sourceOf = new Map(all.map(({ line, file }) => [line, file]));
  const groups = new Map<string, ResultLine[]>();
  for (const { line } of all) {
    const id = `${configId(line.classifier, line.params)}|${line.features}`;
    const list = groups.get(id) ?? [];
    list.push(line);
    groups.set(id, list);
  }
  const keep = (lines: ResultLine[]): ResultLine => {
    const ok = lines.filter((l) => l.status === "ok");
    const pool = ok.length > 0 ? ok : lines;
    return pool.reduce((a, b) => (String(b.finished_at) > String(a.finished_at) ? b : a));
  };
  const duplicates = [...groups.values()].filter((g) => g.length > 1)
    .map((g) => ({ classifier: g[0].classifier, params: g[0].params, features: g[0].features, count: g.length }));

  const order = (manifest?.feature_sets ?? []).flatMap((features) => (manifest?.configs ?? []).map((c) => ({ ...c, features })));
  const idOf = (c: { classifier: string; params: GridConfig["params"]; features: string }) => `${configId(c.classifier, c.params)}|${c.features}`;
  const missing = order.filter((c) => !groups.has(idOf(c)));
  const position = new Map(order.map((c, i) => [idOf(c), i]));
  const merged = [...groups.entries()]
    .sort(([a], [b]) => (position.get(a) ?? Infinity) - (position.get(b) ?? Infinity))
    .map(([, g]) => keep(g));

  const resultsFile = join(out, "results.jsonl");
  if (files.some((f) => resolve(f) === resolve(resultsFile))) {
    throw new FmbenchError(`merge: --out ${out} would overwrite the input ${resultsFile}; choose another directory`);
  }
  const lock = lockResults(resultsFile);
  try {
    // Never over another run's results: the merged file is linked into place only where none is.
    if (existsSync(resultsFile)) {
      throw new FmbenchError(`merge: ${resultsFile} already exists (the results of another run or merge); nothing was written. Choose another --out, or move that file away`);
    }
    const temp = `${resultsFile}.merge-${process.pid}.tmp`;
    writeFileSync(temp, merged.map(({ shard: _shard, ...line }) => `${JSON.stringify(line)}\n`).join(""));
    try {
      linkSync(temp, resultsFile);
    } finally {
      rmSync(temp, { force: true });
    }
    if (manifest) writeManifest(join(out, "manifest.json"), { ...manifest, shard: null, shard_configs: manifest.configs.length });
    copyPredictions(merged, sourceOf, out);
  } finally {
    lock.release();
  }
  return { resultsFile, lines: merged.map(({ shard: _shard, ...line }) => line as ResultLine), missing, duplicates, inputs: files.length };
}

/** Copies the predictions and evaluation labels the merged lines name from their shards' folders into `out`. */
function copyPredictions(lines: readonly ResultLine[], sourceOf: ReadonlyMap<ResultLine, string>, out: string): void {
  for (const line of lines) {
    const from = dirname(sourceOf.get(line)!);
    for (const relative of [line.predictions_file, line.evaluation_labels_file]) {
      if (!isPredictionsPath(relative) || !existsSync(join(from, relative)) || existsSync(join(out, relative))) continue;
      makeDirectory(dirname(join(out, relative)));
      copyFileSync(join(from, relative), join(out, relative));
    }
  }
}
