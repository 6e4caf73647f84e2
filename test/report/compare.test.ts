import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  findReference, loadReferenceFile, normalizeParamValue, publishedReference, pythonLiteralToJson, sameConfiguration,
} from "../../src/report/compare.js";

describe("published Table 3", () => {
  const ref = publishedReference("fashion");

  it("holds the paper's 126 rows", () => {
    expect(ref.entries).toHaveLength(126);
    expect(publishedReference("mnist").label).toMatch(/MNIST\)$/);
  });

  it("matches the grid's tuple strings and arrays against the paper's lists", () => {
    const hit = findReference(ref, "MLPClassifier", { activation: "relu", hidden_layer_sizes: "(100,)" });
    expect(hit?.params.hidden_layer_sizes).toEqual([100]);
    expect(findReference(ref, "MLPClassifier", { activation: "relu", hidden_layer_sizes: [10, 10] })).not.toBeNull();
    expect(findReference(ref, "MLPClassifier", { activation: "relu", hidden_layer_sizes: "(10,10,)" })?.score)
      .toBe(findReference(ref, "MLPClassifier", { activation: "relu", hidden_layer_sizes: [10, 10] })?.score);
  });

  it("treats 1.0 and 1, and renamed option values, as equal", () => {
    expect(findReference(ref, "SVC", { C: 1.0, kernel: "rbf" })?.score).toBe(0.879);
    expect(findReference(ref, "GradientBoostingClassifier", { loss: "log_loss", n_estimators: 100, max_depth: 10 })).not.toBeNull();
    expect(findReference(ref, "GradientBoostingClassifier", { loss: "deviance", n_estimators: 100, max_depth: 10 })).not.toBeNull();
  });

  it("fills missing params with defaults; a differing value does not match", () => {
    // The paper's GaussianNB has uniform priors; the default (class frequencies) equals them on the balanced data.
    expect(findReference(ref, "GaussianNB", {})?.score).toBe(0.511);
    expect(findReference(ref, "GaussianNB", { var_smoothing: 1e-9 })?.score).toBe(0.511);
    expect(findReference(ref, "GaussianNB", { var_smoothing: 1e-3 })).toBeNull();
    expect(findReference(ref, "LogisticRegression", { penalty: "l2", C: 1, multi_class: "multinomial" })).toBeNull();
    expect(findReference(ref, "SVC", { C: 1, kernel: "rbf", random_state: 3 })).not.toBeNull();
    expect(findReference(ref, "SVC", { C: 1, kernel: "rbf", gamma_unknown: 3 })).toBeNull();
  });

  it("normalises Python spellings", () => {
    expect(normalizeParamValue("X", "a", "None")).toBeNull();
    expect(normalizeParamValue("X", "a", "(100, 10)")).toEqual([100, 10]);
    expect(sameConfiguration("DecisionTreeClassifier", { max_depth: "None" }, {})).toBe(true);
  });
});

describe("reference files", () => {
  const dir = mkdtempSync(join(tmpdir(), "fmbench-ref-"));

  it("reads pandas' cv_results_ CSV with Python dict params", () => {
    expect(JSON.parse(pythonLiteralToJson("{'hidden_layer_sizes': (100,), 'x': None, 'y': True}")))
      .toEqual({ hidden_layer_sizes: [100], x: null, y: true });
    const path = join(dir, "cv.csv");
    writeFileSync(path, `,classifier,params,mean_test_score\n0,MLPClassifier,"{'activation': 'relu', 'hidden_layer_sizes': (100,)}",0.85\n`);
    const ref = loadReferenceFile(path);
    expect(ref.entries).toEqual([{ classifier: "MLPClassifier", params: { activation: "relu", hidden_layer_sizes: [100] }, score: 0.85 }]);
  });

  it("reads cv_results_ as JSON columns with a top-level classifier", () => {
    const path = join(dir, "cv.json");
    writeFileSync(path, JSON.stringify({ classifier: "SVC", params: [{ C: 1 }, { C: 10 }], mean_test_score: [0.8, 0.9] }));
    expect(loadReferenceFile(path).entries.map((e) => e.score)).toEqual([0.8, 0.9]);
  });

  it("reads another results.jsonl, skipping failed lines", () => {
    const path = join(dir, "other.jsonl");
    writeFileSync(path, [
      { classifier: "SVC", params: { C: 1 }, status: "ok", accuracy: 0.8 },
      { classifier: "SVC", params: { C: 10 }, status: "failed", accuracy: null, error: "x" },
    ].map((l) => JSON.stringify(l)).join("\n"));
    expect(loadReferenceFile(path).entries).toEqual([{ classifier: "SVC", params: { C: 1 }, score: 0.8, features: "raw" }]);
  });

  it("prefers the identically spelled configuration over one equal through defaults", () => {
    const path = join(dir, "both.jsonl");
    writeFileSync(path, [
      { classifier: "GaussianNB", params: { var_smoothing: 1e-9 }, status: "ok", accuracy: 0.58 },
      { classifier: "GaussianNB", params: { priors: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] }, status: "ok", accuracy: 0.55 },
    ].map((l) => JSON.stringify(l)).join("\n"));
    const ref = loadReferenceFile(path);
    expect(findReference(ref, "GaussianNB", { priors: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] })?.score).toBe(0.55);
    expect(findReference(ref, "GaussianNB", { var_smoothing: 1e-9 })?.score).toBe(0.58);
    expect(findReference(ref, "GaussianNB", {})?.score).toBe(0.58);
  });

  it("names a missing file", () => {
    expect(() => loadReferenceFile(join(dir, "nope.jsonl"))).toThrow(/no such file .*nope\.jsonl/);
  });
});
