import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FmbenchError } from "./errors.js";

/**
 * Path of a worker thread's compiled module `fileName`, beside the calling module
 * (`callerUrl` = its import.meta.url). Worker threads run compiled JavaScript: when the
 * caller is a TypeScript source (tests), the module comes from dist/ instead.
 */
export function workerModule(callerUrl: string, fileName: string): string {
  const here = fileURLToPath(callerUrl);
  const candidate = here.endsWith(".ts")
    ? fileURLToPath(new URL(`../../dist/${basename(dirname(here))}/${fileName}`, callerUrl))
    : join(dirname(here), fileName);
  if (!existsSync(candidate)) throw new FmbenchError(`worker module ${candidate} is missing; run 'npm run build'`);
  return candidate;
}
