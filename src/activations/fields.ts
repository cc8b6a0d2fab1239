/**
 * The local fields of a network and what they give for Gaussian inputs:
 * the Gaussian averages of the fields at given overlaps (by unit index,
 * zero-mean or with the means of trained biases) and the population (test)
 * error of the weights, exact for Gaussian inputs (THEORY.md sections 1b and
 * 4). Below both the simulator and the theory: `simulate`'s results and the
 * equations' states give their errors through {@link predictedError}.
 *
 * For weights with overlaps Q, R, T, T0 (THEORY.md section 4), field means
 * mu_k = b_k / sqrt(D) and, with an output bias c, C_k = v^k . c / D and
 * C0 = c . c / D, the error of xhat = sum_k v^k g(lambda_k) + c on zero-mean
 * Gaussian inputs x is
 *
 *     eps = E|x - xhat|^2 / (2D)
 *         = tr(Omega)/(2D) - sum_k E[nu_k g(lambda_k)]
 *           + (1/2) sum_kl T0_kl E[g(lambda_k) g(lambda_l)]
 *           + sum_k C_k E[g(lambda_k)] + C0 / 2,
 *
 * with nu_k = v^k . x / D, E[nu_k g(lambda_k)] = R_kk E[g'(lambda_k)]
 * (Stein's lemma; = J2 without bias), and E[x] . c = 0.
 * @module
 */
import type { ActivationAverages, BiasedActivationAverages, PairAverages } from "./averages.ts";

/** The Gaussian averages the equations need (closed forms: `averagesFor`). */
export type EquationAverages = Pick<
  ActivationAverages,
  "I2" | "J2" | "j" | "d3" | "d2gPlusG1sq" | "d2g" | "g1g1" | "pair" | "mean" | "d1"
>;

/**
 * Macroscopic overlaps, K x K row-major each (THEORY.md section 4); with an
 * output bias c also C (K) and C0 (THEORY.md 1b).
 */
export interface Overlaps {
  /** Q_kl = w^k Omega w^l / D. */
  Q: Float64Array;
  /** R_kl = v^k Omega w^l / D^1.5. */
  R: Float64Array;
  /** T_kl = v^k Omega v^l / D^2. */
  T: Float64Array;
  /** T0_kl = v^k . v^l / D. */
  T0: Float64Array;
  /** C_k = v^k . c / D (networks with an output bias c). */
  C?: Float64Array;
  /** C0 = c . c / D (networks with an output bias c). */
  C0?: number;
}

/**
 * The averages of the equations at the current state, by unit index: the
 * fields lambda_k have variances Q_kk, covariances Q_ka and means mu_k
 * (zero without bias). g1, g2, g3 are the derivatives of g.
 */
export interface FieldAverages {
  /** E[g1(lambda_k)]. */
  j(k: number): number;
  /** E[g(lambda_k)] (the output bias couples to it). */
  mean(k: number): number;
  /** E[g2(lambda_k)] (the bias flow and the output bias need it). */
  d1(k: number): number;
  /** E[g3(lambda_k)]. */
  d3(k: number): number;
  /** E[g2(lambda_k) g(lambda_k) + g1(lambda_k)^2]. */
  d2gPlusG1sq(k: number): number;
  /** E[g2(lambda_k) g(lambda_a)]. */
  d2g(k: number, a: number): number;
  /** E[g1(lambda_k) g1(lambda_a)]. */
  g1g1(k: number, a: number): number;
  /** E[g1(lambda_k) g(lambda_a)] (needed by the bias flow only). */
  g1g(k: number, a: number): number;
  /** E[g(lambda_k) g(lambda_a)]. */
  I2(k: number, a: number): number;
}

/**
 * Field averages of zero-mean fields: closed forms called directly, or, for
 * averages by quadrature (`avg.pair`), every two-field average of a pair
 * from one grid, computed on first use and kept for this state.
 *
 * @param avg the activation's averages over zero-mean fields
 * @param Q the overlaps Q, K x K row-major
 * @param K the number of units
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { centralFields } from "./fields.ts";
 * import { averagesFor } from "./mod.ts";
 * const f = centralFields(averagesFor("relu"), Float64Array.of(2), 1);
 * // E[relu(x)] = sqrt(q / (2 pi)) for x ~ N(0, q)
 * assert.ok(Math.abs(f.mean(0) - Math.sqrt(1 / Math.PI)) < 1e-15);
 * assert.equal(f.j(0), 0.5);
 * ```
 */
export function centralFields(avg: EquationAverages, Q: Float64Array, K: number): FieldAverages {
  const q = (k: number, a: number) => Q[k * K + a];
  const none = () => {
    throw new Error("internal: bias averages requested without bias");
  };
  const one = {
    j: (k: number) => avg.j(q(k, k)),
    mean: (k: number) => avg.mean(q(k, k)),
    d1: (k: number) => avg.d1(q(k, k)),
    d3: (k: number) => avg.d3(q(k, k)),
    d2gPlusG1sq: (k: number) => avg.d2gPlusG1sq(q(k, k)),
    g1g: none,
  };
  const pairOf = avg.pair?.bind(avg);
  if (pairOf) {
    const memo: (PairAverages | undefined)[] = new Array(K * K);
    const pair = (k: number, a: number): PairAverages => {
      const lo = Math.min(k, a), hi = Math.max(k, a);
      let p = memo[lo * K + hi];
      if (!p) {
        p = pairOf(q(lo, lo), q(lo, hi), q(hi, hi));
        memo[lo * K + hi] = p;
      }
      return p;
    };
    return {
      ...one,
      d2g: (k, a) => (k <= a ? pair(k, a).d2gKA : pair(k, a).d2gAK),
      g1g1: (k, a) => pair(k, a).g1g1,
      I2: (k, a) => pair(k, a).I2,
    };
  }
  return {
    ...one,
    d2g: (k, a) => avg.d2g(q(k, k), q(k, a), q(a, a)),
    g1g1: (k, a) => avg.g1g1(q(k, k), q(k, a), q(a, a)),
    I2: (k, a) => avg.I2(q(k, k), q(k, a), q(a, a)),
  };
}

/**
 * Field averages with means mu_k (trained biases divided by sqrt(D)).
 *
 * @param avg the activation's averages over fields with means
 * @param Q the overlaps Q, K x K row-major
 * @param mu the means mu_k = b_k / sqrt(D), K
 * @param K the number of units
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { biasedFields } from "./fields.ts";
 * import { biasedAveragesFor } from "./mod.ts";
 * const f = biasedFields(biasedAveragesFor("linear"), Float64Array.of(1), [0.5], 1);
 * assert.equal(f.mean(0), 0.5);
 * assert.equal(f.I2(0, 0), 1.25);
 * ```
 */
export function biasedFields(
  avg: BiasedActivationAverages,
  Q: Float64Array,
  mu: ArrayLike<number>,
  K: number,
): FieldAverages {
  const q = (k: number, a: number) => Q[k * K + a];
  return {
    j: (k) => avg.j(q(k, k), mu[k]),
    mean: (k) => avg.mean(q(k, k), mu[k]),
    d1: (k) => avg.d1(q(k, k), mu[k]),
    d3: (k) => avg.d3(q(k, k), mu[k]),
    d2gPlusG1sq: (k) => avg.d2gPlusG1sq(q(k, k), mu[k]),
    d2g: (k, a) => avg.d2g(q(k, k), q(k, a), q(a, a), mu[k], mu[a]),
    g1g1: (k, a) => avg.g1g1(q(k, k), q(k, a), q(a, a), mu[k], mu[a]),
    g1g: (k, a) => avg.g1g(q(k, k), q(k, a), q(a, a), mu[k], mu[a]),
    I2: (k, a) => avg.I2(q(k, k), q(k, a), q(a, a), mu[k], mu[a]),
  };
}

/**
 * The population (test) error of a network on zero-mean Gaussian inputs
 * from its overlaps (the module notes): exact for Gaussian inputs, and the
 * theory's prediction. The output-bias terms sum_k C_k E[g(lambda_k)] + C0/2
 * enter when `o.C` is given.
 *
 * @param K the number of units
 * @param traceOverD tr(Omega) / D
 * @param avgOrFields the averages over zero-mean fields, or the field averages of the state
 * @param o the overlaps (with C and C0 for an output bias)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { predictedError } from "./fields.ts";
 * import { averagesFor } from "./mod.ts";
 * // zero weights: eps = tr(Omega) / (2D)
 * const z = () => new Float64Array(1);
 * const o = { Q: Float64Array.of(1), R: z(), T: z(), T0: z() };
 * assert.equal(predictedError(1, 2, averagesFor("erf"), o), 1);
 * ```
 */
export function predictedError(
  K: number,
  traceOverD: number,
  avgOrFields: EquationAverages | FieldAverages,
  o: Overlaps,
): number {
  const f = "J2" in avgOrFields ? centralFields(avgOrFields, o.Q, K) : avgOrFields;
  let e = traceOverD / 2;
  for (let k = 0; k < K; k++) {
    e -= o.R[k * K + k] * f.j(k);
    for (let l = 0; l < K; l++) e += 0.5 * o.T0[k * K + l] * f.I2(k, l);
  }
  if (o.C) {
    for (let k = 0; k < K; k++) e += o.C[k] * f.mean(k);
    e += 0.5 * (o.C0 ?? 0);
  }
  return e;
}
