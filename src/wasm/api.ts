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
}

/** Names of every export the TS side relies on; load.ts checks them at instantiation. */
export const KERNEL_NAMES: readonly (keyof KernelExports)[] = ["standardize_u8_f32", "mul_add_u8_f32", "hog_u8"];
