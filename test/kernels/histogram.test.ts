import { describe, expect, it } from "vitest";
import { bestSplitReference } from "../../src/kernels/histogram.js";
import { binFeatures, rowMajorBins } from "../../src/models/tree/binning.js";
import { applyTree, seedState, TreeWorkspace, type TreeOptions } from "../../src/models/tree/builder.js";
import { scratchFor, SharedHeap } from "../../src/wasm/heap.js";
import { kernelsFor } from "../../src/wasm/load.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** Counts of `n` draws with replacement from 0..n-1: they sum to n, as the workspace's xlogx table requires. */
function bootstrapCounts(n: number, rand: () => number): Int32Array {
  const w = new Int32Array(n);
  for (let i = 0; i < n; i++) w[Math.floor(rand() * n)]++;
  return w;
}

describe("tree_split_u8 against the exhaustive TS reference", () => {
  // Node sizes on both sides of the kernel's two-copy threshold (1024), odd sizes, a single sample.
  for (const [rows, cols, levels] of [[1, 3, 4], [7, 5, 3], [257, 9, 40], [1500, 6, 256], [2051, 4, 17]] as const) {
    for (const [criterion, weighted] of [["gini", false], ["entropy", false], ["friedman_mse", false], ["gini", true], ["entropy", true]] as const) {
      it(`${criterion}${weighted ? " with sample weights" : ""}, ${rows} x ${cols}, ${levels} levels`, () => {
        const rand = lcg(rows * 31 + cols);
        const heap = SharedHeap.create();
        const data = Float32Array.from({ length: rows * cols }, () => Math.floor(rand() * levels) * 0.5 - 3);
        const binned = binFeatures(heap, { data, rows, cols });
        const K = 4;
        const ws = new TreeWorkspace(heap, binned, K);
        const y = Int32Array.from({ length: rows }, (_, i) => Math.floor(data[i * cols] + 3 + rand() * 3) % K);
        const target = Float64Array.from({ length: rows }, (_, i) => y[i] + rand());
        ws.y.set(y);
        ws.res.set(target);
        // Bootstrap weights (a sample drawn c times in `rows` draws weighs c); weighted nodes hold drawn samples only.
        const weights = bootstrapCounts(rows, rand);
        // The node: every other sample, in a shuffled order.
        const node = Array.from({ length: rows }, (_, i) => i)
          .filter((i) => (i % 2 === 0 || rows < 10) && (!weighted || weights[i] > 0)).sort(() => rand() - 0.5);
        ws.samples.set(node);
        ws.w.set(weights);
        ws.useWeights(weighted);
        ws.configure({ criterion, splitter: "best", maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 2, maxFeatures: cols });
        ws.rng[0] = seedState(1, 0);
        if (criterion === "friedman_mse") ws.totalF64[0] = node.reduce((s, i) => s + target[i], 0);
        else ws.countClasses(0, node.length);
        const got = ws.findSplit(0, node.length);
        const w = weighted ? weights : undefined;
        const want = bestSplitReference(binned.bins, rows, cols, criterion === "friedman_mse" ? target : y, K, node, criterion, 2, w);
        expect(got.found).toBe(want !== null);
        if (want) {
          expect(got.proxy).toBeCloseTo(want.proxy, 6);
          // The kernel's choice scores the best proxy: check it against the reference on that feature alone.
          const alone = bestSplitReference(
            binned.bins.subarray(got.feature * rows, (got.feature + 1) * rows), rows, 1,
            criterion === "friedman_mse" ? target : y, K, node, criterion, 2, w,
          );
          expect(alone!.proxy).toBeCloseTo(want.proxy, 6);
        }
      });
    }
  }

  it("finds no split in a node whose features are all constant", () => {
    const heap = SharedHeap.create();
    const binned = binFeatures(heap, { data: new Float32Array(6 * 2).fill(1), rows: 6, cols: 2 });
    const ws = new TreeWorkspace(heap, binned, 2);
    ws.y.set([0, 1, 0, 1, 0, 1]);
    ws.samples.set([0, 1, 2, 3, 4, 5]);
    ws.configure({ criterion: "gini", splitter: "best", maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 2 });
    ws.rng[0] = seedState(1, 0);
    ws.countClasses(0, 6);
    expect(ws.findSplit(0, 6).found).toBe(false);
    expect(ws.findSplit(0, 0).found).toBe(false);
  });
});

describe("regression trees with the histogram subtraction trick", () => {
  it("grow the same tree as without it", () => {
    const rand = lcg(99);
    const heap = SharedHeap.create();
    const rows = 6000;
    const cols = 12;
    const data = Float32Array.from({ length: rows * cols }, () => Math.floor(rand() * 30));
    const binned = binFeatures(heap, { data, rows, cols });
    const target = Float64Array.from({ length: rows }, (_, i) => Math.sin(data[i * cols] / 5) + data[i * cols + 3] / 30 + (rand() - 0.5) * 0.1);
    const grow = (allow: boolean) => {
      const ws = new TreeWorkspace(heap, binned, 3);
      ws.allowSubtraction = allow;
      for (let i = 0; i < rows; i++) {
        ws.samples[i] = i;
        ws.res[i] = target[i];
      }
      ws.rng[0] = seedState(7, 0);
      const options = { criterion: "friedman_mse", splitter: "best", maxDepth: 6, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: cols } as const;
      return ws.grow(options, rows, 1, "f64", (start, end, into, at) => {
        let s = 0;
        for (let j = start; j < end; j++) s += ws.res[ws.samples[j]];
        into[at] = s / (end - start);
      });
    };
    const a = grow(true);
    const b = grow(false);
    // Node numbering differs (the smaller child goes first with subtraction): compare predictions.
    const X = { data, rows, cols };
    const la = applyTree(a, X);
    const lb = applyTree(b, X);
    expect(a.leafCount).toBe(b.leafCount);
    for (let i = 0; i < rows; i++) expect(a.value[la[i]]).toBeCloseTo(b.value[lb[i]], 9);
  });
});

describe("regression trees whose smaller children are leaves", () => {
  // Mostly a few common values, rarely an outlier value with an outlying target: splits
  // peel small groups (leaves under min_samples_split) off large nodes.
  const rand = lcg(41);
  const rows = 5000;
  const cols = 10;
  const data = Float32Array.from({ length: rows * cols }, () => (rand() < 0.97 ? Math.floor(rand() * 3) : 10 + Math.floor(rand() * 40)));
  const target = Float64Array.from({ length: rows }, (_, i) => {
    const o = i * cols;
    return (data[o] > 5 ? data[o] : 0) - (data[o + 4] > 5 ? data[o + 4] / 2 : 0) + (rand() - 0.5) * 0.3;
  });
  const options = { criterion: "friedman_mse", splitter: "best", maxDepth: 40, minSamplesSplit: 40, minSamplesLeaf: 1, maxFeatures: cols } as const;
  const workspace = (heap: SharedHeap) => {
    const ws = new TreeWorkspace(heap, binFeatures(heap, { data, rows, cols }), 3);
    for (let i = 0; i < rows; i++) {
      ws.samples[i] = i;
      ws.res[i] = target[i];
    }
    ws.rng[0] = seedState(11, 0);
    return ws;
  };
  const grow = (ws: TreeWorkspace) => ws.grow(options, rows, 1, "f64", (start, end, into, at) => {
    let s = 0;
    for (let j = start; j < end; j++) s += ws.res[ws.samples[j]];
    into[at] = s / (end - start);
  });

  it("grow the same tree as without the subtraction trick, keeping leaves' histograms", () => {
    const ws = workspace(SharedHeap.create());
    const keep = ws.kernels.treeRegKeep;
    let kept = 0;
    (ws.kernels as { treeRegKeep: typeof keep }).treeRegKeep = (...args) => {
      kept++;
      return keep(...args);
    };
    const a = grow(ws);
    const plain = workspace(SharedHeap.create());
    plain.allowSubtraction = false;
    const b = grow(plain);
    expect(kept).toBeGreaterThan(3);
    const X = { data, rows, cols };
    const la = applyTree(a, X);
    const lb = applyTree(b, X);
    expect(a.leafCount).toBe(b.leafCount);
    expect(a.leafCount).toBeGreaterThan(20);
    for (let i = 0; i < rows; i++) expect(a.value[la[i]]).toBeCloseTo(b.value[lb[i]], 9);
  });

  it("tree_reg_keep_u8 stores each feature's per-bin target sums and counts", () => {
    const heap = SharedHeap.create();
    const ws = workspace(heap);
    ws.configure(options);
    const store = heap.f64(scratchFor(heap).alloc(cols * 4096), cols * 512).fill(NaN);
    ws.ctx[25] = store.byteOffset; // CTX_STORE
    const node = Array.from({ length: rows }, (_, i) => i).filter((i) => i % 7 === 3);
    ws.samples.set(node);
    ws.kernels.treeRegKeep(ws.ctx.byteOffset, 0, node.length);
    const bins = ws.binned.bins;
    for (let f = 0; f < cols; f++) {
      const sum = new Float64Array(256);
      const count = new Float64Array(256);
      for (const i of node) {
        sum[bins[f * rows + i]] += target[i];
        count[bins[f * rows + i]]++;
      }
      for (let b = 0; b < 256; b++) {
        expect(store[f * 512 + 2 * b + 1]).toBe(count[b]);
        expect(store[f * 512 + 2 * b]).toBeCloseTo(sum[b], 9);
      }
    }
    // The scratch histogram is left zeroed: a split after it sees only its own samples.
    ws.ctx[25] = 0;
    ws.totalF64[0] = node.reduce((s, i) => s + target[i], 0);
    const got = ws.findSplit(0, node.length);
    const want = bestSplitReference(bins, rows, cols, target, 1, node, "friedman_mse", 1);
    expect(got.proxy).toBeCloseTo(want!.proxy, 6);
  });

  it("grow the same tree, bit for bit, from either bin layout", () => {
    const heap = SharedHeap.create();
    const at = (rowMajorMax: number) => {
      const ws = workspace(heap);
      ws.rowMajorMax = rowMajorMax;
      return grow(ws);
    };
    const columns = at(0);
    for (const rowMajorMax of [300, rows]) {
      const t = at(rowMajorMax);
      expect(Array.from(t.feature)).toEqual(Array.from(columns.feature));
      expect(Array.from(t.threshold)).toEqual(Array.from(columns.threshold));
      expect(Array.from(t.value)).toEqual(Array.from(columns.value));
    }
  });
});

describe("tree_partition_u8", () => {
  it("keeps each side in its original order, in either bin layout", () => {
    const heap = SharedHeap.create();
    const rows = 37;
    const cols = 3;
    const rand = lcg(5);
    const data = Float32Array.from({ length: rows * cols }, () => Math.floor(rand() * 9));
    const binned = binFeatures(heap, { data, rows, cols });
    const rowBins = rowMajorBins(heap, binned);
    for (let i = 0; i < rows; i++) for (let f = 0; f < cols; f++) expect(rowBins[i * cols + f]).toBe(binned.bins[f * rows + i]);
    const k = kernelsFor(heap);
    const s = scratchFor(heap);
    s.reset();
    const samples = heap.i32(s.alloc(rows * 4), rows);
    const tmp = s.alloc(rows * 4);
    const node = Array.from({ length: rows }, (_, i) => i).filter((i) => i % 3 !== 1);
    for (const [bins, fStride, sStride] of [[binned.bins, rows, 1], [rowBins, 1, cols]] as const) {
      samples.set(node);
      const pos = k.tree_partition_u8(bins.byteOffset, fStride, sStride, samples.byteOffset, 2, node.length - 1, 1, 4, tmp);
      const inner = node.slice(2, node.length - 1);
      const left = inner.filter((i) => binned.bins[rows + i] <= 4);
      const right = inner.filter((i) => binned.bins[rows + i] > 4);
      expect(pos).toBe(2 + left.length);
      expect(Array.from(samples.subarray(0, node.length))).toEqual([...node.slice(0, 2), ...left, ...right, node[node.length - 1]]);
    }
    k.tree_partition_u8(binned.bins.byteOffset, rows, 1, samples.byteOffset, 0, 0, 0, 4, tmp);
  });
});

describe("classification trees", () => {
  const rand = lcg(17);
  const rows = 5000;
  const cols = 40;
  const data = Float32Array.from({ length: rows * cols }, () => Math.floor(rand() * 12));
  const y = Int32Array.from({ length: rows }, (_, i) => (data[i * cols] + data[i * cols + 7] + Math.floor(rand() * 4)) % 5);
  const weights = bootstrapCounts(rows, rand);
  const grow = (heap: SharedHeap, rowMajorMax: number, weighted: boolean, draw: Partial<TreeOptions> = {}) => {
    const binned = binFeatures(heap, { data, rows, cols });
    const ws = new TreeWorkspace(heap, binned, 5);
    ws.rowMajorMax = rowMajorMax;
    ws.y.set(y);
    ws.w.set(weights);
    ws.useWeights(weighted);
    let n = 0;
    for (let i = 0; i < rows; i++) if (!weighted || weights[i] > 0) ws.samples[n++] = i;
    ws.rng[0] = seedState(3, 0);
    const options: TreeOptions = { criterion: "entropy", splitter: "best", maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 6, ...draw };
    return ws.grow(options, n, 5, "f32", (_s, _e, into, at) => {
      let W = 0;
      for (let k = 0; k < 5; k++) W += ws.total[k];
      for (let k = 0; k < 5; k++) into[at + k] = ws.total[k] / W;
    });
  };
  const same = (a: ReturnType<typeof grow>, b: ReturnType<typeof grow>) => {
    expect(a.nodeCount).toBe(b.nodeCount);
    expect(Array.from(a.feature)).toEqual(Array.from(b.feature));
    expect(Array.from(a.threshold)).toEqual(Array.from(b.threshold));
    expect(Array.from(a.value)).toEqual(Array.from(b.value));
  };

  for (const weighted of [false, true]) {
    it(`grow the same tree from either bin layout${weighted ? ", with sample weights" : ""}`, () => {
      const heap = SharedHeap.create();
      const columns = grow(heap, 0, weighted);
      expect(columns.maxDepth).toBeGreaterThan(8);
      same(grow(heap, 300, weighted), columns);
      same(grow(heap, rows, weighted), columns);
    });
  }

  // Random splits over at least half the features run planned (whole rows, all features at once)
  // when the row-major bins exist (rowMajorMax > 0), per feature otherwise: the same trees.
  // Per feature, nodes of 64 samples or more count their left side sixteen bytes at a time
  // (countLeftBytes; the 5,000-sample root also widens its byte sums), smaller ones one
  // sample at a time: the planned path checks both.
  for (const [criterion, maxFeatures, minSamplesLeaf] of [["gini", cols, 1], ["entropy", cols, 3], ["gini", cols / 2, 1], ["entropy", 6, 1]] as const) {
    it(`grow the same random-split tree planned or per feature (${criterion}, max_features ${maxFeatures}, min_samples_leaf ${minSamplesLeaf})`, () => {
      const heap = SharedHeap.create();
      const draw = { splitter: "random", criterion, maxFeatures, minSamplesLeaf } as const;
      const perFeature = grow(heap, 0, false, draw);
      expect(perFeature.maxDepth).toBeGreaterThan(8);
      same(grow(heap, 300, false, draw), perFeature);
      same(grow(heap, rows, false, draw), perFeature);
    });
  }

  it("do not depend on what earlier fits left in the scratch arena", () => {
    const fresh = grow(SharedHeap.create(), 300, true);
    const heap = SharedHeap.create();
    const s = scratchFor(heap);
    s.reset();
    heap.u8(s.alloc(64 << 20), 64 << 20).fill(0xff); // NaN bit patterns everywhere
    same(grow(heap, 300, true), fresh);
  });
});
