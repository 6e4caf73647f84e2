// Fit + predict time of each linear family's published best configuration on the full
// Fashion-MNIST data (60,000 / 10,000, standardized), fmbench (one thread, WASM) against
// scikit-learn 1.2 (one thread) run in the same invocation. Goal: >= 2x faster.
//   npm run build && node bench/linear.mjs [regex over family names] [n_train] [epochs]
// With `epochs`, the plain-SGD families run exactly that many epochs on both sides
// (tol=None, max_iter=epochs): the same work, hence the per-epoch speed-up. fmbench
// reproduces scikit-learn's shuffles, so for hinge-type losses its n_iter_ with the
// default tol equals scikit-learn's and this ratio is the default run's, at a fraction
// of the time (SGDClassifier's default run takes thousands of epochs on full data).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createEstimator, loadResolvedDataset, prepareData, resolveDataset } from "../dist/index.js";
import { benchArgs } from "./lib/args.mjs";

const BEST = [
  ["PassiveAggressiveClassifier", { C: 1.0 }],
  ["SGDClassifier", { loss: "hinge", penalty: "l2" }],
  ["Perceptron", { penalty: "l1" }],
  ["LogisticRegression", { penalty: "l1", C: 1.0, multi_class: "ovr" }],
  ["LinearSVC", { loss: "hinge", penalty: "l2", C: 1.0, multi_class: "ovr" }],
];
const [filterText, nTrainText, epochsText] = benchArgs()._;
const filter = filterText ? new RegExp(filterText) : null;
const nTrain = nTrainText ? Number(nTrainText) : undefined;
const epochs = epochsText ? Number(epochsText) : null;
const PLAIN_SGD = ["SGDClassifier", "Perceptron", "PassiveAggressiveClassifier"];
const published = JSON.parse(readFileSync(process.env.FMBENCH_TABLE3 ?? fileURLToPath(new URL("../data/published-table3.json", import.meta.url)), "utf8"));
const peer = fileURLToPath(new URL("./linear_sklearn.py", import.meta.url));

const dataset = await loadResolvedDataset(await resolveDataset("fashion"));
const data = prepareData(dataset, { trainSize: nTrain });
console.log(`train ${data.Xtrain.rows} / test ${data.Xtest.rows}; one thread each${epochs ? `; plain SGD: ${epochs} epochs` : ""}`);
console.log("family | params | fmbench acc | sklearn acc | published | fmbench fit+predict s | sklearn fit+predict s | speed-up | notes");
for (const [name, best] of BEST) {
  if (filter && !filter.test(name)) continue;
  const params = epochs && PLAIN_SGD.includes(name) ? { ...best, tol: null, max_iter: epochs } : best;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const est = createEstimator(name, params);
  est.fit(data.Xtrain, data.ytrain);
  const t1 = performance.now();
  const acc = est.score(data.Xtest, data.ytest);
  const ours = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const oursCpu = (cpu.user + cpu.system) / 1e6;
  const fitOurs = (t1 - t0) / 1000;
  let theirs = null;
  try {
    const out = execFileSync("/usr/bin/python3", [peer, name, JSON.stringify(params), ...(nTrain ? [String(nTrain)] : [])], {
      env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
      encoding: "utf8", maxBuffer: 1 << 24,
    });
    theirs = JSON.parse(out.trim().split("\n").pop());
  } catch (e) {
    theirs = { error: String(e.message).slice(0, 200) };
  }
  const pub = published.rows.find((r) => r.classifier === name &&
    Object.entries(best).every(([k, v]) => r.params[k] === v))?.fashion ?? null;
  const sk = theirs && !theirs.error ? theirs.fit_s + theirs.predict_s : null;
  const notes = [
    `fmbench fit ${fitOurs.toFixed(1)} s`,
    // on a shared machine wall time swings with the load; CPU time (same process, both sides) less so
    theirs?.cpu_s ? `CPU s ${oursCpu.toFixed(1)} / ${theirs.cpu_s.toFixed(1)} = ${(theirs.cpu_s / oursCpu).toFixed(2)}x` : "", est.solver_used_ ? `fmbench solver ${est.solver_used_}` : "",
    `n_iter ${est.n_iter_ ?? "-"} / ${theirs?.n_iter ?? "-"}`,
    est.warnings_?.length ? "fmbench warned" : "", theirs?.solver ? `sklearn solver ${theirs.solver}` : "",
    theirs?.warnings?.length ? "sklearn warned" : "", theirs?.error ?? "",
  ].filter(Boolean).join("; ");
  console.log(`${name} | ${JSON.stringify(params)} | ${acc.toFixed(4)} | ${sk === null ? "-" : theirs.accuracy.toFixed(4)} | ${pub ?? "-"} | ` +
    `${ours.toFixed(1)} | ${sk === null ? "-" : sk.toFixed(1)} | ${sk === null ? "-" : (sk / ours).toFixed(2) + "x"} | ${notes}`);
}
