// The full grid's table (issue #19) from its results file: the report with the paper's published
// accuracies beside (fmbench report --compare published), then the time per classifier family
// (CPU hours: every repeat's fit and predict, one core's worth; wall hours: each configuration's
// wall_seconds, the run being one worker) and how much of the grid is done. Prints Markdown.
//   npm run build && node bench/full_grid_table.mjs [bench/results/full-grid/results.jsonl] > bench/results/full-grid.md
import { expandGrid, loadGrid } from "../dist/index.js";
import { loadMatrix, renderReport } from "../dist/report/index.js";
import { formatDuration } from "../dist/runner/estimate.js";
import { latestLines } from "../dist/runner/resume.js";
import { readResults } from "../dist/runner/results.js";
import { benchArgs } from "./lib/args.mjs";

const opts = benchArgs({});
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
  `<!-- Generated from ${file} by: node bench/full_grid_table.mjs ${file} -->`,
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
];
process.stdout.write(out.join("\n"));
