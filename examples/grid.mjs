// A grid defined in code, run on worker threads, and its results read back from results.jsonl.
// Run from the repository after `npm run build`: node examples/grid.mjs [out-folder]
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandGrid, loadDataset, parseGrid, prepareData, readResults, runGrid } from "fmbench";

// The same shape as a grid file (fashion-mnist's baselines.json): each group's lists are multiplied out.
const grid = parseGrid({
  classifiers: {
    GaussianNB: [{ var_smoothing: [1e-9, 1e-2] }],
    KNeighborsClassifier: [{ n_neighbors: [1, 5] }, { weights: ["uniform", "distance"] }],
    LogisticRegression: [{ C: [0.1] }, { max_iter: [50] }],
  },
}, "examples/grid.mjs");
const configs = expandGrid(grid);

const data = prepareData(await loadDataset("fashion"), { trainSize: 2000, testSize: 500 });
const out = process.argv[2] ?? mkdtempSync(join(tmpdir(), "fmbench-grid-"));

const summary = await runGrid({
  configs, data, out, workers: 2, repeats: 1, gridName: "examples/grid.mjs",
  onEvent: (e) => {
    if (e.type === "result") console.log(`[${e.done}/${e.total}] ${e.line.classifier} ${JSON.stringify(e.line.params)} ${e.line.status}`);
  },
});

// Each finished configuration is one JSON line; fmbench's reports read the same file.
const { lines } = readResults(summary.resultsFile);
const ok = lines.filter((l) => l.status === "ok").sort((a, b) => b.accuracy - a.accuracy);
console.log(`\n${lines.length} configurations in ${summary.resultsFile} (${summary.wallSeconds.toFixed(1)} s)`);
for (const l of ok) console.log(`${l.accuracy.toFixed(4)}  ${l.classifier} ${JSON.stringify(l.params)}`);
console.log(`best: ${ok[0].classifier} ${JSON.stringify(ok[0].params)} accuracy ${ok[0].accuracy.toFixed(4)}`);
console.log(`report: npx fmbench report ${summary.resultsFile}`);
