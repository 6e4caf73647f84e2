import type { Matrix } from "../../core/matrix.js";
import { scratchFor, type SharedHeap } from "../../wasm/heap.js";
import { threadHeap } from "../../wasm/load.js";
import { treeLeaves } from "../../kernels/tree_apply.js";
import { randomKernels, type RandomKernels } from "../../kernels/random.js";
import { splitKernels, type SplitKernels } from "../../kernels/histogram.js";
import { MAX_BINS, rowMajorBins, type BinnedFeatures } from "./binning.js";

/**
 * A fitted tree in flat typed arrays (no object graph): node i splits on
 * feature[i] at threshold[i] (x <= threshold goes to left[i]); a leaf has
 * left[i] === -1 and right[i] = its leaf index, whose values are
 * value[leaf * width, (leaf + 1) * width) (class fractions for a classification
 * tree, one Newton step for a boosting tree).
 */
export interface FlatTree {
  readonly nodeCount: number;
  readonly leafCount: number;
  readonly maxDepth: number;
  readonly width: number;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float32Array | Float64Array;
}

/** Bytes held by a tree's arrays. */
export function treeBytes(t: FlatTree): number {
  return t.feature.byteLength + t.threshold.byteLength + t.left.byteLength + t.right.byteLength + t.value.byteLength;
}

/**
 * Leaf index reached by every row of X (in WASM, eight rows walking together: see
 * assembly/tree_apply.ts), using `heap` (the thread's by default) for its buffers.
 */
export function applyTree(t: FlatTree, X: Matrix, out = new Int32Array(X.rows), heap: SharedHeap = threadHeap()): Int32Array {
  return treeLeaves(heap, X, t, out);
}

// Context block slots, in step with assembly/histogram.ts.
const enum Ctx {
  Bins = 0, NTotal, Y, W, K, Samples, Features, Const, F, MaxF, MinLeaf, Criterion, Splitter, Lo, Hi, XLogX, Rng,
  Hist, NodeBins, Bitmap, Left, Total, Res, Out, NodeY, Store, Parent, Sibling, SStride, RowBins, Plan, Size,
}
const OUT_SLOTS = 10;

export type Criterion = "gini" | "entropy" | "friedman_mse";
const CRITERION_CODE: Record<Criterion, number> = { gini: 0, entropy: 1, friedman_mse: 2 };

export interface TreeOptions {
  readonly criterion: Criterion;
  readonly splitter: "best" | "random";
  /** null: unlimited. */
  readonly maxDepth: number | null;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  /** Features drawn per node, already resolved to a count. */
  readonly maxFeatures: number;
}

/** Regression nodes at least this large keep their histograms for the subtraction trick. */
const KEEP_MIN_SAMPLES = 512;
/**
 * A node's histograms come from its parent's minus its sibling's only when it has at least
 * this many samples: below, a pass over its samples costs about what the subtraction does.
 */
const SUBTRACT_MIN_SAMPLES = 512;
/**
 * Depths 0 .. KEEP_LEVELS - 1 may keep histograms (cols x 4 KiB per level: 200 MiB at 784
 * features). Deep boosting trees (max_depth 10 to 50 in the upstream grid) keep large,
 * lopsided nodes far down.
 */
const KEEP_LEVELS = 64;

/**
 * Levels of histograms a tree grown with `options` keeps for the subtraction trick. The
 * trick needs every feature's histogram in both siblings: regression trees that draw all
 * features (gradient boosting's default) only.
 */
function keptLevels(options: TreeOptions, cols: number): number {
  const subtract = options.criterion === "friedman_mse" && options.maxFeatures === cols;
  return subtract ? Math.min(KEEP_LEVELS, options.maxDepth ?? KEEP_LEVELS) : 0;
}

/** Bytes of each buffer a TreeWorkspace takes from scratch, in the order it takes them. */
function workspaceSizes(rows: number, cols: number, K: number) {
  return {
    ctx: Ctx.Size * 4, out: OUT_SLOTS * 8, rng: 8,
    samples: rows * 4, y: rows * 4, w: rows * 4, res: rows * 8, features: cols * 4, constants: cols * 4,
    hist: MAX_BINS * Math.max(2 * 4 * ((K + 4) & ~3), 4 * 16), // copies: see classHistogram, regHistogram
    bitmap: 32, left: K * 4, total: Math.max(K * 4, 8), stats: 16, xlogx: (rows + 1) * 8, nodeY: rows * 8, nodeBins: rows,
    plan: (3 + 5 * K) * (Math.ceil(cols / 16) * 16) + 16 * cols, // planned random splits: see assembly/histogram.ts, CTX_PLAN
  };
}

/** Default of TreeWorkspace.rowMajorMax. */
const ROW_MAJOR_MAX = 2048;

const EPSILON = 2.220446049250313e-16; // numpy.finfo(float64).eps, scikit-learn's purity threshold

/** 64-bit seed expansion (splitmix64) so nearby seeds give unrelated streams; never 0. */
export function seedState(seed: number, stream: number): bigint {
  let z = (BigInt.asUintN(64, BigInt(Math.floor(seed))) * 0x9e3779b97f4a7c15n + BigInt(stream) + 1n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  z ^= z >> 31n;
  return z === 0n ? 1n : z;
}

/**
 * Heap buffers for growing trees on one binned matrix: the kernels' context block,
 * per-node scratch, the sample list and per-sample targets. One workspace serves
 * every tree of a fit (forest or boosting stages); it lives in this thread's scratch
 * arena until the next reset, so fit must not call other kernel wrappers meanwhile.
 */
export class TreeWorkspace {
  readonly kernels: SplitKernels & RandomKernels;
  readonly ctx: Uint32Array;
  readonly out: Float64Array;
  readonly rng: BigUint64Array;
  /** Sample ids of the current tree (a prefix of length `nSamples`). */
  readonly samples: Int32Array;
  readonly y: Int32Array;
  readonly w: Int32Array;
  readonly res: Float64Array;
  readonly total: Int32Array;
  readonly totalF64: Float64Array;
  private readonly features: Int32Array;
  /** Constant features known to the node being split, at the front (the kernel's record, as scikit-learn's). */
  private readonly constants: Int32Array;
  /** Lets regression trees use the histogram subtraction trick (tests turn it off to compare). */
  allowSubtraction = true;
  /**
   * Nodes with at most this many samples read the row-major copy of the
   * bins (0: never). A small node's samples are scattered over each full column, so a
   * column-major gather costs a cache line per sample and feature drawn, and a subtree
   * touches 64 bytes of cache per byte used; in row-major order the subtree's rows
   * (m x features bytes) stay in cache for every feature drawn below.
   */
  rowMajorMax = ROW_MAJOR_MAX;
  private keepPool = 0;
  private keepLevels = 0;
  private readonly stats: Float64Array;
  private readonly xlogx: Float64Array;
  private xlogxFilled = false;

  constructor(readonly heap: SharedHeap, readonly binned: BinnedFeatures, readonly nClasses: number) {
    this.kernels = { ...splitKernels(heap), ...randomKernels(heap) };
    const { rows, cols } = binned;
    const K = Math.max(nClasses, 1);
    const size = workspaceSizes(rows, cols, K);
    const s = scratchFor(heap);
    s.reset();
    const at = (bytes: number) => s.alloc(bytes);
    this.ctx = heap.u32(at(size.ctx), Ctx.Size);
    this.out = heap.f64(at(size.out), OUT_SLOTS);
    this.rng = heap.u64(at(size.rng), 1);
    this.samples = heap.i32(at(size.samples), rows);
    this.y = heap.i32(at(size.y), rows);
    this.w = heap.i32(at(size.w), rows);
    this.res = heap.f64(at(size.res), rows);
    this.features = heap.i32(at(size.features), cols);
    this.constants = heap.i32(at(size.constants), cols);
    const hist = at(size.hist);
    heap.u8(hist, size.hist).fill(0);
    const bitmap = at(size.bitmap);
    heap.u8(bitmap, size.bitmap).fill(0);
    const left = at(size.left);
    const totalAt = at(size.total);
    this.total = heap.i32(totalAt, K);
    this.totalF64 = heap.f64(totalAt, 1);
    this.stats = heap.f64(at(size.stats), 2);
    this.xlogx = heap.f64(at(size.xlogx), rows + 1);
    const c = this.ctx;
    c.fill(0); // scratch: slots set later (the subtraction trick's) must not start as garbage
    c[Ctx.Bins] = binned.bins.byteOffset;
    c[Ctx.NTotal] = rows;
    c[Ctx.SStride] = 1;
    c[Ctx.Y] = this.y.byteOffset;
    c[Ctx.W] = 0;
    c[Ctx.K] = K;
    c[Ctx.Samples] = this.samples.byteOffset;
    c[Ctx.Features] = this.features.byteOffset;
    c[Ctx.Const] = this.constants.byteOffset;
    c[Ctx.F] = cols;
    c[Ctx.Lo] = binned.lo.byteOffset;
    c[Ctx.Hi] = binned.hi.byteOffset;
    c[Ctx.XLogX] = this.xlogx.byteOffset;
    c[Ctx.Rng] = this.rng.byteOffset;
    c[Ctx.Hist] = hist;
    c[Ctx.NodeBins] = at(size.nodeBins);
    c[Ctx.Bitmap] = bitmap;
    c[Ctx.Left] = left;
    c[Ctx.Total] = totalAt;
    c[Ctx.Res] = this.res.byteOffset;
    c[Ctx.Out] = this.out.byteOffset;
    c[Ctx.NodeY] = at(size.nodeY);
    c[Ctx.Plan] = at(size.plan);
  }

  /**
   * Scratch bytes of a workspace for `rows` x `cols` bins and `nClasses` classes that grows
   * trees with `options`: its buffers and, for regression trees that use the histogram
   * subtraction trick, the pool of kept histograms (cols x 4 KiB per kept level). For
   * pieces of a fit, which each make their own workspace (parallel/pieces.ts, pieceBytes).
   */
  static scratchBytes(rows: number, cols: number, nClasses: number, options: TreeOptions): number {
    let bytes = 0;
    // Each allocation rounded up to the arena's 64-byte alignment.
    for (const b of Object.values(workspaceSizes(rows, cols, Math.max(nClasses, 1)))) bytes += Math.ceil(b / 64) * 64;
    return bytes + keptLevels(options, cols) * cols * 4096;
  }

  /**
   * Use per-sample integer weights in `w` (bootstrap counts) instead of unit weights.
   * A node's weights must sum to at most the matrix's rows (the entropy table's size),
   * as bootstrap counts of `rows` draws do.
   */
  useWeights(on: boolean): void {
    this.ctx[Ctx.W] = on ? this.w.byteOffset : 0;
  }

  /** Fills `count` uniform ints in [0, bound) from the workspace PRNG. */
  randInts(bound: number, count: number, dst: Int32Array): void {
    this.kernels.randInts(this.rng.byteOffset, bound, count, dst.byteOffset);
  }

  /**
   * Grows one tree on samples[0, nSamples). `leafValue(start, end, total)` writes the
   * leaf's `width` values into `into` at `at`; for classification `total` holds the
   * node's class weights. `part` says which part of a tree this is (default: all of it).
   */
  grow(
    options: TreeOptions, nSamples: number, width: number, valueType: "f32" | "f64",
    leafValue: (start: number, end: number, into: Float32Array | Float64Array, at: number) => void,
    part: TreePart = {},
  ): FlatTree {
    const { kernels, ctx, out, binned } = this;
    const regression = options.criterion === "friedman_mse";
    const K = this.nClasses;
    this.configure(options);
    const { frontier, constants = [] } = part;
    if (constants.length > 0) this.knowConstants(constants);
    const maxDepth = options.maxDepth ?? 2 ** 31 - 1;
    const samplesPtr = this.samples.byteOffset;

    const b = new TreeArrays(width, valueType);
    const levels = this.allowSubtraction ? keptLevels(options, binned.cols) : 0;
    if (levels > this.keepLevels) {
      this.keepPool = scratchFor(this.heap).alloc(levels * binned.cols * 4096);
      this.keepLevels = levels;
    }
    const levelBytes = binned.cols * 4096;
    const keptBy = new Int32Array(Math.max(levels, 1)).fill(-1);
    let tokens = 0;
    ctx[Ctx.Store] = 0;
    ctx[Ctx.Parent] = 0;
    ctx[Ctx.Sibling] = 0;
    interface Entry {
      start: number; end: number; depth: number; parent: number; isLeft: boolean; nConst: number;
      token: number; parentToken: number; siblingToken: number; helpsSibling: boolean;
    }
    // Explicit depth-first stack (left child first, as scikit-learn's builder, except
    // that with the subtraction trick the smaller child goes first).
    const stack: Entry[] = [{ start: 0, end: nSamples, depth: 0, parent: -1, isLeft: false, nConst: constants.length, token: tokens++, parentToken: -1, siblingToken: -1, helpsSibling: false }];
    const rowBins = this.rowMajorMax > 0 ? rowMajorBins(this.heap, binned) : null;
    ctx[Ctx.RowBins] = rowBins?.byteOffset ?? 0;
    /** Points the kernels at the layout of the bins that suits a node of m samples. */
    const useLayout = (m: number) => {
      if (rowBins === null) return;
      const rows = m <= this.rowMajorMax;
      ctx[Ctx.Bins] = rows ? rowBins.byteOffset : binned.bins.byteOffset;
      ctx[Ctx.NTotal] = rows ? 1 : binned.rows;
      ctx[Ctx.SStride] = rows ? binned.cols : 1;
    };
    let deepest = 0;
    while (stack.length > 0) {
      const e = stack.pop()!;
      const { start, end, depth } = e;
      const m = end - start;
      const node = b.addNode(e.parent, e.isLeft);
      if (depth > deepest) deepest = depth;
      let leaf = depth >= maxDepth || m < options.minSamplesSplit || m < 2 * options.minSamplesLeaf;
      if (regression) {
        kernels.treeRegStats(this.res.byteOffset, samplesPtr, start, end, this.stats.byteOffset);
        const mean = this.stats[0] / m;
        this.totalF64[0] = this.stats[0];
        leaf ||= this.stats[1] / m - mean * mean <= EPSILON;
      } else {
        kernels.treeClassCounts(this.y.byteOffset, ctx[Ctx.W], samplesPtr, start, end, K, this.total.byteOffset);
        leaf ||= this.impurity(options.criterion) <= EPSILON;
      }
      if (!leaf && frontier && m <= frontier.maxSamples) {
        b.setPending(node, frontier.nodes.length);
        frontier.nodes.push({ start, end, depth, constants: Array.from(this.constants.subarray(0, e.nConst)) });
        continue;
      }
      if (!leaf) {
        useLayout(m);
        if (levels > 0) {
          const canSubtract = depth >= 1 && depth < levels && e.siblingToken >= 0 &&
            keptBy[depth - 1] === e.parentToken && keptBy[depth] === e.siblingToken;
          // A small node keeps its histograms too when its larger sibling can then subtract.
          const keep = depth < levels && (m >= KEEP_MIN_SAMPLES || e.helpsSibling);
          ctx[Ctx.Parent] = canSubtract ? this.keepPool + (depth - 1) * levelBytes : 0;
          ctx[Ctx.Sibling] = canSubtract ? this.keepPool + depth * levelBytes : 0;
          ctx[Ctx.Store] = keep ? this.keepPool + depth * levelBytes : 0;
          if (keep) keptBy[depth] = e.token;
          else if (canSubtract) keptBy[depth] = -1; // read, not rewritten: no longer anyone's
        }
        const found = kernels.treeSplit(ctx.byteOffset, start, end, e.nConst);
        const childConst = out[4];
        if (found) {
          const feature = out[0];
          const pos = kernels.treePartition(ctx[Ctx.Bins], ctx[Ctx.NTotal], ctx[Ctx.SStride], samplesPtr, start, end, feature, out[1], ctx[Ctx.NodeY]);
          b.setSplit(node, feature, out[2]);
          const left: Entry = { start, end: pos, depth: depth + 1, parent: node, isLeft: true, nConst: childConst, token: tokens++, parentToken: e.token, siblingToken: -1, helpsSibling: false };
          const right: Entry = { start: pos, end, depth: depth + 1, parent: node, isLeft: false, nConst: childConst, token: tokens++, parentToken: e.token, siblingToken: -1, helpsSibling: false };
          const parentKept = levels > 0 && ctx[Ctx.Store] !== 0;
          if (levels > 0 && pos - start > end - pos) {
            left.siblingToken = right.token;
            right.helpsSibling = parentKept && pos - start >= SUBTRACT_MIN_SAMPLES;
            stack.push(left, right);
          } else {
            if (levels > 0) {
              right.siblingToken = left.token;
              left.helpsSibling = parentKept && end - pos >= SUBTRACT_MIN_SAMPLES;
            }
            stack.push(right, left);
          }
          continue;
        }
      } else if (e.helpsSibling && depth < levels && depth < maxDepth) {
        // A leaf whose larger sibling will be split: keeping the leaf's histograms (a pass
        // over its few samples) spares the sibling a pass over its many.
        useLayout(m);
        ctx[Ctx.Parent] = 0;
        ctx[Ctx.Sibling] = 0;
        ctx[Ctx.Store] = this.keepPool + depth * levelBytes;
        keptBy[depth] = e.token;
        kernels.treeRegKeep(ctx.byteOffset, start, end);
      }
      b.setLeaf(node, (into, at) => leafValue(start, end, into, at));
    }
    return b.finish(deepest);
  }

  /**
   * Puts `constants` at the front of the feature order and of the kernel's record of
   * known constants, as the split of the node above would have left them.
   */
  private knowConstants(constants: readonly number[]): void {
    const known = new Uint8Array(this.binned.cols);
    constants.forEach((f, i) => {
      this.features[i] = f;
      this.constants[i] = f;
      known[f] = 1;
    });
    let at = constants.length;
    for (let f = 0; f < known.length; f++) if (!known[f]) this.features[at++] = f;
  }

  /** Sets the split options in the context block and resets the feature order. */
  configure(options: TreeOptions): void {
    if (options.criterion === "entropy" && !this.xlogxFilled) {
      // xlogx[c] = c ln c for integer weights up to rows (bootstrap weights sum to rows).
      // Filled on first use: gini and regression trees never read it, and pieces of a fit
      // make a workspace each. Scratch memory holds whatever the previous fit left: every
      // entry, 0 ln 0 = 0 included, is written.
      const t = this.xlogx;
      t[0] = 0;
      for (let c = 1; c < t.length; c++) t[c] = c * Math.log(c);
      this.xlogxFilled = true;
    }
    const ctx = this.ctx;
    ctx[Ctx.MaxF] = options.maxFeatures;
    ctx[Ctx.MinLeaf] = options.minSamplesLeaf;
    ctx[Ctx.Criterion] = CRITERION_CODE[options.criterion];
    ctx[Ctx.Splitter] = options.splitter === "random" ? 1 : 0;
    for (let f = 0; f < this.binned.cols; f++) this.features[f] = f;
  }

  /**
   * One call of the split kernel on samples[start, end) after configure(); node totals
   * (class counts, or the target sum in totalF64[0]) must be in place. For tests.
   */
  findSplit(start: number, end: number): { found: boolean; feature: number; bin: number; threshold: number; proxy: number } {
    const found = this.kernels.treeSplit(this.ctx.byteOffset, start, end, 0) === 1;
    const o = this.out;
    return { found, feature: o[0], bin: o[1], threshold: o[2], proxy: o[3] };
  }

  /** Class totals of samples[start, end) into `total` (what grow() does per node). */
  countClasses(start: number, end: number): void {
    this.kernels.treeClassCounts(this.y.byteOffset, this.ctx[Ctx.W], this.samples.byteOffset, start, end, this.nClasses, this.total.byteOffset);
  }

  private impurity(criterion: Criterion): number {
    const t = this.total;
    let W = 0;
    for (let k = 0; k < t.length; k++) W += t[k];
    let s = 0;
    if (criterion === "gini") {
      for (let k = 0; k < t.length; k++) s += (t[k] / W) * (t[k] / W);
      return 1 - s;
    }
    for (let k = 0; k < t.length; k++) if (t[k] > 0) s -= (t[k] / W) * Math.log2(t[k] / W);
    return s;
  }
}

/**
 * Which part of a tree TreeWorkspace.grow grows. With a `frontier`, the top: the nodes
 * the frontier takes are left pending, and the tree is complete once graftSubtrees has
 * put their subtrees in. With `constants`, the subtree of a pending node (its samples
 * in the workspace's sample list), given the features known to be constant in it.
 */
export interface TreePart {
  readonly frontier?: Frontier;
  readonly constants?: readonly number[];
}

/**
 * Where grow() stops, so that the subtrees below can grow elsewhere (pieces of a fit on
 * other threads): a node that would be split and holds at most `maxSamples` samples is
 * left pending. Which nodes those are depends on the data, the options, the seed and
 * `maxSamples`, never on threads.
 */
export interface Frontier {
  readonly maxSamples: number;
  /** The pending nodes, in the order grow() met them (preorder); grow() appends to it. */
  readonly nodes: PendingNode[];
}

/** A pending node: its samples, samples[start, end) of the workspace that grew the top, and its depth. */
export interface PendingNode {
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  /** Features its ancestors found constant in it, which its subtree need not draw again. */
  readonly constants: number[];
}

/** left[] of a pending node in a tree's top (right[] holds its index in Frontier.nodes). */
const PENDING = -2;

/**
 * The whole tree: `top` (grown with a frontier) with pending node j replaced by
 * `subtrees[j]`, which was grown on that node's samples. Nodes and leaves are numbered
 * in preorder, left first, as grow() numbers a classification tree it grows alone, so
 * the numbering is fixed by the tree's shape and not by where its parts grew; each
 * subtree, numbered so too, is one block of it, copied with its indices shifted.
 */
export function graftSubtrees(top: FlatTree, pending: readonly PendingNode[], subtrees: readonly FlatTree[]): FlatTree {
  const width = top.width;
  let nodeCount = top.nodeCount - subtrees.length;
  let leafCount = top.leafCount;
  for (const t of subtrees) {
    nodeCount += t.nodeCount;
    leafCount += t.leafCount;
  }
  const feature = new Int32Array(nodeCount);
  const threshold = new Float64Array(nodeCount);
  const left = new Int32Array(nodeCount);
  const right = new Int32Array(nodeCount);
  const value = top.value instanceof Float32Array ? new Float32Array(leafCount * width) : new Float64Array(leafCount * width);
  let next = 0;
  let nextLeaf = 0;
  let deepest = top.maxDepth;
  const stack: [node: number, parent: number, isLeft: boolean][] = [[0, -1, false]];
  while (stack.length > 0) {
    const [node, parent, isLeft] = stack.pop()!;
    const id = next;
    if (parent >= 0) (isLeft ? left : right)[parent] = id;
    if (top.left[node] === PENDING) {
      const j = top.right[node];
      const t = subtrees[j];
      feature.set(t.feature, id);
      threshold.set(t.threshold, id);
      for (let i = 0; i < t.nodeCount; i++) {
        const split = t.left[i] >= 0;
        left[id + i] = split ? t.left[i] + id : -1;
        right[id + i] = t.right[i] + (split ? id : nextLeaf);
      }
      value.set(t.value, nextLeaf * width);
      next += t.nodeCount;
      nextLeaf += t.leafCount;
      deepest = Math.max(deepest, pending[j].depth + t.maxDepth);
    } else if (top.left[node] >= 0) {
      feature[id] = top.feature[node];
      threshold[id] = top.threshold[node];
      next++;
      stack.push([top.right[node], id, false], [top.left[node], id, true]);
    } else {
      feature[id] = -1;
      left[id] = -1;
      right[id] = nextLeaf;
      const at = top.right[node] * width;
      value.set(top.value.subarray(at, at + width), nextLeaf * width);
      next++;
      nextLeaf++;
    }
  }
  return { nodeCount, leafCount, maxDepth: deepest, width, feature, threshold, left, right, value };
}

/** Growable flat arrays for one tree. */
class TreeArrays {
  private cap = 64;
  private leafCap = 32;
  private n = 0;
  private leaves = 0;
  feature = new Int32Array(this.cap);
  threshold = new Float64Array(this.cap);
  left = new Int32Array(this.cap);
  right = new Int32Array(this.cap);
  value: Float32Array | Float64Array;

  constructor(private readonly width: number, private readonly valueType: "f32" | "f64") {
    this.value = this.makeValues(this.leafCap * width);
  }

  private makeValues(n: number): Float32Array | Float64Array {
    return this.valueType === "f32" ? new Float32Array(n) : new Float64Array(n);
  }

  addNode(parent: number, isLeft: boolean): number {
    if (this.n === this.cap) {
      this.cap *= 2;
      this.feature = grow(this.feature, this.cap);
      this.threshold = grow(this.threshold, this.cap);
      this.left = grow(this.left, this.cap);
      this.right = grow(this.right, this.cap);
    }
    const id = this.n++;
    if (parent >= 0) (isLeft ? this.left : this.right)[parent] = id;
    return id;
  }

  setSplit(node: number, feature: number, threshold: number): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
  }

  setLeaf(node: number, fill: (into: Float32Array | Float64Array, at: number) => void): void {
    if (this.leaves === this.leafCap) {
      this.leafCap *= 2;
      const v = this.makeValues(this.leafCap * this.width);
      v.set(this.value);
      this.value = v;
    }
    const leaf = this.leaves++;
    this.feature[node] = -1;
    this.threshold[node] = 0;
    this.left[node] = -1;
    this.right[node] = leaf;
    fill(this.value, leaf * this.width);
  }

  /** Marks `node` as left for subtree `index` of a frontier (see graftSubtrees). */
  setPending(node: number, index: number): void {
    this.feature[node] = -1;
    this.threshold[node] = 0;
    this.left[node] = PENDING;
    this.right[node] = index;
  }

  finish(maxDepth: number): FlatTree {
    const n = this.n;
    return {
      nodeCount: n, leafCount: this.leaves, maxDepth, width: this.width,
      feature: this.feature.slice(0, n), threshold: this.threshold.slice(0, n),
      left: this.left.slice(0, n), right: this.right.slice(0, n),
      value: this.value.slice(0, this.leaves * this.width),
    };
  }
}

function grow<T extends Int32Array | Float64Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}
