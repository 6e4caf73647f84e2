// A FitHelpers thread: attaches to the fitting thread's heap and runs pieces of its
// fits until told to stop. Importing the estimator registry loads every piece kind.
import { parentPort, workerData } from "node:worker_threads";
import "../grid/registry.js";
import { PieceBoard } from "../parallel/board.js";
import { helpUntilStopped } from "../parallel/helper.js";
import { SharedHeap } from "../wasm/heap.js";
import { kernelsFor, setThreadHeap } from "../wasm/load.js";
import type { HelperInit } from "./fit_helpers.js";

const init = workerData as HelperInit;
for (const url of init.workerModules ?? []) await import(url); // as the grid's workers do (worker.ts)
const heap = SharedHeap.attach(init.memory);
setThreadHeap(heap);
kernelsFor(heap);
parentPort?.postMessage("ready");
helpUntilStopped(PieceBoard.attach(init.board), heap);
