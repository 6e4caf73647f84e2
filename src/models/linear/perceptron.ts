import type { Matrix } from "../../core/matrix.js";
import { FmbenchError } from "../../errors.js";
import { SGD_LEARNING_RATE, SGD_LOSS, SGD_PENALTY } from "../../kernels/linalg.js";
import type { ParamSpecs, ParamsOf } from "../../params.js";
import { LinearClassifierBase, seedOf } from "./common.js";
import { SGD_MAX_ITER_WARNING, fitPlainSgd } from "./sgd.js";

const PERCEPTRON_PARAMS = {
  penalty: { default: null, constraints: [{ kind: "options", values: ["l2", "l1", "elasticnet", null] }] },
  alpha: { default: 1e-4, constraints: [{ kind: "interval", type: "real", min: 0, closed: "left" }] },
  l1_ratio: { default: 0.15, constraints: [{ kind: "interval", type: "real", min: 0, max: 1 }] },
  fit_intercept: { default: true, constraints: [{ kind: "bool" }] },
  max_iter: { default: 1000, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  tol: { default: 1e-3, constraints: [{ kind: "interval", type: "real", min: 0, closed: "left" }, { kind: "null" }] },
  shuffle: { default: true, constraints: [{ kind: "bool" }] },
  eta0: { default: 1.0, constraints: [{ kind: "interval", type: "real", min: 0, closed: "neither" }] },
  random_state: { default: 0, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 0 }] },
  n_iter_no_change: { default: 5, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  early_stopping: { default: false, constraints: [{ kind: "options", values: [false] }] },
} as const satisfies ParamSpecs;

/** Perceptron's constructor params, typed from its declarations above. */
export type PerceptronParams = ParamsOf<typeof PERCEPTRON_PARAMS>;

/**
 * scikit-learn 1.2's Perceptron: SGDClassifier with loss="perceptron",
 * learning_rate="constant", eta0=1 and no penalty by default (random_state=0).
 */
export class Perceptron extends LinearClassifierBase<typeof PERCEPTRON_PARAMS> {
  readonly estimatorName = "Perceptron";
  static readonly paramSpecs = PERCEPTRON_PARAMS;
  n_iter_ = 0;

  constructor(params: PerceptronParams = {}) {
    super("Perceptron", PERCEPTRON_PARAMS, params);
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    if (classes.length < 2) {
      throw new FmbenchError(`The number of classes has to be greater than one; got ${classes.length} class`);
    }
    const p = this.params;
    const penalty = p.penalty === null ? SGD_PENALTY.none : SGD_PENALTY[p.penalty as "l1" | "l2" | "elasticnet"];
    const r = fitPlainSgd(this.estimatorName, X, codes, classes.length, {
      loss: SGD_LOSS.hinge, threshold: 0, penalty, alpha: p.alpha as number, C: 1, l1Ratio: p.l1_ratio as number,
      learningRate: SGD_LEARNING_RATE.constant, eta0: p.eta0 as number, fitIntercept: p.fit_intercept as boolean,
      maxIter: p.max_iter as number, tol: p.tol as number | null, nIterNoChange: p.n_iter_no_change as number,
      shuffle: p.shuffle as boolean, seed: seedOf(p.random_state),
    });
    this.coef_ = r.coef;
    this.intercept_ = r.intercept;
    this.n_iter_ = r.nIter;
    this.warnings_ = p.tol !== null && r.nIter === p.max_iter ? [SGD_MAX_ITER_WARNING] : [];
    return this.finishFit(classes, X.cols);
  }
}
