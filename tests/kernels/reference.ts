/**
 * Plain-TypeScript reference of the WebAssembly kernels (assembly/): the same
 * algorithms with scalar loops over Float64Array, no wasm. Used by the tests
 * (wasm against reference) and by the benchmark (wasm against this loop).
 *
 * Floating-point operations are done in the same order as in the kernels:
 * `dot` keeps the kernels' four partial sums (lanes of two f64x2
 * accumulators), and every element-wise update has the same parenthesisation.
 * The only source of differences is Math.exp / Math.log (the module's own
 * implementations against the JavaScript engine's), at the last bit.
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

const TWO_M53 = 1.1102230246251565e-16;
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

/**
 * SplitMix64 with Marsaglia's polar normals, as assembly/rng.ts: the 64-bit
 * state is held as two uint32 halves and multiplied with 16/32-bit partial
 * products (no BigInt).
 */
export class Rng {
  /** High 32 bits of the state. */
  hi = 0;
  /** Low 32 bits of the state. */
  lo = 0;
  /** Spare normal deviate. */
  spare = 0;
  /** Whether `spare` is pending. */
  hasSpare = false;
  /** High half of the last 64-bit output. */
  outHi = 0;
  /** Low half of the last 64-bit output. */
  outLo = 0;

  /** A generator reset to `seed` (an integer in [0, 2^53)). */
  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Reset to `seed`, with no spare normal (state = trunc(seed) as u64). */
  seed(seed: number): void {
    const s = Math.trunc(seed);
    const hi = Math.floor(s / TWO_P32);
    this.hi = hi >>> 0;
    this.lo = (s - hi * TWO_P32) >>> 0;
    this.spare = 0;
    this.hasSpare = false;
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

  /** Next standard normal deviate (polar method; the second of each pair is kept as spare). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let x = 0;
    let y = 0;
    let q = 0;
    do {
      x = 2.0 * (this.next53() * TWO_M53) - 1.0;
      y = 2.0 * (this.next53() * TWO_M53) - 1.0;
      q = x * x + y * y;
    } while (q >= 1.0 || q === 0.0);
    const f = Math.sqrt(-2.0 * Math.log(q) / q);
    this.spare = y * f;
    this.hasSpare = true;
    return x * f;
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
 * (n x d), in place on w, v (k x d) and b (k), as assembly/sgd.ts. rule: 0
 * vanilla, 1 truncated, 2 Sanger (v, b ignored). tied: v is ignored and both
 * updates go to w. bias: b enters the fields and is trained.
 */
export function sgdSteps(
  w: Float64Array,
  v: Float64Array,
  b: Float64Array,
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
    else sgdStep(w, tied ? w : v, b, xs, j * d, d, k, eta, actCode, rule, tied, bias, work);
  }
}

function sgdStep(
  w: Float64Array,
  v: Float64Array,
  b: Float64Array,
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
  for (let i = 0; i < d; i++) delta[i] = xs[xo + i];
  if (rule === RULE_VANILLA) {
    for (let u = 0; u < k; u++) axpy(delta, 0, -gs[u], v, u * d, d);
  }
  for (let u = 0; u < k; u++) {
    const uo = u * d;
    const g = gs[u];
    const gp = gps[u];
    if (rule === RULE_TRUNCATED) axpy(delta, 0, -g, v, uo, d);
    const c = dot(v, uo, delta, 0, d) * invSd;
    const alpha = encRate * gp * c;
    const beta = decRate * g;
    if (tied) {
      for (let i = 0; i < d; i++) w[uo + i] = w[uo + i] + (alpha * xs[xo + i] + beta * delta[i]);
    } else {
      for (let i = 0; i < d; i++) w[uo + i] = w[uo + i] + alpha * xs[xo + i];
      for (let i = 0; i < d; i++) v[uo + i] = v[uo + i] + beta * delta[i];
    }
    if (bias) b[u] = b[u] + decRate * gp * c;
  }
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
 * Mean over the n rows x of xs (n x d) of |x - xhat|^2 / (2d), with
 * xhat = sum_u vscale v_u g((w_u . x + b_u)/sqrt(d)), computed as in
 * assembly/metrics.ts through the Gram matrix of the decoder.
 */
export function testError(
  w: Float64Array,
  v: Float64Array,
  vscale: number,
  b: Float64Array,
  bias: boolean,
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
  const gs = new Float64Array(k);
  const invSd = 1.0 / Math.sqrt(d);
  let total = 0.0;
  for (let j = 0; j < n; j++) {
    const xo = j * d;
    let e = dot(xs, xo, xs, xo, d);
    for (let u = 0; u < k; u++) {
      let pre = dot(w, u * d, xs, xo, d);
      if (bias) pre += b[u];
      const g = act(actCode, pre * invSd);
      gs[u] = g;
      e -= 2.0 * g * vscale * dot(v, u * d, xs, xo, d);
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
