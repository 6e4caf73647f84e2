import { BroadcastChannel, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import type { Matrix } from "../core/matrix.js";
import { inPieceScope, scratchFor, type SharedHeap } from "../wasm/heap.js";
import type { PieceBoard, SectionDescriptor } from "./board.js";

/**
 * Pieces of a fit (or predict) that idle threads may take.
 *
 * An estimator whose work divides into independent pieces (a one-vs-one problem, a
 * one-vs-rest class, a stage's class trees, a block of queries, a chunk of trees)
 * declares the piece once, at module level, with `definePieces(name, run)`, and calls
 * `runPieces(kind, args, count)` where it would have looped. `run(args, index)` must be
 * a pure function of its arguments and of shared-heap arrays they reference: it reads
 * its inputs from the shared heap (pass arrays as `heapRef`s) and returns a fresh value
 * (typed arrays, numbers, plain objects), never a view of heap memory.
 *
 * `runPieces` returns the results in index order, whoever ran them, so the combination
 * the estimator makes of them is the same to the bit on one thread or many. When the
 * calling thread is bound to a piece board (a grid run's worker, or a thread with
 * FitHelpers), the section is posted there and other threads may claim pieces while
 * this one runs the rest itself; otherwise the pieces run here, one after another.
 */

/** A typed array in the shared heap, by position: what crosses to other threads. */
export interface HeapRef {
  readonly at: number;
  readonly length: number;
  readonly type: "f32" | "f64" | "i32" | "u8";
}

export interface PieceKind<A, R> {
  readonly name: string;
  /** Computes piece `index`; `heap` is the shared heap the args' references point into. */
  readonly run: (args: A, index: number, heap: SharedHeap) => R;
}

const kinds = new Map<string, PieceKind<unknown, unknown>>();

/**
 * Declares a kind of piece. Call at module level: a helper thread finds the kind by
 * name, so the module that defines it must be loaded there too (the estimator registry
 * loads every estimator module).
 */
export function definePieces<A, R>(name: string, run: (args: A, index: number, heap: SharedHeap) => R): PieceKind<A, R> {
  if (kinds.has(name)) throw new Error(`definePieces: a piece kind named '${name}' already exists`);
  const kind: PieceKind<A, R> = { name, run };
  kinds.set(name, kind as PieceKind<unknown, unknown>);
  return kind;
}

/** The kind registered under `name`. */
export function pieceKind(name: string): PieceKind<unknown, unknown> {
  const kind = kinds.get(name);
  if (!kind) throw new Error(`no piece kind named '${name}' is loaded in this thread`);
  return kind;
}

/** A reference to `view`, which must live in `heap` (allocate inputs there, or copy them in first). */
export function heapRef(heap: SharedHeap, view: Float32Array | Float64Array | Int32Array | Uint8Array): HeapRef {
  if (!heap.owns(view)) throw new Error("heapRef: the array is not in the shared heap; copy it there first");
  const type = view instanceof Float32Array ? "f32" : view instanceof Float64Array ? "f64" : view instanceof Int32Array ? "i32" : "u8";
  return { at: view.byteOffset, length: view.length, type };
}

/** A heap-resident matrix, by reference. */
export interface MatrixRef {
  readonly data: HeapRef;
  readonly rows: number;
  readonly cols: number;
}

/** A reference to X, whose data must live in `heap`. */
export function matrixRef(heap: SharedHeap, X: Matrix): MatrixRef {
  return { data: heapRef(heap, X.data), rows: X.rows, cols: X.cols };
}

/** The matrix a MatrixRef describes, viewed in `heap`. */
export function matrixAt(heap: SharedHeap, ref: MatrixRef): Matrix {
  return { data: f32At(heap, ref.data), rows: ref.rows, cols: ref.cols };
}

export function f32At(heap: SharedHeap, ref: HeapRef): Float32Array {
  return heap.f32(ref.at, ref.length);
}
export function f64At(heap: SharedHeap, ref: HeapRef): Float64Array {
  return heap.f64(ref.at, ref.length);
}
export function i32At(heap: SharedHeap, ref: HeapRef): Int32Array {
  return heap.i32(ref.at, ref.length);
}
export function u8At(heap: SharedHeap, ref: HeapRef): Uint8Array {
  return heap.u8(ref.at, ref.length);
}

/** A message from a thread that ran a piece (or from a scheduler that saw its thread die). */
export type PieceMessage =
  | { readonly gen: number; readonly index: number; readonly ok: true; readonly result: unknown; readonly seconds: number }
  | { readonly gen: number; readonly index: number; readonly ok: false; readonly error: string; readonly errorName?: string };

/** A piece that failed on another thread, rethrown in the owner with that thread's message. */
export class PieceError extends Error {
  override name = "PieceError";
  constructor(message: string, readonly remoteName?: string) {
    super(message);
    if (remoteName) this.name = remoteName;
  }
}

/** Counters of the pieces this thread's fits offered, for the result line (see takePieceStats). */
export interface PieceStats {
  /** Pieces run through runPieces, here or elsewhere. */
  pieces: number;
  /** Pieces other threads ran. */
  piecesByHelpers: number;
  /** Seconds other threads spent on those pieces. */
  helperSeconds: number;
  /** Seconds this thread spent waiting for other threads' pieces. */
  waitSeconds: number;
}

let stats: PieceStats = { pieces: 0, piecesByHelpers: 0, helperSeconds: 0, waitSeconds: 0 };

/** The counters since the last call, and a fresh start. */
export function takePieceStats(): PieceStats {
  const out = stats;
  stats = { pieces: 0, piecesByHelpers: 0, helperSeconds: 0, waitSeconds: 0 };
  return out;
}

interface Binding {
  readonly board: PieceBoard;
  readonly slot: number;
  readonly heap: SharedHeap;
  readonly channel: BroadcastChannel;
}

let binding: Binding | null = null;
let inPiece = false;

/**
 * Makes this thread offer its pieces on `board`, slot `slot`, for arrays in `heap`. A
 * grid worker binds the slot of the configuration it runs; FitHelpers binds the thread
 * that fits. Pass null to run pieces here again.
 */
export function bindPieceBoard(board: PieceBoard | null, slot = 0, heap?: SharedHeap): void {
  if (binding && (!board || binding.board !== board || binding.slot !== slot)) {
    binding.channel.close();
    binding = null;
  }
  if (board && !binding) {
    if (!heap) throw new Error("bindPieceBoard: a heap is needed");
    const channel = new BroadcastChannel(board.channelName(slot));
    channel.unref();
    binding = { board, slot, heap, channel };
  }
}

/** True while this thread runs a piece (pieces do not nest). */
export function runningPiece(): boolean {
  return inPiece;
}

/** Runs piece `index` of `kind` in this thread, in piece scratch (see inPieceScope). */
export function runPieceHere<A, R>(heap: SharedHeap, kind: PieceKind<A, R>, args: A, index: number): R {
  if (inPiece) throw new Error(`piece '${kind.name}' started inside another piece; pieces do not nest`);
  inPiece = true;
  try {
    return inPieceScope(() => {
      scratchFor(heap).reset();
      return kind.run(args, index, heap);
    });
  } finally {
    inPiece = false;
  }
}

export interface RunPiecesOptions {
  /** The heap the args' references point into (default: the bound board's). Another heap keeps the pieces here. */
  readonly heap?: SharedHeap;
  /** Scratch bytes one piece needs, for a scheduler's memory guard. */
  readonly pieceBytes?: number;
  /** Who offers the pieces, for error messages ("SVC one-vs-one problems"). */
  readonly label?: string;
}

/** How long the owner waits between checks while other threads finish pieces. */
const WAIT_SLICE_MS = 200;

/**
 * Runs pieces 0..count-1 of `kind` and returns their results in index order. Other
 * threads bound to the same board may take pieces meanwhile; this thread takes the rest.
 * A piece that throws (here or elsewhere) makes the whole call throw its error, after
 * the section is closed; results of other pieces are dropped.
 */
export function runPieces<A, R>(kind: PieceKind<A, R>, args: A, count: number, options: RunPiecesOptions = {}): R[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`runPieces: count must be a non-negative integer; got ${count}`);
  // Every piece sees the arguments as helpers do: after a JSON round trip, which would
  // turn Infinity and NaN into null, so they are refused.
  const wire = JSON.parse(JSON.stringify(args, (key, value: unknown) => {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new RangeError(`runPieces(${kind.name}): argument '${key}' is ${value}, which JSON cannot carry; pass a flag instead`);
    }
    return value;
  })) as A;
  const results = new Array<R>(count);
  stats.pieces += count;
  const b = binding;
  const shareable = b !== null && count > 1 && !inPiece && (options.heap === undefined || options.heap === b.heap);
  const gen = shareable
    ? b.board.open(b.slot, {
      kind: kind.name, args: wire, pieceBytes: options.pieceBytes ?? 0, label: options.label ?? kind.name,
    } satisfies SectionDescriptor, count, true)
    : null;
  const heap = options.heap ?? b?.heap;
  if (gen === null || b === null) {
    if (!heap) throw new Error("runPieces: no heap (pass options.heap)");
    for (let i = 0; i < count; i++) results[i] = runPieceHere(heap, kind, wire, i);
    return results;
  }
  const { board, slot, channel } = b;
  const filled = new Uint8Array(count);
  let remoteError: PieceMessage | null = null;
  // receiveMessageOnPort takes a BroadcastChannel too (Node 15.4+); its types say MessagePort only.
  const port = channel as unknown as MessagePort;
  const drain = () => {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const msg = m.message as PieceMessage;
      if (msg.gen !== gen) continue; // a late message of an earlier section
      if (!msg.ok) {
        remoteError ??= msg;
        continue;
      }
      if (msg.index < 0 || msg.index >= count || filled[msg.index]) continue;
      results[msg.index] = msg.result as R;
      filled[msg.index] = 1;
      stats.piecesByHelpers++;
      stats.helperSeconds += msg.seconds;
    }
  };
  try {
    // Piece 0 was this thread's from the start (see PieceBoard.open).
    for (let i = 0; i >= 0; i = board.claim(slot, gen)) {
      results[i] = runPieceHere(b.heap, kind, wire, i);
      filled[i] = 1;
      board.finishPiece(slot, gen);
    }
    const t0 = performance.now();
    try {
      for (;;) {
        const state = board.waitDone(slot, gen, count, WAIT_SLICE_MS);
        drain();
        if (state === "failed" || remoteError) break;
        if (state === "done") {
          // Results are posted before the piece counts as done; they are here.
          for (let spins = 0; filled.some((f) => f === 0) && spins < 1000; spins++) {
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
            drain();
          }
          break;
        }
      }
    } finally {
      stats.waitSeconds += (performance.now() - t0) / 1000;
    }
    if (remoteError) {
      const e = remoteError as PieceMessage & { ok: false };
      throw new PieceError(e.error, e.errorName);
    }
    const missing = filled.indexOf(0);
    if (missing >= 0) {
      throw new PieceError(`${options.label ?? kind.name}: piece ${missing} of ${count} never came back from the thread that took it`);
    }
    return results;
  } finally {
    board.close(slot, gen);
  }
}
