/**
 * The piece board: a small block of shared memory through which a fit running in one
 * thread offers independent pieces of its work to other threads (see pieces.ts).
 *
 * The board has one slot per thread that may own a fit. A slot holds at most one open
 * section at a time: a descriptor (what to run, as JSON), a piece count, a claim
 * counter and a done counter. Anyone who reads the descriptor may claim pieces with an
 * atomic compare-and-swap on the claim counter, run them, and count them done. Each
 * section gets the next generation number of its slot; the claim and done counters carry
 * it in their high 32 bits, so a thread that read an older section's descriptor can
 * never claim or complete a piece of a newer one.
 *
 * Nothing here knows what a piece computes; results travel on a BroadcastChannel named
 * after the slot (channelName), from the thread that ran the piece to the owner.
 */

const HEADER_INTS = 16;
const EPOCH = 0;
const SLOTS = 1;
const DESCRIPTOR_BYTES = 2;
const STOP = 3;

/** Int32 words per slot (64 bytes, so the BigInt64 counters stay 8-byte aligned). */
const SLOT_INTS = 16;
const CLAIM = 0; // BigInt64: gen << 32 | next piece to claim
const DONE = 2; // BigInt64: gen << 32 | pieces finished
const COUNT = 4;
const FAILED_GEN = 5;
const DESCRIPTOR_LENGTH = 6;
const GEN = 7;
const HELPERS = 8; // helpers working on the slot's sections (a scheduling hint, kept by whoever dispatches them)

const LOW = 0xffffffffn;
/** Claim counter value that closes a section: no piece index is this large. */
const CLOSED = 0xffffffffn;

/** Default room for one section's descriptor. Large arrays belong in the shared heap, passed by reference. */
export const DEFAULT_DESCRIPTOR_BYTES = 16 * 1024;

/** What a thread needs to attach to a board (structured-cloneable: pass it in workerData). */
export interface BoardHandle {
  readonly buffer: SharedArrayBuffer;
  readonly id: string;
}

/** What a section offers, as stored on the board. */
export interface SectionDescriptor {
  /** The piece kind (see definePieces). */
  readonly kind: string;
  /** The kind's arguments, after a JSON round trip. */
  readonly args: unknown;
  /** Scratch bytes one piece needs, for a scheduler's memory guard. */
  readonly pieceBytes: number;
  /** Who offers it, for messages (e.g. "SVC one-vs-one problems"). */
  readonly label: string;
}

/** An open section as a scheduler sees it. */
export interface OpenSection {
  readonly slot: number;
  readonly gen: number;
  readonly count: number;
  /** Pieces nobody has claimed yet. */
  readonly unclaimed: number;
  /** Helpers currently working on it. */
  readonly helpers: number;
  readonly descriptor: SectionDescriptor;
}

export type WaitOutcome = "done" | "failed" | "timed-out";

type WaitAsync = (a: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };

export class PieceBoard {
  readonly handle: BoardHandle;
  private readonly i32: Int32Array;
  private readonly i64: BigInt64Array;
  private readonly bytes: Uint8Array;
  readonly slots: number;
  private readonly descriptorBytes: number;

  private constructor(handle: BoardHandle) {
    this.handle = handle;
    this.i32 = new Int32Array(handle.buffer);
    this.i64 = new BigInt64Array(handle.buffer);
    this.bytes = new Uint8Array(handle.buffer);
    this.slots = this.i32[SLOTS];
    this.descriptorBytes = this.i32[DESCRIPTOR_BYTES];
  }

  /** A new board with `slots` slots (one per thread that may own a fit). */
  static create(slots: number, descriptorBytes = DEFAULT_DESCRIPTOR_BYTES): PieceBoard {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`PieceBoard: slots must be a positive integer; got ${slots}`);
    const size = (HEADER_INTS + slots * SLOT_INTS) * 4 + slots * descriptorBytes;
    const buffer = new SharedArrayBuffer(size);
    const i32 = new Int32Array(buffer);
    i32[SLOTS] = slots;
    i32[DESCRIPTOR_BYTES] = descriptorBytes;
    const id = `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 2 ** 32).toString(36)}`;
    return new PieceBoard({ buffer, id });
  }

  static attach(handle: BoardHandle): PieceBoard {
    return new PieceBoard(handle);
  }

  /** The BroadcastChannel name on which results of `slot`'s pieces reach its owner. */
  channelName(slot: number): string {
    return `fmbench-pieces/${this.handle.id}/${slot}`;
  }

  private base(slot: number): number {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots) throw new RangeError(`PieceBoard: no slot ${slot}`);
    return HEADER_INTS + slot * SLOT_INTS;
  }

  /**
   * Opens a section of `count` pieces on `slot` (its owner only) and wakes everyone
   * waiting for work. With `ownerTakesFirst`, piece 0 is the owner's before anyone can
   * claim (it starts at once instead of waiting while helpers take everything). Returns
   * the section's generation, or null when the descriptor does not fit (the owner then
   * runs the pieces itself).
   */
  open(slot: number, descriptor: SectionDescriptor, count: number, ownerTakesFirst = false): number | null {
    const b = this.base(slot);
    const encoded = new TextEncoder().encode(JSON.stringify(descriptor));
    if (encoded.length > this.descriptorBytes) return null;
    if (count >= 0xffffffff) throw new RangeError(`PieceBoard: too many pieces (${count})`);
    const gen = Atomics.load(this.i32, b + GEN) + 1;
    // The previous section's claim counter is closed, so nobody reads these while they change.
    this.bytes.set(encoded, this.descriptorAt(slot));
    Atomics.store(this.i32, b + DESCRIPTOR_LENGTH, encoded.length);
    Atomics.store(this.i32, b + COUNT, count);
    Atomics.store(this.i64, (b + DONE) / 2, BigInt(gen) << 32n);
    Atomics.store(this.i32, b + GEN, gen);
    Atomics.store(this.i64, (b + CLAIM) / 2, (BigInt(gen) << 32n) | (ownerTakesFirst && count > 0 ? 1n : 0n)); // publishes the section
    this.bump();
    return gen;
  }

  /** Claims the next piece of section `gen` of `slot`; -1 when none is left (or the section is gone). */
  claim(slot: number, gen: number): number {
    const at = (this.base(slot) + CLAIM) / 2;
    const count = BigInt(Atomics.load(this.i32, this.base(slot) + COUNT));
    for (;;) {
      const word = Atomics.load(this.i64, at);
      if (Number(word >> 32n) !== gen) return -1;
      const next = word & LOW;
      if (next >= count) return -1;
      if (Atomics.compareExchange(this.i64, at, word, word + 1n) === word) return Number(next);
    }
  }

  /** Stops further claims on section `gen` of `slot` (pieces already claimed run on). */
  close(slot: number, gen: number): void {
    const at = (this.base(slot) + CLAIM) / 2;
    const closed = (BigInt(gen) << 32n) | CLOSED;
    for (;;) {
      const word = Atomics.load(this.i64, at);
      if (Number(word >> 32n) !== gen || word === closed) return;
      if (Atomics.compareExchange(this.i64, at, word, closed) === word) break;
    }
    this.bump();
  }

  /** Counts one piece of section `gen` finished (after its result was posted) and wakes the owner. */
  finishPiece(slot: number, gen: number): void {
    const at = (this.base(slot) + DONE) / 2;
    for (;;) {
      const word = Atomics.load(this.i64, at);
      if (Number(word >> 32n) !== gen) return;
      if (Atomics.compareExchange(this.i64, at, word, word + 1n) === word) break;
    }
    Atomics.notify(this.i64, at);
  }

  /** Marks section `gen` of `slot` failed (a piece threw or its thread died), closes it and wakes the owner. */
  fail(slot: number, gen: number): void {
    const b = this.base(slot);
    if (Atomics.load(this.i32, b + GEN) !== gen) return;
    Atomics.store(this.i32, b + FAILED_GEN, gen);
    this.close(slot, gen);
    Atomics.notify(this.i64, (b + DONE) / 2);
  }

  /** Closes whatever section `slot` has open and marks it failed: its owner is gone. */
  abandon(slot: number): void {
    const gen = Atomics.load(this.i32, this.base(slot) + GEN);
    if (gen > 0) this.fail(slot, gen);
  }

  /**
   * Blocks (Atomics.wait) until all `count` pieces of section `gen` are done, the section
   * fails, or `timeoutMs` passes.
   */
  waitDone(slot: number, gen: number, count: number, timeoutMs: number): WaitOutcome {
    const b = this.base(slot);
    const at = (b + DONE) / 2;
    const word = Atomics.load(this.i64, at);
    if (Atomics.load(this.i32, b + FAILED_GEN) === gen) return "failed";
    if (Number(word >> 32n) !== gen) return "failed";
    if (Number(word & LOW) >= count) return "done";
    Atomics.wait(this.i64, at, word, timeoutMs);
    if (Atomics.load(this.i32, b + FAILED_GEN) === gen) return "failed";
    const after = Atomics.load(this.i64, at);
    return Number(after >> 32n) === gen && Number(after & LOW) >= count ? "done" : "timed-out";
  }

  /** Adds `delta` to the count of helpers on `slot`'s current section (a hint for schedulers). */
  addHelper(slot: number, delta: number): void {
    Atomics.add(this.i32, this.base(slot) + HELPERS, delta);
  }

  /** Section `gen` of `slot`, if it is still the slot's current one and its descriptor reads whole. */
  section(slot: number, gen?: number): OpenSection | null {
    const b = this.base(slot);
    const claimAt = (b + CLAIM) / 2;
    const word = Atomics.load(this.i64, claimAt);
    const current = Number(word >> 32n);
    if (current === 0 || (gen !== undefined && current !== gen)) return null;
    const count = Atomics.load(this.i32, b + COUNT);
    const length = Atomics.load(this.i32, b + DESCRIPTOR_LENGTH);
    const at = this.descriptorAt(slot);
    const copy = this.bytes.slice(at, at + length);
    // The descriptor may have been rewritten while it was copied: it counts only if the
    // slot still has the same section afterwards.
    if (Number(Atomics.load(this.i64, claimAt) >> 32n) !== current) return null;
    let descriptor: SectionDescriptor;
    try {
      descriptor = JSON.parse(new TextDecoder().decode(copy)) as SectionDescriptor;
    } catch {
      return null;
    }
    const next = Number(word & LOW);
    return {
      slot, gen: current, count, unclaimed: Math.max(0, count - Math.min(next, count)),
      helpers: Atomics.load(this.i32, b + HELPERS), descriptor,
    };
  }

  /** Every section with pieces nobody has claimed yet. */
  openSections(): OpenSection[] {
    const out: OpenSection[] = [];
    for (let s = 0; s < this.slots; s++) {
      const b = this.base(s);
      const word = Atomics.load(this.i64, (b + CLAIM) / 2);
      if (word >> 32n === 0n) continue;
      if (Number(word & LOW) >= Atomics.load(this.i32, b + COUNT)) continue;
      const section = this.section(s);
      if (section && section.unclaimed > 0) out.push(section);
    }
    return out;
  }

  /** A counter that changes whenever a section opens or closes, or someone calls bump(). */
  get epoch(): number {
    return Atomics.load(this.i32, EPOCH);
  }

  /** Wakes everyone waiting in waitForChange / changed. */
  bump(): void {
    Atomics.add(this.i32, EPOCH, 1);
    Atomics.notify(this.i32, EPOCH);
  }

  /** Blocks until the epoch moves from `seen` (or `timeoutMs` passes). For threads with nothing else to do. */
  waitForChange(seen: number, timeoutMs: number): void {
    Atomics.wait(this.i32, EPOCH, seen, timeoutMs);
  }

  /** Resolves when the epoch moves from `seen`, without blocking the event loop. */
  async changed(seen: number): Promise<void> {
    // Atomics.waitAsync is in Node 16+, but not in TypeScript's ES2022 lib.
    const r = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(this.i32, EPOCH, seen);
    if (r.async) await r.value;
  }

  /** Tells resident helpers (see helper.ts) to return. */
  stop(): void {
    Atomics.store(this.i32, STOP, 1);
    this.bump();
  }

  get stopped(): boolean {
    return Atomics.load(this.i32, STOP) === 1;
  }

  private descriptorAt(slot: number): number {
    return (HEADER_INTS + this.slots * SLOT_INTS) * 4 + slot * this.descriptorBytes;
  }
}
