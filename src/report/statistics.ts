// Uncertainty of an accuracy measured on a finite test set, and whether two
// classifiers scored on the same images differ: the questions a leaderboard leaves open.

/** z for a two-sided 95% interval: the 0.975 quantile of the standard normal. */
const Z95 = 1.959963984540054;

/**
 * Wilson's score interval for a proportion: `accuracy` observed on `n` test images.
 * Unlike the normal approximation it stays inside [0, 1] and behaves near 0 and 1.
 * For a mean over repeats on the same test set, `n` is still the number of images:
 * the repeats reshuffle the training set, the test images stay the same.
 */
export function wilsonInterval(accuracy: number, n: number, z = Z95): { low: number; high: number } {
  if (!(n > 0) || !(accuracy >= 0 && accuracy <= 1)) throw new RangeError(`wilsonInterval: need 0 <= accuracy <= 1 and n > 0; got ${accuracy}, ${n}`);
  const z2 = z * z;
  const centre = (accuracy + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((accuracy * (1 - accuracy)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * McNemar's exact test: of the images exactly one of two classifiers got right, `b`
 * went to the first and `c` to the second. Under "equally accurate" each such image is
 * a fair coin, so the two-sided p-value is twice the smaller binomial tail, at most 1.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // P(X <= k) for X ~ Binomial(n, 1/2): terms C(n, i) / 2^n built up in logarithms.
  let logTerm = -n * Math.LN2;
  let tail = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logTerm);
  }
  return Math.min(1, 2 * tail);
}

/** What McNemar's test looks at: where two prediction vectors are right and wrong on the same images. */
export interface McNemarTable {
  /** Both right. */
  readonly both: number;
  /** Only the first right (McNemar's b). */
  readonly onlyFirst: number;
  /** Only the second right (c). */
  readonly onlySecond: number;
  /** Both wrong. */
  readonly neither: number;
  readonly p: number;
}

/** Compares two classifiers' predictions of the same `truth`. */
export function mcnemarTable(first: Int32Array, second: Int32Array, truth: Int32Array): McNemarTable {
  if (first.length !== truth.length || second.length !== truth.length) {
    throw new RangeError(`mcnemarTable: ${first.length} and ${second.length} predictions for ${truth.length} images`);
  }
  let both = 0;
  let onlyFirst = 0;
  let onlySecond = 0;
  for (let i = 0; i < truth.length; i++) {
    const a = first[i] === truth[i];
    const b = second[i] === truth[i];
    if (a && b) both++;
    else if (a) onlyFirst++;
    else if (b) onlySecond++;
  }
  const neither = truth.length - both - onlyFirst - onlySecond;
  return { both, onlyFirst, onlySecond, neither, p: mcnemarExact(onlyFirst, onlySecond) };
}
