/**
 * Plain-TypeScript reference of the WebAssembly kernels (assembly/): the same
 * algorithms with scalar loops over Float64Array, no wasm. Used by the tests
 * (wasm against reference) and by the benchmark (wasm against this loop).
 *
 * Floating-point operations are done in the same order as in the kernels:
 * `dot` keeps the kernels' four partial sums (lanes of two f64x2
 * accumulators), and every element-wise update has the same parenthesisation.
 * The random streams are bit-identical (the ziggurat's own exp and log are
 * the kernel's, operation for operation); in the SGD rules and the test
 * error the only source of differences is the activations' Math.exp (the
 * module's own implementation against the JavaScript engine's), at the last
 * bit.
 *
 * Why a second copy on purpose: the kernels fuse, block, unroll and tile their
 * loops for speed (units four at a time in registers, positions in tiles,
 * updates deferred to the next pass), so they cannot check themselves; these
 * are the plain loops of THEORY.md's formulas, kept simple so that a mistake
 * in the blocking shows as a difference. The ziggurat, exp and log are copied
 * too, so that the random streams are checked bit for bit without the wasm
 * (and the benchmark has a plain-TypeScript loop to compare against).
 * @module
 */

/** Kernel codes of the activations, from the registry (g(u) = u, erf(u / sqrt 2), max(0, u)). */
export const ACT_LINEAR: number = ACTIVATIONS.linear.kernelCode;
/** g(u) = erf(u / sqrt 2). */
export const ACT_ERF: number = ACTIVATIONS.erf.kernelCode;
/** g(u) = max(0, u). */
export const ACT_RELU: number = ACTIVATIONS.relu.kernelCode;

/** Rule codes, as in assembly/sgd.ts. */
export const RULE_VANILLA = 0;
/** Truncated SGD. */
export const RULE_TRUNCATED = 1;
/** Sanger's rule. */
export const RULE_SANGER = 2;
/** Oja's subspace rule. */
export const RULE_OJA = 3;

const TWO_M53 = 1.1102230246251565e-16;
const TWO_M51 = 4.440892098500626e-16;
const TWO_P20 = 1048576;
const TWO_P21 = 2097152;
const TWO_P32 = 4294967296;

// SplitMix64 constants as (hi, lo) uint32 halves.
const GOLDEN_HI = 0x9e3779b9;
const GOLDEN_LO = 0x7f4a7c15;
const MIX1_HI = 0xbf58476d;
const MIX1_LO = 0x1ce4e5b9;
const MIX2_HI = 0x94d049bb;
const MIX2_LO = 0x133111eb;

/** High 32 bits of the 64-bit product of two uint32 values (16-bit partial products). */
export function mulHiU32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const m1 = a1 * b0 + ((a0 * b0) >>> 16);
  const m2 = a0 * b1 + (m1 & 0xffff);
  return (a1 * b1 + (m1 >>> 16) + (m2 >>> 16)) >>> 0;
}

// --- the ziggurat's exp, log and tables (assembly/rng.ts), the same operations ---

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.4426950408889634;
const SQRT_HALF = 0.7071067811865476;
const SQRT_TWO = 1.4142135623730951;
const POW2 = new DataView(new ArrayBuffer(8));

/** 2^k for an integer -1022 <= k <= 1023, from its bits. */
function pow2(k: number): number {
  POW2.setUint32(0, (k + 1023) << 20);
  POW2.setUint32(4, 0);
  return POW2.getFloat64(0);
}

/** e^t for -700 < t <= 0, as assembly/rng.ts zigExp. */
export function zigExp(t: number): number {
  const k = Math.floor(t * INV_LN2 + 0.5);
  const r = (t - k * LN2_HI) - k * LN2_LO;
  let p = 1.0 / 6227020800.0;
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
  return p * pow2(k);
}

/** log u for 0 < u <= 1, as assembly/rng.ts zigLog. */
export function zigLog(u: number): number {
  let e = 0.0;
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
  let p = 1.0 / 25.0;
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

/** Layers of the ziggurat. */
export const ZIG_LAYERS = 256;
/** r = X_1, the right end of the base layer (assembly/rng.ts ZIG_R). */
export const ZIG_R = 3.654152885361009;

/** int_r^inf exp(-t^2/2) dt by Laplace's continued fraction (200 terms, backwards), as the kernel. */
export function zigTailArea(r: number): number {
  const fr = zigExp(-0.5 * r * r);
  let cf = r;
  for (let n = 200; n >= 1; n--) cf = r + n / cf;
  return fr / cf;
}

/** The ziggurat's tables for a given r: X_0..X_256 and F_i = f(X_i) (F_0 = 0, F_256 = 1), as the kernel builds them. */
export function zigTables(r: number = ZIG_R): { X: Float64Array; F: Float64Array; v: number } {
  const X = new Float64Array(ZIG_LAYERS + 1);
  const F = new Float64Array(ZIG_LAYERS + 1);
  const fr = zigExp(-0.5 * r * r);
  let cf = r;
  for (let n = 200; n >= 1; n--) cf = r + n / cf;
  const v = r * fr + fr / cf;
  X[0] = v / fr;
  let x = r;
  for (let i = 1; i < ZIG_LAYERS; i++) {
    X[i] = x;
    const fx = zigExp(-0.5 * x * x);
    F[i] = fx;
    if (i < ZIG_LAYERS - 1) x = Math.sqrt(-2.0 * zigLog(fx + v / x));
  }
  X[ZIG_LAYERS] = 0;
  F[ZIG_LAYERS] = 1;
  return { X, F, v };
}

/**
 * The top-layer condition whose root is r: with v(r) and the recursion of
 * {@link zigTables}, f(X_255) + v / X_255 - 1 (+1 when the layers overshoot
 * f(0) = 1 before the top).
 */
export function zigTopExcess(r: number): number {
  const fr = zigExp(-0.5 * r * r);
  const v = r * fr + zigTailArea(r);
  let x = r;
  for (let i = 1; i <= ZIG_LAYERS - 2; i++) {
    const y = v / x + zigExp(-0.5 * x * x);
    if (y >= 1) return 1;
    x = Math.sqrt(-2.0 * zigLog(y));
  }
  return v / x + zigExp(-0.5 * x * x) - 1;
}

const ZIG = zigTables();

/**
 * SplitMix64 with ziggurat normals, as assembly/rng.ts: the 64-bit counter is
 * held as two uint32 halves and multiplied with 16/32-bit partial products
 * (no BigInt); the same outputs in the same order, so the same bits.
 */
export class Rng {
  /** High 32 bits of the state. */
  hi = 0;
  /** Low 32 bits of the state. */
  lo = 0;
  /** High half of the last 64-bit output. */
  outHi = 0;
  /** Low half of the last 64-bit output. */
  outLo = 0;

  /** A generator reset to `seed` (an integer in [0, 2^53)). */
  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Reset to `seed` (state = trunc(seed) as u64). */
  seed(seed: number): void {
    const s = Math.trunc(seed);
    const hi = Math.floor(s / TWO_P32);
    this.hi = hi >>> 0;
    this.lo = (s - hi * TWO_P32) >>> 0;
  }

  /** The state as a BigInt (for tests). */
  get state(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /**
   * Advance and return the top 53 bits of the next output as an integer in
   * [0, 2^53); the full 64 bits are left in outHi / outLo.
   */
  next53(): number {
    // s += GOLDEN
    let lo = (this.lo + GOLDEN_LO) >>> 0;
    let hi = (this.hi + GOLDEN_HI + (lo < GOLDEN_LO ? 1 : 0)) >>> 0;
    this.lo = lo;
    this.hi = hi;
    // z ^= z >>> 30; z *= MIX1
    lo = (lo ^ ((lo >>> 30) | (hi << 2))) >>> 0;
    hi = (hi ^ (hi >>> 30)) >>> 0;
    let h = (mulHiU32(lo, MIX1_LO) + Math.imul(hi, MIX1_LO) + Math.imul(lo, MIX1_HI)) >>> 0;
    lo = Math.imul(lo, MIX1_LO) >>> 0;
    hi = h;
    // z ^= z >>> 27; z *= MIX2
    lo = (lo ^ ((lo >>> 27) | (hi << 5))) >>> 0;
    hi = (hi ^ (hi >>> 27)) >>> 0;
    h = (mulHiU32(lo, MIX2_LO) + Math.imul(hi, MIX2_LO) + Math.imul(lo, MIX2_HI)) >>> 0;
    lo = Math.imul(lo, MIX2_LO) >>> 0;
    hi = h;
    // z ^= z >>> 31
    lo = (lo ^ ((lo >>> 31) | (hi << 1))) >>> 0;
    hi = (hi ^ (hi >>> 31)) >>> 0;
    this.outHi = hi;
    this.outLo = lo;
    return hi * TWO_P21 + (lo >>> 11);
  }

  /** Next uniform deviate in [0, 1): (next >>> 11) * 2^-53. */
  uniform(): number {
    return this.next53() * TWO_M53;
  }

  /** u = (z >>> 12) 2^-51 - 1 of the last output, in [-1, 1). */
  #zigU(): number {
    return (this.outHi * TWO_P20 + (this.outLo >>> 12)) * TWO_M51 - 1.0;
  }

  /** Next standard normal deviate (ziggurat, one output on the fast path). */
  normal(): number {
    const { X, F } = ZIG;
    this.next53();
    let i = this.outLo & 255;
    let x = this.#zigU() * X[i];
    if (Math.abs(x) < X[i + 1]) return x;
    for (;;) {
      if (i === 0) return this.#tail(x < 0);
      const f0 = F[i];
      const f1 = F[i + 1];
      if (f0 + this.uniform() * (f1 - f0) < zigExp(-0.5 * x * x)) return x;
      this.next53();
      i = this.outLo & 255;
      x = this.#zigU() * X[i];
      if (Math.abs(x) < X[i + 1]) return x;
    }
  }

  /** The tail beyond r (Marsaglia 1964), with the given sign. */
  #tail(negative: boolean): number {
    let a = 0;
    let b = 0;
    do {
      a = -zigLog(1.0 - this.uniform()) / ZIG_R;
      b = -zigLog(1.0 - this.uniform());
    } while (b + b < a * a);
    return negative ? -(ZIG_R + a) : ZIG_R + a;
  }

  /** Fill out[off .. off+n) with normal deviates. */
  fillNormal(out: Float64Array, off: number, n: number): void {
    for (let i = 0; i < n; i++) out[off + i] = this.normal();
  }

  /** Fill out[off .. off+n) with uniform deviates. */
  fillUniform(out: Float64Array, off: number, n: number): void {
    for (let i = 0; i < n; i++) out[off + i] = this.uniform();
  }
}

/** Error function: the TypeScript one of the package, the same series / continued fraction as assembly/activation.ts. */
export { erf } from "../../src/math/erf.ts";
import { ACTIVATIONS } from "../../src/activations/mod.ts";

/** The registry's activations by kernel code. */
const BY_CODE = new Map(Object.values(ACTIVATIONS).map((a) => [a.kernelCode, a]));

function spec(code: number) {
  const a = BY_CODE.get(code);
  if (!a) throw new Error(`no activation with kernel code ${code}`);
  return a;
}

/** g(u) for activation code `code` (the registry's g). */
export function act(code: number, u: number): number {
  return spec(code).g(u);
}

/** g'(u) for activation code `code` (the registry's g'; relu: 1 for u > 0, else 0). */
export function actDeriv(code: number, u: number): number {
  return spec(code).g1(u);
}

/**
 * sum_i a[ao+i] b[bo+i] over n elements, summed like the SIMD kernel: four
 * partial sums over i mod 4, combined as (s0 + s2) + (s1 + s3), then the tail.
 */
export function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0.0;
  let s1 = 0.0;
  let s2 = 0.0;
  let s3 = 0.0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  let r = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) r += a[ao + i] * b[bo + i];
  return r;
}

/** y[yo+i] += alpha x[xo+i] over n elements. */
export function axpy(
  y: Float64Array,
  yo: number,
  alpha: number,
  x: Float64Array,
  xo: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) y[yo + i] = y[yo + i] + alpha * x[xo + i];
}

/**
 * Spiked covariance model (assembly/sample.ts): n samples of dimension d into
 * out (n x d): x = sum_m coef[m] z_m u_m + sigma xi; per sample the r latent
 * deviates are drawn first, then the d noise deviates.
 */
export function sampleSpiked(
  rng: Rng,
  u: Float64Array,
  coef: ArrayLike<number>,
  r: number,
  sigma: number,
  d: number,
  out: Float64Array,
  n: number,
): void {
  const z = new Float64Array(r);
  for (let j = 0; j < n; j++) {
    const xo = j * d;
    rng.fillNormal(z, 0, r);
    for (let i = 0; i < d; i++) out[xo + i] = sigma * rng.normal();
    for (let m = 0; m < r; m++) axpy(out, xo, coef[m] * z[m], u, m * d, d);
  }
}

/**
 * Gaussian inputs from an eigen-decomposition (assembly/sample.ts):
 * x = sum_m (sqrtRho_m z_m - sqrtBulk (e_m . xi)) e_m + sqrtBulk xi, with no
 * noise deviates drawn when sqrtBulk == 0.
 */
export function sampleEigen(
  rng: Rng,
  e: Float64Array,
  sqrtRho: ArrayLike<number>,
  r: number,
  sqrtBulk: number,
  d: number,
  out: Float64Array,
  n: number,
): void {
  const z = new Float64Array(r);
  for (let j = 0; j < n; j++) {
    const xo = j * d;
    rng.fillNormal(z, 0, r);
    if (sqrtBulk !== 0.0) {
      rng.fillNormal(out, xo, d);
      for (let m = 0; m < r; m++) z[m] = sqrtRho[m] * z[m] - sqrtBulk * dot(e, m * d, out, xo, d);
      for (let i = 0; i < d; i++) out[xo + i] = sqrtBulk * out[xo + i];
    } else {
      out.fill(0, xo, xo + d);
      for (let m = 0; m < r; m++) z[m] = sqrtRho[m] * z[m];
    }
    for (let m = 0; m < r; m++) axpy(out, xo, z[m], e, m * d, d);
  }
}

/** Scratch buffers of {@link sgdSteps}, reusable across calls with the same d and k. */
export interface SgdWork {
  delta: Float64Array;
  gs: Float64Array;
  gps: Float64Array;
}

/** Scratch for {@link sgdSteps}. */
export function sgdWork(d: number, k: number): SgdWork {
  return { delta: new Float64Array(d), gs: new Float64Array(k), gps: new Float64Array(k) };
}

/**
 * n consecutive online SGD steps (THEORY.md section 2), one per row of xs
 * (n x d), in place on w, v (k x d), b (k) and c (d), as assembly/sgd.ts.
 * rule: 0 vanilla, 1 truncated, 2 Sanger, 3 Oja (v, b, c ignored). tied: v is
 * ignored and both updates go to w. bias: b enters the fields and is
 * trained. c: the output bias (THEORY.md 1b), or null for none: every
 * residual includes -c (truncated: Delta_u = x - c - sum_{a<=u} g_a v_a) and
 * c += (eta/d) Delta_k, the full residual.
 */
export function sgdSteps(
  w: Float64Array,
  v: Float64Array,
  b: Float64Array,
  c: Float64Array | null,
  xs: Float64Array,
  n: number,
  d: number,
  k: number,
  eta: number,
  actCode: number,
  rule: number,
  tied: boolean,
  bias: boolean,
  work: SgdWork = sgdWork(d, k),
): void {
  for (let j = 0; j < n; j++) {
    if (rule === RULE_SANGER) sangerStep(w, xs, j * d, d, k, eta, work.gs);
    else if (rule === RULE_OJA) ojaStep(w, xs, j * d, d, k, eta, work.gs, work.delta);
    else sgdStep(w, tied ? w : v, b, c, xs, j * d, d, k, eta, actCode, rule, tied, bias, work);
  }
}

function sgdStep(
  w: Float64Array,
  v: Float64Array,
  b: Float64Array,
  c: Float64Array | null,
  xs: Float64Array,
  xo: number,
  d: number,
  k: number,
  eta: number,
  actCode: number,
  rule: number,
  tied: boolean,
  bias: boolean,
  work: SgdWork,
): void {
  const { delta, gs, gps } = work;
  const invSd = 1.0 / Math.sqrt(d);
  const encRate = eta / (d * d);
  const decRate = eta / d;
  for (let u = 0; u < k; u++) {
    let pre = dot(w, u * d, xs, xo, d);
    if (bias) pre += b[u];
    const lam = pre * invSd;
    gs[u] = act(actCode, lam);
    gps[u] = actDeriv(actCode, lam);
  }
  if (c) { for (let i = 0; i < d; i++) delta[i] = xs[xo + i] - c[i]; }
  else for (let i = 0; i < d; i++) delta[i] = xs[xo + i];
  if (rule === RULE_VANILLA) {
    for (let u = 0; u < k; u++) axpy(delta, 0, -gs[u], v, u * d, d);
  }
  for (let u = 0; u < k; u++) {
    const uo = u * d;
    const g = gs[u];
    const gp = gps[u];
    if (rule === RULE_TRUNCATED) axpy(delta, 0, -g, v, uo, d);
    const cu = dot(v, uo, delta, 0, d) * invSd;
    const alpha = encRate * gp * cu;
    const beta = decRate * g;
    if (tied) {
      for (let i = 0; i < d; i++) w[uo + i] = w[uo + i] + (alpha * xs[xo + i] + beta * delta[i]);
    } else {
      for (let i = 0; i < d; i++) w[uo + i] = w[uo + i] + alpha * xs[xo + i];
      for (let i = 0; i < d; i++) v[uo + i] = v[uo + i] + beta * delta[i];
    }
    if (bias) b[u] = b[u] + decRate * gp * cu;
  }
  // delta is now the full residual (vanilla: every unit's; truncated: the last unit's)
  if (c) { for (let i = 0; i < d; i++) c[i] = c[i] + decRate * delta[i]; }
}

function sangerStep(
  w: Float64Array,
  xs: Float64Array,
  xo: number,
  d: number,
  k: number,
  eta: number,
  ys: Float64Array,
): void {
  const sd = Math.sqrt(d);
  for (let u = 0; u < k; u++) ys[u] = dot(w, u * d, xs, xo, d) / sd;
  const hebb = eta / (d * sd);
  const decay = eta / (d * d);
  for (let u = k - 1; u >= 0; u--) {
    const uo = u * d;
    const yu = ys[u];
    const keep = 1.0 - decay * yu * yu;
    for (let i = 0; i < d; i++) w[uo + i] = keep * w[uo + i];
    axpy(w, uo, hebb * yu, xs, xo, d);
    for (let a = 0; a < u; a++) axpy(w, uo, -decay * yu * ys[a], w, a * d, d);
  }
}

/**
 * Oja's subspace rule: z = sum_a y_a w_a from the old rows, then
 * w_u += (hebb y_u x + (-decay y_u) z), as assembly/sgd.ts.
 */
function ojaStep(
  w: Float64Array,
  xs: Float64Array,
  xo: number,
  d: number,
  k: number,
  eta: number,
  ys: Float64Array,
  z: Float64Array,
): void {
  const sd = Math.sqrt(d);
  for (let u = 0; u < k; u++) ys[u] = dot(w, u * d, xs, xo, d) / sd;
  for (let i = 0; i < d; i++) z[i] = ys[0] * w[i];
  for (let a = 1; a < k; a++) axpy(z, 0, ys[a], w, a * d, d);
  const hebb = eta / (d * sd);
  const decay = eta / (d * d);
  for (let u = 0; u < k; u++) {
    const uo = u * d;
    const alpha = hebb * ys[u];
    const beta = -decay * ys[u];
    for (let i = 0; i < d; i++) w[uo + i] = w[uo + i] + (alpha * xs[xo + i] + beta * z[i]);
  }
}

/**
 * Mean over the n rows x of xs (n x d) of |x - xhat|^2 / (2d), with
 * xhat = sum_u vscale v_u g((w_u . x + b_u)/sqrt(d)) + c (c null: no output
 * bias), computed as in assembly/metrics.ts through the Gram matrix of the
 * decoder: |x|^2 - 2 x . c + c . c - 2 sum_u g_u (vscale v_u . x - vscale v_u . c)
 * + sum_{u,a} g_u g_a vscale^2 v_u . v_a.
 */
export function testError(
  w: Float64Array,
  v: Float64Array,
  vscale: number,
  b: Float64Array,
  bias: boolean,
  c: Float64Array | null,
  xs: Float64Array,
  n: number,
  d: number,
  k: number,
  actCode: number,
): number {
  const gram = new Float64Array(k * k);
  const alpha = vscale * vscale;
  for (let u = 0; u < k; u++) {
    for (let a = 0; a < k; a++) gram[u * k + a] = alpha * dot(v, u * d, v, a * d, d);
  }
  const vc = new Float64Array(k);
  let cc = 0;
  if (c) {
    for (let u = 0; u < k; u++) vc[u] = vscale * dot(v, u * d, c, 0, d);
    cc = dot(c, 0, c, 0, d);
  }
  const gs = new Float64Array(k);
  const invSd = 1.0 / Math.sqrt(d);
  let total = 0.0;
  for (let j = 0; j < n; j++) {
    const xo = j * d;
    let e = dot(xs, xo, xs, xo, d);
    if (c) e = (e - 2.0 * dot(xs, xo, c, 0, d)) + cc;
    for (let u = 0; u < k; u++) {
      let pre = dot(w, u * d, xs, xo, d);
      if (bias) pre += b[u];
      const g = act(actCode, pre * invSd);
      gs[u] = g;
      if (c) e -= 2.0 * g * (vscale * dot(v, u * d, xs, xo, d) - vc[u]);
      else e -= 2.0 * g * vscale * dot(v, u * d, xs, xo, d);
    }
    for (let u = 0; u < k; u++) {
      let s = 0.0;
      for (let a = 0; a < k; a++) s += gram[u * k + a] * gs[a];
      e += gs[u] * s;
    }
    total += e;
  }
  return total / (2.0 * d * n);
}

/**
 * The training protocols of THEORY.md 7, as assembly/sgd.ts's
 * sgdTrainProtocol: step j on row j of xs at learning rate etas[j] (one
 * {@link sgdSteps} step), then, with `decay` (lambda per unit), every weight
 * vector of unit u (its row of w, and of v unless tied or Hebbian) multiplied
 * by 1 - etas[j] decay[u] / d.
 */
export function sgdStepsProtocol(
  w: Float64Array,
  v: Float64Array,
  b: Float64Array,
  c: Float64Array | null,
  xs: Float64Array,
  n: number,
  d: number,
  k: number,
  etas: readonly number[],
  decay: readonly number[] | null,
  actCode: number,
  rule: number,
  tied: boolean,
  bias: boolean,
): void {
  const work = sgdWork(d, k);
  const ownV = !tied && rule !== RULE_SANGER && rule !== RULE_OJA;
  for (let j = 0; j < n; j++) {
    sgdSteps(
      w,
      v,
      b,
      c,
      xs.subarray(j * d, (j + 1) * d),
      1,
      d,
      k,
      etas[j],
      actCode,
      rule,
      tied,
      bias,
      work,
    );
    if (!decay) continue;
    for (let u = 0; u < k; u++) {
      const f = 1 - etas[j] * decay[u] / d;
      for (let i = 0; i < d; i++) w[u * d + i] = f * w[u * d + i];
      if (ownV) { for (let i = 0; i < d; i++) v[u * d + i] = f * v[u * d + i]; }
    }
  }
}

/**
 * Mini-batch SGD (THEORY.md 7), as assembly/batch.ts's sgdTrainBatch: step j
 * averages the updates of the bs samples in rows j bs .. (j + 1) bs - 1 of xs,
 * each the update of one {@link sgdSteps} step at learning rate etas[j] from
 * the same weights; then the weight decay (`decay`: lambda per unit, or null).
 * Vanilla and truncated rules only.
 */
export function sgdStepsBatch(
  w: Float64Array,
  v: Float64Array,
  b: Float64Array,
  c: Float64Array | null,
  xs: Float64Array,
  n: number,
  bs: number,
  d: number,
  k: number,
  etas: readonly number[],
  decay: readonly number[] | null,
  actCode: number,
  rule: number,
  tied: boolean,
  bias: boolean,
): void {
  const work = sgdWork(d, k);
  for (let j = 0; j < n; j++) {
    const sum = { w: new Float64Array(w.length), v: new Float64Array(v.length) };
    const sumB = new Float64Array(b.length), sumC = c ? new Float64Array(c.length) : null;
    for (let r = 0; r < bs; r++) {
      const w1 = w.slice(), v1 = tied ? w1 : v.slice(), b1 = b.slice(), c1 = c ? c.slice() : null;
      const row = (j * bs + r) * d;
      sgdSteps(
        w1,
        v1,
        b1,
        c1,
        xs.subarray(row, row + d),
        1,
        d,
        k,
        etas[j],
        actCode,
        rule,
        tied,
        bias,
        work,
      );
      for (let i = 0; i < w.length; i++) sum.w[i] += w1[i] - w[i];
      if (!tied) { for (let i = 0; i < v.length; i++) sum.v[i] += v1[i] - v[i]; }
      for (let i = 0; i < b.length; i++) sumB[i] += b1[i] - b[i];
      if (c && c1 && sumC) { for (let i = 0; i < c.length; i++) sumC[i] += c1[i] - c[i]; }
    }
    for (let i = 0; i < w.length; i++) w[i] += sum.w[i] / bs;
    if (!tied) { for (let i = 0; i < v.length; i++) v[i] += sum.v[i] / bs; }
    for (let i = 0; i < b.length; i++) b[i] += sumB[i] / bs;
    if (c && sumC) { for (let i = 0; i < c.length; i++) c[i] += sumC[i] / bs; }
    if (!decay) continue;
    for (let u = 0; u < k; u++) {
      const f = 1 - etas[j] * decay[u] / d;
      for (let i = 0; i < d; i++) w[u * d + i] = f * w[u * d + i];
      if (!tied) { for (let i = 0; i < d; i++) v[u * d + i] = f * v[u * d + i]; }
    }
  }
}
