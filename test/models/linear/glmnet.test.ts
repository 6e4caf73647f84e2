import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LogisticRegression } from "../../../src/models/linear/logistic.js";

interface Fit { C: number; fit_intercept: boolean; coef: number[]; intercept: number[]; n_iter: number }
interface Problem { seed: number; rows: number; cols: number; X: number[]; y: number[]; fits: Fit[] }
const fixture: { problems: Problem[] } = JSON.parse(
  readFileSync(new URL("../../fixtures/liblinear-l1-reference.json", import.meta.url), "utf8"),
);

/** liblinear's L1R_LR objective of one binary problem: ||(w, b)||_1 + C sum log(1 + exp(-y (w.x + b))). */
function objective(p: Problem, C: number, positive: number, w: ArrayLike<number>, b: number): number {
  let f = Math.abs(b);
  for (let j = 0; j < p.cols; j++) f += Math.abs(w[j]);
  for (let i = 0; i < p.rows; i++) {
    let m = b;
    for (let j = 0; j < p.cols; j++) m += p.X[i * p.cols + j] * w[j];
    const z = p.y[i] === positive ? -m : m;
    f += C * (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
  }
  return f;
}

function fitted(p: Problem, f: Fit, extra: Record<string, unknown> = {}): LogisticRegression {
  const X = { data: Float32Array.from(p.X), rows: p.rows, cols: p.cols };
  return new LogisticRegression({
    penalty: "l1", solver: "liblinear", C: f.C, tol: 1e-8, max_iter: 1000, fit_intercept: f.fit_intercept, ...extra,
  }).fit(X, Int32Array.from(p.y));
}

describe("LogisticRegression l1 (liblinear's problem, newGLMNET) reaches scikit-learn's optimum", () => {
  for (const p of fixture.problems) {
    for (const f of p.fits) {
      it(`problem ${p.seed} (${p.rows} x ${p.cols}), C = ${f.C}, fit_intercept = ${f.fit_intercept}`, () => {
        const est = fitted(p, f);
        expect(est.method_).toBe("newGLMNET");
        expect(est.solver_used_).toBe("liblinear");
        expect(est.warnings_).toEqual([]);
        const K = f.intercept.length;
        for (let a = 0; a < K; a++) {
          const positive = K === 1 ? 1 : a;
          const ours = objective(p, f.C, positive, est.coef_!.subarray(a * p.cols, (a + 1) * p.cols), est.intercept_![a]);
          const theirs = objective(p, f.C, positive, f.coef.slice(a * p.cols, (a + 1) * p.cols), f.intercept[a]);
          // the same minimum (both solved with tol = 1e-8; measured differences up to 2.3e-9 relative, 1e-5 in coef_)
          expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(1e-8 * theirs);
          for (let j = 0; j < p.cols; j++) {
            expect(Math.abs(est.coef_![a * p.cols + j] - f.coef[a * p.cols + j])).toBeLessThanOrEqual(1e-4);
          }
          expect(Math.abs(est.intercept_![a] - f.intercept[a])).toBeLessThanOrEqual(1e-4);
        }
      });
    }
  }

  it("is deterministic for a seed", () => {
    const p = fixture.problems[2];
    const a = fitted(p, p.fits[2], { tol: 1e-2 });
    const b = fitted(p, p.fits[2], { tol: 1e-2 });
    expect(Array.from(a.coef_!)).toEqual(Array.from(b.coef_!));
    expect(Array.from(a.intercept_!)).toEqual(Array.from(b.intercept_!));
  });

  it("warns as scikit-learn does when max_iter is reached", () => {
    const p = fixture.problems[1];
    const est = fitted(p, p.fits[4], { max_iter: 2 });
    expect(est.n_iter_).toBe(2);
    expect(est.warnings_).toEqual(["Liblinear failed to converge, increase the number of iterations."]);
  });
});
