import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandGrid, parseGrid, parseTupleLiteral, readGridFile } from "../../src/grid/grid.js";
import { loadGrid } from "../../src/grid/presets.js";
import { GridError } from "../../src/errors.js";

const upstream = loadGrid("full").grid;

describe("upstream grid expansion", () => {
  const configs = expandGrid(upstream);

  it("expands to 143 configurations", () => {
    expect(configs).toHaveLength(143);
  });

  it("counts per classifier as upstream", () => {
    const count = (name: string) => configs.filter((c) => c.classifier === name).length;
    expect(count("LinearSVC")).toBe(24);
    expect(count("SGDClassifier")).toBe(15);
    expect(count("MLPClassifier")).toBe(8);
    expect(count("GaussianNB")).toBe(1);
  });

  it("orders the product like itertools.product and converts tuples", () => {
    const mlp = configs.filter((c) => c.classifier === "MLPClassifier");
    expect(mlp[0].params).toEqual({ activation: "tanh", hidden_layer_sizes: [10] });
    expect(mlp[3].params).toEqual({ activation: "tanh", hidden_layer_sizes: [100, 10] });
    expect(mlp[4].params).toEqual({ activation: "relu", hidden_layer_sizes: [10] });
    const knn = configs.filter((c) => c.classifier === "KNeighborsClassifier");
    expect(knn[0].params).toEqual({ n_neighbors: 1, weights: "uniform", p: 1 });
    expect(knn[11].params).toEqual({ n_neighbors: 9, weights: "distance", p: 2 });
    expect(configs[0]).toEqual({ classifier: "PassiveAggressiveClassifier", params: { C: 1.0 } });
    const gnb = configs.find((c) => c.classifier === "GaussianNB")!;
    expect(gnb.params).toEqual({ priors: Array(10).fill(0.1) });
  });

  it("merges common into every configuration", () => {
    const grid = parseGrid({ common: { random_state: 0 }, classifiers: { SVC: [{ C: [1, 10] }] } }, "inline");
    expect(expandGrid(grid)).toEqual([
      { classifier: "SVC", params: { C: 1, random_state: 0 } },
      { classifier: "SVC", params: { C: 10, random_state: 0 } },
    ]);
  });
});

describe("tuple literals", () => {
  it("parses Python tuples", () => {
    expect(parseTupleLiteral("(10,)", "x")).toEqual([10]);
    expect(parseTupleLiteral("(10,10,)", "x")).toEqual([10, 10]);
    expect(parseTupleLiteral("(100, 10)", "x")).toEqual([100, 10]);
    expect(parseTupleLiteral("()", "x")).toEqual([]);
  });
  it("rejects non-numeric tuples", () => {
    expect(() => parseTupleLiteral("(a,)", "where")).toThrow(/where: tuple '\(a,\)' holds 'a'/);
  });
});

describe("grid file errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "fmbench-grid-"));
  it("names the file for invalid JSON", () => {
    const f = join(dir, "bad.json");
    writeFileSync(f, "{ nope");
    expect(() => readGridFile(f)).toThrow(GridError);
    expect(() => readGridFile(f)).toThrow(/bad\.json: not valid JSON/);
  });
  it("names the path of a malformed group", () => {
    expect(() => parseGrid({ classifiers: { SVC: [{ C: 1 }] } }, "g.json")).toThrow(
      /g\.json: classifiers\.SVC\[0\]\.C must be a non-empty list of values/,
    );
    expect(() => parseGrid({ classifiers: [] }, "g.json")).toThrow(/"classifiers" must be an object/);
  });
  it("rejects unknown presets and missing files", () => {
    expect(() => loadGrid("quik")).toThrow(/grid 'quik' is neither a preset \(quick, full, hog, hog-select, hog-svc\) nor an existing file/);
  });
});
