import { availableParallelism } from "node:os";
import { FmbenchError } from "../errors.js";

/**
 * How many worker threads a command starts for `requested`: at most one per core this
 * process may use. More threads only share the same cores, which stretches every
 * recorded fit time and costs a WASM instance and a V8 heap each; `warn` is told when
 * the request is cut down.
 */
export function workerThreads(requested: number | undefined, warn?: (message: string) => void, option = "--workers"): number {
  const cores = availableParallelism();
  if (requested === undefined) return cores;
  checkPositive(requested, option);
  if (requested <= cores) return requested;
  warn?.(`${option} ${requested} is more than the ${cores} cores this process can use; starting ${cores} worker threads`);
  return cores;
}

function checkPositive(threads: number, option: string): void {
  if (!Number.isInteger(threads) || threads < 1) throw new FmbenchError(`${option} must be a positive integer; got ${threads}`);
}

/** How far past the core count a library caller may oversubscribe on purpose (tests run 3 threads on 2 cores). */
const OVERSUBSCRIPTION_LIMIT = 4;

/**
 * Checks a thread count given to the library: a positive integer, and at most four per
 * core, so that a stray number cannot start a thousand threads.
 */
export function checkThreadCount(threads: number, option: string): void {
  checkPositive(threads, option);
  const most = OVERSUBSCRIPTION_LIMIT * availableParallelism();
  if (threads > most) {
    throw new FmbenchError(`${option} ${threads} is more than ${most} (${OVERSUBSCRIPTION_LIMIT} per core of this machine); more threads only share the same cores`);
  }
}
