import type { Matrix } from "../../core/matrix.js";
import { NotFittedError, ParamError, ShapeError } from "../../errors.js";
import { argmaxRows } from "../../kernels/linalg.js";
import { definePieces, heapRef, i32At, runPieces, type HeapRef } from "../../parallel/pieces.js";
import type { SharedHeap } from "../../wasm/heap.js";
import { threadHeap } from "../../wasm/load.js";
import { BaseClassifier, checkFinite } from "../estimator.js";
import type { Constraint, ParamSpec, ParamSpecs, ParamValue, ParamsOf } from "../../params.js";
import { binnedFeaturesFor, binnedFromRef, shareBinned, type BinnedRef } from "./binning.js";
import {
  applyTree, graftSubtrees, seedState, TreeWorkspace, treeBytes, type FlatTree, type Frontier, type PendingNode,
  type TreeOptions, type TreePart,
} from "./builder.js";

// Parameter declarations shared by the tree families.
export const CRITERION = {
  default: "gini", constraints: [{ kind: "options", values: ["gini", "entropy", "log_loss"] }],
} as const satisfies ParamSpec;
export const MAX_DEPTH = {
  default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 1 }],
} as const satisfies ParamSpec;
export const MIN_SAMPLES_SPLIT = {
  default: 2,
  constraints: [{ kind: "interval", type: "int", min: 2 }, { kind: "interval", type: "real", min: 0, max: 1, closed: "right" }],
} as const satisfies ParamSpec;
export const MIN_SAMPLES_LEAF = {
  default: 1,
  constraints: [{ kind: "interval", type: "int", min: 1 }, { kind: "interval", type: "real", min: 0, max: 1, closed: "neither" }],
} as const satisfies ParamSpec;
const MAX_FEATURES_CONSTRAINTS = [
  { kind: "options", values: ["auto", "sqrt", "log2"] }, { kind: "null" },
  { kind: "interval", type: "int", min: 1 }, { kind: "interval", type: "real", min: 0, max: 1, closed: "right" },
] as const satisfies readonly Constraint[];
export function maxFeaturesSpec<const D extends "auto" | "sqrt" | "log2" | null>(
  defaultValue: D,
): { readonly default: D; readonly constraints: typeof MAX_FEATURES_CONSTRAINTS } {
  return { default: defaultValue, constraints: MAX_FEATURES_CONSTRAINTS };
}
export const RANDOM_STATE = {
  default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 0 }],
} as const satisfies ParamSpec;

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

/** The fitted state, after the same checks as predict (fitted, feature count, finite values). */
export function checkTreePredict<T>(estimator: string, state: T | null, nFeatures: number, X: Matrix): T {
  if (state === null) throw new NotFittedError(estimator);
  if (X.cols !== nFeatures) throw new ShapeError(`${estimator}: X has ${X.cols} features, but it was fitted with ${nFeatures}`);
  checkFinite(estimator, X);
  return state;
}

/**
 * Grows one classification tree on the workspace's samples[0, nSamples) with the given
 * options and the PRNG stream (seed, stream); `part` as in TreeWorkspace.grow.
 */
export function growClassTree(
  ws: TreeWorkspace, options: TreeOptions, seed: number, stream: number, nSamples: number, part: TreePart = {},
): FlatTree {
  ws.rng[0] = BigInt.asUintN(64, seedState(seed, stream));
  const total = ws.total;
  const K = ws.nClasses;
  return ws.grow(options, nSamples, K, "f32", (_start, _end, into, at) => {
    let W = 0;
    for (let k = 0; k < K; k++) W += total[k];
    for (let k = 0; k < K; k++) into[at + k] = total[k] / W;
  }, part);
}

/** Puts labels and the full sample list into a fresh workspace. */
export function classWorkspace(heap: SharedHeap, X: Matrix, codes: Int32Array, nClasses: number): TreeWorkspace {
  const binned = binnedFeaturesFor(heap, X);
  const ws = new TreeWorkspace(heap, binned, nClasses);
  ws.y.set(codes);
  return ws;
}

/**
 * A tree's nodes to be split that hold at most 1/SUBTREE_PARTS of its samples (or the
 * workspace's rowMajorMax, if more) grow as subtrees, pieces of the fit. Finer parts
 * balance more threads but leave more of the tree to the top, which one thread grows:
 * for a DecisionTree on 30k rows, 1/8 left about a tenth of the CPU time to the top,
 * 1/16 a fifth (one fit, on a shared machine).
 */
const SUBTREE_PARTS = 8;

/**
 * Least samples x features drawn per node for a tree to be divided. A tree whose nodes
 * draw few features grows too quickly to hold anyone up, and dividing it costs one thread
 * more than it is worth: the pieces' workspaces and the graft took about 2% of an
 * ExtraTree's fit on 10k rows (28 features per node, 35 ms; on a shared machine). A tree
 * drawing all 784 pixels is divided from 2675 rows.
 */
const MIN_DIVIDED_WORK = 2 ** 21;

/** What the subtrees below a tree's frontier need: the shared bins, labels and the top's sample order. */
interface SubtreeArgs {
  readonly binned: BinnedRef;
  readonly codes: HeapRef;
  readonly nClasses: number;
  /** The workspace samples of the tree's top: pending node j holds samples[start, end). */
  readonly samples: HeapRef;
  readonly pending: PendingNode[];
  /** Ranges [from, to) of `pending`, one per piece (see subtreeGroups). */
  readonly groups: [number, number][];
  readonly options: TreeOptions;
  readonly seed: number;
}

/**
 * Grows the subtrees of pending nodes [from, to) of group `index`. Subtree j draws from
 * stream 1 + j of the seed (the top drew from stream 0), so it is the same whichever
 * thread grows it and whatever it grew before.
 */
const SUBTREES = definePieces("BaseTreeClassifier.subtrees", (a: SubtreeArgs, index: number, heap: SharedHeap): FlatTree[] => {
  const [from, to] = a.groups[index];
  const ws = new TreeWorkspace(heap, binnedFromRef(heap, a.binned), a.nClasses);
  ws.y.set(i32At(heap, a.codes));
  const samples = i32At(heap, a.samples);
  const out: FlatTree[] = [];
  for (let j = from; j < to; j++) {
    const { start, end, depth, constants } = a.pending[j];
    ws.samples.set(samples.subarray(start, end));
    // A pending node is never at max_depth (it would be a leaf), so the subtree may grow at least one level.
    const maxDepth = a.options.maxDepth === null ? null : a.options.maxDepth - depth;
    out.push(growClassTree(ws, { ...a.options, maxDepth }, a.seed, 1 + j, end - start, { constants }));
  }
  return out;
});

/**
 * Pending nodes packed in preorder into consecutive groups of at most `maxSamples`
 * samples in all (a pending node holds at most that many), so that small subtrees share
 * a piece and its workspace; largest groups first (earlier position on ties), since
 * threads take pieces in index order and a large piece taken last keeps the others waiting.
 */
function subtreeGroups(pending: readonly PendingNode[], maxSamples: number): [number, number][] {
  const groups: [number, number][] = [];
  let from = 0;
  let size = 0;
  pending.forEach((p, j) => {
    const m = p.end - p.start;
    if (j > from && size + m > maxSamples) {
      groups.push([from, j]);
      from = j;
      size = 0;
    }
    size += m;
  });
  if (from < pending.length) groups.push([from, pending.length]);
  const samples = ([from, to]: [number, number]) => pending.slice(from, to).reduce((m, p) => m + p.end - p.start, 0);
  return groups.sort((g, h) => samples(h) - samples(g) || g[0] - h[0]);
}

const DECISION_TREE_PARAMS = {
  criterion: CRITERION,
  splitter: { default: "best", constraints: [{ kind: "options", values: ["best", "random"] }] },
  max_depth: MAX_DEPTH,
  min_samples_split: MIN_SAMPLES_SPLIT,
  min_samples_leaf: MIN_SAMPLES_LEAF,
  max_features: maxFeaturesSpec(null),
  random_state: RANDOM_STATE,
} as const satisfies ParamSpecs;

const EXTRA_TREE_PARAMS = {
  ...DECISION_TREE_PARAMS,
  splitter: { default: "random", constraints: [{ kind: "options", values: ["best", "random"] }] },
  max_features: maxFeaturesSpec("sqrt"),
} as const satisfies ParamSpecs;

/** DecisionTreeClassifier's constructor params, typed from its declarations above. */
export type DecisionTreeClassifierParams = ParamsOf<typeof DECISION_TREE_PARAMS>;
/** ExtraTreeClassifier's constructor params, typed from its declarations above. */
export type ExtraTreeClassifierParams = ParamsOf<typeof EXTRA_TREE_PARAMS>;

/**
 * Shared body of DecisionTreeClassifier and ExtraTreeClassifier: a CART tree grown
 * depth first on histograms of 8-bit bins (see binning.ts for when that is exact),
 * split search in WASM, one kernel call per node. This thread grows the top of the
 * tree, down to nodes of at most 1/SUBTREE_PARTS of the samples; the subtrees below
 * are pieces of the fit that idle threads may grow (parallel/pieces.ts), grafted back
 * in preorder, so the tree is the same to the bit whoever grew which subtree.
 */
abstract class BaseTreeClassifier<S extends ParamSpecs> extends BaseClassifier<S> {
  tree_: FlatTree | null = null;

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    this.tree_ = null;
    const n = X.rows;
    const K = classes.length;
    const options = treeOptionsFrom(this.estimatorName, this.params, n, X.cols);
    const seed = resolveSeed(this.params.random_state);
    const heap = threadHeap();
    const ws = classWorkspace(heap, X, codes, K);
    for (let i = 0; i < n; i++) ws.samples[i] = i;
    // Never below the switch to row-major bins: the top's nodes then all read columns, and a
    // subtree's first row-major node is the first pass over its rows, as in a tree grown in
    // one go. A lower frontier costs a second cold pass over each subtree's rows (ExtraTree
    // at 10k rows, frontier 1024: about 10% more CPU in the split kernel). It also leaves
    // trees on at most rowMajorMax samples whole.
    const maxSamples = Math.max(Math.ceil(n / SUBTREE_PARTS), ws.rowMajorMax);
    const divide = n > maxSamples && n * options.maxFeatures >= MIN_DIVIDED_WORK;
    const frontier: Frontier | undefined = divide ? { maxSamples, nodes: [] } : undefined;
    const top = growClassTree(ws, options, seed, 0, n, { frontier });
    if (!frontier || frontier.nodes.length === 0) {
      this.tree_ = top;
      return this.finishFit(classes, X.cols);
    }
    // The workspace (in this thread's scratch) holds the labels and the top's sample
    // order, which the pieces read; they grow in their own scratch.
    const groups = subtreeGroups(frontier.nodes, maxSamples);
    const args: SubtreeArgs = {
      binned: shareBinned(heap, ws.binned, true), codes: heapRef(heap, ws.y), nClasses: K,
      samples: heapRef(heap, ws.samples), pending: frontier.nodes, groups, options, seed,
    };
    const grown = runPieces(SUBTREES, args, groups.length, {
      heap, label: `${this.estimatorName} subtrees`, pieceBytes: TreeWorkspace.scratchBytes(n, X.cols, K, options),
    });
    const subtrees: FlatTree[] = [];
    groups.forEach(([from], g) => grown[g].forEach((t, i) => (subtrees[from + i] = t)));
    this.tree_ = graftSubtrees(top, frontier.nodes, subtrees);
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
export class DecisionTreeClassifier extends BaseTreeClassifier<typeof DECISION_TREE_PARAMS> {
  readonly estimatorName = "DecisionTreeClassifier";
  static readonly paramSpecs = DECISION_TREE_PARAMS;
  constructor(params: DecisionTreeClassifierParams = {}) {
    super("DecisionTreeClassifier", DECISION_TREE_PARAMS, params);
  }
}

/** scikit-learn's ExtraTreeClassifier: splitter "random" and max_features "sqrt" by default. */
export class ExtraTreeClassifier extends BaseTreeClassifier<typeof EXTRA_TREE_PARAMS> {
  readonly estimatorName = "ExtraTreeClassifier";
  static readonly paramSpecs = EXTRA_TREE_PARAMS;
  constructor(params: ExtraTreeClassifierParams = {}) {
    super("ExtraTreeClassifier", EXTRA_TREE_PARAMS, params);
  }
}
