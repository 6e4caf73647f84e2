import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  classificationReport, classificationReportText, confusionMatrix, confusionRows, precisionRecallFscoreSupport,
  pyFixed, repeatSummary, resultMetrics, type ReportRow,
} from "../../src/metrics/classification.js";

interface Case {
  name: string;
  y_true: number[];
  y_pred: number[];
  target_names: string[];
  precision: number[];
  recall: number[];
  fscore: number[];
  support: number[];
  warning_count: number;
  confusion_matrix: number[][];
  report_dict: Record<string, Record<string, number> | number>;
  report_text: string;
  report_text_4: string;
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/metrics.json", import.meta.url), "utf8")) as { cases: Case[] };

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 12);
}

describe.each(fixture.cases)("metrics vs scikit-learn: $name", (c) => {
  const n = c.target_names.length;

  it("confusion_matrix", () => {
    expect(confusionRows(confusionMatrix(c.y_true, c.y_pred, n), n)).toEqual(c.confusion_matrix);
  });

  it("precision_recall_fscore_support (zero_division='warn')", () => {
    const prf = precisionRecallFscoreSupport(c.y_true, c.y_pred, n, c.target_names);
    expectClose(prf.precision, c.precision);
    expectClose(prf.recall, c.recall);
    expectClose(prf.fscore, c.fscore);
    expect(Array.from(prf.support)).toEqual(c.support);
    // scikit-learn warns once for "no predicted samples" and once for "no true samples".
    expect(prf.warnings.length).toBe(c.warning_count);
  });

  it("classification_report dict", () => {
    const report = classificationReport(c.y_true, c.y_pred, c.target_names);
    expect(Object.keys(report)).toEqual(Object.keys(c.report_dict));
    for (const [key, want] of Object.entries(c.report_dict)) {
      const got = report[key];
      if (typeof want === "number") {
        expect(got).toBeCloseTo(want, 12);
        continue;
      }
      const row = got as ReportRow;
      expect(row.precision).toBeCloseTo(want.precision, 12);
      expect(row.recall).toBeCloseTo(want.recall, 12);
      expect(row["f1-score"]).toBeCloseTo(want["f1-score"], 12);
      expect(row.support).toBe(want.support);
    }
  });

  it("classification_report text, digits 2 and 4", () => {
    const report = classificationReport(c.y_true, c.y_pred, c.target_names);
    expect(classificationReportText(report)).toBe(c.report_text);
    expect(classificationReportText(report, 4)).toBe(c.report_text_4);
  });
});

describe("pyFixed", () => {
  it("rounds exact binary ties half to even like Python's format", () => {
    expect(pyFixed(0.125, 2)).toBe("0.12");
    expect(pyFixed(0.375, 2)).toBe("0.38");
    expect(pyFixed(2.5, 0)).toBe("2");
    expect(pyFixed(-0.125, 2)).toBe("-0.12");
    expect(pyFixed(0.1 + 0.2, 2)).toBe("0.30");
    expect(pyFixed(1, 2)).toBe("1.00");
  });
});

describe("resultMetrics and repeatSummary", () => {
  it("gives the result-line fields of one repeat", () => {
    const c = fixture.cases[1];
    const m = resultMetrics(c.y_true, c.y_pred, c.target_names);
    expect(m.confusion_matrix).toEqual(c.confusion_matrix);
    expect(m.class_names).toEqual(c.target_names);
    expect((m.classification_report.accuracy as number)).toBeCloseTo(c.report_dict.accuracy as number, 12);
    expect("accuracy" in m).toBe(false);
    expect(m.metric_warnings?.[0]).toMatch(/never predicted: Shirt/);
    expect(JSON.parse(JSON.stringify(m)).classification_report.Shirt.precision).toBe(0);
  });

  it("uses the population std over repeats, as numpy", () => {
    const s = repeatSummary([0.8, 0.82, 0.84], [1, 2, 3], [0.1, 0.1, 0.4]);
    expect(s.mean_test_score).toBeCloseTo(0.82, 12);
    expect(s.std_test_score).toBeCloseTo(Math.sqrt(((0.02 ** 2) * 2) / 3), 12);
    expect(s.mean_fit_time).toBe(2);
    expect(s.mean_score_time).toBeCloseTo(0.2, 12);
    expect(() => repeatSummary([], [], [])).toThrow(/no repeats/);
  });

  it("rejects labels outside [0, nClasses) and mismatched lengths", () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(/y_true has 2 labels but y_pred has 1/);
    expect(() => confusionMatrix([0, 2], [0, 1], 2)).toThrow(/sample 1 has y_true=2/);
  });

  it("handles an empty prediction set", () => {
    const m = resultMetrics([], [], ["a", "b"]);
    expect(m.confusion_matrix).toEqual([[0, 0], [0, 0]]);
    expect(m.classification_report["macro avg"]).toMatchObject({ support: 0 });
  });
});
