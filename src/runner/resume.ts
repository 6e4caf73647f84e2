import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync } from "node:fs";
import type { ParamValue } from "../params.js";
import type { ResultLine } from "./results.js";

/** What makes two result lines describe the same experiment. */
export interface RunIdentity {
  readonly dataset: string;
  readonly features: string;
  readonly preprocess: string;
  readonly train_size: number;
  readonly test_size: number;
  /** "validation" when the scores come from held-out training images; absent (older lines) means "test". */
  readonly evaluation?: string;
  /** The training-set augmentation; absent means none. */
  readonly augment?: string;
}

function canonical(value: ParamValue | Readonly<Record<string, ParamValue>>): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, ParamValue>;
    return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A stable key for a classifier and its params (parameter order does not matter). */
export function configId(classifier: string, params: Readonly<Record<string, ParamValue>>): string {
  return `${classifier}|${canonical(params)}`;
}

/** A stable key for one configuration of one experiment. */
export function configKey(classifier: string, params: Readonly<Record<string, ParamValue>>, id: RunIdentity): string {
  return [configId(classifier, params), id.dataset, id.features, id.preprocess, id.train_size, id.test_size, id.evaluation ?? "test", ...(id.augment ? [id.augment] : [])].join("|");
}

export function lineKey(line: ResultLine): string {
  return configKey(line.classifier, line.params, line);
}

/**
 * Cuts a torn last line (a write interrupted by a crash) off the end of the results
 * file, so that the next append starts on a fresh line. Returns the bytes removed.
 */
export function repairTornTail(file: string): number {
  if (!existsSync(file)) return 0;
  const fd = openSync(file, "r+");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return 0;
    // Scan back to the previous newline.
    const chunk = Buffer.alloc(Math.min(size, 1 << 20));
    const start = size - chunk.length;
    readSync(fd, chunk, 0, chunk.length, start);
    const nl = chunk.lastIndexOf(0x0a);
    const keep = nl < 0 ? start : start + nl + 1;
    ftruncateSync(fd, keep);
    return size - keep;
  } finally {
    closeSync(fd);
  }
}

/**
 * Keys of configurations already finished among the lines of a results file: `ok`, or
 * failed with a ParamError (parameters scikit-learn rejects are rejected again on every
 * run, so a resume would only append the same failure). Other failures, timeouts and
 * refusals by the memory guard (which depend on the machine) run again.
 */
export function finishedKeys(lines: readonly ResultLine[]): Set<string> {
  const done = new Set<string>();
  for (const line of lines) if (line.status === "ok" || rejectedParams(line)) done.add(lineKey(line));
  return done;
}

/** Whether a line is a failure for parameters the estimator rejects (ParamError). */
export function rejectedParams(line: ResultLine): boolean {
  return line.status === "failed" && typeof line.error === "string" && line.error.startsWith("ParamError:");
}

/** The last line per configuration (a rerun appends a new line for a config that failed before). */
export function latestLines(lines: readonly ResultLine[]): ResultLine[] {
  const byKey = new Map<string, ResultLine>();
  for (const line of lines) {
    const key = lineKey(line);
    byKey.delete(key);
    byKey.set(key, line);
  }
  return [...byKey.values()];
}
