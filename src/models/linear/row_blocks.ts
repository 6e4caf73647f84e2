import type { Matrix } from "../../core/matrix.js";
import { LinalgWorkspace, RTX_BLOCK, rtxWorkFloats } from "../../kernels/linalg.js";
import { definePieces, f32At, f64At, type HeapRef, heapRef, i32At, matrixAt, matrixRef, type MatrixRef, runPieces } from "../../parallel/pieces.js";
import type { SharedHeap } from "../../wasm/heap.js";


/**
 * The data term of a linear model's smooth objective, for the quasi-Newton solvers
 * (LogisticRegression's L-BFGS, LinearSVC's OWL-QN): with Z = X W^T + b over K weight
 * columns, the loss summed over the samples, its derivatives R with respect to Z, and
 * the gradient's data part R^T X and column sums of R. One evaluation is one batched
 * pass over X for all K columns, cut into fixed row blocks (rowBlocks): pieces that idle
 * threads may compute (parallel/pieces.ts), their sums added in block order.
 */

/**
 * "log": K binary logistic problems, log(1 + exp(z)) - t z, one loss per column;
 * "softmax": one multinomial problem over K classes; "squared_hinge": K binary
 * problems max(0, 1 - y z)^2 summed into one loss (LinearSVC solves them jointly).
 */
export type DataLoss = "log" | "softmax" | "squared_hinge";

/** Fewest rows of a block (rowBlocks): below this, a block's share of the per-piece costs shows. */
const BLOCK_ROWS = 1024;
/** Most row blocks of an evaluation. */
export const MAX_ROW_BLOCKS = 8;

/**
 * The row blocks [from, to) of an evaluation: at most MAX_ROW_BLOCKS of at least
 * BLOCK_ROWS rows (one block for fewer than 2 * BLOCK_ROWS rows), as even as can be.
 * They depend on the number of rows only, so the sums are the same on any number of threads.
 */
export function rowBlocks(rows: number): [number, number][] {
  const count = Math.max(1, Math.min(MAX_ROW_BLOCKS, Math.floor(rows / BLOCK_ROWS)));
  const out: [number, number][] = [];
  for (let b = 0, from = 0; b < count; b++) {
    const to = from + Math.ceil((rows - from) / (count - b));
    out.push([from, to]);
    from = to;
  }
  return out;
}

/** One evaluation's shared inputs: X, the labels and K weight columns with their intercepts. */
interface BlockArgs {
  readonly X: MatrixRef;
  readonly codes: HeapRef;
  /** K x cols weights (float32). */
  readonly W: HeapRef;
  /** K intercepts (float64). */
  readonly b: HeapRef;
  readonly K: number;
  readonly loss: DataLoss;
  /** The positive class of each binary column (unused for softmax). */
  readonly positives: number[];
}

/** The data term over some rows: losses (K for "log", else 1), R^T X (K x cols) and R's column sums (K). */
export interface DataTerm {
  readonly losses: number[];
  readonly G: Float64Array;
  readonly gb: Float64Array;
}

/** Heap bytes a block's buffers take for `rows` rows and K columns (G, R^T X's work, Z and R, the softmax's row maxima and sums). */
function blockBytes(rows: number, cols: number, K: number): number {
  return K * cols * 8 + rtxWorkFloats(K) * 4 + rows * K * 16 + rows * 16 + 6 * 64;
}

/**
 * Rows of X per pass of an evaluation's block (a multiple of RTX_BLOCK, so the sums are
 * those of one pass over the block): Z, the loss and R^T X of these rows follow each
 * other while the rows are in the second-level cache, so X is read from memory once.
 */
const CHUNK_ROWS = 4 * RTX_BLOCK;

/**
 * Adds the losses of rows [from, to) to `losses` and writes their derivatives R with
 * respect to Z (rows x K, row-major, like Z; heap-resident, as are the codes). The softmax
 * rows run in WASM (assembly/softmax.ts).
 */
function lossRows(a: BlockArgs, ws: LinalgWorkspace, codes: Int32Array, Z: Float64Array, R: Float64Array, from: number, to: number, losses: number[]): void {
  const { K, positives } = a;
  if (a.loss === "log") {
    for (let i = from; i < to; i++) {
      const o = i * K;
      for (let c = 0; c < K; c++) {
        const positive = codes[i] === positives[c];
        const z = Z[o + c];
        // log(1 + exp(z)) - t z and the sigmoid, stably, from one exp(-|z|)
        const e = Math.exp(-Math.abs(z));
        losses[c] += (z > 0 ? z : 0) + Math.log1p(e) - (positive ? z : 0);
        const sig = z >= 0 ? 1 / (1 + e) : e / (1 + e);
        R[o + c] = sig - (positive ? 1 : 0);
      }
    }
  } else if (a.loss === "softmax") {
    losses[0] += ws.softmaxLossRows(Z, R, codes, from, to, K);
  } else {
    let loss = 0;
    for (let i = from; i < to; i++) {
      const o = i * K;
      for (let c = 0; c < K; c++) {
        const y = codes[i] === positives[c] ? 1 : -1;
        const m = 1 - y * Z[o + c];
        if (m > 0) {
          loss += m * m;
          R[o + c] = -2 * y * m;
        }
      }
    }
    losses[0] += loss;
  }
}

/** Rows [from, to) of rowBlocks(X.rows)[block]: per chunk of rows, Z, the loss, R and R^T X. */
const ROW_BLOCKS = definePieces("linear.dataTermRowBlocks", (a: BlockArgs, block: number, heap: SharedHeap): DataTerm => {
  const ws = LinalgWorkspace.for(heap);
  ws.reset();
  const all = matrixAt(heap, a.X);
  const cols = all.cols;
  const [from, to] = rowBlocks(all.rows)[block];
  const rows = to - from;
  const codes = i32At(heap, a.codes).subarray(from, to);
  const { K } = a;
  const W = f32At(heap, a.W);
  const b = f64At(heap, a.b);
  const Z = ws.f64(rows * K);
  const R = ws.f64(rows * K);
  const G = ws.f64(K * cols);
  const rtxWork = ws.f32(rtxWorkFloats(K));
  const losses = new Array<number>(a.loss === "log" ? K : 1).fill(0);
  for (let c0 = 0; c0 < rows; c0 += CHUNK_ROWS) {
    const c1 = Math.min(rows, c0 + CHUNK_ROWS);
    const X: Matrix = { data: all.data.subarray((from + c0) * cols, (from + c1) * cols), rows: c1 - c0, cols };
    const Zc = Z.subarray(c0 * K, c1 * K);
    ws.xwt(X, W, K, b, Zc);
    lossRows(a, ws, codes, Z, R, c0, c1, losses);
    ws.rtx(R.subarray(c0 * K, c1 * K), K, X, G, rtxWork, c0 > 0);
  }
  // R's column sums, each in row order, read row by row.
  const gb = new Float64Array(K);
  for (let i = 0, o = 0; i < rows; i++, o += K) for (let c = 0; c < K; c++) gb[c] += R[o + c];
  return { losses, G: G.slice(), gb };
});

/**
 * The data term of up to `width` weight columns over X, in the row blocks of rowBlocks.
 * X and codes must be heap-resident; the weights are staged in `ws`, which must outlive it.
 */
export class BlockedDataTerm {
  private readonly W32: Float32Array;
  private readonly b: Float64Array;
  private readonly X: MatrixRef;
  private readonly codes: HeapRef;
  private readonly blocks: [number, number][];

  constructor(private readonly ws: LinalgWorkspace, X: Matrix, codes: Int32Array, width: number) {
    this.W32 = ws.f32(width * X.cols);
    this.b = ws.f64(width);
    this.X = matrixRef(ws.heap, X);
    this.codes = heapRef(ws.heap, codes);
    this.blocks = rowBlocks(X.rows);
  }

  /**
   * The data term of K columns with weights `weights(c)` (cols values) and intercepts
   * `intercept(c)`: the blocks' sums, added in block order (one block: its sums as they are).
   */
  evaluate(K: number, weights: (c: number) => Float64Array, intercept: (c: number) => number, loss: DataLoss, positives: number[]): DataTerm {
    const cols = this.X.cols;
    for (let c = 0; c < K; c++) {
      this.W32.set(weights(c), c * cols);
      this.b[c] = intercept(c);
    }
    const heap = this.ws.heap;
    const args: BlockArgs = {
      X: this.X, codes: this.codes, W: heapRef(heap, this.W32.subarray(0, K * cols)), b: heapRef(heap, this.b.subarray(0, K)),
      K, loss, positives,
    };
    const [first, ...rest] = runPieces(ROW_BLOCKS, args, this.blocks.length, {
      heap, label: "linear model's objective (row blocks)", pieceBytes: blockBytes(this.blocks[0][1], cols, K),
    });
    const { losses, G, gb } = first;
    for (const part of rest) {
      part.losses.forEach((l, c) => (losses[c] += l));
      for (let j = 0; j < G.length; j++) G[j] += part.G[j];
      for (let c = 0; c < K; c++) gb[c] += part.gb[c];
    }
    return { losses, G, gb };
  }
}
