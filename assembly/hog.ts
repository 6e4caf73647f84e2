// Histogram of oriented gradients with the semantics of skimage.feature.hog
// (scikit-image 0.19, feature_vector=True, one grey channel).
//
// Per image: centred differences (zero on the border rows/columns), magnitude
// sqrt(gx^2 + gy^2), orientation atan2(gy, gx) in degrees modulo 180, one
// histogram per cell of the magnitudes whose orientation falls in
// [180/n * i, 180/n * (i + 1)), then each block of cells normalized on its own.
//
// The orientation is found in f32 SIMD with a polynomial arctangent. A pixel
// whose angle lies within MARGIN_DEG of a bin edge is binned again in f64 with
// the exact formula scikit-image evaluates (atan2, rad2deg, numpy's remainder,
// float64 bin edges), so edge cases (45 and 90 degrees with integer gradients)
// land in the same bin as there. With transform_sqrt a gradient can lie within an
// ulp of an edge (sqrt(3a) / sqrt(a) is tan 60 degrees); there the bin follows the
// last bit of atan2, so the angle is atan2 rounded to the nearest float64
// (atan2_rounded.ts), as glibc's atan2, which numpy calls, gives it (Math.atan2,
// musl's algorithm, is at times an ulp off).
//
// Memory: the caller passes every buffer. `plane` holds one image as f32 with a
// one-pixel reflected border, `(height + 2) * hogPlaneStride(width)` floats.
// `hist` holds the cell histograms, `nCellRows * (nCellCols + 1) * n` floats:
// the extra cell per row catches the lanes of a SIMD vector past the last cell.
// `colOffset` holds `round4(nCellCols * cellCols) + 4` i32 (each column's cell), then
// 64 bytes to spill SIMD lanes into and 240 bytes of constants (src/kernels/hog.ts sizes it).

import { atan2Rounded } from "./atan2_rounded";

const NORM_L1: i32 = 0;
const NORM_L1_SQRT: i32 = 1;
const NORM_L2: i32 = 2;
const NORM_L2_HYS: i32 = 3;

/** scikit-image's block-normalization epsilon. */
const EPS: f32 = 1e-5;
/** Angles closer than this to a bin edge are binned again in f64. */
const MARGIN_DEG: f32 = 0.02;

/** Floats per plane row: the image row, its two border pixels and room for a SIMD read past the end. */
// @ts-ignore: decorator
@inline function hogPlaneStride(width: i32): i32 {
  return (width + 8) & ~3;
}

/** atan(z) for z in [0, 1], 4 lanes; max error 1.7e-6 rad (coefficients at K). */
// @ts-ignore: decorator
@inline function atan01(z: v128, K: usize): v128 {
  const z2 = f32x4.mul(z, z);
  let p = v128.load(K);
  p = f32x4.add(f32x4.mul(p, z2), v128.load(K, 16));
  p = f32x4.add(f32x4.mul(p, z2), v128.load(K, 32));
  p = f32x4.add(f32x4.mul(p, z2), v128.load(K, 48));
  p = f32x4.add(f32x4.mul(p, z2), v128.load(K, 64));
  p = f32x4.add(f32x4.mul(p, z2), v128.load(K, 80));
  return f32x4.mul(p, z);
}

// @ts-ignore: decorator
@inline function pixel(img: usize, width: i32, r: i32, c: i32, sqrtIn: bool): f64 {
  const v = <f64>load<u8>(img + <usize>(r * width + c));
  return sqrtIn ? Math.sqrt(v) : v;
}

/**
 * The bin scikit-image assigns to pixel (r, c), computed as it does in float64;
 * -1 when the angle falls in no bin (possible only when 180/n * n < 180).
 */
function exactBin(img: usize, height: i32, width: i32, r: i32, c: i32, n: i32, sqrtIn: bool): i32 {
  const gx = c > 0 && c < width - 1 ? pixel(img, width, r, c + 1, sqrtIn) - pixel(img, width, r, c - 1, sqrtIn) : 0.0;
  const gy = r > 0 && r < height - 1 ? pixel(img, width, r + 1, c, sqrtIn) - pixel(img, width, r - 1, c, sqrtIn) : 0.0;
  // Directions where rad2deg(atan2(gy, gx)) is an exact number of degrees in numpy as here; common with
  // integer gradients and bin edges at 45 or 90 degrees, and cheaper than atan2.
  let deg: f64;
  if (gy == 0) deg = 0; // atan2 gives 0 or pi, and rad2deg(pi) % 180 == 0
  else if (gx == 0) deg = 90;
  else if (gx == gy) deg = 45;
  else if (gx == -gy) deg = 135;
  else deg = atan2Rounded(gy, gx) * (180.0 / Math.PI);
  return binOfDegrees(deg, n);
}

/** scikit-image's bin for rad2deg(atan2(...)) = `deg`: numpy's remainder, then float64 bin edges; -1 for none. */
function binOfDegrees(deg: f64, n: i32): i32 {
  // numpy's floating remainder with a positive divisor.
  let o = deg % 180.0;
  if (o != 0) {
    if (o < 0) o += 180.0;
  } else {
    o = 0;
  }
  const width180 = 180.0 / <f64>n;
  for (let i = 0; i < n; i++) {
    if (o < width180 * <f64>(i + 1) && o >= width180 * <f64>i) return i;
  }
  return -1;
}

/**
 * HOG features of `count` images of `height x width` u8 pixels at `src` (row-major,
 * one image after the other) into `dst`, f32, `count x dim` with
 * dim = nBlockRows * nBlockCols * blockRows * blockCols * orientations, in
 * scikit-image's order (block row, block col, cell row, cell col, orientation).
 * `norm`: 0 L1, 1 L1-sqrt, 2 L2, 3 L2-Hys. The caller checks that at least one
 * block fits.
 */
export function hog_u8(
  src: usize, count: i32, height: i32, width: i32,
  orientations: i32, cellRows: i32, cellCols: i32, blockRows: i32, blockCols: i32,
  norm: i32, transformSqrt: i32,
  plane: usize, hist: usize, colOffset: usize, dst: usize,
): void {
  const n = orientations;
  const nCellCols = width / cellCols;
  const usedCols = nCellCols * cellCols;
  const dim = (height / cellRows - blockRows + 1) * (nCellCols - blockCols + 1) * blockRows * blockCols * n;

  // Column -> offset of its cell in a row of cells; lanes past the last cell spill into the extra cell.
  const spillCols = ((usedCols + 3) & ~3) + 4;
  for (let c = 0; c < spillCols; c++) {
    store<i32>(colOffset + (<usize>c << 2), (c < usedCols ? c / cellCols : nCellCols) * n);
  }
  // V8 rebuilds a v128.const from immediates at every use; constants loaded from memory cost one load.
  const K = colOffset + (<usize>spillCols << 2) + 64; // after 64 bytes for spilling vectors
  v128.store(K, f32x4.splat(-0.0117212));
  v128.store(K, f32x4.splat(0.05265332), 16);
  v128.store(K, f32x4.splat(-0.11643287), 32);
  v128.store(K, f32x4.splat(0.19354346), 48);
  v128.store(K, f32x4.splat(-0.33262347), 64);
  v128.store(K, f32x4.splat(0.99997726), 80);
  v128.store(K, f32x4.splat(<f32>(Math.PI / 2)), 96);
  v128.store(K, f32x4.splat(<f32>Math.PI), 112);
  v128.store(K, f32x4.splat(1e-30), 128);
  v128.store(K, i32x4.splat(0x80000000), 144);
  v128.store(K, f32x4.splat(0.5), 160);
  v128.store(K, f32x4.splat(8388608.0), 176); // 2^23: adding it leaves a small integer in the low mantissa bits
  // Integer gradients along 45, 90 or 135 degrees lie exactly on a bin edge when n is even; the fast path
  // bins them itself (at the middle of scikit-image's bin for that exact angle) instead of in f64.
  const fixTies = transformSqrt == 0 && (n & 1) == 0 && binOfDegrees(45, n) >= 0 && binOfDegrees(90, n) >= 0
    && binOfDegrees(135, n) >= 0;
  v128.store(K, f32x4.splat(<f32>binOfDegrees(45, n) + 0.5), 192);
  v128.store(K, f32x4.splat(<f32>binOfDegrees(90, n) + 0.5), 208);
  v128.store(K, f32x4.splat(<f32>binOfDegrees(135, n) + 0.5), 224);
  // Padding columns right of the image are read by the last SIMD vector of a row; keep them finite.
  memory.fill(plane, 0, <usize>(height + 2) * (<usize>hogPlaneStride(width) << 2));

  // One call per image from two call sites, so that binaryen does not inline it: V8 runs a long call in
  // its baseline tier to the end, while later calls of a function that got hot use the optimized code.
  const imageBytes = <usize>height * <usize>width;
  const outBytes = <usize>dim << 2;
  if (transformSqrt != 0) {
    for (let k = 0; k < count; k++) {
      hogImage(src + <usize>k * imageBytes, height, width, n, cellRows, cellCols, blockRows, blockCols, norm, true,
        plane, hist, colOffset, K, dst + <usize>k * outBytes, false);
    }
  } else {
    for (let k = 0; k < count; k++) {
      hogImage(src + <usize>k * imageBytes, height, width, n, cellRows, cellCols, blockRows, blockCols, norm, false,
        plane, hist, colOffset, K, dst + <usize>k * outBytes, fixTies);
    }
  }
}

function hogImage(
  img: usize, height: i32, width: i32, n: i32, cellRows: i32, cellCols: i32, blockRows: i32, blockCols: i32,
  norm: i32, sqrtIn: bool, plane: usize, hist: usize, colOffset: usize, K: usize, out: usize, fixTies: bool,
): void {
  const nCellRows = height / cellRows;
  const nCellCols = width / cellCols;
  const nBlockRows = nCellRows - blockRows + 1;
  const nBlockCols = nCellCols - blockCols + 1;
  const usedRows = nCellRows * cellRows;
  const usedCols = nCellCols * cellCols;
  const strideBytes = <usize>hogPlaneStride(width) << 2;
  const histStride = (nCellCols + 1) * n; // floats per row of cells, including the spill cell
  const lanes = K - 64;
  const nf = <f32>n;
  const binsPerRad = f32x4.splat(nf / <f32>Math.PI);
  const marginBins = f32x4.splat(MARGIN_DEG * nf / 180.0);
  const zero = f32x4.splat(0);
  const magicInt = i32x4.splat(0x4b000000);

  // 1. The image as f32 (square-rooted if asked), with a reflected one-pixel border:
  // reflection makes the centred difference zero on the border, as scikit-image defines it.
  for (let r = 0; r < height; r++) {
    const s = img + <usize>(r * width);
    const d = plane + <usize>(r + 1) * strideBytes + 4;
    let c = 0;
    for (; c + 4 <= width; c += 4) {
      let v = f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(s + c))));
      if (sqrtIn) v = f32x4.sqrt(v);
      v128.store(d + (<usize>c << 2), v);
    }
    for (; c < width; c++) {
      const v = <f32>load<u8>(s + c);
      store<f32>(d + (<usize>c << 2), sqrtIn ? Mathf.sqrt(v) : v);
    }
    // Right border first, so that a one-pixel-wide image gets equal borders.
    store<f32>(d + (<usize>width << 2), load<f32>(d + (<usize>(width - 2) << 2)));
    store<f32>(d - 4, load<f32>(d + 4));
  }
  copyRow(plane + <usize>(height + 1) * strideBytes, plane + <usize>(height - 1) * strideBytes, strideBytes);
  copyRow(plane, plane + 2 * strideBytes, strideBytes);

  // 2. Cell histograms of gradient magnitude by orientation bin (sums; see eps below).
  memory.fill(hist, 0, <usize>(nCellRows * histStride) << 2);
  for (let r = 0; r < usedRows; r++) {
    const row = plane + <usize>(r + 1) * strideBytes + 4;
    const cellRow = hist + (<usize>((r / cellRows) * histStride) << 2);
    for (let c = 0; c < usedCols; c += 4) {
      const at = row + (<usize>c << 2);
      const gx = f32x4.sub(v128.load(at + 4), v128.load(at - 4));
      const gy = f32x4.sub(v128.load(at + strideBytes), v128.load(at - strideBytes));
      const mag = f32x4.sqrt(f32x4.add(f32x4.mul(gx, gx), f32x4.mul(gy, gy)));
      if (!v128.any_true(f32x4.ne(mag, zero))) continue; // flat: adds nothing

      // Fold onto [0, 180) degrees: (gx, gy) and (-gx, -gy) share an orientation.
      const flip = v128.or(f32x4.lt(gy, zero), v128.and(f32x4.eq(gy, zero), f32x4.lt(gx, zero)));
      const fx = v128.xor(gx, v128.and(flip, v128.load(K, 144)));
      const fy = f32x4.abs(gy);
      const ax = f32x4.abs(fx);
      const lo = f32x4.pmin(ax, fy);
      const hi = f32x4.pmax(f32x4.pmax(ax, fy), v128.load(K, 128));
      let a = atan01(f32x4.div(lo, hi), K);
      a = v128.bitselect(f32x4.sub(v128.load(K, 96), a), a, f32x4.gt(fy, ax));
      a = v128.bitselect(f32x4.sub(v128.load(K, 112), a), a, f32x4.lt(fx, zero));
      let t = f32x4.mul(a, binsPerRad); // in [0, n]
      if (fixTies) {
        // Exact in f32: the gradients are integers. (fx, fy) is folded, so fy > 0 on these lanes.
        const diagonal = v128.and(f32x4.eq(ax, fy), f32x4.ne(fy, zero));
        t = v128.bitselect(v128.bitselect(v128.load(K, 192), v128.load(K, 224), f32x4.gt(fx, zero)), t, diagonal);
        t = v128.bitselect(v128.load(K, 208), t, v128.and(f32x4.eq(fx, zero), f32x4.ne(fy, zero)));
      }
      const bin = i32x4.sub(f32x4.add(f32x4.floor(t), v128.load(K, 176)), magicInt);
      const offset = i32x4.add(v128.load(colOffset + (<usize>c << 2)), bin);
      // Near an inner bin edge, or near 180 degrees (where 180/n * n may fall short of 180).
      const near = v128.and(
        f32x4.lt(f32x4.abs(f32x4.sub(t, f32x4.nearest(t))), marginBins), f32x4.gt(t, v128.load(K, 160)),
      );
      if (!v128.any_true(near)) {
        let p = cellRow + (<usize>i32x4.extract_lane(offset, 0) << 2);
        store<f32>(p, load<f32>(p) + f32x4.extract_lane(mag, 0));
        p = cellRow + (<usize>i32x4.extract_lane(offset, 1) << 2);
        store<f32>(p, load<f32>(p) + f32x4.extract_lane(mag, 1));
        p = cellRow + (<usize>i32x4.extract_lane(offset, 2) << 2);
        store<f32>(p, load<f32>(p) + f32x4.extract_lane(mag, 2));
        p = cellRow + (<usize>i32x4.extract_lane(offset, 3) << 2);
        store<f32>(p, load<f32>(p) + f32x4.extract_lane(mag, 3));
      } else {
        // Rare: some lane is near a bin edge. Spill the vectors and bin lane by lane.
        v128.store(lanes, offset);
        v128.store(lanes + 16, bin);
        v128.store(lanes + 32, mag);
        v128.store(lanes + 48, near);
        for (let l = 0; l < 4; l++) {
          const at4 = lanes + (<usize>l << 2);
          let o = load<i32>(at4);
          if (load<i32>(at4 + 48) != 0 && c + l < usedCols) {
            const b = exactBin(img, height, width, r, c + l, n, sqrtIn);
            if (b < 0) continue;
            o += b - load<i32>(at4 + 16);
          }
          const p = cellRow + (<usize>o << 2);
          store<f32>(p, load<f32>(p) + load<f32>(at4 + 32));
        }
      }
    }
  }

  // 3. Block normalization, written in scikit-image's feature order. The histograms hold cell sums where
  // scikit-image has cell means: scaling eps by the cell area makes the two equivalent.
  const eps = EPS * <f32>(cellRows * cellCols);
  const blockRowFloats = blockCols * n;
  const len = blockRows * blockRowFloats;
  for (let br = 0; br < nBlockRows; br++) {
    for (let bc = 0; bc < nBlockCols; bc++) {
      const block = hist + (<usize>(br * histStride + bc * n) << 2);
      // Gather the block's rows (memory.copy is a runtime call in V8: too slow for a few dozen bytes).
      for (let i = 0; i < blockRows; i++) {
        copyRow(out + (<usize>(i * blockRowFloats) << 2), block + (<usize>(i * histStride) << 2), <usize>blockRowFloats << 2);
      }
      normalizeBlock(out, len, norm, eps);
      out += <usize>len << 2;
    }
  }
}

/** Copies `bytes` (a multiple of 4) from `from` to `to`. */
// @ts-ignore: decorator
@inline function copyRow(to: usize, from: usize, bytes: usize): void {
  let j: usize = 0;
  for (; j + 16 <= bytes; j += 16) v128.store(to + j, v128.load(from + j));
  for (; j < bytes; j += 4) store<f32>(to + j, load<f32>(from + j));
}

/** Sum of `len` floats (squared if asked). */
// @ts-ignore: decorator
@inline function sumOf(p: usize, len: i32, squares: bool): f32 {
  let acc = f32x4.splat(0);
  let tail: f32 = 0;
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    const v = v128.load(p + (<usize>j << 2));
    acc = f32x4.add(acc, squares ? f32x4.mul(v, v) : v);
  }
  for (; j < len; j++) {
    const v = load<f32>(p + (<usize>j << 2));
    tail += squares ? v * v : v;
  }
  return f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2)
    + f32x4.extract_lane(acc, 3) + tail;
}

/**
 * Normalizes one block of `len` floats in place. `eps` is scikit-image's, times the
 * cell area (the block holds cell sums, not means).
 */
// @ts-ignore: decorator
@inline function normalizeBlock(p: usize, len: i32, norm: i32, eps: f32): void {
  if (norm == NORM_L1 || norm == NORM_L1_SQRT) {
    const scale: f32 = 1 / (sumOf(p, len, false) + eps);
    const s = f32x4.splat(scale);
    const root = norm == NORM_L1_SQRT;
    let j = 0;
    for (; j + 4 <= len; j += 4) {
      let v = f32x4.mul(v128.load(p + (<usize>j << 2)), s);
      if (root) v = f32x4.sqrt(v);
      v128.store(p + (<usize>j << 2), v);
    }
    for (; j < len; j++) {
      const v = load<f32>(p + (<usize>j << 2)) * scale;
      store<f32>(p + (<usize>j << 2), root ? Mathf.sqrt(v) : v);
    }
    return;
  }
  const scale: f32 = 1 / Mathf.sqrt(sumOf(p, len, true) + eps * eps);
  if (norm == NORM_L2) {
    scaleInPlace(p, len, scale);
    return;
  }
  // L2-Hys: clip the L2-normalized values at 0.2 and normalize again, with the unscaled eps
  // (the values are no longer cell sums).
  const s = f32x4.splat(scale);
  const lim = f32x4.splat(0.2);
  let acc = f32x4.splat(0);
  let tail: f32 = 0;
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    const v = f32x4.pmin(f32x4.mul(v128.load(p + (<usize>j << 2)), s), lim);
    v128.store(p + (<usize>j << 2), v);
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  for (; j < len; j++) {
    const v = Mathf.min(load<f32>(p + (<usize>j << 2)) * scale, 0.2);
    store<f32>(p + (<usize>j << 2), v);
    tail += v * v;
  }
  const clipped = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2)
    + f32x4.extract_lane(acc, 3) + tail;
  scaleInPlace(p, len, 1 / Mathf.sqrt(clipped + EPS * EPS));
}

// @ts-ignore: decorator
@inline function scaleInPlace(p: usize, len: i32, scale: f32): void {
  const s = f32x4.splat(scale);
  let j = 0;
  for (; j + 4 <= len; j += 4) v128.store(p + (<usize>j << 2), f32x4.mul(v128.load(p + (<usize>j << 2)), s));
  for (; j < len; j++) store<f32>(p + (<usize>j << 2), load<f32>(p + (<usize>j << 2)) * scale);
}
