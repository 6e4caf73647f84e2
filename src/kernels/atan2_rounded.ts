/**
 * atan2 rounded to the nearest float64, as glibc's (and so numpy's) atan2 gives it.
 * JavaScript's Math.atan2 and AssemblyScript's (fdlibm's and musl's algorithm) can be
 * one ulp off; where that ulp decides a HOG bin (with transform_sqrt, sqrt(3a) / sqrt(a)
 * is tan 60 degrees), scikit-image and fmbench would disagree. This is the plain-TS
 * reference of assembly/atan2_rounded.ts.
 *
 * The method: a = Math.atan2(y, x) is within an ulp or two of theta = atan2(y, x). With
 * (x, y) = r (cos theta, sin theta), y cos a - x sin a = r sin(theta - a) and
 * x cos a + y sin a = r cos(theta - a), so theta - a is the arctangent of their ratio,
 * which for so small a difference is the ratio itself. The numerator cancels to about
 * 1e-15 of r, so sin a and cos a are summed as double-doubles (their Taylor series) and
 * the products are exact; a + (theta - a) then rounds as a correctly rounded atan2 does.
 */
export function atan2Rounded(y: number, x: number): number {
  const a = Math.atan2(y, x);
  if (!Number.isFinite(a) || (y === 0 && x === 0) || !Number.isFinite(x) || !Number.isFinite(y)) return a;
  sinCosDD(a);
  // numerator = y * cos a - x * sin a, in double-double
  twoProd(y, cosHi);
  let nHi = prodHi;
  let nLo = prodLo + y * cosLo;
  twoProd(-x, sinHi);
  twoSum(nHi, prodHi);
  nHi = sumHi;
  nLo += sumLo + prodLo - x * sinLo;
  const numerator = nHi + nLo;
  const denominator = x * cosHi + y * sinHi;
  return a + numerator / denominator;
}

// Results of the error-free transformations (module state, so no arrays are made per call).
let prodHi = 0;
let prodLo = 0;
let sumHi = 0;
let sumLo = 0;
let sinHi = 0;
let sinLo = 0;
let cosHi = 0;
let cosLo = 0;

const SPLITTER = 134217729; // 2^27 + 1, Dekker's split

/** prodHi + prodLo = a * b exactly. */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  prodHi = p;
  prodLo = aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
}

/** sumHi + sumLo = a + b exactly. */
function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  sumHi = s;
  sumLo = a - (s - bb) + (b - bb);
}

/** sumHi + sumLo = (aHi + aLo) + (bHi + bLo), as a double-double. */
function addDD(aHi: number, aLo: number, bHi: number, bLo: number): void {
  twoSum(aHi, bHi);
  twoSum(sumHi, sumLo + aLo + bLo);
}

/** sin a and cos a as double-doubles (|a| <= pi), from their Taylor series. */
function sinCosDD(a: number): void {
  let sHi = 0;
  let sLo = 0;
  let cHi = 1;
  let cLo = 0;
  let tHi = 1; // a^k / k!, as a double-double
  let tLo = 0;
  for (let k = 1; k < 80; k++) {
    // t *= a / k
    twoProd(tHi, a);
    const hi = prodHi;
    const lo = prodLo + tLo * a;
    const q1 = hi / k;
    twoProd(q1, k);
    const rest = hi - prodHi - prodLo + lo;
    const q2 = rest / k;
    twoSum(q1, q2);
    tHi = sumHi;
    tLo = sumLo;
    if (tHi === 0 || Math.abs(tHi) < 1e-40) break;
    const sign = (k >> 1) & 1 ? -1 : 1; // k = 1: +, 2: -, 3: -, 4: +, 5: +, ...
    if (k & 1) {
      addDD(sHi, sLo, sign * tHi, sign * tLo);
      sHi = sumHi;
      sLo = sumLo;
    } else {
      addDD(cHi, cLo, sign * tHi, sign * tLo);
      cHi = sumHi;
      cLo = sumLo;
    }
  }
  sinHi = sHi;
  sinLo = sLo;
  cosHi = cHi;
  cosLo = cLo;
}
