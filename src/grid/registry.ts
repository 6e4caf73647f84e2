import { UnknownClassifierError } from "../errors.js";
import type { Classifier } from "../models/estimator.js";
import { GaussianNB } from "../models/naive_bayes.js";
import { KNeighborsClassifier } from "../models/neighbors.js";
import { LinearSVC } from "../models/linear/linear_svc.js";
import { LogisticRegression } from "../models/linear/logistic.js";
import { PassiveAggressiveClassifier } from "../models/linear/passive_aggressive.js";
import { Perceptron } from "../models/linear/perceptron.js";
import { SGDClassifier } from "../models/linear/sgd.js";
import type { ParamSpecs, Params } from "../params.js";
import { SVC, estimateSvcMemory } from "../models/svm.js";
import { MLPClassifier, estimateMlpMemory } from "../models/mlp.js";
import { GaussianProcessClassifier, estimateGpcMemory } from "../models/gaussian_process.js";
import { DecisionTreeClassifier, ExtraTreeClassifier } from "../models/tree/decision_tree.js";
import { RandomForestClassifier } from "../models/tree/forest.js";
import { GradientBoostingClassifier } from "../models/tree/gradient_boosting.js";

/** How to build one classifier from its scikit-learn name. */
export interface EstimatorEntry {
  readonly name: string;
  /** Family used by reports (Table 3 of the Fashion-MNIST paper groups by classifier). */
  readonly family: string;
  readonly paramSpecs: ParamSpecs;
  /**
   * Builds the classifier from untyped params (a grid file's). The constructors' static
   * types (e.g. `SVCParams`) only bind library callers; these params are checked at run
   * time against the same declarations, in the constructor.
   */
  create(params: Params): Classifier;
  /**
   * Bytes the fit is expected to need beyond the shared dataset, for the memory
   * guard; absent means small.
   */
  estimateMemory?(params: Params, shape: { trainRows: number; testRows: number; cols: number; classes: number }): number;
  /**
   * Rough cost of one fit + predict on the full 60,000 x 784 training set on one core, in
   * seconds; only the order matters (the runner starts long configurations first, and
   * shards balance by it). Absent: 100.
   */
  costPrior?(params: Params): number;
  /**
   * Parameters these params make the fit ignore, as scikit-learn documents them (LinearSVC's
   * loss, penalty and dual under multi_class='crammer_singer'): configurations that differ
   * only in them have the same fit, which a run computes once (runner/same_fit.ts).
   */
  ignoredParams?(params: Params): readonly string[];
}

function paramNumber(params: Params, name: string, fallback: number): number {
  const v = params[name];
  return typeof v === "number" ? v : fallback;
}

/** A constant prior. */
const costs = (seconds: number) => () => seconds;

const ENTRIES: EstimatorEntry[] = [
  { name: "GaussianNB", family: "naive_bayes", paramSpecs: GaussianNB.paramSpecs, create: (p) => new GaussianNB(p), costPrior: costs(1) },
  {
    name: "KNeighborsClassifier", family: "neighbors", paramSpecs: KNeighborsClassifier.paramSpecs,
    create: (p) => new KNeighborsClassifier(p), costPrior: costs(200),
  },
  { name: "SGDClassifier", family: "linear", paramSpecs: SGDClassifier.paramSpecs, create: (p) => new SGDClassifier(p), costPrior: costs(60) },
  { name: "Perceptron", family: "linear", paramSpecs: Perceptron.paramSpecs, create: (p) => new Perceptron(p), costPrior: costs(20) },
  {
    name: "PassiveAggressiveClassifier", family: "linear", paramSpecs: PassiveAggressiveClassifier.paramSpecs,
    create: (p) => new PassiveAggressiveClassifier(p), costPrior: costs(20),
  },
  {
    name: "LogisticRegression", family: "linear", paramSpecs: LogisticRegression.paramSpecs,
    create: (p) => new LogisticRegression(p), costPrior: costs(300),
  },
  {
    name: "LinearSVC", family: "linear", paramSpecs: LinearSVC.paramSpecs, create: (p) => new LinearSVC(p), costPrior: costs(600),
    ignoredParams: (p) => (p.multi_class === "crammer_singer" ? ["loss", "penalty", "dual"] : []),
  },
  {
    name: "SVC", family: "svm", paramSpecs: SVC.paramSpecs, create: (p) => new SVC(p), costPrior: costs(3000),
    estimateMemory: (p, shape) => estimateSvcMemory(p, shape),
  },
  {
    name: "MLPClassifier", family: "neural_network", paramSpecs: MLPClassifier.paramSpecs, create: (p) => new MLPClassifier(p), costPrior: costs(300),
    estimateMemory: (p, shape) => estimateMlpMemory(p, shape),
  },
  {
    name: "GaussianProcessClassifier", family: "gaussian_process", paramSpecs: GaussianProcessClassifier.paramSpecs,
    create: (p) => new GaussianProcessClassifier(p), costPrior: costs(10_000), estimateMemory: (p, shape) => estimateGpcMemory(p, shape),
  },
  {
    name: "DecisionTreeClassifier", family: "tree", paramSpecs: DecisionTreeClassifier.paramSpecs,
    create: (p) => new DecisionTreeClassifier(p), costPrior: costs(60),
  },
  {
    name: "ExtraTreeClassifier", family: "tree", paramSpecs: ExtraTreeClassifier.paramSpecs,
    create: (p) => new ExtraTreeClassifier(p), costPrior: costs(10),
  },
  {
    name: "RandomForestClassifier", family: "ensemble", paramSpecs: RandomForestClassifier.paramSpecs,
    create: (p) => new RandomForestClassifier(p), costPrior: (p) => 4 * paramNumber(p, "n_estimators", 100),
  },
  {
    name: "GradientBoostingClassifier", family: "ensemble", paramSpecs: GradientBoostingClassifier.paramSpecs,
    create: (p) => new GradientBoostingClassifier(p), costPrior: (p) => 30 * paramNumber(p, "n_estimators", 100) * Math.min(paramNumber(p, "max_depth", 3), 20),
  },
];

const registry = new Map(ENTRIES.map((e) => [e.name, e]));

/** Adds (or replaces) an estimator; used for test doubles and by extensions. */
export function registerEstimator(entry: EstimatorEntry): void {
  registry.set(entry.name, entry);
}

export function registeredEstimators(): readonly EstimatorEntry[] {
  return [...registry.values()];
}

/** Looks a classifier up by name; an unknown name gets a message listing the known ones. */
export function estimatorEntry(name: string): EstimatorEntry {
  const entry = registry.get(name);
  if (entry) return entry;
  throw new UnknownClassifierError(`unknown classifier '${name}'; fmbench knows ${[...registry.keys()].sort().join(", ")}`);
}

/** Builds a classifier; throws for an unknown name or invalid params. */
export function createEstimator(name: string, params: Params = {}): Classifier {
  return estimatorEntry(name).create(params);
}
