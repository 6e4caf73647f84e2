import { BroadcastChannel } from "node:worker_threads";
import { errorText } from "../errors.js";
import { performance } from "node:perf_hooks";
import type { SharedHeap } from "../wasm/heap.js";
import type { PieceBoard } from "./board.js";
import { pieceKind, runPieceHere, type PieceMessage } from "./pieces.js";

/** What a helper did for one section. */
export interface HelpOutcome {
  readonly pieces: number;
  readonly seconds: number;
}

const channels = new Map<string, BroadcastChannel>();

function channelFor(name: string): BroadcastChannel {
  let channel = channels.get(name);
  if (!channel) {
    channel = new BroadcastChannel(name);
    channel.unref();
    channels.set(name, channel);
  }
  return channel;
}

/**
 * Claims and runs pieces of section `gen` of `slot` until none is left, posting each
 * result to the section's owner. Whoever dispatches helpers counts them on the board
 * (addHelper), so that schedulers see them before they start. A piece that throws is reported to the owner (who
 * fails the fit with its message) and ends this thread's help.
 */
export function helpSection(board: PieceBoard, heap: SharedHeap, slot: number, gen: number): HelpOutcome {
  const section = board.section(slot, gen);
  if (!section) return { pieces: 0, seconds: 0 };
  const channel = channelFor(board.channelName(slot));
  let pieces = 0;
  let seconds = 0;
  try {
    const kind = pieceKind(section.descriptor.kind);
    for (let i = board.claim(slot, gen); i >= 0; i = board.claim(slot, gen)) {
      const t0 = performance.now();
      let message: PieceMessage;
      try {
        const result = runPieceHere(heap, kind, section.descriptor.args, i);
        const s = (performance.now() - t0) / 1000;
        message = { gen, index: i, ok: true, result, seconds: s };
        seconds += s;
        pieces++;
      } catch (err) {
        message = { gen, index: i, ok: false, error: err instanceof Error ? err.message : String(err), errorName: err instanceof Error ? err.name : undefined };
      }
      channel.postMessage(message);
      if (!message.ok) {
        board.fail(slot, gen);
        board.finishPiece(slot, gen);
        break;
      }
      board.finishPiece(slot, gen);
    }
  } catch (err) {
    // The kind is not loaded here, or the result could not be posted: the owner must not wait for it.
    channel.postMessage({ gen, index: -1, ok: false, error: `a helper thread could not run '${section.descriptor.label}': ${errorText(err)}` } satisfies PieceMessage);
    board.fail(slot, gen);
  }
  return { pieces, seconds };
}

export interface LingerOptions {
  /** How long to wait, after a section, for the same slot's next section before giving up. */
  readonly lingerMs: number;
  /** The most scratch a later section's pieces may need (what the scheduler reserved for this helper). */
  readonly maxPieceBytes: number;
}

/**
 * Helps section `gen` of `slot`, then the sections that slot opens next while each
 * comes within `lingerMs` of the last: a fit that posts one section after another (a
 * boosting stage, an optimizer iteration) keeps its helper without going back to the
 * scheduler each time.
 */
export function helpSlot(board: PieceBoard, heap: SharedHeap, slot: number, gen: number, linger: LingerOptions): HelpOutcome {
  let pieces = 0;
  let seconds = 0;
  for (let current = gen; current > 0;) {
    const r = helpSection(board, heap, slot, current);
    pieces += r.pieces;
    seconds += r.seconds;
    const deadline = performance.now() + linger.lingerMs;
    let next = -1;
    for (let left = linger.lingerMs; left > 0 && !board.stopped; left = deadline - performance.now()) {
      const seen = board.epoch;
      const s = board.section(slot);
      if (s && s.gen > current && s.unclaimed > 0 && s.descriptor.pieceBytes <= linger.maxPieceBytes) {
        next = s.gen;
        break;
      }
      board.waitForChange(seen, left);
    }
    current = next;
  }
  return { pieces, seconds };
}

/**
 * Tells the owner of `slot`'s current section that a helper died running one of its
 * pieces (the scheduler that saw the death calls this), and fails the section.
 */
export function reportHelperDeath(board: PieceBoard, slot: number, why: string): void {
  // A helper lingers on its slot (helpSlot): the section it died in is the slot's current one.
  const section = board.section(slot);
  if (!section) return;
  const gen = section.gen;
  const label = section.descriptor.label;
  const channel = new BroadcastChannel(board.channelName(slot));
  channel.postMessage({ gen, index: -1, ok: false, error: `a piece of ${label} failed on a helper thread: ${why}` } satisfies PieceMessage);
  channel.close();
  board.fail(slot, gen);
}

/**
 * A resident helper's life: waits for sections on `board` and helps each, until
 * board.stop(). For threads that do nothing else (FitHelpers' threads).
 */
export function helpUntilStopped(board: PieceBoard, heap: SharedHeap): void {
  while (!board.stopped) {
    const seen = board.epoch;
    const open = board.openSections();
    if (open.length === 0) {
      board.waitForChange(seen, 1000);
      continue;
    }
    // The section with the fewest helpers per unclaimed piece first.
    open.sort((a, b) => a.helpers / a.unclaimed - b.helpers / b.unclaimed || a.slot - b.slot);
    const { slot, gen } = open[0];
    board.addHelper(slot, 1);
    try {
      helpSection(board, heap, slot, gen);
    } finally {
      board.addHelper(slot, -1);
    }
  }
}
