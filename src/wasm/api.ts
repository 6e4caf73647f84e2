/**
 * Typed view of the raw exports of build/fmbench.wasm. Pointers are byte offsets into
 * the shared heap; counts are i32. Keep in step with assembly/index.ts.
 */
export interface KernelExports {
  standardize_u8_f32(src: number, rows: number, cols: number, center: number, scale: number, dst: number): void;
  mul_add_u8_f32(src: number, rows: number, cols: number, mul: number, add: number, dst: number): void;
  svm_q_row_f32(
    X: number, cols: number, norms: number, gidx: number, ys: number, act: number, m: number, i: number,
    kind: number, gamma: number, coef0: number, degree: number, out: number,
  ): void;
  svm_kernel_block_f32(
    A: number, na: number, B: number, nb: number, cols: number, normA: number, normB: number,
    kind: number, gamma: number, coef0: number, degree: number, out: number,
  ): void;
  sqnorms_f32(X: number, rows: number, cols: number, norms: number): void;
  svm_wss_i(G: number, ys: number, status: number, perm: number, m: number, out: number): number;
  svm_wss_j(
    G: number, ys: number, status: number, QD: number, Qi: number, perm: number, m: number, i: number, gmax: number,
    out: number,
  ): number;
  svm_update_g(G: number, Qi: number, Qj: number, perm: number, m: number, dai: number, daj: number): void;
  svm_axpy_f32_f64(Gbar: number, Q: number, l: number, s: number): void;
  gemm_f32(
    m: number, n: number, k: number, A: number, rs: number, ps: number, B: number, ldb: number, C: number, ldc: number,
    accumulate: number,
  ): void;
  gather_rows_f32(src: number, cols: number, idx: number, n: number, dst: number): void;
  adam_f32(param: number, grad: number, m: number, v: number, n: number, lrT: number, b1: number, b2: number, eps: number): void;
}

/** Names of every export the TS side relies on; load.ts checks them at instantiation. */
export const KERNEL_NAMES: readonly (keyof KernelExports)[] = [
  "standardize_u8_f32", "mul_add_u8_f32", "svm_q_row_f32", "svm_kernel_block_f32", "sqnorms_f32", "svm_wss_i", "svm_wss_j", "svm_update_g", "svm_axpy_f32_f64", "gemm_f32", "adam_f32", "gather_rows_f32",
];
