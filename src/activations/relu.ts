/**
 * The rectifier g(u) = max(0, u), with every Gaussian average in closed form
 * (derived here and checked against quadrature in the tests), over zero-mean
 * fields and over fields with means m (trained biases).
 *
 * ReLU, g(u) = max(0, u), g' = step, g'' = delta, g''' = delta'. With
 * s = sqrt(c11 c22 - c12^2) and theta = arccos(c12 / sqrt(c11 c22)), so that
 * pi - theta = atan2(s, -c12):
 *
 *     I2  = (s + c12 (pi - theta)) / (2 pi)         (arc-cosine kernel, order 1)
 *     J2  = c12 / 2                                  (x1 = (c12/c22) x2 + independent)
 *     I21 = c12 / 2,   I22 = c22 / 2                 (x1 -> -x1 symmetry)
 *     I3  = c12 s13 / (2 pi c11) + c23 (pi - theta13) / (2 pi),
 *           s13 = sqrt(c11 c33 - c13^2)              (Stein's lemma on x2)
 *     j = E[g'] = 1/2,  E[g'''] = E[delta'(x)] = -p'(0) = 0,
 *     E[g] = sqrt(q / (2 pi)),  E[g''] = E[delta(x)] = p(0) = 1 / sqrt(2 pi q),
 *     E[g'' g + g'^2] = E[delta(x) relu(x)] + 1/2 = 1/2,
 *     E[g''(x_k) g(x_a)] = p_k(0) E[relu(x_a) | x_k = 0] = s / (2 pi q_kk),
 *     E[g'(x_k) g'(x_a)] = P(x_k > 0, x_a > 0) = (pi - theta) / (2 pi).
 *
 * Degenerate relu cases (a zero-variance field inside g', where the value
 * depends on g'(0)) use g'(0) = 1/2 or, where the value is constant for
 * positive variance (j, d3, d2gPlusG1sq), that constant; E[g''(x_k) g(x_a)]
 * is +Infinity for q_kk = 0 < q_aa and E[g''(x)] for q = 0 (the density of x at 0
 * diverges); E[g(x)] is 0 at q = 0.
 *
 * Biased fields (notation: u_i = x_i + m_i, sigma_i = sqrt(c_ii),
 * det = c11 c22 - c12^2, R(mu, s) = E[relu(N(mu, s^2))] = mu Phi(mu/s) + s phi(mu/s)):
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
 * @module
 */
import type { ActivationAverages, BiasedActivationAverages } from "./averages.ts";
import type { ActivationSpec } from "./spec.ts";
import { ncdf, npdf } from "../math/erf.ts";
import { orthantUpper } from "../math/bivariate.ts";

const INV_2PI = 1 / (2 * Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** sqrt of max(0, a b - c^2): the (clamped) 2 x 2 determinant's square root. */
function sqrtDet(a: number, c: number, b: number): number {
  const det = a * b - c * c;
  return det > 0 ? Math.sqrt(det) : 0;
}

/** ReLU, g(u) = max(0, u): the formulas in the module notes. */
const AVERAGES: ActivationAverages = {
  I2(c11, c12, c22) {
    if (!(c11 > 0 && c22 > 0)) return 0;
    const s = sqrtDet(c11, c12, c22);
    return (s + c12 * Math.atan2(s, -c12)) * INV_2PI;
  },
  J2: (_c11, c12, _c22) => 0.5 * c12,
  I21: (_c11, c12, _c22) => 0.5 * c12,
  I22: (_c11, _c12, c22) => 0.5 * c22,
  I3(c11, c12, c13, _c22, c23, c33) {
    if (!(c11 > 0)) return 0.25 * c23; // x1 = 0: g'(0) E[x2 g(x3)] with g'(0) = 1/2
    if (!(c33 > 0)) return 0; // g(x3) = 0
    const s13 = sqrtDet(c11, c13, c33);
    return ((c12 * s13) / c11 + c23 * Math.atan2(s13, -c13)) * INV_2PI;
  },
  j: (_q) => 0.5,
  mean: (q) => (q > 0 ? Math.sqrt(q) * INV_SQRT_2PI : 0),
  d1: (q) => (q > 0 ? INV_SQRT_2PI / Math.sqrt(q) : Infinity),
  d3: (_q) => 0,
  d2gPlusG1sq: (_q) => 0.5,
  d2g(qkk, qka, qaa) {
    if (!(qkk > 0)) return qaa > 0 ? Infinity : 0;
    return (sqrtDet(qkk, qka, qaa) / qkk) * INV_2PI;
  },
  g1g1(qkk, qka, qaa) {
    if (!(qkk > 0 && qaa > 0)) return 0.25;
    return Math.atan2(sqrtDet(qkk, qka, qaa), -qka) * INV_2PI;
  },
};

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
  const P = orthantUpper(-h1, -h2, r, det / (c11 * c22));
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
const BIASED: BiasedActivationAverages = {
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
    return orthantUpper(-m1 / s1, -m2 / s2, r, det / (c11 * c22));
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
 * g(u) = max(0, u), g' = step (g'(0) = 1/2 where a zero-variance field needs it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relu } from "./relu.ts";
 * // E[relu(x + 0.5)], x ~ N(0, 1): 0.5 Phi(0.5) + phi(0.5)
 * assert.ok(Math.abs(relu.biasedAverages.mean(1, 0.5) - 0.6977965574013061) < 1e-15);
 * assert.equal(relu.averages.j(2), 0.5);
 * ```
 */
export const relu: ActivationSpec = {
  name: "relu",
  doc: "g(u) = max(0, u), rectifier",
  kernelCode: 2,
  closedForm: true,
  g: (u) => (u > 0 ? u : 0),
  g1: (u) => (u > 0 ? 1 : 0),
  splitAt: [0],
  averages: AVERAGES,
  biasedAverages: BIASED,
};
