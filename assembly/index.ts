// Entry point of the WASM module: re-exports every kernel family.
// Kernels take byte offsets into the (imported, shared) memory, counts and strides;
// the caller owns all memory. Nothing but numbers crosses the boundary.
export { standardize_u8_f32, mul_add_u8_f32 } from "./scale";
export { all_finite_f32 } from "./validate";
export { hog_u8 } from "./hog";
export {
  sqeuclidean_f32, manhattan_f32, sqeuclidean_f32_topk, manhattan_f32_topk,
} from "./distance";
export { sqeuclidean_projected_topk } from "./knn_projected";
export { gemv_f32_f64, axpy_f32_f64, dot_f32_f64, gemm_f32_xwt, gemm_f32_rtx, sqnorm_f32 } from "./linalg";
export { softmax_rows_f64, softmax_rows_f32 } from "./softmax";
export { sgd_epoch_f32 } from "./sgd";
export { dcd_svm_epoch_f32 } from "./dcd_svm";
export { cs_svm_epoch_f32 } from "./cs_svm";
export {
  svm_q_row_f32, svm_kernel_block_f32, svm_wss_i, svm_wss_j, svm_update_g, svm_axpy_f32_f64,
} from "./svm";
export { gemm_f32 } from "./gemm";
export { saga_epoch_f32 } from "./saga";
export { adam_f32, gather_rows_f32, l2_grad_f32, tanh_f32, bias_act_f32, bias_grad_f32, act_grad_f32 } from "./mlp";
export { tree_split_u8, tree_partition_u8, tree_class_counts_i32, tree_reg_stats_f64, tree_reg_keep_u8 } from "./histogram";
export { rand_ints_i32, rand_f64 } from "./random";
export { transpose_u8, columns_f32 } from "./transpose";
export { tree_apply_f32 } from "./tree_apply";
export { bin_exact_block_f32 } from "./binning";
export { l1r_lr_sums_f32, l1r_lr_cd_pass_f32 } from "./glmnet";
export { gnb_stats_f32, gnb_jll_f32 } from "./naive_bayes";
export { orthonormalize_rows_f64, orthonormality_error_f32 } from "./orthonormal";
