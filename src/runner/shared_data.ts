import type { Matrix } from "../core/matrix.js";
import type { PreparedData } from "../data/prepared.js";
import { Random } from "../random.js";
import type { SharedHeap } from "../wasm/heap.js";
import type { SharedDataLayout } from "./messages.js";
import { FmbenchError } from "../errors.js";
import { formatBytes } from "./memory.js";

/** The data one task needs, as views over the shared heap. */
export interface TaskData {
  readonly layout: SharedDataLayout;
  /** Training set of repeat r (a shuffled copy of the prepared training set). */
  readonly train: readonly { readonly X: Matrix; readonly y: Int32Array }[];
  readonly test: { readonly X: Matrix; readonly y: Int32Array };
}

/** Reorders the rows of X (and y) in place so that row i becomes the old row order[i], following the permutation's cycles. */
function permuteRowsInPlace(X: Matrix, y: Int32Array, order: Int32Array | number[]): void {
  const { rows, cols, data } = X;
  const placed = new Uint8Array(rows);
  const held = new Float32Array(cols);
  for (let start = 0; start < rows; start++) {
    if (placed[start]) continue;
    held.set(data.subarray(start * cols, (start + 1) * cols));
    const heldLabel = y[start];
    let at = start;
    for (;;) {
      placed[at] = 1;
      const from = order[at];
      if (from === start) {
        data.set(held, at * cols);
        y[at] = heldLabel;
        break;
      }
      data.copyWithin(at * cols, from * cols, (from + 1) * cols);
      y[at] = y[from];
      at = from;
    }
  }
}

/**
 * Places `repeats` shuffled copies of the training set in the shared heap, next to
 * the (already heap-resident) test set, and describes them by offset. Shuffles are
 * drawn from `seed`, so a run is reproducible; repeat r uses the same order for every
 * configuration, like fitting on one reshuffled copy per repeat as upstream does.
 * With `inPlace` the last repeat's shuffle reorders the prepared training set itself
 * instead of copying it (one training-set copy less: over a GB for an augmented HOG
 * union); the caller gives up the prepared order.
 */
export function shareData(
  data: PreparedData, heap: SharedHeap, repeats: number, seed: number, inPlace = false,
): { layout: SharedDataLayout; views: TaskData } {
  const { rows, cols } = data.Xtrain;
  const train: { x: number; y: number }[] = [];
  const trainViews: { X: Matrix; y: Int32Array }[] = [];
  const random = new Random(seed);
  const reuse = inPlace && heap.owns(data.Xtrain.data) && heap.owns(data.ytrain);
  const copyBytes = rows * (cols + 1) * 4;
  const copies = reuse ? repeats - 1 : repeats;
  if (copies * copyBytes > heap.headroomBytes) {
    const fit = Math.floor(heap.headroomBytes / copyBytes) + (reuse ? 1 : 0);
    throw new FmbenchError(
      `--repeat ${repeats} needs ${copies} shuffled copies of the training set (${formatBytes(copyBytes)} each) in the 4 GiB WASM heap, ` +
        `which has ${formatBytes(heap.headroomBytes)} left; at most ${fit} repeats fit with this data`,
    );
  }
  for (let r = 0; r < repeats; r++) {
    const order = random.permutation(rows);
    let X: Float32Array;
    let y: Int32Array;
    if (reuse && r === repeats - 1) {
      permuteRowsInPlace(data.Xtrain, data.ytrain, order);
      X = data.Xtrain.data;
      y = data.ytrain;
    } else {
      X = heap.allocF32(rows * cols);
      y = heap.allocI32(rows);
      for (let i = 0; i < rows; i++) {
        const src = order[i];
        X.set(data.Xtrain.data.subarray(src * cols, (src + 1) * cols), i * cols);
        y[i] = data.ytrain[src];
      }
    }
    train.push({ x: X.byteOffset, y: y.byteOffset });
    trainViews.push({ X: { data: X, rows, cols }, y });
  }
  if (!heap.owns(data.Xtest.data) || !heap.owns(data.ytest)) {
    throw new Error("shareData: the prepared test set must live in the shared heap (prepareData puts it there)");
  }
  const layout: SharedDataLayout = {
    dataset: data.dataset, features: data.features, preprocess: data.preprocess, classNames: data.classNames,
    cols, trainRows: rows, testRows: data.Xtest.rows, train,
    test: { x: data.Xtest.data.byteOffset, y: data.ytest.byteOffset },
  };
  return { layout, views: { layout, train: trainViews, test: { X: data.Xtest, y: data.ytest } } };
}

/** Rebuilds the views of a layout over `heap` (in a worker). No data is copied. */
export function attachData(heap: SharedHeap, layout: SharedDataLayout): TaskData {
  const { cols, trainRows, testRows } = layout;
  return {
    layout,
    train: layout.train.map((t) => ({
      X: { data: heap.f32(t.x, trainRows * cols), rows: trainRows, cols },
      y: heap.i32(t.y, trainRows),
    })),
    test: {
      X: { data: heap.f32(layout.test.x, testRows * cols), rows: testRows, cols },
      y: heap.i32(layout.test.y, testRows),
    },
  };
}
