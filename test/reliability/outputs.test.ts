import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NpyWriter } from "../../src/features/npy.js";
import { readResults } from "../../src/runner/results.js";
import { CLI_WITH_FAILURE_PROBE, runCli, startCli } from "../helpers/cli.js";

// Results already on disk are never lost, overwritten or mixed: probes of a hostile user.

const dir = mkdtempSync(join(tmpdir(), "fmbench-outputs-"));

function gnbGrid(name: string, smoothings: number[] = [1e-9]): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ classifiers: { GaussianNB: [{ var_smoothing: smoothings }] } }));
  return file;
}

/** A grid of `n` FailureProbe configurations that each sleep `seconds`. */
function sleepGrid(n: number, seconds: number): string {
  const file = join(dir, `sleep-${n}-${seconds}.json`);
  writeFileSync(file, JSON.stringify({
    classifiers: { FailureProbe: [{ mode: ["sleep"], seconds: Array.from({ length: n }, (_, i) => seconds + i / 1000) }] },
  }));
  return file;
}

const small = ["--train-size", "200", "--test-size", "50", "--repeat", "1"];

function lineCount(file: string): number {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).length : 0;
}

/** Resolves once `test` holds, polling every 50 ms. */
async function until(test: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("merge never destroys results", () => {
  it("refuses a file that is not a results file, exits non-zero and leaves the folder as it was", () => {
    const out = join(dir, "merge-bad");
    expect(runCli(["run", "--grid", gnbGrid("m1"), ...small, "--out", out]).status).toBe(0);
    const before = readFileSync(join(out, "results.jsonl"));
    const notes = join(dir, "notes.txt");
    writeFileSync(notes, "these are my notes\nnot results\n");
    const r = runCli(["merge", notes, "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/merge: .*notes\.txt is not an fmbench results file \(no line of it is a result line\)/);
    expect(r.stdout).toBe("");
    expect(readFileSync(join(out, "results.jsonl"))).toEqual(before);
    const folder = runCli(["merge", dir, "--out", join(dir, "merge-dir")]);
    expect(folder.status).toBe(1);
    expect(folder.stderr).toMatch(/merge: .* holds no results.shard-i-of-n.jsonl files/);
  });

  it("refuses to write over another run's results.jsonl", () => {
    const a = join(dir, "merge-a");
    const b = join(dir, "merge-b");
    expect(runCli(["run", "--grid", gnbGrid("m2"), ...small, "--out", a]).status).toBe(0);
    expect(runCli(["run", "--grid", gnbGrid("m3", [1e-3]), ...small, "--out", b]).status).toBe(0);
    const before = readFileSync(join(b, "results.jsonl"));
    const r = runCli(["merge", join(a, "results.jsonl"), "--out", b]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/merge-b\/results\.jsonl already exists .*nothing was written\. Choose another --out/);
    expect(readFileSync(join(b, "results.jsonl"))).toEqual(before);
    const fresh = runCli(["merge", join(a, "results.jsonl"), "--out", join(dir, "merge-fresh")]);
    expect(fresh.status).toBe(0);
    expect(lineCount(join(dir, "merge-fresh", "results.jsonl"))).toBe(1);
  });

  it("a shard with no configurations leaves an empty results file, so the shards merge by name", () => {
    const out = join(dir, "shards");
    const grid = gnbGrid("one");
    const empty = runCli(["run", "--grid", grid, ...small, "--shard", "1/2", "--out", out]);
    expect(empty.status).toBe(0);
    expect(readFileSync(join(out, "results.shard-1-of-2.jsonl"), "utf8")).toBe("");
    expect(runCli(["run", "--grid", grid, ...small, "--shard", "0/2", "--out", out]).status).toBe(0);
    const merged = runCli(["merge", join(out, "results.shard-0-of-2.jsonl"), join(out, "results.shard-1-of-2.jsonl"), "--out", join(out, "all")]);
    expect(merged.status).toBe(0);
    expect(merged.stdout).toMatch(/merged 2 files: 1 configurations/);
    // Shards share the folder: none wrote reports there; the merge of the folder writes them.
    expect(existsSync(join(out, "results.md"))).toBe(false);
    expect(empty.stderr).toMatch(/shard 1\/2 writes no reports/);
    const byFolder = runCli(["merge", out, "--out", join(out, "merged")]);
    expect(byFolder.status).toBe(0);
    expect(byFolder.stdout).toMatch(/merged 2 files: 1 configurations/);
    for (const f of ["results.md", "results.csv", "results.json", "report.html"]) expect(existsSync(join(out, "merged", f))).toBe(true);
  });
});

describe("reports and feature files never replace results", () => {
  it("report --out refuses to write over its results file, or any .jsonl", () => {
    const out = join(dir, "report-over");
    expect(runCli(["run", "--grid", gnbGrid("ro"), ...small, "--out", out]).status).toBe(0);
    const results = join(out, "results.jsonl");
    const before = readFileSync(results);
    const r = runCli(["report", results, "--format", "md", "--out", results]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/would write the md report over a results file; choose a file named for its format, such as results\.md/);
    expect(runCli(["report", results, "--format", "csv", "--out", join(dir, "other.jsonl")]).status).toBe(1);
    expect(readFileSync(results)).toEqual(before);
  });

  it("hog writes its .npy whole or not at all", () => {
    const target = join(dir, "feat.npy");
    writeFileSync(target, "an older file");
    const cut = new NpyWriter(target, 2, 2);
    cut.append(new Float32Array(2)); // a write cut short: half the values
    expect(() => cut.close()).toThrow(/2 values written, the header promises 2 x 2/);
    expect(readFileSync(target, "utf8")).toBe("an older file");
    const ok = runCli(["hog", "--split", "t10k", "--limit", "5", "--pixels-per-cell", "7", "--cells-per-block", "2", "--out", target]);
    expect(ok.status).toBe(0);
    expect(readFileSync(target).subarray(1, 6).toString()).toBe("NUMPY");
    expect(readdirSync(dir).filter((f) => f.startsWith("feat.npy.part"))).toEqual([]);
  });
});

describe("one run per output directory", () => {
  it("refuses a second run on the same --out while the first runs, and the first ends with each configuration once", async () => {
    const out = join(dir, "concurrent");
    const results = join(out, "results.jsonl");
    const args = ["run", "--grid", sleepGrid(4, 0.5), ...small, "--workers", "1", "--out", out];
    const first = startCli(args, {}, CLI_WITH_FAILURE_PROBE);
    await until(() => existsSync(`${results}.lock`));
    const second = runCli(args, {}, CLI_WITH_FAILURE_PROBE);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/results\.jsonl is being written by another fmbench run \(pid \d+ on .*\); nothing was changed\. Wait for it to end, or choose another --out/);
    const r = await first.done;
    expect(r.status).toBe(0);
    expect(lineCount(results)).toBe(4);
    expect(existsSync(`${results}.lock`)).toBe(false);
  });

  it("refuses a run with other sizes or scaling on an --out that holds another run, changing nothing", () => {
    const out = join(dir, "identity");
    const grid = gnbGrid("id");
    expect(runCli(["run", "--grid", grid, ...small, "--out", out]).status).toBe(0);
    const results = readFileSync(join(out, "results.jsonl"));
    const manifest = readFileSync(join(out, "manifest.json"));
    const other = runCli(["run", "--grid", grid, "--train-size", "300", "--test-size", "50", "--repeat", "1", "--out", out]);
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/holds the results of another run: .*manifest\.json has train_size 200, this run has 300\. Nothing was changed\. Choose another --out/);
    const scaled = runCli(["run", "--grid", grid, ...small, "--preprocess", "minmax", "--out", out]);
    expect(scaled.stderr).toMatch(/has preprocess "standard", this run has "minmax"/);
    const seeded = runCli(["run", "--grid", grid, ...small, "--seed", "7", "--out", out]);
    expect(seeded.stderr).toMatch(/has seed 0, this run has 7/);
    expect(readFileSync(join(out, "results.jsonl"))).toEqual(results);
    expect(readFileSync(join(out, "manifest.json"))).toEqual(manifest);
  });

  it("lets the parts of one grid (--only) share an --out, and the manifest names the whole grid", () => {
    const out = join(dir, "parts");
    const grid = gnbGrid("parts", [1e-9, 1e-3]);
    expect(runCli(["run", "--grid", grid, ...small, "--only", "1e-9", "--out", out]).status).toBe(0);
    const second = runCli(["run", "--grid", grid, ...small, "--only", "0.001", "--out", out]);
    expect(second.status).toBe(0);
    expect(lineCount(join(out, "results.jsonl"))).toBe(2);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).configs).toHaveLength(2);
  });

  it("names a results.jsonl that is a directory, and leaves it alone", () => {
    const out = join(dir, "results-dir");
    mkdirSync(join(out, "results.jsonl"), { recursive: true });
    const r = runCli(["run", "--grid", gnbGrid("rd"), ...small, "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/results-dir\/results\.jsonl is not a file, where a results file was expected/);
    expect(existsSync(join(out, "results.jsonl.lock"))).toBe(false);
  });

  it("names a manifest.json that is not fmbench's, and changes nothing", () => {
    const out = join(dir, "foreign-manifest");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "manifest.json"), JSON.stringify({ grid_sha256: "x", feature_sets: "abc", configs: 5 }));
    const r = runCli(["run", "--grid", gnbGrid("fm"), ...small, "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/foreign-manifest\/manifest\.json is not an fmbench run manifest; move it away if it is not fmbench's/);
    expect(existsSync(join(out, "results.jsonl"))).toBe(false);
  });

  it("fails at once, naming the directory, for an --out where nothing can be created", () => {
    const started = Date.now();
    const r = runCli(["run", "--grid", gnbGrid("proc"), ...small, "--out", "/proc/fmbench-probe/out"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot create output directory \/proc\/fmbench-probe\/out: mkdir \/proc\/fmbench-probe: ENOENT/);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});

/** Starts the CLI and sends `signal` once `after` result lines are on disk. */
async function runUntil(args: string[], resultsFile: string, after: number, signal: NodeJS.Signals) {
  const run = startCli(args, {}, CLI_WITH_FAILURE_PROBE);
  await until(() => lineCount(resultsFile) >= after || run.child.exitCode !== null);
  run.child.kill(signal);
  return run.done;
}

describe("interruption", () => {
  it("a run killed with SIGKILL leaves its lock, and the rerun takes it over and ends with every configuration exactly once", async () => {
    const out = join(dir, "kill");
    const results = join(out, "results.jsonl");
    const args = ["run", "--grid", sleepGrid(8, 0.4), ...small, "--workers", "2", "--out", out];
    const killed = await runUntil(args, results, 2, "SIGKILL");
    expect(killed.status).toBe(null);
    expect(existsSync(`${results}.lock`)).toBe(true);
    const before = lineCount(results);
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(8);
    // The worst case: a torn last line from a write cut short.
    appendFileSync(results, '{"classifier":"FailureProbe","par');
    const rerun = runCli(args, {}, CLI_WITH_FAILURE_PROBE);
    expect(rerun.status).toBe(0);
    expect(rerun.stderr).toContain(`${before} already done`);
    const { lines, skipped } = readResults(results);
    expect(skipped).toEqual([]);
    const keys = lines.map((l) => JSON.stringify(l.params));
    expect(keys).toHaveLength(8);
    expect(new Set(keys).size).toBe(8);
    expect(lines.every((l) => l.status === "ok")).toBe(true);
    expect(existsSync(`${results}.lock`)).toBe(false);
  });

  it("Ctrl-C stops cleanly, keeps finished results and says how to resume", async () => {
    const out = join(dir, "sigint");
    const results = join(out, "results.jsonl");
    const args = ["run", "--grid", sleepGrid(6, 0.5), ...small, "--workers", "1", "--out", out];
    const stopped = await runUntil(args, results, 1, "SIGINT");
    expect(stopped.status).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted; \d+ of 6 configurations finished and are saved in .*results\.jsonl\. Run the same command again to resume/);
    const n = lineCount(results);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThan(6);
    expect(existsSync(`${results}.lock`)).toBe(false);
  });

  it("Ctrl-C before the grid starts (while the data is read) ends the run at once", async () => {
    const out = join(dir, "sigint-early");
    const run = startCli(["run", "--grid", gnbGrid("early"), "--repeat", "1", "--out", out], {}, CLI_WITH_FAILURE_PROBE);
    await until(() => existsSync(join(out, "results.jsonl.lock")) || run.child.exitCode !== null);
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.status).toBe(130);
    expect(existsSync(join(out, "results.jsonl.lock"))).toBe(false);
  });
});
