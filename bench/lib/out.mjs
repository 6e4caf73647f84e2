// Where a benchmark script writes its files. Never into the source tree unless asked: bench/results/
// keeps only the curated tables that the README quotes, copied there by hand from a run's folder.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The output folder of the script at `scriptUrl` (its `import.meta.url`), created if missing and
 * printed on stderr: `--out DIR` (or `--out=DIR`) from `argv` when given, otherwise a fresh
 * `$TMPDIR/fmbench-bench/<script>/<date>T<time>-XXXXXX/`, so that two runs never mix their files.
 */
export function benchOutDir(scriptUrl, argv = process.argv.slice(2)) {
  const script = basename(fileURLToPath(scriptUrl), extname(fileURLToPath(scriptUrl)));
  let given = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") {
      given = argv[i + 1];
      if (given === undefined || given.startsWith("--")) throw new Error(`${script}: --out needs a folder`);
    } else if (argv[i].startsWith("--out=")) {
      given = argv[i].slice("--out=".length);
    }
  }
  let dir;
  if (given !== null) {
    dir = resolve(given);
    mkdirSync(dir, { recursive: true });
  } else {
    const parent = join(tmpdir(), "fmbench-bench", script);
    mkdirSync(parent, { recursive: true });
    // UTC, and no ':' (Windows does not allow it in file names).
    const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "");
    dir = mkdtempSync(join(parent, `${stamp}-`));
  }
  process.stderr.write(`${script}: outputs in ${dir}\n`);
  return dir;
}
