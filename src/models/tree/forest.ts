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

/** Most chunks a forest's trees are split into (see forestChunks). */
export const FOREST_CHUNKS = 16;

/**
 * The forest's trees in fixed consecutive ranges [from, to): the units a grid run may
 * hand to idle workers, and the order in which predictProba adds the trees' class
 * fractions (each chunk summed on its own, then the chunks in order). The ranges depend
 * on the number of trees only, so a forest predicts the same, to the last bit, however
 * many workers built it.
 */
export function forestChunks(nTrees: number): [number, number][] {
  const size = Math.ceil(nTrees / Math.min(nTrees, FOREST_CHUNKS));
  const out: [number, number][] = [];
  for (let from = 0; from < nTrees; from += size) out.push([from, Math.min(nTrees, from + size)]);
  return out;
}

/**
 * scikit-learn's RandomForestClassifier: `n_estimators` trees, each grown on a
 * bootstrap sample (drawn with replacement; a sample drawn c times weighs c in the
 * split criterion, as scikit-learn's sample_weight) with `max_features` features
 * drawn per split; predict averages the trees' class fractions. Trees are grown one
 * after the other in this thread; a grid run may build ranges of them on idle workers
 * (fitTrees, chunkProbaSum; see runner/forest_job.ts).
 */
export class RandomForestClassifier extends BaseClassifier {
  readonly estimatorName = "RandomForestClassifier";
  static readonly paramSpecs = RANDOM_FOREST_PARAMS;
  estimators_: FlatTree[] | null = null;
  private mljs: MljsRandomForest | null = null;
  /** The trees held: [0, n_estimators) after fit, a chunk after fitTrees. */
  private treeRange: [number, number] = [0, 0];

  constructor(params: Params = {}) {
    super("RandomForestClassifier", RANDOM_FOREST_PARAMS, params);
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    return this.fitTrees(X, y, 0, this.params.n_estimators as number);
  }

  /**
   * Grows trees [from, to) of the forest `fit` would grow (tree t draws its bootstrap
   * sample and features from streams of random_state and t alone), and keeps only them:
   * a part of the forest, for a grid run that builds chunks on several workers.
   */
  fitTrees(X: Matrix, y: ArrayLike<number>, from: number, to: number): this {
    const { classes, codes } = this.checkFitInput(X, y);
    this.estimators_ = null;
    this.mljs = null;
    const p = this.params;
    const seed = resolveSeed(p.random_state);
    const nTrees = p.n_estimators as number;
    if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from < to && to <= nTrees)) {
      throw new RangeError(`RandomForestClassifier.fitTrees: need 0 <= from < to <= n_estimators (${nTrees}); got [${from}, ${to})`);
    }
    this.treeRange = [from, to];
    if (p.engine === "mljs") {
      if (from !== 0 || to !== nTrees) throw new ParamError("RandomForestClassifier", "engine", "RandomForestClassifier: engine 'mljs' fits whole forests only");
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
    for (let t = from; t < to; t++) {
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
    const [first] = this.treeRange;
    const K = this.classes_!.length;
    const out = new Float64Array(X.rows * K);
    const leaves = new Int32Array(X.rows);
    const part = new Float64Array(X.rows * K);
    const end = first + trees.length;
    for (const [from, to] of forestChunks(this.params.n_estimators as number)) {
      const a = Math.max(from, first);
      const b = Math.min(to, end);
      if (a >= b) continue;
      addChunkProba(trees.slice(a - first, b - first), X, K, leaves, part.fill(0));
      for (let i = 0; i < out.length; i++) out[i] += part[i];
    }
    for (let i = 0; i < out.length; i++) out[i] /= trees.length;
    return out;
  }

  /**
   * The sum of the class fractions of the trees held, added tree by tree: what a grid
   * run's chunk (fitTrees on one range of forestChunks) returns. The full forest's
   * predictProba is the chunks' sums added in chunk order, over the number of trees.
   */
  chunkProbaSum(X: Matrix): Float64Array {
    const trees = checkTreePredict(this.estimatorName, this.estimators_, this.n_features_in_, X);
    const out = new Float64Array(X.rows * this.classes_!.length);
    addChunkProba(trees, X, this.classes_!.length, new Int32Array(X.rows), out);
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

/** Adds each tree's class fractions for the rows of X into `out` (rows x K), tree by tree. */
function addChunkProba(trees: readonly FlatTree[], X: Matrix, K: number, leaves: Int32Array<ArrayBuffer>, out: Float64Array): void {
  for (const t of trees) {
    applyTree(t, X, leaves);
    const v = t.value;
    for (let i = 0, o = 0; i < X.rows; i++, o += K) {
      const l = leaves[i] * K;
      for (let k = 0; k < K; k++) out[o + k] += v[l + k];
    }
  }
}
