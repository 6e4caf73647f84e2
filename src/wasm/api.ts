/**
 * Typed view of the raw exports of build/fmbench.wasm. Pointers are byte offsets into
 * the shared heap; counts are i32. Keep in step with assembly/index.ts.
 */
export interface KernelExports {
  standardize_u8_f32(src: number, rows: number, cols: number, center: number, scale: number, dst: number): void;
  mul_add_u8_f32(src: number, rows: number, cols: number, mul: number, add: number, dst: number): void;
  tree_split_u8(ctx: number, start: number, end: number, nKnownConst: number): number;
  tree_partition_u8(bins: number, nTotal: number, samples: number, start: number, end: number, feature: number, bin: number): number;
  tree_class_counts_i32(y: number, w: number, samples: number, start: number, end: number, K: number, out: number): void;
  tree_reg_stats_f64(res: number, samples: number, start: number, end: number, out: number): void;
  rand_ints_i32(rng: number, bound: number, count: number, dst: number): void;
  rand_f64(rng: number, count: number, dst: number): void;
}

/** Names of every export the TS side relies on; load.ts checks them at instantiation. */
export const KERNEL_NAMES: readonly (keyof KernelExports)[] = [
  "standardize_u8_f32", "mul_add_u8_f32",
  "tree_split_u8", "tree_partition_u8", "tree_class_counts_i32", "tree_reg_stats_f64", "rand_ints_i32", "rand_f64",
];
