// Entry point of the WASM module: re-exports every kernel family.
// Kernels take byte offsets into the (imported, shared) memory, counts and strides;
// the caller owns all memory. Nothing but numbers crosses the boundary.
export { standardize_u8_f32, mul_add_u8_f32 } from "./scale";
export {
  tree_split_u8, tree_partition_u8, tree_class_counts_i32, tree_reg_stats_f64, rand_ints_i32, rand_f64,
} from "./histogram";
