import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { FmbenchError } from "./errors.js";

/**
 * Creates `dir` and its missing parents, one level at a time. Node's own
 * `mkdirSync(dir, { recursive: true })` spins forever, blocking the event loop (and so
 * Ctrl-C), under a file system such as /proc where a directory exists but nothing can be
 * created in it; this version fails at once, naming the directory and the cause.
 */
export function makeDirectory(dir: string, what = "output directory"): void {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(at).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") throw new FmbenchError(`cannot create ${what} ${dir}: ${at}: ${code ?? (err as Error).message}`);
      missing.push(at);
      const parent = dirname(at);
      if (parent === at) break;
      at = parent;
      continue;
    }
    if (!isDir) throw new FmbenchError(`cannot create ${what} ${dir}: ${at} exists and is not a directory`);
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && statSync(d).isDirectory()) continue; // made by a concurrent run
      throw new FmbenchError(`cannot create ${what} ${dir}: mkdir ${d}: ${code ?? (err as Error).message}`);
    }
  }
}
