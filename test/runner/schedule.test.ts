import { describe, expect, it } from "vitest";
import { expectedSeconds, longestFirst } from "../../src/runner/schedule.js";
import type { ResultLine } from "../../src/runner/results.js";

describe("scheduling", () => {
  const svc = { classifier: "SVC", params: { C: 10 } };
  const nb = { classifier: "GaussianNB", params: {} };
  const rf = (n: number) => ({ classifier: "RandomForestClassifier", params: { n_estimators: n } });

  it("puts the longest expected configurations first by family prior", () => {
    const items = [nb, rf(10), svc, rf(100)].map((config) => ({ config, expected: expectedSeconds(config, 60000) }));
    expect(longestFirst(items).map((i) => i.config)).toEqual([svc, rf(100), rf(10), nb]);
  });

  it("prefers an earlier measurement, scaled to the training size", () => {
    const earlier = { status: "ok", fit_seconds: 3, predict_seconds: 1, train_size: 10000 } as unknown as ResultLine;
    expect(expectedSeconds(nb, 60000, earlier)).toBeCloseTo(24, 10);
    expect(expectedSeconds(nb, 60000)).toBe(1);
  });
});
