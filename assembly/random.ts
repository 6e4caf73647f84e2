// xorshift64* random numbers: the tree builders' bootstrap draws (rand_ints_i32,
// rand_f64) and the split search's feature and threshold draws (histogram.ts).
// The state is one u64 the caller owns.

@inline export function nextU64(rng: usize): u64 {
  let x = load<u64>(rng);
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  store<u64>(rng, x);
  return x * 0x2545F4914F6CDD1D;
}

/** Uniform integer in [lo, hi). */
@inline export function randInt(rng: usize, lo: i32, hi: i32): i32 {
  return lo + <i32>((nextU64(rng) >> 32) % <u64>(hi - lo));
}

/** Uniform double in [0, 1). */
@inline export function randDouble(rng: usize): f64 {
  return <f64>(nextU64(rng) >> 11) * (1.0 / 9007199254740992.0);
}

/** Draws `count` uniform integers in [0, bound) into dst (i32); used for bootstrap samples. */
export function rand_ints_i32(rng: usize, bound: i32, count: i32, dst: usize): void {
  for (let i = 0; i < count; i++) store<i32>(dst + (<usize>i << 2), randInt(rng, 0, bound));
}

/** Draws `count` uniform doubles in [0, 1) into dst (f64). */
export function rand_f64(rng: usize, count: i32, dst: usize): void {
  for (let i = 0; i < count; i++) store<f64>(dst + (<usize>i << 3), randDouble(rng));
}
