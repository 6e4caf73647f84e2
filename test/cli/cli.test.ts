import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "fmbench-cli-"));
const upstream = join(import.meta.dirname, "..", "..", "data", "grids", "full.json");

describe("fmbench grid", () => {
  it("lists the 143 upstream configurations as JSON lines", () => {
    const r = runCli(["grid", upstream, "--list"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(143);
    expect(JSON.parse(lines[0])).toEqual({ classifier: "PassiveAggressiveClassifier", params: { C: 1 } });
  });
});

describe("fmbench run", () => {
  it("writes one ok line per configuration with the documented fields", () => {
    const grid = join(dir, "gnb.json");
    writeFileSync(grid, JSON.stringify({ common: {}, classifiers: { GaussianNB: [{ var_smoothing: [1e-9] }] } }));
    const out = join(dir, "out1");
    const r = runCli(["run", "--grid", grid, "--train-size", "2000", "--test-size", "500", "--out", out]);
    expect(r.status).toBe(0);
    const lines = readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      classifier: "GaussianNB", params: { var_smoothing: 1e-9 }, status: "ok",
      train_size: 2000, test_size: 500, features: "raw", preprocess: "standard", dataset: "fashion",
    });
    expect(line.accuracy).toBeGreaterThan(0.5);
    expect(line.fit_seconds).toBeGreaterThanOrEqual(0);
    expect(line.predict_seconds).toBeGreaterThanOrEqual(0);
    // Metrics of the last repeat, computed in the worker, and the four report formats at the end.
    expect(line.confusion_matrix).toHaveLength(10);
    expect(line.confusion_matrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(500);
    expect(line.classification_report["T-shirt/top"].support).toBe(line.confusion_matrix[0].reduce((a: number, b: number) => a + b, 0));
    for (const f of ["results.md", "results.csv", "results.json", "report.html", "manifest.json"]) {
      expect(existsSync(join(out, f))).toBe(true);
    }
  });

  it("scores on held-out training images with --validation, and keeps those lines apart from test runs", () => {
    const grid = join(dir, "gnb-val.json");
    writeFileSync(grid, JSON.stringify({ common: {}, classifiers: { GaussianNB: [{ var_smoothing: [1e-9] }] } }));
    const out = join(dir, "out-val");
    const r = runCli(["run", "--grid", grid, "--train-size", "1000", "--validation", "500", "--repeat", "1", "--out", out]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/1000 train \/ 500 validation \(held-out training\) images/);
    const testArgs = ["run", "--grid", grid, "--train-size", "1000", "--test-size", "500", "--repeat", "1"];
    const mixed = runCli([...testArgs, "--out", out]);
    expect(mixed.status).toBe(1);
    expect(mixed.stderr).toMatch(/has evaluation "validation", this run has "test"/);
    const again = runCli([...testArgs, "--out", join(dir, "out-val-test")]);
    expect(again.status).toBe(0);
    // A report over both files (put together by hand) still tells the lines apart.
    const both = join(dir, "val-and-test.jsonl");
    writeFileSync(both, readFileSync(join(out, "results.jsonl"), "utf8") + readFileSync(join(dir, "out-val-test", "results.jsonl"), "utf8"));
    const lines = readFileSync(both, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.evaluation, l.test_size, l.status])).toEqual([["validation", 500, "ok"], ["test", 500, "ok"]]);
    expect(runCli(["report", both, "--format", "md"]).stdout).toMatch(/500 test or validation/);
  });

  it("trains on originals plus mirrored copies with --augment hflip, recorded in the line and kept apart from plain runs", () => {
    const grid = join(dir, "gnb-aug.json");
    writeFileSync(grid, JSON.stringify({ common: {}, classifiers: { GaussianNB: [{ var_smoothing: [1e-9] }] } }));
    const out = join(dir, "out-aug");
    const r = runCli(["run", "--grid", grid, "--train-size", "400", "--test-size", "200", "--augment", "hflip", "--repeat", "1", "--out", out]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/800 train \(originals \+ hflip copies\) \/ 200 test images/);
    const again = runCli(["run", "--grid", grid, "--train-size", "400", "--test-size", "200", "--augment", "hflip", "--repeat", "1", "--out", out]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/1 skipped \(already done\)/);
    const plainArgs = ["run", "--grid", grid, "--train-size", "800", "--test-size", "200", "--repeat", "1"];
    const mixed = runCli([...plainArgs, "--out", out]);
    expect(mixed.status).toBe(1);
    expect(mixed.stderr).toMatch(/has augment "hflip", this run has "none"/);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).augment).toBe("hflip");
    const plainOut = join(dir, "out-plain");
    expect(runCli([...plainArgs, "--out", plainOut]).status).toBe(0);
    expect(JSON.parse(readFileSync(join(plainOut, "manifest.json"), "utf8")).augment).toBeUndefined();
    // A report over both files (put together by hand) still tells the lines apart.
    const both = join(dir, "aug-and-plain");
    mkdirSync(both);
    writeFileSync(join(both, "results.jsonl"), readFileSync(join(out, "results.jsonl"), "utf8") + readFileSync(join(plainOut, "results.jsonl"), "utf8"));
    const lines = readFileSync(join(both, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.augment, l.train_size, l.status])).toEqual([["hflip", 800, "ok"], [undefined, 800, "ok"]]);
    expect(runCli(["report", join(both, "results.jsonl"), "--out", both]).status).toBe(0);
    const md = readFileSync(join(both, "results.md"), "utf8");
    expect(md).toMatch(/800 train \(some with mirrored copies \(hflip\)\)/);
    expect(md).toMatch(/GaussianNB \[hflip\]/);
    expect(md).toMatch(/GaussianNB \[no augmentation\]/);
    expect(readFileSync(join(both, "results.csv"), "utf8").split("\n")[0]).toMatch(/,augment$/);
    const bad = runCli(["run", "--grid", grid, "--augment", "rotate", "--out", out]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--augment.*'rotate' is invalid.*hflip/s);
  });

  it("runs each feature set of --features, a union named by its parts, and groups the report by set", () => {
    const grid = join(dir, "gnb-features.json");
    writeFileSync(grid, JSON.stringify({ common: {}, classifiers: { GaussianNB: [{ var_smoothing: [1e-9] }] } }));
    const out = join(dir, "out-features");
    const r = runCli([
      "run", "--grid", grid, "--features", "raw,hog+raw", "--hog-pixels-per-cell", "7", "--hog-cells-per-block", "2",
      "--train-size", "300", "--test-size", "100", "--repeat", "1", "--no-cache", "--out", out,
    ]);
    expect(r.status).toBe(0);
    const lines = readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.features)).toEqual(["raw", "hog(9,7x7,2x2,L2-Hys)+raw"]);
    expect(readFileSync(join(out, "results.md"), "utf8")).toContain("| GaussianNB [hog(9,7x7,2x2,L2-Hys)+raw] |");
    const bad = runCli(["run", "--grid", grid, "--features", "hog+sift", "--out", join(dir, "o-bad")]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--features: unknown feature kind 'sift'/);
  });

  it("records unknown classifiers and invalid params as failed lines and goes on", () => {
    const grid = join(dir, "mixed.json");
    writeFileSync(grid, JSON.stringify({
      common: {},
      classifiers: { Nope: [{ a: [1] }], GaussianNB: [{ var_smoothing: [-1, 1e-9] }] },
    }));
    const out = join(dir, "out2");
    const r = runCli(["run", "--grid", grid, "--train-size", "500", "--test-size", "100", "--out", out]);
    expect(r.status).toBe(0);
    const lines = readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.status).sort()).toEqual(["failed", "failed", "ok"]);
    expect(lines.find((l) => l.classifier === "Nope").error).toMatch(/unknown classifier 'Nope'/);
    const invalid = lines.find((l) => l.params.var_smoothing === -1);
    expect(invalid.error).toMatch(/parameter 'var_smoothing' must be a float in the range \[0, inf\); got -1/);
  });

  it("prints a user error as one line without a stack trace and exits non-zero", () => {
    const bad = join(dir, "corrupt");
    const r = runCli(["run", "--dataset", bad, "--out", join(dir, "o3")]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^fmbench: error: dataset directory .*corrupt does not exist$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports a corrupt dataset file by name", () => {
    const ds = join(dir, "ds");
    mkdirSync(ds);
    for (const f of ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]) {
      writeFileSync(join(ds, `${f}.gz`), "this is not gzip");
    }
    const r = runCli(["run", "--dataset", ds, "--out", join(dir, "o4")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/fmbench: error: .*-idx[13]-ubyte\.gz: not an IDX file: bad magic number/);
    const withDebug = runCli(["--debug", "run", "--dataset", ds, "--out", join(dir, "o4")]);
    expect(withDebug.stderr).toMatch(/\n\s+at /);
  });

  it("rejects bad option values with a usage error", () => {
    const r = runCli(["run", "--train-size", "-3"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--train-size must be a positive integer/);
    const p = runCli(["run", "--preprocess", "zscore"]);
    expect(p.stderr).toMatch(/Allowed choices are standard, minmax, none/);
  });

  it("ends with a short leaderboard on stdout, and --strict fails a run with a failed configuration", () => {
    const grid = join(dir, "summary.json");
    writeFileSync(grid, JSON.stringify({ classifiers: { GaussianNB: [{ var_smoothing: [1e-9, -1] }], KNeighborsClassifier: [{ n_neighbors: [5] }] } }));
    const r = runCli(["run", "--grid", grid, "--train-size", "2000", "--test-size", "1000", "--repeat", "1", "--out", join(dir, "summary"), "--strict"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/Best configuration per classifier:\n.*\n\s+1\.\s+KNeighborsClassifier\s+0\.7870\s+0\.7606–0\.8113\s+\S+ s\s+n_neighbors=5\n\s+2\.\s+GaussianNB\s+0\.5900/);
    expect(r.stdout).toMatch(/1 of 3 configurations failed or timed out:\n  #1 GaussianNB var_smoothing=-1: failed: ParamError/);
    expect(r.stderr).toMatch(/--strict: 1 configuration\(s\) failed or timed out; exit status 1/);
    const lenient = runCli(["run", "--grid", grid, "--train-size", "2000", "--test-size", "1000", "--repeat", "1", "--out", join(dir, "summary2")]);
    expect(lenient.status).toBe(0);
  });

  it("prints its version, and a usage error as the error and one line, not the whole help", () => {
    const v = runCli(["--version"]);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")).version);
    const r = runCli(["run", "--bogus"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("fmbench: error: unknown option '--bogus'\n(add --help for usage)\n");
  });

  it("has complete help for each command", () => {
    expect(runCli(["--help"]).stdout).toMatch(/run \[options\][\s\S]*grid \[options\]/);
    const help = runCli(["run", "--help"]).stdout;
    for (const flag of ["--grid", "--dataset", "--preprocess", "--train-size", "--test-size", "--out", "--only", "--seed"]) {
      expect(help).toContain(flag);
    }
  });
});
