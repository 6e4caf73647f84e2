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
/** The heap threadHeap() made itself: the only default it may replace (see threadHeap). */
let madeHeap: SharedHeap | null = null;
/** Past this many bytes in use, threadHeap() starts a fresh heap of its own. */
let renewBytes = 256 * 2 ** 20;
/** While above 0, threadHeap() keeps its heap (helper threads are attached to it). */
let holds = 0;

/**
 * The heap used when a caller does not pass one (one per thread).
 *
 * The heap never frees an allocation, so the one this function makes is not kept for
 * ever: once it holds more than 256 MiB, the next call starts a fresh heap. Data, models
 * and features made earlier keep the heap they were made in, and it goes away with the
 * last of them; kernels copy an input that lives in another heap. A loop of experiments
 * on the default heap therefore stays within about 256 MiB plus what it keeps. Every
 * operation asks once, at its start, and passes that heap down, so it never sees two.
 * A heap set by setThreadHeap (a worker's), by withHeap or held for FitHelpers is kept.
 */
export function threadHeap(): SharedHeap {
  if (!defaultHeap || (defaultHeap === madeHeap && holds === 0 && madeHeap.usedBytes > renewBytes)) {
    defaultHeap = madeHeap = SharedHeap.create();
  }
  return defaultHeap;
}

/**
 * Sets the size past which threadHeap() starts a fresh heap (bytes in use; default
 * 256 MiB) and returns the previous one. For tests and for programs that know their
 * working set; 0 gives every operation a heap of its own, Infinity keeps one for ever.
 */
export function setDefaultHeapRenewal(bytes: number): number {
  if (Number.isNaN(bytes) || bytes < 0) throw new RangeError(`setDefaultHeapRenewal: bytes must be >= 0 (Infinity: never); got ${bytes}`);
  const previous = renewBytes;
  renewBytes = bytes;
  return previous;
}

/** Keeps this thread's default heap until release() (FitHelpers' helpers are attached to it). */
export function holdThreadHeap(): { readonly heap: SharedHeap; release(): void } {
  const heap = threadHeap();
  holds++;
  let released = false;
  return {
    heap,
    release() {
      if (released) return;
      released = true;
      holds--;
    },
  };
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
