// The full grid's table (issue #19) from its results file: the report with the paper's published
// accuracies beside (fmbench report --compare published), then the time per classifier family
// (CPU hours: every repeat's fit and predict, one core's worth; wall hours: each configuration's
// wall_seconds, the run being one worker) and how much of the grid is done; then scikit-learn 1.2 beside it:
// its full-size runs where measured (bench/results/sklearn-full-measured.json), and its time for the whole grid
// estimated from a 10,000 / 10,000 side-by-side run (--pair DIR: bench:sklearn's raw results, DIR/fmbench and
// DIR/sklearn). Prints Markdown.
//   npm run build && node bench/full_grid_table.mjs [bench/results/full-grid/results.jsonl] [--pair DIR] > bench/results/full-grid.md
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expandGrid, loadGrid } from "../dist/index.js";
import { loadMatrix, renderReport } from "../dist/report/index.js";
import { formatDuration } from "../dist/runner/estimate.js";
import { configId, latestLines } from "../dist/runner/resume.js";
import { readResults } from "../dist/runner/results.js";
import { benchArgs } from "./lib/args.mjs";

const opts = benchArgs({ pair: undefined, measured: "bench/results/sklearn-full-measured.json" });
const file = opts._[0] ?? "bench/results/full-grid/results.jsonl";
const lines = latestLines(readResults(file).lines);
const grid = expandGrid(loadGrid("full").grid);
const sum = (xs) => (xs ?? []).reduce((a, b) => a + b, 0);

const families = new Map();
for (const config of grid) {
  const f = families.get(config.classifier) ?? { configurations: 0, ok: 0, sameFit: 0, failed: 0, cpu: 0, wall: 0 };
  f.configurations++;
  families.set(config.classifier, f);
}
for (const line of lines) {
  const f = families.get(line.classifier);
  if (!f) continue;
  if (line.status !== "ok") f.failed++;
  else if (line.same_fit_as) f.sameFit++;
  else {
    f.ok++;
    f.cpu += sum(line.fit_times) + sum(line.score_times);
  }
  f.wall += typeof line.wall_seconds === "number" ? line.wall_seconds : 0;
}
const total = { configurations: 0, ok: 0, sameFit: 0, failed: 0, cpu: 0, wall: 0 };
const rows = [...families].map(([name, f]) => {
  for (const k of Object.keys(total)) total[k] += f[k];
  const done = f.ok + f.sameFit + f.failed;
  return `| ${name} | ${f.configurations} | ${done} | ${f.ok} | ${f.sameFit} | ${f.failed} | ${(f.cpu / 3600).toFixed(2)} | ${(f.wall / 3600).toFixed(2)} |`;
});
const done = total.ok + total.sameFit + total.failed;

const out = [
  `<!-- Generated from ${file} by: node bench/full_grid_table.mjs ${file}${opts.pair ? ` --pair ${opts.pair}` : ""} -->`,
  "",
  renderReport(loadMatrix(file, { compare: "published" }), "md").trimEnd(),
  "",
  "## Time per classifier family",
  "",
  `${done} of the grid's ${grid.length} configurations have a line (ok, taken from a configuration with the same fit, or ` +
    `failed as scikit-learn fails them or as the memory guard refuses them)${done < grid.length ? "; the run is in progress" : ""}. ` +
    "CPU hours: fit and predict of every repeat, one core's worth; wall hours: the configurations' wall time, the run being " +
    "one worker on this 2-core machine kind (a line's time is that of the commit that ran it).",
  "",
  "| family | configurations | with a line | fitted ok | same fit as another | failed or refused | CPU hours | wall hours |",
  "|---|---:|---:|---:|---:|---:|---:|---:|",
  ...rows,
  `| **all** | ${total.configurations} | ${done} | ${total.ok} | ${total.sameFit} | ${total.failed} | ${(total.cpu / 3600).toFixed(2)} | ${(total.wall / 3600).toFixed(2)} |`,
  "",
  `Wall time of the configurations with a line: ${formatDuration(total.wall)} on one worker.`,
  "",
  ...measuredSection(),
  ...estimateSection(),
];
process.stdout.write(out.join("\n"));

/** fit + predict seconds of every repeat of a line, one core's worth (0 for a line that is not ok). */
function cpuSeconds(line) {
  return line?.status === "ok" ? sum(line.fit_times) + sum(line.score_times) : 0;
}

/** The grid's ok lines by configuration (classifier and params). */
function okByConfig(ls) {
  return new Map(ls.filter((l) => l.status === "ok").map((l) => [configId(l.classifier, l.params), l]));
}

/** scikit-learn's full-size runs beside this run's lines of the same configurations. */
function measuredSection() {
  if (!existsSync(opts.measured)) return [];
  const measured = JSON.parse(readFileSync(opts.measured, "utf8")).configurations;
  const ours = okByConfig(lines);
  const rows = measured.map((m) => {
    const l = ours.get(configId(m.classifier, m.params));
    const perFit = l ? cpuSeconds(l) / l.n_repeats : null;
    const diff = l ? (l.accuracy - m.accuracy) * 100 : null;
    return `| ${m.classifier} | \`${JSON.stringify(m.params)}\` | ${l ? l.accuracy.toFixed(4) : "not run yet"} | ${m.accuracy.toFixed(4)} | ` +
      `${diff == null ? "—" : Math.abs(diff) < 0.005 ? "0.00" : (diff > 0 ? "+" : "") + diff.toFixed(2)} | ${perFit == null ? "—" : perFit.toFixed(1)} | ` +
      `${m.seconds == null ? "—" : m.seconds.toFixed(1)} | ${perFit && m.seconds ? (m.seconds / perFit).toFixed(2) + "x" : "—"} | ${m.source} |`;
  });
  return [
    "## scikit-learn 1.2 at full size, where measured",
    "",
    `Configurations of the grid that the bench scripts ran through scikit-learn 1.2.1 on the full data (\`${opts.measured}\`), ` +
      "beside this run's line. Accuracy difference in points (fmbench minus scikit-learn; fmbench's is the mean over its repeats, " +
      "scikit-learn's one fit). Seconds are fit + predict of one fit; the two sides were measured in different runs and " +
      "under different machine load, so the ratio is indicative only.",
    "",
    "| classifier | params | accuracy fmbench | accuracy scikit-learn | diff (points) | s per fit fmbench | s per fit scikit-learn | ratio | scikit-learn source |",
    "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ...rows,
    "",
  ];
}

/**
 * scikit-learn's CPU time for the whole grid at full size, estimated as each configuration's fmbench CPU seconds
 * at full size times scikit-learn's / fmbench's CPU seconds for the same configuration at 10,000 / 10,000
 * (the family's median ratio where that configuration has no pair at 10k).
 */
function estimateSection() {
  if (!opts.pair) return [];
  const tenK = (side) => okByConfig(latestLines(readResults(join(opts.pair, side, "results.jsonl")).lines));
  const [ours10k, peer10k] = [tenK("fmbench"), tenK("sklearn")];
  // Configurations scikit-learn 1.2 rejects (its 10k line failed) cost it nothing; fmbench may still run them.
  const peerFailed = new Map(latestLines(readResults(join(opts.pair, "sklearn", "results.jsonl")).lines)
    .filter((l) => l.status === "failed").map((l) => [configId(l.classifier, l.params), l.error ?? ""]));
  const ratios = new Map();
  for (const [id, l] of ours10k) {
    const p = peer10k.get(id);
    if (p && cpuSeconds(l) > 0) ratios.set(id, { ratio: (cpuSeconds(p) / p.n_repeats) / (cpuSeconds(l) / l.n_repeats), classifier: l.classifier });
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const familyRatio = new Map();
  for (const name of families.keys()) {
    familyRatio.set(name, median([...ratios.values()].filter((r) => r.classifier === name).map((r) => r.ratio)));
  }
  const perFamily = new Map();
  let oursCpu = 0, peerCpu = 0, own = 0, byFamily = 0, none = 0, rejected = 0, rejectedCpu = 0;
  for (const l of lines) {
    if (l.status !== "ok") continue;
    const id = configId(l.classifier, l.params);
    if (peerFailed.has(id)) { rejected++; rejectedCpu += cpuSeconds(l); continue; }
    const r = ratios.get(id)?.ratio ?? familyRatio.get(l.classifier);
    if (r == null) { none++; continue; }
    if (ratios.has(id)) own++; else byFamily++;
    const f = perFamily.get(l.classifier) ?? { ours: 0, peer: 0, n: 0 };
    f.ours += cpuSeconds(l);
    f.peer += cpuSeconds(l) * r;
    f.n++;
    perFamily.set(l.classifier, f);
    oursCpu += cpuSeconds(l);
    peerCpu += cpuSeconds(l) * r;
  }
  const check = existsSync(opts.measured) ? JSON.parse(readFileSync(opts.measured, "utf8")).configurations
    .filter((m) => m.seconds != null)
    .map((m) => {
      const id = configId(m.classifier, m.params);
      const l = okByConfig(lines).get(id);
      const r = ratios.get(id)?.ratio ?? familyRatio.get(m.classifier);
      if (!l || r == null || peerFailed.has(id)) return null;
      const estimate = (cpuSeconds(l) / l.n_repeats) * r;
      return `| ${m.classifier} | \`${JSON.stringify(m.params)}\` | ${r.toFixed(2)}x | ${estimate.toFixed(1)} | ${m.seconds.toFixed(1)} | ${(estimate / m.seconds).toFixed(2)} |`;
    }).filter((r) => r !== null) : [];
  const h = (x) => (x / 3600).toFixed(2);
  return [
    "## scikit-learn's time for the whole grid, estimated",
    "",
    `Estimate: for each configuration of this run that ended ok (same-fit rows included: scikit-learn fits them all), its ` +
      "CPU seconds at full size times the ratio of scikit-learn's to fmbench's CPU seconds per fit for the same configuration " +
      `at 10,000 / 10,000, measured side by side in one bench:sklearn run (\`${opts.pair}\`, one worker each side). Where a ` +
      "configuration has no such pair, its family's median ratio. This assumes the ratio at 10k holds at 60k; the second " +
      "table checks that assumption against the full-size scikit-learn runs above.",
    "",
    `${own} configurations with their own 10k ratio, ${byFamily} with their family's median${none ? `, ${none} without any (left out)` : ""}; ` +
      `${ratios.size} pairs at 10k.` +
      (rejected ? ` ${rejected} configurations that fmbench ran are left out because scikit-learn 1.2 rejects them (its 10k line failed, ` +
        `so they cost it nothing): fmbench spent ${h(rejectedCpu)} CPU hours on them.` : ""),
    "",
    "| family | configurations estimated | fmbench CPU hours (measured) | scikit-learn CPU hours (estimated) | ratio |",
    "|---|---:|---:|---:|---:|",
    ...[...perFamily].map(([name, f]) => `| ${name} | ${f.n} | ${h(f.ours)} | ${h(f.peer)} | ${(f.peer / f.ours).toFixed(2)}x |`),
    `| **all** | ${own + byFamily} | ${h(oursCpu)} | ${h(peerCpu)} | ${oursCpu > 0 ? (peerCpu / oursCpu).toFixed(2) + "x" : "—"} |`,
    "",
    "Check against scikit-learn's measured full-size runs (seconds per fit):",
    "",
    "| classifier | params | ratio at 10k used | estimated scikit-learn s | measured scikit-learn s | estimated / measured |",
    "|---|---|---:|---:|---:|---:|",
    ...check,
    "",
  ];
}
