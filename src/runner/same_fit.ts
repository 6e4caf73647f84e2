import type { GridConfig } from "../grid/grid.js";
import { estimatorEntry } from "../grid/registry.js";
import type { ParamValue } from "../params.js";
import { configId } from "./resume.js";
import type { ResultLine } from "./results.js";

// Configurations that differ only in parameters their estimator ignores for them (the
// registry's ignoredParams: LinearSVC's loss, penalty and dual under Crammer-Singer) have
// the same fit. A run fits each such group once; the others' lines copy its scores and
// times and name it in `same_fit_as`, with their own wall_seconds 0.

/** Classifier and params without the ignored ones: equal for configurations with the same fit. */
export function sameFitKey(classifier: string, params: Readonly<Record<string, ParamValue>>): string {
  let ignored: readonly string[] = [];
  try {
    ignored = estimatorEntry(classifier).ignoredParams?.(params) ?? [];
  } catch {
    // an unknown classifier (registered in the workers only) shares no fit
  }
  if (ignored.length === 0) return configId(classifier, params);
  return configId(classifier, Object.fromEntries(Object.entries(params).filter(([name]) => !ignored.includes(name))));
}

/**
 * Whether `config` may take another configuration's fit: its own params must pass its
 * estimator's checks (a bad value of an ignored parameter fails on its own, as in
 * scikit-learn).
 */
function mayShareFit(config: GridConfig): boolean {
  try {
    estimatorEntry(config.classifier).create(config.params);
    return true;
  } catch {
    return false;
  }
}

/** The line of `config` from `source`, an ok line of a configuration with the same fit. */
export function sameFitLine(config: GridConfig, source: ResultLine): ResultLine {
  return {
    ...source,
    classifier: config.classifier,
    params: config.params,
    same_fit_as: source.same_fit_as ?? source.params,
    wall_seconds: 0,
    finished_at: new Date().toISOString(),
  };
}

export interface SameFitPlan<T extends { readonly config: GridConfig }> {
  /** What the run fits: the first of each group, and those that may not share a fit. */
  readonly toFit: T[];
  /** Configurations waiting on a fit of this run, by its sameFitKey. */
  readonly waiting: Map<string, T[]>;
  /** Configurations whose fit an earlier line of the results file already holds. */
  readonly fromEarlier: { readonly item: T; readonly source: ResultLine }[];
}

/**
 * Splits the configurations to run (in their run order) into those to fit and those that
 * take the fit of another: of this run (`waiting`) or of an ok line already in the
 * results file (`earlier`: lines of the same experiment only, the caller's to choose).
 */
export function planSameFits<T extends { readonly config: GridConfig }>(items: readonly T[], earlier: readonly ResultLine[]): SameFitPlan<T> {
  const earlierOk = new Map<string, ResultLine>();
  for (const line of earlier) if (line.status === "ok") earlierOk.set(sameFitKey(line.classifier, line.params), line);
  const toFit: T[] = [];
  const waiting = new Map<string, T[]>();
  const fromEarlier: { item: T; source: ResultLine }[] = [];
  for (const item of items) {
    const key = sameFitKey(item.config.classifier, item.config.params);
    const source = earlierOk.get(key);
    if (source && mayShareFit(item.config)) fromEarlier.push({ item, source });
    else if (waiting.has(key) && mayShareFit(item.config)) waiting.get(key)!.push(item);
    else {
      toFit.push(item);
      if (!waiting.has(key)) waiting.set(key, []);
    }
  }
  for (const [key, group] of waiting) if (group.length === 0) waiting.delete(key);
  return { toFit, waiting, fromEarlier };
}
