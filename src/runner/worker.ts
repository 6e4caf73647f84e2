// piscina worker module: one per thread. It attaches to the shared WASM memory once,
// rebuilds views of the shared dataset (no copy), and runs tasks: configurations, and
// shares of other configurations' pieces when the grid has nothing left to start.
import { workerData } from "piscina";
import { PieceBoard } from "../parallel/board.js";
import { helpSlot, type HelpOutcome } from "../parallel/helper.js";
import { bindPieceBoard } from "../parallel/pieces.js";
import { SharedHeap } from "../wasm/heap.js";
import { kernelsFor, setThreadHeap } from "../wasm/load.js";
import type { HelpPayload, TaskOutcome, TaskPayload, WorkerInit } from "./messages.js";
import { attachData, type TaskData } from "./shared_data.js";
import { executeTask } from "./task.js";

const init = workerData as WorkerInit;
// Estimators registered outside fmbench (tests' doubles among them) exist here only once their modules are imported.
for (const url of init.workerModules ?? []) await import(url);
const heap = SharedHeap.attach(init.memory);
setThreadHeap(heap);
kernelsFor(heap); // the one WASM instance of this worker
const data: TaskData = attachData(heap, init.layout);
const board = init.board ? PieceBoard.attach(init.board) : null;

/** Runs one configuration, offering its pieces on its board slot. */
export function runConfig(task: TaskPayload): TaskOutcome {
  bindPieceBoard(board && task.slot !== undefined ? board : null, task.slot ?? 0, heap);
  try {
    return executeTask(task, data);
  } finally {
    bindPieceBoard(null);
  }
}

/** Runs pieces of a section another configuration posted, and of that configuration's next sections. */
export function helpPieces(help: HelpPayload): HelpOutcome {
  if (!board) throw new Error("helpPieces: this pool has no piece board");
  return helpSlot(board, heap, help.slot, help.gen, help);
}

/** For tests: reads the first value of the training set of repeat 0, and the heap's byte length as seen here. */
export function probe(): { firstTrainValue: number; isShared: boolean; heapBytes: number } {
  return {
    firstTrainValue: data.train[0].X.data[0],
    isShared: data.train[0].X.data.buffer instanceof SharedArrayBuffer,
    heapBytes: heap.memory.buffer.byteLength,
  };
}
