// The plan's error against a real run: for every ok configuration of a results file, what
// `fmbench run --plan` expects from the calibration alone (data/plan-calibration.jsonl, or the
// files given with --calibrate; never the run's own lines) next to the run's measured wall
// seconds, per configuration, per family and in total. A ratio above 1 means the run took longer
// than planned.
//   npm run build && node bench/plan_error.mjs bench/results/full-grid/results.jsonl [--calibrate FILE ...]
import { estimateRun, formatDuration } from "../dist/runner/estimate.js";
import { readResults } from "../dist/runner/results.js";
import { BUNDLED_CALIBRATION } from "../dist/pipeline/plan.js";

const args = process.argv.slice(2);
const run = args.find((a) => !a.startsWith("--"));
if (!run) {
  console.error("usage: node bench/plan_error.mjs <results.jsonl> [--calibrate FILE ...]");
  process.exit(2);
}
const k = args.indexOf("--calibrate");
const calibrationFiles = k >= 0 ? args.slice(k + 1) : [BUNDLED_CALIBRATION];
const calibration = calibrationFiles.flatMap((f) => readResults(f).lines);
const done = new Map();
// Lines that took another configuration's fit (same_fit_as) took no time, and a whole run's plan gives them none.
for (const line of readResults(run).lines) if (line.status === "ok" && typeof line.wall_seconds === "number" && !line.same_fit_as) done.set(`${line.classifier} ${JSON.stringify(line.params)}`, line);
const rows = [...done.values()].map((line) => {
  const same = calibration.filter((c) => c.dataset === line.dataset && c.features === line.features && c.preprocess === line.preprocess);
  const plan = estimateRun([{ classifier: line.classifier, params: line.params }], {
    trainRows: line.train_size, testRows: line.test_size, workers: 1, repeats: line.repeats ?? 1, calibration: same,
  }).configs[0];
  return { line, planned: plan.source === "scaled" ? plan.seconds : null };
});
const table = ["| configuration | planned | measured | measured / planned |", "|---|---|---|---|"];
for (const { line, planned } of rows.sort((a, b) => b.line.wall_seconds - a.line.wall_seconds)) {
  table.push(`| ${line.classifier} \`${JSON.stringify(line.params)}\` | ${planned === null ? "-" : formatDuration(planned)} | ` +
    `${formatDuration(line.wall_seconds)} | ${planned === null ? "-" : `${(line.wall_seconds / planned).toFixed(2)}x`} |`);
}
const families = new Map();
for (const { line, planned } of rows) {
  if (planned === null) continue;
  const f = families.get(line.classifier) ?? { planned: 0, measured: 0, n: 0 };
  f.planned += planned;
  f.measured += line.wall_seconds;
  f.n++;
  families.set(line.classifier, f);
}
table.push("", "| classifier | configurations | planned | measured | measured / planned |", "|---|---|---|---|---|");
let P = 0;
let M = 0;
for (const [name, f] of [...families].sort((a, b) => b[1].measured - a[1].measured)) {
  table.push(`| ${name} | ${f.n} | ${formatDuration(f.planned)} | ${formatDuration(f.measured)} | ${(f.measured / f.planned).toFixed(2)}x |`);
  P += f.planned;
  M += f.measured;
}
table.push(`| all | ${rows.filter((r) => r.planned !== null).length} | ${formatDuration(P)} | ${formatDuration(M)} | ${(M / P).toFixed(2)}x |`);
console.log(table.join("\n"));
