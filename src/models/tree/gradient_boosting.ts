import type { Matrix } from "../../data/matrix.js";
import { ParamError } from "../../errors.js";
import { threadHeap } from "../../wasm/load.js";
import { BaseClassifier } from "../estimator.js";
import type { ParamSpecs, Params } from "../params.js";
import { binnedFeaturesFor } from "./binning.js";
import { applyTree, seedState, TreeWorkspace, treeBytes, type FlatTree, type TreeOptions } from "./builder.js";
import {
  argmaxRows, checkTreePredict, maxFeaturesSpec, MIN_SAMPLES_LEAF, MIN_SAMPLES_SPLIT, RANDOM_STATE, resolveCount,
  resolveMaxFeatures, resolveSeed,
} from "./decision_tree.js";

const GRADIENT_BOOSTING_PARAMS: ParamSpecs = {
  // scikit-learn 1.2 still accepts 'deviance' (deprecated alias of 'log_loss').
  loss: { default: "log_loss", constraints: [{ kind: "options", values: ["log_loss", "deviance"] }] },
  learning_rate: { default: 0.1, constraints: [{ kind: "interval", type: "real", min: 0, closed: "left" }] },
  n_estimators: { default: 100, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  subsample: { default: 1.0, constraints: [{ kind: "interval", type: "real", min: 0, max: 1, closed: "right" }] },
  criterion: { default: "friedman_mse", constraints: [{ kind: "options", values: ["friedman_mse"] }] },
  min_samples_split: MIN_SAMPLES_SPLIT,
  min_samples_leaf: MIN_SAMPLES_LEAF,
  max_depth: { default: 3, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 1 }] },
  max_features: maxFeaturesSpec(null),
  random_state: RANDOM_STATE,
};

/**
 * scikit-learn's GradientBoostingClassifier with the multinomial deviance: the raw
 * scores start at the log class priors; each stage fits one regression tree per
 * class to the residuals y_k - softmax_k (Friedman-MSE splits over 8-bit bins), then
 * replaces each leaf by one Newton step, (K-1)/K * sum(r) / sum(p (1 - p)), and adds
 * learning_rate times it to the scores. With subsample < 1 each stage's trees see a
 * random subset drawn without replacement; the leaf values come from that subset,
 * and every sample's score is updated.
 */
export class GradientBoostingClassifier extends BaseClassifier {
  readonly estimatorName = "GradientBoostingClassifier";
  static readonly paramSpecs = GRADIENT_BOOSTING_PARAMS;
  /** Trees stage by stage, n_classes per stage. */
  estimators_: FlatTree[] | null = null;
  /** Initial raw score per class (log prior). */
  init_: Float64Array | null = null;

  constructor(params: Params = {}) {
    super("GradientBoostingClassifier", GRADIENT_BOOSTING_PARAMS, params);
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    this.estimators_ = null;
    const K = classes.length;
    if (K < 3) {
      throw new ParamError(this.estimatorName, "loss", `${this.estimatorName}: fmbench implements the multinomial deviance, which needs 3 or more classes; got ${K}`);
    }
    const p = this.params;
    const n = X.rows;
    const options: TreeOptions = {
      criterion: "friedman_mse", splitter: "best",
      maxDepth: p.max_depth as number | null,
      minSamplesSplit: resolveCount(p.min_samples_split as number, n, true),
      minSamplesLeaf: resolveCount(p.min_samples_leaf as number, n, false),
      maxFeatures: resolveMaxFeatures(this.estimatorName, p.max_features, X.cols),
    };
    const lr = p.learning_rate as number;
    const stages = p.n_estimators as number;
    const subsample = p.subsample as number;
    const seed = resolveSeed(p.random_state);
    const nInBag = subsample < 1 ? Math.max(1, Math.floor(subsample * n)) : n;

    const ws = new TreeWorkspace(threadHeap(), binnedFeaturesFor(threadHeap(), X), K);
    ws.useWeights(false);
    const count = new Float64Array(K);
    for (let i = 0; i < n; i++) count[codes[i]]++;
    const init = new Float64Array(K);
    for (let k = 0; k < K; k++) init[k] = Math.log(Math.min(Math.max(count[k] / n, 2.220446049250313e-16), 1 - 2.220446049250313e-16));
    const raw = new Float64Array(n * K);
    for (let i = 0; i < n; i++) raw.set(init, i * K);
    const prob = new Float64Array(n * K);
    const order = new Int32Array(n);
    const inBag = new Uint8Array(n);
    const leafOf = new Int32Array(n);
    const trees: FlatTree[] = [];
    const res = ws.res;
    const samples = ws.samples;
    for (let stage = 0; stage < stages; stage++) {
      softmaxRows(raw, prob, n, K);
      ws.rng[0] = BigInt.asUintN(64, seedState(seed, stage));
      if (nInBag < n) drawSubset(ws, n, nInBag, order, inBag);
      for (let k = 0; k < K; k++) {
        for (let i = 0; i < n; i++) res[i] = (codes[i] === k ? 1 : 0) - prob[i * K + k];
        let m = 0;
        if (nInBag < n) {
          for (let i = 0; i < n; i++) if (inBag[i]) samples[m++] = i;
        } else {
          for (let i = 0; i < n; i++) samples[i] = i;
          m = n;
        }
        const tree = ws.grow(options, m, 1, "f64", (start, end, into, at) => {
          let num = 0;
          let den = 0;
          for (let j = start; j < end; j++) {
            const i = samples[j];
            const r = res[i];
            const pk = prob[i * K + k];
            num += r;
            den += pk * (1 - pk);
          }
          num *= (K - 1) / K;
          const v = Math.abs(den) < 1e-150 ? 0 : num / den;
          into[at] = v;
          if (nInBag === n) for (let j = start; j < end; j++) raw[samples[j] * K + k] += lr * v;
        });
        if (nInBag < n) {
          applyTree(tree, X, leafOf);
          for (let i = 0; i < n; i++) raw[i * K + k] += lr * tree.value[leafOf[i]];
        }
        trees.push(tree);
      }
    }
    this.estimators_ = trees;
    this.init_ = init;
    return this.finishFit(classes, X.cols);
  }

  /** Raw scores (samples x classes): init + learning_rate * sum of tree values. */
  decisionFunction(X: Matrix): Float64Array {
    const trees = checkTreePredict(this.estimatorName, this.estimators_, this.n_features_in_, X);
    const K = this.classes_!.length;
    const lr = this.params.learning_rate as number;
    const out = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) out.set(this.init_!, i * K);
    const leaves = new Int32Array(X.rows);
    trees.forEach((t, j) => {
      const k = j % K;
      applyTree(t, X, leaves);
      for (let i = 0; i < X.rows; i++) out[i * K + k] += lr * t.value[leaves[i]];
    });
    return out;
  }

  predictProba(X: Matrix): Float64Array {
    const raw = this.decisionFunction(X);
    const out = new Float64Array(raw.length);
    softmaxRows(raw, out, X.rows, this.classes_!.length);
    return out;
  }

  protected predictCodes(X: Matrix): Int32Array {
    return argmaxRows(this.decisionFunction(X), X.rows, this.classes_!.length);
  }

  /** Bytes held by the fitted trees' arrays. */
  get modelBytes(): number {
    return (this.estimators_ ?? []).reduce((s, t) => s + treeBytes(t), 0);
  }
}

function softmaxRows(raw: Float64Array, out: Float64Array, rows: number, K: number): void {
  for (let i = 0, o = 0; i < rows; i++, o += K) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, raw[o + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(raw[o + k] - max);
      out[o + k] = e;
      sum += e;
    }
    for (let k = 0; k < K; k++) out[o + k] /= sum;
  }
}

/** Marks `count` of n samples, drawn without replacement (partial Fisher-Yates with the workspace PRNG). */
function drawSubset(ws: TreeWorkspace, n: number, count: number, order: Int32Array, inBag: Uint8Array): void {
  for (let i = 0; i < n; i++) order[i] = i;
  const u = new Float64Array(count);
  ws.kernels.rand_f64(ws.rng.byteOffset, count, scratchCopyTarget(ws, count));
  u.set(ws.res.subarray(0, count));
  inBag.fill(0);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(u[i] * (n - i));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
    inBag[order[i]] = 1;
  }
}

/** The residual buffer doubles as the target of the PRNG draws (it is rewritten right after). */
function scratchCopyTarget(ws: TreeWorkspace, count: number): number {
  if (count > ws.res.length) throw new RangeError("drawSubset: too many draws");
  return ws.res.byteOffset;
}
