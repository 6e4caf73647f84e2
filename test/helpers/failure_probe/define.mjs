// A classifier that misbehaves on purpose, to test the runner's failure isolation. Plain
// JavaScript with its fmbench modules passed in: the test files use it with the sources
// (./index.ts), the worker threads with the build (./worker.mjs), which they import
// because a test hands them its URL (runGrid's workerModules).
import { threadId } from "node:worker_threads";

const PROBE_PARAMS = {
  mode: {
    default: "ok",
    constraints: [{ kind: "options", values: ["ok", "throw", "exit", "oom", "hang", "sleep", "pieces", "piece-throw", "piece-exit", "piece-heap"] }],
  },
  seconds: { default: 0, constraints: [{ kind: "interval", type: "real", min: 0 }] },
  pieces: { default: 8, constraints: [{ kind: "interval", type: "int", min: 0 }] },
  sections: { default: 1, constraints: [{ kind: "interval", type: "int", min: 1 }] },
};

function sleepSync(seconds) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

/**
 * Defines FailureProbe with the given fmbench modules and registers it.
 * @param {{ BaseClassifier: any, registerEstimator: Function, definePieces: Function, runPieces: Function, threadHeap: Function }} fmbench
 */
export function defineFailureProbe({ BaseClassifier, registerEstimator, definePieces, runPieces, threadHeap }) {
  /**
   * Pieces that sleep, then return their index and thread; in the last section of a fit,
   * in mode "piece-throw" piece 1 throws, in "piece-exit" a piece run by a thread other
   * than the fit's ends that thread, and in "piece-heap" piece 2 asks for more WASM heap than there is.
   */
  const PROBE_PIECES = definePieces("FailureProbe.pieces", (a, index, heap) => {
    sleepSync(a.seconds);
    if (a.last && a.mode === "piece-throw" && index === 1) throw new RangeError("FailureProbe: piece 1 failed on purpose");
    if (a.last && a.mode === "piece-exit" && threadId !== a.owner) process.exit(4);
    if (a.last && a.mode === "piece-heap" && index === 2) heap.alloc(5 * 2 ** 30); // more than the 4 GiB WASM heap
    return { index, thread: threadId };
  });

  /** Predicts, for every sample, the label of the first training sample: its score depends on the shuffle. */
  class FailureProbe extends BaseClassifier {
    estimatorName = "FailureProbe";
    firstCode = 0;
    /** Thread of each piece of the last fit (modes with pieces). */
    pieceThreads_ = [];
    constructor(params = {}) {
      super("FailureProbe", PROBE_PARAMS, params);
    }

    fit(X, y) {
      const { classes, codes } = this.checkFitInput(X, y);
      this.firstCode = codes[0];
      switch (this.params.mode) {
        case "throw":
          throw new Error("FailureProbe: fit failed on purpose");
        case "exit":
          process.exit(3);
          break;
        case "oom": {
          const hoard = [];
          for (;;) hoard.push(new Array(1 << 20).fill(Math.random()));
        }
        case "hang":
          for (;;) {
            /* spin until the runner's timeout stops this worker */
          }
        case "sleep":
          sleepSync(this.params.seconds);
          break;
        case "pieces": case "piece-throw": case "piece-exit": case "piece-heap": {
          const sections = this.params.sections;
          this.pieceThreads_ = [];
          for (let s = 0; s < sections; s++) {
            const args = { mode: this.params.mode, seconds: this.params.seconds, owner: threadId, last: s === sections - 1 };
            const out = runPieces(PROBE_PIECES, args, this.params.pieces, { heap: threadHeap(), label: "FailureProbe pieces" });
            out.forEach((r, i) => {
              if (r.index !== i) throw new Error(`FailureProbe: piece ${i} came back as ${r.index}`);
            });
            this.pieceThreads_.push(...out.map((r) => r.thread));
          }
          break;
        }
      }
      return this.finishFit(classes, X.cols);
    }

    predictCodes(X) {
      return new Int32Array(X.rows).fill(this.firstCode);
    }
  }

  registerEstimator({ name: "FailureProbe", family: "testing", paramSpecs: PROBE_PARAMS, create: (p) => new FailureProbe(p) });
  return FailureProbe;
}
