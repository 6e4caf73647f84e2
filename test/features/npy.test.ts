import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { npyBytes, npyHeader, writeNpy } from "../../src/features/npy.js";

// The .npy v1.0 layout, spelled out by hand (numpy's format.py documents it): magic,
// version 1.0, u16 LE header length, dict literal padded with spaces to a 64-byte
// boundary and ended by a newline.
function expectedHeader(shape: string): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const text = dict + " ".repeat(total - 10 - dict.length - 1) + "\n";
  const len = total - 10;
  return Uint8Array.from([0x93, ..."NUMPY"].map((c) => (typeof c === "number" ? c : c.charCodeAt(0))).concat([1, 0, len & 255, len >> 8], [...text].map((c) => c.charCodeAt(0))));
}

describe(".npy writer", () => {
  it("writes numpy's v1.0 header byte for byte", () => {
    for (const [shape, text] of [[[2, 3], "(2, 3)"], [[0, 1296], "(0, 1296)"], [[60000, 1296], "(60000, 1296)"], [[5], "(5,)"]] as const) {
      const h = npyHeader(shape);
      expect(Array.from(h)).toEqual(Array.from(expectedHeader(text)));
      expect(h.length % 64).toBe(0);
      expect(h[h.length - 1]).toBe(0x0a);
    }
    // The first header of all, as numpy.save writes it for a (2, 3) float32 array: 128 bytes, header length 118.
    const h = npyHeader([2, 3]);
    expect(h.length).toBe(128);
    expect(Array.from(h.subarray(0, 10))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
    expect(new TextDecoder().decode(h.subarray(10, 10 + 59))).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  });

  it("writes float32 little-endian data in C order after the header", () => {
    const m = { data: Float32Array.from([1, -2.5, 3, 0.1, 5, 6]), rows: 2, cols: 3 };
    const dir = mkdtempSync(join(tmpdir(), "fmbench-npy-"));
    const file = join(dir, "m.npy");
    writeNpy(file, m);
    const bytes = new Uint8Array(readFileSync(file));
    expect(bytes).toEqual(npyBytes(m));
    const view = new DataView(bytes.buffer, bytes.byteOffset + 128);
    expect(bytes.length).toBe(128 + 24);
    expect([0, 1, 2, 3, 4, 5].map((i) => view.getFloat32(i * 4, true))).toEqual(Array.from(m.data));
  });

  it("rejects data that does not match the shape", () => {
    expect(() => writeNpy(join(tmpdir(), "never.npy"), { data: new Float32Array(5), rows: 2, cols: 3 })).toThrow(RangeError);
  });
});

describe("NpyWriter and writeDatasetHogNpy", () => {
  it("streams rows in batches into the same file as one write", async () => {
    const { loadDataset } = await import("../../src/data/registry.js");
    const { datasetHogFeatures, writeDatasetHogNpy } = await import("../../src/features/hog.js");
    const dataset = await loadDataset("fashion");
    const dir = mkdtempSync(join(tmpdir(), "fmbench-npy-"));
    const params = { pixels_per_cell: 7, cells_per_block: 2, transform_sqrt: true } as const;
    const shape = writeDatasetHogNpy(dataset, "t10k", join(dir, "a.npy"), { limit: 50, params, batch: 16 });
    expect(shape).toEqual({ rows: 50, cols: 324 });
    const { features } = datasetHogFeatures(dataset, "t10k", { limit: 50, params });
    writeNpy(join(dir, "b.npy"), features);
    expect(readFileSync(join(dir, "a.npy")).equals(readFileSync(join(dir, "b.npy")))).toBe(true);
  });

  it("refuses to close a file with fewer values than its header promises", async () => {
    const { NpyWriter } = await import("../../src/features/npy.js");
    const w = new NpyWriter(join(mkdtempSync(join(tmpdir(), "fmbench-npy-")), "short.npy"), 2, 3);
    w.append(new Float32Array(3));
    expect(() => w.append(new Float32Array(4))).toThrow(RangeError);
    expect(() => w.close()).toThrow(/header promises 2 x 3/);
  });
});
