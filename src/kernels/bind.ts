import type { KernelExports } from "../wasm/api.js";
import type { SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";

/** One kernel family's camelCase names, each mapped to its raw export. */
export type KernelNames = Readonly<Record<string, keyof KernelExports>>;

/** The exports a KernelNames table names, under its camelCase names, typed from KernelExports. */
export type BoundKernels<N extends KernelNames> = { readonly [K in keyof N]: KernelExports[N[K]] };

/**
 * `heap`'s exports named by `names`, under their camelCase names: the very functions of
 * the instance, so a call costs no more than a raw one. Pointers are byte offsets into `heap`.
 */
export function bindKernels<const N extends KernelNames>(heap: SharedHeap, names: N): BoundKernels<N> {
  const raw = kernelsFor(heap);
  const bound: Record<string, unknown> = {};
  for (const [name, exportName] of Object.entries(names)) bound[name] = raw[exportName];
  return bound as BoundKernels<N>;
}
