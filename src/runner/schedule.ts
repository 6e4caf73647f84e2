import type { GridConfig } from "../grid/grid.js";
import { estimatorEntry } from "../grid/registry.js";
import type { ResultLine } from "./results.js";

/** Seconds assumed for a classifier the registry has no cost prior for (or does not know). */
const UNKNOWN_PRIOR_SECONDS = 100;

/** Expected seconds for one configuration, from an earlier result when there is one, else its estimator's prior. */
export function expectedSeconds(config: GridConfig, trainRows: number, earlier?: ResultLine): number {
  if (earlier && earlier.status === "ok" && typeof earlier.fit_seconds === "number") {
    const scale = trainRows / Math.max(1, earlier.train_size);
    return (earlier.fit_seconds + (earlier.predict_seconds ?? 0)) * scale;
  }
  let seconds = UNKNOWN_PRIOR_SECONDS;
  try {
    seconds = estimatorEntry(config.classifier).costPrior?.(config.params) ?? UNKNOWN_PRIOR_SECONDS;
  } catch {
    // unknown classifier: it fails at once anyway
  }
  return seconds * (trainRows / 60000);
}

/** Longest expected first, so a run does not end with one core busy behind a long task. */
export function longestFirst<T extends { expected: number }>(items: T[]): T[] {
  return [...items].sort((a, b) => b.expected - a.expected);
}
