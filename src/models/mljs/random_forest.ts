import { RandomForestClassifier as MlRandomForest } from "ml-random-forest";
import type { Matrix } from "../../core/matrix.js";
import { toRows } from "./adapter.js";

/** Options of the reference engine, already in ml-random-forest's terms. */
export interface MljsForestOptions {
  readonly nEstimators: number;
  /** Features per tree, as a count. */
  readonly maxFeatures: number;
  readonly maxDepth: number | null;
  readonly bootstrap: boolean;
  readonly seed: number;
}

/**
 * Thin adapter over ml-random-forest 2.1, kept as a reference engine for small-data
 * comparisons. It absorbs the library's quirks: `number[][]` inputs, out-of-bag
 * scoring that throws with few trees (turned off), and a different notion of
 * max_features (drawn once per tree, not per split; gini only, ml-cart's default
 * minNumSamples of 3). It is slow: minutes per tree at 2,000 x 784.
 */
export class MljsRandomForest {
  private model: MlRandomForest | null = null;

  constructor(private readonly options: MljsForestOptions) {}

  fit(X: Matrix, codes: Int32Array): this {
    const rows = toRows(X);
    const o = this.options;
    this.model = new MlRandomForest({
      nEstimators: o.nEstimators,
      maxFeatures: o.maxFeatures,
      replacement: false,
      useSampleBagging: o.bootstrap,
      seed: o.seed,
      noOOB: true,
      treeOptions: { gainFunction: "gini", maxDepth: o.maxDepth ?? Infinity },
    });
    this.model.train(rows, Array.from(codes));
    return this;
  }

  /** Class codes, as the codes given to fit. */
  predict(X: Matrix): Int32Array {
    if (!this.model) throw new Error("MljsRandomForest: fit first");
    return Int32Array.from(this.model.predict(toRows(X)) as number[]);
  }
}
