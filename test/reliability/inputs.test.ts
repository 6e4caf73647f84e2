import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readIdx } from "../../src/data/idx.js";
import { runCli } from "../helpers/cli.js";
import { gz, idxBytes, tinyImages } from "../helpers/idx.js";

// Bad data, bad grids and bad options: each gets one clear line naming the problem.

const dir = mkdtempSync(join(tmpdir(), "fmbench-inputs-"));
const small = ["--train-size", "200", "--test-size", "50", "--repeat", "1"];

function gridFile(name: string, doc: unknown): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
  return file;
}

const gnb = () => gridFile("gnb", { classifiers: { GaussianNB: [{ var_smoothing: [1e-9] }] } });

/** One user error: exit status 1, one line naming the problem, no stack trace. */
function expectUserError(args: string[], message: RegExp): void {
  const r = runCli(args);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** A usage error from the option parser: non-zero status, the option named, and the value that was given. */
function expectUsageError(args: string[], message: RegExp): void {
  const r = runCli(args);
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(message);
}

describe("numbers are plain decimal integers", () => {
  it.each([
    ["--train-size", "1e3"], ["--test-size", "0x64"], ["--repeat", "0b10"], ["--workers", " 2"], ["--workers", "1.5"],
    ["--train-size", ""], ["--train-size", "99999999999999999999"],
  ])("refuses %s '%s'", (option, value) => {
    expectUsageError(["run", "--grid", gnb(), option, value, "--out", join(dir, "never")], new RegExp(`${option} must be a positive integer written in decimal digits`));
  });

  it("refuses a seed, a timeout or a HOG cell size that is not decimal", () => {
    expectUsageError(["run", "--seed", "1e2", "--out", join(dir, "never")], /--seed.*must be a non-negative integer written in decimal digits; got '1e2'/);
    expectUsageError(["run", "--timeout", "0x10", "--out", join(dir, "never")], /--timeout.*non-negative integer/);
    expectUsageError(["run", "--hog-pixels-per-cell", "0x4", "--out", join(dir, "never")], /must be a positive integer or NxM/);
    expectUsageError(["hog", "--pixels-per-cell", "1e1", "--out", join(dir, "never.npy")], /--pixels-per-cell must be a positive integer/);
  });
});

describe("what a number can make fmbench take is bounded", () => {
  it("a --timeout past what a timer can hold is refused, not turned into an instant timeout", () => {
    expectUsageError(["run", "--grid", gnb(), "--timeout", "99999999999", "--out", join(dir, "never")], /--timeout.*must be at most 2147483 seconds/);
  });

  it("a --repeat whose shuffled copies cannot fit in the heap is refused with how many fit", () => {
    expectUserError(["run", "--grid", gnb(), "--train-size", "200", "--test-size", "50", "--repeat", "100000000", "--out", join(dir, "repeat")],
      /--repeat 100000000 needs 99999999 shuffled copies of the training set .* at most \d+ repeats fit with this data/);
  });

  it("a grid that would expand to millions of configurations is refused before it is expanded", () => {
    const grid = gridFile("million", { classifiers: { SVC: [{ C: Array.from({ length: 100 }, (_, i) => i + 1) }, { gamma: Array.from({ length: 100 }, (_, i) => i + 1) }, { tol: Array.from({ length: 100 }, (_, i) => i + 1) }] } });
    expectUserError(["run", "--grid", grid, "--out", join(dir, "never")], /million\.json: the grid expands to 1000000 configurations, more than the 100000/);
    expectUserError(["grid", grid], /expands to 1000000 configurations/);
  });

  it("a feature set too large for the heap is refused before any extraction", () => {
    expectUserError(["run", "--grid", gnb(), "--train-size", "100", "--test-size", "20", "--features", "hog", "--hog-orientations", "1000000", "--no-cache", "--out", join(dir, "never")],
      /features hog\(1000000,8x8,3x3,L2-Hys\) have 9000000 columns per image: 120 images need 4\.0 GiB as float32, more than the .* left in the 4 GiB WASM heap/);
  });

  it("a grid file too large to be a grid is not read", () => {
    const grid = join(dir, "large.json");
    writeFileSync(grid, Buffer.alloc(17 * 2 ** 20, 32));
    expectUserError(["run", "--grid", grid, "--out", join(dir, "never")], /large\.json: 17825792 bytes is too large for a grid file/);
  });
});

describe("threads are bounded", () => {
  it("cuts --workers 1000 down to the cores, with a warning, and runs", () => {
    const cores = availableParallelism();
    const r = runCli(["run", "--grid", gnb(), ...small, "--workers", "1000", "--out", join(dir, "workers")]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`fmbench: warning: --workers 1000 is more than the ${cores} cores this process can use; starting ${cores} worker threads`);
  });
});

describe("bad grids", () => {
  it("an empty grid says that it is empty, not that --only matched nothing", () => {
    expectUserError(["run", "--grid", gridFile("empty", { classifiers: {} }), "--out", join(dir, "never")], /"classifiers" is empty; a grid needs at least one classifier/);
  });

  it("--only that matches nothing names the filter", () => {
    expectUserError(["run", "--grid", gnb(), "--only", "SVC", "--out", join(dir, "never")], /no configuration of grid '.*gnb\.json' matches --only 'SVC'/);
  });

  it("names the file and the place of the fault", () => {
    expectUserError(["run", "--grid", gridFile("notjson", "{classifiers: "), "--out", join(dir, "never")], /notjson\.json: not valid JSON/);
    expectUserError(["run", "--grid", gridFile("list", []), "--out", join(dir, "never")], /list\.json: a grid file must be a JSON object/);
    expectUserError(["run", "--grid", gridFile("emptyvalues", { classifiers: { SVC: [{ C: [] }] } }), "--out", join(dir, "never")],
      /emptyvalues\.json: classifiers\.SVC\[0\]\.C must be a non-empty list of values/);
    expectUserError(["run", "--grid", join(dir, "absent.json"), "--out", join(dir, "never")], /grid '.*absent\.json' is neither a preset .* nor an existing file/);
  });
});

describe("bad options", () => {
  it("names the option and what would be right", () => {
    expectUsageError(["run", "--preprocess", "zscore"], /Allowed choices are standard, minmax, none/);
    expectUserError(["run", "--grid", gnb(), "--shard", "3/2", "--out", join(dir, "never")], /--shard: shard index 3 is outside 0\.\.1/);
    expectUserError(["run", "--grid", gnb(), "--shards", "2", "--out", join(dir, "never")], /--shards 2 needs a shard index/);
    expectUserError(["run", "--grid", gnb(), "--only", "(", "--out", join(dir, "never")], /--only: invalid regular expression '\('/);
  });
});

describe("bad data", () => {
  function dataset(name: string, trainImages: Uint8Array): string {
    const ds = join(dir, name);
    mkdirSync(ds, { recursive: true });
    const { images, labels } = tinyImages(20, 28, 28);
    writeFileSync(join(ds, "train-images-idx3-ubyte.gz"), gz(trainImages));
    writeFileSync(join(ds, "train-labels-idx1-ubyte.gz"), gz(idxBytes([20], labels)));
    writeFileSync(join(ds, "t10k-images-idx3-ubyte.gz"), gz(idxBytes([20, 28, 28], images)));
    writeFileSync(join(ds, "t10k-labels-idx1-ubyte.gz"), gz(idxBytes([20], labels)));
    return ds;
  }

  it("a truncated image file is named, with how many bytes it lacks", () => {
    const { images } = tinyImages(20, 28, 28);
    const ds = dataset("truncated", idxBytes([20, 28, 28], images).subarray(0, 5000));
    expectUserError(["run", "--grid", gnb(), "--dataset", ds, "--out", join(dir, "never")], /train-images-idx3-ubyte\.gz: .*(truncated|expected|bytes)/);
  });

  it("a header that declares more images than the file can hold takes no memory for them", async () => {
    const raw = join(dir, "huge-raw-idx3-ubyte");
    writeFileSync(raw, idxBytes([1_000_000, 28, 28], new Uint8Array(100)));
    await expect(readIdx(raw)).rejects.toThrow(/huge-raw-idx3-ubyte: truncated: header declares 1000000 x 28 x 28 = 784000000 data bytes but the file holds 100/);
    const packed = join(dir, "huge-idx3-ubyte.gz");
    writeFileSync(packed, gz(idxBytes([1_000_000, 28, 28], new Uint8Array(100))));
    await expect(readIdx(packed)).rejects.toThrow(/huge-idx3-ubyte\.gz: header declares .* = 784000000 data bytes, more than a gzip file of \d+ bytes can hold/);
  });

  it("a gzip stream that goes on far past its data (a gzip bomb) is refused without decompressing it all", async () => {
    const { images } = tinyImages(20, 28, 28);
    const bomb = join(dir, "bomb-idx3-ubyte.gz");
    writeFileSync(bomb, gz(Buffer.concat([idxBytes([20, 28, 28], images), Buffer.alloc(32 << 20)])));
    await expect(readIdx(bomb)).rejects.toThrow(/bomb-idx3-ubyte\.gz: more than 1048576 unexpected bytes after the 15680 data bytes/);
  });

  it("a file that is not gzip is named", () => {
    const ds = dataset("notgz", new Uint8Array(0));
    writeFileSync(join(ds, "train-images-idx3-ubyte.gz"), "plain text, not gzip");
    expectUserError(["run", "--grid", gnb(), "--dataset", ds, "--out", join(dir, "never")], /train-images-idx3-ubyte\.gz: not an IDX file: bad magic number/);
  });

  it("a results file given to report that is not one is named", () => {
    const notes = join(dir, "notes.jsonl");
    writeFileSync(notes, "hello\n");
    const r = runCli(["report", notes, "--format", "md"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/report: .*notes\.jsonl is not an fmbench results file \(no line of it is a result line\)/);
    expect(readFileSync(notes, "utf8")).toBe("hello\n");
  });
});
