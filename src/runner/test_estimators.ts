// A classifier that misbehaves on purpose, to test the runner's failure isolation.
// Registered only when FMBENCH_TEST_ESTIMATORS=1 (the test suite sets it).
import type { Matrix } from "../data/matrix.js";
import { registerEstimator } from "../grid/registry.js";
import { BaseClassifier } from "../models/estimator.js";
import type { ParamSpecs, Params } from "../models/params.js";

const PROBE_PARAMS: ParamSpecs = {
  mode: { default: "ok", constraints: [{ kind: "options", values: ["ok", "throw", "exit", "oom", "hang", "sleep"] }] },
  seconds: { default: 0, constraints: [{ kind: "interval", type: "real", min: 0 }] },
};

function sleepSync(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

/** Predicts, for every sample, the label of the first training sample: its score depends on the shuffle. */
export class FailureProbe extends BaseClassifier {
  readonly estimatorName = "FailureProbe";
  private firstCode = 0;
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
