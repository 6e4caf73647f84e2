import type { Matrix } from "../../data/matrix.js";
import { NotFittedError, ParamError, ShapeError } from "../../errors.js";
import type { SharedHeap } from "../../wasm/heap.js";
import { threadHeap } from "../../wasm/load.js";
import { BaseClassifier } from "../estimator.js";
import type { ParamSpec, ParamSpecs, ParamValue, Params } from "../params.js";
import { binnedFeaturesFor } from "./binning.js";
import { applyTree, seedState, TreeWorkspace, treeBytes, type FlatTree, type TreeOptions } from "./builder.js";

// Parameter declarations shared by the tree families.
export const CRITERION: ParamSpec = { default: "gini", constraints: [{ kind: "options", values: ["gini", "entropy", "log_loss"] }] };
export const MAX_DEPTH: ParamSpec = { default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 1 }] };
export const MIN_SAMPLES_SPLIT: ParamSpec = {
  default: 2,
  constraints: [{ kind: "interval", type: "int", min: 2 }, { kind: "interval", type: "real", min: 0, max: 1, closed: "right" }],
};
export const MIN_SAMPLES_LEAF: ParamSpec = {
  default: 1,
  constraints: [{ kind: "interval", type: "int", min: 1 }, { kind: "interval", type: "real", min: 0, max: 1, closed: "neither" }],
};
export function maxFeaturesSpec(defaultValue: ParamValue): ParamSpec {
  return {
    default: defaultValue,
    constraints: [
      { kind: "options", values: ["auto", "sqrt", "log2"] }, { kind: "null" },
      { kind: "interval", type: "int", min: 1 }, { kind: "interval", type: "real", min: 0, max: 1, closed: "right" },
    ],
  };
}
export const RANDOM_STATE: ParamSpec = { default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 0 }] };

/** max_features as a count, as scikit-learn resolves it ("auto" is sqrt for classifiers). */
export function resolveMaxFeatures(estimator: string, v: ParamValue, nFeatures: number): number {
  let n: number;
  if (v === null) n = nFeatures;
  else if (v === "sqrt" || v === "auto") n = Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  else if (v === "log2") n = Math.max(1, Math.floor(Math.log2(nFeatures)));
  else if (typeof v === "number" && Number.isInteger(v) && v > 1) n = v;
  else n = Math.max(1, Math.floor((v as number) * nFeatures));
  if (n > nFeatures) {
    throw new ParamError(estimator, "max_features", `${estimator}: max_features must be in (0, n_features=${nFeatures}]; got ${v}`);
  }
  return n;
}

/** min_samples_split / min_samples_leaf: an int count, or a fraction of the samples (rounded up). */
export function resolveCount(v: number, nSamples: number, isSplit: boolean): number {
  if (Number.isInteger(v) && (isSplit ? v >= 2 : v >= 1)) return v;
  const n = Math.ceil(v * nSamples);
  return isSplit ? Math.max(2, n) : n;
}

/** A seed for our PRNG: random_state, or a fresh one when it is None (scikit-learn's semantics). */
export function resolveSeed(v: ParamValue): number {
  return v === null ? Math.floor(Math.random() * 2 ** 31) : (v as number);
}

export function treeOptionsFrom(
  estimator: string, params: Record<string, ParamValue>, nSamples: number, nFeatures: number,
): TreeOptions {
  return {
    criterion: params.criterion === "gini" ? "gini" : "entropy",
    splitter: (params.splitter ?? "best") === "random" ? "random" : "best",
    maxDepth: params.max_depth as number | null,
    minSamplesSplit: resolveCount(params.min_samples_split as number, nSamples, true),
    minSamplesLeaf: resolveCount(params.min_samples_leaf as number, nSamples, false),
    maxFeatures: resolveMaxFeatures(estimator, params.max_features, nFeatures),
  };
}

/** Argmax per row of row-major scores (first maximum wins, as numpy.argmax). */
export function argmaxRows(scores: Float64Array | Float32Array, rows: number, width: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0, o = 0; i < rows; i++, o += width) {
    let best = 0;
    for (let k = 1; k < width; k++) if (scores[o + k] > scores[o + best]) best = k;
    out[i] = best;
  }
  return out;
}

/** The fitted state, after the same checks as predict (fitted, feature count). */
export function checkTreePredict<T>(estimator: string, state: T | null, nFeatures: number, X: Matrix): T {
  if (state === null) throw new NotFittedError(estimator);
  if (X.cols !== nFeatures) throw new ShapeError(`${estimator}: X has ${X.cols} features, but it was fitted with ${nFeatures}`);
  return state;
}

/** Grows one classification tree on (X, codes) with the given options and seed. */
export function growClassTree(
  ws: TreeWorkspace, options: TreeOptions, seed: number, stream: number, nSamples: number,
): FlatTree {
  ws.rng[0] = BigInt.asUintN(64, seedState(seed, stream));
  const total = ws.total;
  const K = ws.nClasses;
  return ws.grow(options, nSamples, K, "f32", (_start, _end, into, at) => {
    let W = 0;
    for (let k = 0; k < K; k++) W += total[k];
    for (let k = 0; k < K; k++) into[at + k] = total[k] / W;
  });
}

/** Puts labels and the full sample list into a fresh workspace. */
export function classWorkspace(heap: SharedHeap, X: Matrix, codes: Int32Array, nClasses: number): TreeWorkspace {
  const binned = binnedFeaturesFor(heap, X);
  const ws = new TreeWorkspace(heap, binned, nClasses);
  ws.y.set(codes);
  return ws;
}

const DECISION_TREE_PARAMS: ParamSpecs = {
  criterion: CRITERION,
  splitter: { default: "best", constraints: [{ kind: "options", values: ["best", "random"] }] },
  max_depth: MAX_DEPTH,
  min_samples_split: MIN_SAMPLES_SPLIT,
  min_samples_leaf: MIN_SAMPLES_LEAF,
  max_features: maxFeaturesSpec(null),
  random_state: RANDOM_STATE,
};

const EXTRA_TREE_PARAMS: ParamSpecs = {
  ...DECISION_TREE_PARAMS,
  splitter: { default: "random", constraints: [{ kind: "options", values: ["best", "random"] }] },
  max_features: maxFeaturesSpec("sqrt"),
};

/**
 * Shared body of DecisionTreeClassifier and ExtraTreeClassifier: a CART tree grown
 * depth first on histograms of 8-bit bins (see binning.ts for when that is exact),
 * split search in WASM, one kernel call per node.
 */
abstract class BaseTreeClassifier extends BaseClassifier {
  tree_: FlatTree | null = null;

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    this.tree_ = null;
    const options = treeOptionsFrom(this.estimatorName, this.params, X.rows, X.cols);
    const ws = classWorkspace(threadHeap(), X, codes, classes.length);
    for (let i = 0; i < X.rows; i++) ws.samples[i] = i;
    this.tree_ = growClassTree(ws, options, resolveSeed(this.params.random_state), 0, X.rows);
    return this.finishFit(classes, X.cols);
  }

  /** Class fractions of the leaf each row falls in (samples x classes). */
  predictProba(X: Matrix): Float64Array {
    const t = checkTreePredict(this.estimatorName, this.tree_, this.n_features_in_, X);
    const K = t.width;
    const leaves = applyTree(t, X);
    const out = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) for (let k = 0; k < K; k++) out[i * K + k] = t.value[leaves[i] * K + k];
    return out;
  }

  protected predictCodes(X: Matrix): Int32Array {
    const t = this.tree_!;
    const K = t.width;
    const leafClass = argmaxRows(t.value, t.leafCount, K);
    const leaves = applyTree(t, X);
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = leafClass[leaves[i]];
    return out;
  }

  get_depth(): number {
    return this.tree_?.maxDepth ?? 0;
  }
  get_n_leaves(): number {
    return this.tree_?.leafCount ?? 0;
  }
  /** Bytes held by the fitted tree's arrays. */
  get modelBytes(): number {
    return this.tree_ ? treeBytes(this.tree_) : 0;
  }
}

/** scikit-learn's DecisionTreeClassifier (criterion, splitter, max_depth, min_samples_*, max_features, random_state). */
export class DecisionTreeClassifier extends BaseTreeClassifier {
  readonly estimatorName = "DecisionTreeClassifier";
  static readonly paramSpecs = DECISION_TREE_PARAMS;
  constructor(params: Params = {}) {
    super("DecisionTreeClassifier", DECISION_TREE_PARAMS, params);
  }
}

/** scikit-learn's ExtraTreeClassifier: splitter "random" and max_features "sqrt" by default. */
export class ExtraTreeClassifier extends BaseTreeClassifier {
  readonly estimatorName = "ExtraTreeClassifier";
  static readonly paramSpecs = EXTRA_TREE_PARAMS;
  constructor(params: Params = {}) {
    super("ExtraTreeClassifier", EXTRA_TREE_PARAMS, params);
  }
}
