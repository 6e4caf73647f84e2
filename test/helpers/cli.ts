import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built CLI (npm test builds it first). */
export const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

/** The built CLI with the FailureProbe test estimator in its workers. */
export const CLI_WITH_FAILURE_PROBE = fileURLToPath(new URL("./failure_probe/cli.mjs", import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}, cli = CLI): CliResult {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI without blocking this process (for tests that serve HTTP or run two commands at once). */
export function startCli(args: string[], env: Record<string, string> = {}, cli = CLI): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on("exit", (status) => resolve({ status, stdout, stderr })));
  return { child, done };
}
