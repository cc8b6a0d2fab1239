// The generator behind the kernels of assembly/rng.ts (this file is not
// re-exported by assembly/index.ts). Seeded random numbers: 64-bit outputs from SplitMix64
// (Steele, Lea & Flood 2014), a counter-based generator, and standard normal deviates from them by
// the ziggurat method (Marsaglia & Tsang 2000) with 256 layers. Only integer
// arithmetic, IEEE-754 basic operations, sqrt and floor, and this file's own
// exp and log (fixed polynomials, below) are used, so a seed gives the same
// stream in every WebAssembly runtime, and tests/kernels/reference.ts gives
// the same bits in plain TypeScript.
//
// Generator layout at `st` (8 bytes): the u64 counter s. Output n
// is mix(s0 + n G) (G the golden gamma, mix Stafford's variant 13 finaliser):
// a bijection of the counter, so any output can be computed from s alone.
// Uniform deviates: u = (z >>> 11) 2^-53, in [0, 1).
//
// Normal deviates (ziggurat). The half-density f(x) = exp(-x^2/2), x >= 0, is
// covered by 256 layers of equal area v: layer 0 is the rectangle
// [0, X0] x [0, f(r)] (X0 = v / f(r), r = X1), i.e. [0, r] x [0, f(r)] plus
// the tail beyond r folded into its excess width; layer i >= 1 is the
// rectangle [0, X_i] x [f(X_i), f(X_{i+1})], with X_256 = 0. One draw takes one
// 64-bit output z: layer i = z & 255 (bits 0..7), u = (z >>> 12) 2^-51 - 1 in
// [-1, 1) (bits 12..63, the sign included), x = u X_i. Then:
//   |x| < X_{i+1}: x lies under f in every row of the layer: return x (about
//     99% of draws: the fast path, one output, no exp or log);
//   i = 0: the point is beyond r: return sign(x) (r + a) with a from the tail
//     (Marsaglia 1964: a = -log(U1)/r, b = -log(U2), until 2b >= a^2);
//   else (a wedge): draw y = f(X_i) + U (f(X_{i+1}) - f(X_i)); return x if
//     y < f(x), else start a fresh draw (a new output z, and so on).
// U, U1, U2 are uniform deviates from the next outputs (log takes 1 - U, in
// (0, 1]). Every output is taken in order, so normal n of a stream does not
// depend on how a caller splits its requests.
//
// Tables, computed at instantiation: r = 3.654152885361009 is the root of
// the top-layer condition (the recursion below ends with f(X_255) + v/X_255 =
// f(0) = 1), found by bisection in double precision with this file's exp and
// log (tests/kernels redo the bisection; it is Marsaglia & Tsang's value);
// v = r f(r) + tail(r), tail(r) = int_r^inf f = f(r) / (r + 1/(r + 2/(r + ...)))
// (Laplace's continued fraction, 200 terms evaluated backwards);
// X_{i+1} = sqrt(-2 log(f(X_i) + v / X_i)) for i = 1..254; F_i = f(X_i)
// (F_0 unused, F_256 = 1). The fast path reads the pair (X_i, X_{i+1}) with
// one 16-byte load.

/** The counter's increment (SplitMix64's golden gamma). */
export const GOLDEN: u64 = 0x9e3779b97f4a7c15;
const MIX1: u64 = 0xbf58476d1ce4e5b9;
const MIX2: u64 = 0x94d049bb133111eb;
export const TWO_M53: f64 = 1.1102230246251565e-16;
const TWO_M51: f64 = 4.440892098500626e-16;

// @ts-ignore: decorator
@inline export function mix(z0: u64): u64 {
  let z = z0;
  z = (z ^ (z >> 30)) * MIX1;
  z = (z ^ (z >> 27)) * MIX2;
  return z ^ (z >> 31);
}

/** Next uniform deviate in [0, 1) from the generator at st (rngUniform). */
export function uniformAt(st: usize): f64 {
  const s = load<u64>(st) + GOLDEN;
  store<u64>(st, s);
  return <f64>(mix(s) >> 11) * TWO_M53;
}

// --- this file's exp and log ---------------------------------------------------

const LN2_HI: f64 = 6.93147180369123816490e-01; // 0x3FE62E42FEE00000: k LN2_HI is exact
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.4426950408889634;
const SQRT_HALF: f64 = 0.7071067811865476;
const SQRT_TWO: f64 = 1.4142135623730951;

/**
 * e^t for -700 < t <= 0 (relative error ~2e-16): k = floor(t / ln 2 + 1/2),
 * r = (t - k ln2_hi) - k ln2_lo, |r| <= 0.35, e^r by its Taylor polynomial
 * of degree 13 (Horner), times 2^k.
 */
export function zigExp(t: f64): f64 {
  const k = Math.floor(t * INV_LN2 + 0.5);
  const r = (t - k * LN2_HI) - k * LN2_LO;
  let p: f64 = 1.0 / 6227020800.0;
  p = 1.0 / 479001600.0 + r * p;
  p = 1.0 / 39916800.0 + r * p;
  p = 1.0 / 3628800.0 + r * p;
  p = 1.0 / 362880.0 + r * p;
  p = 1.0 / 40320.0 + r * p;
  p = 1.0 / 5040.0 + r * p;
  p = 1.0 / 720.0 + r * p;
  p = 1.0 / 120.0 + r * p;
  p = 1.0 / 24.0 + r * p;
  p = 1.0 / 6.0 + r * p;
  p = 0.5 + r * p;
  p = 1.0 + r * p;
  p = 1.0 + r * p;
  // 2^k, k >= -1022, built from its bits (the same value as k halvings)
  return p * reinterpret<f64>((<u64>(<i64>k + 1023)) << 52);
}

/**
 * log u for 0 < u <= 1 (relative error ~3e-16): u = 2^e m with m in
 * [sqrt(1/2), sqrt 2) (by doublings, exact), s = (m - 1)/(m + 1), log m =
 * 2 atanh s = 2 s + 2 s (s^2 P(s^2)), P the series 1/3 + s^2/5 + ... + s^22/25
 * (Horner), plus e ln2_hi + e ln2_lo.
 */
export function zigLog(u: f64): f64 {
  let e: f64 = 0.0;
  let m = u;
  while (m < SQRT_HALF) {
    m *= 2.0;
    e -= 1.0;
  }
  while (m >= SQRT_TWO) {
    m *= 0.5;
    e += 1.0;
  }
  const s = (m - 1.0) / (m + 1.0);
  const s2 = s * s;
  let p: f64 = 1.0 / 25.0;
  p = 1.0 / 23.0 + s2 * p;
  p = 1.0 / 21.0 + s2 * p;
  p = 1.0 / 19.0 + s2 * p;
  p = 1.0 / 17.0 + s2 * p;
  p = 1.0 / 15.0 + s2 * p;
  p = 1.0 / 13.0 + s2 * p;
  p = 1.0 / 11.0 + s2 * p;
  p = 1.0 / 9.0 + s2 * p;
  p = 1.0 / 7.0 + s2 * p;
  p = 1.0 / 5.0 + s2 * p;
  p = 1.0 / 3.0 + s2 * p;
  const lm = 2.0 * s + 2.0 * s * (s2 * p);
  return e * LN2_HI + (e * LN2_LO + lm);
}

// --- ziggurat tables ------------------------------------------------------------

/** r = X_1, the right end of the base layer: the bisection root of the top-layer condition. */
export const ZIG_R: f64 = 3.654152885361009;
const ZIG_LAYERS: i32 = 256;
// (X_i, X_{i+1}) per layer, 16 bytes each; F_i = f(X_i), i = 0..256.
const ZIG_XP: usize = memory.data(16 * ZIG_LAYERS, 16);
const ZIG_F: usize = memory.data(8 * (ZIG_LAYERS + 1), 16);

function zigInit(): void {
  const r = ZIG_R;
  const fr = zigExp(-0.5 * r * r);
  let cf = r;
  for (let n = 200; n >= 1; n--) cf = r + <f64>n / cf;
  const v = r * fr + fr / cf;
  store<f64>(ZIG_XP, v / fr);
  store<f64>(ZIG_F, 0.0);
  let x = r;
  for (let i = 1; i < ZIG_LAYERS; i++) {
    const e = ZIG_XP + ((<usize>i) << 4);
    store<f64>(e - 8, x); // X_i, the second half of layer i - 1's pair
    store<f64>(e, x);
    const fx = zigExp(-0.5 * x * x);
    store<f64>(ZIG_F + ((<usize>i) << 3), fx);
    if (i < ZIG_LAYERS - 1) x = Math.sqrt(-2.0 * zigLog(fx + v / x));
  }
  store<f64>(ZIG_XP + ((<usize>ZIG_LAYERS) << 4) - 8, 0.0); // X_256
  store<f64>(ZIG_F + ((<usize>ZIG_LAYERS) << 3), 1.0); // F_256 = f(0)
}
zigInit();

/** X_i of the ziggurat (i = 0..256). */
export function zigXAt(i: i32): f64 {
  return i == ZIG_LAYERS ? load<f64>(ZIG_XP + ((<usize>(i - 1)) << 4), 8) : load<f64>(ZIG_XP + ((<usize>i) << 4));
}

/** F_i = f(X_i) of the ziggurat (i = 0..256). */
export function zigFAt(i: i32): f64 {
  return load<f64>(ZIG_F + ((<usize>i) << 3));
}

// --- normal deviates --------------------------------------------------------------

// The address of the pair (X_i, X_{i+1}) of output z's layer i = z & 255.
// @ts-ignore: decorator
@inline export function zigLayer(z: u64): usize {
  return ZIG_XP + (((<usize>z) & 255) << 4);
}

// u = (z >>> 12) 2^-51 - 1 of output z, in [-1, 1) (exact).
// @ts-ignore: decorator
@inline export function zigU(z: u64): f64 {
  // z >>> 12 < 2^52 converts exactly as a signed integer
  return <f64>(<i64>(z >> 12)) * TWO_M51 - 1.0;
}

// The tail beyond r (Marsaglia 1964), with the sign of the draw.
function zigTail(st: usize, negative: bool): f64 {
  let a: f64 = 0.0;
  let b: f64 = 0.0;
  do {
    a = -zigLog(1.0 - uniformAt(st)) / ZIG_R;
    b = -zigLog(1.0 - uniformAt(st));
  } while (b + b < a * a);
  return negative ? -(ZIG_R + a) : ZIG_R + a;
}

// A draw that missed the fast path: output z gave x; the state at st is past z.
export function zigSlow(st: usize, z0: u64, x0: f64): f64 {
  let z = z0;
  let x = x0;
  while (true) {
    const i = (<usize>z) & 255;
    if (i == 0) return zigTail(st, x < 0.0);
    const f0 = load<f64>(ZIG_F + (i << 3));
    const f1 = load<f64>(ZIG_F + (i << 3), 8);
    if (f0 + uniformAt(st) * (f1 - f0) < zigExp(-0.5 * x * x)) return x;
    const s = load<u64>(st) + GOLDEN;
    store<u64>(st, s);
    z = mix(s);
    const e = zigLayer(z);
    x = zigU(z) * load<f64>(e);
    if (Math.abs(x) < load<f64>(e, 8)) return x;
  }
  return x; // not reached
}

// rngFillNormal with the counter in a local: s is the counter before the
// first draw; returns the counter after the last one (st is scratch for the slow path).
// @ts-ignore: decorator
@inline export function zigFill(s0: u64, st: usize, out: usize, n: i32): u64 {
  let s = s0;
  let j = 0;
  const one = i64x2.splat(0x3FF0000000000000);
  const three = f64x2.splat(3.0);
  while (j + 8 <= n) {
    const za = mix(s + GOLDEN);
    const zb = mix(s + 2 * GOLDEN);
    const zc = mix(s + 3 * GOLDEN);
    const zd = mix(s + 4 * GOLDEN);
    const ze = mix(s + 5 * GOLDEN);
    const zf = mix(s + 6 * GOLDEN);
    const zg = mix(s + 7 * GOLDEN);
    const zh = mix(s + 8 * GOLDEN);
    const ta = v128.load(zigLayer(za));
    const tb = v128.load(zigLayer(zb));
    const tc = v128.load(zigLayer(zc));
    const td = v128.load(zigLayer(zd));
    const te = v128.load(zigLayer(ze));
    const tf = v128.load(zigLayer(zf));
    const tg = v128.load(zigLayer(zg));
    const th = v128.load(zigLayer(zh));
    const d0 = v128.or(i64x2.shr_u(i64x2.replace_lane(i64x2.splat(za), 1, zb), 12), one);
    const d1 = v128.or(i64x2.shr_u(i64x2.replace_lane(i64x2.splat(zc), 1, zd), 12), one);
    const d2 = v128.or(i64x2.shr_u(i64x2.replace_lane(i64x2.splat(ze), 1, zf), 12), one);
    const d3 = v128.or(i64x2.shr_u(i64x2.replace_lane(i64x2.splat(zg), 1, zh), 12), one);
    const x0 = f64x2.mul(f64x2.sub(f64x2.add(d0, d0), three), v128.shuffle<f64>(ta, tb, 0, 2));
    const x1 = f64x2.mul(f64x2.sub(f64x2.add(d1, d1), three), v128.shuffle<f64>(tc, td, 0, 2));
    const x2 = f64x2.mul(f64x2.sub(f64x2.add(d2, d2), three), v128.shuffle<f64>(te, tf, 0, 2));
    const x3 = f64x2.mul(f64x2.sub(f64x2.add(d3, d3), three), v128.shuffle<f64>(tg, th, 0, 2));
    const ok0 = f64x2.lt(f64x2.abs(x0), v128.shuffle<f64>(ta, tb, 1, 3));
    const ok1 = f64x2.lt(f64x2.abs(x1), v128.shuffle<f64>(tc, td, 1, 3));
    const ok2 = f64x2.lt(f64x2.abs(x2), v128.shuffle<f64>(te, tf, 1, 3));
    const ok3 = f64x2.lt(f64x2.abs(x3), v128.shuffle<f64>(tg, th, 1, 3));
    const p = out + ((<usize>j) << 3);
    v128.store(p, x0);
    v128.store(p, x1, 16);
    v128.store(p, x2, 32);
    v128.store(p, x3, 48);
    if (v128.all_true<i64>(v128.and(v128.and(ok0, ok1), v128.and(ok2, ok3)))) {
      s += 8 * GOLDEN;
      j += 8;
    } else {
      // keep the draws before the first miss, resolve it, and go on after it
      const m = i64x2.bitmask(ok0) | (i64x2.bitmask(ok1) << 2) | (i64x2.bitmask(ok2) << 4) |
        (i64x2.bitmask(ok3) << 6);
      const first = ctz<i32>(~m);
      const z = mix(s + <u64>(first + 1) * GOLDEN);
      const q = p + ((<usize>first) << 3);
      s += <u64>(first + 1) * GOLDEN;
      store<u64>(st, s);
      store<f64>(q, zigSlow(st, z, load<f64>(q)));
      s = load<u64>(st);
      j += first + 1;
    }
  }
  for (; j < n; j++) {
    s += GOLDEN;
    const z = mix(s);
    const e = zigLayer(z);
    let x = zigU(z) * load<f64>(e);
    if (!(Math.abs(x) < load<f64>(e, 8))) {
      store<u64>(st, s);
      x = zigSlow(st, z, x);
      s = load<u64>(st);
    }
    store<f64>(out + ((<usize>j) << 3), x);
  }
  return s;
}
