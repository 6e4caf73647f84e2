import type { Matrix } from "../../core/matrix.js";
import { ParamError } from "../../errors.js";
import { argmaxRows } from "../../kernels/linalg.js";
import { definePieces, heapRef, i32At, runPieces, type HeapRef } from "../../parallel/pieces.js";
import { scratchFor, type SharedHeap } from "../../wasm/heap.js";
import { threadHeap } from "../../wasm/load.js";
import { residentRows } from "../../kernels/tree_apply.js";
import { BaseClassifier } from "../estimator.js";
import { MljsRandomForest } from "../mljs/random_forest.js";
import type { ParamSpecs, ParamsOf } from "../../params.js";
import { binnedFeaturesFor, binnedFromRef, shareBinned, type BinnedRef } from "./binning.js";
import { applyTree, seedState, TreeWorkspace, treeBytes, type FlatTree, type TreeOptions } from "./builder.js";
import {
  checkTreePredict, CRITERION, growClassTree, MAX_DEPTH, maxFeaturesSpec,
  MIN_SAMPLES_LEAF, MIN_SAMPLES_SPLIT, RANDOM_STATE, resolveMaxFeatures, resolveSeed, treeOptionsFrom,
} from "./decision_tree.js";

const RANDOM_FOREST_PARAMS = {
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
} as const satisfies ParamSpecs;

/** RandomForestClassifier's constructor params, typed from its declarations above. */
export type RandomForestClassifierParams = ParamsOf<typeof RANDOM_FOREST_PARAMS>;

/** Most chunks a forest's trees are split into (see forestChunks). */
export const FOREST_CHUNKS = 16;

/**
 * The forest's trees in fixed consecutive ranges [from, to): the pieces of a fit that
 * idle threads may grow (parallel/pieces.ts), and the order in which predictProba adds
 * the trees' class fractions (each chunk summed on its own, then the chunks in order).
 * The ranges depend on the number of trees only.
 */
export function forestChunks(nTrees: number): [number, number][] {
  const size = Math.ceil(nTrees / Math.min(nTrees, FOREST_CHUNKS));
  const out: [number, number][] = [];
  for (let from = 0; from < nTrees; from += size) out.push([from, Math.min(nTrees, from + size)]);
  return out;
}

/** What a chunk of trees needs: the shared binned training set, labels and the resolved settings. */
interface TreeChunkArgs {
  readonly binned: BinnedRef;
  readonly codes: HeapRef;
  readonly nClasses: number;
  readonly nTrees: number;
  readonly options: TreeOptions;
  readonly seed: number;
  readonly bootstrap: boolean;
}

/**
 * Grows trees [from, to) of forestChunks' range `index`. Tree t draws its bootstrap
 * sample and its features from streams of the seed and t alone, so a tree is the same
 * whichever thread grows it and whatever it grew before.
 */
const TREE_CHUNKS = definePieces("RandomForestClassifier.trees", (a: TreeChunkArgs, index: number, heap: SharedHeap): FlatTree[] => {
  const [from, to] = forestChunks(a.nTrees)[index];
  const ws = new TreeWorkspace(heap, binnedFromRef(heap, a.binned), a.nClasses);
  ws.y.set(i32At(heap, a.codes));
  const n = a.binned.rows;
  const trees: FlatTree[] = [];
  const draws = new Int32Array(n);
  for (let t = from; t < to; t++) {
    let nSamples = n;
    if (a.bootstrap) {
      // n draws with replacement; the tree sees each drawn sample once, weighted by its count.
      ws.rng[0] = BigInt.asUintN(64, seedState(a.seed, 2 * t + 1));
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
    trees.push(growClassTree(ws, a.options, a.seed, 2 * t + 2, nSamples));
  }
  return trees;
});

/**
 * scikit-learn's RandomForestClassifier: `n_estimators` trees, each grown on a
 * bootstrap sample (drawn with replacement; a sample drawn c times weighs c in the
 * split criterion, as scikit-learn's sample_weight) with `max_features` features
 * drawn per split; predict averages the trees' class fractions. The trees are grown
 * in chunks (forestChunks) that idle threads may take (parallel/pieces.ts); the
 * forest is the same to the bit whoever grew which chunk.
 */
export class RandomForestClassifier extends BaseClassifier<typeof RANDOM_FOREST_PARAMS> {
  readonly estimatorName = "RandomForestClassifier";
  static readonly paramSpecs = RANDOM_FOREST_PARAMS;
  estimators_: FlatTree[] | null = null;
  private mljs: MljsRandomForest | null = null;

  constructor(params: RandomForestClassifierParams = {}) {
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
    const heap = threadHeap();
    const binned = binnedFeaturesFor(heap, X);
    // In this thread's scratch, which pieces (in their own scratch) leave alone until fit returns.
    const scratch = scratchFor(heap);
    scratch.reset();
    const labels = heap.i32(scratch.alloc(codes.length * 4), codes.length);
    labels.set(codes);
    const args: TreeChunkArgs = {
      binned: shareBinned(heap, binned, true), codes: heapRef(heap, labels), nClasses: classes.length, nTrees,
      options: treeOptionsFrom(this.estimatorName, p, X.rows, X.cols), seed, bootstrap: p.bootstrap as boolean,
    };
    const chunks = runPieces(TREE_CHUNKS, args, forestChunks(nTrees).length, {
      heap, label: "RandomForestClassifier trees", pieceBytes: TreeWorkspace.scratchBytes(X.rows, X.cols, classes.length, args.options),
    });
    this.estimators_ = chunks.flat();
    return this.finishFit(classes, X.cols);
  }

  /** Mean of the trees' class fractions (samples x classes). */
  predictProba(X: Matrix): Float64Array {
    if (this.mljs) {
      throw new ParamError(this.estimatorName, "engine", `${this.estimatorName}: engine 'mljs' has no predict_proba; use engine 'wasm'`);
    }
    const trees = checkTreePredict(this.estimatorName, this.estimators_, this.n_features_in_, X);
    const K = this.classes_!.length;
    const out = new Float64Array(X.rows * K);
    const leaves = new Int32Array(X.rows);
    const part = new Float64Array(X.rows * K);
    const rows = residentRows(threadHeap(), X); // every tree walks these rows
    for (const [from, to] of forestChunks(trees.length)) {
      addChunkProba(trees.slice(from, to), rows, K, leaves, part.fill(0));
      for (let i = 0; i < out.length; i++) out[i] += part[i];
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
