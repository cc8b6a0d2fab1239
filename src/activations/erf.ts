/**
 * The sigmoidal activation g(u) = erf(u / sqrt 2), with every Gaussian
 * average in closed form (THEORY.md section 4), over zero-mean fields and
 * over fields with means m (trained biases).
 *
 * Biased fields, with x ~ N(0, q) and a = 1 + q:
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
 * @module
 */
import type { ActivationAverages, BiasedActivationAverages } from "./averages.ts";
import type { ActivationSpec } from "./spec.ts";
import { erf as erfFn, erfFast } from "../math/erf.ts";
import { orthantCovariance } from "../math/bivariate.ts";

const TWO_OVER_PI = 2 / Math.PI;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT2 = Math.SQRT1_2;

/**
 * erf, g(u) = erf(u / sqrt 2), g'(u) = sqrt(2/pi) e^{-u^2/2}, g'' = -u g',
 * g''' = (u^2 - 1) g'. Formulas of THEORY.md section 4, plus
 * E[g] = E[g''] = 0 (odd), E[g'''] = -sqrt(2/pi) (1+q)^{-3/2},
 * E[g'' g + g'^2] = (2/pi) / ((1+q) sqrt(1+2q)),
 * E[g''(x_k) g(x_a)] = -P_ka = -(2/pi) qka / ((1+qkk) sqrt((1+qkk)(1+qaa) - qka^2)),
 * E[g'(x_k) g'(x_a)] = (2/pi) / sqrt((1+qkk)(1+qaa) - qka^2).
 */
const AVERAGES: ActivationAverages = {
  I2(c11, c12, c22) {
    let s = c12 / Math.sqrt((1 + c11) * (1 + c22));
    if (s > 1) s = 1;
    else if (s < -1) s = -1;
    return TWO_OVER_PI * Math.asin(s);
  },
  J2: (_c11, c12, c22) => (SQRT_2_OVER_PI * c12) / Math.sqrt(1 + c22),
  I21: (c11, c12, _c22) => (SQRT_2_OVER_PI * c12) / ((1 + c11) * Math.sqrt(1 + c11)),
  I22: (c11, c12, c22) =>
    (SQRT_2_OVER_PI * (c22 + c11 * c22 - c12 * c12)) / ((1 + c11) * Math.sqrt(1 + c11)),
  I3(c11, c12, c13, _c22, c23, c33) {
    const l3 = (1 + c11) * (1 + c33) - c13 * c13;
    return (TWO_OVER_PI * (c23 * (1 + c11) - c12 * c13)) / (Math.sqrt(l3) * (1 + c11));
  },
  j: (q) => SQRT_2_OVER_PI / Math.sqrt(1 + q),
  // g and g'' are odd: their averages over a zero-mean field vanish
  mean: (_q) => 0,
  d1: (_q) => 0,
  d3: (q) => -SQRT_2_OVER_PI / ((1 + q) * Math.sqrt(1 + q)),
  d2gPlusG1sq: (q) => TWO_OVER_PI / ((1 + q) * Math.sqrt(1 + 2 * q)),
  d2g: (qkk, qka, qaa) =>
    (-TWO_OVER_PI * qka) / ((1 + qkk) * Math.sqrt((1 + qkk) * (1 + qaa) - qka * qka)),
  g1g1: (qkk, qka, qaa) => TWO_OVER_PI / Math.sqrt((1 + qkk) * (1 + qaa) - qka * qka),
};

/** erf: j(q, m) = E[g'(x+m)]. */
function erfJ(q: number, m: number): number {
  const a = 1 + q;
  return (SQRT_2_OVER_PI / Math.sqrt(a)) * Math.exp((-0.5 * m * m) / a);
}

/** erf, g(u) = erf(u / sqrt 2): the closed forms of the module notes. */
const BIASED: BiasedActivationAverages = {
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
    return mean1 * mean2 + 4 * orthantCovariance(m1 / s1, m2 / s2, r, omr2 > 0 ? omr2 : 0);
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
 * g(u) = erf(u / sqrt 2), g' = sqrt(2/pi) e^{-u^2/2}, g'' = -u g', g''' = (u^2 - 1) g'.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { erf } from "./erf.ts";
 * // E[g(x)^2] for Var x = 1: (2/pi) asin(1/2) = 1/3
 * assert.ok(Math.abs(erf.averages.I2(1, 1, 1) - 1 / 3) < 1e-15);
 * ```
 */
export const erf: ActivationSpec = {
  name: "erf",
  doc: "g(u) = erf(u / sqrt 2), sigmoidal",
  kernelCode: 1,
  closedForm: true,
  g: (u) => erfFn(u * INV_SQRT2),
  g1: (u) => SQRT_2_OVER_PI * Math.exp(-0.5 * u * u),
  g2: (u) => -u * SQRT_2_OVER_PI * Math.exp(-0.5 * u * u),
  g3: (u) => (u * u - 1) * SQRT_2_OVER_PI * Math.exp(-0.5 * u * u),
  splitAt: [0],
  averages: AVERAGES,
  biasedAverages: BIASED,
};
