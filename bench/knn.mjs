// KNeighborsClassifier on full Fashion-MNIST (60,000 train x 10,000 test x 784), k=5,
// p=2 and p=1, one thread: fmbench (WASM) against scikit-learn 1.2 brute force
// (one thread) and ml-knn (on a slice of the queries, extrapolated).
//
//   npm run build && npm run bench:knn [-- --queries N --mljs-queries M --p 2,1 --skip-sklearn --skip-mljs]
//
// The machine may be shared: besides wall-clock time, each engine's CPU time for
// predict is measured (process CPU, one thread), and ratios are given for both.
//
// GFLOP/s counts 2 operations per feature and pair for p=2 (multiply, add) and 3 for
// p=1 (subtract, absolute value, add), the same count for every engine, so the
// figures compare like the times do. fmbench's p=2 search rules most pairs out by a
// projection before computing their distance, so its figure is an effective rate.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { KNeighborsClassifier, loadDataset, prepareData, sliceRows } from "../dist/index.js";
import { benchArgs } from "./lib/args.mjs";

const opts = benchArgs({
  queries: "10000",
  "mljs-queries": "20",
  k: "5",
  p: "2,1",
  "skip-sklearn": false,
  "skip-mljs": false,
  "mljs-child": false,
});
const nQueries = Number(opts.queries);
const k = Number(opts.k);
const metrics = opts.p.split(",").map(Number);

const flopsPerFeature = (p) => (p === 2 ? 2 : 3);
const gflops = (p, nq, nt, cols, seconds) => (flopsPerFeature(p) * nq * nt * cols) / seconds / 1e9;
const mb = (kb) => kb / 1024;

async function prepared(queries) {
  const dataset = await loadDataset("fashion");
  const data = prepareData(dataset, { testSize: queries });
  return data;
}

/** Times fit and predict of one engine; predictions as a digit string. */
function runEngine(data, p, engine, queries) {
  const X = sliceRows(data.Xtest, 0, queries);
  const y = data.ytest.subarray(0, queries);
  const model = new KNeighborsClassifier({ n_neighbors: k, p, engine });
  const t0 = performance.now();
  model.fit(data.Xtrain, data.ytrain);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const pred = model.predict(X);
  const c2 = process.cpuUsage(c1);
  const t2 = performance.now();
  let hits = 0;
  for (let i = 0; i < pred.length; i++) hits += pred[i] === y[i] ? 1 : 0;
  return {
    fit_s: (t1 - t0) / 1000,
    predict_s: (t2 - t1) / 1000,
    predict_cpu_s: (c2.user + c2.system) / 1e6,
    accuracy: hits / pred.length,
    predictions: Array.from(pred).join(""),
    rescans: model.lastRescans,
    exact: model.lastExactDistances,
  };
}

if (opts["mljs-child"]) {
  // A separate process, so that ml-knn's number[][] copies do not count in fmbench's peak RSS.
  const queries = Number(opts["mljs-queries"]);
  const data = await prepared(queries);
  const runs = {};
  for (const p of metrics) runs[p] = runEngine(data, p, "mljs", queries);
  process.stdout.write(JSON.stringify({ runs, max_rss_mb: mb(process.resourceUsage().maxRSS) }) + "\n");
  process.exit(0);
}

const data = await prepared(nQueries);
const { rows: nt, cols } = data.Xtrain;
console.log(`KNN bench: ${nt} train x ${nQueries} test x ${cols} features, k=${k}, one thread, node ${process.version}`);

const fm = {};
for (const p of metrics) {
  fm[p] = runEngine(data, p, "wasm", nQueries);
  const pruned = fm[p].exact === null ? "" : `, exact distances ${(fm[p].exact / nQueries).toFixed(0)} per query of ${nt} (projection pruning)`;
  console.log(`fmbench p=${p}: predict ${fm[p].predict_s.toFixed(2)} s, float64 rescans ${fm[p].rescans}${pruned}`);
}
const fmRss = mb(process.resourceUsage().maxRSS);

let sk = null;
if (!opts["skip-sklearn"]) {
  const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  // Let OpenBLAS pick its kernels for this CPU (the machine pins them for other tools).
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const script = fileURLToPath(new URL("./knn_sklearn.py", import.meta.url));
  console.log("running scikit-learn (p=1 takes several minutes) ...");
  const res = spawnSync("/usr/bin/python3", [script, "--queries", String(nQueries), "--k", String(k), "--p", opts.p], {
    env, encoding: "utf8", maxBuffer: 1 << 26,
  });
  if (res.status !== 0) throw new Error(`scikit-learn peer failed: ${res.stderr}`);
  sk = JSON.parse(res.stdout.trim().split("\n").pop());
}

let ml = null;
const mlQueries = Number(opts["mljs-queries"]);
if (!opts["skip-mljs"] && mlQueries > 0) {
  console.log(`running ml-knn on ${mlQueries} queries ...`);
  const script = fileURLToPath(import.meta.url);
  const res = spawnSync(process.execPath, [script, "--mljs-child", "--mljs-queries", String(mlQueries), "--k", String(k), "--p", opts.p], {
    encoding: "utf8", maxBuffer: 1 << 26,
  });
  if (res.status !== 0) throw new Error(`ml-knn child failed: ${res.stderr}`);
  ml = JSON.parse(res.stdout.trim().split("\n").pop());
}

const rows = [];
for (const p of metrics) {
  const base = fm[p].predict_s;
  const baseCpu = fm[p].predict_cpu_s;
  const row = (engine, queries, seconds, cpu, accuracy, note) => ({
    p, engine, queries, "predict s": seconds.toFixed(2), "CPU s": cpu.toFixed(2),
    "GFLOP/s (CPU)": gflops(p, queries, nt, cols, cpu).toFixed(2),
    accuracy: accuracy.toFixed(4), "wall / fmbench": (seconds / base).toFixed(2), "CPU / fmbench": (cpu / baseCpu).toFixed(2), note,
  });
  const note = fm[p].exact === null ? `${fm[p].rescans} float64 rescans` : `pruned: ${(fm[p].exact / nQueries).toFixed(0)} exact distances per query`;
  rows.push(row("fmbench (wasm)", nQueries, base, baseCpu, fm[p].accuracy, note));
  if (sk) {
    const r = sk.runs[p];
    let same = 0;
    for (let i = 0; i < r.predictions.length; i++) same += r.predictions[i] === fm[p].predictions[i] ? 1 : 0;
    rows.push(row("scikit-learn 1.2", nQueries, r.predict_s, r.predict_cpu_s, r.accuracy, `same predictions: ${same}/${r.predictions.length}`));
  }
  if (ml) {
    const r = ml.runs[p];
    const full = (r.predict_s * nQueries) / mlQueries;
    const fullCpu = (r.predict_cpu_s * nQueries) / mlQueries;
    rows.push(row("ml-knn 3.0", nQueries, full, fullCpu, r.accuracy, `EXTRAPOLATED from ${mlQueries} queries (${r.predict_s.toFixed(1)} s); accuracy on those`));
  }
}
console.table(rows);
for (const p of metrics) {
  if (!sk) break;
  const ratio = sk.runs[p].predict_s / fm[p].predict_s;
  const cpuRatio = sk.runs[p].predict_cpu_s / fm[p].predict_cpu_s;
  const goal = p === 2 ? 1 : 2;
  console.log(
    `p=${p}: fmbench is ${ratio.toFixed(2)}x as fast as scikit-learn in wall time, ${cpuRatio.toFixed(2)}x in CPU time ` +
      `(goal ${goal}x): ${Math.min(ratio, cpuRatio) >= goal ? "met" : "NOT met"}`,
  );
}
console.log(`peak RSS: fmbench ${fmRss.toFixed(0)} MB (full-size run, whole process)` +
  (sk ? `, scikit-learn ${sk.max_rss_mb.toFixed(0)} MB` : "") + (ml ? `, ml-knn child ${ml.max_rss_mb.toFixed(0)} MB` : ""));
