/**
 * The exact equations of THEORY.md section 4 in the projected form (4b):
 * from the macroscopic overlaps (Q, R, T, T0) to the 2K x 2K matrices M1, M0
 * of the linear flow of every eigen-direction,
 *   d/dt [a; b](tau) = (rho_tau M1 + M0) [a; b](tau),
 * and the predicted test error. Stein form (no inverses of d_ka or d'_k).
 * @module
 */
import type { Rule } from "../types.ts";
import type { ActivationAverages } from "./averages.ts";

/** The Gaussian averages the equations need (closed forms: `averagesFor`). */
export type EquationAverages = Pick<ActivationAverages, "I2" | "J2" | "j" | "d3" | "d2gPlusG1sq" | "d2g" | "g1g1">;

/** Macroscopic overlaps, K x K row-major each. */
export interface Overlaps {
  Q: Float64Array;
  R: Float64Array;
  T: Float64Array;
  T0: Float64Array;
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
  avg: EquationAverages,
  o: Overlaps,
  M1: Float64Array,
  M0: Float64Array,
  tied = false,
): void {
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
    const qkk = o.Q[k * K + k];
    const jk = avg.j(qkk);
    let diag = o.R[k * K + k] * avg.d3(qkk) - o.T0[k * K + k] * avg.d2gPlusG1sq(qkk);
    for (let a = 0; a < K; a++) {
      if (a === k || !inA(rule, k, a)) continue;
      const qka = o.Q[k * K + a];
      const qaa = o.Q[a * K + a];
      const t0 = o.T0[k * K + a];
      diag -= t0 * avg.d2g(qkk, qka, qaa);
      M1[k * m + a] = -c * t0 * avg.g1g1(qkk, qka, qaa);
    }
    M1[k * m + k] = c * diag;
    M1[k * m + K + k] = c * jk;
    M1[(K + k) * m + k] = c * jk;
    for (let a = 0; a < K; a++) {
      if (!inA(rule, k, a)) continue;
      M0[(K + k) * m + K + a] = -lr * avg.I2(qkk, o.Q[k * K + a], o.Q[a * K + a]);
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
 * eps = tr(Omega)/(2D) - sum_k J2([[T_kk, R_kk], [R_kk, Q_kk]]) + (1/2) sum_kl T0_kl I2_kl.
 */
export function predictedError(
  K: number,
  traceOverD: number,
  avg: EquationAverages,
  o: Overlaps,
): number {
  let e = traceOverD / 2;
  for (let k = 0; k < K; k++) {
    const kk = k * K + k;
    e -= avg.J2(o.T[kk], o.R[kk], o.Q[kk]);
    for (let l = 0; l < K; l++) {
      e += 0.5 * o.T0[k * K + l] * avg.I2(o.Q[kk], o.Q[k * K + l], o.Q[l * K + l]);
    }
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
