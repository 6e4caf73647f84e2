import { ShapeError } from "../errors.js";

/**
 * Dense row-major float32 feature matrix: the one type every estimator takes.
 * `data.length === rows * cols`.
 */
export interface Matrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/** Dense row-major 8-bit image matrix (one flattened image per row). */
export interface PixelMatrix {
  readonly data: Uint8Array;
  readonly rows: number;
  readonly cols: number;
}

/** Wraps a flat array as a Matrix, checking that the length fits the shape. */
export function matrix(data: Float32Array, rows: number, cols: number): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new ShapeError(`matrix shape must be non-negative integers; got ${rows} x ${cols}`);
  }
  if (data.length !== rows * cols) {
    throw new ShapeError(`matrix data has ${data.length} values; a ${rows} x ${cols} matrix needs ${rows * cols}`);
  }
  return { data, rows, cols };
}

/** A view of rows [start, end) without copying. */
export function sliceRows<M extends Matrix | PixelMatrix>(m: M, start: number, end: number): M {
  const s = Math.max(0, Math.min(start, m.rows));
  const e = Math.max(s, Math.min(end, m.rows));
  return { ...m, data: m.data.subarray(s * m.cols, e * m.cols), rows: e - s } as M;
}

/** Checks that X and y describe the same number of samples. */
export function checkXy(estimator: string, X: Matrix, y: ArrayLike<number>): void {
  if (X.data.length !== X.rows * X.cols) {
    throw new ShapeError(`${estimator}: X has ${X.data.length} values, not ${X.rows} x ${X.cols}`);
  }
  if (y.length !== X.rows) {
    throw new ShapeError(`${estimator}: X has ${X.rows} samples but y has ${y.length}`);
  }
  if (X.rows === 0) {
    throw new ShapeError(`${estimator}: found array with 0 samples; a minimum of 1 is required`);
  }
}
