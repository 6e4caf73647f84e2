// Worker thread of parallel feature extraction: computes one contiguous range of
// images' features straight into the shared heap, then reports back once.
import { parentPort, workerData } from "node:worker_threads";
import { SharedHeap } from "../wasm/heap.js";
import { kernelsFor, setThreadHeap } from "../wasm/load.js";
import { extractInto, type ExtractionRange } from "./extract.js";

const range = workerData as ExtractionRange & { memory: WebAssembly.Memory };
const heap = SharedHeap.attach(range.memory);
setThreadHeap(heap);
kernelsFor(heap); // this thread's one WASM instance
extractInto(heap, range);
parentPort!.postMessage("done");
