/**
 * The WASM module imports one shared linear memory. fmbench allocates every array
 * that a kernel reads or writes inside it: the prepared dataset once, in the main
 * thread, and per-worker scratch space. Workers attach to the same memory, so a
 * dataset is never copied into a worker, and kernels read it in place.
 *
 * Shared memory never detaches on growth, so a typed-array view stays valid for the
 * life of the process. Allocation is a bump pointer kept in the memory itself and
 * advanced with Atomics, so every thread can allocate without coordination.
 * Nothing is ever freed back to the heap: long-lived data is allocated once, and
 * short-lived data lives in a reusable ScratchArena.
 */

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit; shared memory must declare a maximum.
/** The first page is reserved for the allocator header (and any static data of the module). */
const HEAP_START = PAGE;
/** Byte offset of the Int32 bump pointer (in units of 16 bytes, so it covers 32 GiB). */
const BUMP_OFFSET = 16;
const ALIGN = 64;

export class SharedHeap {
  readonly memory: WebAssembly.Memory;
  private readonly header: Int32Array;
  /** Every buffer object this heap has made views on (memory.buffer changes identity on growth). */
  private readonly views = new WeakSet<ArrayBufferLike>();

  private constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
    this.header = new Int32Array(memory.buffer, 0, 16);
  }

  /** Creates a fresh heap (in the main thread, or for a standalone estimator). */
  static create(initialBytes = 4 * PAGE): SharedHeap {
    const initial = Math.max(2, Math.ceil((HEAP_START + initialBytes) / PAGE));
    const memory = new WebAssembly.Memory({ initial, maximum: MAX_PAGES, shared: true });
    const heap = new SharedHeap(memory);
    Atomics.store(heap.header, BUMP_OFFSET / 4, HEAP_START / 16);
    return heap;
  }

  /** Attaches to a heap created elsewhere (a worker receives the Memory in its workerData). */
  static attach(memory: WebAssembly.Memory): SharedHeap {
    if (!(memory.buffer instanceof SharedArrayBuffer)) {
      throw new TypeError("SharedHeap.attach needs a shared WebAssembly.Memory");
    }
    const heap = new SharedHeap(memory);
    if (Atomics.load(heap.header, BUMP_OFFSET / 4) === 0) {
      throw new TypeError("SharedHeap.attach: this memory was not created by SharedHeap.create");
    }
    return heap;
  }

  /** Bytes handed out so far (including the reserved first page). */
  get usedBytes(): number {
    return Atomics.load(this.header, BUMP_OFFSET / 4) * 16;
  }

  /** Bytes the heap can still hand out before it reaches the wasm32 limit of 4 GiB. */
  get headroomBytes(): number {
    return MAX_PAGES * PAGE - this.usedBytes;
  }

  /**
   * The memory's buffer now. A view made on it must not outlive an allocation made while
   * its arguments are evaluated (`new X(heap.buffer, alloc(...))` takes the buffer before
   * the allocation grows the memory): use f32/u32/... with the offset, which read it after.
   */
  get buffer(): SharedArrayBuffer {
    return this.memory.buffer as unknown as SharedArrayBuffer;
  }

  /** Reserves `bytes` bytes, 64-byte aligned, growing the memory as needed; returns the byte offset. */
  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`SharedHeap.alloc: invalid size ${bytes}`);
    const units = Math.ceil(Math.max(bytes, 1) / ALIGN) * (ALIGN / 16);
    const start = Atomics.add(this.header, BUMP_OFFSET / 4, units) * 16;
    const end = start + units * 16;
    if (end > MAX_PAGES * PAGE) {
      Atomics.sub(this.header, BUMP_OFFSET / 4, units);
      throw new RangeError(
        `fmbench's WASM heap is limited to 4 GiB; a request for ${(bytes / 2 ** 20).toFixed(1)} MiB does not fit ` +
          `(${(start / 2 ** 20).toFixed(1)} MiB in use)`,
      );
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // Another thread may grow concurrently; re-check after growing, grow() is atomic.
      const pages = Math.ceil((end - have) / PAGE);
      try {
        this.memory.grow(pages);
      } catch {
        if (this.memory.buffer.byteLength < end) {
          throw new RangeError(`cannot grow the WASM heap to ${(end / 2 ** 20).toFixed(1)} MiB`);
        }
      }
    }
    return start;
  }

  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.current(), offset, length);
  }
  f64(offset: number, length: number): Float64Array {
    return new Float64Array(this.current(), offset, length);
  }
  i32(offset: number, length: number): Int32Array {
    return new Int32Array(this.current(), offset, length);
  }
  u8(offset: number, length: number): Uint8Array {
    return new Uint8Array(this.current(), offset, length);
  }
  u32(offset: number, length: number): Uint32Array {
    return new Uint32Array(this.current(), offset, length);
  }
  u64(offset: number, length: number): BigUint64Array {
    return new BigUint64Array(this.current(), offset, length);
  }

  allocF32(length: number): Float32Array {
    return this.f32(this.alloc(length * 4), length);
  }
  allocF64(length: number): Float64Array {
    return this.f64(this.alloc(length * 8), length);
  }
  allocI32(length: number): Int32Array {
    return this.i32(this.alloc(length * 4), length);
  }
  allocU8(length: number): Uint8Array {
    return this.u8(this.alloc(length), length);
  }

  /**
   * True if `view` was made by this heap in this thread, so its byteOffset is a valid
   * pointer. A view received from another thread is a different SharedArrayBuffer
   * object: rebuild it with f32()/u8()/... from its byte offset instead.
   */
  owns(view: ArrayBufferView): boolean {
    return this.views.has(view.buffer);
  }

  private current(): ArrayBuffer {
    const buffer = this.memory.buffer;
    this.views.add(buffer);
    return buffer;
  }
}

/**
 * A scratch region owned by one thread, reused from call to call so that a kernel's
 * temporary buffers cost nothing after the first call. Typical use, per batch call:
 * `const s = scratchFor(heap); s.reset(); const p = s.alloc(bytes); ...`.
 * When a request does not fit, a chunk twice as large is reserved; earlier
 * allocations stay valid (heap memory is never reused), and the next reset()
 * starts over in the larger chunk, so the waste is bounded by the doubling.
 */
export class ScratchArena {
  private base = 0;
  private capacity = 0;
  private used = 0;

  constructor(private readonly heap: SharedHeap) {}

  /** Forgets every allocation made since the last reset(); optionally reserves `bytes` up front. */
  reset(bytes = 0): void {
    this.used = 0;
    if (bytes > this.capacity) this.grow(bytes);
  }

  private grow(need: number): void {
    const size = Math.max(need, this.capacity * 2, 1 << 20);
    this.base = this.heap.alloc(size);
    this.capacity = size;
    this.used = 0;
  }

  /** Reserves `bytes` (64-byte aligned) until the next reset(); returns the byte offset. */
  alloc(bytes: number): number {
    const aligned = Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
    if (this.used + aligned > this.capacity) this.grow(aligned);
    const at = this.base + this.used;
    this.used += aligned;
    return at;
  }

  /**
   * A pointer to `view`'s contents: its own offset if the heap owns it, else the
   * offset of a scratch copy. Use for kernel inputs that may live outside the heap.
   */
  pointerTo(view: Float32Array | Float64Array | Int32Array | Uint8Array): number {
    if (this.heap.owns(view)) return view.byteOffset;
    const at = this.alloc(view.byteLength);
    this.heap.u8(at, view.byteLength).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    return at;
  }
}

/**
 * Which scratch a thread is using: its own (the fit or predict call it runs) or that of
 * a piece of work it runs for some fit (parallel/pieces.ts). A piece may run in the
 * middle of its owner's fit, in the owner's thread, so it must not reset the arena
 * holding the owner's buffers: pieces get arenas of their own.
 */
export type ScratchScope = "own" | "piece";

let scope: ScratchScope = "own";
/** Arenas by scope, then by name (see scratchFor), then by heap. */
const arenas: Record<ScratchScope, Map<string, WeakMap<SharedHeap, ScratchArena>>> = { own: new Map(), piece: new Map() };

/** The scope that scratchFor (and per-thread workspaces keyed by scope) serve now. */
export function scratchScope(): ScratchScope {
  return scope;
}

/** Runs `fn` with every scratchFor call (and scope-keyed workspace) served from piece scratch. */
export function inPieceScope<T>(fn: () => T): T {
  const before = scope;
  scope = "piece";
  try {
    return fn();
  } finally {
    scope = before;
  }
}

/**
 * This thread's scratch arena for `heap` in the current scope (one per heap, thread, scope
 * and name). A kernel wrapper that may run in the middle of another's use of the default
 * arena (a tree walk inside a boosting fit) takes an arena of its own by name.
 */
export function scratchFor(heap: SharedHeap, name = ""): ScratchArena {
  let byHeap = arenas[scope].get(name);
  if (!byHeap) {
    byHeap = new WeakMap();
    arenas[scope].set(name, byHeap);
  }
  let arena = byHeap.get(heap);
  if (!arena) {
    arena = new ScratchArena(heap);
    byHeap.set(heap, arena);
  }
  return arena;
}

/**
 * The part of a per-heap cache that belongs to `heap`, made on first use: caches of work
 * derived from a heap-resident matrix (tree bins, a nearest-neighbour projection) are kept
 * per heap, so that a worker's heap never sees another's entries.
 */
export function cacheOf<M>(caches: WeakMap<SharedHeap, M>, heap: SharedHeap, create: () => M): M {
  let mine = caches.get(heap);
  if (!mine) {
    mine = create();
    caches.set(heap, mine);
  }
  return mine;
}
