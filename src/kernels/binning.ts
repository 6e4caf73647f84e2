/**
 * The binning kernels of assembly/binning.ts, by camelCase name: distinct values of a
 * float32 column as u8 codes, and a u8 remapping. Pointers are byte offsets into the heap.
 */
import type { SharedHeap } from "../wasm/heap.js";
import { bindKernels, type BoundKernels } from "./bind.js";

const BINNING = { binDistinct: "bin_distinct_f32", remapU8: "remap_u8" } as const;

/** `heap`'s binning kernels: binDistinct(col, rows, table, distinct, out) (257: too many values), remapU8(buf, n, map). */
export const binningKernels = (heap: SharedHeap): BinningKernels => bindKernels(heap, BINNING);
export type BinningKernels = BoundKernels<typeof BINNING>;
