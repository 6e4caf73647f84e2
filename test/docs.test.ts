import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

describe("API reference", () => {
  it("typedoc builds the reference from the doc comments of the public entry without errors", () => {
    const r = spawnSync(process.execPath, [fileURLToPath(new URL("../node_modules/typedoc/bin/typedoc", import.meta.url)), "--emit", "none"], {
      cwd: root, encoding: "utf8", timeout: 120_000,
    });
    expect(r.stdout + r.stderr).not.toMatch(/\[error\]/);
    expect(r.status).toBe(0);
  }, 150_000);
});
