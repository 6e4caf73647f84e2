import { describe, expect, it } from "vitest";
import type { GridConfig } from "../../src/grid/grid.js";
import { estimateRun, formatDuration, formatEstimate, sizeFactor } from "../../src/runner/estimate.js";
import type { ResultLine } from "../../src/runner/results.js";

const config = (classifier: string, params: Record<string, number | string> = {}): GridConfig => ({ classifier, params }) as GridConfig;

function line(classifier: string, params: Record<string, number | string>, seconds: number, trainSize: number, testSize = 10000): ResultLine {
  return {
    classifier, params, status: "ok", accuracy: 0.8, fit_seconds: seconds * 0.75, predict_seconds: seconds * 0.25,
    dataset: "fashion", train_size: trainSize, test_size: testSize, features: "raw", preprocess: "standard", seed: 0,
    finished_at: "2026-12-02T00:00:00Z",
  };
}

describe("estimateRun", () => {
  const svc = config("SVC", { C: 10, kernel: "rbf" });
  const knn = config("KNeighborsClassifier", { n_neighbors: 5 });
  const lr = config("LogisticRegression", { C: 1 });
  const options = { trainRows: 60000, testRows: 10000, workers: 2, repeats: 2 };

  it("takes this run's own measurement as it is, times the repeats", () => {
    const e = estimateRun([svc], { ...options, measured: [line("SVC", { kernel: "rbf", C: 10 }, 100, 60000)] });
    expect(e.configs[0]).toMatchObject({ source: "measured", seconds: 200, measuredTrainRows: 60000 });
  });

  it("scales a calibration run's measurement by the family's growth with the rows", () => {
    const calibration = [line("SVC", { C: 10, kernel: "rbf" }, 10, 10000), line("KNeighborsClassifier", { n_neighbors: 5 }, 4, 10000, 1000),
      line("LogisticRegression", { C: 1 }, 3, 10000), line("LogisticRegression", { C: 1 }, 1, 3000)];
    const e = estimateRun([svc, knn, lr], { ...options, calibration });
    const by = new Map(e.configs.map((c) => [c.config.classifier, c]));
    expect(by.get("SVC")!.seconds).toBeCloseTo(10 * (36 * 0.9 + 6 * 0.1) * 2); // kernel rows: about quadratic
    expect(by.get("KNeighborsClassifier")!.seconds).toBeCloseTo(4 * 6 * 10 * 2); // every test row against every training row
    expect(by.get("LogisticRegression")!).toMatchObject({ source: "scaled", measuredTrainRows: 10000 }); // the largest measurement
    expect(by.get("LogisticRegression")!.seconds).toBeCloseTo(3 * 6 * 2);
  });

  it("plans plain SGD scaled to more rows at max_iter epochs, its predict by rows alone", () => {
    const sgd = config("SGDClassifier", { loss: "hinge", penalty: "l2" });
    const capped = config("SGDClassifier", { loss: "log", penalty: "l2", max_iter: 400 });
    const perceptron = config("Perceptron", { penalty: "l2" });
    const calibration = [
      { ...line("SGDClassifier", { loss: "hinge", penalty: "l2" }, 8, 10000), n_iter: 200 }, // fit 6 s, predict 2 s
      { ...line("SGDClassifier", { loss: "log", penalty: "l2", max_iter: 400 }, 8, 10000), n_iter: 400 }, // already at its max_iter
      { ...line("Perceptron", { penalty: "l2" }, 8, 10000), n_iter: 20 },
    ];
    const e = estimateRun([sgd, capped, perceptron], { ...options, calibration });
    const by = new Map(e.configs.map((c) => [JSON.stringify(c.config.params), c.seconds]));
    expect(by.get(JSON.stringify(sgd.params))).toBeCloseTo((6 * (1000 / 200) + 2) * 6 * 2); // default max_iter 1000
    expect(by.get(JSON.stringify(capped.params))).toBeCloseTo(8 * 6 * 2);
    expect(by.get(JSON.stringify(perceptron.params))).toBeCloseTo(8 * 6 * 2); // not assumed to run to max_iter
    // Its own measurement at the planned size is taken as it is.
    const own = estimateRun([sgd], { ...options, measured: [{ ...line("SGDClassifier", { loss: "hinge", penalty: "l2" }, 8, 60000), n_iter: 200 }] });
    expect(own.configs[0].seconds).toBeCloseTo(16);
  });

  it("falls back on the estimator's cost prior, and ignores lines that did not finish", () => {
    const failed = { ...line("SVC", { C: 10, kernel: "rbf" }, 1, 60000), status: "failed" as const, fit_seconds: null };
    const e = estimateRun([svc, config("NoSuchClassifier")], { ...options, measured: [failed] });
    expect(e.configs.map((c) => c.source)).toEqual(["prior", "prior"]);
    expect(e.configs[0].seconds).toBe(3000 * 2);
    expect(e.configs[1].seconds).toBe(100 * 2);
  });

  it("takes no time for params a run of the same data rejected, or a configuration over the memory guard", () => {
    const rejected = { ...line("LinearSVC", { penalty: "l1", loss: "hinge" }, 0, 2000), status: "failed" as const, fit_seconds: null,
      error: "ParamError: Unsupported set of arguments" };
    const crashed = { ...line("SVC", { C: 1 }, 0, 2000), status: "failed" as const, fit_seconds: null, error: "worker exited" };
    const e = estimateRun([config("LinearSVC", { loss: "hinge", penalty: "l1" }), config("SVC", { C: 1 }), config("GaussianProcessClassifier")], {
      ...options, calibration: [rejected, crashed], refused: (c) => c.classifier === "GaussianProcessClassifier",
    });
    const by = new Map(e.configs.map((c) => [c.config.classifier, c]));
    expect(by.get("LinearSVC")).toMatchObject({ source: "rejected", seconds: 0 });
    expect(by.get("SVC")).toMatchObject({ source: "prior" }); // a crash says nothing about its time
    expect(by.get("GaussianProcessClassifier")).toMatchObject({ source: "refused", seconds: 0 });
    expect(formatEstimate(e, "plan")).toContain("1 rejected params, 1 over the memory guard and 0 with the same fit as another take no time");
  });

  it("schedules longest first on the workers, with the even split as the bound below", () => {
    const measured = [9, 7, 6, 5, 4].map((s, i) => line("GaussianNB", { var_smoothing: i }, s / 2, 60000));
    const configs = [0, 1, 2, 3, 4].map((i) => config("GaussianNB", { var_smoothing: i }));
    const e = estimateRun(configs, { ...options, measured });
    expect(e.configs.map((c) => c.seconds)).toEqual([9, 7, 6, 5, 4]);
    expect(e.cpuSeconds).toBe(31);
    expect(e.wallSeconds).toBe(17); // 9 + 5 and 7 + 6 + 4
    expect(e.wallLowerBound).toBe(15.5);
    expect(estimateRun(configs, { ...options, workers: 1, measured }).wallSeconds).toBe(31);
    expect(formatEstimate(e, "plan")).toContain("total: 31.0s of one core; wall 17.0s on 2 worker(s)");
  });

  it("grows linearly with the rows for families without a rule, cubically for the Gaussian process", () => {
    expect(sizeFactor("GaussianNB", 60000, 10000, 10000, 10000)).toBe(6);
    expect(sizeFactor("GaussianProcessClassifier", 2000, 1000, 1000, 1000)).toBe(8);
  });

  it("formats durations as a person reads them", () => {
    expect(formatDuration(42.14)).toBe("42.1s");
    expect(formatDuration(750)).toBe("12m 30s");
    expect(formatDuration(3 * 3600 + 4 * 60 + 29)).toBe("3h 04m");
  });
});
