// atan2 rounded to the nearest float64, as glibc's (and so numpy's) atan2 gives it nearly
// always: Math.atan2 here (musl's algorithm) is at times an ulp off, and at a HOG bin edge
// that ulp decides the bin. Same method as src/kernels/atan2_rounded.ts (the reference):
// with a = Math.atan2(y, x), theta - a is the ratio (y cos a - x sin a) / (x cos a + y sin a),
// whose numerator is summed from double-double sin a and cos a and exact products.

let prodHi: f64 = 0;
let prodLo: f64 = 0;
let sumHi: f64 = 0;
let sumLo: f64 = 0;
let sinHi: f64 = 0;
let sinLo: f64 = 0;
let cosHi: f64 = 0;
let cosLo: f64 = 0;

const SPLITTER: f64 = 134217729; // 2^27 + 1, Dekker's split

/** prodHi + prodLo = a * b exactly. */
function twoProd(a: f64, b: f64): void {
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
function twoSum(a: f64, b: f64): void {
  const s = a + b;
  const bb = s - a;
  sumHi = s;
  sumLo = a - (s - bb) + (b - bb);
}

/** sumHi + sumLo = (aHi + aLo) + (bHi + bLo), as a double-double. */
function addDD(aHi: f64, aLo: f64, bHi: f64, bLo: f64): void {
  twoSum(aHi, bHi);
  twoSum(sumHi, sumLo + aLo + bLo);
}

/** sin a and cos a as double-doubles (|a| <= pi), from their Taylor series. */
function sinCosDD(a: f64): void {
  let sHi: f64 = 0;
  let sLo: f64 = 0;
  let cHi: f64 = 1;
  let cLo: f64 = 0;
  let tHi: f64 = 1; // a^k / k!, as a double-double
  let tLo: f64 = 0;
  for (let k = 1; k < 80; k++) {
    const kf = <f64>k;
    twoProd(tHi, a);
    const hi = prodHi;
    const lo = prodLo + tLo * a;
    const q1 = hi / kf;
    twoProd(q1, kf);
    const rest = hi - prodHi - prodLo + lo;
    twoSum(q1, rest / kf);
    tHi = sumHi;
    tLo = sumLo;
    if (tHi == 0 || Math.abs(tHi) < 1e-40) break;
    const sign: f64 = ((k >> 1) & 1) != 0 ? -1 : 1; // sin: +a - a^3/3! ..., cos: 1 - a^2/2! + ...
    if ((k & 1) != 0) {
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

/** atan2(y, x) rounded to the nearest float64 (finite, not both zero; else Math.atan2's value). */
export function atan2Rounded(y: f64, x: f64): f64 {
  const a = Math.atan2(y, x);
  if (!isFinite<f64>(a) || !isFinite<f64>(x) || !isFinite<f64>(y) || (y == 0 && x == 0)) return a;
  sinCosDD(a);
  twoProd(y, cosHi);
  let nHi = prodHi;
  let nLo = prodLo + y * cosLo;
  twoProd(-x, sinHi);
  twoSum(nHi, prodHi);
  nHi = sumHi;
  nLo += sumLo + prodLo - x * sinLo;
  return a + (nHi + nLo) / (x * cosHi + y * sinHi);
}
