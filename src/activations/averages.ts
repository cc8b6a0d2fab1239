/**
 * The Gaussian averages every activation provides to the equations
 * (THEORY.md section 4), as two interfaces — {@link ActivationAverages} for
 * zero-mean fields, {@link BiasedActivationAverages} for fields with means
 * (trained biases) — and their quadrature fallbacks,
 * {@link quadratureAverages} and {@link quadratureBiasedAverages}, which any
 * activation without closed forms uses (g and g' suffice; g'' and g''' are
 * used when given).
 *
 * Covariances are passed as plain numbers in upper-triangular row order
 * (c11, c12, c22) or (c11, c12, c13, c22, c23, c33), so that closed forms,
 * called K^2 times per right-hand side, allocate nothing.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { gaussianExpectation, gaussianExpectations, MAX_NODES } from "../math/quadrature.ts";

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
  /** E[g(x)], Var x = q (zero for odd g; the output bias couples to it, THEORY.md 1b). */
  mean(q: number): number;
  /** E[g''(x)], Var x = q (relu: the density of x at 0; zero for odd g). */
  d1(q: number): number;
  /** E[g'''(x)], Var x = q. */
  d3(q: number): number;
  /** E[g''(x) g(x) + g'(x)^2] (= E[(g g')'(x)]), Var x = q. */
  d2gPlusG1sq(q: number): number;
  /** E[g''(x_k) g(x_a)], Cov(x_k, x_a) = [[qkk, qka], [qka, qaa]]. */
  d2g(qkk: number, qka: number, qaa: number): number;
  /** E[g'(x_k) g'(x_a)], Cov(x_k, x_a) = [[qkk, qka], [qka, qaa]]. */
  g1g1(qkk: number, qka: number, qaa: number): number;
  /**
   * Optional, for averages computed numerically: the two-field averages of
   * a pair at once, over one quadrature grid, at a fraction of the cost of
   * the separate functions (the same numbers for I2, g1g1 and d2gKA; d2gAK
   * to the quadrature's accuracy, being integrated on the grid of (x_k, x_a)).
   */
  pair?(qkk: number, qka: number, qaa: number): PairAverages;
}

/** The two-field averages of a pair of fields (x_k, x_a), from {@link ActivationAverages.pair}. */
export interface PairAverages {
  /** E[g(x_k) g(x_a)]. */
  I2: number;
  /** E[g'(x_k) g'(x_a)]. */
  g1g1: number;
  /** E[g''(x_k) g(x_a)]. */
  d2gKA: number;
  /** E[g''(x_a) g(x_k)]. */
  d2gAK: number;
}

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

/** A scalar function of one variable (an activation or one of its derivatives). */
export type ScalarFunction = (u: number) => number;

/** g and its derivatives, for {@link quadratureAverages}. */
export interface ActivationFunctions {
  /** g(u). */
  g: ScalarFunction;
  /** g'(u) (at a kink, either one-sided value). */
  g1: ScalarFunction;
  /** g''(u), where it is a function (optional: Stein's lemma replaces it). */
  g2?: ScalarFunction;
  /** g'''(u), where it is a function (optional: Stein's lemma replaces it). */
  g3?: ScalarFunction;
  /** Points where g is not smooth or varies fastest (0 for relu and erf), to split integrals at. */
  splitAt: readonly number[];
  /** Optional: g, g' and g'' at u into out[0], out[1], out[2] (one costly evaluation for all three). */
  values?: (u: number, out: Float64Array) => void;
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
  /**
   * Gauss–Legendre nodes per piece of the two-field averages as a function
   * of the larger variance (overrides `legendreNodes` there): fewer nodes
   * where the integrand is smooth on the grid's scale.
   */
  legendreNodesFor?: (variance: number) => number;
  /** g, g', g'' at once (see {@link ActivationFunctions.values}), for the pair averages. */
  values?: (u: number, out: Float64Array) => void;
}

/**
 * The {@link ActivationAverages} of any activation by Gaussian quadrature
 * ({@link gaussianExpectation}), with optional biases (`opts.mean`).
 *
 * Derivative averages use g2 / g3 when given; otherwise Stein's lemma
 * reduces them to g and g' (so a relu needs only g and g'), for x ~ N(0, q):
 *   E[g''(x+m)] = E[x g'(x+m)] / q,
 *   E[g'''(x+m)] = E[g'(x+m) (x^2/q - 1)] / q,
 *   E[(g g')'(x+m)] = E[x g(x+m) g'(x+m)] / q,
 *   E[g''(x_k+m1) g(x_a+m2)] = (E[x_k g'(x_k+m1) g(x_a+m2)] - qka E[g' g']) / qkk.
 * These need q > 0 (NaN otherwise). Not for hot loops: every call builds a
 * tensor grid (up to 96^2 points in 2-d, 96 x 48 x 96 for I3).
 *
 * Accuracy against the closed forms (tests/activations/averages_test.ts), with
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
 * import assert from "node:assert/strict";
 * import { quadratureAverages } from "./averages.ts";
 * import { averagesFor } from "./mod.ts";
 * // tanh with a bias 0.1 on every field
 * const th = quadratureAverages(Math.tanh, (u) => 1 - Math.tanh(u) ** 2, undefined, undefined, { mean: [0.1, 0.1] });
 * assert.ok(th.j(1) > 0);
 * assert.ok(th.j(1) < 1);
 * const lin = quadratureAverages((u) => u, () => 1, () => 0, () => 0);
 * assert.ok(Math.abs(lin.I3(1, 0.2, 0.3, 2, 0.7, 1) - averagesFor("linear").I3(1, 0.2, 0.3, 2, 0.7, 1)) < 1e-13);
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
  const nodes2 = (c11: number, c22: number): number =>
    opts.legendreNodesFor ? opts.legendreNodesFor(Math.max(c11, c22)) : legendreNodes;
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
      legendreNodes: nodes2(c11, c22),
    });
  const g1g1 = (qkk: number, qka: number, qaa: number): number =>
    e2((x) => g1(x[0] + m1) * g1(x[1] + m2), qkk, qka, qaa, m1, m2);

  // every two-field average of a pair over one grid: g, g', g'' of each field evaluated once per point
  const v0 = new Float64Array(3), v1 = new Float64Array(3);
  const values = opts.values ?? ((u: number, out: Float64Array) => {
    out[0] = g(u);
    out[1] = g1(u);
    out[2] = g2 ? g2(u) : NaN;
  });
  const pair = (qkk: number, qka: number, qaa: number): PairAverages => {
    const [I2, gg, dKA, dAK] = gaussianExpectations(
      (x, out) => {
        values(x[0] + m1, v0);
        values(x[1] + m2, v1);
        out[0] = v0[0] * v1[0];
        out[1] = v0[1] * v1[1];
        // E[g''(x_k) g(x_a)] directly, or by Stein's lemma (see d2g below)
        out[2] = g2 ? v0[2] * v1[0] : x[0] * v0[1] * v1[0];
        out[3] = g2 ? v1[2] * v0[0] : x[1] * v1[1] * v0[0];
      },
      4,
      zero2,
      [[qkk, qka], [qka, qaa]],
      n,
      { breaks: [at(m1), at(m2)], legendreNodes: nodes2(qkk, qaa) },
    );
    return {
      I2,
      g1g1: gg,
      d2gKA: g2 ? dKA : (dKA - qka * gg) / qkk,
      d2gAK: g2 ? dAK : (dAK - qka * gg) / qaa,
    };
  };

  return {
    pair,
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
    mean: (q) => e1((x) => g(x[0] + m1), q),
    d1: g2 ? (q) => e1((x) => g2(x[0] + m1), q) : (q) => e1((x) => x[0] * g1(x[0] + m1), q) / q,
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

/** Options of {@link quadratureBiasedAverages}. */
export type QuadratureBiasedOptions = Omit<QuadratureAveragesOptions, "mean" | "splitAt">;

/**
 * The {@link BiasedActivationAverages} of any activation by Gaussian
 * quadrature: each call integrates with its offsets m1, m2 as the means of
 * the fields entering g (see {@link quadratureAverages}; the same Stein
 * reductions replace g'' and g''' when they are not given, e.g.
 * E[g''(x+m)] = E[x g'(x+m)] / q). Slow (a tensor grid per call): for
 * activations without closed forms.
 *
 * @param fns g and its derivatives, with the points to split integrals at
 * @param opts quadrature nodes
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quadratureBiasedAverages } from "./averages.ts";
 * import { biasedAveragesFor } from "./mod.ts";
 * const relu = { g: (u: number) => Math.max(u, 0), g1: (u: number) => (u > 0 ? 1 : 0), splitAt: [0] };
 * const q = quadratureBiasedAverages(relu);
 * const exact = biasedAveragesFor("relu");
 * assert.ok(Math.abs(q.I2(1, 0.3, 2, 0.2, -0.1) - exact.I2(1, 0.3, 2, 0.2, -0.1)) < 1e-12);
 * ```
 */
export function quadratureBiasedAverages(
  fns: ActivationFunctions,
  opts: QuadratureBiasedOptions = {},
): BiasedActivationAverages {
  const { g, g1, g2, g3, splitAt } = fns;
  const at = (m1: number, m2 = 0) =>
    quadratureAverages(g, g1, g2, g3, { ...opts, splitAt, mean: [m1, m2] });
  const n = opts.n ?? 48;
  const legendreNodes = opts.legendreNodes ?? 48;
  const nodes2 = (c11: number, c22: number): number =>
    opts.legendreNodesFor?.(Math.max(c11, c22)) ?? legendreNodes;
  const shifted = (m: number) => (splitAt.length ? splitAt.map((u) => u - m) : undefined);
  const e1 = (f: (x: Float64Array) => number, q: number, m: number): number =>
    gaussianExpectation(f, [0], [[q]], n, {
      breaks: [shifted(m)],
      legendreNodes: Math.min(2 * legendreNodes, MAX_NODES),
    });
  return {
    I2: (c11, c12, c22, m1, m2) => at(m1, m2).I2(c11, c12, c22),
    g1g1: (c11, c12, c22, m1, m2) => at(m1, m2).g1g1(c11, c12, c22),
    d2g: (c11, c12, c22, m1, m2) => at(m1, m2).d2g(c11, c12, c22),
    g1g: (c11, c12, c22, m1, m2) =>
      gaussianExpectation(
        (x) => g1(x[0] + m1) * g(x[1] + m2),
        [0, 0],
        [[c11, c12], [c12, c22]],
        n,
        {
          breaks: [shifted(m1), shifted(m2)],
          legendreNodes: nodes2(c11, c22),
        },
      ),
    j: (q, m) => at(m).j(q),
    d1: g2
      ? (q, m) => e1((x) => g2(x[0] + m), q, m)
      : (q, m) => e1((x) => x[0] * g1(x[0] + m), q, m) / q,
    d3: (q, m) => at(m).d3(q),
    d2gPlusG1sq: (q, m) => at(m).d2gPlusG1sq(q),
    mean: (q, m) => e1((x) => g(x[0] + m), q, m),
  };
}
