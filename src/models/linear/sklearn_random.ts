/**
 * The random draws scikit-learn 1.2's plain-SGD estimators (SGDClassifier, Perceptron,
 * PassiveAggressiveClassifier) make, reproduced exactly so that a fit visits the
 * samples in the same order as scikit-learn's with the same random_state:
 * numpy's legacy RandomState (MT19937, integer seeding, masked-rejection randint) for
 * the per-class seeds, and the xorshift Fisher-Yates shuffle of scikit-learn's
 * SequentialDataset for the epochs.
 */

const N = 624;
const M = 397;

/** numpy.random.RandomState restricted to integer seeds and randint over ranges below 2^32. */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(N);
  private pos = N;

  /** RandomState(seed) for an integer seed in [0, 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`NumpyRandomState: seed must be an integer in [0, 2**32 - 1]; got ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** The next raw 32-bit output of MT19937. */
  nextU32(): number {
    const mt = this.mt;
    if (this.pos >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
        mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.pos = 0;
    }
    let y = mt[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * randint(low, high): uniform in [low, high) as numpy's legacy path draws it (mask to the
   * next power of two minus one, reject above the range).
   */
  randint(low: number, high: number): number {
    const range = high - low - 1;
    if (!(range >= 0 && range <= 0xffffffff)) throw new RangeError(`randint: empty or too wide range [${low}, ${high})`);
    if (range === 0) return low;
    if (range === 0xffffffff) return low + this.nextU32();
    let mask = range;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.nextU32() & mask) >>> 0; while (v > range);
    return low + v;
  }
}

/** np.iinfo(np.int32).max, scikit-learn's MAX_INT. */
export const MAX_INT = 0x7fffffff;

/**
 * scikit-learn's SequentialDataset.shuffle: Fisher-Yates from the front with its xorshift
 * generator (our_rand_r). The seed is taken by value, so calling this every epoch with
 * the same seed applies the same permutation again, as scikit-learn's plain SGD does.
 */
export function sequentialShuffle(index: Int32Array, seed: number, n = index.length): void {
  let s = seed >>> 0;
  for (let i = 0; i < n - 1; i++) {
    if (s === 0) s = 1;
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    const j = i + ((s & 0x7fffffff) % (n - i));
    const t = index[i];
    index[i] = index[j];
    index[j] = t;
  }
}

/**
 * The plain-SGD seed of each binary problem, as scikit-learn 1.2's fit_binary draws it:
 * one-vs-rest takes one seed per class from RandomState(random_state).randint(MAX_INT);
 * each binary fit then seeds a RandomState with it (with random_state itself for two
 * classes), draws the dataset's seed (randint(1, MAX_INT), unused by plain SGD) and then
 * the shuffle seed (randint(MAX_INT)).
 */
export function sgdShuffleSeeds(randomState: number, problems: number, nClasses: number): number[] {
  const perProblem = nClasses === 2 ? [randomState] : (() => {
    const rs = new NumpyRandomState(randomState);
    return Array.from({ length: nClasses }, () => rs.randint(0, MAX_INT));
  })();
  return perProblem.slice(0, problems).map((s) => {
    const rs = new NumpyRandomState(s);
    rs.randint(1, MAX_INT);
    return rs.randint(0, MAX_INT);
  });
}
