import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

interface PackEntry {
  readonly path: string;
}

/** What `npm pack` would put in the tarball. --ignore-scripts: packing runs `prepare` (a full build) otherwise. */
function packedFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [pack] = JSON.parse(out) as [{ files: PackEntry[] }];
  return pack.files.map((f) => f.path);
}

describe("npm package contents", () => {
  let files: string[];
  // Names of the debug build come from asconfig.json, so renaming them there cannot let them slip in.
  const debug = (JSON.parse(readFileSync(`${ROOT}asconfig.json`, "utf8")) as { targets: Record<string, Record<string, string>> })
    .targets.debug;

  beforeAll(() => {
    files = packedFiles();
  }, 30_000);

  it("leaves out the debug build, .wat text and source maps", () => {
    const unwanted = files.filter(
      (f) => f.endsWith(".wat") || f.endsWith(".map") || f === debug.outFile || f === debug.textFile,
    );
    expect(unwanted).toEqual([]);
  });

  it("ships the release WASM, the entry point with its types, README and LICENSE", () => {
    // Without build/ and dist/ (no `npm run build` yet) these are missing and the failure says which.
    for (const f of ["LICENSE", "README.md", "package.json", "build/fmbench.wasm", "dist/index.js", "dist/index.d.ts", "dist/cli.js"]) {
      expect(files, `${f} missing from the package`).toContain(f);
    }
  });

  it("ships the data read at run time (bundled dataset, preset grids, published table, the plan's measured times)", () => {
    for (const f of [
      "data/fashion/train-images-idx3-ubyte.gz",
      "data/fashion/train-labels-idx1-ubyte.gz",
      "data/fashion/t10k-images-idx3-ubyte.gz",
      "data/fashion/t10k-labels-idx1-ubyte.gz",
      "data/grids/quick.json",
      "data/published-table3.json",
      "data/plan-calibration.jsonl",
    ]) {
      expect(files, `${f} missing from the package`).toContain(f);
    }
  });

  it("ships JavaScript that points at no source map (none is shipped)", () => {
    const root = new URL("..", import.meta.url);
    const pointing = files.filter((f) => f.endsWith(".js") && /sourceMappingURL=/.test(readFileSync(new URL(f, root), "utf8")));
    expect(pointing).toEqual([]);
  });

  it("ships nothing from the source tree's development folders", () => {
    const allowed = /^(LICENSE|README\.md|package\.json|build\/fmbench\.wasm|dist\/.+\.(js|d\.ts)|data\/.+)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
  });
});
