// Type-level tests of the estimators' constructor params. `tsc -p test/types` must accept
// this file as it is; each `@ts-expect-error` line must fail to compile, and
// test/types/params.test.ts checks that it fails for the reason written after the directive.
import {
  createEstimator, DecisionTreeClassifier, ExtraTreeClassifier, GaussianNB, GaussianProcessClassifier,
  GradientBoostingClassifier, KNeighborsClassifier, LinearSVC, LogisticRegression, MinMaxScaler, MLPClassifier, MljsSVC,
  PassiveAggressiveClassifier, Perceptron, RandomForestClassifier, SGDClassifier, StandardScaler, SVC,
  type DefaultsConform, type MinMaxScalerParams, type ParamSpecs, type Params, type SVCParams,
} from "../../src/index.js";

/** Exact type equality (not mere assignability). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(): T | void {}

// Correct params compile, for every kind of constraint.
new SVC();
new SVC({ kernel: "rbf", C: 10, gamma: "scale" });
new SVC({ kernel: "poly", degree: 2, gamma: 0.01, coef0: 1, shrinking: false, random_state: null });
new KNeighborsClassifier({ n_neighbors: 3, p: 1, weights: "distance" });
new MLPClassifier({ hidden_layer_sizes: [100, 50], batch_size: "auto", random_state: 0 });
new MLPClassifier({ hidden_layer_sizes: 100, batch_size: 64, activation: "tanh" });
new GaussianNB({ priors: [0.5, 0.5], var_smoothing: 1e-9 });
new LogisticRegression({ penalty: null, solver: "saga", l1_ratio: 0.5 });
new RandomForestClassifier({ n_estimators: 10, max_features: "sqrt", max_depth: null, min_samples_split: 0.1 });
new ExtraTreeClassifier({ max_features: 0.5, splitter: "best" });
new GaussianProcessClassifier({ optimizer: null, kernel: "1.0 * RBF(1.0)" });
new StandardScaler({ with_mean: false });
new MinMaxScaler({ feature_range: [-1, 1], clip: true });
// undefined means "the default", so an options object with holes can be spread in.
const fromOptions: SVCParams = { C: undefined, kernel: "linear" };
new SVC({ ...fromOptions, tol: 1e-4 });
// The untyped path (grid files): checked at run time only, so this compiles.
const fromGrid: Params = JSON.parse('{"kernel": "rbf"}');
createEstimator("SVC", fromGrid);
new SVC(fromGrid);

// A misspelled name or a value outside the declaration does not compile.
// @ts-expect-error 'kernell' does not exist in type
new SVC({ kernell: "rbf" });
// @ts-expect-error Type '"rbff"' is not assignable to type '"rbf" | "linear" | "poly" | "sigmoid" | undefined'
new SVC({ kernel: "rbff" });
// @ts-expect-error Type 'string' is not assignable to type 'number'
new SVC({ C: "10" });
// @ts-expect-error Type 'null' is not assignable to type 'number | undefined'
new SVC({ C: null });
// @ts-expect-error Type 'number' is not assignable to type 'boolean | undefined'
new SVC({ shrinking: 1 });
// @ts-expect-error Type 'true' is not assignable to type 'false'
new SVC({ probability: true });
// @ts-expect-error Type '3' is not assignable to type '1 | 2 | undefined'
new KNeighborsClassifier({ p: 3 });
// @ts-expect-error Type 'string' is not assignable to type 'number | readonly number[] | undefined'
new MLPClassifier({ hidden_layer_sizes: "(100,)" });
// @ts-expect-error 'engine' does not exist in type
new SVC({ engine: "mljs" });
// @ts-expect-error Type '"log"' is not assignable
new LogisticRegression({ solver: "log" });
// @ts-expect-error Type '"random"' is not assignable to type '"friedman_mse"'
new GradientBoostingClassifier({ criterion: "random" });
// @ts-expect-error 'with_means' does not exist in type
new StandardScaler({ with_means: false });
// @ts-expect-error Type 'number' is not assignable to type 'undefined'
new MinMaxScaler({ feature_range: [0, 1, 2] });
const misspelt = { kernell: "rbf" };
// @ts-expect-error has no properties in common with type
new SVC(misspelt);

// The value types follow the declarations, in and out.
assertType<Equal<SVCParams["kernel"], "linear" | "poly" | "rbf" | "sigmoid" | undefined>>();
assertType<Equal<SVCParams["gamma"], "scale" | "auto" | number | undefined>>();
assertType<Equal<SVCParams["random_state"], number | null | undefined>>();
assertType<Equal<MinMaxScalerParams["feature_range"], readonly [number, number] | undefined>>();
assertType<Equal<ReturnType<SVC["getParams"]>["kernel"], "linear" | "poly" | "rbf" | "sigmoid">>();

// Every estimator's params type has exactly the names of its declarations, and every
// declared default satisfies its own constraints.
type ParamsArg<C extends abstract new (...args: never[]) => unknown> = NonNullable<ConstructorParameters<C>[0]>;
type Derived<C extends (abstract new (...args: never[]) => unknown) & { readonly paramSpecs: ParamSpecs }> =
  Equal<keyof ParamsArg<C>, keyof C["paramSpecs"]> extends true ? DefaultsConform<C["paramSpecs"]> : false;
assertType<Derived<typeof SVC>>();
assertType<Derived<typeof MljsSVC>>();
assertType<Derived<typeof GaussianNB>>();
assertType<Derived<typeof KNeighborsClassifier>>();
assertType<Derived<typeof MLPClassifier>>();
assertType<Derived<typeof GaussianProcessClassifier>>();
assertType<Derived<typeof SGDClassifier>>();
assertType<Derived<typeof Perceptron>>();
assertType<Derived<typeof PassiveAggressiveClassifier>>();
assertType<Derived<typeof LogisticRegression>>();
assertType<Derived<typeof LinearSVC>>();
assertType<Derived<typeof DecisionTreeClassifier>>();
assertType<Derived<typeof ExtraTreeClassifier>>();
assertType<Derived<typeof RandomForestClassifier>>();
assertType<Derived<typeof GradientBoostingClassifier>>();
assertType<Derived<typeof StandardScaler>>();
assertType<Derived<typeof MinMaxScaler>>();
// @ts-expect-error Type 'false' does not satisfy the constraint 'true'
assertType<DefaultsConform<{ kernel: { default: "rbff"; constraints: readonly [{ kind: "options"; values: readonly ["rbf"] }] } }>>();
