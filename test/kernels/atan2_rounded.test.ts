import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { atan2Rounded } from "../../src/kernels/atan2_rounded.js";

// (y, x, atan2 rounded to nearest, the C library's atan2), written by test/fixtures/make_atan2_fixture.py.
const rows: [number, number, number, number][] = JSON.parse(readFileSync(new URL("../fixtures/atan2.json", import.meta.url), "utf8")).rows;

describe("atan2Rounded", () => {
  it("is atan2 rounded to the nearest float64 on every fixture row, where Math.atan2 is sometimes an ulp off", () => {
    expect(rows.length).toBeGreaterThan(7000);
    expect(rows.filter(([y, x, nearest]) => atan2Rounded(y, x) !== nearest)).toEqual([]);
    expect(rows.filter(([y, x, nearest]) => Math.atan2(y, x) !== nearest).length).toBeGreaterThan(100);
  });

  it("agrees with glibc's atan2 (numpy's) except where glibc itself is not the nearest float64", () => {
    const differ = rows.filter(([y, x, , glibc]) => atan2Rounded(y, x) !== glibc);
    expect(differ.every(([, , nearest, glibc]) => nearest !== glibc)).toBe(true);
    expect(differ.length).toBeLessThan(rows.length / 500);
  });

  it("keeps Math.atan2's zeros, infinities and NaN", () => {
    for (const [y, x] of [[0, 0], [-0, 0], [0, -0], [-0, -0], [0, -1], [1, 0], [Infinity, 1], [1, -Infinity], [NaN, 1], [Infinity, Infinity]]) {
      expect(Object.is(atan2Rounded(y, x), Math.atan2(y, x))).toBe(true);
    }
  });
});
