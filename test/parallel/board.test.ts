import { afterEach, describe, expect, it } from "vitest";
import { PieceBoard } from "../../src/parallel/board.js";
import { bindPieceBoard, definePieces, runPieces, takePieceStats } from "../../src/parallel/pieces.js";
import { scratchFor, SharedHeap } from "../../src/wasm/heap.js";

const descriptor = { kind: "k", args: { a: 1 }, pieceBytes: 0, label: "test" };

describe("PieceBoard", () => {
  it("hands out each piece once, and nothing of a section that has closed", () => {
    const board = PieceBoard.create(2);
    const gen = board.open(1, descriptor, 3)!;
    expect(gen).toBe(1);
    expect(board.openSections().map((s) => [s.slot, s.unclaimed])).toEqual([[1, 3]]);
    expect([board.claim(1, gen), board.claim(1, gen), board.claim(1, gen), board.claim(1, gen)]).toEqual([0, 1, 2, -1]);
    expect(board.openSections()).toEqual([]);
    board.close(1, gen);
    const second = board.open(1, descriptor, 2)!;
    expect(second).toBe(2);
    // A thread still holding the first section's generation gets nothing of the second.
    expect(board.claim(1, gen)).toBe(-1);
    board.finishPiece(1, gen);
    expect(board.waitDone(1, second, 2, 0)).toBe("timed-out");
    expect(board.claim(1, second)).toBe(0);
    board.close(1, second);
    expect(board.claim(1, second)).toBe(-1);
    expect(board.section(1, second)!.descriptor).toEqual(descriptor);
  });

  it("counts pieces done per generation and reports a failed section", () => {
    const board = PieceBoard.create(1);
    const gen = board.open(0, descriptor, 2)!;
    board.finishPiece(0, gen);
    expect(board.waitDone(0, gen, 2, 0)).toBe("timed-out");
    board.finishPiece(0, gen);
    expect(board.waitDone(0, gen, 2, 0)).toBe("done");
    const next = board.open(0, descriptor, 5)!;
    board.fail(0, next);
    expect(board.waitDone(0, next, 5, 0)).toBe("failed");
    expect(board.claim(0, next)).toBe(-1);
  });

  it("refuses a descriptor larger than its room (the owner then runs the pieces itself)", () => {
    const board = PieceBoard.create(1, 64);
    expect(board.open(0, { ...descriptor, args: { long: "x".repeat(100) } }, 2)).toBeNull();
  });

  it("wakes an async waiter when a section opens", async () => {
    const board = PieceBoard.create(1);
    const seen = board.epoch;
    const woke = board.changed(seen);
    board.open(0, descriptor, 1);
    await woke;
    expect(board.epoch).not.toBe(seen);
  });
});

const heap = SharedHeap.create();
const SQUARES = definePieces("test.squares", (a: { base: number }, index: number, h: SharedHeap) => {
  // Pieces get scratch of their own: resetting it must not disturb the caller's.
  const s = scratchFor(h);
  s.reset();
  h.f64(s.alloc(64), 8).fill(-1);
  return a.base + index * index;
});

describe("runPieces", () => {
  afterEach(() => bindPieceBoard(null));

  it("runs every piece in this thread, in index order, when no board is bound", () => {
    const mine = scratchFor(heap);
    mine.reset();
    const kept = heap.f64(mine.alloc(64), 8).fill(7);
    takePieceStats();
    expect(runPieces(SQUARES, { base: 10 }, 5, { heap })).toEqual([10, 11, 14, 19, 26]);
    expect(Array.from(kept)).toEqual(new Array(8).fill(7));
    expect(takePieceStats()).toMatchObject({ pieces: 5, piecesByHelpers: 0 });
    expect(runPieces(SQUARES, { base: 0 }, 0, { heap })).toEqual([]);
  });

  it("runs the pieces of a bound thread itself when nobody helps, and closes the section", () => {
    const board = PieceBoard.create(1);
    bindPieceBoard(board, 0, heap);
    expect(runPieces(SQUARES, { base: 1 }, 4)).toEqual([1, 2, 5, 10]);
    expect(board.openSections()).toEqual([]);
    expect(board.section(0)!.descriptor).toMatchObject({ kind: "test.squares", args: { base: 1 } });
  });

  it("refuses a piece kind defined twice", () => {
    expect(() => definePieces("test.squares", () => 0)).toThrow(/already exists/);
  });
});

describe("runPieces arguments", () => {
  it("refuses numbers JSON cannot carry, naming the argument", () => {
    expect(() => runPieces(SQUARES, { base: Infinity }, 2, { heap })).toThrow(/argument 'base' is Infinity/);
  });
});
