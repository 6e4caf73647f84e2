import type { SharedHeap } from "../wasm/heap.js";
import { kernelsFor } from "../wasm/load.js";

/**
 * newGLMNET kernels (assembly/glmnet.ts) for L1-regularized logistic regression, the
 * method of liblinear's L1R_LR solver; the driver is src/models/linear/glmnet.ts.
 * Xc is column-major float32: `ncols` columns of `rows` values each.
 */

/** The inputs and outputs of one coordinate-descent pass (all heap-resident for the WASM version). */
export interface CdPassBuffers {
  /** Coordinate order; its first `active` entries are visited (shrinking reorders it). */
  readonly index: Int32Array;
  readonly hess: Float64Array;
  readonly grad: Float64Array;
  /** The outer iterate w and the inner one w + d. */
  readonly w: Float64Array;
  readonly wpd: Float64Array;
  /** Per-sample Hessian weights and X d. */
  readonly D: Float64Array;
  readonly xTd: Float64Array;
  /** [Gmax_old, nu] in; [active, Gmax, Gnorm1, moved] out at [2..6). */
  readonly state: Float64Array;
}

/** For each column j: hess[j] = sum_i x_ij^2 D_i, grad[j] = sum_i x_ij tau_i. */
export function l1rLrSums(
  heap: SharedHeap, Xc: Float32Array, rows: number, ncols: number, D: Float64Array, tau: Float64Array,
  hess: Float64Array, grad: Float64Array,
): void {
  if (ncols === 0) return;
  if (![Xc, D, tau, hess, grad].every((a) => heap.owns(a))) throw new RangeError("l1rLrSums: arrays must be heap-resident");
  kernelsFor(heap).l1r_lr_sums_f32(Xc.byteOffset, rows, ncols, D.byteOffset, tau.byteOffset, hess.byteOffset, grad.byteOffset);
}

/** Plain-TS reference of l1rLrSums. */
export function l1rLrSumsReference(
  Xc: Float32Array, rows: number, ncols: number, D: Float64Array, tau: Float64Array, hess: Float64Array, grad: Float64Array,
): void {
  for (let j = 0; j < ncols; j++) {
    let h = 0;
    let g = 0;
    for (let i = 0; i < rows; i++) {
      const v = Xc[j * rows + i];
      h += v * v * D[i];
      g += v * tau[i];
    }
    hess[j] = h;
    grad[j] = g;
  }
}

/** One coordinate-descent pass over b.index[0..active) in WASM (see assembly/glmnet.ts). */
export function l1rLrCdPass(heap: SharedHeap, Xc: Float32Array, rows: number, active: number, b: CdPassBuffers): void {
  const arrays = [Xc, b.index, b.hess, b.grad, b.w, b.wpd, b.D, b.xTd, b.state];
  if (!arrays.every((a) => heap.owns(a))) throw new RangeError("l1rLrCdPass: arrays must be heap-resident");
  kernelsFor(heap).l1r_lr_cd_pass_f32(
    Xc.byteOffset, rows, b.index.byteOffset, active, b.hess.byteOffset, b.grad.byteOffset, b.w.byteOffset,
    b.wpd.byteOffset, b.D.byteOffset, b.xTd.byteOffset, b.state.byteOffset,
  );
}

/** Plain-TS reference of l1rLrCdPass. */
export function l1rLrCdPassReference(Xc: Float32Array, rows: number, active: number, b: CdPassBuffers): void {
  const { index, hess, grad, w, wpd, D, xTd, state } = b;
  const bound = state[0] / rows;
  const nu = state[1];
  let gmax = 0;
  let gnorm1 = 0;
  let moved = 0;
  let s = 0;
  while (s < active) {
    const j = index[s];
    const o = j * rows;
    let G = grad[j] + (wpd[j] - w[j]) * nu;
    for (let i = 0; i < rows; i++) G += Xc[o + i] * D[i] * xTd[i];
    const Gp = G + 1;
    const Gn = G - 1;
    const wj = wpd[j];
    let violation = 0;
    if (wj === 0) {
      if (Gp < 0) violation = -Gp;
      else if (Gn > 0) violation = Gn;
      else if (Gp > bound && Gn < -bound) {
        active--;
        index[s] = index[active];
        index[active] = j;
        continue;
      }
    } else violation = Math.abs(wj > 0 ? Gp : Gn);
    const H = hess[j];
    let z = Gp < H * wj ? -Gp / H : Gn > H * wj ? -Gn / H : -wj;
    s++;
    if (Math.abs(z) < 1e-12) continue;
    z = Math.min(Math.max(z, -10), 10);
    moved++;
    gmax = Math.max(gmax, violation);
    gnorm1 += violation;
    wpd[j] = wj + z;
    for (let i = 0; i < rows; i++) xTd[i] += z * Xc[o + i];
  }
  state[2] = active;
  state[3] = gmax;
  state[4] = gnorm1;
  state[5] = moved;
}
