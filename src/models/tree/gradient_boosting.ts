import type { Matrix } from "../../core/matrix.js";
import { ParamError } from "../../errors.js";
import { argmaxRows, softmaxRows } from "../../kernels/linalg.js";
import { definePieces, f64At, heapRef, i32At, runPieces, type HeapRef } from "../../parallel/pieces.js";
import { scratchFor, type SharedHeap } from "../../wasm/heap.js";
import { randomKernels } from "../../kernels/random.js";
import { threadHeap } from "../../wasm/load.js";
import { residentRows } from "../../kernels/tree_apply.js";
import { BaseClassifier } from "../estimator.js";
import type { ParamSpecs, ParamsOf } from "../../params.js";
import { binnedFeaturesFor, binnedFromRef, shareBinned, type BinnedRef } from "./binning.js";
import { applyTree, seedState, TreeWorkspace, treeBytes, type FlatTree, type TreeOptions } from "./builder.js";
import {
  checkTreePredict, maxFeaturesSpec, MIN_SAMPLES_LEAF, MIN_SAMPLES_SPLIT, RANDOM_STATE, resolveCount,
  resolveMaxFeatures, resolveSeed,
} from "./decision_tree.js";

const GRADIENT_BOOSTING_PARAMS = {
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
} as const satisfies ParamSpecs;

/** GradientBoostingClassifier's constructor params, typed from its declarations above. */
export type GradientBoostingClassifierParams = ParamsOf<typeof GRADIENT_BOOSTING_PARAMS>;

/** What the class trees of one boosting stage need, all shared by reference. */
interface StageArgs {
  readonly binned: BinnedRef;
  readonly codes: HeapRef;
  /** The stage's class probabilities, softmax of the raw scores (n x K). */
  readonly prob: HeapRef;
  /** The raw scores (n x K); the tree of class k adds its values to column k. */
  readonly raw: HeapRef;
  /** The stage's in-bag sample ids, ascending (subsample < 1), or null for all samples. */
  readonly inBag: HeapRef | null;
  readonly nClasses: number;
  readonly options: TreeOptions;
  readonly learningRate: number;
  readonly seed: number;
  readonly stage: number;
}

/**
 * First PRNG stream of the class trees: above every stage's subsample stream
 * (seedState(seed, stage)), so that no tree shares a stream with a subsample draw and
 * the in-bag sets stay what they were when the K trees drew from the subsample's stream.
 */
const CLASS_TREE_STREAMS = 2 ** 32;

/**
 * Grows the regression tree of class `k` for one stage and adds learning_rate times its
 * leaf values to column k of the raw scores, for the samples it was grown on. The K trees
 * of a stage are independent given the stage's probabilities; tree k draws from a stream
 * of the seed, the stage and k alone, so it is the same whichever thread grows it.
 */
const STAGE_TREES = definePieces("GradientBoostingClassifier.stageTrees", (a: StageArgs, k: number, heap: SharedHeap): FlatTree => {
  const K = a.nClasses;
  const lr = a.learningRate;
  const ws = new TreeWorkspace(heap, binnedFromRef(heap, a.binned), K);
  ws.useWeights(false);
  ws.rng[0] = BigInt.asUintN(64, seedState(a.seed, CLASS_TREE_STREAMS + a.stage * K + k));
  const codes = i32At(heap, a.codes);
  const prob = f64At(heap, a.prob);
  const raw = f64At(heap, a.raw);
  const { res, samples } = ws;
  const n = codes.length;
  for (let i = 0; i < n; i++) res[i] = (codes[i] === k ? 1 : 0) - prob[i * K + k];
  let m = n;
  if (a.inBag) {
    const ids = i32At(heap, a.inBag);
    samples.set(ids);
    m = ids.length;
  } else {
    for (let i = 0; i < n; i++) samples[i] = i;
  }
  return ws.grow(a.options, m, 1, "f64", (start, end, into, at) => {
    let num = 0;
    let den = 0;
    for (let j = start; j < end; j++) {
      const i = samples[j];
      const pk = prob[i * K + k];
      num += res[i];
      den += pk * (1 - pk);
    }
    num *= (K - 1) / K;
    const v = Math.abs(den) < 1e-150 ? 0 : num / den;
    into[at] = v;
    for (let j = start; j < end; j++) raw[samples[j] * K + k] += lr * v;
  });
});

/**
 * scikit-learn's GradientBoostingClassifier with the multinomial deviance: the raw
 * scores start at the log class priors; each stage fits one regression tree per
 * class to the residuals y_k - softmax_k (Friedman-MSE splits over 8-bit bins), then
 * replaces each leaf by one Newton step, (K-1)/K * sum(r) / sum(p (1 - p)), and adds
 * learning_rate times it to the scores. With subsample < 1 each stage's trees see a
 * random subset drawn without replacement; the leaf values come from that subset,
 * and every sample's score is updated. A stage's K class trees are pieces of the fit
 * that idle threads may grow (parallel/pieces.ts); the model is the same to the bit
 * whoever grew which tree.
 */
export class GradientBoostingClassifier extends BaseClassifier<typeof GRADIENT_BOOSTING_PARAMS> {
  readonly estimatorName = "GradientBoostingClassifier";
  static readonly paramSpecs = GRADIENT_BOOSTING_PARAMS;
  /** Trees stage by stage, n_classes per stage. */
  estimators_: FlatTree[] | null = null;
  /** Initial raw score per class (log prior). */
  init_: Float64Array | null = null;

  constructor(params: GradientBoostingClassifierParams = {}) {
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

    const heap = threadHeap();
    const binned = binnedFeaturesFor(heap, X);
    // What the stage's pieces read (and raw, which they write) lives in this thread's
    // scratch; pieces, in their own scratch, leave it alone until fit returns.
    const scratch = scratchFor(heap);
    scratch.reset();
    const labels = heap.i32(scratch.alloc(n * 4), n);
    labels.set(codes);
    const raw = heap.f64(scratch.alloc(n * K * 8), n * K);
    const prob = heap.f64(scratch.alloc(n * K * 8), n * K);
    const drawn = nInBag < n ? nInBag : 0;
    const inBagIds = heap.i32(scratch.alloc(drawn * 4), drawn);
    const draws = heap.f64(scratch.alloc(drawn * 8), drawn);
    const rng = heap.u64(scratch.alloc(8), 1);
    const kernels = randomKernels(heap);

    const count = new Float64Array(K);
    for (let i = 0; i < n; i++) count[codes[i]]++;
    const init = new Float64Array(K);
    for (let k = 0; k < K; k++) init[k] = Math.log(Math.min(Math.max(count[k] / n, 2.220446049250313e-16), 1 - 2.220446049250313e-16));
    for (let i = 0; i < n; i++) raw.set(init, i * K);
    const order = new Int32Array(n);
    const inBag = new Uint8Array(n);
    const leafOf = new Int32Array(n);
    const trees: FlatTree[] = [];
    const stageArgs: Omit<StageArgs, "stage"> = {
      binned: shareBinned(heap, binned, false), codes: heapRef(heap, labels), prob: heapRef(heap, prob),
      raw: heapRef(heap, raw), inBag: nInBag < n ? heapRef(heap, inBagIds) : null, nClasses: K, options,
      learningRate: lr, seed,
    };
    const pieceBytes = TreeWorkspace.scratchBytes(n, X.cols, K, options);
    for (let stage = 0; stage < stages; stage++) {
      softmaxRows(raw, prob, n, K);
      if (nInBag < n) {
        rng[0] = BigInt.asUintN(64, seedState(seed, stage));
        kernels.randDoubles(rng.byteOffset, nInBag, draws.byteOffset);
        drawSubset(draws, n, order, inBag);
        for (let i = 0, m = 0; i < n; i++) if (inBag[i]) inBagIds[m++] = i;
      }
      const stageTrees = runPieces(STAGE_TREES, { ...stageArgs, stage }, K, {
        heap, pieceBytes, label: "GradientBoostingClassifier class trees",
      });
      stageTrees.forEach((tree, k) => {
        if (nInBag < n) {
          // The piece updated the samples its tree was grown on; the others' leaves come from X.
          applyTree(tree, X, leafOf);
          for (let i = 0; i < n; i++) if (!inBag[i]) raw[i * K + k] += lr * tree.value[leafOf[i]];
        }
        trees.push(tree);
      });
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
    const rows = residentRows(threadHeap(), X); // every tree walks these rows
    trees.forEach((t, j) => {
      const k = j % K;
      applyTree(t, rows, leaves);
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


/**
 * Marks `draws.length` of n samples in `inBag`, drawn without replacement by a partial
 * Fisher-Yates shuffle of `order` driven by the uniform `draws`.
 */
function drawSubset(draws: Float64Array, n: number, order: Int32Array, inBag: Uint8Array): void {
  for (let i = 0; i < n; i++) order[i] = i;
  inBag.fill(0);
  for (let i = 0; i < draws.length; i++) {
    const j = i + Math.floor(draws[i] * (n - i));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
    inBag[order[i]] = 1;
  }
}
