import { createHash } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { makeDirectory } from "../files.js";

/**
 * A configuration's test-set predictions (of its last repeat), kept beside results.jsonl
 * so that two runs (or two configurations) can be compared prediction by prediction.
 * One file per configuration of an experiment, named after its result key: labels as
 * bytes (`.u8`) when they all fit, else little-endian int32 (`.i32`).
 */
export function predictionsPath(key: string, labels: Int32Array): string {
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 20);
  const fits = labels.every((v) => v >= 0 && v < 256);
  return join("predictions", `${hash}.${fits ? "u8" : "i32"}`);
}

/** Writes `labels` to `<out>/<relative>` (whole or not at all: a temporary file renamed into place). */
export function writePredictions(out: string, relative: string, labels: Int32Array): void {
  const file = join(out, relative);
  makeDirectory(dirname(file));
  const bytes = relative.endsWith(".u8") ? Uint8Array.from(labels) : new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Whether `relative` is a path writePredictions made: a results file from elsewhere cannot point outside its predictions folder. */
export function isPredictionsPath(relative: unknown): relative is string {
  return typeof relative === "string" && /^predictions\/[0-9a-f]{20}\.(u8|i32)$/.test(relative);
}

/** Reads predictions written by writePredictions (`relative` as recorded in the result line's `predictions_file`). */
export function readPredictions(out: string, relative: string): Int32Array {
  const bytes = readFileSync(join(out, relative));
  if (relative.endsWith(".u8")) return Int32Array.from(bytes);
  return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
