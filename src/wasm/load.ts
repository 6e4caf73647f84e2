import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FmbenchError } from "../errors.js";
import { KERNEL_NAMES, type KernelExports } from "./api.js";
import { SharedHeap } from "./heap.js";

/** `release` (optimized, SIMD) or `debug` (assertions on). FMBENCH_WASM=debug selects the latter. */
export type WasmFlavor = "release" | "debug";

const FILES: Record<WasmFlavor, string> = {
  release: "../../build/fmbench.wasm",
  debug: "../../build/fmbench.debug.wasm",
};

const modules = new Map<WasmFlavor, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, KernelExports>();

function defaultFlavor(): WasmFlavor {
  return process.env.FMBENCH_WASM === "debug" ? "debug" : "release";
}

function compiledModule(flavor: WasmFlavor): WebAssembly.Module {
  let module = modules.get(flavor);
  if (!module) {
    const path = fileURLToPath(new URL(FILES[flavor], import.meta.url));
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch {
      throw new FmbenchError(`WASM module ${path} is missing; run 'npm run build:wasm' (npm install does it)`);
    }
    module = new WebAssembly.Module(bytes);
    modules.set(flavor, module);
  }
  return module;
}

/**
 * The kernels bound to `heap`'s memory. One instance per thread and memory, created
 * on first use and cached: every caller in a worker shares it.
 */
export function kernelsFor(heap: SharedHeap, flavor: WasmFlavor = defaultFlavor()): KernelExports {
  let exports = instances.get(heap.memory);
  if (!exports) {
    const instance = new WebAssembly.Instance(compiledModule(flavor), { env: { memory: heap.memory } });
    const raw = instance.exports as unknown as Record<string, unknown>;
    for (const name of KERNEL_NAMES) {
      if (typeof raw[name] !== "function") {
        throw new FmbenchError(`WASM module lacks export '${name}'; rebuild with 'npm run build:wasm'`);
      }
    }
    exports = raw as unknown as KernelExports;
    instances.set(heap.memory, exports);
  }
  return exports;
}

let defaultHeap: SharedHeap | null = null;

/** The heap used when a caller does not pass one (one per thread). */
export function threadHeap(): SharedHeap {
  defaultHeap ??= SharedHeap.create();
  return defaultHeap;
}

/** Makes `heap` this thread's default (a worker calls this with the heap it attached to). */
export function setThreadHeap(heap: SharedHeap): void {
  defaultHeap = heap;
}
