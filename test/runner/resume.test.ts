import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readResults } from "../../src/runner/results.js";
import { configKey, latestLines, repairTornTail } from "../../src/runner/resume.js";
import { CLI, runCli } from "../helpers/cli.js";

const env = { FMBENCH_TEST_ESTIMATORS: "1" };
const dir = mkdtempSync(join(tmpdir(), "fmbench-resume-"));

/** A grid of `n` FailureProbe configurations that each sleep `seconds`. */
function sleepGrid(n: number, seconds: number): string {
  const file = join(dir, `sleep-${n}-${seconds}.json`);
  writeFileSync(file, JSON.stringify({
    common: {},
    classifiers: { FailureProbe: [{ mode: ["sleep"], seconds: Array.from({ length: n }, (_, i) => seconds + i / 1000) }] },
  }));
  return file;
}

function lineCount(file: string): number {
  try {
    return readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).length;
  } catch {
    return 0;
  }
}

/** Starts the CLI and sends `signal` once `after` result lines are on disk. */
function runUntil(args: string[], resultsFile: string, after: number, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setInterval(() => {
      if (lineCount(resultsFile) >= after) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 50);
    child.on("exit", (code) => {
      clearInterval(timer);
      resolve({ code, stderr });
    });
  });
}

describe("resume after a crash of the main process", () => {
  it("a run killed with SIGKILL and rerun ends with every configuration exactly once", async () => {
    const out = join(dir, "kill");
    const results = join(out, "results.jsonl");
    const args = ["run", "--grid", sleepGrid(8, 0.4), "--train-size", "200", "--test-size", "50", "--workers", "2", "--repeat", "1", "--out", out];
    const killed = await runUntil(args, results, 2, "SIGKILL");
    expect(killed.code).toBe(null);
    const before = lineCount(results);
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(8);
    // Simulate the worst case: a torn last line from a write cut short.
    appendFileSync(results, '{"classifier":"FailureProbe","par');
    const rerun = runCli(args, env);
    expect(rerun.status).toBe(0);
    expect(rerun.stderr).toContain(`${before} already done`);
    const { lines, skipped } = readResults(results);
    expect(skipped).toEqual([]);
    const keys = lines.map((l) => JSON.stringify(l.params));
    expect(keys).toHaveLength(8);
    expect(new Set(keys).size).toBe(8);
    expect(lines.every((l) => l.status === "ok")).toBe(true);
  });

  it("Ctrl-C stops cleanly, keeps finished results and says how to resume", async () => {
    const out = join(dir, "sigint");
    const results = join(out, "results.jsonl");
    const args = ["run", "--grid", sleepGrid(6, 0.5), "--train-size", "200", "--test-size", "50", "--workers", "1", "--repeat", "1", "--out", out];
    const stopped = await runUntil(args, results, 1, "SIGINT");
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted; \d+ of 6 configurations finished and are saved in .*results\.jsonl\. Run the same command again to resume/);
    const n = lineCount(results);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThan(6);
  });
});

describe("results file helpers", () => {
  it("cuts a torn last line", () => {
    const f = join(dir, "torn.jsonl");
    writeFileSync(f, '{"classifier":"A"}\n{"classifier":"B"}\n{"classi');
    expect(repairTornTail(f)).toBe(8);
    expect(readFileSync(f, "utf8")).toBe('{"classifier":"A"}\n{"classifier":"B"}\n');
    expect(repairTornTail(f)).toBe(0);
  });

  it("keys configurations independently of parameter order", () => {
    const id = { dataset: "fashion", features: "raw", preprocess: "standard", train_size: 1, test_size: 1 };
    expect(configKey("SVC", { C: 1, kernel: "rbf" }, id)).toBe(configKey("SVC", { kernel: "rbf", C: 1 }, id));
    expect(configKey("SVC", { C: 1 }, id)).not.toBe(configKey("SVC", { C: 1 }, { ...id, train_size: 2 }));
  });

  it("keeps the last line per configuration", () => {
    const base = { dataset: "fashion", features: "raw", preprocess: "standard", train_size: 1, test_size: 1, seed: 0, finished_at: "" };
    const a = { ...base, classifier: "A", params: {}, status: "failed" as const, accuracy: null, fit_seconds: null, predict_seconds: null };
    const b = { ...a, status: "ok" as const, accuracy: 0.5 };
    expect(latestLines([a, b])).toEqual([b]);
  });
});
