import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandGrid } from "../../src/grid/grid.js";
import { loadGrid } from "../../src/grid/presets.js";
import { mergeResults } from "../../src/runner/merge.js";
import { readResults } from "../../src/runner/results.js";
import { configId } from "../../src/runner/resume.js";
import { parseShard, shardConfigs } from "../../src/runner/shard.js";
import { expectedSeconds } from "../../src/runner/schedule.js";
import { runCli } from "../helpers/cli.js";

const upstream = expandGrid(loadGrid("full").grid);

describe("shard partition", () => {
  it("splits the grid into disjoint shards that cover it, the same way every time", () => {
    const shards = [0, 1, 2, 3].map((index) => shardConfigs(upstream, { index, count: 4 }, 60000));
    const ids = shards.flat().map((c) => configId(c.classifier, c.params));
    expect(ids).toHaveLength(143);
    expect(new Set(ids).size).toBe(143);
    expect(shardConfigs(upstream, { index: 2, count: 4 }, 60000)).toEqual(shards[2]);
    // Balanced by prior cost: the most loaded shard expects little more than the least loaded one.
    const costs = shards.map((s) => s.reduce((a, c) => a + expectedSeconds(c, 60000), 0));
    expect(Math.max(...costs) / Math.min(...costs)).toBeLessThan(1.2);
  });

  it("reads the index from --shard or from the scheduler's environment", () => {
    expect(parseShard("1/3", undefined)).toEqual({ index: 1, count: 3 });
    expect(parseShard(undefined, undefined)).toBeNull();
    expect(parseShard(undefined, 4, { JOB_COMPLETION_INDEX: "3" })).toEqual({ index: 3, count: 4 });
    expect(parseShard(undefined, 4, { SLURM_ARRAY_TASK_ID: "0" })).toEqual({ index: 0, count: 4 });
    expect(() => parseShard("3/3", undefined)).toThrow(/shard index 3 is outside 0\.\.2 \(indices are 0-based\)/);
    expect(() => parseShard("a/b", undefined)).toThrow(/--shard must look like i\/n/);
    expect(() => parseShard(undefined, 4, {})).toThrow(/needs a shard index: pass --shard i\/4, or set JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID/);
  });
});

describe("sharded runs and merge", () => {
  const dir = mkdtempSync(join(tmpdir(), "fmbench-shard-"));
  const grid = join(dir, "grid.json");
  writeFileSync(grid, JSON.stringify({
    common: {},
    classifiers: { GaussianNB: [{ var_smoothing: [1e-9, 1e-6, 1e-3, 1e-2, 1e-1] }], Unknown: [{ x: [1] }] },
  }));
  const base = ["run", "--grid", grid, "--train-size", "500", "--test-size", "200", "--workers", "1", "--seed", "3"];

  it("3 shards merged equal one unsharded run", () => {
    const whole = join(dir, "whole");
    expect(runCli([...base, "--out", whole]).status).toBe(0);
    const shardDir = join(dir, "shards");
    for (let i = 0; i < 3; i++) {
      const r = runCli([...base, "--out", shardDir, "--shards", "3"], { SLURM_ARRAY_TASK_ID: String(i) });
      expect(r.status).toBe(0);
    }
    const files = [0, 1, 2].map((i) => join(shardDir, `results.shard-${i}-of-3.jsonl`));
    const merged = runCli(["merge", ...files, "--out", join(dir, "merged"), "--strict"]);
    expect(merged.status).toBe(0);
    expect(merged.stdout).toMatch(/merged 3 files: 6 configurations \(5 ok, 1 failed or timed out\)/);
    const pick = (f: string) => readResults(f).lines.map((l) => [l.classifier, JSON.stringify(l.params), l.status, l.accuracy]).sort();
    expect(pick(join(dir, "merged", "results.jsonl"))).toEqual(pick(join(whole, "results.jsonl")));
  });

  it("reports the configurations of a missing shard", () => {
    const shardDir = join(dir, "shards");
    const files = [0, 2].map((i) => join(shardDir, `results.shard-${i}-of-3.jsonl`));
    const lost = readResults(join(shardDir, "results.shard-1-of-3.jsonl")).lines;
    expect(lost.length).toBeGreaterThan(0);
    const r = runCli(["merge", ...files, "--out", join(dir, "partial"), "--strict"]);
    expect(r.status).toBe(1);
    for (const line of lost) expect(r.stdout).toContain(`missing: ${line.classifier} ${JSON.stringify(line.params)}`);
    expect(r.stdout).toMatch(new RegExp(`${lost.length} configurations missing`));
  });

  it("refuses to merge runs with different options, naming the difference", () => {
    const other = join(dir, "other");
    expect(runCli(["run", "--grid", grid, "--train-size", "400", "--test-size", "200", "--workers", "1", "--seed", "3", "--out", other]).status).toBe(0);
    const r = runCli(["merge", join(dir, "whole", "results.jsonl"), join(other, "results.jsonl"), "--out", join(dir, "mix")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot merge: the inputs differ in train_size: .*whole\/results\.jsonl has 500, .*other\/results\.jsonl has 400/);
  });

  it("refuses to merge a run on mirrored training copies with a plain one of the same size", () => {
    const mirrored = join(dir, "mirrored");
    expect(runCli(["run", "--grid", grid, "--train-size", "250", "--augment", "hflip", "--test-size", "200", "--workers", "1", "--seed", "3", "--out", mirrored]).status).toBe(0);
    const r = runCli(["merge", join(dir, "whole", "results.jsonl"), join(mirrored, "results.jsonl"), "--out", join(dir, "mix-aug")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot merge: the inputs differ in augment: .*whole\/results\.jsonl has "none", .*mirrored\/results\.jsonl has "hflip"/);
  });

  it("reports duplicated configurations", () => {
    const r = runCli(["merge", join(dir, "whole", "results.jsonl"), join(dir, "shards", "results.shard-0-of-3.jsonl"), "--out", join(dir, "dup")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/duplicated 2x: /);
    const text = readFileSync(join(dir, "dup", "results.jsonl"), "utf8").trim().split("\n");
    expect(text).toHaveLength(6);
  });
});
