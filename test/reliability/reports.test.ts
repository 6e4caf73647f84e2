import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

// Grid strings reach the reports as text that cannot act: no formulas, no HTML, no links.

const dir = mkdtempSync(join(tmpdir(), "fmbench-reports-"));

function resultsWith(lines: Record<string, unknown>[]): string {
  const file = join(dir, `results-${Math.random().toString(36).slice(2)}.jsonl`);
  const base = { dataset: "fashion", train_size: 10, test_size: 10, features: "raw", preprocess: "standard", seed: 0, finished_at: "2026-01-01T00:00:00Z" };
  writeFileSync(file, lines.map((l) => JSON.stringify({ ...base, ...l })).join("\n") + "\n");
  return file;
}

describe("report injection", () => {
  it("CSV: text cells that a spreadsheet would run as a formula start with an apostrophe; numbers stay numbers", () => {
    const file = resultsWith([
      { classifier: "=HYPERLINK(\"http://x\")", params: { kernel: "+cmd|' /C calc'!A0", C: -1 }, status: "failed", accuracy: null, fit_seconds: null, predict_seconds: null, error: "@SUM(1+1)" },
      { classifier: "GaussianNB", params: { var_smoothing: -0.5 }, status: "ok", accuracy: 0.5, fit_seconds: 0.1, predict_seconds: 0.1, scores: [0.5] },
    ]);
    const r = runCli(["report", file, "--format", "csv"]);
    expect(r.status).toBe(0);
    const [header, bad, good] = r.stdout.trim().split("\n");
    expect(header.split(",")).toContain("param_kernel");
    expect(bad.startsWith(`"'=HYPERLINK(""http://x"")"`)).toBe(true);
    expect(bad).toContain("'+cmd|' /C calc'!A0");
    expect(bad).toContain("'@SUM(1+1)");
    expect(bad).toMatch(/,-1,/); // a number, not text
    expect(good).toMatch(/,-0\.5,/);
    for (const row of [bad, good]) {
      for (const cell of row.split(",")) expect(cell).not.toMatch(/^"?[=+@]/);
    }
  });

  it("Markdown: no raw HTML, no links, no cell breaks from grid strings", () => {
    const file = resultsWith([{
      classifier: "<img src=x onerror=alert(1)>", params: { note: "[click](javascript:alert(1))", sep: "a|b\\|c" },
      status: "failed", accuracy: null, fit_seconds: null, predict_seconds: null, error: "line one\nline `two`",
    }]);
    const out = join(dir, "md");
    const r = runCli(["report", file, "--format", "md", "--out", join(out, "results.md")]);
    expect(r.status).toBe(0);
    const md = readFileSync(join(out, "results.md"), "utf8");
    expect(md).not.toMatch(/(^|[^\\])<img/);
    expect(md).toContain("\\<img src=x onerror=alert(1)\\>");
    expect(md).not.toContain("](javascript");
    expect(md).toContain("]\\(javascript");
    expect(md).toContain("a\\|b\\\\\\|c");
    expect(md).toContain("line one line \\`two\\`");
    const row = md.split("\n").find((l) => l.startsWith("| 0 |"))!;
    // Every cell break is one that the table made: count the unescaped pipes.
    const breaks = row.replace(/\\\\/g, "").replace(/\\\|/g, "").split("|").length - 1;
    expect(breaks).toBe(12); // 11 columns
  });
});
