import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, resolveDataset, STANDARD_NAMES, type NamedDataset } from "../../src/data/registry.js";
import { ChecksumError, DatasetError } from "../../src/errors.js";
import { gz, idxBytes, tinyImages } from "../helpers/idx.js";

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

// Four small generated IDX files, served gzipped from a loopback HTTP server.
const train = tinyImages(20, 4, 4);
const test = tinyImages(6, 4, 4);
const raw = {
  trainImages: idxBytes([20, 4, 4], train.images),
  trainLabels: idxBytes([20], train.labels),
  testImages: idxBytes([6, 4, 4], test.images),
  testLabels: idxBytes([6], test.labels),
};
const served: Record<string, Uint8Array> = {};
for (const [role, bytes] of Object.entries(raw)) served[`${STANDARD_NAMES[role as keyof typeof raw]}.gz`] = gz(bytes);

function tinyRemote(mirrors: string[], corruptMd5For?: string): NamedDataset {
  const files = Object.fromEntries(
    Object.keys(raw).map((role) => {
      const name = `${STANDARD_NAMES[role as keyof typeof raw]}.gz`;
      return [role, { name, md5: name === corruptMd5For ? "0".repeat(32) : md5(served[name]) }];
    }),
  ) as NonNullable<NamedDataset["remote"]>["files"];
  return { name: "tiny", description: "test", classNames: [], remote: { mirrors, files } };
}

let server: Server;
let base = "";
let requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const m = /^\/(good|missing)\/(.+)$/.exec(req.url ?? "");
    const body = m && m[1] === "good" ? served[m[2]] : undefined;
    if (!body) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.from(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function cacheDir(): string {
  return mkdtempSync(join(tmpdir(), "fmbench-cache-"));
}

describe("bundled fashion dataset", () => {
  it("loads and verifies all four files", async () => {
    const ds = await loadDataset("fashion");
    expect(ds.train.count).toBe(60000);
    expect(ds.test.count).toBe(10000);
    expect([ds.train.height, ds.train.width]).toEqual([28, 28]);
    expect(ds.classNames[0]).toBe("T-shirt/top");
    expect(Array.from(ds.test.labels.subarray(0, 5))).toEqual([9, 2, 1, 1, 6]);
  });
});

describe("directory datasets", () => {
  it("reads the four standard files, raw or gzipped", async () => {
    const dir = cacheDir();
    writeFileSync(join(dir, "train-images-idx3-ubyte"), raw.trainImages);
    writeFileSync(join(dir, "train-labels-idx1-ubyte.gz"), gz(raw.trainLabels));
    writeFileSync(join(dir, "t10k-images-idx3-ubyte.gz"), gz(raw.testImages));
    writeFileSync(join(dir, "t10k-labels-idx1-ubyte"), raw.testLabels);
    const ds = await loadDataset(dir);
    expect([ds.train.count, ds.test.count]).toEqual([20, 6]);
  });

  it("names the missing files", async () => {
    const dir = cacheDir();
    writeFileSync(join(dir, "train-images-idx3-ubyte"), raw.trainImages);
    await expect(resolveDataset(dir)).rejects.toThrow(/lacks train-labels-idx1-ubyte\[\.gz\], t10k-images/);
  });

  it("rejects unknown names, listing the known ones", async () => {
    await expect(resolveDataset("fashoin")).rejects.toThrow(/unknown dataset 'fashoin'; known datasets: fashion, mnist/);
  });

  it("checks registered SHA-256 checksums of the decompressed bytes", async () => {
    const dir = cacheDir();
    mkdirSync(join(dir, "d"));
    for (const [role, bytes] of Object.entries(raw)) writeFileSync(join(dir, "d", STANDARD_NAMES[role as keyof typeof raw]), bytes);
    const sums = Object.fromEntries(Object.entries(raw).map(([r, b]) => [r, sha256(b)]));
    const ok: NamedDataset = { name: "local", description: "", classNames: [], bundledDir: "", sha256: sums };
    const rel = join(dir, "d");
    await expect(loadDataset("local", { registry: { local: { ...ok, bundledDir: rel } } })).resolves.toBeTruthy();
    const bad = { ...ok, bundledDir: rel, sha256: { ...sums, testLabels: "f".repeat(64) } };
    const err = await loadDataset("local", { registry: { local: bad } }).catch((e) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect(err.message).toMatch(/t10k-labels-idx1-ubyte: SHA-256 \(decompressed\) checksum mismatch \(expected f{64}, got [0-9a-f]{64}\)/);
  });
});

describe("downloaded datasets", () => {
  it("downloads into the cache, verifies MD5 and loads", async () => {
    const cache = cacheDir();
    requests = [];
    const ds = await loadDataset("tiny", { cacheDir: cache, registry: { tiny: tinyRemote([`${base}/good/`]) } });
    expect([ds.train.count, ds.test.count]).toEqual([20, 6]);
    expect(requests).toHaveLength(4);
    // The second load uses the cache.
    requests = [];
    await loadDataset("tiny", { cacheDir: cache, registry: { tiny: tinyRemote([`${base}/good/`]) } });
    expect(requests).toHaveLength(0);
  });

  it("falls back to the next mirror after a 404", async () => {
    const cache = cacheDir();
    const ds = await loadDataset("tiny", { cacheDir: cache, registry: { tiny: tinyRemote([`${base}/missing/`, `${base}/good/`]) } });
    expect(ds.test.count).toBe(6);
  });

  it("reports a 404 from every mirror and keeps no file", async () => {
    const cache = cacheDir();
    const err = await resolveDataset("tiny", { cacheDir: cache, registry: { tiny: tinyRemote([`${base}/missing/`]) } }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect(err.message).toMatch(/could not download train-images-idx3-ubyte\.gz from any mirror/);
    expect(err.message).toMatch(/HTTP 404/);
    expect(existsSync(join(cache, "tiny")) ? readdirSync(join(cache, "tiny")) : []).toEqual([]);
  });

  it("rejects a wrong checksum and leaves neither the file nor a temp file", async () => {
    const cache = cacheDir();
    const name = "t10k-images-idx3-ubyte.gz";
    const err = await resolveDataset("tiny", { cacheDir: cache, registry: { tiny: tinyRemote([`${base}/good/`], name) } }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect(err.message).toMatch(/t10k-images-idx3-ubyte\.gz: MD5 checksum mismatch \(expected 0{32}, got [0-9a-f]{32}\)/);
    const left = readdirSync(join(cache, "tiny"));
    expect(left).not.toContain(name);
    expect(left.filter((f) => f.includes(".part-"))).toEqual([]);
  });

  it("explains an unreachable mirror (offline)", async () => {
    const cache = cacheDir();
    // A port nothing listens on: connection refused, as when offline.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await resolveDataset("tiny", { cacheDir: cache, registry: { tiny: tinyRemote([`http://127.0.0.1:${port}/`]) } }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).toMatch(/needs network access the first time/);
  });

  it("uses FMBENCH_MNIST_MIRRORS for the mnist entry and reports its checksum mismatch", async () => {
    const cache = cacheDir();
    process.env.FMBENCH_MNIST_MIRRORS = `${base}/good/`;
    try {
      const err = await resolveDataset("mnist", { cacheDir: cache }).catch((e) => e);
      expect(err).toBeInstanceOf(DatasetError);
      expect(err.message).toMatch(/MD5 checksum mismatch \(expected f68b3c2dcbeaaa9fbdd348bbdeb94873/);
    } finally {
      delete process.env.FMBENCH_MNIST_MIRRORS;
    }
  });
});
