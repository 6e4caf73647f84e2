import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { FmbenchError } from "../errors.js";
import { makeDirectory } from "../files.js";

/** What a lock file says about the run that holds it. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly started_at: string;
  readonly command: string;
}

/** One writer per results file; release it when done (also released when the process exits). */
export interface ResultsLock {
  readonly file: string;
  release(): void;
}

/** Locks this process holds, with how many holders each has (a run locks again inside a command that locked). */
const held = new Map<string, number>();
let exitHookInstalled = false;

function releaseAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A run that ends by an uncaught error or process.exit() (a second Ctrl-C) leaves no lock behind;
  // only kill -9 does, and the next run on this host sees that its owner is gone.
  process.on("exit", () => {
    for (const file of held.keys()) rmSync(file, { force: true });
    held.clear();
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(file, "utf8")) as LockOwner;
    return typeof owner.pid === "number" && typeof owner.host === "string" ? owner : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock of a results file (`<results file>.lock`), so that two runs never write
 * the same results file at once. The lock file is created whole with link(2), which fails
 * when it exists. A lock left by a run that was killed on this host (its process is gone)
 * is taken over; a live one, or one from another host, is refused with an error that names
 * the run holding it and how to proceed.
 */
export function lockResults(resultsFile: string): ResultsLock {
  const file = `${resultsFile}.lock`;
  const count = held.get(file);
  if (count !== undefined) {
    held.set(file, count + 1);
    return handle(file);
  }
  makeDirectory(dirname(file));
  const me: LockOwner = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), command: process.argv.slice(1).join(" ") };
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(me)}\n`);
  } catch (err) {
    throw new FmbenchError(`cannot write in the output directory ${dirname(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(temp, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 3) {
          throw new FmbenchError(`cannot lock ${resultsFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }
      const owner = readOwner(file);
      const stale = owner !== null && owner.host === me.host && !isAlive(owner.pid);
      if (!stale) {
        const who = owner
          ? `another fmbench run (pid ${owner.pid} on ${owner.host}, started ${owner.started_at}: ${owner.command})`
          : "another fmbench run";
        throw new FmbenchError(
          `${resultsFile} is being written by ${who}; nothing was changed. Wait for it to end, or choose another --out. ` +
            `If no such run is alive, delete ${file}.`,
        );
      }
      // The owner was killed: move its lock aside and try again. Should another run have
      // taken the lock over in between, what was moved is its lock: put it back.
      const aside = `${file}.stale-${process.pid}`;
      try {
        renameSync(file, aside);
        const moved = readOwner(aside);
        if (moved && (moved.pid !== owner.pid || moved.started_at !== owner.started_at)) renameSync(aside, file);
        else rmSync(aside, { force: true });
      } catch {
        // Another run moved it first; the next link attempt sees who holds it now.
      }
    }
  } finally {
    rmSync(temp, { force: true });
  }
  held.set(file, 1);
  releaseAllOnExit();
  return handle(file);
}

function handle(file: string): ResultsLock {
  let released = false;
  return {
    file,
    release: () => {
      if (released) return;
      released = true;
      release(file);
    },
  };
}

function release(file: string): void {
  const count = held.get(file);
  if (count === undefined) return;
  if (count > 1) {
    held.set(file, count - 1);
    return;
  }
  held.delete(file);
  rmSync(file, { force: true });
}
