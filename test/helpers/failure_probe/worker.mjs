// FailureProbe in a worker thread, which runs fmbench's build: pass this module's URL
// (FAILURE_PROBE_WORKER) in runGrid's, GridPool's or FitHelpers' workerModules.
import { registerEstimator } from "../../../dist/grid/registry.js";
import { BaseClassifier } from "../../../dist/models/estimator.js";
import { definePieces, runPieces } from "../../../dist/parallel/pieces.js";
import { threadHeap } from "../../../dist/wasm/load.js";
import { defineFailureProbe } from "./define.mjs";

defineFailureProbe({ BaseClassifier, registerEstimator, definePieces, runPieces, threadHeap });
