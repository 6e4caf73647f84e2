import { createHash } from "node:crypto";
import { FmbenchError } from "../errors.js";
import type { GridConfig } from "../grid/grid.js";
import { configId } from "./resume.js";
import { expectedSeconds } from "./schedule.js";

/** Shard `index` (0-based) of `count`. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** Environment variables batch schedulers set to a job's index in an array. */
export const SHARD_INDEX_VARIABLES = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"] as const;

/**
 * Reads `--shard i/n`, or `--shards n` with the index from JOB_COMPLETION_INDEX
 * (Kubernetes Indexed Jobs) or SLURM_ARRAY_TASK_ID (Slurm arrays, `--array=0-(n-1)`).
 * Indices are 0-based. Returns null when the run is not sharded.
 */
export function parseShard(shard: string | undefined, shards: number | undefined, env: Readonly<Record<string, string | undefined>> = process.env): ShardSpec | null {
  if (shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shard.trim());
    if (!m) throw new FmbenchError(`--shard must look like i/n with 0 <= i < n (0-based), e.g. 0/4; got '${shard}'`);
    return checkShard(Number(m[1]), Number(m[2]), "--shard");
  }
  if (shards === undefined) return null;
  for (const name of SHARD_INDEX_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== "") {
      if (!/^\d+$/.test(value)) throw new FmbenchError(`${name} must be a non-negative integer; got '${value}'`);
      return checkShard(Number(value), shards, name);
    }
  }
  throw new FmbenchError(`--shards ${shards} needs a shard index: pass --shard i/${shards}, or set ${SHARD_INDEX_VARIABLES.join(" or ")}`);
}

function checkShard(index: number, count: number, source: string): ShardSpec {
  if (!Number.isInteger(count) || count < 1) throw new FmbenchError(`shard count must be a positive integer; got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new FmbenchError(`${source}: shard index ${index} is outside 0..${count - 1} (indices are 0-based)`);
  }
  return { index, count };
}

/** SHA-256 of the expanded grid (classifier and canonical params of every configuration, in order). */
export function gridFingerprint(configs: readonly GridConfig[]): string {
  const h = createHash("sha256");
  for (const c of configs) h.update(`${configId(c.classifier, c.params)}\n`);
  return h.digest("hex");
}

/**
 * Deterministic partition of a grid into `count` shards balanced by expected cost:
 * configurations in decreasing prior cost (ties by their key) each go to the shard
 * with the least cost so far (ties to the lowest index). Uses only the grid and the
 * training size, so every machine computes the same partition.
 */
export function shardConfigs(configs: readonly GridConfig[], spec: ShardSpec, trainRows: number): GridConfig[] {
  const items = configs.map((config, order) => ({
    config, order, key: configId(config.classifier, config.params), cost: expectedSeconds(config, trainRows),
  }));
  items.sort((a, b) => b.cost - a.cost || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.order - b.order));
  const load = new Array<number>(spec.count).fill(0);
  const mine: { config: GridConfig; order: number }[] = [];
  for (const item of items) {
    let target = 0;
    for (let s = 1; s < spec.count; s++) if (load[s] < load[target]) target = s;
    load[target] += item.cost;
    if (target === spec.index) mine.push(item);
  }
  return mine.sort((a, b) => a.order - b.order).map((m) => m.config);
}
