// npm run bench:sklearn -- [--grid quick|full|FILE] [--train-size N] [--test-size M] [--workers W] [--repeat R]
//                          [--seed S] [--only REGEX] [--out DIR] [--rounds K] [--resume | --table-only]
// Runs one grid through fmbench and through scikit-learn (bench/sklearn_runner.py, Debian's python3-sklearn)
// on the same data, slices, preprocessing, seed and worker count, in one invocation, and prints and saves
// (<out>/sklearn-<grid>-<N>x<M>.{md,json}, both runs' results in <out>/fmbench/ and <out>/sklearn/) the
// side-by-side table. <out>: --out DIR, else a fresh folder under $TMPDIR/fmbench-bench/sklearn/.
// --resume continues an interrupted run in the same --out: each side skips the configurations it already has
// a line for. A run's whole-grid wall time is then not one measurement, so the table gives each side's sum of
// fit + predict times instead. Without --resume, an --out that already holds results is refused.
// --table-only runs neither side: it makes the table from the lines already in --out (a run still in progress).
// --rounds K (K > 1) runs the two sides in turn K times (fmbench, scikit-learn, fmbench, ...; round r's lines in
// <out>/round-r/{fmbench,sklearn}/) and takes each side's median over the rounds of each configuration's fit +
// predict time, and of its whole-grid wall time: on a shared machine whose speed drifts for minutes at a time, one
// slow stretch then moves no row (each side's accuracies are those of round 0).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { configKey, expandGrid, loadDataset, loadGrid, prepareData, readResults, runGrid } from "../dist/index.js";
import { benchOutDir } from "./lib/out.mjs";
import { benchArgs } from "./lib/args.mjs";

const PYTHON = "/usr/bin/python3";
const opts = benchArgs({
  grid: "quick",
  "train-size": "10000",
  "test-size": "10000",
  workers: String(availableParallelism()),
  repeat: "2",
  seed: "0",
  only: undefined,
  resume: false,
  "table-only": false,
  rounds: "1",
});
const gridSpec = opts.grid;
const trainSize = Number(opts["train-size"]);
const testSize = Number(opts["test-size"]);
const workers = Number(opts.workers);
const repeats = Number(opts.repeat);
const seed = Number(opts.seed);
const only = opts.only;
const tableOnly = opts["table-only"];
const rounds = Number(opts.rounds);
if (!(Number.isInteger(rounds) && rounds >= 1)) {
  console.error(`bench:sklearn: --rounds must be a whole number of at least 1; got ${opts.rounds}`);
  process.exit(2);
}
if (rounds > 1 && opts.resume) {
  console.error("bench:sklearn: --rounds cannot resume a run (each round is a whole run of both sides); use --table-only on a run in progress");
  process.exit(2);
}
// A table from lines of several invocations has no whole-grid wall time.
const resume = opts.resume || tableOnly;

const probe = spawnSync(PYTHON, ["-c", "import sklearn; print(sklearn.__version__)"], { encoding: "utf8" });
if (probe.status !== 0) {
  console.error("bench:sklearn needs Debian's scikit-learn: apt-get update && apt-get install -y python3-sklearn");
  process.exit(2);
}
const sklearnVersion = probe.stdout.trim();

const { grid, source } = loadGrid(gridSpec);
const gridConfigs = expandGrid(grid);
let configs = gridConfigs;
if (only) configs = configs.filter((c) => new RegExp(only).test(`${c.classifier} ${JSON.stringify(c.params)}`));
const work = benchOutDir(import.meta.url);
const gridFile = join(work, "grid.json");
// Round r's result files (a run of one round keeps the layout of earlier runs: <out>/fmbench, <out>/sklearn).
const sideFile = (side, r) => join(work, ...(rounds > 1 ? [`round-${r}`] : []), side, "results.jsonl");
const oursFile = sideFile("fmbench", 0);
const peerFile = sideFile("sklearn", 0);
const holdsLines = (f) => existsSync(f) && statSync(f).size > 0;
if (!opts.resume && !tableOnly && (holdsLines(oursFile) || holdsLines(peerFile))) {
  console.error(`bench:sklearn: ${work} already holds results; pass --resume to continue that run, or choose another --out`);
  process.exit(2);
}
if (!tableOnly) writeFileSync(gridFile, JSON.stringify(grid));

console.log(`bench:sklearn: grid '${source}' (${configs.length} configurations), ${trainSize} train / ${testSize} test, ` +
  `${workers} workers each side, repeat ${repeats}, seed ${seed}; scikit-learn ${sklearnVersion}`);

let oursWall = null;
let peerWall = null;
const oursWalls = [];
const peerWalls = [];
const dataset = tableOnly ? null : await loadDataset("fashion");
for (let r = 0; r < rounds && !tableOnly; r++) {
if (rounds > 1) console.log(`bench:sklearn: round ${r + 1} of ${rounds}`);
// fmbench (the data prepared each round: a round may leave the thread's heap full, and a fresh one is then made)
const data = prepareData(dataset, { trainSize, testSize });
const t0 = performance.now();
await runGrid({
  configs, gridConfigs, data, out: join(sideFile("fmbench", r), ".."), workers, repeats, seed, resume, gridName: source,
  onEvent: (e) => e.type === "result" && process.stderr.write(`  fmbench [${e.done}/${e.total}] ${e.line.classifier} ${JSON.stringify(e.line.params)} ${e.line.status}\n`),
});
oursWalls.push((performance.now() - t0) / 1000);

// scikit-learn
const env = { ...process.env };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const peerOut = execFileSync(PYTHON, [
  fileURLToPath(new URL("./sklearn_runner.py", import.meta.url)), gridFile, sideFile("sklearn", r), "--workers", String(workers),
  "--train-size", String(trainSize), "--test-size", String(testSize), "--repeat", String(repeats), "--seed", String(seed),
  ...(only ? ["--only", only] : []), ...(resume ? ["--resume"] : []),
], { encoding: "utf8", env, stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26 });
peerWalls.push(JSON.parse(peerOut.trim().split("\n").pop()).wall_seconds);
}

const id = { dataset: "fashion", features: "raw", preprocess: "standard", train_size: trainSize, test_size: testSize };
// Each side's latest line per configuration of this grid (a resumed run holds lines of several invocations).
const latest = (file) => new Map(readResults(file).lines.map((l) => [configKey(l.classifier, l.params, id), l]));
const peer = latest(peerFile);
const oursByKey = latest(oursFile);
const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
if (oursWalls.length > 0) {
  oursWall = median(oursWalls);
  peerWall = median(peerWalls);
}
// Every round's lines (one map per round and side): a configuration's time is its median over the rounds.
const roundsRead = tableOnly ? [...Array(rounds).keys()].filter((r) => existsSync(sideFile("fmbench", r))) : [...Array(rounds).keys()];
const oursRounds = roundsRead.map((r) => (r === 0 ? oursByKey : latest(sideFile("fmbench", r))));
const peerRounds = roundsRead.map((r) => (r === 0 ? peer : existsSync(sideFile("sklearn", r)) ? latest(sideFile("sklearn", r)) : new Map()));
const ourLines = configs.map((c) => oursByKey.get(configKey(c.classifier, c.params, id))).filter((l) => l !== undefined);
const rows = ourLines.map((l) => {
  const p = peer.get(configKey(l.classifier, l.params, id));
  const t = (x) => (x && x.status === "ok" ? x.fit_seconds + x.predict_seconds : null);
  const key = configKey(l.classifier, l.params, id);
  const ta = median(oursRounds.map((m) => t(m.get(key))));
  const tb = median(peerRounds.map((m) => t(m.get(key))));
  return {
    classifier: l.classifier, params: l.params,
    fmbench: { status: l.status, accuracy: l.accuracy, seconds: ta, error: l.error ?? null },
    sklearn: p ? { status: p.status, accuracy: p.accuracy, seconds: tb, error: p.error ?? null } : null,
    diff: l.accuracy != null && p?.accuracy != null ? l.accuracy - p.accuracy : null,
    speedup: ta && tb ? tb / ta : null,
  };
}).sort((a, b) => (a.classifier < b.classifier ? -1 : a.classifier > b.classifier ? 1 : JSON.stringify(a.params) < JSON.stringify(b.params) ? -1 : 1));

const fmt = (x, d = 4) => (x == null ? "—" : x.toFixed(d));
const families = [...new Set(rows.map((r) => r.classifier))];
const lines = [];
lines.push(`# fmbench vs scikit-learn ${sklearnVersion}`, "");
lines.push(`Grid \`${source}\` (${configs.length} configurations), Fashion-MNIST first ${trainSize} training / ${testSize} test images, ` +
  `standardized, ${workers} worker(s) on each side (one BLAS/OpenMP thread per scikit-learn process), repeat ${repeats}, seed ${seed}. ` +
  `Times are fit + predict seconds per repeat (mean)${roundsRead.length > 1 ? `, each side's median over ${roundsRead.length} rounds run in turn` : ""}; ` +
  `speedup = scikit-learn time / fmbench time. Generated by bench/sklearn.mjs on ${new Date().toISOString().slice(0, 10)}.`, "");
lines.push("| classifier | params | accuracy fmbench | accuracy scikit-learn | diff | s fmbench | s scikit-learn | speedup |", "|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const a = r.fmbench.status === "ok" ? fmt(r.fmbench.accuracy) : r.fmbench.status;
  const b = r.sklearn ? (r.sklearn.status === "ok" ? fmt(r.sklearn.accuracy) : r.sklearn.status) : "—";
  lines.push(`| ${r.classifier} | \`${JSON.stringify(r.params)}\` | ${a} | ${b} | ${r.diff == null ? "—" : (r.diff >= 0 ? "+" : "") + r.diff.toFixed(4)} | ${fmt(r.fmbench.seconds, 2)} | ${fmt(r.sklearn?.seconds, 2)} | ${r.speedup == null ? "—" : r.speedup.toFixed(2) + "x"} |`);
}
lines.push("", "| family | configurations | median speedup | median accuracy diff |", "|---|---|---|---|");
for (const f of families) {
  const rs = rows.filter((r) => r.classifier === f);
  const m = median(rs.map((r) => r.speedup));
  const d = median(rs.map((r) => r.diff));
  lines.push(`| ${f} | ${rs.length} | ${m == null ? "—" : m.toFixed(2) + "x"} | ${d == null ? "—" : d.toFixed(4)} |`);
}
const overall = median(rows.map((r) => r.speedup));
lines.push(`| **overall** | ${rows.length} | ${overall == null ? "—" : overall.toFixed(2) + "x"} | ${fmt(median(rows.map((r) => r.diff)))} |`, "");
// Over the configurations ok on both sides, each side's fit + predict seconds (its row's time) times the repeats it ran.
const rowOf = new Map(rows.map((r) => [configKey(r.classifier, r.params, id), r]));
const spent = (l, side) => rowOf.get(configKey(l.classifier, l.params, id))[side].seconds * l.n_repeats;
const bothOk = ourLines.map((l) => [l, peer.get(configKey(l.classifier, l.params, id))]).filter(([a, b]) => a.status === "ok" && b?.status === "ok");
const oursSum = bothOk.reduce((s, [a]) => s + spent(a, "fmbench"), 0);
const peerSum = bothOk.reduce((s, [a, b]) => s + spent(b, "sklearn"), 0);
const finished = (ls) => {
  const t = ls.map((l) => l.finished_at).filter(Boolean).sort();
  return t.length ? `${t[0].slice(0, 16)}Z to ${t[t.length - 1].slice(0, 16)}Z` : "none";
};
const peerLines = configs.map((c) => peer.get(configKey(c.classifier, c.params, id))).filter((l) => l !== undefined);
if (resume) {
  lines.push(`Lines of ${tableOnly ? "a run read as it stands" : "a resumed run"}: fmbench ${ourLines.length} of ${configs.length} configurations ` +
    `(finished ${finished(ourLines)}), scikit-learn ${peerLines.length} (finished ${finished(peerLines)}).`);
  lines.push(`No whole-grid wall time. Sum of fit + predict seconds over all repeats, over the ${bothOk.length} configurations ok on both sides: ` +
    `fmbench ${oursSum.toFixed(1)} s, scikit-learn ${peerSum.toFixed(1)} s (${(peerSum / oursSum).toFixed(2)}x).`);
} else {
  const each = oursWalls.length > 1
    ? ` (median of ${oursWalls.length} rounds: fmbench ${oursWalls.map((w) => w.toFixed(1)).join(", ")} s; scikit-learn ${peerWalls.map((w) => w.toFixed(1)).join(", ")} s)`
    : "";
  lines.push(`Whole grid wall time: fmbench ${oursWall.toFixed(1)} s, scikit-learn ${peerWall.toFixed(1)} s (${(peerWall / oursWall).toFixed(2)}x)${each}.`);
}
const worst = rows.filter((r) => r.speedup != null).sort((a, b) => a.speedup - b.speedup).slice(0, 3);
lines.push(`Slowest relative to scikit-learn: ${worst.map((r) => `${r.classifier} ${JSON.stringify(r.params)} (${r.speedup.toFixed(2)}x)`).join("; ") || "—"}.`);
const markdown = lines.join("\n") + "\n";
console.log("\n" + markdown);

const stem = `sklearn-${basename(source).replace(/\.json$/, "")}-${trainSize}x${testSize}`;
writeFileSync(join(work, `${stem}.md`), markdown);
writeFileSync(join(work, `${stem}.json`), JSON.stringify({
  grid: source, train_size: trainSize, test_size: testSize, workers, repeats, seed, sklearn: sklearnVersion,
  resumed: resume, rounds: roundsRead.length, wall_seconds: resume ? null : { fmbench: oursWall, sklearn: peerWall },
  fit_predict_seconds: { fmbench: oursSum, sklearn: peerSum }, median_speedup: overall, rows,
}, null, 1) + "\n");
console.log(`saved ${join(work, stem)}.md and .json; raw results in ${join(sideFile("fmbench", 0), "..")} and ${join(sideFile("sklearn", 0), "..")}${rounds > 1 ? ` (round 0; the other rounds beside it)` : ""}`);
