/**
 * The xorshift64* draws of assembly/random.ts (the tree builders' bootstrap samples),
 * by camelCase name. The state is a heap-resident u64; pointers are byte offsets.
 */
import type { SharedHeap } from "../wasm/heap.js";
import { bindKernels, type BoundKernels } from "./bind.js";

const RANDOM = { randInts: "rand_ints_i32", randDoubles: "rand_f64" } as const;

/** `heap`'s random-number kernels: randInts(rng, bound, count, dst i32), randDoubles(rng, count, dst f64). */
export const randomKernels = (heap: SharedHeap): RandomKernels => bindKernels(heap, RANDOM);
export type RandomKernels = BoundKernels<typeof RANDOM>;
