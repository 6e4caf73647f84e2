// Shared by bench/svc.mjs and bench/svc_fidelity.mjs: data slices and the scikit-learn peer.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SharedHeap, loadDataset, prepareData } from "../dist/index.js";

export async function slice(trainSize, testSize) {
  const dataset = await loadDataset("fashion");
  return prepareData(dataset, { trainSize, testSize, heap: SharedHeap.create() });
}

/** Runs bench/svc_sklearn.py with one BLAS/OpenMP thread; returns its results array. */
export function sklearnPeer(trainSize, testSize, configs) {
  const script = fileURLToPath(new URL("./svc_sklearn.py", import.meta.url));
  const out = execFileSync("/usr/bin/python3", [script, String(trainSize), String(testSize), JSON.stringify(configs)], {
    env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    maxBuffer: 256 * 2 ** 20, stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out.toString()).results;
}

export function agreement(a, b) {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}
