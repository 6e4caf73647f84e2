import type { Matrix } from "../../core/matrix.js";
import { FmbenchError } from "../../errors.js";
import { SGD_LEARNING_RATE, SGD_LOSS, SGD_PENALTY } from "../../kernels/linalg.js";
import type { ParamSpecs, ParamsOf } from "../../params.js";
import { LinearClassifierBase, seedOf } from "./common.js";
import { SGD_MAX_ITER_WARNING, fitPlainSgd } from "./sgd.js";

const PA_PARAMS = {
  C: { default: 1.0, constraints: [{ kind: "interval", type: "real", min: 0, closed: "neither" }] },
  fit_intercept: { default: true, constraints: [{ kind: "bool" }] },
  max_iter: { default: 1000, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  tol: { default: 1e-3, constraints: [{ kind: "interval", type: "real", min: 0, closed: "left" }, { kind: "null" }] },
  shuffle: { default: true, constraints: [{ kind: "bool" }] },
  loss: { default: "hinge", constraints: [{ kind: "options", values: ["hinge", "squared_hinge"] }] },
  random_state: { default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 0 }] },
  n_iter_no_change: { default: 5, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  early_stopping: { default: false, constraints: [{ kind: "options", values: [false] }] },
  average: { default: false, constraints: [{ kind: "options", values: [false] }] },
} as const satisfies ParamSpecs;

/** PassiveAggressiveClassifier's constructor params, typed from its declarations above. */
export type PassiveAggressiveClassifierParams = ParamsOf<typeof PA_PARAMS>;

/**
 * scikit-learn 1.2's PassiveAggressiveClassifier: PA-I (loss="hinge") or PA-II
 * (loss="squared_hinge") updates with aggressiveness C, one-vs-rest.
 * `random_state=None` means seed 0.
 */
export class PassiveAggressiveClassifier extends LinearClassifierBase<typeof PA_PARAMS> {
  readonly estimatorName = "PassiveAggressiveClassifier";
  static readonly paramSpecs = PA_PARAMS;
  n_iter_ = 0;

  constructor(params: PassiveAggressiveClassifierParams = {}) {
    super("PassiveAggressiveClassifier", PA_PARAMS, params);
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    if (classes.length < 2) {
      throw new FmbenchError(`The number of classes has to be greater than one; got ${classes.length} class`);
    }
    const p = this.params;
    // PA always uses the hinge loss (threshold 1) for the step size; "squared_hinge" selects PA-II.
    const r = fitPlainSgd(this.estimatorName, X, codes, classes.length, {
      loss: SGD_LOSS.hinge, threshold: 1, penalty: SGD_PENALTY.none, alpha: 1, C: p.C as number, l1Ratio: 0,
      learningRate: p.loss === "hinge" ? SGD_LEARNING_RATE.pa1 : SGD_LEARNING_RATE.pa2, eta0: 1,
      fitIntercept: p.fit_intercept as boolean, maxIter: p.max_iter as number, tol: p.tol as number | null,
      nIterNoChange: p.n_iter_no_change as number, shuffle: p.shuffle as boolean, seed: seedOf(p.random_state),
    });
    this.coef_ = r.coef;
    this.intercept_ = r.intercept;
    this.n_iter_ = r.nIter;
    this.warnings_ = p.tol !== null && r.nIter === p.max_iter ? [SGD_MAX_ITER_WARNING] : [];
    return this.finishFit(classes, X.cols);
  }
}
