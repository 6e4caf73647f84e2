import type { Matrix } from "../core/matrix.js";
import type { Augmentation } from "./augment.js";
import type { PreprocessName } from "./scalers.js";

// The data a run works on: pipeline/prepare.ts makes it, the runner reads it, so it lives below both.

/** What the scores are measured on: the test set, or images held out of the training set. */
export type Evaluation = "test" | "validation";

/** Train and test features ready for estimators, resident in the shared WASM heap. */
export interface PreparedData {
  readonly dataset: string;
  readonly classNames: readonly string[];
  readonly features: string;
  readonly preprocess: PreprocessName;
  /**
   * What Xtest/ytest hold: the official test set, or ("validation") the last images of
   * the training set, held out for model selection.
   */
  readonly evaluation: Evaluation;
  /** The augmentation whose images follow the originals in Xtrain/ytrain; absent for none. */
  readonly augment?: Augmentation;
  readonly Xtrain: Matrix;
  readonly ytrain: Int32Array;
  readonly Xtest: Matrix;
  readonly ytest: Int32Array;
}
