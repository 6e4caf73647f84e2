import { Piscina } from "piscina";
import { workerModule } from "../worker_module.js";
import { checkThreadCount } from "./workers.js";
import type { BoardHandle } from "../parallel/board.js";
import type { HelpOutcome } from "../parallel/helper.js";
import type { HelpPayload, SharedDataLayout, TaskOutcome, TaskPayload, WorkerInit } from "./messages.js";

/** Why a task did not return an outcome. */
export class TaskAbortedError extends Error {
  override name = "TaskAbortedError";
  constructor(readonly kind: "timeout" | "crash" | "cancelled", message: string) {
    super(message);
  }
}

export interface GridPoolOptions {
  /** Worker threads (>= 1). */
  readonly workers: number;
  /** The shared memory holding the dataset. */
  readonly memory: WebAssembly.Memory;
  readonly layout: SharedDataLayout;
  /** The piece board through which configurations offer pieces of their fits (parallel/board.ts). */
  readonly board?: BoardHandle;
  /** V8 heap limit per worker in MB, so a runaway worker dies alone (default 4096). */
  readonly maxOldGenerationSizeMb?: number;
  /** Module URLs each worker imports before it runs a task (see RunGridOptions.workerModules). */
  readonly workerModules?: readonly string[];
}

/** The worker module: dist/runner/worker.js, also when this file runs from src/ under a TS test runner. */

/**
 * A pool of worker threads that share one dataset. A task is one configuration, or an
 * idle worker's share of another configuration's pieces; a task that throws comes back as a failed outcome, a task past its timeout or whose
 * worker dies is rejected with TaskAbortedError, and piscina replaces the worker.
 */
export class GridPool {
  private readonly pool: Piscina;
  readonly workers: number;

  constructor(options: GridPoolOptions) {
    checkThreadCount(options.workers, "--workers");
    this.workers = options.workers;
    const workerData: WorkerInit = { memory: options.memory, layout: options.layout, board: options.board, workerModules: options.workerModules };
    this.pool = new Piscina({
      filename: workerModule(import.meta.url, "worker.js"),
      minThreads: options.workers,
      maxThreads: options.workers,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
      workerData,
      atomics: "disabled",
      resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb ?? 4096 },
    });
    // Errors outside tasks (a worker failing to start) surface through the task promises.
    this.pool.on("error", () => {});
  }

  /** Runs one configuration; `timeoutSeconds` 0 means no limit. */
  async run(task: TaskPayload, timeoutSeconds = 0, cancel?: AbortSignal): Promise<TaskOutcome> {
    return (await this.call("runConfig", task, timeoutSeconds, cancel)) as TaskOutcome;
  }

  /** Runs pieces of a posted section on an idle worker (see parallel/helper.ts), with the same error handling as run. */
  async helpPieces(help: HelpPayload, cancel?: AbortSignal): Promise<HelpOutcome> {
    return (await this.call("helpPieces", help, 0, cancel)) as HelpOutcome;
  }

  private async call(name: string, payload: unknown, timeoutSeconds: number, cancel?: AbortSignal): Promise<unknown> {
    const signals: AbortSignal[] = [];
    if (timeoutSeconds > 0) signals.push(AbortSignal.timeout(Math.max(1, Math.ceil(timeoutSeconds * 1000))));
    if (cancel) signals.push(cancel);
    const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    try {
      return await this.pool.run(payload, { name, signal });
    } catch (err) {
      if (cancel?.aborted) throw new TaskAbortedError("cancelled", "cancelled");
      if (signal?.aborted) {
        throw new TaskAbortedError("timeout", `exceeded the time limit of ${timeoutSeconds} s (--timeout); its worker was stopped`);
      }
      const e = err as Error & { code?: string };
      if (e.code === "ERR_WORKER_OUT_OF_MEMORY" || /out of memory/i.test(e.message)) {
        throw new TaskAbortedError("crash", `worker ran out of memory (${e.message})`);
      }
      throw new TaskAbortedError("crash", `worker crashed: ${e.message}`);
    }
  }

  /** For tests: what a worker sees of the shared dataset. */
  async probe(): Promise<{ firstTrainValue: number; isShared: boolean; heapBytes: number }> {
    return this.pool.run(undefined, { name: "probe" });
  }

  get threadIds(): number[] {
    return this.pool.threads.map((t) => t.threadId);
  }

  async destroy(): Promise<void> {
    await this.pool.destroy();
  }
}
