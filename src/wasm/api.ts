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
  sqeuclidean_f32(
    Q: number, nq: number, T: number, nt: number, cols: number, qn: number, tn: number, out: number, work: number,
  ): void;
  manhattan_f32(Q: number, nq: number, T: number, nt: number, cols: number, out: number): void;
  /** Returns the number of queries rescanned in float64. */
  sqeuclidean_f32_topk(
    Q: number, nq: number, T: number, nt: number, cols: number, tn: number, k: number, kk: number,
    heapDist: number, heapIdx: number, tile: number, qn: number, outDist: number, outIdx: number,
  ): number;
  /** Returns the number of queries rescanned in float64. */
  /** Returns the number of exact distances computed after pruning (assembly/knn_projected.ts). */
  sqeuclidean_projected_topk(
    Q: number, nq: number, T: number, nt: number, cols: number,
    Qp: number, Tp: number, m: number, qpn: number, tpn: number, qNorm: number, tpnMax: number, tNormMax: number, eps: number,
    k: number, kk: number, partial: number, pass: number, heapDist: number, heapIdx: number, candDist: number, candIdx: number,
    outDist: number, outIdx: number,
  ): number;
  manhattan_f32_topk(
    Q: number, nq: number, T: number, nt: number, cols: number, k: number, kk: number,
    heapDist: number, heapIdx: number, tile: number, outDist: number, outIdx: number,
  ): number;
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
  cs_svm_epoch_f32(
    X: number, cols: number, K: number, index: number, labels: number, W: number, alpha: number, alphaIndex: number,
    activeI: number, yIndex: number, qd: number, work: number, params: number, state: number,
  ): void;
  svm_q_row_f32(
    X: number, cols: number, norms: number, gidx: number, ys: number, act: number, m: number, i: number,
    kind: number, gamma: number, coef0: number, degree: number, out: number,
  ): void;
  svm_kernel_block_f32(
    A: number, na: number, B: number, nb: number, cols: number, normA: number, normB: number,
    kind: number, gamma: number, coef0: number, degree: number, out: number,
  ): void;
  svm_wss_i(G: number, ys: number, status: number, perm: number, m: number, out: number): number;
  svm_wss_j(
    G: number, ys: number, status: number, QD: number, Qi: number, perm: number, m: number, i: number, gmax: number,
    out: number,
  ): number;
  svm_update_g(G: number, Qi: number, Qj: number, perm: number, m: number, dai: number, daj: number): void;
  svm_axpy_f32_f64(Gbar: number, Q: number, l: number, s: number): void;
  /** C (+)= op(A) op(B) on packed 5 x 8 panels; work: gemmWorkFloats(n, k) floats (src/kernels/gemm.ts). */
  gemm_f32(
    m: number, n: number, k: number, A: number, ars: number, aps: number, B: number, brs: number, bcs: number,
    C: number, ldc: number, accumulate: number, work: number,
  ): void;
  /** One SAGA epoch of logistic regression (assembly/saga.ts; src/kernels/saga.ts). */
  saga_epoch_f32(
    X: number, cols: number, order: number, n: number, labels: number, K: number, positive: number,
    W: number, S: number, mem: number, b: number, bsum: number, seen: number, params: number, state: number, work: number,
  ): void;
  gather_rows_f32(src: number, cols: number, idx: number, n: number, dst: number): void;
  /** g = (g + alpha w) * inv in place (f32 arrays of n); returns sum w^2 (f64). */
  l2_grad_f32(g: number, w: number, n: number, alpha: number, inv: number): number;
  /** x = tanh(x) in place over n f32 values (float64 inside). */
  tanh_f32(x: number, n: number): void;
  /** a = act(a + bias) row by row (rows x cols f32); act 0 identity, 1 relu, 2 tanh. */
  bias_act_f32(a: number, rows: number, cols: number, bias: number, act: number): void;
  /** out[j] = (column sum of d, in f32) * inv. */
  bias_grad_f32(d: number, rows: number, cols: number, out: number, inv: number): void;
  adam_f32(param: number, grad: number, m: number, v: number, n: number, lrT: number, b1: number, b2: number, eps: number): void;
  tree_split_u8(ctx: number, start: number, end: number, nKnownConst: number): number;
  tree_partition_u8(bins: number, nTotal: number, sStride: number, samples: number, start: number, end: number, feature: number, bin: number, tmp: number): number;
  transpose_u8(src: number, rows: number, cols: number, dst: number): void;
  bin_distinct_f32(col: number, rows: number, table: number, distinct: number, out: number): number;
  remap_u8(buf: number, n: number, map: number): void;
  columns_f32(src: number, rows: number, cols: number, f0: number, width: number, dst: number): void;
  tree_class_counts_i32(y: number, w: number, samples: number, start: number, end: number, K: number, out: number): void;
  tree_reg_stats_f64(res: number, samples: number, start: number, end: number, out: number): void;
  rand_ints_i32(rng: number, bound: number, count: number, dst: number): void;
  rand_f64(rng: number, count: number, dst: number): void;
  /** newGLMNET's per-column sums (assembly/glmnet.ts; src/kernels/glmnet.ts). */
  l1r_lr_sums_f32(Xc: number, rows: number, ncols: number, D: number, tau: number, hess: number, grad: number): void;
  /** One newGLMNET coordinate-descent pass (assembly/glmnet.ts; src/kernels/glmnet.ts). */
  l1r_lr_cd_pass_f32(
    Xc: number, rows: number, index: number, active: number, hess: number, grad: number, w: number, wpd: number, D: number,
    xTd: number, state: number,
  ): void;
}

/** Names of every export the TS side relies on; load.ts checks them at instantiation. */
export const KERNEL_NAMES: readonly (keyof KernelExports)[] = [
  "standardize_u8_f32", "mul_add_u8_f32", "hog_u8",
  "sqnorm_f32", "sqeuclidean_f32", "manhattan_f32", "sqeuclidean_f32_topk", "manhattan_f32_topk", "sqeuclidean_projected_topk",
  "gemv_f32_f64", "axpy_f32_f64", "dot_f32_f64", "gemm_f32_xwt", "gemm_f32_rtx", "sgd_epoch_f32", "dcd_svm_epoch_f32",
  "cs_svm_epoch_f32",
  "svm_q_row_f32", "svm_kernel_block_f32", "svm_wss_i", "svm_wss_j", "svm_update_g", "svm_axpy_f32_f64",
  "gemm_f32", "saga_epoch_f32", "adam_f32", "gather_rows_f32", "l2_grad_f32", "tanh_f32", "bias_act_f32", "bias_grad_f32",
  "tree_split_u8", "tree_partition_u8", "transpose_u8", "bin_distinct_f32", "remap_u8", "columns_f32", "tree_class_counts_i32",
  "tree_reg_stats_f64", "rand_ints_i32", "rand_f64",
  "l1r_lr_sums_f32", "l1r_lr_cd_pass_f32",
];
