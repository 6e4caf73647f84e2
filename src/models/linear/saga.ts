import type { Matrix } from "../../core/matrix.js";
import { FmbenchError } from "../../errors.js";
import { LinalgWorkspace } from "../../kernels/linalg.js";
import { PLAIN_ALLOCATOR, sagaBuffers, sagaEpoch, sagaEpochReference } from "../../kernels/saga.js";
import { definePieces, type HeapRef, heapRef, i32At, matrixAt, matrixRef, type MatrixRef, runPieces } from "../../parallel/pieces.js";
import type { SharedHeap } from "../../wasm/heap.js";
import { ovrPositives } from "./common.js";
import { MAX_INT, NumpyRandomState } from "./sklearn_random.js";

/**
 * scikit-learn 1.2's saga solver for LogisticRegression on dense data (sklearn/linear_model
 * _sag.py and _sag_fast.pyx): objective (1/n) sum_i loss_i + alpha/(2n) ||W||^2 + beta/n ||W||_1
 * (intercepts free), its automatic step size, epochs of n draws with replacement from its
 * xorshift generator seeded as make_dataset seeds it (so the samples come in scikit-learn's
 * order for the same random_state), and its stopping rule: after an epoch,
 * max|W - W_prev| / max|W| <= tol, else max_iter epochs.
 */
export interface SagaOptions {
  /** Weight rows: the number of classes (multinomial) or 1 (binary). */
  K: number;
  /** < 0: multinomial loss over class codes 0..K-1; else binary log loss, y = +1 for this code. */
  positive: number;
  /** L2 and L1 strengths before scaling by 1/n (LogisticRegression: 1/C for its penalty, 0 for the other). */
  alpha: number;
  beta: number;
  maxIter: number;
  tol: number;
  fitIntercept: boolean;
  /** random_state (an integer; LogisticRegression passes fmbench's default seed for None). */
  randomState: number;
  /** max_i ||x_i||^2 (scikit-learn computes it once per fit). */
  maxSquaredSum: number;
}

export interface SagaResult {
  /** K x cols, class-major. */
  coef: Float64Array;
  intercept: Float64Array;
  /** Epochs run, as scikit-learn counts them. */
  nIter: number;
  /** True when the stopping rule did not fire (scikit-learn warns when nIter == max_iter). */
  hitMaxIter: boolean;
}

/** scikit-learn's get_auto_step_size for the log / multinomial loss, saga variant. */
export function sagaStepSize(maxSquaredSum: number, alphaScaled: number, fitIntercept: boolean, nSamples: number): number {
  const L = 0.25 * (maxSquaredSum + (fitIntercept ? 1 : 0)) + alphaScaled;
  return 1 / (2 * L + Math.min(2 * nSamples * alphaScaled, L));
}

/** The dataset seed make_dataset draws: RandomState(random_state).randint(1, MAX_INT). */
export function sagaDatasetSeed(randomState: number): number {
  return new NumpyRandomState(randomState).randint(1, MAX_INT);
}

/**
 * Solves one problem. With a workspace, X and labels must be heap-resident and the
 * epochs run in WASM; with `null`, the plain-TS reference runs them (tests).
 */
export function sagaSolve(ws: LinalgWorkspace | null, X: Matrix, labels: Int32Array, o: SagaOptions): SagaResult {
  const { rows: n, cols } = X;
  const { K } = o;
  const buf = sagaBuffers(ws ?? PLAIN_ALLOCATOR, n, cols, K);
  const alphaScaled = o.alpha / n;
  const step = sagaStepSize(o.maxSquaredSum, alphaScaled, o.fitIntercept, n);
  buf.params.set([step, 1 - step * alphaScaled, step * (o.beta / n), o.fitIntercept ? 1 : 0]);
  const { W, b, order } = buf;
  const previous = new Float64Array(K * cols);
  let seed = sagaDatasetSeed(o.randomState) >>> 0;
  // scikit-learn's loop variable ends one short of max_iter when no epoch converges and
  // is then incremented, so max_iter = 0 reports one epoch (with none run).
  let epoch = 0;
  let converged = false;
  for (; epoch < o.maxIter; epoch++) {
    for (let s = 0; s < n; s++) {
      // SequentialDataset.random: our_rand_r(&seed) % n, the seed carried across epochs
      if (seed === 0) seed = 1;
      seed = (seed ^ (seed << 13)) >>> 0;
      seed = (seed ^ (seed >>> 17)) >>> 0;
      seed = (seed ^ (seed << 5)) >>> 0;
      order[s] = (seed & 0x7fffffff) % n;
    }
    if (ws) sagaEpoch(ws.heap, X, labels, K, o.positive, buf, n);
    else sagaEpochReference(X, labels, K, o.positive, buf, n);
    let maxWeight = 0;
    let maxChange = 0;
    let finite = true;
    for (let k = 0; k < W.length; k++) {
      const w = W[k];
      if (!Number.isFinite(w)) finite = false;
      maxWeight = Math.max(maxWeight, Math.abs(w));
      maxChange = Math.max(maxChange, Math.abs(w - previous[k]));
      previous[k] = w;
    }
    for (let c = 0; c < K; c++) if (!Number.isFinite(b[c])) finite = false;
    if (!finite) {
      throw new FmbenchError(
        `Floating-point under-/overflow occurred at epoch #${epoch + 1}. Scaling input data with StandardScaler or MinMaxScaler might help.`,
      );
    }
    if ((maxWeight !== 0 && maxChange / maxWeight <= o.tol) || (maxWeight === 0 && maxChange === 0)) {
      converged = true;
      break;
    }
  }
  const nIter = converged ? epoch + 1 : Math.max(o.maxIter, 1);
  return { coef: Float64Array.from(W), intercept: Float64Array.from(b), nIter, hitMaxIter: nIter === o.maxIter };
}

/** The options of every one-vs-rest problem (all finite: they cross threads as JSON). */
export type SagaOvrOptions = Omit<SagaOptions, "K" | "positive">;

interface SagaProblemArgs {
  readonly X: MatrixRef;
  readonly labels: HeapRef;
  readonly options: SagaOvrOptions;
  /** The positive class of each problem (ovrPositives). */
  readonly positives: number[];
}

/** Heap bytes of one binary problem's buffers (sagaBuffers with K = 1). */
function sagaProblemBytes(rows: number, cols: number): number {
  return 16 * cols + 16 * rows + 10 * 64;
}

const SAGA_PROBLEMS = definePieces("LogisticRegression.sagaProblems", (a: SagaProblemArgs, problem: number, heap: SharedHeap): SagaResult => {
  const ws = LinalgWorkspace.for(heap);
  ws.reset();
  return sagaSolve(ws, matrixAt(heap, a.X), i32At(heap, a.labels), { ...a.options, K: 1, positive: a.positives[problem] });
});

/**
 * One-vs-rest saga: one binary problem per class (one for two classes), each from the
 * same dataset seed as scikit-learn's path calls, as independent pieces that idle
 * threads may solve; results in problem order. X and labels must be heap-resident.
 */
export function sagaOneVsRest(heap: SharedHeap, X: Matrix, labels: Int32Array, nClasses: number, options: SagaOvrOptions): SagaResult[] {
  const positives = ovrPositives(nClasses);
  const args: SagaProblemArgs = { X: matrixRef(heap, X), labels: heapRef(heap, labels), options, positives };
  return runPieces(SAGA_PROBLEMS, args, positives.length, {
    heap, label: "LogisticRegression one-vs-rest problems (saga)", pieceBytes: sagaProblemBytes(X.rows, X.cols),
  });
}
