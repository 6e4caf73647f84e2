import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../src/cli.js";
import { npyHeader } from "../src/features/npy.js";

describe("fmbench hog", () => {
  it("writes a float32 .npy of shape (limit, features)", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "fmbench-cli-")), "features.npy");
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const code = await main([
      "node", "fmbench", "hog", "--dataset", "fashion", "--split", "t10k", "--limit", "3", "--orientations", "9",
      "--pixels-per-cell", "4", "--cells-per-block", "2", "--block-norm", "L2-Hys", "--transform-sqrt", "--out", out,
    ]);
    stderr.mockRestore();
    expect(code).toBe(0);
    const bytes = readFileSync(out);
    const header = npyHeader([3, 1296]);
    expect(bytes.subarray(0, header.length).equals(Buffer.from(header))).toBe(true);
    expect(bytes.length).toBe(header.length + 3 * 1296 * 4);
  });

  it("reports a block that does not fit, naming the parameter", async () => {
    const lines: string[] = [];
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((s) => (lines.push(String(s)), true));
    const code = await main(["node", "fmbench", "hog", "--limit", "1", "--cells-per-block", "4", "--out", join(tmpdir(), "never.npy")]);
    stderr.mockRestore();
    expect(code).toBe(1);
    expect(lines.join("")).toContain("'cells_per_block'");
  });
});
