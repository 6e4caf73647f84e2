// piscina worker module: one per thread. It attaches to the shared WASM memory once,
// rebuilds views of the shared dataset (no copy), and runs tasks.
import { workerData } from "piscina";
import { SharedHeap } from "../wasm/heap.js";
import { kernelsFor, setThreadHeap } from "../wasm/load.js";
import type { ForestChunkOutcome, ForestChunkPayload, TaskOutcome, TaskPayload, WorkerInit } from "./messages.js";
import { attachData, type TaskData } from "./shared_data.js";
import { executeForestChunk, executeTask } from "./task.js";
import "./test_estimators.js";

const init = workerData as WorkerInit;
const heap = SharedHeap.attach(init.memory);
setThreadHeap(heap);
kernelsFor(heap); // the one WASM instance of this worker
const data: TaskData = attachData(heap, init.layout);

/** Runs one configuration. */
export function runConfig(task: TaskPayload): TaskOutcome {
  return executeTask(task, data);
}

/** Grows one chunk of a forest's trees (its class-fraction sums come back as a copy: test rows x classes doubles). */
export function runForestChunk(chunk: ForestChunkPayload): ForestChunkOutcome {
  return executeForestChunk(chunk, data);
}

/** For tests: reads the first value of the training set of repeat 0, and the heap's byte length as seen here. */
export function probe(): { firstTrainValue: number; isShared: boolean; heapBytes: number } {
  return {
    firstTrainValue: data.train[0].X.data[0],
    isShared: data.train[0].X.data.buffer instanceof SharedArrayBuffer,
    heapBytes: heap.memory.buffer.byteLength,
  };
}
