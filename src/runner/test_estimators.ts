// A classifier that misbehaves on purpose, to test the runner's failure isolation.
// Registered only when FMBENCH_TEST_ESTIMATORS=1 (the test suite sets it).
import { threadId } from "node:worker_threads";
import type { Matrix } from "../core/matrix.js";
import { registerEstimator } from "../grid/registry.js";
import { BaseClassifier } from "../models/estimator.js";
import type { ParamSpecs, Params } from "../params.js";
import { definePieces, runPieces } from "../parallel/pieces.js";
import type { SharedHeap } from "../wasm/heap.js";
import { threadHeap } from "../wasm/load.js";

const PROBE_PARAMS: ParamSpecs = {
  mode: {
    default: "ok",
    constraints: [{ kind: "options", values: ["ok", "throw", "exit", "oom", "hang", "sleep", "pieces", "piece-throw", "piece-exit", "piece-heap"] }],
  },
  seconds: { default: 0, constraints: [{ kind: "interval", type: "real", min: 0 }] },
  pieces: { default: 8, constraints: [{ kind: "interval", type: "int", min: 0 }] },
  sections: { default: 1, constraints: [{ kind: "interval", type: "int", min: 1 }] },
};

function sleepSync(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

/**
 * Pieces that sleep, then return their index and thread; in the last section of a fit,
 * in mode "piece-throw" piece 1 throws, in "piece-exit" a piece run by a thread other
 * than the fit's ends that thread, and in "piece-heap" piece 2 asks for more WASM heap than there is.
 */
const PROBE_PIECES = definePieces("FailureProbe.pieces", (a: { mode: string; seconds: number; owner: number; last: boolean }, index: number, heap: SharedHeap) => {
  sleepSync(a.seconds);
  if (a.last && a.mode === "piece-throw" && index === 1) throw new RangeError("FailureProbe: piece 1 failed on purpose");
  if (a.last && a.mode === "piece-exit" && threadId !== a.owner) process.exit(4);
  if (a.last && a.mode === "piece-heap" && index === 2) heap.alloc(5 * 2 ** 30); // more than the 4 GiB WASM heap
  return { index, thread: threadId };
});

/** Predicts, for every sample, the label of the first training sample: its score depends on the shuffle. */
export class FailureProbe extends BaseClassifier {
  readonly estimatorName = "FailureProbe";
  private firstCode = 0;
  /** Thread of each piece of the last fit (modes with pieces). */
  pieceThreads_: number[] = [];
  constructor(params: Params = {}) {
    super("FailureProbe", PROBE_PARAMS, params);
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    this.firstCode = codes[0];
    switch (this.params.mode) {
      case "throw":
        throw new Error("FailureProbe: fit failed on purpose");
      case "exit":
        process.exit(3);
        break;
      case "oom": {
        const hoard: number[][] = [];
        for (;;) hoard.push(new Array(1 << 20).fill(Math.random()));
      }
      case "hang":
        for (;;) {
          /* spin until the runner's timeout stops this worker */
        }
      case "sleep":
        sleepSync(this.params.seconds as number);
        break;
      case "pieces": case "piece-throw": case "piece-exit": case "piece-heap": {
        const sections = this.params.sections as number;
        this.pieceThreads_ = [];
        for (let s = 0; s < sections; s++) {
          const args = { mode: this.params.mode as string, seconds: this.params.seconds as number, owner: threadId, last: s === sections - 1 };
          const out = runPieces(PROBE_PIECES, args, this.params.pieces as number, { heap: threadHeap(), label: "FailureProbe pieces" });
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

  protected predictCodes(X: Matrix): Int32Array {
    return new Int32Array(X.rows).fill(this.firstCode);
  }
}

if (process.env.FMBENCH_TEST_ESTIMATORS === "1") {
  registerEstimator({
    name: "FailureProbe", family: "testing", paramSpecs: PROBE_PARAMS, create: (p) => new FailureProbe(p),
  });
}
