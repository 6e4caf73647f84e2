import type { Matrix } from "../../data/matrix.js";
import { ParamError } from "../../errors.js";
import { threadHeap } from "../../wasm/load.js";
import { BaseClassifier } from "../estimator.js";
import { MljsRandomForest } from "../mljs/random_forest.js";
import type { ParamSpecs, Params } from "../params.js";
import { applyTree, seedState, treeBytes, type FlatTree } from "./builder.js";
import {
  argmaxRows, checkTreePredict, classWorkspace, CRITERION, growClassTree, MAX_DEPTH, maxFeaturesSpec,
  MIN_SAMPLES_LEAF, MIN_SAMPLES_SPLIT, RANDOM_STATE, resolveMaxFeatures, resolveSeed, treeOptionsFrom,
} from "./decision_tree.js";

const RANDOM_FOREST_PARAMS: ParamSpecs = {
  n_estimators: { default: 100, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  criterion: CRITERION,
  max_depth: MAX_DEPTH,
  min_samples_split: MIN_SAMPLES_SPLIT,
  min_samples_leaf: MIN_SAMPLES_LEAF,
  max_features: maxFeaturesSpec("sqrt"),
  bootstrap: { default: true, constraints: [{ kind: "bool" }] },
  random_state: RANDOM_STATE,
  /** fmbench's own: "wasm" (default) or "mljs", the ml-random-forest reference engine. */
  engine: { default: "wasm", constraints: [{ kind: "options", values: ["wasm", "mljs"] }] },
};

/**
 * scikit-learn's RandomForestClassifier: `n_estimators` trees, each grown on a
 * bootstrap sample (drawn with replacement; a sample drawn c times weighs c in the
 * split criterion, as scikit-learn's sample_weight) with `max_features` features
 * drawn per split; predict averages the trees' class fractions. Trees are grown one
 * after the other in this thread: the grid's parallelism runs whole configurations
 * in parallel instead.
 */
export class RandomForestClassifier extends BaseClassifier {
  readonly estimatorName = "RandomForestClassifier";
  static readonly paramSpecs = RANDOM_FOREST_PARAMS;
  estimators_: FlatTree[] | null = null;
  private mljs: MljsRandomForest | null = null;

  constructor(params: Params = {}) {
    super("RandomForestClassifier", RANDOM_FOREST_PARAMS, params);
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    this.estimators_ = null;
    this.mljs = null;
    const p = this.params;
    const seed = resolveSeed(p.random_state);
    const nTrees = p.n_estimators as number;
    if (p.engine === "mljs") {
      if (p.criterion !== "gini") {
        throw new ParamError("RandomForestClassifier", "criterion", "RandomForestClassifier: engine 'mljs' supports criterion 'gini' only");
      }
      this.mljs = new MljsRandomForest({
        nEstimators: nTrees, maxFeatures: resolveMaxFeatures(this.estimatorName, p.max_features, X.cols),
        maxDepth: p.max_depth as number | null, bootstrap: p.bootstrap as boolean, seed,
      }).fit(X, codes);
      return this.finishFit(classes, X.cols);
    }
    const options = treeOptionsFrom(this.estimatorName, p, X.rows, X.cols);
    const ws = classWorkspace(threadHeap(), X, codes, classes.length);
    const n = X.rows;
    const trees: FlatTree[] = [];
    const draws = new Int32Array(n);
    for (let t = 0; t < nTrees; t++) {
      let nSamples = n;
      if (p.bootstrap) {
        // n draws with replacement; the tree sees each drawn sample once, weighted by its count.
        ws.rng[0] = BigInt.asUintN(64, seedState(seed, 2 * t + 1));
        ws.randInts(n, n, ws.samples);
        draws.set(ws.samples);
        ws.w.fill(0);
        for (let i = 0; i < n; i++) ws.w[draws[i]]++;
        nSamples = 0;
        for (let i = 0; i < n; i++) if (ws.w[i] > 0) ws.samples[nSamples++] = i;
        ws.useWeights(true);
      } else {
        for (let i = 0; i < n; i++) ws.samples[i] = i;
        ws.useWeights(false);
      }
      trees.push(growClassTree(ws, options, seed, 2 * t + 2, nSamples));
    }
    this.estimators_ = trees;
    return this.finishFit(classes, X.cols);
  }

  /** Mean of the trees' class fractions (samples x classes). */
  predictProba(X: Matrix): Float64Array {
    const trees = checkTreePredict(this.estimatorName, this.estimators_, this.n_features_in_, X);
    const K = this.classes_!.length;
    const out = new Float64Array(X.rows * K);
    const leaves = new Int32Array(X.rows);
    for (const t of trees) {
      applyTree(t, X, leaves);
      const v = t.value;
      for (let i = 0, o = 0; i < X.rows; i++, o += K) {
        const l = leaves[i] * K;
        for (let k = 0; k < K; k++) out[o + k] += v[l + k];
      }
    }
    for (let i = 0; i < out.length; i++) out[i] /= trees.length;
    return out;
  }

  protected predictCodes(X: Matrix): Int32Array {
    if (this.mljs) return this.mljs.predict(X);
    return argmaxRows(this.predictProba(X), X.rows, this.classes_!.length);
  }

  /** Bytes held by the fitted trees' arrays. */
  get modelBytes(): number {
    return (this.estimators_ ?? []).reduce((s, t) => s + treeBytes(t), 0);
  }
}
