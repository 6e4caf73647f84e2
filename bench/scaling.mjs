// bench/scaling: the same grid slice with 1, 2, ... workers. Prints throughput relative to one
// worker and the memory each extra worker adds beyond the shared dataset.
//
// The peer is the other way to use N cores: N separate one-worker processes of the same slice
// started at once (what sharding a run on one machine does: nothing shared, each process with
// its own copy of the data, its own GC and compiler threads). The pool's throughput is printed
// against theirs.
// Usage: npm run bench:scaling -- [--grid quick] [--workers 1,2] [--train-size N] [--test-size M] [--runs R]
//        [--out DIR] (each run's results, one folder per run; default: a fresh folder under $TMPDIR/fmbench-bench/scaling/)
import { execFile, execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchOutDir } from "./lib/out.mjs";
import { benchArgs } from "./lib/args.mjs";

const cores = availableParallelism();
const defaultWorkers = [1, 2, 4, 8, 16].filter((w) => w <= cores).join(",");
const opts = benchArgs({ grid: "quick", workers: defaultWorkers, "train-size": "5000", "test-size": "5000", runs: "2" });
const grid = opts.grid;
const workerCounts = opts.workers.split(",").map(Number);
const trainSize = opts["train-size"];
const testSize = opts["test-size"];
const child = fileURLToPath(new URL("./scaling_child.mjs", import.meta.url));
// Each worker count runs this many times, interleaved, and the fastest run counts (the machine may be shared).
const runsPer = Number(opts.runs);
const out = benchOutDir(import.meta.url);

console.log(`bench/scaling: grid ${grid}, ${trainSize} train / ${testSize} test images, ${cores} cores, workers ${workerCounts.join(", ")}, best of ${runsPer} runs each`);
const best = new Map();
for (let round = 0; round < runsPer; round++) {
  for (const w of round % 2 === 0 ? workerCounts : [...workerCounts].reverse()) {
    const stdout = execFileSync(process.execPath, [child, grid, String(w), trainSize, testSize, join(out, `pool-w${w}-round${round}`)], { encoding: "utf8" });
    const r = JSON.parse(stdout.trim().split("\n").pop());
    console.log(`  ${w} worker(s): ${r.configs} configurations in ${r.wall.toFixed(1)} s, peak RSS ${r.maxRssMb.toFixed(0)} MB`);
    if (!best.has(w) || r.wall < best.get(w).wall) best.set(w, r);
  }
}
// The peer: w separate one-worker processes at once, best of the same number of rounds.
const ceiling = new Map();
const runChild = (w, runOut) => new Promise((resolve, reject) => {
  execFile(process.execPath, [child, grid, String(w), trainSize, testSize, runOut], { encoding: "utf8" }, (err, stdout) => {
    if (err) reject(err);
    else resolve(JSON.parse(stdout.trim().split("\n").pop()));
  });
});
for (let round = 0; round < runsPer; round++) {
  for (const w of workerCounts.filter((n) => n > 1)) {
    const together = await Promise.all(Array.from({ length: w }, (_, i) => runChild(1, join(out, `separate${w}-round${round}-${i}`))));
    const wall = Math.max(...together.map((r) => r.wall));
    console.log(`  ${w} separate one-worker processes at once: ${together.map((r) => r.wall.toFixed(1)).join(" s, ")} s`);
    if (!ceiling.has(w) || wall < ceiling.get(w)) ceiling.set(w, wall);
  }
}
const runs = workerCounts.map((w) => best.get(w));
const base = runs[0];
console.log("\n| workers | wall s | configs/min | throughput vs 1 worker | separate processes (throughput vs 1 worker) | pool vs separate processes | peak RSS MB | MB per extra worker |");
console.log("|---|---|---|---|---|---|---|---|");
for (const r of runs) {
  const perMin = (r.configs / r.wall) * 60;
  const ratio = (r.configs / r.wall) / (base.configs / base.wall);
  const extra = r.workers > base.workers ? ((r.maxRssMb - base.maxRssMb) / (r.workers - base.workers)).toFixed(1) : "-";
  const ceil = ceiling.has(r.workers) ? (r.workers * base.wall) / ceiling.get(r.workers) : r.workers === base.workers ? 1 : null;
  const ceilText = ceil === null ? "-" : `${ceil.toFixed(2)}x`;
  const vsCeil = ceil === null ? "-" : `${((ratio / ceil) * 100).toFixed(0)}%`;
  console.log(`| ${r.workers} | ${r.wall.toFixed(1)} | ${perMin.toFixed(1)} | ${ratio.toFixed(2)}x | ${ceilText} | ${vsCeil} | ${r.maxRssMb.toFixed(0)} | ${extra} |`);
}
console.log(`\nshared dataset in the WASM heap: ${base.heapMb.toFixed(0)} MB (counted once, whatever the worker count)`);
