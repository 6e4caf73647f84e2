/**
 * The xorshift64* draws of assembly/random.ts (the tree builders' bootstrap samples),
 * by camelCase name. The state is a heap-resident u64; pointers are byte offsets.
 */
import type { SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";

/** `heap`'s random-number kernels: randInts(rng, bound, count, dst i32), randDoubles(rng, count, dst f64). */
export function randomKernels(heap: SharedHeap) {
  const k = kernelsFor(heap);
  return { randInts: k.rand_ints_i32, randDoubles: k.rand_f64 };
}
export type RandomKernels = ReturnType<typeof randomKernels>;
