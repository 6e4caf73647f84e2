/**
 * The binning kernel of assembly/binning.ts, by camelCase name: exact u8 bins of a block
 * of float32 columns. Pointers are byte offsets into the heap.
 */
import type { SharedHeap } from "../wasm/heap.js";
import { bindKernels, type BoundKernels } from "./bind.js";

const BINNING = { binExactBlock: "bin_exact_block_f32" } as const;

/** `heap`'s binning kernel: binExactBlock(block, rows, width, table, distinct, rank, bins, lo, hi, nBins) (returns the columns left to quantile bins). */
export const binningKernels = (heap: SharedHeap): BinningKernels => bindKernels(heap, BINNING);
export type BinningKernels = BoundKernels<typeof BINNING>;
