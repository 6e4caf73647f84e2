import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { prepareData } from "../../src/data/prepare.js";
import { loadDataset } from "../../src/data/registry.js";
import { IdentityScaler, MinMaxScaler, StandardScaler, checkPreprocess } from "../../src/data/scalers.js";
import { SharedHeap } from "../../src/wasm/heap.js";

// 3 samples x 3 features; feature 2 is constant.
const X = { data: Uint8Array.from([0, 10, 7, 2, 20, 7, 4, 60, 7]), rows: 3, cols: 3 };

describe("StandardScaler", () => {
  it("matches hand-computed means, population std and scaled values", () => {
    const s = new StandardScaler().fit(X);
    expect(Array.from(s.mean_!)).toEqual([2, 30, 7]);
    // var of [0,2,4] = 8/3; var of [10,20,60] = (400+100+900)/3 = 1400/3; constant feature -> scale 1
    expect(s.var_![0]).toBeCloseTo(8 / 3, 12);
    expect(s.var_![1]).toBeCloseTo(1400 / 3, 12);
    expect(s.var_![2]).toBe(0);
    expect(Array.from(s.scale_!)).toEqual([Math.sqrt(8 / 3), Math.sqrt(1400 / 3), 1]);
    const out = new Float32Array(9);
    s.transformInto(X, out, SharedHeap.create());
    const expected = [
      -2 / Math.sqrt(8 / 3), -20 / Math.sqrt(1400 / 3), 0,
      0, -10 / Math.sqrt(1400 / 3), 0,
      2 / Math.sqrt(8 / 3), 30 / Math.sqrt(1400 / 3), 0,
    ];
    expect(Array.from(out)).toEqual(expected.map(Math.fround));
  });

  it("agrees with scikit-learn on 1,000 Fashion-MNIST images", async () => {
    const fixture = JSON.parse(readFileSync(new URL("../fixtures/gaussian-nb.json", import.meta.url), "utf8")).scaler_1000;
    const ds = await loadDataset("fashion");
    const data = prepareData(ds, { trainSize: 1000, testSize: 10, heap: SharedHeap.create() });
    const s = new StandardScaler().fit({ data: ds.train.images.subarray(0, 1000 * 784), rows: 1000, cols: 784 });
    s.mean_!.subarray(0, 20).forEach((m, j) => expect(m).toBeCloseTo(fixture.mean_first20[j], 12));
    s.scale_!.subarray(0, 20).forEach((m, j) => expect(m).toBeCloseTo(fixture.scale_first20[j], 12));
    fixture.transformed_row0_first40.forEach((v: number, j: number) => expect(data.Xtrain.data[j]).toBe(Math.fround(v)));
  });
});

describe("MinMaxScaler", () => {
  it("maps the training range to [0, 1] and leaves constant features at 0", () => {
    const s = new MinMaxScaler().fit(X);
    const out = new Float32Array(9);
    s.transformInto(X, out, SharedHeap.create());
    expect(Array.from(out)).toEqual([0, 0, 0, 0.5, 0.2, 0, 1, 1, 0].map(Math.fround));
    const test = { data: Uint8Array.from([6, 110, 8]), rows: 1, cols: 3 };
    const o2 = new Float32Array(3);
    s.transformInto(test, o2, SharedHeap.create());
    expect(Array.from(o2)).toEqual([1.5, 2, 1].map(Math.fround)); // unclipped, like scikit-learn
  });
});

describe("none and names", () => {
  it("passes pixels through as floats", () => {
    const out = new Float32Array(9);
    new IdentityScaler().fit().transformInto(X, out);
    expect(Array.from(out)).toEqual(Array.from(X.data));
  });
  it("rejects unknown preprocessing names", () => {
    expect(() => checkPreprocess("zscore")).toThrow(/unknown preprocessing 'zscore'; choose one of standard, minmax, none/);
  });
});
