/**
 * Non-central Gaussian averages for trained biases: the averages of
 * `ActivationAverages` (averages.ts) (and a few more) for local fields
 * lambda_k = x_k + m_k, with (x_1, x_2) zero-mean jointly Gaussian,
 * Cov = [[c11, c12], [c12, c22]], and fixed offsets m_k (the biases over
 * sqrt(D)). Every function is closed form (no quadrature grid, no
 * allocation): erf and relu reduce to the normal cdf Phi, the density phi
 * and one bivariate normal orthant probability
 * ({@link bivariateNormalUpper}, Genz's method: a 6/12/20-node
 * Gauss–Legendre sum of exponentials).
 *
 * Notation: u_i = x_i + m_i; sigma_i = sqrt(c_ii); det = c11 c22 - c12^2;
 * x2 | x1 ~ N((c12/c11) x1, det/c11), so u2 | (u1 = 0) has mean
 * mu = m2 - c12 m1 / c11 = n2 / c11 (n2 = c11 m2 - c12 m1) and standard
 * deviation s = sqrt(det / c11); R(mu, s) = E[relu(N(mu, s^2))]
 * = mu Phi(mu/s) + s phi(mu/s).
 *
 * erf, g(u) = erf(u/sqrt 2) = 2 Phi(u) - 1, g' = 2 phi, g'' = -u g',
 * g''' = (u^2 - 1) g'. With x ~ N(0, q) and a = 1 + q:
 *
 *     mean  = E[g(x+m)]   = erf(m / sqrt(2a))
 *     j     = E[g'(x+m)]  = sqrt(2/pi) a^{-1/2} exp(-m^2 / (2a))      (phi * Gaussian)
 *     d1    = E[g''(x+m)] = dj/dm = -(m/a) j
 *     d3    = dd1/dm      = j (m^2/a - 1) / a
 *     E[g g'(x+m)] = j erf(m / sqrt(2 a b)),  b = 1 + 2q              (tilted Gaussian)
 *     d2gPlusG1sq = d/dm E[g g'] = j (sqrt(2/pi) e^{-m^2/(2ab)} / sqrt(ab) - (m/a) erf(m / sqrt(2ab)))
 *
 * Two fields, A = (1+c11)(1+c22) - c12^2 = det(I + C):
 *
 *     g1g1 = E[g'(u1) g'(u2)] = 4 N(m; 0, I + C)
 *          = (2/pi) A^{-1/2} exp(-((1+c22) m1^2 - 2 c12 m1 m2 + (1+c11) m2^2) / (2A))
 *     g1g  = E[g'(u1) g(u2)]  = j(c11, m1) erf(z),
 *            z = (m2 - c12 m1 / (1+c11)) / sqrt(2w),  w = A / (1+c11)
 *            (phi(u1) tilts u1 to N(m1/(1+c11), c11/(1+c11)); u2 is then
 *            Gaussian with that mean and variance c22 - c12^2/(1+c11))
 *     d2g  = E[g''(u1) g(u2)] = d g1g / d m1
 *          = j(c11, m1) (-(m1/(1+c11)) erf(z) - (2/sqrt pi) e^{-z^2} c12 / ((1+c11) sqrt(2w)))
 *     I2   = E[g(u1) g(u2)] = mean1 mean2 + 4 Cov(Phi(u1), Phi(u2))
 *          = mean1 mean2 + 4 Int_0^rho phi2(a1, a2; t) dt,
 *            a_i = m_i / sqrt(1 + c_ii), rho = c12 / sqrt((1+c11)(1+c22))
 *            (Phi(u_i) = P(Y_i < u_i) with Y standard normal independent of
 *            x, so Cov(Phi(u1), Phi(u2)) is the covariance of two orthant
 *            indicators of the Gaussian Y - x ~ N(0, I + C); Plackett's
 *            identity d Phi2 / d rho = phi2 gives the integral).
 *
 * relu, g = max(0, u), g' = H (step), g'' = delta, g''' = delta'. For
 * x ~ N(0, q), sigma = sqrt q, h = m / sigma:
 *
 *     mean = R(m, sigma) = m Phi(h) + sigma phi(h),   j = Phi(h),
 *     d1   = E[delta(x+m)]  = density of x at -m = phi(h) / sigma,
 *     d3   = E[delta'(x+m)] = Int delta'(u) p_u(u) du = -p_u'(0)
 *          = -(m / q) phi(h) / sigma                   (= d d1 / dm),
 *     d2gPlusG1sq = E[delta(u) relu(u)] + E[H(u)^2] = 0 + Phi(h) = j
 *          (relu(u) = 0 where delta(u) acts; = d/dm E[relu(u) H(u)] = d mean / dm).
 *
 * Two fields, with P = g1g1 = P(u1 > 0, u2 > 0) = Phi2(h1, h2; r),
 * r = c12 / (sigma1 sigma2), and the densities p_i = phi(h_i) / sigma_i of
 * x_i at -m_i:
 *
 *     d2g = E[delta(u1) relu(u2)] = p_1 E[relu(u2) | u1 = 0] = p_1 R(mu, s),
 *     g1g = E[H(u1) H(u2) u2] = m2 P + E[x2 H(u1) H(u2)]
 *         = m2 P + c12 E[delta(u1) H(u2)] + c22 E[H(u1) delta(u2)]        (Stein)
 *         = m2 P + c12 p_1 Phi(t2) + c22 p_2 Phi(t1),
 *           t2 = n2 / sqrt(c11 det),  t1 = n1 / sqrt(c22 det),  n1 = c22 m1 - c12 m2,
 *     I2  = E[(x1 + m1) u2 H(u1) H(u2)] = m1 g1g + c11 E[delta(u1) relu(u2)] + c12 P
 *         = m1 g1g + c11 d2g + c12 P    (Stein on x1; u2 delta(u2) = 0).
 *
 * At zero offsets these are the arc-cosine formulas of averages.ts. Near
 * collinear fields (det -> 0) t1 and t2 are ratios of two small numbers;
 * their rounding errors cancel in g1g only if they are consistent, so t1 is
 * computed from t2 by the exact identities
 * t1 + t2 = sqrt(det) (m1 sigma2 + m2 sigma1) / (sigma1 sigma2 (sigma1 sigma2 + c12)) (c12 >= 0),
 * t2 - t1 = sqrt(det) (m2 sigma1 - m1 sigma2) / (sigma1 sigma2 (sigma1 sigma2 - c12)) (c12 < 0).
 *
 * Degenerate relu cases, as in averages.ts: a zero-variance field is the
 * constant m_i; H(0) = 1/2 (also for Phi(t) at det = 0 with n = 0, where the
 * two kinks coincide); E[delta(u)] = +Infinity when u = 0 exactly (d1 at
 * q = m = 0, d2g at c11 = m1 = 0 < E[relu(u2)]) and 0 for a constant u != 0;
 * d3 at q = 0 is 0.
 *
 * Linear: I2 = c12 + m1 m2, g1g1 = 1, d2g = 0, g1g = m2, j = 1, d1 = d3 = 0,
 * d2gPlusG1sq = 1, mean = m.
 *
 * Accuracy (tests/theory/biased_averages_test.ts): <= 5e-16 from
 * averagesFor at zero offsets; <= 2e-15 from 2-d / 1-d Gauss quadrature
 * (split at the kinks) for correlations up to +-0.9999, unequal variances
 * from 0.05 to 40 and offsets up to +-1.5; the orthant to ~6e-15 for any
 * r in [-1, 1]. The erf / Phi used inside are ~1e-15 absolute (as
 * averages.ts's erf, from which their table is built). Values are finite
 * (no NaN) for any positive semi-definite input, incl. zero variances,
 * |correlation| = 1 and |correlation| rounded above 1.
 *
 * Cost per call (2-core machine under load, best of 7): one-field functions
 * and erf g1g1 / g1g / d2g, relu d2g ~0.05-0.25 us; those with an orthant
 * probability (erf I2, relu g1g1 / g1g / I2) ~0.6-1.1 us.
 * Genz: A. Genz, Numerical computation of rectangular bivariate and
 * trivariate normal and t probabilities, Statistics and Computing 14 (2004) 251-260.
 * @module
 */
import type { Activation } from "../problem/types.ts";
import { ConfigError } from "../core/errors.ts";
import { erf } from "./averages.ts";
import { gaussLegendre } from "../math/quadrature.ts";

/**
 * Gaussian averages of one activation g at biased fields u_i = x_i + m_i,
 * x zero-mean jointly Gaussian. Two-field functions take the covariance
 * entries (c11, c12, c22) of (x1, x2) and the offsets (m1, m2); one-field
 * functions the variance q of x and the offset m. Plain numbers, no
 * allocation.
 */
export interface BiasedActivationAverages {
  /** E[g(x1+m1) g(x2+m2)]. */
  I2(c11: number, c12: number, c22: number, m1: number, m2: number): number;
  /** E[g'(x1+m1) g'(x2+m2)]. */
  g1g1(c11: number, c12: number, c22: number, m1: number, m2: number): number;
  /** E[g''(x1+m1) g(x2+m2)] (relu: E[delta(x1+m1) relu(x2+m2)]). */
  d2g(c11: number, c12: number, c22: number, m1: number, m2: number): number;
  /** E[g'(x1+m1) g(x2+m2)]. */
  g1g(c11: number, c12: number, c22: number, m1: number, m2: number): number;
  /** E[g'(x+m)], Var x = q. */
  j(q: number, m: number): number;
  /** E[g''(x+m)] (relu: density of x at -m). */
  d1(q: number, m: number): number;
  /** E[g'''(x+m)] (relu: E[delta'(x+m)] = d d1 / dm). */
  d3(q: number, m: number): number;
  /** E[g''(x+m) g(x+m) + g'(x+m)^2]. */
  d2gPlusG1sq(q: number, m: number): number;
  /** E[g(x+m)]. */
  mean(q: number, m: number): number;
}

const TWO_OVER_PI = 2 / Math.PI;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const INV_2PI = 1 / (2 * Math.PI);
const INV_SQRT2 = Math.SQRT1_2;

/** Standard normal density. */
function npdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

// ------------------------------------------------------------ erf, erfc, Phi
// A fast erf / erfc (no loop of data-dependent length on the common path):
// erf by its Taylor series for t < 1/2; erfc(t) for 1/2 <= t < 6.5 by a
// Taylor expansion about the nearest t_j = j/16 of a table built once from
// averages.ts's erf (and the continued fraction below for t_j > 3, so that
// erfc keeps a small relative error in the tail):
//   erfc(t_j + d) = erfc(t_j) - (2/sqrt pi) e^{-t_j^2} sum_n H_n(t_j) (-d)^n d / (n+1)!
// (H_n the physicists' Hermite polynomials, the Taylor coefficients of
// e^{-t^2}); |d| <= 1/32 and 15 terms make the truncation < 1e-17 relative.

/** Taylor coefficients of erf t = t sum_n ERF_SERIES[n] t^(2n), (2/sqrt pi) (-1)^n / (n! (2n+1)). */
const ERF_SERIES = new Float64Array(13);
{
  let f = 1;
  for (let n = 0; n < 13; n++) {
    if (n > 0) f *= n;
    ERF_SERIES[n] = (TWO_OVER_SQRT_PI * (n % 2 ? -1 : 1)) / (f * (2 * n + 1));
  }
}

/** erf t for |t| < 1/2 (13 series terms: truncation < 1e-17 relative). */
function erfSmall(t: number): number {
  const t2 = t * t;
  let s = ERF_SERIES[12];
  for (let n = 11; n >= 0; n--) s = s * t2 + ERF_SERIES[n];
  return t * s;
}

/** erfc t for t > 3 by its continued fraction (48 terms, evaluated backwards); 0 beyond 27. */
function erfcContinuedFraction(t: number): number {
  if (t >= 27) return 0;
  let f = t;
  for (let n = 48; n >= 1; n--) f = t + (n * 0.5) / f;
  return (INV_SQRT_PI * Math.exp(-t * t)) / f;
}

const ERFC_PER_UNIT = 16;
const ERFC_TERMS = 15;
const ERFC_MAX = 6.5;
const ERFC_TABLE = new Float64Array(ERFC_MAX * ERFC_PER_UNIT + 1);
const ERFC_DERIV = new Float64Array(ERFC_MAX * ERFC_PER_UNIT + 1);
const INV_FACT1 = new Float64Array(ERFC_TERMS); // 1 / (n+1)!
{
  for (let j = 0; j < ERFC_TABLE.length; j++) {
    const t = j / ERFC_PER_UNIT;
    ERFC_TABLE[j] = t <= 3 ? 1 - erf(t) : erfcContinuedFraction(t);
    ERFC_DERIV[j] = TWO_OVER_SQRT_PI * Math.exp(-t * t);
  }
  let f = 1;
  for (let n = 0; n < ERFC_TERMS; n++) {
    f *= n + 1;
    INV_FACT1[n] = 1 / f;
  }
}

/** erfc t for t >= 1/2 (relative error ~1e-15 up to t = 27, where it underflows). */
function erfcPos(t: number): number {
  if (!(t < ERFC_MAX)) return erfcContinuedFraction(t);
  const j = Math.round(t * ERFC_PER_UNIT);
  const tj = j / ERFC_PER_UNIT;
  const d = t - tj;
  const md = -d;
  // sum_n H_n(tj) (-d)^n / (n+1)!
  let hPrev = 1; // H_0
  let h = 2 * tj; // H_1
  let pw = md;
  let s = INV_FACT1[0] + h * pw * INV_FACT1[1];
  for (let n = 1; n + 1 < ERFC_TERMS; n++) {
    const hNext = 2 * tj * h - 2 * n * hPrev;
    hPrev = h;
    h = hNext;
    pw *= md;
    s += h * pw * INV_FACT1[n + 1];
  }
  return ERFC_TABLE[j] - ERFC_DERIV[j] * d * s;
}

/** erf x, absolute error ~1e-16 (relative for |x| < 1/2). */
function erfFast(x: number): number {
  if (x < 0) return x > -0.5 ? erfSmall(x) : erfcPos(-x) - 1;
  return x < 0.5 ? erfSmall(x) : 1 - erfcPos(x);
}

/** Standard normal cdf Phi(z); small relative error also in the lower tail. */
function ncdf(z: number): number {
  const t = z * INV_SQRT2;
  if (t > -0.5 && t < 0.5) return 0.5 + 0.5 * erfSmall(t);
  return t < 0 ? 0.5 * erfcPos(-t) : 1 - 0.5 * erfcPos(t);
}

/** H(u) with H(0) = 1/2: the limit of Phi(u / s) as s -> 0 along u = 0. */
function stepHalf(u: number): number {
  return u > 0 ? 1 : u < 0 ? 0 : 0.5;
}

/** R(mu, s) = E[relu(N(mu, s^2))] = mu Phi(mu/s) + s phi(mu/s); max(mu, 0) at s = 0. */
function reluMean(mu: number, s: number): number {
  if (!(s > 0)) return mu > 0 ? mu : 0;
  const z = mu / s;
  return mu * ncdf(z) + s * npdf(z);
}

// Gauss–Legendre rules on [-1, 1] for the orthant integrals (as in Genz's BVND).
const GL6 = gaussLegendre(6);
const GL12 = gaussLegendre(12);
const GL20 = gaussLegendre(20);
const GL20X = GL20.nodes;
const GL20W = GL20.weights;

/** Above this |r| the orthant is computed from the r = +-1 end (Genz). */
const R_NEAR_ONE = 0.925;

/**
 * Int_0^r phi2(h, k; t) dt = Cov(1{X > h}, 1{Y > k}) for |r| < 0.925:
 * (1/2pi) Int_0^{asin r} exp(-(h^2 + k^2 - 2hk sin th) / (2 cos^2 th)) d th
 * by 6, 12 or 20 Gauss–Legendre nodes (|r| < 0.3, < 0.75, else).
 */
function bvnCovSmall(h: number, k: number, r: number): number {
  const rule = Math.abs(r) < 0.3 ? GL6 : Math.abs(r) < 0.75 ? GL12 : GL20;
  const x = rule.nodes;
  const w = rule.weights;
  const hk = h * k;
  const hs = 0.5 * (h * h + k * k);
  const asr = Math.asin(r);
  const half = 0.5 * asr;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const sn = sinSmall(half * (x[i] + 1));
    s += w[i] * Math.exp((sn * hk - hs) / (1 - sn * sn));
  }
  return s * half * INV_2PI;
}

/**
 * sin th for |th| <= asin(0.925) = 1.18 by its Taylor polynomial of degree 21
 * (truncation 1.18^23 / 23! < 2e-21): several times faster than Math.sin here.
 */
function sinSmall(th: number): number {
  const t2 = th * th;
  let s = 1;
  for (let i = SIN_INV.length - 1; i >= 0; i--) s = 1 - t2 * SIN_INV[i] * s;
  return th * s;
}
/** 1 / (n (n-1)) for n = 3, 5, ..., 21. */
const SIN_INV = Float64Array.from({ length: 10 }, (_, i) => 1 / ((2 * i + 3) * (2 * i + 2)));

/**
 * T = Int_r^1 phi2(h, k; t) dt for 0.925 <= r < 1, omr2 = 1 - r^2 > 0
 * (Genz 2004). With x = sqrt(1 - t^2), h^2 - 2hkt + k^2 = (h-k)^2 + 2hk(1-t):
 * T = (1/2pi) Int_0^a exp(-((h-k)^2/x^2 + hk)/2) f(x) dx, a = sqrt(omr2),
 * f(x) = exp(-hk (1-t) / (2 (1+t))) / t = 1 + c x^2 + c d x^4 + O(x^6),
 * c = (4 - hk)/8, d = (12 - hk)/16. The polynomial part is integrated in
 * closed form (Int_0^a e^{-b^2/(2x^2)} dx = a e^{-b^2/(2a^2)} - b sqrt(2pi) Phi(-b/a),
 * higher moments by parts), the O(x^6) rest by 20-node Gauss–Legendre.
 */
function bvnTailNearOne(h: number, k: number, omr2: number): number {
  const hk = h * k;
  const a = Math.sqrt(omr2);
  const as = omr2;
  const b = Math.abs(h - k);
  const bs = b * b;
  const c = (4 - hk) / 8;
  const d = (12 - hk) / 16;
  let t = 0;
  const e0 = -0.5 * (bs / as + hk);
  if (e0 > -100) {
    t = a * Math.exp(e0) * (1 - (c * (bs - as) * (1 - (d * bs) / 5)) / 3 + (c * d * as * as) / 5);
  }
  if (hk > -100 && b > 0) {
    t -= Math.exp(-0.5 * hk) * SQRT_2PI * ncdf(-b / a) * b *
      (1 - (c * bs * (1 - (d * bs) / 5)) / 3);
  }
  const ha = 0.5 * a;
  let s = 0;
  for (let i = 0; i < GL20X.length; i++) {
    const xi = ha * (GL20X[i] + 1);
    const xs = xi * xi;
    const e = -0.5 * (bs / xs + hk);
    if (e > -100) {
      const rs = Math.sqrt(1 - xs);
      const onePlus = 1 + rs;
      // (1 - rs) / (1 + rs) = xs / (1 + rs)^2, without cancellation
      const f = Math.exp((-0.5 * hk * xs) / (onePlus * onePlus)) / rs;
      s += GL20W[i] * Math.exp(e) * (f - (1 + c * xs * (1 + d * xs)));
    }
  }
  t += ha * s;
  return t * INV_2PI;
}

/**
 * P(X > h, Y > k) for standard bivariate normal (X, Y) with correlation r,
 * given also omr2 = 1 - r^2 (pass it when it is known more accurately than
 * from r, e.g. det / (c11 c22) for nearly collinear fields).
 */
function bvnUpperImpl(h: number, k: number, r: number, omr2: number): number {
  if (Math.abs(r) < R_NEAR_ONE) {
    const v = ncdf(-h) * ncdf(-k) + bvnCovSmall(h, k, r);
    return v > 0 ? v : 0; // (-1e-24 in far tails by rounding)
  }
  if (r > 0) {
    const lim = ncdf(-(h > k ? h : k)); // r = 1: P(X > max(h, k))
    if (!(omr2 > 0)) return lim;
    const v = lim - bvnTailNearOne(h, k, omr2);
    return v > 0 ? v : 0;
  }
  // r < 0: P(X > h, Y > k) = P(X > h) - P(X > h, -Y > -k), corr(X, -Y) = -r > 0
  if (!(omr2 > 0)) {
    const v = ncdf(-k) - ncdf(h); // r = -1: P(h < X < -k)
    return v > 0 ? v : 0;
  }
  const lo = h > -k ? ncdf(-h) : ncdf(k); // P(X > max(h, -k))
  const v = ncdf(-h) - lo + bvnTailNearOne(h, -k, omr2);
  return v > 0 ? v : 0;
}

/** Cov(1{X > h}, 1{Y > k}) = P(X > h, Y > k) - Phi(-h) Phi(-k) = Int_0^r phi2(h, k; t) dt. */
function bvnCov(h: number, k: number, r: number, omr2: number): number {
  if (Math.abs(r) < R_NEAR_ONE) return bvnCovSmall(h, k, r);
  return bvnUpperImpl(h, k, r, omr2) - ncdf(-h) * ncdf(-k);
}

/**
 * Upper orthant probability P(X > h, Y > k) of a standard bivariate normal
 * with correlation r in [-1, 1] (Genz's algorithm: Gauss–Legendre in
 * asin r for |r| < 0.925, an expansion about |r| = 1 beyond; r = +-1 exact).
 * Absolute error ~1e-15. For the lower orthant use P(X < h, Y < k) =
 * bivariateNormalUpper(-h, -k, r).
 *
 * @param h lower limit of X
 * @param k lower limit of Y
 * @param r correlation, clamped to [-1, 1]
 * @param oneMinusR2 1 - r^2, if known more accurately than from r (default 1 - r^2)
 * @example
 * ```ts
 * import { bivariateNormalUpper } from "./biased_averages.ts";
 * // P(X > 0, Y > 0) = 1/4 + asin(r) / (2 pi)
 * const p = bivariateNormalUpper(0, 0, 0.5);
 * if (!(Math.abs(p - (0.25 + Math.asin(0.5) / (2 * Math.PI))) < 1e-15)) throw new Error("example failed");
 * ```
 */
export function bivariateNormalUpper(
  h: number,
  k: number,
  r: number,
  oneMinusR2?: number,
): number {
  if (r > 1) r = 1;
  else if (r < -1) r = -1;
  let omr2 = oneMinusR2 ?? (1 - r) * (1 + r);
  if (!(omr2 > 0)) omr2 = 0;
  return bvnUpperImpl(h, k, r, omr2);
}

/** Linear g(u) = u. */
const LINEAR: BiasedActivationAverages = {
  I2: (_c11, c12, _c22, m1, m2) => c12 + m1 * m2,
  g1g1: () => 1,
  d2g: () => 0,
  g1g: (_c11, _c12, _c22, _m1, m2) => m2,
  j: () => 1,
  d1: () => 0,
  d3: () => 0,
  d2gPlusG1sq: () => 1,
  mean: (_q, m) => m,
};

/** erf: j(q, m) = E[g'(x+m)]. */
function erfJ(q: number, m: number): number {
  const a = 1 + q;
  return (SQRT_2_OVER_PI / Math.sqrt(a)) * Math.exp((-0.5 * m * m) / a);
}

/** erf, g(u) = erf(u / sqrt 2): the closed forms of the module notes. */
const ERF: BiasedActivationAverages = {
  I2(c11, c12, c22, m1, m2) {
    const a1 = 1 + c11;
    const a2 = 1 + c22;
    const p = a1 * a2;
    const sp = Math.sqrt(p);
    let r = c12 / sp;
    if (r > 1) r = 1;
    else if (r < -1) r = -1;
    const omr2 = (p - c12 * c12) / p;
    const s1 = Math.sqrt(a1);
    const s2 = Math.sqrt(a2);
    const mean1 = erfFast((m1 / s1) * INV_SQRT2);
    const mean2 = erfFast((m2 / s2) * INV_SQRT2);
    return mean1 * mean2 + 4 * bvnCov(m1 / s1, m2 / s2, r, omr2 > 0 ? omr2 : 0);
  },
  g1g1(c11, c12, c22, m1, m2) {
    const a1 = 1 + c11;
    const a2 = 1 + c22;
    const A = a1 * a2 - c12 * c12;
    const quad = (a2 * m1 * m1 - 2 * c12 * m1 * m2 + a1 * m2 * m2) / A;
    return (TWO_OVER_PI / Math.sqrt(A)) * Math.exp(-0.5 * quad);
  },
  d2g(c11, c12, c22, m1, m2) {
    const a1 = 1 + c11;
    const sw2 = Math.sqrt(2 * (1 + c22 - (c12 * c12) / a1)); // sqrt(2w)
    const z = (m2 - (c12 * m1) / a1) / sw2;
    return erfJ(c11, m1) *
      ((-m1 / a1) * erfFast(z) - (TWO_OVER_SQRT_PI * Math.exp(-z * z) * c12) / (a1 * sw2));
  },
  g1g(c11, c12, c22, m1, m2) {
    const a1 = 1 + c11;
    const z = (m2 - (c12 * m1) / a1) / Math.sqrt(2 * (1 + c22 - (c12 * c12) / a1));
    return erfJ(c11, m1) * erfFast(z);
  },
  j: erfJ,
  d1: (q, m) => (-m / (1 + q)) * erfJ(q, m),
  d3(q, m) {
    const a = 1 + q;
    return (erfJ(q, m) * ((m * m) / a - 1)) / a;
  },
  d2gPlusG1sq(q, m) {
    const a = 1 + q;
    const ab = a * (1 + 2 * q);
    const sab = Math.sqrt(ab);
    return erfJ(q, m) *
      ((SQRT_2_OVER_PI * Math.exp((-0.5 * m * m) / ab)) / sab -
        (m / a) * erfFast((m / sab) * INV_SQRT2));
  },
  mean: (q, m) => erfFast((m / Math.sqrt(1 + q)) * INV_SQRT2),
};

/**
 * relu g1g = E[H(u1) relu(u2)] and I2 = E[relu(u1) relu(u2)] share their
 * pieces; `withI2` selects which one to return.
 */
function reluPair(
  c11: number,
  c12: number,
  c22: number,
  m1: number,
  m2: number,
  withI2: boolean,
): number {
  if (!(c11 > 0)) {
    // u1 = m1 constant
    const R2 = c22 > 0 ? reluMean(m2, Math.sqrt(c22)) : (m2 > 0 ? m2 : 0);
    return withI2 ? (m1 > 0 ? m1 : 0) * R2 : stepHalf(m1) * R2;
  }
  const s1 = Math.sqrt(c11);
  const h1 = m1 / s1;
  if (!(c22 > 0)) {
    // u2 = m2 constant
    const r2 = m2 > 0 ? m2 : 0;
    return withI2 ? reluMean(m1, s1) * r2 : ncdf(h1) * r2;
  }
  const s2 = Math.sqrt(c22);
  const h2 = m2 / s2;
  const s12 = s1 * s2;
  let det = c11 * c22 - c12 * c12;
  if (!(det > 0)) det = 0;
  let r = c12 / s12;
  if (r > 1) r = 1;
  else if (r < -1) r = -1;
  const P = bvnUpperImpl(-h1, -h2, r, det / (c11 * c22));
  const p1 = npdf(h1) / s1;
  const p2 = npdf(h2) / s2;
  const n2 = c11 * m2 - c12 * m1;
  let F2: number; // Phi(t2) = P(u2 > 0 | u1 = 0)
  let F1: number; // Phi(t1) = P(u1 > 0 | u2 = 0)
  if (det > 0) {
    const sd = Math.sqrt(det);
    const t2 = n2 / (s1 * sd);
    const t1 = c12 >= 0
      ? (sd * (m1 * s2 + m2 * s1)) / (s12 * (s12 + c12)) - t2
      : t2 - (sd * (m2 * s1 - m1 * s2)) / (s12 * (s12 - c12));
    F2 = ncdf(t2);
    F1 = ncdf(t1);
  } else {
    F2 = stepHalf(n2);
    F1 = c12 >= 0 ? 1 - F2 : F2;
  }
  const g1g = m2 * P + c12 * p1 * F2 + c22 * p2 * F1;
  if (!withI2) return g1g;
  const d2g = p1 * reluMean(n2 / c11, Math.sqrt(det / c11));
  return m1 * g1g + c11 * d2g + c12 * P;
}

/** relu, g(u) = max(0, u): the closed forms of the module notes. */
const RELU: BiasedActivationAverages = {
  I2: (c11, c12, c22, m1, m2) => reluPair(c11, c12, c22, m1, m2, true),
  g1g: (c11, c12, c22, m1, m2) => reluPair(c11, c12, c22, m1, m2, false),
  g1g1(c11, c12, c22, m1, m2) {
    if (!(c11 > 0)) return stepHalf(m1) * (c22 > 0 ? ncdf(m2 / Math.sqrt(c22)) : stepHalf(m2));
    const s1 = Math.sqrt(c11);
    if (!(c22 > 0)) return ncdf(m1 / s1) * stepHalf(m2);
    const s2 = Math.sqrt(c22);
    let det = c11 * c22 - c12 * c12;
    if (!(det > 0)) det = 0;
    let r = c12 / (s1 * s2);
    if (r > 1) r = 1;
    else if (r < -1) r = -1;
    return bvnUpperImpl(-m1 / s1, -m2 / s2, r, det / (c11 * c22));
  },
  d2g(c11, c12, c22, m1, m2) {
    if (!(c11 > 0)) {
      if (m1 !== 0) return 0;
      const R2 = c22 > 0 ? reluMean(m2, Math.sqrt(c22)) : (m2 > 0 ? m2 : 0);
      return R2 > 0 ? Infinity : 0;
    }
    const s1 = Math.sqrt(c11);
    const p1 = npdf(m1 / s1) / s1;
    if (!(c22 > 0)) return p1 * (m2 > 0 ? m2 : 0);
    let det = c11 * c22 - c12 * c12;
    if (!(det > 0)) det = 0;
    return p1 * reluMean((c11 * m2 - c12 * m1) / c11, Math.sqrt(det / c11));
  },
  j: (q, m) => (q > 0 ? ncdf(m / Math.sqrt(q)) : stepHalf(m)),
  d1(q, m) {
    if (!(q > 0)) return m === 0 ? Infinity : 0;
    const s = Math.sqrt(q);
    return npdf(m / s) / s;
  },
  d3(q, m) {
    if (!(q > 0)) return 0;
    const h = m / Math.sqrt(q);
    return (-h * npdf(h)) / q;
  },
  d2gPlusG1sq: (q, m) => (q > 0 ? ncdf(m / Math.sqrt(q)) : stepHalf(m)),
  mean: (q, m) => (q > 0 ? reluMean(m, Math.sqrt(q)) : (m > 0 ? m : 0)),
};

/**
 * The biased (non-central) Gaussian averages of a built-in activation, all
 * in closed form (see the module notes for the derivations). At zero
 * offsets they agree with `averagesFor` (averages.ts) to ~1e-15.
 *
 * @param activation "linear", "erf" or "relu"
 * @example
 * ```ts
 * import { biasedAveragesFor } from "./biased_averages.ts";
 * import { averagesFor } from "./averages.ts";
 * const b = biasedAveragesFor("relu");
 * // E[relu(x + 0.5)], x ~ N(0, 1): 0.5 Phi(0.5) + phi(0.5)
 * if (!(Math.abs(b.mean(1, 0.5) - 0.6977965574013061) < 1e-15)) throw new Error("example failed");
 * // zero offsets: the central averages
 * if (!(Math.abs(b.I2(1, 0.3, 2, 0, 0) - averagesFor("relu").I2(1, 0.3, 2)) < 1e-15)) throw new Error("example failed");
 * ```
 */
export function biasedAveragesFor(activation: Activation): BiasedActivationAverages {
  switch (activation) {
    case "linear":
      return LINEAR;
    case "erf":
      return ERF;
    case "relu":
      return RELU;
    default:
      throw new ConfigError("activation", activation, '"linear", "erf" or "relu"');
  }
}
