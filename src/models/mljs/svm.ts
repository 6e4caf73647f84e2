import type { Matrix } from "../../core/matrix.js";
import { ParamError } from "../../errors.js";
import { Random } from "../../random.js";
import { BaseClassifier } from "../estimator.js";
import type { ParamSpecs, ParamsOf } from "../../params.js";
import { resolveGamma, SVC } from "../svm.js";
import { mljsPackage, toRows } from "./adapter.js";

/** The part of ml-svm 2.1's (CommonJS, untyped) API this adapter uses. */
interface MlSvm {
  train(features: number[][], labels: number[]): void;
  margin(features: number[][]): number[];
}
type MlSvmConstructor = new (options: Record<string, unknown>) => MlSvm;

const mlSvm = () => mljsPackage<MlSvmConstructor>("ml-svm");

/** SVC's parameters; ml-svm supports the linear and rbf kernels of them. */
const MLJS_SVC_PARAMS = {
  ...SVC.paramSpecs, random_state: { default: 0, constraints: [{ kind: "interval", type: "int", min: 0 }] },
} as const satisfies ParamSpecs;

/** MljsSVC's constructor params: SVC's, with a random_state that must be an int. */
export type MljsSVCParams = ParamsOf<typeof MLJS_SVC_PARAMS>;

/**
 * ml-svm (Platt's simplified SMO, binary only, full kernel matrix) behind the SVC
 * contract: one-vs-one over every pair of classes with scikit-learn's voting, as the
 * library cannot do multiclass itself. Absorbs its quirks: labels must be +1/-1 (it
 * silently predicts -1 otherwise), whitening is turned off (NaN on constant pixels),
 * `number[][]` inputs, Math.random replaced by a seeded generator, and its rbf
 * width sigma set so that exp(-|x-y|^2 / (2 sigma^2)) equals exp(-gamma |x-y|^2).
 * A reference engine for small data: it builds the n x n kernel matrix per pair.
 */
export class MljsSVC extends BaseClassifier<typeof MLJS_SVC_PARAMS> {
  readonly estimatorName = "SVC";
  static readonly paramSpecs = MLJS_SVC_PARAMS;
  private models: { a: number; b: number; svm: MlSvm }[] = [];

  constructor(params: MljsSVCParams = {}) {
    super("SVC", MLJS_SVC_PARAMS, params);
    const kernel = this.params.kernel;
    if (kernel !== "rbf" && kernel !== "linear") {
      throw new ParamError("SVC", "kernel", `SVC (engine mljs): kernel must be linear or rbf; got '${String(kernel)}'`);
    }
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    const gamma = resolveGamma(this.params.gamma as number | string, X);
    const rows = toRows(X);
    const byClass: number[][] = Array.from({ length: classes.length }, () => []);
    for (let r = 0; r < X.rows; r++) byClass[codes[r]].push(r);
    const rng = new Random(this.params.random_state as number);
    const Svm = mlSvm();
    this.models = [];
    for (let a = 0; a < classes.length; a++) {
      for (let b = a + 1; b < classes.length; b++) {
        const idx = [...byClass[a], ...byClass[b]];
        const labels = idx.map((_, t) => (t < byClass[a].length ? 1 : -1));
        const svm = new Svm({
          C: this.params.C, kernel: this.params.kernel,
          kernelOptions: this.params.kernel === "rbf" ? { sigma: Math.sqrt(1 / (2 * gamma)) } : undefined,
          whitening: false, random: () => rng.next(),
        });
        svm.train(idx.map((r) => rows[r]), labels);
        this.models.push({ a, b, svm });
      }
    }
    return this.finishFit(classes, X.cols);
  }

  protected predictCodes(X: Matrix): Int32Array {
    const k = this.classes_!.length;
    const rows = toRows(X);
    const margins = this.models.map((m) => m.svm.margin(rows));
    const out = new Int32Array(X.rows);
    const votes = new Int32Array(k);
    for (let r = 0; r < X.rows; r++) {
      votes.fill(0);
      this.models.forEach((m, p) => (margins[p][r] > 0 ? votes[m.a]++ : votes[m.b]++));
      let best = 0;
      for (let c = 1; c < k; c++) if (votes[c] > votes[best]) best = c;
      out[r] = best;
    }
    return out;
  }
}
