// Seeded random numbers, the kernels: uniform deviates and standard normal
// deviates (ziggurat) from a 64-bit counter-based generator. The algorithms,
// the tables and the reproducibility contract are documented in
// assembly/ziggurat.ts.

import {
  GOLDEN,
  mix,
  TWO_M53,
  uniformAt,
  zigExp as zexp,
  zigFAt,
  zigFill,
  zigLayer,
  zigLog as zlog,
  zigSlow,
  zigU,
  zigXAt,
  ZIG_R as R,
} from "./ziggurat";

/** Bytes one generator state occupies: the u64 counter. */
export const RNG_BYTES: i32 = 8;

/** r = X_1, the right end of the ziggurat's base layer. */
export const ZIG_R: f64 = R;

/** Reset generator `st` to `seed` (an integer in [0, 2^53)). */
export function rngSeed(st: usize, seed: f64): void {
  store<u64>(st, <u64>seed);
}

/** Next uniform deviate in [0, 1) from generator `st`. */
export function rngUniform(st: usize): f64 {
  return uniformAt(st);
}

/** Fill out[0..n) with uniform deviates in [0, 1) from generator `st`. */
export function rngFillUniform(st: usize, out: usize, n: i32): void {
  let s = load<u64>(st);
  for (let i = 0; i < n; i++) {
    s += GOLDEN;
    store<f64>(out + ((<usize>i) << 3), <f64>(mix(s) >> 11) * TWO_M53);
  }
  store<u64>(st, s);
}

/** Next standard normal deviate from generator `st`. */
export function rngNormal(st: usize): f64 {
  const s = load<u64>(st) + GOLDEN;
  store<u64>(st, s);
  const z = mix(s);
  const e = zigLayer(z);
  const x = zigU(z) * load<f64>(e);
  if (Math.abs(x) < load<f64>(e, 8)) return x;
  return zigSlow(st, z, x);
}

/**
 * Fill out[0..n) with standard normal deviates from generator `st` (exactly n
 * rngNormal calls, the same bits). Eight draws at a time: eight outputs, their
 * layers' (X_i, X_{i+1}) pairs, u and x = u X_i in four f64x2 (u from the bits
 * 1 + (z >>> 12) 2^-52 of a double d in [1, 2): u = (d + d) - 3, exactly the
 * scalar u); when one misses the fast path, the draws before it are kept, it
 * goes to the slow path, and the next eight start after it.
 */
export function rngFillNormal(st: usize, out: usize, n: i32): void {
  store<u64>(st, zigFill(load<u64>(st), st, out, n));
}

/** The ziggurat's own e^t, -700 < t <= 0 (for the tests). */
export function zigExp(t: f64): f64 {
  return zexp(t);
}

/** The ziggurat's own log u, 0 < u <= 1 (for the tests). */
export function zigLog(u: f64): f64 {
  return zlog(u);
}

/** X_i of the ziggurat, i = 0..256 (for the tests). */
export function zigX(i: i32): f64 {
  return zigXAt(i);
}

/** F_i = f(X_i) of the ziggurat, i = 0..256 (for the tests). */
export function zigF(i: i32): f64 {
  return zigFAt(i);
}
