import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readResults } from "../../src/runner/results.js";

// Runs examples/*.mjs as a user would: node against the built dist/ (npm test builds it
// first), importing "fmbench" through package.json's exports, with the release WASM.
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const { FMBENCH_WASM: _debugWasm, ...userEnv } = process.env;

function runExample(name: string, args: string[] = []): string {
  expect(existsSync(join(ROOT, "dist/index.js")), "dist/ is missing: run npm run build").toBe(true);
  const r = spawnSync(process.execPath, [join(ROOT, "examples", name), ...args], {
    cwd: ROOT, encoding: "utf8", env: userEnv, timeout: 60_000,
  });
  expect(r.status, `${name} exited ${r.status}:\n${r.stderr}`).toBe(0);
  return r.stdout;
}

function accuracyOf(stdout: string): number {
  const m = /^accuracy (0\.\d{4}) in [\d.]+ s$/m.exec(stdout);
  expect(m, stdout).not.toBeNull();
  return Number(m![1]);
}

describe("examples/", () => {
  const out = mkdtempSync(join(tmpdir(), "fmbench-examples-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("fit_score.mjs scales the bundled data, fits KNeighborsClassifier and scores it", () => {
    const stdout = runExample("fit_score.mjs");
    expect(stdout).toContain("2000 x 784 training matrix, 500 test images");
    expect(stdout).toContain('KNeighborsClassifier {"n_neighbors":5,"weights":"distance",');
    expect(accuracyOf(stdout)).toBeGreaterThan(0.7);
  });

  it("hog_svc.mjs fits an SVC on HOG features", () => {
    const stdout = runExample("hog_svc.mjs");
    expect(stdout).toContain("features hog(9,4x4,2x2,L2-Hys): 1296 per image, 2000 train / 500 test");
    expect(stdout).toMatch(/^SVC with \d+ support vectors$/m);
    expect(accuracyOf(stdout)).toBeGreaterThan(0.8);
  });

  it("grid.mjs runs a grid from code and reads its results back", () => {
    const stdout = runExample("grid.mjs", [out]);
    const file = join(out, "results.jsonl");
    const { lines } = readResults(file);
    expect(lines).toHaveLength(7);
    expect(lines.every((l) => l.status === "ok" && l.train_size === 2000 && l.test_size === 500)).toBe(true);
    expect(stdout).toContain(`7 configurations in ${file}`);
    const best = lines.reduce((a, b) => (b.accuracy! > a.accuracy! ? b : a));
    expect(stdout).toContain(`best: ${best.classifier} ${JSON.stringify(best.params)} accuracy ${best.accuracy!.toFixed(4)}`);
  });
});
