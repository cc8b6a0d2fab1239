// Seeded random numbers: SplitMix64 (Steele, Lea & Flood 2014), 64-bit state,
// and standard normal deviates by Marsaglia's polar method. Only integer
// arithmetic, IEEE-754 basic operations, sqrt and the module's own log are
// used, so a seed gives the same stream in every WebAssembly runtime.
//
// Generator layout at `st` (24 bytes): u64 state | f64 spare normal | i32 flag.
// Uniform deviates: u = (next() >>> 11) * 2^-53, in [0, 1).
// Polar method: draw u1, u2 uniform, x = 2u1 - 1, y = 2u2 - 1, s = x^2 + y^2,
// reject unless 0 < s < 1, f = sqrt(-2 log(s) / s); return x f and keep y f as
// the spare, returned by the next call.

const GOLDEN: u64 = 0x9e3779b97f4a7c15;
const MIX1: u64 = 0xbf58476d1ce4e5b9;
const MIX2: u64 = 0x94d049bb133111eb;
const TWO_M53: f64 = 1.1102230246251565e-16;

/** Bytes one generator state occupies. */
export const RNG_BYTES: i32 = 24;

/** Reset generator `st` to `seed` (an integer in [0, 2^53)), with no spare normal. */
export function rngSeed(st: usize, seed: f64): void {
  store<u64>(st, <u64>seed);
  store<f64>(st, 0.0, 8);
  store<i32>(st, 0, 16);
}

function mix(z0: u64): u64 {
  let z = z0;
  z = (z ^ (z >> 30)) * MIX1;
  z = (z ^ (z >> 27)) * MIX2;
  return z ^ (z >> 31);
}

/** Next uniform deviate in [0, 1) from generator `st`. */
export function rngUniform(st: usize): f64 {
  const s = load<u64>(st) + GOLDEN;
  store<u64>(st, s);
  return <f64>(mix(s) >> 11) * TWO_M53;
}

/** Next standard normal deviate from generator `st`. */
export function rngNormal(st: usize): f64 {
  if (load<i32>(st, 16) != 0) {
    store<i32>(st, 0, 16);
    return load<f64>(st, 8);
  }
  let s = load<u64>(st);
  let x: f64 = 0.0;
  let y: f64 = 0.0;
  let q: f64 = 0.0;
  do {
    s += GOLDEN;
    x = 2.0 * (<f64>(mix(s) >> 11) * TWO_M53) - 1.0;
    s += GOLDEN;
    y = 2.0 * (<f64>(mix(s) >> 11) * TWO_M53) - 1.0;
    q = x * x + y * y;
  } while (q >= 1.0 || q == 0.0);
  store<u64>(st, s);
  const f = Math.sqrt(-2.0 * Math.log(q) / q);
  store<f64>(st, y * f, 8);
  store<i32>(st, 1, 16);
  return x * f;
}

/** Fill out[0..n) with standard normal deviates from generator `st`. */
export function rngFillNormal(st: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + ((<usize>i) << 3), rngNormal(st));
}

/** Fill out[0..n) with uniform deviates in [0, 1) from generator `st`. */
export function rngFillUniform(st: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + ((<usize>i) << 3), rngUniform(st));
}
