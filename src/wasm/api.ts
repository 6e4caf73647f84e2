/**
 * Typed view of the raw exports of build/fmbench.wasm. The signatures are declared once,
 * in assembly/: `npm run build:wasm` writes exports.generated.ts from the typings asc
 * emits for assembly/index.ts (scripts/wasm-exports.mjs), so nothing here restates them.
 */
import { KERNEL_ARITY, type KernelExports } from "./exports.generated.js";

export type { KernelExports };
export { KERNEL_ARITY };

/** Names of every export the TS side relies on; load.ts checks them (and their arity) at instantiation. */
export const KERNEL_NAMES = Object.keys(KERNEL_ARITY) as readonly (keyof KernelExports)[];
