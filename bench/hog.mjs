// HOG throughput: fmbench's WASM kernel against scikit-image 0.19 on the same images and parameters,
// one thread each, both measured in this run. Usage (after `npm run build`):
//   node bench/hog.mjs [--limit 10000] [--repeat 5] [--no-peer]
// "per core" figures divide by CPU time (user + system) of the measured work, so that other load on the
// machine inflates neither side; wall-clock figures are printed too.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SharedHeap, hogShape, hogU8, loadDataset, resolveHogParams } from "../dist/index.js";
import { benchArgs } from "./lib/args.mjs";

const opts = benchArgs({ limit: 10000, repeat: 5, "no-peer": false });
const limit = Number(opts.limit);
const repeat = Number(opts.repeat);
const withPeer = !opts["no-peer"];
const root = fileURLToPath(new URL("..", import.meta.url));

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function timed(fn) {
  const wall0 = performance.now();
  const cpu0 = cpuMs();
  fn();
  return { wall: (performance.now() - wall0) / 1000, cpu: (cpuMs() - cpu0) / 1000 };
}

const dataset = await loadDataset("fashion");
const count = Math.min(limit, dataset.test.count);
const heap = SharedHeap.create();
const pixels = heap.allocU8(count * 784);
pixels.set(dataset.test.images.subarray(0, count * 784));
const X = { data: pixels, rows: count, cols: 784 };

const CONFIGS = [
  { name: "9 orient., 4x4 cells, 2x2 blocks, L2-Hys", params: { orientations: 9, pixels_per_cell: 4, cells_per_block: 2, block_norm: "L2-Hys" } },
  { name: "same, transform_sqrt", params: { orientations: 9, pixels_per_cell: 4, cells_per_block: 2, block_norm: "L2-Hys", transform_sqrt: true } },
  { name: "skimage defaults (8x8 cells, 3x3 blocks)", params: {} },
  { name: "8 orient., 4x4 cells, 2x2 blocks, L2-Hys", params: { orientations: 8, pixels_per_cell: 4, cells_per_block: 2 } },
  {
    name: "9 orient., 7x7 cells, 1x1 blocks, L1-sqrt, transform_sqrt",
    params: { orientations: 9, pixels_per_cell: 7, cells_per_block: 1, block_norm: "L1-sqrt", transform_sqrt: true },
  },
];

const rows = [];
for (const config of CONFIGS) {
  const layout = resolveHogParams(config.params, 28, 28);
  const { dim } = hogShape(layout);
  const out = heap.allocF32(count * dim);
  // The first call includes compiling the module and V8's tier-up from its baseline compiler.
  const cold = timed(() => hogU8(heap, { ...X, rows: Math.min(count, 1000), data: pixels.subarray(0, Math.min(count, 1000) * 784) }, layout, out.subarray(0, Math.min(count, 1000) * dim)));
  let best = null;
  for (let r = 0; r < repeat; r++) {
    const t = timed(() => hogU8(heap, X, layout, out));
    if (!best || t.cpu < best.cpu) best = t;
  }
  const peer = withPeer ? runPeer(config, out) : null;
  if (peer) {
    rows.push({ engine: peer.engine, config: config.name, dim, wall: peer.wall_s, cpu: peer.cpu_s, maxDiff: peer.maxDiff, imagesOff: peer.imagesOff });
  }
  rows.push({ engine: "fmbench WASM", config: config.name, dim, ...best, cold, peerCpu: peer?.cpu_s });
}

function runPeer(config, features) {
  const dir = mkdtempSync(join(tmpdir(), "fmbench-hog-"));
  const file = join(dir, "skimage.npy");
  const p = { ...config.params };
  const cells = p.pixels_per_cell ?? 8;
  const blocks = p.cells_per_block ?? 3;
  try {
    const res = spawnSync("/usr/bin/python3", [
      join(root, "bench", "hog_skimage.py"), "--limit", String(count), "--orientations", String(p.orientations ?? 9),
      "--pixels-per-cell", String(cells), "--cells-per-block", String(blocks), "--block-norm", p.block_norm ?? "L2-Hys",
      ...(p.transform_sqrt ? ["--transform-sqrt"] : []), "--out", file,
    ], { env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" }, encoding: "utf8" });
    if (res.status !== 0) {
      process.stderr.write(`scikit-image peer failed (${res.error?.message ?? `exit ${res.status}`}):\n${res.stderr}\n`);
      return null;
    }
    const peer = JSON.parse(res.stdout.trim().split("\n").pop());
    const bytes = readFileSync(file);
    const headerLen = bytes.readUInt16LE(8);
    const theirs = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 10 + headerLen, bytes.byteOffset + bytes.length));
    let maxDiff = 0;
    let imagesOff = 0;
    const dim = theirs.length / peer.images;
    for (let k = 0; k < peer.images; k++) {
      let worst = 0;
      for (let i = k * dim; i < (k + 1) * dim; i++) worst = Math.max(worst, Math.abs(theirs[i] - features[i]));
      if (worst > 1e-4) imagesOff++;
      maxDiff = Math.max(maxDiff, worst);
    }
    return { ...peer, maxDiff, imagesOff };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x, d = 0) => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`HOG on the first ${fmt(count)} Fashion-MNIST test images (28 x 28), one thread each; best of ${repeat} passes for fmbench, 1 for scikit-image\n`);
console.log("| engine | parameters | features | images/s per core (CPU time) | images/s (wall) | ratio (per core) | max abs diff | images > 1e-4 | first call, 1,000 images |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const rate = count / r.cpu;
  const ratio = r.peerCpu ? `${fmt(r.peerCpu / r.cpu, 1)}x` : r.maxDiff !== undefined ? "1x" : "n/a";
  const cold = r.cold ? `${fmt(r.cold.wall * 1000, 1)} ms` : "";
  const diff = r.maxDiff !== undefined ? r.maxDiff.toExponential(2) : "";
  const off = r.imagesOff !== undefined ? fmt(r.imagesOff) : "";
  console.log(`| ${r.engine} | ${r.config} | ${r.dim} | ${fmt(rate)} | ${fmt(count / r.wall)} | ${ratio} | ${diff} | ${off} | ${cold} |`);
}
console.log("\nmax abs diff: largest |fmbench - scikit-image| over all images and features; images > 1e-4: how many images have a feature off by more (scikit-image rows)");
const main = rows.find((r) => r.engine === "fmbench WASM" && r.peerCpu);
if (main) {
  const ratio = main.peerCpu / main.cpu;
  console.log(`goal >= 100x per core for ${CONFIGS[0].name}: ${ratio >= 100 ? "met" : "NOT met"} (${fmt(ratio, 1)}x)`);
}
