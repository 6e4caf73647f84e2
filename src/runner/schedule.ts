import type { GridConfig } from "../grid/grid.js";
import type { ResultLine } from "./results.js";

/**
 * Rough relative cost (seconds on the full 60,000 x 784 training set, one core) of
 * one fit + predict per family; only the order matters. Used when no earlier result
 * of the same configuration exists.
 */
const FAMILY_PRIOR_SECONDS: Record<string, number> = {
  GaussianNB: 1, SGDClassifier: 60, Perceptron: 20, PassiveAggressiveClassifier: 20, LogisticRegression: 300,
  LinearSVC: 600, KNeighborsClassifier: 200, DecisionTreeClassifier: 60, ExtraTreeClassifier: 10,
  RandomForestClassifier: 4, GradientBoostingClassifier: 30, MLPClassifier: 300, SVC: 3000,
  GaussianProcessClassifier: 10_000,
};

function paramNumber(config: GridConfig, name: string, fallback: number): number {
  const v = config.params[name];
  return typeof v === "number" ? v : fallback;
}

/** Expected seconds for one configuration, from an earlier result when there is one, else the family prior. */
export function expectedSeconds(config: GridConfig, trainRows: number, earlier?: ResultLine): number {
  if (earlier && earlier.status === "ok" && typeof earlier.fit_seconds === "number") {
    const scale = trainRows / Math.max(1, earlier.train_size);
    return (earlier.fit_seconds + (earlier.predict_seconds ?? 0)) * scale;
  }
  let seconds = FAMILY_PRIOR_SECONDS[config.classifier] ?? 100;
  // Ensembles scale with their size; deep boosted trees with depth.
  if (config.classifier === "RandomForestClassifier") seconds *= paramNumber(config, "n_estimators", 100);
  if (config.classifier === "GradientBoostingClassifier") {
    seconds *= paramNumber(config, "n_estimators", 100) * Math.min(paramNumber(config, "max_depth", 3), 20);
  }
  return seconds * (trainRows / 60000);
}

/** Longest expected first, so a run does not end with one core busy behind a long task. */
export function longestFirst<T extends { expected: number }>(items: T[]): T[] {
  return [...items].sort((a, b) => b.expected - a.expected);
}
