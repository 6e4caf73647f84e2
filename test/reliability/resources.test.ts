import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import { resolveDataset } from "../../src/data/registry.js";
import { CLI_WITH_FAILURE_PROBE, runCli, startCli } from "../helpers/cli.js";

// Downloads, caches, memory, crashes and timeouts: every resource a user's input can grow is bounded.

const dir = mkdtempSync(join(tmpdir(), "fmbench-resources-"));
const small = ["--train-size", "200", "--test-size", "50", "--repeat", "1"];

let server: Server;
let base = "";
/** Bytes the endless mirror has sent, over all its answers. */
let sent = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith("/endless/")) {
      // A mirror that never stops sending (no Content-Length).
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const chunk = Buffer.alloc(1 << 16, 7);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once("drain", pump);
      };
      res.on("close", () => res.destroy());
      pump();
      return;
    }
    if (req.url?.startsWith("/huge/")) {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(2 ** 40) }).end();
      return;
    }
    if (req.url?.startsWith("/wrong/")) {
      res.writeHead(200, { "content-type": "application/octet-stream" }).end("not the file you want");
      return;
    }
    res.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => {
  server.closeAllConnections();
  server.close(() => resolve());
}));

describe("downloads", () => {
  it("cuts off a mirror that never stops sending at the file's published size, and keeps no file", async () => {
    const cache = join(dir, "cache-endless");
    const run = startCli(["run", "--dataset", "mnist", "--out", join(dir, "never")], { FMBENCH_CACHE: cache, FMBENCH_MNIST_MIRRORS: `${base}/endless/` });
    const r = await run.done;
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/endless\/train-images-idx3-ubyte\.gz: sent more than the 9912422 bytes expected; cut off/);
    expect(sent).toBeLessThan(64 * 2 ** 20);
    expect(existsSync(join(cache, "mnist")) ? readdirSync(join(cache, "mnist")) : []).toEqual([]);
  });

  it("does not read an answer that declares more bytes than expected, for a file of unknown size too", async () => {
    const tiny = { name: "tiny", description: "test", classNames: [], remote: {
      mirrors: [`${base}/huge/`],
      files: {
        trainImages: { name: "a.gz", md5: "0".repeat(32) }, trainLabels: { name: "b.gz", md5: "0".repeat(32) },
        testImages: { name: "c.gz", md5: "0".repeat(32) }, testLabels: { name: "d.gz", md5: "0".repeat(32) },
      },
    } };
    const err = await resolveDataset("tiny", { cacheDir: join(dir, "cache-huge"), registry: { tiny }, maxBytes: 2 ** 20 }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect(err.message).toMatch(/huge\/a\.gz: declares 1099511627776 bytes, more than the 1048576 expected; not read/);
  });

  it("rejects a file whose checksum is wrong, naming the mirror and both checksums", async () => {
    const run = startCli(["run", "--dataset", "mnist", "--out", join(dir, "never")], { FMBENCH_CACHE: join(dir, "cache-wrong"), FMBENCH_MNIST_MIRRORS: `${base}/wrong/` });
    const r = await run.done;
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/wrong\/train-images-idx3-ubyte\.gz: MD5 checksum mismatch \(expected f68b3c2dcbeaaa9fbdd348bbdeb94873, got [0-9a-f]{32}\)/);
  });
});

describe("the feature cache", () => {
  it("extracts again past a corrupt entry or one that is a directory, naming the file, and the run goes on", () => {
    const cache = join(dir, "cache-features");
    const grid = join(dir, "gnb.json");
    writeFileSync(grid, JSON.stringify({ classifiers: { GaussianNB: [{ var_smoothing: [1e-9] }] } }));
    const args = (out: string) => ["run", "--grid", grid, ...small, "--features", "hog", "--hog-pixels-per-cell", "7", "--hog-cells-per-block", "2", "--out", join(dir, out)];
    expect(runCli(args("c1"), { FMBENCH_CACHE: cache }).status).toBe(0);
    const entries = readdirSync(join(cache, "features")).filter((f) => f.endsWith(".f32")).sort().map((f) => join(cache, "features", f));
    expect(entries).toHaveLength(2);
    writeFileSync(entries[0], "garbage");
    rmSync(entries[1]);
    mkdirSync(entries[1]);
    const r = runCli(args("c2"), { FMBENCH_CACHE: cache });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`feature cache: ${entries[0]} is unusable (not a feature cache file); extracting the features again`);
    expect(r.stderr).toContain(`feature cache: ${entries[1]} is unusable (not a regular file; move it away to cache these features again)`);
    expect(r.stderr).toMatch(new RegExp(`feature cache: cannot write ${entries[1].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: E[A-Z]+; going on without caching these features`));
    expect(statSync(entries[1]).isDirectory()).toBe(true);
    const first = JSON.parse(readFileSync(join(dir, "c1", "results.jsonl"), "utf8"));
    const second = JSON.parse(readFileSync(join(dir, "c2", "results.jsonl"), "utf8"));
    expect(second.accuracy).toBe(first.accuracy);
  });
});

describe("crashes, timeouts and memory", () => {
  it("a worker that dies, a fit past --timeout and a configuration over the memory guard each become one line, and the others finish", () => {
    const grid = join(dir, "probes.json");
    writeFileSync(grid, JSON.stringify({
      classifiers: {
        FailureProbe: [{ mode: ["ok", "exit", "hang", "throw", "piece-throw"] }],
        GaussianProcessClassifier: [],
      },
    }));
    const out = join(dir, "probes");
    const r = runCli(["run", "--grid", grid, "--train-size", "30000", "--test-size", "50", "--repeat", "1", "--workers", "2", "--timeout", "3", "--out", out], {}, CLI_WITH_FAILURE_PROBE);
    expect(r.status).toBe(0);
    const lines = readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const by = (mode: string) => lines.find((l) => l.params.mode === mode);
    expect(lines).toHaveLength(6);
    expect(by("ok").status).toBe("ok");
    expect(by("exit")).toMatchObject({ status: "failed" });
    expect(by("exit").error).toMatch(/worker .*exit/i);
    expect(by("hang")).toMatchObject({ status: "timeout" });
    expect(by("throw").error).toMatch(/FailureProbe: fit failed on purpose/);
    expect(by("piece-throw").error).toMatch(/piece 1 failed on purpose/);
    const gp = lines.find((l) => l.classifier === "GaussianProcessClassifier");
    expect(gp.status).toBe("failed");
    expect(gp.error).toMatch(/memory guard: this configuration is estimated to need .* not started/);
  });
});
