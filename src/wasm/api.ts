/**
 * Typed view of the raw exports of build/fmbench.wasm. Pointers are byte offsets into
 * the shared heap; counts are i32. Keep in step with assembly/index.ts.
 */
export interface KernelExports {
  standardize_u8_f32(src: number, rows: number, cols: number, center: number, scale: number, dst: number): void;
  mul_add_u8_f32(src: number, rows: number, cols: number, mul: number, add: number, dst: number): void;
  /** HOG of `count` u8 images into f32 features; norm 0 L1, 1 L1-sqrt, 2 L2, 3 L2-Hys (see assembly/hog.ts). */
  hog_u8(
    src: number, count: number, height: number, width: number, orientations: number, cellRows: number,
    cellCols: number, blockRows: number, blockCols: number, norm: number, transformSqrt: number,
    plane: number, hist: number, colOffset: number, dst: number,
  ): void;
  sqnorm_f32(X: number, rows: number, cols: number, out32: number, out64: number): void;
  sqeuclidean_f32(Q: number, nq: number, T: number, nt: number, cols: number, qn: number, tn: number, out: number): void;
  manhattan_f32(Q: number, nq: number, T: number, nt: number, cols: number, out: number): void;
  /** Returns the number of queries rescanned in float64. */
  sqeuclidean_f32_topk(
    Q: number, nq: number, T: number, nt: number, cols: number, tn: number, k: number, kk: number,
    heapDist: number, heapIdx: number, tile: number, qn: number, outDist: number, outIdx: number,
  ): number;
  /** Returns the number of queries rescanned in float64. */
  manhattan_f32_topk(
    Q: number, nq: number, T: number, nt: number, cols: number, k: number, kk: number,
    heapDist: number, heapIdx: number, tile: number, outDist: number, outIdx: number,
  ): number;
}

/** Names of every export the TS side relies on; load.ts checks them at instantiation. */
export const KERNEL_NAMES: readonly (keyof KernelExports)[] = [
  "standardize_u8_f32", "mul_add_u8_f32", "hog_u8", "sqnorm_f32", "sqeuclidean_f32",
  "manhattan_f32", "sqeuclidean_f32_topk", "manhattan_f32_topk",
];
