import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FmbenchError } from "../errors.js";
import { KERNEL_ARITY, KERNEL_NAMES, type KernelExports } from "./api.js";
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
      const fn = raw[name];
      if (typeof fn !== "function") {
        throw new FmbenchError(`WASM module lacks export '${name}'; rebuild with 'npm run build:wasm'`);
      }
      if (fn.length !== KERNEL_ARITY[name]) {
        throw new FmbenchError(
          `WASM export '${name}' takes ${fn.length} arguments, but src/wasm expects ${KERNEL_ARITY[name]}; rebuild with 'npm run build:wasm'`,
        );
      }
    }
    exports = raw as unknown as KernelExports;
    instances.set(heap.memory, exports);
  }
  return exports;
}

let defaultHeap: SharedHeap | null = null;
/** The heap threadHeap() made itself, which only grows: a loop of experiments on it is told about withHeap once. */
let madeHeap: SharedHeap | null = null;
let warned = false;
const WARN_BYTES = 2 ** 30;

/** The heap used when a caller does not pass one (one per thread). */
export function threadHeap(): SharedHeap {
  if (!defaultHeap) defaultHeap = madeHeap = SharedHeap.create();
  if (!warned && defaultHeap === madeHeap && defaultHeap.usedBytes > WARN_BYTES) {
    warned = true;
    process.emitWarning(
      `fmbench: this thread's default WASM heap holds ${(defaultHeap.usedBytes / 2 ** 30).toFixed(1)} GiB and never frees; ` +
        "run each experiment inside withHeap(() => ...) so that its memory goes when it is done",
    );
  }
  return defaultHeap;
}

/** Makes `heap` this thread's default (a worker calls this with the heap it attached to). */
export function setThreadHeap(heap: SharedHeap): void {
  defaultHeap = heap;
}

/**
 * Runs `fn` with a fresh heap as this thread's default, then puts the previous default
 * back. The heap never frees an allocation, but a heap no one refers to any more is
 * garbage like any object: data prepared, models fitted and features extracted inside
 * `fn` take their memory with them once they are dropped. Memory stays flat over a loop
 * of experiments run each in its own scope. A promise returned by `fn` keeps the scope
 * until it settles; do not start other work on this thread's default heap meanwhile.
 *
 * ```ts
 * for (const k of [1, 3, 5]) {
 *   const score = withHeap(() => {
 *     const data = prepareData(dataset, { trainSize: 2000, testSize: 500 });
 *     return new KNeighborsClassifier({ n_neighbors: k }).fit(data.Xtrain, data.ytrain).score(data.Xtest, data.ytest);
 *   });
 * }
 * ```
 */
export function withHeap<T>(fn: (heap: SharedHeap) => T): T {
  const previous = defaultHeap;
  const heap = SharedHeap.create();
  defaultHeap = heap;
  const restore = () => {
    if (defaultHeap === heap) defaultHeap = previous;
  };
  let result: T;
  try {
    result = fn(heap);
  } catch (err) {
    restore();
    throw err;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}
