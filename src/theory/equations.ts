/**
 * The exact equations of THEORY.md section 4 in the projected form (4b):
 * from the macroscopic overlaps (Q, R, T, T0) to the 2K x 2K matrices M1, M0
 * of the linear flow of every eigen-direction,
 *   d/dt [a; b](tau) = (rho_tau M1 + M0) [a; b](tau),
 * and the predicted test error. Stein form (no inverses of d_ka or d'_k).
 * @module
 */
import type { Rule } from "../problem/types.ts";
import type {
  ActivationAverages,
  BiasedActivationAverages,
  PairAverages,
} from "../activations/mod.ts";

/** The Gaussian averages the equations need (closed forms: `averagesFor`). */
export type EquationAverages = Pick<
  ActivationAverages,
  "I2" | "J2" | "j" | "d3" | "d2gPlusG1sq" | "d2g" | "g1g1" | "pair"
>;

/** Macroscopic overlaps, K x K row-major each. */
export interface Overlaps {
  Q: Float64Array;
  R: Float64Array;
  T: Float64Array;
  T0: Float64Array;
}

/**
 * The averages of the equations at the current state, by unit index: the
 * fields lambda_k have variances Q_kk, covariances Q_ka and means mu_k
 * (zero without bias). g1, g2, g3 are the derivatives of g.
 */
export interface FieldAverages {
  /** E[g1(lambda_k)]. */
  j(k: number): number;
  /** E[g2(lambda_k)] (needed by the bias flow only). */
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
 */
export function centralFields(avg: EquationAverages, Q: Float64Array, K: number): FieldAverages {
  const q = (k: number, a: number) => Q[k * K + a];
  const none = () => {
    throw new Error("internal: bias averages requested without bias");
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
      j: (k) => avg.j(q(k, k)),
      d1: none,
      d3: (k) => avg.d3(q(k, k)),
      d2gPlusG1sq: (k) => avg.d2gPlusG1sq(q(k, k)),
      d2g: (k, a) => (k <= a ? pair(k, a).d2gKA : pair(k, a).d2gAK),
      g1g1: (k, a) => pair(k, a).g1g1,
      g1g: none,
      I2: (k, a) => pair(k, a).I2,
    };
  }
  return {
    j: (k) => avg.j(q(k, k)),
    d1: none,
    d3: (k) => avg.d3(q(k, k)),
    d2gPlusG1sq: (k) => avg.d2gPlusG1sq(q(k, k)),
    d2g: (k, a) => avg.d2g(q(k, k), q(k, a), q(a, a)),
    g1g1: (k, a) => avg.g1g1(q(k, k), q(k, a), q(a, a)),
    g1g: none,
    I2: (k, a) => avg.I2(q(k, k), q(k, a), q(a, a)),
  };
}

/** Field averages with means mu_k (trained biases divided by sqrt(D)). */
export function biasedFields(
  avg: BiasedActivationAverages,
  Q: Float64Array,
  mu: ArrayLike<number>,
  K: number,
): FieldAverages {
  const q = (k: number, a: number) => Q[k * K + a];
  return {
    j: (k) => avg.j(q(k, k), mu[k]),
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
 * Flow of the means mu_k = b_k / sqrt(D) of trained biases:
 * dmu_k/dt = eta (R_kk E[g2(lambda_k)] - sum_{a in A(k)} T0_ka E[g1(lambda_k) g(lambda_a)]).
 */
export function biasFlow(
  K: number,
  rule: Rule,
  lr: number,
  f: FieldAverages,
  o: Overlaps,
  dmu: Float64Array,
): void {
  for (let k = 0; k < K; k++) {
    let s = o.R[k * K + k] * f.d1(k);
    for (let a = 0; a < K; a++) if (inA(rule, k, a)) s -= o.T0[k * K + a] * f.g1g(k, a);
    dmu[k] = lr * s;
  }
}

/** Whether unit a is in A(k), the units unit k reconstructs with. */
function inA(rule: Rule, k: number, a: number): boolean {
  return rule === "vanilla" || a <= k;
}

/**
 * Fill M1 and M0 (2K x 2K, row-major; rows/columns 0..K-1 are a, K..2K-1 are b)
 * for vanilla and truncated SGD, untied:
 *   M1[a_k, a_m] = (eta/D) A1_km,  M1[a_k, b_k] = M1[b_k, a_k] = (eta/D) j_k,
 *   M0[b_k, b_a] = -eta I2_ka for a in A(k),
 * with A1_kk = R_kk E[g3_k] - T0_kk E[g2_k g_k + g1_k^2] - sum_{a in A(k), a != k} T0_ka E[g2_k g_a]
 * and A1_ka = -T0_ka E[g1_k g1_a] (a in A(k), a != k), where g1, g2, g3 are
 * the first three derivatives of g and g_k = g(lambda_k).
 *
 * Tied weights (v^k = w^k, so b = a / sqrt(D)): both updates act on w, so
 * da/dt = rho (M1aa + M1ab / sqrt(D) + sqrt(D) M1ba) a + sqrt(D) M0bb b; written
 * on the 2K state as M1'[a,a] = M1aa + sqrt(D) M1ba, M1'[a,b] = M1ab,
 * M0'[a,b] = sqrt(D) M0bb, and the b rows equal to the a rows / sqrt(D), which
 * keeps b = a / sqrt(D) along the flow.
 *
 * Sanger's rule (linear, y = W x / sqrt(D), effective decoder v = w / sqrt(D),
 * so b = a / D): dw^k/dt = (eta/D) (Omega w^k - sum_{a <= k} Q_ka w^a), i.e.
 * M1[a_k, a_k] = eta/D, M0[a_k, a_a] = -(eta/D) Q_ka (a <= k), b rows = a rows / D.
 */
export function flowMatrices(
  K: number,
  rule: Rule,
  lr: number,
  D: number,
  avgOrFields: EquationAverages | FieldAverages,
  o: Overlaps,
  M1: Float64Array,
  M0: Float64Array,
  tied = false,
): void {
  const f = "J2" in avgOrFields ? centralFields(avgOrFields, o.Q, K) : avgOrFields;
  const m = 2 * K;
  M1.fill(0);
  M0.fill(0);
  const c = lr / D;
  if (rule === "sanger") {
    for (let k = 0; k < K; k++) {
      M1[k * m + k] = c;
      for (let a = 0; a <= k; a++) M0[k * m + a] = -c * o.Q[k * K + a];
    }
    copyRowsScaled(K, M1, M0, 1 / D);
    return;
  }
  for (let k = 0; k < K; k++) {
    const jk = f.j(k);
    let diag = o.R[k * K + k] * f.d3(k) - o.T0[k * K + k] * f.d2gPlusG1sq(k);
    for (let a = 0; a < K; a++) {
      if (a === k || !inA(rule, k, a)) continue;
      const t0 = o.T0[k * K + a];
      diag -= t0 * f.d2g(k, a);
      M1[k * m + a] = -c * t0 * f.g1g1(k, a);
    }
    M1[k * m + k] = c * diag;
    M1[k * m + K + k] = c * jk;
    M1[(K + k) * m + k] = c * jk;
    for (let a = 0; a < K; a++) {
      if (!inA(rule, k, a)) continue;
      M0[(K + k) * m + K + a] = -lr * f.I2(k, a);
    }
  }
  if (tied) {
    const sd = Math.sqrt(D);
    for (let k = 0; k < K; k++) {
      for (let a = 0; a < K; a++) {
        M1[k * m + a] += sd * M1[(K + k) * m + a];
        M0[k * m + K + a] = sd * M0[(K + k) * m + K + a];
      }
    }
    copyRowsScaled(K, M1, M0, 1 / sd);
  }
}

/** Set the b rows of M1 and M0 to their a rows times f. */
function copyRowsScaled(K: number, M1: Float64Array, M0: Float64Array, f: number): void {
  const m = 2 * K;
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < m; j++) {
      M1[(K + k) * m + j] = f * M1[k * m + j];
      M0[(K + k) * m + j] = f * M0[k * m + j];
    }
  }
}

/**
 * Predicted test error:
 * eps = tr(Omega)/(2D) - sum_k E[nu_k g(lambda_k)] + (1/2) sum_kl T0_kl E[g(lambda_k) g(lambda_l)],
 * with E[nu_k g(lambda_k)] = R_kk E[g1(lambda_k)] (Stein's lemma; = J2 without bias).
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
  return e;
}

/** Overlaps from the moments P = sum rho y y^T and U = sum y y^T (2K x 2K). */
export function overlapsFromMoments(
  K: number,
  D: number,
  P: Float64Array,
  U: Float64Array,
  o: Overlaps,
  WW?: Float64Array,
): void {
  const m = 2 * K;
  for (let k = 0; k < K; k++) {
    for (let l = 0; l < K; l++) {
      o.Q[k * K + l] = P[k * m + l] / D;
      o.R[k * K + l] = P[(K + k) * m + l] / D;
      o.T[k * K + l] = P[(K + k) * m + K + l] / D;
      o.T0[k * K + l] = U[(K + k) * m + K + l];
      if (WW) WW[k * K + l] = U[k * m + l] / D;
    }
  }
}
