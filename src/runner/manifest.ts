import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { GridConfig } from "../grid/grid.js";

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
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(temp, file);
}

/** The manifest beside a results file: results[.X].jsonl -> manifest[.X].json; null if absent. */
export function manifestFor(resultsFile: string): RunManifest | null {
  const name = basename(resultsFile).replace(/^results/, "manifest").replace(/\.jsonl$/, ".json");
  const file = join(dirname(resultsFile), name);
  if (name === basename(resultsFile) || !existsSync(file)) return null;
  return JSON.parse(readFileSync(file, "utf8")) as RunManifest;
}
