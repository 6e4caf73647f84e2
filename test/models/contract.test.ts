import { describe, expect, it } from "vitest";
import type { Matrix } from "../../src/core/matrix.js";
import { FmbenchError, NonFiniteError, NotFittedError, ParamError, ShapeError } from "../../src/errors.js";
import { registeredEstimators } from "../../src/grid/registry.js";
import type { Classifier } from "../../src/models/estimator.js";
import { MljsSVC } from "../../src/models/mljs/svm.js";
import type { ParamSpecs, ParamValue, Params } from "../../src/params.js";

/**
 * The estimator contract (STYLE.md, after scikit-learn's), run over every estimator the
 * registry knows, so that a newly registered one is covered without touching this file.
 * Each registered parameter that picks an engine ("engine": "wasm" | "mljs") adds one case
 * per engine, and the ml-svm adapter, which the registry does not list, is added by hand.
 */

/** A public method that needs a fitted estimator besides predict/score. */
type ExtraMethod = "predictProba" | "decisionFunction";
const EXTRA_METHODS: readonly ExtraMethod[] = ["predictProba", "decisionFunction"];

/** A contract check an estimator may opt out of, with a reason: determinism, or one prediction method. */
type Check = "determinism" | ExtraMethod;

interface Case {
  /** Test title: the estimator name, plus the engine where it is not the default. */
  readonly title: string;
  /** The name the estimator reports (estimatorName) and puts in its errors. */
  readonly name: string;
  readonly paramSpecs: ParamSpecs;
  create(params: Params): Classifier;
}

/**
 * The only overrides: small sizes so that each fit takes milliseconds on the tiny data
 * below. Everything else is the registry's default.
 */
const SMALL: Readonly<Record<string, Params>> = {
  MLPClassifier: { hidden_layer_sizes: [8], max_iter: 30 },
  GaussianProcessClassifier: { max_iter_predict: 20 },
  RandomForestClassifier: { n_estimators: 5 },
  GradientBoostingClassifier: { n_estimators: 5 },
};

/**
 * Explicit opt-outs: case title and check, with the reason. An opted-out prediction method
 * must still refuse, after fit, with a typed error that names the estimator.
 */
const OPT_OUTS: Readonly<Record<string, Partial<Record<Check, string>>>> = {
  "RandomForestClassifier (engine mljs)": {
    predictProba: "ml-random-forest predicts majority votes only; the wasm engine has predict_proba",
  },
};

function optedOut(c: Case, check: Check): string | undefined {
  return OPT_OUTS[c.title]?.[check];
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const e of registeredEstimators()) {
    const base: Case = { title: e.name, name: e.name, paramSpecs: e.paramSpecs, create: (p) => e.create(p) };
    out.push(base);
    const engine = e.paramSpecs.engine;
    if (!engine) continue;
    for (const c of engine.constraints) {
      if (c.kind !== "options") continue;
      for (const v of c.values) {
        if (v === engine.default) continue;
        out.push({ ...base, title: `${e.name} (engine ${String(v)})`, create: (p) => e.create({ engine: v, ...p }) });
      }
    }
  }
  out.push({
    title: "MljsSVC (ml-svm adapter)", name: "SVC", paramSpecs: MljsSVC.paramSpecs, create: (p) => new MljsSVC(p),
  });
  return out;
}

/**
 * Three blobs (uniform noise around three centres) with non-contiguous labels [2, 5, 9] in
 * 10 features (not a multiple of the SIMD width), from a fixed linear congruential generator.
 */
function blobs(rows: number, seed: number): { X: Matrix; y: Int32Array } {
  const cols = 10;
  const labels = [2, 5, 9];
  const data = new Float32Array(rows * cols);
  const y = new Int32Array(rows);
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  for (let i = 0; i < rows; i++) {
    const k = i % 3;
    y[i] = labels[k];
    for (let j = 0; j < cols; j++) data[i * cols + j] = rnd() + (j % 3 === k ? 1.5 : 0);
  }
  return { X: { data, rows, cols }, y };
}

const train = blobs(90, 11);
const test = blobs(30, 12);

/** A value that every constraint of the parameter refuses: below every interval's minimum. */
function belowRange(specs: ParamSpecs, param: string): number | null {
  let low = Infinity;
  for (const c of specs[param].constraints) {
    if (c.kind !== "interval") continue;
    if (c.min === undefined) return null;
    low = Math.min(low, c.min);
  }
  return low === Infinity ? null : low - 1.5;
}

/** The prediction methods besides predict that the estimator has, including opted-out ones. */
function extraMethods(est: Classifier): ExtraMethod[] {
  return EXTRA_METHODS.filter((m) => typeof (est as unknown as Record<string, unknown>)[m] === "function");
}

function call(est: Classifier, method: ExtraMethod | "predict", X: Matrix): ArrayLike<number> {
  return (est as unknown as Record<string, (X: Matrix) => ArrayLike<number>>)[method](X);
}

/** Runs f and returns what it threw (failing the test if it threw nothing). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    return err as Error;
  }
  throw new Error("expected an error, but nothing was thrown");
}

const ALL = cases();

/** The prediction methods a fitted estimator of this case must answer. */
function answered(c: Case, est: Classifier): ("predict" | ExtraMethod)[] {
  return ["predict", ...extraMethods(est).filter((m) => !optedOut(c, m))];
}

describe("the registry", () => {
  it("lists every known family, the mljs engines included", () => {
    const names = registeredEstimators().map((e) => e.name);
    expect(names.length).toBeGreaterThan(0);
    for (const known of [
      "GaussianNB", "KNeighborsClassifier", "SGDClassifier", "Perceptron", "PassiveAggressiveClassifier",
      "LogisticRegression", "LinearSVC", "SVC", "MLPClassifier", "GaussianProcessClassifier",
      "DecisionTreeClassifier", "ExtraTreeClassifier", "RandomForestClassifier", "GradientBoostingClassifier",
    ]) expect(names).toContain(known);
    expect(ALL.map((c) => c.title)).toEqual(expect.arrayContaining([
      "KNeighborsClassifier (engine mljs)", "RandomForestClassifier (engine mljs)", "MljsSVC (ml-svm adapter)",
    ]));
  });

  it("every opt-out names a known case and gives a reason", () => {
    for (const [title, checks] of Object.entries(OPT_OUTS)) {
      expect(ALL.map((c) => c.title)).toContain(title);
      for (const reason of Object.values(checks)) expect(reason).toMatch(/\w{3,}/);
    }
    for (const name of Object.keys(SMALL)) expect(ALL.map((c) => c.name)).toContain(name);
  });
});

describe.each(ALL.map((c) => [c.title, c] as const))("%s: estimator contract", (_title, c) => {
  const small = SMALL[c.name] ?? {};
  const make = (extra: Params = {}): Classifier => c.create({ ...small, ...extra });

  describe("parameters", () => {
    it("the constructor with no arguments holds the declared defaults, and its name", () => {
      const Ctor = make().constructor as new () => Classifier;
      const est = new Ctor();
      expect(est.estimatorName).toBe(c.name);
      const defaults = Object.fromEntries(Object.entries(c.paramSpecs).map(([k, s]) => [k, s.default]));
      expect(est.getParams()).toEqual(defaults);
      expect(est.classes_).toBeNull();
    });

    it("getParams round-trips through the constructor and returns a copy", () => {
      const est = make();
      const params = est.getParams();
      expect(params).toMatchObject(small);
      expect(c.create(params).getParams()).toEqual(params);
      (params as Record<string, ParamValue>)[Object.keys(params)[0]] = "changed";
      expect(est.getParams()).not.toEqual(params);
    });

    it("refuses an unknown parameter name, naming the estimator and the parameter", () => {
      const err = thrown(() => c.create({ no_such_param: 1 }));
      expect(err).toBeInstanceOf(ParamError);
      expect(err).toMatchObject({ estimator: c.name, param: "no_such_param" });
      expect(err.message).toContain(`${c.name}: unknown parameter 'no_such_param'`);
    });

    it("refuses an out-of-range value of every numeric parameter, naming both", () => {
      let checked = 0;
      for (const param of Object.keys(c.paramSpecs)) {
        const bad = belowRange(c.paramSpecs, param);
        if (bad === null) continue;
        const err = thrown(() => c.create({ [param]: bad }));
        expect(err, param).toBeInstanceOf(ParamError);
        expect(err, param).toMatchObject({ estimator: c.name, param });
        expect(err.message).toContain(`${c.name}: parameter '${param}' must be`);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });

    it("refuses a value of the wrong type, naming both", () => {
      for (const param of Object.keys(c.paramSpecs)) {
        const err = thrown(() => c.create({ [param]: "not-a-value" }));
        expect(err, param).toBeInstanceOf(ParamError);
        expect(err, param).toMatchObject({ estimator: c.name, param });
      }
    });
  });

  describe("before fit", () => {
    it("predict, score and the other prediction methods throw NotFittedError", () => {
      const est = make();
      for (const m of ["predict" as const, ...extraMethods(est)]) {
        const err = thrown(() => call(est, m, test.X));
        expect(err, m).toBeInstanceOf(NotFittedError);
        expect(err.message, m).toContain(c.name);
      }
      expect(() => est.score(test.X, test.y)).toThrow(NotFittedError);
    });
  });

  describe("fit and predict", () => {
    it("fit returns the estimator itself", () => {
      const est = make();
      expect(est.fit(train.X, train.y)).toBe(est);
      expect(Array.from(est.classes_!)).toEqual([2, 5, 9]);
    });

    it("predict gives one training label per row; score is in [0, 1]; other methods one row of 3 per row", () => {
      const est = make().fit(train.X, train.y);
      const pred = est.predict(test.X);
      expect(pred).toBeInstanceOf(Int32Array);
      expect(pred.length).toBe(test.X.rows);
      for (const p of pred) expect([2, 5, 9]).toContain(p);
      const score = est.score(test.X, test.y);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
      for (const m of answered(c, est).filter((m) => m !== "predict")) expect(call(est, m, test.X).length, m).toBe(test.X.rows * 3);
    });

    it("predictProba, where present, gives rows of probabilities that sum to 1", () => {
      const est = make().fit(train.X, train.y);
      if (!answered(c, est).includes("predictProba")) return;
      const proba = call(est, "predictProba", test.X);
      for (let r = 0; r < test.X.rows; r++) {
        const row = Array.from({ length: 3 }, (_, k) => proba[r * 3 + k]);
        for (const p of row) expect(p >= 0 && p <= 1, `row ${r}: ${row}`).toBe(true);
        expect(row[0] + row[1] + row[2]).toBeCloseTo(1, 6);
      }
    });

    it("an opted-out prediction method refuses with a typed error naming the estimator", () => {
      const est = make().fit(train.X, train.y);
      for (const m of extraMethods(est).filter((m) => optedOut(c, m))) {
        const err = thrown(() => call(est, m, test.X));
        expect(err, m).toBeInstanceOf(FmbenchError);
        expect(err, m).not.toBeInstanceOf(NotFittedError);
        expect(err.message, m).toContain(c.name);
      }
    });

    it("two fits with the same random_state predict the same; a refit of one object too", () => {
      const reason = optedOut(c, "determinism");
      if (reason) return void console.info(`${c.title}: determinism not checked: ${reason}`);
      const seeded: Params = "random_state" in c.paramSpecs ? { random_state: 7 } : {};
      const a = make(seeded).fit(train.X, train.y);
      const first = Array.from(a.predict(test.X));
      expect(Array.from(make(seeded).fit(train.X, train.y).predict(test.X))).toEqual(first);
      expect(Array.from(a.fit(train.X, train.y).predict(test.X))).toEqual(first);
    });
  });

  describe("input validation", () => {
    const expectShapeError = (f: () => unknown, pattern: RegExp): void => {
      const err = thrown(f);
      expect(err).toBeInstanceOf(ShapeError);
      expect(err.message).toContain(c.name);
      expect(err.message).toMatch(pattern);
    };

    it("fit refuses X and y of different lengths", () => {
      expectShapeError(() => make().fit(train.X, train.y.subarray(1)), /90 samples but y has 89/);
    });

    it("fit refuses 0 samples", () => {
      expectShapeError(() => make().fit({ data: new Float32Array(0), rows: 0, cols: 10 }, new Int32Array(0)), /0 samples/);
    });

    it("predict refuses a different feature count than fit saw", () => {
      const est = make().fit(train.X, train.y);
      const narrow = { data: new Float32Array(3 * 9), rows: 3, cols: 9 };
      for (const m of answered(c, est)) {
        expectShapeError(() => call(est, m, narrow), /X has 9 features, but it was fitted with 10/);
      }
    });

    // scikit-learn 1.2 refuses NaN and infinity in X for every one of these estimators.
    const spoiled = (X: Matrix, at: number, value: number): Matrix => {
      const data = X.data.slice();
      data[at] = value;
      return { ...X, data };
    };

    it("fit refuses NaN or infinity in X, naming the estimator and where", () => {
      for (const [value, word] of [[NaN, "NaN"], [Infinity, "infinity"], [-Infinity, "infinity"]] as const) {
        const err = thrown(() => make().fit(spoiled(train.X, 23, value), train.y));
        expect(err, word).toBeInstanceOf(NonFiniteError);
        expect(err.message).toContain(`${c.name}: X contains ${word} at row 2, column 3`);
      }
    });

    it("every prediction method refuses NaN or infinity in X", () => {
      const est = make().fit(train.X, train.y);
      for (const m of answered(c, est)) {
        for (const value of [NaN, Infinity]) {
          const err = thrown(() => call(est, m, spoiled(test.X, 17, value)));
          expect(err, m).toBeInstanceOf(NonFiniteError);
          expect(err.message, m).toContain(`${c.name}: X contains`);
        }
      }
      expect(() => est.score(spoiled(test.X, 0, NaN), test.y)).toThrow(NonFiniteError);
    });
  });
});
