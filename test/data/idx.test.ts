import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readIdx, readLabelledImages } from "../../src/data/idx.js";
import { IdxFormatError } from "../../src/errors.js";
import { gz, idxBytes, tinyImages } from "../helpers/idx.js";

const dir = mkdtempSync(join(tmpdir(), "fmbench-idx-"));
function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<IdxFormatError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(IdxFormatError);
    return err as IdxFormatError;
  }
  throw new Error("expected a rejection");
}

describe("readIdx", () => {
  const { images, labels } = tinyImages(3, 2, 3);

  it("reads a raw idx3 file with its dimensions", async () => {
    const got = await readIdx(file("raw3", idxBytes([3, 2, 3], images)), 3);
    expect(got.dims).toEqual([3, 2, 3]);
    expect(Array.from(got.data)).toEqual(Array.from(images));
  });

  it("reads a gzipped file whatever its name, and hashes the decompressed bytes", async () => {
    const raw = idxBytes([3], labels);
    const a = await readIdx(file("labels-no-ext", gz(raw)), 1);
    const b = await readIdx(file("labels.raw", raw), 1);
    expect(Array.from(a.data)).toEqual([0, 1, 2]);
    expect(a.sha256).toBe(b.sha256);
  });

  it("rejects a bad magic number, naming the file", async () => {
    const bytes = idxBytes([3], labels);
    bytes[0] = 0x12;
    const err = await rejection(readIdx(file("badmagic", bytes)));
    expect(err.message).toContain("badmagic");
    expect(err.message).toMatch(/bad magic number/);
  });

  it("rejects an element type other than unsigned byte", async () => {
    const err = await rejection(readIdx(file("float", idxBytes([1], new Uint8Array(4), 0x0d))));
    expect(err.message).toMatch(/element type float is not supported/);
  });

  it("rejects labels where images are expected", async () => {
    const err = await rejection(readIdx(file("rank", idxBytes([3], labels)), 3));
    expect(err.message).toMatch(/expected images \(idx3\) but the header has rank 1/);
  });

  it("rejects a truncated body", async () => {
    const bytes = idxBytes([3, 2, 3], images).subarray(0, 16 + 10);
    const err = await rejection(readIdx(file("trunc", bytes), 3));
    expect(err.message).toMatch(/truncated: header declares 3 x 2 x 3 = 18 data bytes but the file holds 10/);
  });

  it("rejects a file shorter than its header", async () => {
    const err = await rejection(readIdx(file("short", idxBytes([3, 2, 3], images).subarray(0, 9))));
    expect(err.message).toMatch(/shorter than an IDX header/);
  });

  it("rejects trailing bytes", async () => {
    const bytes = new Uint8Array([...idxBytes([3], labels), 9, 9]);
    const err = await rejection(readIdx(file("trailing", bytes), 1));
    expect(err.message).toMatch(/2 unexpected bytes after/);
  });

  it("rejects an empty file", async () => {
    const err = await rejection(readIdx(file("empty", new Uint8Array(0))));
    expect(err.message).toMatch(/empty file/);
  });

  it("rejects corrupt gzip data", async () => {
    const z = gz(idxBytes([3, 2, 3], images));
    const corrupt = z.slice();
    for (let i = 12; i < corrupt.length - 8; i++) corrupt[i] ^= 0x5a;
    const err = await rejection(readIdx(file("corrupt.gz", corrupt)));
    expect(err.message).toContain("corrupt.gz");
    expect(err.message).toMatch(/corrupt gzip data/);
  });

  it("rejects a truncated gzip stream", async () => {
    const z = gz(idxBytes([3, 2, 3], images));
    const err = await rejection(readIdx(file("cut.gz", z.subarray(0, z.length - 12))));
    expect(err.message).toMatch(/corrupt gzip data \(unexpected end of file\)/);
  });

  it("rejects a missing file", async () => {
    const err = await rejection(readIdx(join(dir, "nope")));
    expect(err.message).toMatch(/nope: cannot read/);
  });
});

describe("readLabelledImages", () => {
  it("checks that image and label counts agree", async () => {
    const { images, labels } = tinyImages(3, 2, 2);
    const img = file("img3", idxBytes([3, 2, 2], images));
    const lab = file("lab2", idxBytes([2], labels.subarray(0, 2)));
    const err = await rejection(readLabelledImages(img, lab));
    expect(err.message).toMatch(/lab2: holds 2 labels but .*img3 holds 3 images/);
  });

  it("returns shape metadata", async () => {
    const { images, labels } = tinyImages(3, 2, 2);
    const got = await readLabelledImages(file("i", idxBytes([3, 2, 2], images)), file("l", gz(idxBytes([3], labels))));
    expect([got.count, got.height, got.width]).toEqual([3, 2, 2]);
  });
});
