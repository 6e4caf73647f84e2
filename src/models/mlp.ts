import type { Matrix } from "../core/matrix.js";
import { ParamError } from "../errors.js";
import { Random } from "../random.js";
import { gemmWorkFloats, mlpKernels, type MlpKernels } from "../kernels/gemm.js";
import { scratchFor, type ScratchArena, type SharedHeap } from "../wasm/heap.js";
import { threadHeap } from "../wasm/load.js";
import { BaseClassifier } from "./estimator.js";
import type { ParamSpecs, Params, ParamsOf } from "../params.js";

const MLP_PARAMS = {
  hidden_layer_sizes: { default: [100], constraints: [{ kind: "intTuple", min: 1 }, { kind: "interval", type: "int", min: 1 }] },
  activation: { default: "relu", constraints: [{ kind: "options", values: ["identity", "logistic", "tanh", "relu"] }] },
  solver: { default: "adam", constraints: [{ kind: "options", values: ["sgd", "adam"] }] },
  alpha: { default: 0.0001, constraints: [{ kind: "interval", type: "real", min: 0 }] },
  batch_size: { default: "auto", constraints: [{ kind: "options", values: ["auto"] }, { kind: "interval", type: "int", min: 1 }] },
  learning_rate: { default: "constant", constraints: [{ kind: "options", values: ["constant", "invscaling", "adaptive"] }] },
  learning_rate_init: { default: 0.001, constraints: [{ kind: "interval", type: "real", min: 0, closed: "neither" }] },
  power_t: { default: 0.5, constraints: [{ kind: "interval", type: "real", min: 0 }] },
  max_iter: { default: 200, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  shuffle: { default: true, constraints: [{ kind: "bool" }] },
  random_state: { default: null, constraints: [{ kind: "null" }, { kind: "interval", type: "int", min: 0 }] },
  tol: { default: 1e-4, constraints: [{ kind: "interval", type: "real", min: 0 }] },
  verbose: { default: false, constraints: [{ kind: "bool" }] },
  warm_start: { default: false, constraints: [{ kind: "options", values: [false] }] },
  momentum: { default: 0.9, constraints: [{ kind: "interval", type: "real", min: 0, max: 1 }] },
  nesterovs_momentum: { default: true, constraints: [{ kind: "bool" }] },
  early_stopping: { default: false, constraints: [{ kind: "bool" }] },
  validation_fraction: { default: 0.1, constraints: [{ kind: "interval", type: "real", min: 0, max: 1, closed: "left" }] },
  beta_1: { default: 0.9, constraints: [{ kind: "interval", type: "real", min: 0, max: 1, closed: "left" }] },
  beta_2: { default: 0.999, constraints: [{ kind: "interval", type: "real", min: 0, max: 1, closed: "left" }] },
  epsilon: { default: 1e-8, constraints: [{ kind: "interval", type: "real", min: 0, closed: "neither" }] },
  n_iter_no_change: { default: 10, constraints: [{ kind: "interval", type: "int", min: 1 }] },
  max_fun: { default: 15000, constraints: [{ kind: "interval", type: "int", min: 1 }] },
} as const satisfies ParamSpecs;

/** MLPClassifier's constructor params, typed from its declarations above. */
export type MLPClassifierParams = ParamsOf<typeof MLP_PARAMS>;

type Activation = "identity" | "logistic" | "tanh" | "relu";
/** numpy's float64 eps: scikit-learn clips probabilities to [eps, 1 - eps] in the log loss. */
const LOG_EPS = 2.220446049250313e-16;

/**
 * The network's buffers in the heap: parameters flattened as [W0, b0, W1, b1, ...]
 * (W_l row-major fan_in x fan_out), activations and deltas for up to `maxRows` rows.
 */
class Net {
  readonly wOff: number[] = [];
  readonly bOff: number[] = [];
  readonly nParams: number;
  readonly params: number;
  readonly acts: number[] = [];
  readonly deltas: number[] = [];
  /** Packed-panel work space of gemm_f32, sized for the largest product. */
  private readonly work: number;

  constructor(
    private readonly heap: SharedHeap, private readonly wasm: MlpKernels, arena: ScratchArena,
    readonly sizes: readonly number[], readonly maxRows: number, readonly activation: Activation,
  ) {
    let off = 0;
    let work = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      this.wOff.push(off);
      off += sizes[l] * sizes[l + 1];
      this.bOff.push(off);
      off += sizes[l + 1];
      // forward (n = fan_out, k = fan_in), weight gradient (n = fan_out, k = rows), delta (n = fan_in, k = fan_out)
      work = Math.max(work, gemmWorkFloats(sizes[l + 1], sizes[l]), gemmWorkFloats(sizes[l + 1], maxRows),
        gemmWorkFloats(sizes[l], sizes[l + 1]));
    }
    this.nParams = off;
    this.params = arena.alloc(off * 4);
    this.work = arena.alloc(work * 4);
    for (let l = 0; l < sizes.length; l++) {
      this.acts.push(arena.alloc(maxRows * sizes[l] * 4));
      this.deltas.push(l === 0 ? 0 : arena.alloc(maxRows * sizes[l] * 4));
    }
  }

  get layers(): number {
    return this.sizes.length - 1;
  }

  paramView(): Float32Array {
    return this.heap.f32(this.params, this.nParams);
  }

  /** Forward pass over the `rows` rows already in acts[0]; returns the output activations (probabilities). */
  forward(rows: number): Float32Array {
    const { heap, wasm, sizes } = this;
    for (let l = 0; l < this.layers; l++) {
      const fi = sizes[l];
      const fo = sizes[l + 1];
      wasm.gemm(rows, fo, fi, this.acts[l], fi, 1, this.params + this.wOff[l] * 4, fo, 1, this.acts[l + 1], fo, 0, this.work);
      const a = heap.f32(this.acts[l + 1], rows * fo);
      const last = l === this.layers - 1;
      const act = last ? 0 : WASM_ACTIVATION[this.activation];
      wasm.biasAct(this.acts[l + 1], rows, fo, this.params + this.bOff[l] * 4, act ?? 0);
      if (last && fo === 1) for (let i = 0; i < a.length; i++) a[i] = logistic(a[i]);
      else if (last) wasm.softmaxRows(this.acts[l + 1], rows, fo);
      else if (act === undefined) applyActivation(this.activation, a);
    }
    return heap.f32(this.acts[this.layers], rows * sizes[this.layers]);
  }

  /**
   * Backward pass after forward(rows), with deltas[last] already holding p - y;
   * writes the gradient of the mean loss plus the L2 term into `grads` (f32, params layout).
   * Returns the sum of squared weights (for the loss's L2 term).
   */
  backward(rows: number, alpha: number, grads: number): number {
    const { wasm, sizes } = this;
    let sq = 0;
    for (let l = this.layers - 1; l >= 0; l--) {
      const fi = sizes[l];
      const fo = sizes[l + 1];
      const gw = grads + this.wOff[l] * 4;
      wasm.gemm(fi, fo, rows, this.acts[l], 1, fi, this.deltas[l + 1], fo, 1, gw, fo, 0, this.work);
      const w0 = this.wOff[l];
      const inv = 1 / rows;
      sq += wasm.l2Grad(gw, this.params + w0 * 4, fi * fo, alpha, inv);
      wasm.biasGrad(this.deltas[l + 1], rows, fo, grads + this.bOff[l] * 4, inv);
      if (l === 0) continue;
      // delta_l = (delta_{l+1} W_l^T) * f'(a_l); the kernel reads W_l transposed through its strides.
      wasm.gemm(rows, fi, fo, this.deltas[l + 1], fo, 1, this.params + w0 * 4, 1, fo, this.deltas[l], fi, 0, this.work);
      wasm.actGrad(this.acts[l], this.deltas[l], rows * fi, ACT_GRAD[this.activation]);
    }
    return sq;
  }
}

/** act_grad_f32's code of each activation's derivative (identity: 0, leaves the deltas as they are). */
const ACT_GRAD: Record<Activation, number> = { identity: 0, relu: 1, tanh: 2, logistic: 3 };

/** The activations bias_act_f32 applies itself (logistic stays in JS). */
const WASM_ACTIVATION: Partial<Record<Activation, number>> = { identity: 0, relu: 1, tanh: 2 };

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function applyActivation(kind: Activation, a: Float32Array): void {
  switch (kind) {
    case "relu": for (let i = 0; i < a.length; i++) if (a[i] < 0) a[i] = 0; break;
    case "tanh": for (let i = 0; i < a.length; i++) a[i] = Math.tanh(a[i]); break; // forward() uses tanh_f32
    case "logistic": for (let i = 0; i < a.length; i++) a[i] = logistic(a[i]); break;
    case "identity": break;
  }
}

/** delta *= f'(z), written in terms of the activation a = f(z), as the backward pass has a. */


/** X's rows and a row-index buffer in the heap, so batches are gathered in WASM. */
interface HeapRows {
  readonly X: number;
  readonly cols: number;
  readonly idx: Int32Array;
}

/** Copies rows order[start..end) of the heap-resident X into the heap buffer at `dst`. */
function gatherRows(wasm: MlpKernels, rows: HeapRows, order: ArrayLike<number>, start: number, end: number, dst: number): void {
  const n = end - start;
  for (let t = 0; t < n; t++) rows.idx[t] = order[start + t];
  wasm.gatherRows(rows.X, rows.cols, rows.idx.byteOffset, n, dst);
}

/**
 * Multi-layer perceptron classifier with scikit-learn 1.2's semantics for the
 * stochastic solvers: `adam` (default) and `sgd` (momentum, Nesterov, constant,
 * invscaling or adaptive learning rate), minibatches of min(200, n) reshuffled every
 * epoch, Glorot-uniform initialization (bound sqrt(6 / (fan_in + fan_out)), or
 * sqrt(2 / ...) for logistic), softmax cross-entropy output (one logistic unit for two
 * classes), L2 penalty alpha, stopping after n_iter_no_change epochs without a tol
 * improvement of the training loss (or of the validation accuracy with
 * early_stopping). Matrix products run on the WASM blocked SIMD gemm; parameters are
 * float32. Seeded by random_state (fmbench's generator: runs match scikit-learn in
 * distribution, not draw for draw). `lbfgs` is not implemented.
 */
export class MLPClassifier extends BaseClassifier<typeof MLP_PARAMS> {
  readonly estimatorName = "MLPClassifier";
  static readonly paramSpecs = MLP_PARAMS;

  /** Flattened parameters [W0, b0, W1, b1, ...], W_l row-major fan_in x fan_out. */
  private weights: Float32Array | null = null;
  private sizes: number[] = [];
  n_iter_ = 0;
  loss_ = NaN;
  loss_curve_: number[] = [];
  validation_scores_: number[] = [];
  best_validation_score_: number | null = null;
  best_loss_: number | null = null;
  t_ = 0;
  private readonly heap: SharedHeap;

  constructor(params: MLPClassifierParams = {}, heap: SharedHeap = threadHeap()) {
    super("MLPClassifier", MLP_PARAMS, params);
    this.heap = heap;
  }

  private hidden(): number[] {
    const h = this.params.hidden_layer_sizes;
    return typeof h === "number" ? [h] : (h as number[]).slice();
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const { classes, codes } = this.checkFitInput(X, y);
    const p = this.params;
    const k = classes.length;
    if (k < 2) throw new ParamError("MLPClassifier", "y", "MLPClassifier: needs samples of at least 2 classes");
    const nOut = k === 2 ? 1 : k;
    const sizes = [X.cols, ...this.hidden(), nOut];
    const activation = p.activation as Activation;
    const seed = p.random_state === null ? Math.floor(Math.random() * 2 ** 32) : (p.random_state as number);
    const rng = new Random(seed);

    // Validation split for early stopping: stratified by class, seeded.
    let trainIdx: Int32Array;
    let valIdx = new Int32Array(0);
    if (p.early_stopping === true) {
      const frac = p.validation_fraction as number;
      const byClass: number[][] = Array.from({ length: k }, () => []);
      for (const r of rng.permutation(X.rows)) byClass[codes[r]].push(r);
      const val: number[] = [];
      const train: number[] = [];
      for (const list of byClass) {
        const nVal = Math.round(frac * list.length);
        val.push(...list.slice(0, nVal));
        train.push(...list.slice(nVal));
      }
      trainIdx = Int32Array.from(train.sort((a, b) => a - b));
      valIdx = Int32Array.from(val.sort((a, b) => a - b));
    } else {
      trainIdx = Int32Array.from({ length: X.rows }, (_, i) => i);
    }
    const n = trainIdx.length;
    const batch = p.batch_size === "auto" ? Math.min(200, n) : Math.max(1, Math.min(p.batch_size as number, n));

    const heap = this.heap;
    const wasm = mlpKernels(heap);
    const arena = scratchFor(heap);
    arena.reset();
    const net = new Net(heap, wasm, arena, sizes, Math.max(batch, Math.min(valIdx.length, 1024)), activation);
    const rowsIn: HeapRows = { X: arena.pointerTo(X.data), cols: X.cols, idx: heap.i32(arena.alloc(net.maxRows * 4), net.maxRows) };
    const P = net.paramView();
    const factor = activation === "logistic" ? 2 : 6;
    for (let l = 0; l < net.layers; l++) {
      const fi = sizes[l];
      const fo = sizes[l + 1];
      const bound = Math.sqrt(factor / (fi + fo));
      for (let i = 0; i < fi * fo; i++) P[net.wOff[l] + i] = (rng.next() * 2 - 1) * bound;
      for (let j = 0; j < fo; j++) P[net.bOff[l] + j] = (rng.next() * 2 - 1) * bound;
    }
    const grads = arena.alloc(net.nParams * 4);
    const G = heap.f32(grads, net.nParams);
    const m1 = arena.alloc(net.nParams * 4);
    const m2 = arena.alloc(net.nParams * 4);
    heap.f32(m1, net.nParams).fill(0);
    heap.f32(m2, net.nParams).fill(0);
    const velocity = heap.f32(m1, net.nParams);

    const alpha = p.alpha as number;
    const tol = p.tol as number;
    const solver = p.solver as "adam" | "sgd";
    const lrInit = p.learning_rate_init as number;
    const schedule = p.learning_rate as "constant" | "invscaling" | "adaptive";
    let lr = lrInit;
    const momentum = p.momentum as number;
    const b1 = p.beta_1 as number;
    const b2 = p.beta_2 as number;
    let adamT = 0;
    const maxIter = p.max_iter as number;
    const patience = p.n_iter_no_change as number;

    this.loss_curve_ = [];
    this.validation_scores_ = [];
    let bestLoss = Infinity;
    let bestScore = -Infinity;
    let bestParams: Float32Array | null = null;
    let noImprovement = 0;
    this.t_ = 0;
    this.n_iter_ = 0;
    let order = trainIdx;

    for (let epoch = 0; epoch < maxIter; epoch++) {
      if (p.shuffle === true) {
        const perm = rng.permutation(n);
        order = Int32Array.from(perm, (i) => trainIdx[i]);
      }
      let accumulated = 0;
      for (let start = 0; start < n; start += batch) {
        const end = Math.min(n, start + batch);
        const rows = end - start;
        gatherRows(wasm, rowsIn, order, start, end, net.acts[0]);
        const out = net.forward(rows);
        const delta = heap.f32(net.deltas[net.layers], rows * nOut);
        let loss = 0;
        for (let r = 0; r < rows; r++) {
          const c = codes[order[start + r]];
          if (nOut === 1) {
            const q = out[r];
            const t = c === 1 ? 1 : 0;
            const qc = Math.min(1 - LOG_EPS, Math.max(LOG_EPS, q));
            loss -= t * Math.log(qc) + (1 - t) * Math.log(1 - qc);
            delta[r] = q - t;
          } else {
            const o = r * nOut;
            for (let j = 0; j < nOut; j++) delta[o + j] = out[o + j];
            delta[o + c] -= 1;
            loss -= Math.log(Math.min(1 - LOG_EPS, Math.max(LOG_EPS, out[o + c])));
          }
        }
        const sq = net.backward(rows, alpha, grads);
        loss = loss / rows + (0.5 * alpha * sq) / rows;
        if (solver === "adam") {
          adamT++;
          const lrT = (lrInit * Math.sqrt(1 - b2 ** adamT)) / (1 - b1 ** adamT);
          wasm.adam(net.params, grads, m1, m2, net.nParams, lrT, b1, b2, p.epsilon as number);
        } else {
          for (let i = 0; i < net.nParams; i++) {
            const v = momentum * velocity[i] - lr * G[i];
            velocity[i] = v;
            P[i] += p.nesterovs_momentum === true ? momentum * v - lr * G[i] : v;
          }
        }
        accumulated += loss * rows;
      }
      this.n_iter_++;
      this.loss_ = accumulated / n;
      this.t_ += n;
      this.loss_curve_.push(this.loss_);

      if (p.early_stopping === true) {
        const score = this.scoreRows(net, rowsIn, valIdx, codes, nOut);
        this.validation_scores_.push(score);
        noImprovement = score < bestScore + tol ? noImprovement + 1 : 0;
        if (score > bestScore) {
          bestScore = score;
          bestParams = P.slice();
        }
      } else {
        noImprovement = this.loss_ > bestLoss - tol ? noImprovement + 1 : 0;
        if (this.loss_ < bestLoss) bestLoss = this.loss_;
      }
      if (solver === "sgd" && schedule === "invscaling") lr = lrInit / (this.t_ + 1) ** (p.power_t as number);
      if (noImprovement > patience) {
        // adam always stops; sgd with the adaptive schedule divides the rate by 5 until it is tiny.
        if (solver === "sgd" && schedule === "adaptive" && lr > 1e-6) {
          lr /= 5;
          noImprovement = 0;
        } else {
          break;
        }
      }
    }
    if (p.early_stopping === true && bestParams) P.set(bestParams);
    this.best_loss_ = p.early_stopping === true ? null : bestLoss;
    this.best_validation_score_ = p.early_stopping === true ? bestScore : null;
    this.weights = P.slice();
    this.sizes = sizes;
    return this.finishFit(classes, X.cols);
  }

  /** Accuracy of the current parameters on rows idx of X (validation during early stopping). */
  private scoreRows(net: Net, rowsIn: HeapRows, idx: Int32Array, codes: Int32Array, nOut: number): number {
    let hits = 0;
    for (let s = 0; s < idx.length; s += net.maxRows) {
      const e = Math.min(idx.length, s + net.maxRows);
      gatherRows(mlpKernels(this.heap), rowsIn, idx, s, e, net.acts[0]);
      const out = net.forward(e - s);
      for (let r = 0; r < e - s; r++) if (argmax(out, r, nOut) === codes[idx[s + r]]) hits++;
    }
    return hits / Math.max(1, idx.length);
  }

  /** Class probabilities, samples x classes, row-major. */
  predictProba(X: Matrix): Float64Array {
    this.checkPredictInput(X);
    const k = this.classes_!.length;
    const nOut = this.sizes[this.sizes.length - 1];
    const out = new Float64Array(X.rows * k);
    this.forEachChunk(X, (start, probs, rows) => {
      for (let r = 0; r < rows; r++) {
        if (nOut === 1) {
          out[(start + r) * 2] = 1 - probs[r];
          out[(start + r) * 2 + 1] = probs[r];
        } else {
          for (let j = 0; j < k; j++) out[(start + r) * k + j] = probs[r * k + j];
        }
      }
    });
    return out;
  }

  private forEachChunk(X: Matrix, visit: (start: number, probs: Float32Array, rows: number) => void): void {
    const heap = this.heap;
    const arena = scratchFor(heap);
    arena.reset();
    const chunk = 1024;
    const wasm = mlpKernels(heap);
    const net = new Net(heap, wasm, arena, this.sizes, Math.min(chunk, Math.max(1, X.rows)), this.params.activation as Activation);
    net.paramView().set(this.weights!);
    const rowsIn: HeapRows = { X: arena.pointerTo(X.data), cols: X.cols, idx: heap.i32(arena.alloc(net.maxRows * 4), net.maxRows) };
    const all = Int32Array.from({ length: X.rows }, (_, i) => i);
    for (let s = 0; s < X.rows; s += net.maxRows) {
      const e = Math.min(X.rows, s + net.maxRows);
      gatherRows(wasm, rowsIn, all, s, e, net.acts[0]);
      visit(s, net.forward(e - s), e - s);
    }
  }

  protected predictCodes(X: Matrix): Int32Array {
    const nOut = this.sizes[this.sizes.length - 1];
    const out = new Int32Array(X.rows);
    this.forEachChunk(X, (start, probs, rows) => {
      for (let r = 0; r < rows; r++) out[start + r] = nOut === 1 ? (probs[r] > 0.5 ? 1 : 0) : argmax(probs, r, nOut);
    });
    return out;
  }
}

function argmax(a: Float32Array, row: number, k: number): number {
  if (k === 1) return a[row] > 0.5 ? 1 : 0;
  let best = 0;
  const o = row * k;
  for (let j = 1; j < k; j++) if (a[o + j] > a[o + best]) best = j;
  return best;
}

/** Bytes an MLP fit needs beyond the dataset: parameters (x4 for gradients and Adam) and a batch of activations. */
export function estimateMlpMemory(params: Params, shape: { trainRows: number; cols: number; classes: number }): number {
  const h = params.hidden_layer_sizes;
  const hidden = typeof h === "number" ? [h] : Array.isArray(h) ? (h as number[]) : [100];
  const sizes = [shape.cols, ...hidden, shape.classes];
  let nParams = 0;
  for (let l = 0; l + 1 < sizes.length; l++) nParams += (sizes[l] + 1) * sizes[l + 1];
  const acts = 1024 * sizes.reduce((a, b) => a + b, 0) * 2;
  return (nParams * 5 + acts) * 4 + 32 * 2 ** 20;
}
