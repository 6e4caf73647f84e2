import { Worker } from "node:worker_threads";
import { FmbenchError } from "../errors.js";
import { PieceBoard, type BoardHandle } from "../parallel/board.js";
import { bindPieceBoard } from "../parallel/pieces.js";
import type { SharedHeap } from "../wasm/heap.js";
import { holdThreadHeap } from "../wasm/load.js";
import { workerModule } from "../worker_module.js";
import { checkThreadCount } from "./workers.js";

export interface FitHelpersOptions {
  /** Helper threads to start (>= 1); with this thread, fits use threads + 1 cores. */
  readonly threads: number;
  /** The heap this thread's estimators use (default: threadHeap(), which then stays this thread's default until close()). */
  readonly heap?: SharedHeap;
  /** Module URLs each helper imports first, as RunGridOptions.workerModules. */
  readonly workerModules?: readonly string[];
}

/** What a helper thread receives at start. */
export interface HelperInit {
  readonly memory: WebAssembly.Memory;
  readonly board: BoardHandle;
  readonly workerModules?: readonly string[];
}

/**
 * Helper threads for fits run outside the grid runner: while they are started, every
 * fit (and predict) in this thread that divides into pieces (see parallel/pieces.ts)
 * shares its pieces with them, and its results are the same to the bit as without them.
 *
 * ```ts
 * const helpers = await FitHelpers.start({ threads: 3 });
 * const model = estimator.fit(X, y);      // on four threads
 * await helpers.close();
 * ```
 *
 * The helpers attach to this thread's WASM heap and wait there for pieces. This thread
 * still runs pieces itself and blocks until the others' pieces are back. Helper threads
 * do not keep the process alive; close() stops them. If a helper thread dies (it runs
 * out of memory), the fit waiting for its piece cannot notice: it waits on.
 */
export class FitHelpers {
  private readonly board: PieceBoard;
  private readonly workers: Worker[];
  private closed = false;

  private constructor(
    readonly threads: number, heap: SharedHeap, board: PieceBoard, workers: Worker[], private readonly hold: { release(): void } | null,
  ) {
    this.board = board;
    this.workers = workers;
    bindPieceBoard(this.board, 0, heap);
  }

  /**
   * Starts `threads` helper threads and resolves once they wait for pieces (a fit started
   * earlier would run alone until they are up).
   */
  static async start(options: FitHelpersOptions): Promise<FitHelpers> {
    checkThreadCount(options.threads, "FitHelpers: threads");
    const hold = options.heap ? null : holdThreadHeap();
    const heap = options.heap ?? hold!.heap;
    const board = PieceBoard.create(1);
    const init: HelperInit = { memory: heap.memory, board: board.handle, workerModules: options.workerModules };
    const file = workerModule(import.meta.url, "helper_worker.js");
    const workers: Worker[] = [];
    const ready = Array.from({ length: options.threads }, () => {
      const worker = new Worker(file, { workerData: init });
      worker.unref();
      workers.push(worker);
      return new Promise<void>((resolve, reject) => {
        worker.once("message", () => resolve());
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new FmbenchError(`FitHelpers: a helper thread exited with code ${code} before it was ready`)));
      });
    });
    try {
      await Promise.all(ready);
    } catch (err) {
      board.stop();
      hold?.release();
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    return new FitHelpers(options.threads, heap, board, workers, hold);
  }

  /** Stops the helper threads; fits in this thread run alone again. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    bindPieceBoard(null);
    this.hold?.release();
    this.board.stop();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
