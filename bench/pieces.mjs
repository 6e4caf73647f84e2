// bench/pieces: one configuration on 1 worker against N workers (the other workers take pieces of its
// fit and predict: one-vs-one problems, one-vs-rest classes, stage trees, query blocks, ...).
//
// Each configuration runs alone through the CLI (`fmbench run --repeat 1`), once per worker count, in
// alternating order (1, 2 then 2, 1 for the next configuration), in fresh processes. Printed per
// configuration: the run's wall time (the result line's wall_seconds: fit + predict + scoring), the
// CPU-equivalent fit and predict seconds, the pieces idle workers took, the wall-time ratio, and
// whether the test-set predictions are identical byte for byte (<out>/predictions/).
//
// With --peer N, each configuration also runs as N separate one-worker processes at once: what N cores
// give N copies of the same single-threaded work, the machine's own ceiling for this configuration
// (memory bandwidth and shared caches count here as much as cores).
//
// Usage: npm run bench:pieces -- [--workers 1,2] [--train-size N] [--test-size M] [--only REGEX] [--peer N]
//        [--out DIR] (default: a fresh folder under $TMPDIR/fmbench-bench/pieces/) [--table FILE] (also write the table there)
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchOutDir } from "./lib/out.mjs";
import { benchArgs } from "./lib/args.mjs";

const opts = benchArgs({ workers: "1,2", "train-size": null, "test-size": null, only: null, table: null, peer: "0" });

/** The list: one configuration per family whose work divides, full data by default. */
const CONFIGS = [
  ["SVC", { C: 10, kernel: "rbf" }],
  ["LinearSVC", { loss: "hinge", penalty: "l2", C: 1 }],
  ["LogisticRegression", { penalty: "l2", C: 1, multi_class: "ovr" }],
  ["SGDClassifier", { loss: "hinge", penalty: "l2" }],
  ["GradientBoostingClassifier", { n_estimators: 10, max_depth: 10 }],
  ["KNeighborsClassifier", { n_neighbors: 5, p: 1 }],
  ["MLPClassifier", { activation: "relu", hidden_layer_sizes: [100] }],
  // Not in the list: the data-parallel gradient of L-BFGS's softmax problem.
  ["LogisticRegression", { penalty: "l2", C: 1, multi_class: "multinomial" }],
];

const workerCounts = opts.workers.split(",").map(Number);
const trainSize = opts["train-size"];
const testSize = opts["test-size"];
const only = opts.only;
const out = benchOutDir(import.meta.url);
const tableFile = opts.table;
const peerCopies = Number(opts.peer);
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const configs = CONFIGS.filter(([name, params]) => !only || new RegExp(only).test(`${name} ${JSON.stringify(params)}`));

const header = [
  `bench/pieces: ${configs.length} configuration(s), ${trainSize ?? "60000"} train / ${testSize ?? "10000"} test images,`,
  `standardized, --repeat 1, workers ${workerCounts.join(" vs ")}, ${availableParallelism()} cores; ${new Date().toISOString()}`,
].join(" ");
console.log(header);

/** The CLI arguments of one run of one configuration, its grid written to `dir`. */
function runArgs(name, params, workers, dir, runOut) {
  const grid = join(dir, "grid.json");
  const classifiers = { [name]: Object.entries(params).map(([k, v]) => ({ [k]: [v] })) };
  writeFileSync(grid, JSON.stringify({ classifiers }));
  const cmd = [cli, "run", "--grid", grid, "--workers", String(workers), "--repeat", "1", "--out", runOut, "--no-resume"];
  if (trainSize) cmd.push("--train-size", trainSize);
  if (testSize) cmd.push("--test-size", testSize);
  return cmd;
}

function resultOf(runOut) {
  const lines = readFileSync(join(runOut, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const line = lines.at(-1);
  const predictions = line.predictions_file ? readFileSync(join(runOut, line.predictions_file)) : null;
  return { line, predictions };
}

function runOnce(name, params, workers, dir) {
  const runOut = join(dir, `w${workers}`);
  execFileSync(process.execPath, runArgs(name, params, workers, dir, runOut), { stdio: ["ignore", "ignore", "inherit"] });
  return resultOf(runOut);
}

/** `copies` separate one-worker runs of the configuration at once; their wall seconds. */
async function runSeparately(name, params, copies, dir) {
  const runs = Array.from({ length: copies }, (_, c) => new Promise((resolve, reject) => {
    const runOut = join(dir, `separate-${c}`);
    execFile(process.execPath, runArgs(name, params, 1, dir, runOut), (err) => (err ? reject(err) : resolve(resultOf(runOut).line.wall_seconds)));
  }));
  return Promise.all(runs);
}

const rows = [];
for (const [i, [name, params]] of configs.entries()) {
  const dir = join(out, `${i}-${name}`);
  mkdirSync(dir, { recursive: true });
  const order = i % 2 === 0 ? workerCounts : [...workerCounts].reverse();
  const byWorkers = new Map();
  for (const w of order) {
    const r = runOnce(name, params, w, dir);
    const l = r.line;
    console.log(`  ${name} ${JSON.stringify(params)} on ${w} worker(s): ${l.status}, accuracy ${l.accuracy}, wall ${l.wall_seconds?.toFixed(1)} s, ` +
      `fit ${l.fit_seconds?.toFixed(1)} s + predict ${l.predict_seconds?.toFixed(1)} s of one core, pieces ${l.pieces ?? 0} (${l.pieces_by_idle_workers ?? 0} by idle workers)`);
    byWorkers.set(w, r);
  }
  let separate = null;
  if (peerCopies > 1) {
    separate = await runSeparately(name, params, peerCopies, dir);
    console.log(`  ${peerCopies} separate one-worker runs at once: ${separate.map((s) => s.toFixed(1)).join(" s, ")} s`);
  }
  rows.push({ name, params, byWorkers, separate });
}

const base = workerCounts[0];
const more = workerCounts.slice(1);
const lines = [];
lines.push(header, "");
const head = ["classifier", "params", "accuracy", ...workerCounts.map((w) => `wall s, ${w} worker(s)`)];
if (more.length > 0) head.push(...more.map((w) => `speedup ${w}/${base}`));
head.push(`CPU s fit + predict (${workerCounts.join(" / ")} workers)`);
if (more.length > 0) head.push("pieces (by idle workers)", "identical predictions");
if (peerCopies > 1) head.push(`${peerCopies} separate one-worker runs at once: wall s`, "their throughput vs 1");
lines.push(`| ${head.join(" | ")} |`, `|${head.map(() => "---|").join("")}`);
for (const { name, params, byWorkers, separate } of rows) {
  const line = (w) => byWorkers.get(w).line;
  const b = line(base);
  const cells = [name, `\`${JSON.stringify(params)}\``];
  cells.push([...new Set(workerCounts.map((w) => line(w).accuracy?.toFixed(4) ?? line(w).status))].join(" / "));
  cells.push(...workerCounts.map((w) => line(w).wall_seconds?.toFixed(1) ?? "-"));
  if (more.length > 0) {
    cells.push(...more.map((w) => (line(w).wall_seconds && b.wall_seconds ? `${(b.wall_seconds / line(w).wall_seconds).toFixed(2)}x` : "-")));
  }
  cells.push(workerCounts.map((w) => (line(w).fit_seconds !== null ? (line(w).fit_seconds + line(w).predict_seconds).toFixed(1) : "-")).join(" / "));
  if (more.length > 0) {
    cells.push(more.map((w) => `${line(w).pieces ?? 0} (${line(w).pieces_by_idle_workers ?? 0})`).join(", "));
    const same = more.every((w) => {
      const p = byWorkers.get(w).predictions;
      return p !== null && byWorkers.get(base).predictions !== null && Buffer.compare(p, byWorkers.get(base).predictions) === 0;
    });
    cells.push(same ? "yes" : "NO");
  }
  if (separate) {
    cells.push(separate.map((s) => s.toFixed(1)).join(", "));
    const alone = byWorkers.get(1)?.line.wall_seconds;
    cells.push(alone ? `${((peerCopies * alone) / Math.max(...separate)).toFixed(2)}x` : "-");
  }
  lines.push(`| ${cells.join(" | ")} |`);
}
const table = lines.join("\n");
console.log(`\n${table}`);
writeFileSync(join(out, "pieces.md"), `${table}\n`);
if (tableFile) writeFileSync(tableFile, `<!-- generated by bench/pieces.mjs; do not edit -->\n${table}\n`);
