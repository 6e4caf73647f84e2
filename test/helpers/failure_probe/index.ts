// FailureProbe in a test file, with fmbench's sources; its workers get it from worker.mjs.
import { registerEstimator } from "../../../src/grid/registry.js";
import { BaseClassifier } from "../../../src/models/estimator.js";
import { definePieces, runPieces } from "../../../src/parallel/pieces.js";
import { threadHeap } from "../../../src/wasm/load.js";
import { defineFailureProbe } from "./define.mjs";

export const FailureProbe = defineFailureProbe({ BaseClassifier, registerEstimator, definePieces, runPieces, threadHeap });

/** The URL a worker thread imports to have FailureProbe too (workerModules of runGrid, GridPool, FitHelpers). */
export const FAILURE_PROBE_WORKER = new URL("./worker.mjs", import.meta.url).href;
