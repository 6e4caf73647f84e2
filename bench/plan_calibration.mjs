// Writes data/plan-calibration.jsonl, the measured times `fmbench run --plan` scales from by default,
// from the results file of a run of the whole grid (any size): one compact line per ok configuration,
// and per configuration whose params were rejected (a ParamError: it fails at once), with only what the plan reads. Usage: node bench/plan_calibration.mjs <results.jsonl> [out]
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { rejectedParams } from "../dist/runner/resume.js";

const [input, output = fileURLToPath(new URL("../data/plan-calibration.jsonl", import.meta.url))] = process.argv.slice(2);
if (!input) {
  console.error("usage: node bench/plan_calibration.mjs <results.jsonl> [out]");
  process.exit(2);
}
const KEEP = ["classifier", "params", "status", "error", "accuracy", "fit_seconds", "predict_seconds", "n_iter", "dataset", "train_size",
  "test_size", "evaluation", "features", "preprocess", "seed", "finished_at"];
// The last line per configuration (a resumed run appends a rejected configuration's line again).
const latest = new Map();
for (const r of readFileSync(input, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l))) {
  const key = `${r.classifier} ${JSON.stringify(r.params)}`;
  latest.delete(key);
  latest.set(key, r);
}
const lines = [...latest.values()]
  .filter((r) => r.status === "ok" || rejectedParams(r))
  .map((r) => JSON.stringify(Object.fromEntries(KEEP.filter((k) => k in r).map((k) => [k, r[k]]))));
writeFileSync(output, `${lines.join("\n")}\n`);
console.log(`${lines.length} configurations written to ${output}`);
