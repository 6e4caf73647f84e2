/**
 * Typed view of the raw exports of build/fmbench.wasm. Pointers are byte offsets into
 * the shared heap; counts are i32. Keep in step with assembly/index.ts.
 */
export interface KernelExports {
  standardize_u8_f32(src: number, rows: number, cols: number, center: number, scale: number, dst: number): void;
  mul_add_u8_f32(src: number, rows: number, cols: number, mul: number, add: number, dst: number): void;
  gemv_f32_f64(X: number, rows: number, cols: number, w: number, out: number): void;
  axpy_f32_f64(a: number, x: number, y: number, n: number): void;
  dot_f32_f64(x: number, w: number, n: number): number;
  gemm_f32_xwt(X: number, rows: number, cols: number, W: number, k: number, b: number, out: number): void;
  gemm_f32_rtx(R: number, rows: number, k: number, X: number, cols: number, G: number, tmp: number): void;
  sgd_epoch_f32(
    X: number, cols: number, order: number, n: number, labels: number, positive: number,
    w: number, q: number, params: number, state: number, norms: number,
  ): void;
  dcd_svm_epoch_f32(
    X: number, cols: number, index: number, labels: number, positive: number,
    w: number, alpha: number, qd: number, params: number, state: number,
  ): void;
  row_sqnorms_f32(X: number, rows: number, cols: number, out: number): void;
  cs_svm_epoch_f32(
    X: number, cols: number, K: number, index: number, labels: number, W: number, alpha: number, alphaIndex: number,
    activeI: number, yIndex: number, qd: number, work: number, params: number, state: number,
  ): void;
}

/** Names of every export the TS side relies on; load.ts checks them at instantiation. */
export const KERNEL_NAMES: readonly (keyof KernelExports)[] = [
  "standardize_u8_f32", "mul_add_u8_f32",
  "gemv_f32_f64", "axpy_f32_f64", "dot_f32_f64", "gemm_f32_xwt", "gemm_f32_rtx", "sgd_epoch_f32", "dcd_svm_epoch_f32",
  "row_sqnorms_f32", "cs_svm_epoch_f32",
];
