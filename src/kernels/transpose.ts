/**
 * The layout kernels of assembly/transpose.ts, by camelCase name: the binned u8 matrix
 * from column-major to row-major, and float32 columns copied out column-major.
 * Pointers are byte offsets into the heap.
 */
import type { SharedHeap } from "../wasm/heap.js";
import { bindKernels, type BoundKernels } from "./bind.js";

const TRANSPOSE = { transposeU8: "transpose_u8", columnsF32: "columns_f32" } as const;

/** `heap`'s layout kernels: transposeU8(src, rows, cols, dst), columnsF32(src, rows, cols, f0, width, dst). */
export const transposeKernels = (heap: SharedHeap): TransposeKernels => bindKernels(heap, TRANSPOSE);
export type TransposeKernels = BoundKernels<typeof TRANSPOSE>;
