import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { prepareData } from "../../src/pipeline/prepare.js";
import { loadDataset } from "../../src/data/registry.js";
import { IdentityScaler, MinMaxScaler, StandardScaler, checkPreprocess } from "../../src/data/scalers.js";
import { NotFittedError, ParamError, ShapeError } from "../../src/errors.js";
import { SharedHeap } from "../../src/wasm/heap.js";

// 3 samples x 3 features; feature 2 is constant.
const X = { data: Uint8Array.from([0, 10, 7, 2, 20, 7, 4, 60, 7]), rows: 3, cols: 3 };
/** The same values as float32. */
const F = () => ({ data: Float32Array.from(X.data), rows: 3, cols: 3 });
const s0 = Math.sqrt(8 / 3);
const s1 = Math.sqrt(1400 / 3);
const f32 = (v: number[]) => v.map(Math.fround);

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

describe("StandardScaler: scikit-learn's fit / transform / fit_transform", () => {
  it("transform returns a new float32 matrix and leaves X alone, from pixels and from floats", () => {
    const expected = f32([-2 / s0, -20 / s1, 0, 0, -10 / s1, 0, 2 / s0, 30 / s1, 0]);
    const s = new StandardScaler().fit(X);
    const fromPixels = s.transform(X);
    expect(fromPixels.rows).toBe(3);
    expect(fromPixels.cols).toBe(3);
    expect(fromPixels.data).toBeInstanceOf(Float32Array);
    expect(Array.from(fromPixels.data)).toEqual(expected);
    const floats = F();
    const fromFloats = new StandardScaler().fit_transform(floats);
    expect(Array.from(fromFloats.data)).toEqual(expected);
    expect(fromFloats.data).not.toBe(floats.data);
    expect(Array.from(floats.data)).toEqual(Array.from(X.data));
    expect(s.n_features_in_).toBe(3);
    expect(s.n_samples_seen_).toBe(3);
  });

  it("with_mean: false only divides by the standard deviation (mean_ is still learned)", () => {
    const s = new StandardScaler({ with_mean: false });
    const out = s.fit_transform(X);
    expect(Array.from(out.data)).toEqual(f32([0, 10 / s1, 7, 2 / s0, 20 / s1, 7, 4 / s0, 60 / s1, 7]));
    expect(Array.from(s.mean_!)).toEqual([2, 30, 7]);
    expect(Array.from(s.scale_!)).toEqual([s0, s1, 1]);
  });

  it("with_std: false only centres (var_ and scale_ stay null)", () => {
    const s = new StandardScaler({ with_std: false });
    expect(Array.from(s.fit_transform(X).data)).toEqual([-2, -20, 0, 0, -10, 0, 2, 30, 0]);
    expect(Array.from(s.mean_!)).toEqual([2, 30, 7]);
    expect(s.var_).toBeNull();
    expect(s.scale_).toBeNull();
  });

  it("with neither, it copies and learns no statistics", () => {
    const s = new StandardScaler({ with_mean: false, with_std: false });
    expect(Array.from(s.fit_transform(X).data)).toEqual(Array.from(X.data));
    expect(s.mean_).toBeNull();
    expect(s.var_).toBeNull();
    expect(s.n_samples_seen_).toBe(3);
  });

  it("copy: false scales float32 input in place", () => {
    const floats = F();
    const out = new StandardScaler({ copy: false }).fit_transform(floats);
    expect(out.data).toBe(floats.data);
    expect(floats.data[1]).toBe(Math.fround(-20 / s1));
  });

  it("refits from scratch, and reports its params", () => {
    const s = new StandardScaler({ with_std: false }).fit({ data: Uint8Array.from([100, 200]), rows: 1, cols: 2 });
    s.fit(X);
    expect(Array.from(s.mean_!)).toEqual([2, 30, 7]);
    expect(s.getParams()).toEqual({ copy: true, with_mean: true, with_std: false });
  });

  it("names what is wrong: not fitted, feature count, empty X, bad params", () => {
    expect(() => new StandardScaler().transform(X)).toThrow(NotFittedError);
    const s = new StandardScaler().fit(X);
    expect(() => s.transform({ data: new Uint8Array(4), rows: 2, cols: 2 })).toThrow(
      new ShapeError("StandardScaler: X has 2 features, but it was fitted with 3"),
    );
    expect(() => s.transformInto(X, new Float32Array(8))).toThrow(/out has 8 values; X needs 9/);
    expect(() => new StandardScaler().fit({ data: new Uint8Array(0), rows: 0, cols: 3 })).toThrow(/0 samples/);
    expect(() => new StandardScaler({ with_mean: "yes" as never })).toThrow(
      new ParamError("StandardScaler", "with_mean", "StandardScaler: parameter 'with_mean' must be a boolean; got 'yes'"),
    );
    expect(() => new StandardScaler({ with_means: false } as never)).toThrow(/unknown parameter 'with_means'/);
  });
});

describe("MinMaxScaler: feature_range and clip", () => {
  it("maps the training range onto feature_range; a constant feature goes to its min", () => {
    const s = new MinMaxScaler({ feature_range: [-1, 1] });
    // feature 0: [0, 2, 4] -> [-1, 0, 1]; feature 1: [10, 20, 60] -> 2 (x - 10) / 50 - 1; feature 2 is constant.
    expect(Array.from(s.fit_transform(X).data)).toEqual(f32([-1, -1, -1, 0, -0.6, -1, 1, 1, -1]));
    expect(Array.from(s.data_min_!)).toEqual([0, 10, 7]);
    expect(Array.from(s.data_max_!)).toEqual([4, 60, 7]);
    expect(Array.from(s.data_range_!)).toEqual([4, 50, 0]);
    expect(Array.from(s.scale_!)).toEqual([0.5, 0.04, 2]);
    expect(Array.from(s.min_!)).toEqual([-1, -1 - 10 * 0.04, -15]);
    // The same from float32 input.
    expect(Array.from(new MinMaxScaler({ feature_range: [-1, 1] }).fit_transform(F()).data)).toEqual(
      f32([-1, -1, -1, 0, -0.6, -1, 1, 1, -1]),
    );
  });

  it("leaves data outside the training range unclipped unless clip", () => {
    const test = { data: Float32Array.from([6, 110, 8, -2, 0, 7]), rows: 2, cols: 3 };
    expect(Array.from(new MinMaxScaler().fit(X).transform(test).data)).toEqual(f32([1.5, 2, 1, -0.5, -0.2, 0]));
    expect(Array.from(new MinMaxScaler({ clip: true }).fit(X).transform(test).data)).toEqual([1, 1, 1, 0, 0, 0]);
    const pixels = { data: Uint8Array.from([6, 110, 8]), rows: 1, cols: 3 };
    expect(Array.from(new MinMaxScaler({ clip: true, feature_range: [0, 0.5] }).fit(X).transform(pixels).data)).toEqual([0.5, 0.5, 0.5]);
  });

  it("rejects a feature_range that is not [min, max] with min < max", () => {
    expect(() => new MinMaxScaler({ feature_range: [1, 0] })).toThrow(/feature_range must have min < max; got \[1, 0\]/);
    expect(() => new MinMaxScaler({ feature_range: [0, 1, 2] as never })).toThrow(
      /parameter 'feature_range' must be an array of 2 numbers; got \[0,1,2\]/,
    );
  });
});

describe("IdentityScaler", () => {
  it("transform copies values as float32, before or after fit", () => {
    expect(Array.from(new IdentityScaler().transform(X).data)).toEqual(Array.from(X.data));
    const floats = F();
    const out = new IdentityScaler().fit_transform(floats);
    expect(out.data).not.toBe(floats.data);
    expect(Array.from(out.data)).toEqual(Array.from(X.data));
  });
});
