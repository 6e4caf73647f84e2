// Entry point of the WASM module: re-exports every kernel family.
// Kernels take byte offsets into the (imported, shared) memory, counts and strides;
// the caller owns all memory. Nothing but numbers crosses the boundary.
export { standardize_u8_f32, mul_add_u8_f32 } from "./scale";
export {
  svm_q_row_f32, svm_kernel_block_f32, sqnorms_f32, svm_wss_i, svm_wss_j, svm_update_g, svm_axpy_f32_f64,
} from "./svm";
export { gemm_f32, adam_f32, gather_rows_f32 } from "./mlp";
