import { describe, expect, it } from "vitest";
import { NotFittedError, ParamError } from "../../../src/errors.js";
import { LinearSVC } from "../../../src/models/linear/linear_svc.js";
import { LogisticRegression } from "../../../src/models/linear/logistic.js";
import { PassiveAggressiveClassifier } from "../../../src/models/linear/passive_aggressive.js";
import { Perceptron } from "../../../src/models/linear/perceptron.js";
import { SGDClassifier } from "../../../src/models/linear/sgd.js";
import { executeTask } from "../../../src/runner/task.js";
import type { TaskData } from "../../../src/runner/shared_data.js";

/** Three Gaussian blobs in 7 dimensions (not a multiple of the SIMD width). */
function blobs(n: number, seed = 3): { X: { data: Float32Array; rows: number; cols: number }; y: Int32Array } {
  const cols = 7;
  const data = new Float32Array(n * cols);
  const y = new Int32Array(n);
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < cols; j++) data[i * cols + j] = rnd() + (j === y[i] ? 2 : 0);
  }
  return { X: { data, rows: n, cols }, y };
}

describe("linear estimators", () => {
  const { X, y } = blobs(300);
  const make = [
    () => new SGDClassifier({ random_state: 1 }),
    () => new SGDClassifier({ loss: "log", penalty: "elasticnet" }),
    () => new Perceptron(),
    () => new PassiveAggressiveClassifier({ C: 0.5 }),
    () => new LogisticRegression(),
    () => new LogisticRegression({ penalty: "l1", multi_class: "ovr" }),
    () => new LinearSVC(),
    () => new LinearSVC({ multi_class: "crammer_singer" }),
    () => new LinearSVC({ penalty: "l1", dual: false }),
  ];
  for (const m of make) {
    const name = m().estimatorName + JSON.stringify(m().getParams()).slice(0, 60);
    it(`${name}: separates blobs, is deterministic, refuses predict before fit`, () => {
      expect(() => m().predict(X)).toThrow(NotFittedError);
      const a = m().fit(X, y);
      expect(a.score(X, y)).toBeGreaterThan(0.95);
      expect(Array.from(m().fit(X, y).predict(X))).toEqual(Array.from(a.predict(X)));
    });
  }

  it("two classes give one decision column", () => {
    const two = Int32Array.from(y, (v) => (v === 0 ? 0 : 1));
    for (const e of [new SGDClassifier(), new LogisticRegression(), new LinearSVC()]) {
      e.fit(X, two);
      expect(e.intercept_!.length).toBe(1);
      expect(e.score(X, two)).toBeGreaterThan(0.95);
    }
  });

  it("records convergence warnings and the solver used", () => {
    const lr = new LogisticRegression({ max_iter: 2 }).fit(X, y);
    expect(lr.warnings_[0]).toMatch(/^lbfgs failed to converge/);
    expect(lr.solver_used_).toBe("lbfgs");
    expect(new LogisticRegression({ penalty: "l1", multi_class: "ovr" }).fit(X, y).solver_used_).toBe("liblinear");
    expect(new LogisticRegression({ penalty: "l1", multi_class: "multinomial" }).fit(X, y).solver_used_).toBe("saga");
    const sgd = new SGDClassifier({ max_iter: 1 }).fit(X, y);
    expect(sgd.warnings_).toEqual([
      "Maximum number of iteration reached before convergence. Consider increasing max_iter to improve the fit.",
    ]);
    expect(new LinearSVC({ max_iter: 1 }).fit(X, y).warnings_[0]).toMatch(/^Liblinear failed to converge/);
  });

  it("rejects what scikit-learn 1.2 rejects, with its messages", () => {
    const cases: [Record<string, string | boolean>, string][] = [
      [{ penalty: "l1", loss: "hinge" },
        "Unsupported set of arguments: The combination of penalty='l1' and loss='hinge' is not supported, Parameters: penalty='l1', loss='hinge', dual=True"],
      [{ penalty: "l1", loss: "squared_hinge" },
        "Unsupported set of arguments: The combination of penalty='l1' and loss='squared_hinge' are not supported when dual=True, Parameters: penalty='l1', loss='squared_hinge', dual=True"],
      [{ penalty: "l2", loss: "hinge", dual: false },
        "Unsupported set of arguments: The combination of penalty='l2' and loss='hinge' are not supported when dual=False, Parameters: penalty='l2', loss='hinge', dual=False"],
    ];
    for (const [params, message] of cases) {
      expect(() => new LinearSVC(params).fit(X, y)).toThrow(message);
    }
    // Crammer-Singer ignores loss and penalty, as liblinear does: the same fit for all four
    const csCoef = (loss: string, penalty: string): number[] => {
      const model = new LinearSVC({ penalty, loss, C: 10, multi_class: "crammer_singer" }).fit(X, y);
      return [...model.coef_!, ...model.intercept_!];
    };
    const reference = csCoef("squared_hinge", "l2");
    for (const [loss, penalty] of [["hinge", "l1"], ["hinge", "l2"], ["squared_hinge", "l1"]]) {
      expect(csCoef(loss, penalty)).toEqual(reference);
    }
    expect(() => new LogisticRegression({ penalty: "l1", solver: "saga", dual: true }).fit(X, y)).toThrow(
      "Solver saga supports only dual=False, got dual=True",
    );
    expect(() => new LogisticRegression({ penalty: "l2", solver: "liblinear", multi_class: "multinomial" }).fit(X, y))
      .toThrow("Solver liblinear does not support a multinomial backend.");
    expect(() => new SGDClassifier({ loss: "hnge" })).toThrow(ParamError);
    expect(() => new SGDClassifier({ learning_rate: "constant" })).toThrow("eta0 must be > 0");
  });

  it("a task records the warnings and the solver used", () => {
    const data = {
      dataset: "blobs", classNames: ["a", "b", "c"], features: "raw", preprocess: "standard" as const,
      Xtrain: X, ytrain: y, Xtest: X, ytest: y,
    };
    const task = (classifier: string, params: Record<string, string | number>) => executeTask({ classifier, params, repeats: 1, seed: 0 }, {
      layout: { classNames: data.classNames } as TaskData["layout"], train: [{ X: data.Xtrain, y: data.ytrain }], test: { X: data.Xtest, y: data.ytest },
    });
    const out = [
      task("LogisticRegression", { penalty: "l1", max_iter: 1, multi_class: "ovr" }),
      task("SGDClassifier", {}),
      task("LinearSVC", { penalty: "l1", loss: "hinge" }),
    ];
    const [lr, sgd] = out.map((o) => ({ ...o.extras }) as { solver_used?: string; warnings?: string[] });
    const svc = out[2];
    expect(lr.solver_used).toBe("liblinear");
    expect(lr.warnings?.[0]).toMatch(/^Liblinear failed to converge/);
    expect(sgd.warnings).toBeUndefined();
    expect(svc.status).toBe("failed");
    expect(svc.error).toMatch(/Unsupported set of arguments/);
  });
});
