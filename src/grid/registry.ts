import { UnknownClassifierError } from "../errors.js";
import type { Classifier } from "../models/estimator.js";
import { GaussianNB } from "../models/naive_bayes.js";
import type { ParamSpecs, Params } from "../models/params.js";
import { DecisionTreeClassifier, ExtraTreeClassifier } from "../models/tree/decision_tree.js";
import { RandomForestClassifier } from "../models/tree/forest.js";
import { GradientBoostingClassifier } from "../models/tree/gradient_boosting.js";

/** How to build one classifier from its scikit-learn name. */
export interface EstimatorEntry {
  readonly name: string;
  /** Family used by reports (Table 3 of the Fashion-MNIST paper groups by classifier). */
  readonly family: string;
  readonly paramSpecs: ParamSpecs;
  create(params: Params): Classifier;
}

const ENTRIES: EstimatorEntry[] = [
  { name: "GaussianNB", family: "naive_bayes", paramSpecs: GaussianNB.paramSpecs, create: (p) => new GaussianNB(p) },
  {
    name: "DecisionTreeClassifier", family: "tree", paramSpecs: DecisionTreeClassifier.paramSpecs,
    create: (p) => new DecisionTreeClassifier(p),
  },
  {
    name: "ExtraTreeClassifier", family: "tree", paramSpecs: ExtraTreeClassifier.paramSpecs,
    create: (p) => new ExtraTreeClassifier(p),
  },
  {
    name: "RandomForestClassifier", family: "ensemble", paramSpecs: RandomForestClassifier.paramSpecs,
    create: (p) => new RandomForestClassifier(p),
  },
  {
    name: "GradientBoostingClassifier", family: "ensemble", paramSpecs: GradientBoostingClassifier.paramSpecs,
    create: (p) => new GradientBoostingClassifier(p),
  },
];

/** Classifiers of the upstream grid that fmbench knows by name but does not implement yet. */
export const PLANNED_CLASSIFIERS = [
  "PassiveAggressiveClassifier", "SGDClassifier", "Perceptron",
  "LogisticRegression", "MLPClassifier", "KNeighborsClassifier", "SVC",
  "GaussianProcessClassifier", "LinearSVC",
] as const;

const registry = new Map(ENTRIES.map((e) => [e.name, e]));

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
