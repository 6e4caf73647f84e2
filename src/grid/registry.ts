import { UnknownClassifierError } from "../errors.js";
import type { Classifier } from "../models/estimator.js";
import { GaussianNB } from "../models/naive_bayes.js";
import type { ParamSpecs, Params } from "../models/params.js";
import { SVC, estimateSvcMemory } from "../models/svm.js";
import { MLPClassifier, estimateMlpMemory } from "../models/mlp.js";
import { GaussianProcessClassifier, estimateGpcMemory } from "../models/gaussian_process.js";

/** How to build one classifier from its scikit-learn name. */
export interface EstimatorEntry {
  readonly name: string;
  /** Family used by reports (Table 3 of the Fashion-MNIST paper groups by classifier). */
  readonly family: string;
  readonly paramSpecs: ParamSpecs;
  create(params: Params): Classifier;
  /**
   * Bytes the fit is expected to need beyond the shared dataset, for the memory
   * guard; absent means small.
   */
  estimateMemory?(params: Params, shape: { trainRows: number; testRows: number; cols: number; classes: number }): number;
}

const ENTRIES: EstimatorEntry[] = [
  { name: "GaussianNB", family: "naive_bayes", paramSpecs: GaussianNB.paramSpecs, create: (p) => new GaussianNB(p) },
  {
    name: "SVC", family: "svm", paramSpecs: SVC.paramSpecs, create: (p) => new SVC(p),
    estimateMemory: (p, shape) => estimateSvcMemory(p, shape),
  },
  {
    name: "MLPClassifier", family: "neural_network", paramSpecs: MLPClassifier.paramSpecs, create: (p) => new MLPClassifier(p),
    estimateMemory: (p, shape) => estimateMlpMemory(p, shape),
  },
  {
    name: "GaussianProcessClassifier", family: "gaussian_process", paramSpecs: GaussianProcessClassifier.paramSpecs,
    create: (p) => new GaussianProcessClassifier(p), estimateMemory: (p, shape) => estimateGpcMemory(p, shape),
  },
];

/** Classifiers of the upstream grid that fmbench knows by name but does not implement yet. */
export const PLANNED_CLASSIFIERS = [
  "PassiveAggressiveClassifier", "SGDClassifier", "Perceptron", "DecisionTreeClassifier", "RandomForestClassifier",
  "LogisticRegression", "KNeighborsClassifier", "ExtraTreeClassifier",
  "GradientBoostingClassifier", "LinearSVC",
] as const;

const registry = new Map(ENTRIES.map((e) => [e.name, e]));

/** Adds (or replaces) an estimator; used for test doubles and by extensions. */
export function registerEstimator(entry: EstimatorEntry): void {
  registry.set(entry.name, entry);
}

export function registeredEstimators(): readonly EstimatorEntry[] {
  return [...registry.values()];
}

/** Looks a classifier up by name; unknown and not-yet-implemented names get distinct messages. */
export function estimatorEntry(name: string): EstimatorEntry {
  const entry = registry.get(name);
  if (entry) return entry;
  if ((PLANNED_CLASSIFIERS as readonly string[]).includes(name)) {
    throw new UnknownClassifierError(`${name} is not implemented in fmbench yet; implemented: ${[...registry.keys()].join(", ")}`);
  }
  throw new UnknownClassifierError(
    `unknown classifier '${name}'; fmbench knows ${[...registry.keys(), ...PLANNED_CLASSIFIERS].sort().join(", ")}`,
  );
}

/** Builds a classifier; throws for an unknown name or invalid params. */
export function createEstimator(name: string, params: Params = {}): Classifier {
  return estimatorEntry(name).create(params);
}
