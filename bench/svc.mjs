// SVC speed: C=10, rbf (the published best classical model), one thread, fmbench against
// scikit-learn 1.2 (libsvm, OMP/BLAS threads 1) in the same run, on a fixed slice where both
// finish in minutes on a loaded 2-core machine; ml-svm (the JS reference engine) on a slice it can finish.
// Usage: npm run bench:svc [-- N_TRAIN N_TEST ML_SVM_TRAIN ML_SVM_TEST]
import { MljsSVC, SVC } from "../dist/index.js";
import { agreement, sklearnPeer, slice } from "./svc_common.mjs";
import { benchArgs } from "./lib/args.mjs";

const sizes = benchArgs()._;
const nTrain = Number(sizes[0] ?? 10000);
const nTest = Number(sizes[1] ?? 10000);
const mlTrain = Number(sizes[2] ?? 1000);
const mlTest = Number(sizes[3] ?? 500);
const params = { C: 10, kernel: "rbf" };

function timeOurs(d, Estimator) {
  const t0 = performance.now();
  const clf = new Estimator(params).fit(d.Xtrain, d.ytrain);
  const t1 = performance.now();
  const pred = clf.predict(d.Xtest);
  const t2 = performance.now();
  return { clf, pred, fit: (t1 - t0) / 1000, predict: (t2 - t1) / 1000, accuracy: agreement(pred, d.ytest) };
}

const rows = [];
const show = (engine, n, m, r, peer) => {
  const total = r.fit + r.predict;
  const row = {
    engine, train: n, test: m, fit_s: r.fit.toFixed(2), predict_s: r.predict.toFixed(2), total_s: total.toFixed(2),
    accuracy: r.accuracy.toFixed(4),
    "sklearn/this (fit)": peer ? (peer.fit_seconds / r.fit).toFixed(2) : "",
    "sklearn/this (total)": peer ? ((peer.fit_seconds + peer.predict_seconds) / total).toFixed(2) : "",
  };
  rows.push(row);
  console.log(JSON.stringify(row));
};

console.log(`SVC C=10 rbf on ${nTrain} train / ${nTest} test images (standardized pixels), one thread each`);
const [peer] = sklearnPeer(nTrain, nTest, [params]);
show("scikit-learn 1.2 (libsvm)", nTrain, nTest, { fit: peer.fit_seconds, predict: peer.predict_seconds, accuracy: peer.accuracy }, peer);
const d = await slice(nTrain, nTest);
const ours = timeOurs(d, SVC);
show("fmbench SVC (WASM)", nTrain, nTest, ours, peer);
console.log(`prediction agreement with scikit-learn: ${agreement(ours.pred, peer.predictions).toFixed(4)}; ` +
  `support vectors ${Array.from(ours.clf.n_support_).reduce((a, b) => a + b, 0)} vs ${peer.n_support.reduce((a, b) => a + b, 0)}; ` +
  `kernel rows computed ${ours.clf.kernelRowsComputed_}, SMO iterations ${ours.clf.n_iter_.reduce((a, b) => a + b, 0)}`);

const [peerSmall] = sklearnPeer(mlTrain, mlTest, [params]);
const small = await slice(mlTrain, mlTest);
show("scikit-learn 1.2 (libsvm)", mlTrain, mlTest, { fit: peerSmall.fit_seconds, predict: peerSmall.predict_seconds, accuracy: peerSmall.accuracy }, peerSmall);
show("fmbench SVC (WASM)", mlTrain, mlTest, timeOurs(small, SVC), peerSmall);
show("ml-svm 2.1.2 (one-vs-one adapter)", mlTrain, mlTest, timeOurs(small, MljsSVC), peerSmall);
console.table(rows);
