/**
 * The Gaussian averages of THEORY.md section 4, per activation: closed forms
 * for linear, erf and relu ({@link averagesFor}), and the same interface by
 * quadrature for any activation, with optional biases
 * ({@link quadratureAverages}).
 *
 * All fields are jointly Gaussian with zero mean; covariances are passed as
 * plain numbers in upper-triangular row order (c11, c12, c22) or
 * (c11, c12, c13, c22, c23, c33), so that the closed forms, called K^2 times
 * per right-hand side of the ODE, allocate nothing.
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
 *     E[g'' g + g'^2] = E[delta(x) relu(x)] + 1/2 = 1/2,
 *     E[g''(x_k) g(x_a)] = p_k(0) E[relu(x_a) | x_k = 0] = s / (2 pi q_kk),
 *     E[g'(x_k) g'(x_a)] = P(x_k > 0, x_a > 0) = (pi - theta) / (2 pi).
 *
 * Degenerate relu cases (a zero-variance field inside g', where the value
 * depends on g'(0)) use g'(0) = 1/2 or, where the value is constant for
 * positive variance (j, d3, d2gPlusG1sq), that constant; E[g''(x_k) g(x_a)]
 * is +Infinity for q_kk = 0 < q_aa (the density of x_k at 0 diverges).
 * @module
 */
import type { Activation } from "../problem/types.ts";
import { ConfigError } from "../core/errors.ts";
import { gaussianExpectation, MAX_NODES } from "../math/quadrature.ts";

/**
 * The Gaussian averages of one activation g over zero-mean jointly Gaussian
 * fields. Arguments are covariance entries (upper triangle, row order).
 */
export interface ActivationAverages {
  /** I2 = E[g(x1) g(x2)], Cov(x1, x2) = [[c11, c12], [c12, c22]]. */
  I2(c11: number, c12: number, c22: number): number;
  /** J2 = E[x1 g(x2)], Cov(x1, x2) = [[c11, c12], [c12, c22]]. */
  J2(c11: number, c12: number, c22: number): number;
  /** I21 = E[g'(x1) x1 x2], Cov(x1, x2) = [[c11, c12], [c12, c22]]. */
  I21(c11: number, c12: number, c22: number): number;
  /** I22 = E[g'(x1) x2^2], Cov(x1, x2) = [[c11, c12], [c12, c22]]. */
  I22(c11: number, c12: number, c22: number): number;
  /** I3 = E[g'(x1) x2 g(x3)], Cov(x1, x2, x3) with entries c11, c12, c13, c22, c23, c33. */
  I3(c11: number, c12: number, c13: number, c22: number, c23: number, c33: number): number;
  /** j = E[g'(x)], Var x = q. */
  j(q: number): number;
  /** E[g'''(x)], Var x = q. */
  d3(q: number): number;
  /** E[g''(x) g(x) + g'(x)^2] (= E[(g g')'(x)]), Var x = q. */
  d2gPlusG1sq(q: number): number;
  /** E[g''(x_k) g(x_a)], Cov(x_k, x_a) = [[qkk, qka], [qka, qaa]]. */
  d2g(qkk: number, qka: number, qaa: number): number;
  /** E[g'(x_k) g'(x_a)], Cov(x_k, x_a) = [[qkk, qka], [qka, qaa]]. */
  g1g1(qkk: number, qka: number, qaa: number): number;
}

const TWO_OVER_PI = 2 / Math.PI;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_2PI = 1 / (2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const INV_SQRT2 = Math.SQRT1_2;

/**
 * Error function, to ~1 ulp-level relative accuracy. |x| <= 3: the series
 * erf x = (2/sqrt pi) e^{-x^2} sum_n x (2x^2)^n / (1*3*...*(2n+1)) (positive
 * terms, summed until they stop changing the sum); 3 < |x| < 6.5:
 * 1 - erfc x with erfc from its continued fraction (48 terms, evaluated
 * backwards); |x| >= 6.5: +-1. Same algorithm as the WebAssembly kernels.
 *
 * @example
 * ```ts
 * import { erf } from "./averages.ts";
 * if (!(Math.abs(erf(1) - 0.8427007929497149) < 1e-15)) throw new Error("example failed");
 * ```
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 6.5) return x > 0 ? 1 : -1;
  const x2 = ax * ax;
  let r: number;
  if (ax <= 3) {
    let term = ax;
    let sum = ax;
    const twoX2 = 2 * x2;
    for (let n = 1; n < 200; n++) {
      term *= twoX2 / (2 * n + 1);
      const next = sum + term;
      if (next === sum) break;
      sum = next;
    }
    r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  } else {
    let f = ax;
    for (let n = 48; n >= 1; n--) f = ax + (n * 0.5) / f;
    r = 1 - (INV_SQRT_PI * Math.exp(-x2)) / f;
  }
  return x < 0 ? -r : r;
}

/** sqrt of max(0, a b - c^2): the (clamped) 2 x 2 determinant's square root. */
function sqrtDet(a: number, c: number, b: number): number {
  const det = a * b - c * c;
  return det > 0 ? Math.sqrt(det) : 0;
}

/** Linear g(u) = u: every average is a covariance entry. */
const LINEAR: ActivationAverages = {
  I2: (_c11, c12, _c22) => c12,
  J2: (_c11, c12, _c22) => c12,
  I21: (_c11, c12, _c22) => c12,
  I22: (_c11, _c12, c22) => c22,
  I3: (_c11, _c12, _c13, _c22, c23, _c33) => c23,
  j: (_q) => 1,
  d3: (_q) => 0,
  d2gPlusG1sq: (_q) => 1,
  d2g: (_qkk, _qka, _qaa) => 0,
  g1g1: (_qkk, _qka, _qaa) => 1,
};

/**
 * erf, g(u) = erf(u / sqrt 2), g'(u) = sqrt(2/pi) e^{-u^2/2}, g'' = -u g',
 * g''' = (u^2 - 1) g'. Formulas of THEORY.md section 4, plus
 * E[g'''] = -sqrt(2/pi) (1+q)^{-3/2},
 * E[g'' g + g'^2] = (2/pi) / ((1+q) sqrt(1+2q)),
 * E[g''(x_k) g(x_a)] = -P_ka = -(2/pi) qka / ((1+qkk) sqrt((1+qkk)(1+qaa) - qka^2)),
 * E[g'(x_k) g'(x_a)] = (2/pi) / sqrt((1+qkk)(1+qaa) - qka^2).
 */
const ERF: ActivationAverages = {
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
  d3: (q) => -SQRT_2_OVER_PI / ((1 + q) * Math.sqrt(1 + q)),
  d2gPlusG1sq: (q) => TWO_OVER_PI / ((1 + q) * Math.sqrt(1 + 2 * q)),
  d2g: (qkk, qka, qaa) =>
    (-TWO_OVER_PI * qka) / ((1 + qkk) * Math.sqrt((1 + qkk) * (1 + qaa) - qka * qka)),
  g1g1: (qkk, qka, qaa) => TWO_OVER_PI / Math.sqrt((1 + qkk) * (1 + qaa) - qka * qka),
};

/** ReLU, g(u) = max(0, u): the formulas in the module notes. */
const RELU: ActivationAverages = {
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

/**
 * The closed-form averages of a built-in activation (THEORY.md section 4;
 * relu derived in the module notes). Fast: no allocation, plain numbers.
 *
 * @param activation "linear", "erf" or "relu"
 * @example
 * ```ts
 * import { averagesFor } from "./averages.ts";
 * const erf = averagesFor("erf");
 * // E[g(x)^2] for Var x = 1: (2/pi) asin(1/2) = 1/3
 * if (!(Math.abs(erf.I2(1, 1, 1) - 1 / 3) < 1e-15)) throw new Error("example failed");
 * if (!(averagesFor("relu").j(2) === 0.5)) throw new Error("example failed");
 * ```
 */
export function averagesFor(activation: Activation): ActivationAverages {
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

/** A scalar function of one variable (an activation or one of its derivatives). */
export type ScalarFunction = (u: number) => number;

/** g and its derivatives for a built-in activation, for {@link quadratureAverages}. */
export interface ActivationFunctions {
  /** g(u). */
  g: ScalarFunction;
  /** g'(u) (relu: 1 for u > 0, else 0). */
  g1: ScalarFunction;
  /** g''(u), where it is a function (not for relu). */
  g2?: ScalarFunction;
  /** g'''(u), where it is a function (not for relu). */
  g3?: ScalarFunction;
  /** Points where g is not smooth or varies fastest (0 for relu and erf), to split integrals at. */
  splitAt: number[];
}

/**
 * g, g', g'', g''' of a built-in activation, and where to split integrals.
 *
 * @example
 * ```ts
 * import { activationFunctions, averagesFor, quadratureAverages } from "./averages.ts";
 * const { g, g1 } = activationFunctions("relu");
 * const q = quadratureAverages(g, g1); // integrals split at the kink u = 0
 * if (!(Math.abs(q.I2(1, 0.3, 2) - averagesFor("relu").I2(1, 0.3, 2)) < 1e-13)) throw new Error("example failed");
 * ```
 */
export function activationFunctions(activation: Activation): ActivationFunctions {
  switch (activation) {
    case "linear":
      return { g: (u) => u, g1: () => 1, g2: () => 0, g3: () => 0, splitAt: [0] };
    case "erf":
      return {
        g: (u) => erf(u * INV_SQRT2),
        g1: (u) => SQRT_2_OVER_PI * Math.exp(-0.5 * u * u),
        g2: (u) => -u * SQRT_2_OVER_PI * Math.exp(-0.5 * u * u),
        g3: (u) => (u * u - 1) * SQRT_2_OVER_PI * Math.exp(-0.5 * u * u),
        splitAt: [0],
      };
    case "relu":
      return { g: (u) => (u > 0 ? u : 0), g1: (u) => (u > 0 ? 1 : 0), splitAt: [0] };
    default:
      throw new ConfigError("activation", activation, '"linear", "erf" or "relu"');
  }
}

/** Options of {@link quadratureAverages}. */
export interface QuadratureAveragesOptions {
  /**
   * Offsets (biases) m_1, m_2, m_3 added to the argument of g and its
   * derivatives at argument position 1, 2, 3 of each average: e.g.
   * I2 = E[g(x1 + m1) g(x2 + m2)], J2 = E[x1 g(x2 + m2)],
   * I3 = E[g'(x1 + m1) x2 g(x3 + m3)], d2g = E[g''(x_k + m1) g(x_a + m2)],
   * j = E[g'(x + m1)]. Fields appearing linearly stay zero-mean. Default 0.
   */
  mean?: readonly number[];
  /** Gauss–Hermite nodes per dimension (default 48). */
  n?: number;
  /**
   * Points u where g is not smooth or varies fastest (relu's kink, erf's
   * inflection point); each field entering g or a derivative is integrated
   * piecewise, split where its argument crosses them. Default [0]; [] gives
   * plain Gauss–Hermite.
   */
  splitAt?: readonly number[];
  /**
   * Gauss–Legendre nodes per piece of a split dimension in 2-d and 3-d
   * integrals, twice that (at most 200) in 1-d ones (default 48; 64 for
   * variances >~ 20).
   */
  legendreNodes?: number;
}

/**
 * The {@link ActivationAverages} of any activation by Gaussian quadrature
 * ({@link gaussianExpectation}), with optional biases (`opts.mean`).
 *
 * Derivative averages use g2 / g3 when given; otherwise Stein's lemma
 * reduces them to g and g' (so a relu needs only g and g'), for x ~ N(0, q):
 *   E[g'''(x+m)] = E[g'(x+m) (x^2/q - 1)] / q,
 *   E[(g g')'(x+m)] = E[x g(x+m) g'(x+m)] / q,
 *   E[g''(x_k+m1) g(x_a+m2)] = (E[x_k g'(x_k+m1) g(x_a+m2)] - qka E[g' g']) / qkk.
 * These need q > 0 (NaN otherwise). Not for hot loops: every call builds a
 * tensor grid (up to 96^2 points in 2-d, 96 x 48 x 96 for I3).
 *
 * Accuracy against the closed forms (tests/theory/averages_test.ts), with
 * the defaults (split at 0, 48 Gauss–Legendre nodes per piece): erf ~1e-13
 * relative for variances up to ~12 (1e-8 at 50; 64 nodes give 1e-12 there),
 * relu ~1e-14 (piecewise polynomial integrands). Plain Gauss–Hermite
 * (splitAt: []) is as good for variances <~ 2 but degrades fast beyond
 * (erf at variance 12 with n = 48: 1e-3).
 *
 * @param g the activation
 * @param g1 its derivative g'
 * @param g2 g'' (optional)
 * @param g3 g''' (optional)
 * @example
 * ```ts
 * import { averagesFor, quadratureAverages } from "./averages.ts";
 * // tanh with a bias 0.1 on every field
 * const th = quadratureAverages(Math.tanh, (u) => 1 - Math.tanh(u) ** 2, undefined, undefined, { mean: [0.1, 0.1] });
 * if (!(th.j(1) > 0 && th.j(1) < 1)) throw new Error("example failed");
 * const lin = quadratureAverages((u) => u, () => 1, () => 0, () => 0);
 * if (!(Math.abs(lin.I3(1, 0.2, 0.3, 2, 0.7, 1) - averagesFor("linear").I3(1, 0.2, 0.3, 2, 0.7, 1)) < 1e-13)) throw new Error("example failed");
 * ```
 */
export function quadratureAverages(
  g: ScalarFunction,
  g1: ScalarFunction,
  g2?: ScalarFunction,
  g3?: ScalarFunction,
  opts: QuadratureAveragesOptions = {},
): ActivationAverages {
  const mean = opts.mean ?? [];
  if (mean.length > 3 || mean.some((m) => !Number.isFinite(m))) {
    throw new ConfigError("mean", mean, "at most 3 finite offsets");
  }
  const m1 = mean[0] ?? 0;
  const m2 = mean[1] ?? 0;
  const m3 = mean[2] ?? 0;
  const n = opts.n ?? 48;
  const splitAt = opts.splitAt ?? [0];
  if (splitAt.some((u) => !Number.isFinite(u))) {
    throw new ConfigError("splitAt", splitAt, "finite numbers");
  }
  const legendreNodes = opts.legendreNodes ?? 48;
  const zero1 = [0];
  const zero2 = [0, 0];
  const zero3 = [0, 0, 0];
  // breaks of field i (zero-mean) when it enters g or a derivative with offset m
  const at = (
    m: number,
  ): number[] | undefined => (splitAt.length ? splitAt.map((u) => u - m) : undefined);

  // 1-d integrals are cheap: twice the nodes (products like g'(x)^2 are twice as peaked)
  const legendreNodes1 = Math.min(2 * legendreNodes, MAX_NODES);
  const e1 = (f: (x: Float64Array) => number, q: number): number =>
    gaussianExpectation(f, zero1, [[q]], n, { breaks: [at(m1)], legendreNodes: legendreNodes1 });
  const e2 = (
    f: (x: Float64Array) => number,
    c11: number,
    c12: number,
    c22: number,
    act1: number | undefined,
    act2: number | undefined,
  ): number =>
    gaussianExpectation(f, zero2, [[c11, c12], [c12, c22]], n, {
      breaks: [
        act1 === undefined ? undefined : at(act1),
        act2 === undefined ? undefined : at(act2),
      ],
      legendreNodes,
    });
  const g1g1 = (qkk: number, qka: number, qaa: number): number =>
    e2((x) => g1(x[0] + m1) * g1(x[1] + m2), qkk, qka, qaa, m1, m2);

  return {
    I2: (c11, c12, c22) => e2((x) => g(x[0] + m1) * g(x[1] + m2), c11, c12, c22, m1, m2),
    J2: (c11, c12, c22) => e2((x) => x[0] * g(x[1] + m2), c11, c12, c22, undefined, m2),
    I21: (c11, c12, c22) => e2((x) => g1(x[0] + m1) * x[0] * x[1], c11, c12, c22, m1, undefined),
    I22: (c11, c12, c22) => e2((x) => g1(x[0] + m1) * x[1] * x[1], c11, c12, c22, m1, undefined),
    I3: (c11, c12, c13, c22, c23, c33) =>
      gaussianExpectation(
        (x) => g1(x[0] + m1) * x[1] * g(x[2] + m3),
        zero3,
        [[c11, c12, c13], [c12, c22, c23], [c13, c23, c33]],
        n,
        { breaks: [at(m1), undefined, at(m3)], legendreNodes },
      ),
    j: (q) => e1((x) => g1(x[0] + m1), q),
    d3: g3
      ? (q) => e1((x) => g3(x[0] + m1), q)
      : (q) => e1((x) => g1(x[0] + m1) * (x[0] * x[0] / q - 1), q) / q,
    d2gPlusG1sq: g2
      ? (q) =>
        e1((x) => {
          const u = x[0] + m1;
          const d = g1(u);
          return g2(u) * g(u) + d * d;
        }, q)
      : (q) => e1((x) => x[0] * g(x[0] + m1) * g1(x[0] + m1), q) / q,
    d2g: g2
      ? (qkk, qka, qaa) => e2((x) => g2(x[0] + m1) * g(x[1] + m2), qkk, qka, qaa, m1, m2)
      : (qkk, qka, qaa) =>
        (e2((x) => x[0] * g1(x[0] + m1) * g(x[1] + m2), qkk, qka, qaa, m1, m2) -
          qka * g1g1(qkk, qka, qaa)) / qkk,
    g1g1,
  };
}
