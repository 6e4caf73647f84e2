import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { FmbenchError } from "../errors.js";
import type { GridConfig } from "../grid/grid.js";
import { makeDirectory } from "../files.js";

/** Written next to each results file: which grid and options produced it. */
export interface RunManifest {
  readonly grid: string | null;
  readonly grid_sha256: string;
  /** "i/n" for a shard, null for a whole run. */
  readonly shard: string | null;
  readonly dataset: string;
  /** Every feature set of the run; each configuration runs on each. */
  readonly feature_sets: readonly string[];
  readonly preprocess: string;
  readonly train_size: number;
  readonly test_size: number;
  /** "test" or "validation" (held-out training images); older manifests lack it. */
  readonly evaluation?: string;
  /** The training-set augmentation, when there is one. */
  readonly augment?: string;
  readonly seed: number;
  readonly repeats: number;
  /** Every configuration of the grid (not just this shard's), in grid order. */
  readonly configs: readonly GridConfig[];
  readonly shard_configs: number;
}

export function writeManifest(file: string, manifest: RunManifest): void {
  makeDirectory(dirname(file));
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(temp, file);
}

/** Where the manifest of a results file goes: results[.X].jsonl -> manifest[.X].json; null for another name. */
export function manifestPath(resultsFile: string): string | null {
  const name = basename(resultsFile).replace(/^results/, "manifest").replace(/\.jsonl$/, ".json");
  return name === basename(resultsFile) ? null : join(dirname(resultsFile), name);
}

/** The manifest beside a results file; null if absent. */
export function manifestFor(resultsFile: string): RunManifest | null {
  const file = manifestPath(resultsFile);
  if (file === null || !existsSync(file)) return null;
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const why = err instanceof SyntaxError ? "not valid JSON" : ((err as NodeJS.ErrnoException).code ?? (err as Error).message);
    throw new FmbenchError(`${file}: cannot read this run manifest (${why}); move it away if it is not fmbench's`);
  }
  const m = manifest as RunManifest;
  if (typeof manifest !== "object" || manifest === null || typeof m.grid_sha256 !== "string"
    || !Array.isArray(m.feature_sets) || !m.feature_sets.every((f) => typeof f === "string") || !Array.isArray(m.configs)) {
    throw new FmbenchError(`${file} is not an fmbench run manifest; move it away if it is not fmbench's`);
  }
  return manifest as RunManifest;
}

/**
 * What makes results comparable: the grid, the data and its sizes, the scaling, the
 * augmentation, the seed and the repeats. An output folder holds one such run (its
 * feature sets and configurations may be run in parts); shards merge only when they agree.
 */
export const RUN_IDENTITY_FIELDS = ["grid_sha256", "dataset", "preprocess", "train_size", "test_size", "evaluation", "augment", "seed", "repeats"] as const;

/** A field of a manifest or result line; absent `evaluation` means "test" and absent `augment` "none". */
export function identityValue(source: Readonly<Record<string, unknown>>, field: string): unknown {
  if (field === "augment") return source.augment ?? "none";
  if (field === "evaluation") return source.evaluation ?? "test";
  return source[field];
}

/** The first identity field in which a manifest or line differs from this run's, ignoring fields it lacks. */
export function identityDifference(
  recorded: Readonly<Record<string, unknown>>, current: Readonly<Record<string, unknown>>,
): { field: string; recorded: unknown; current: unknown } | null {
  for (const field of RUN_IDENTITY_FIELDS) {
    if (field !== "augment" && field !== "evaluation" && !(field in recorded)) continue;
    const a = identityValue(recorded, field);
    const b = identityValue(current, field);
    if (JSON.stringify(a) !== JSON.stringify(b)) return { field, recorded: a, current: b };
  }
  return null;
}
