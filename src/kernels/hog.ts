import type { PixelMatrix } from "../core/matrix.js";
import { atan2Rounded } from "./atan2_rounded.js";
import { scratchFor, type SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";

/**
 * HOG of 8-bit images in WASM (`hog_u8`), with skimage.feature.hog's semantics, and a
 * plain-TS reference that follows scikit-image's float64 arithmetic step by step.
 * Parameters arrive resolved and checked (features/hog.ts does that).
 */

/** Block normalizations, in the order of the kernel's `norm` codes. */
export const HOG_BLOCK_NORMS = ["L1", "L1-sqrt", "L2", "L2-Hys"] as const;
export type HogBlockNorm = (typeof HOG_BLOCK_NORMS)[number];

/** Checked HOG geometry for `height x width` images. */
export interface HogLayout {
  readonly height: number;
  readonly width: number;
  readonly orientations: number;
  readonly cellRows: number;
  readonly cellCols: number;
  readonly blockRows: number;
  readonly blockCols: number;
  readonly blockNorm: HogBlockNorm;
  readonly transformSqrt: boolean;
}

/** Cells and blocks along each axis, and the feature count, as scikit-image lays them out. */
export function hogShape(l: HogLayout): { nCellRows: number; nCellCols: number; nBlockRows: number; nBlockCols: number; dim: number } {
  const nCellRows = Math.floor(l.height / l.cellRows);
  const nCellCols = Math.floor(l.width / l.cellCols);
  const nBlockRows = nCellRows - l.blockRows + 1;
  const nBlockCols = nCellCols - l.blockCols + 1;
  const dim = Math.max(0, nBlockRows) * Math.max(0, nBlockCols) * l.blockRows * l.blockCols * l.orientations;
  return { nCellRows, nCellCols, nBlockRows, nBlockCols, dim };
}

/** Scratch sizes in bytes; must match the layout documented in assembly/hog.ts. */
function scratchBytes(l: HogLayout): { plane: number; hist: number; colOffset: number } {
  const { nCellRows, nCellCols } = hogShape(l);
  const stride = (l.width + 8) & ~3;
  const usedCols = nCellCols * l.cellCols;
  return {
    plane: (l.height + 2) * stride * 4,
    hist: nCellRows * (nCellCols + 1) * l.orientations * 4,
    // Per-column cell offsets, then 64 bytes of spilled lanes and 240 bytes of constants.
    colOffset: (((usedCols + 3) & ~3) + 4) * 4 + 64 + 240,
  };
}

/** Images per kernel call when input or output must be staged through scratch (bounds the scratch size). */
const STAGED_BYTES = 32 << 20;

/**
 * HOG features of every image of `X` (one `height * width` image per row) into `out`
 * (`X.rows x dim`, float32). Inputs outside the heap are copied into scratch space;
 * a heap-resident `out` is written in place, otherwise through scratch, in chunks.
 */
export function hogU8(heap: SharedHeap, X: PixelMatrix, layout: HogLayout, out: Float32Array): void {
  const { dim, nBlockRows, nBlockCols } = hogShape(layout);
  if (X.cols !== layout.height * layout.width) {
    throw new RangeError(`hog_u8: rows of X have ${X.cols} pixels; ${layout.height} x ${layout.width} images have ${layout.height * layout.width}`);
  }
  if (nBlockRows < 1 || nBlockCols < 1) throw new RangeError("hog_u8: no block fits in the image");
  if (out.length !== X.rows * dim) throw new RangeError(`hog_u8: out must have ${X.rows * dim} values`);
  if (X.rows === 0) return;
  const kernels = kernelsFor(heap);
  const scratch = scratchFor(heap);
  const sizes = scratchBytes(layout);
  const inPlace = heap.owns(X.data) && heap.owns(out);
  const perImage = (heap.owns(X.data) ? 0 : X.cols) + (heap.owns(out) ? 0 : dim * 4);
  const chunk = inPlace ? X.rows : Math.max(1, Math.floor(STAGED_BYTES / perImage));
  const norm = HOG_BLOCK_NORMS.indexOf(layout.blockNorm);
  for (let start = 0; start < X.rows; start += chunk) {
    const rows = Math.min(chunk, X.rows - start);
    scratch.reset();
    const plane = scratch.alloc(sizes.plane);
    const hist = scratch.alloc(sizes.hist);
    const colOffset = scratch.alloc(sizes.colOffset);
    const src = scratch.pointerTo(X.data.subarray(start * X.cols, (start + rows) * X.cols));
    const part = out.subarray(start * dim, (start + rows) * dim);
    const dst = heap.owns(out) ? part.byteOffset : scratch.alloc(part.byteLength);
    kernels.hog_u8(
      src, rows, layout.height, layout.width, layout.orientations, layout.cellRows, layout.cellCols,
      layout.blockRows, layout.blockCols, norm, layout.transformSqrt ? 1 : 0, plane, hist, colOffset, dst,
    );
    if (!heap.owns(out)) part.set(heap.f32(dst, part.length));
  }
}

/** numpy's `x % 180` for float64 (the result takes the divisor's sign). */
function remainder180(x: number): number {
  const m = x % 180;
  if (m === 0) return 0;
  return m < 0 ? m + 180 : m;
}

/**
 * Plain-TS reference of hogU8, for tests: the steps of skimage.feature.hog in
 * float64, including its float32 running sum per cell and bin.
 */
export function hogU8Reference(X: PixelMatrix, layout: HogLayout, out: Float32Array): void {
  const { height: H, width: W, orientations: n, cellRows: cr, cellCols: cc, blockRows: br, blockCols: bc } = layout;
  const { nCellRows, nCellCols, nBlockRows, nBlockCols, dim } = hogShape(layout);
  const img = new Float64Array(H * W);
  const magnitude = new Float64Array(H * W);
  const orientation = new Float64Array(H * W);
  const hist = new Float64Array(nCellRows * nCellCols * n);
  const binWidth = 180 / n;
  const eps = 1e-5;
  for (let k = 0; k < X.rows; k++) {
    for (let i = 0; i < H * W; i++) {
      const v = X.data[k * X.cols + i];
      img[i] = layout.transformSqrt ? Math.sqrt(v) : v;
    }
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++) {
        const gRow = r > 0 && r < H - 1 ? img[(r + 1) * W + c] - img[(r - 1) * W + c] : 0;
        const gCol = c > 0 && c < W - 1 ? img[r * W + c + 1] - img[r * W + c - 1] : 0;
        magnitude[r * W + c] = Math.hypot(gCol, gRow);
        orientation[r * W + c] = remainder180(atan2Rounded(gRow, gCol) * (180 / Math.PI));
      }
    }
    for (let cy = 0; cy < nCellRows; cy++) {
      for (let cx = 0; cx < nCellCols; cx++) {
        for (let o = 0; o < n; o++) {
          const start = binWidth * (o + 1);
          const end = binWidth * o;
          let total = 0; // a C float in scikit-image
          for (let r = cy * cr; r < (cy + 1) * cr; r++) {
            for (let c = cx * cc; c < (cx + 1) * cc; c++) {
              const angle = orientation[r * W + c];
              if (angle >= start || angle < end) continue;
              total = Math.fround(total + magnitude[r * W + c]);
            }
          }
          hist[(cy * nCellCols + cx) * n + o] = Math.fround(total / (cr * cc));
        }
      }
    }
    let at = k * dim;
    const block = new Float64Array(br * bc * n);
    for (let by = 0; by < nBlockRows; by++) {
      for (let bx = 0; bx < nBlockCols; bx++) {
        let m = 0;
        for (let i = 0; i < br; i++) {
          for (let j = 0; j < bc; j++) {
            for (let o = 0; o < n; o++) block[m++] = hist[((by + i) * nCellCols + bx + j) * n + o];
          }
        }
        normalizeBlock(block, layout.blockNorm, eps);
        for (let i = 0; i < block.length; i++) out[at++] = block[i];
      }
    }
  }
}

function normalizeBlock(block: Float64Array, norm: HogBlockNorm, eps: number): void {
  let sum = 0;
  let squares = 0;
  for (const v of block) {
    sum += Math.abs(v);
    squares += v * v;
  }
  switch (norm) {
    case "L1":
      for (let i = 0; i < block.length; i++) block[i] /= sum + eps;
      break;
    case "L1-sqrt":
      for (let i = 0; i < block.length; i++) block[i] = Math.sqrt(block[i] / (sum + eps));
      break;
    case "L2":
      for (let i = 0; i < block.length; i++) block[i] /= Math.sqrt(squares + eps * eps);
      break;
    case "L2-Hys": {
      const d = Math.sqrt(squares + eps * eps);
      let clipped = 0;
      for (let i = 0; i < block.length; i++) {
        block[i] = Math.min(block[i] / d, 0.2);
        clipped += block[i] * block[i];
      }
      const d2 = Math.sqrt(clipped + eps * eps);
      for (let i = 0; i < block.length; i++) block[i] /= d2;
      break;
    }
  }
}
