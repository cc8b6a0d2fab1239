/**
 * The exact equations of THEORY.md section 4 in the projected form (4b):
 * from the macroscopic overlaps (Q, R, T, T0) to the m x m matrices M1, M0
 * of the linear flow of every eigen-direction,
 *   d/dt y(tau) = (rho_tau M1 + M0) y(tau),   y(tau) = [a; b](tau) (m = 2K),
 * the flow of the field means of trained biases, and (re-exported from
 * `../activations/fields.ts`, where the simulator's side reaches it too) the
 * predicted test error. Stein form (no inverses of d_ka or d'_k).
 *
 * ## The output bias (THEORY.md 1b)
 *
 * With xhat = sum_k v^k g(lambda_k) + c, every Delta of section 2 gains -c
 * (truncated SGD: Delta_k = x - c - sum_{a<=k} v^a g(lambda_a)), and c takes
 * the step c <- c + (eta/D) Delta with the full Delta. The state carries c by
 * its projections c_tau = c . e_tau / sqrt(D) (the scaling of b), as one more
 * row of every per-direction vector, y(tau) = [a; b; c_tau] (m = 2K + 1), and
 * one more row and column of every Gram block. From the moments
 * U = sum_tau y y^T: C_k = v^k . c / D = U[b_k, c] and C0 = c . c / D = U[c, c].
 * No other overlap enters: the inputs have zero mean, so c meets the network
 * only through the constant v^k . c in v^k . Delta and through E[g(lambda_k)].
 * The mean change of each quantity in one step (recipe of THEORY.md 4: Stein's
 * lemma E[f(lambda) x_tau] = Cov(lambda, x_tau) E[f'(lambda)] with
 * Cov(lambda_k, x_tau) = rho_tau a_k(tau) / sqrt(D)), times D steps per unit
 * of t (the eta^2 terms vanish as D grows, as for the weights):
 *
 * - encoder, from -(v^k . c) in v^k . Delta:
 *   E[g'(lambda_k) (-(v^k . c)) x_tau] (eta / D^2) / sqrt(D) per step
 *   = -(eta rho_tau / D^2) C_k E[g''(lambda_k)] a_k(tau), so
 *   da_k/dt += -(eta rho_tau / D) C_k E[g''(lambda_k)] a_k:
 *   M1[a_k, a_k] += -(eta / D) C_k E[g''(lambda_k)]
 *   (relu: E[g''] is the density of lambda_k at 0; odd g without bias: 0);
 * - decoder, from -c in Delta: dv^k/dt += -eta E[g(lambda_k)] c, i.e.
 *   M0[b_k, c] = -eta E[g(lambda_k)] (truncated SGD too: every Delta_k holds -c);
 * - output bias: dc/dt = -eta (sum_a v^a E[g(lambda_a)] + c) over all K units
 *   (c follows the full Delta), i.e. M0[c, b_a] = -eta E[g(lambda_a)],
 *   M0[c, c] = -eta, and no rho term (M1[c, .] = 0);
 * - hidden biases: db_k/dt += -eta D E[g'(lambda_k)] (v^k . c) / D^1.5, i.e.
 *   dmu_k/dt += -eta E[g'(lambda_k)] C_k (mu_k = b_k / sqrt(D));
 * - tied weights (v^k = w^k, b = a / sqrt(D)): the decoder path adds to w,
 *   M0[a_k, c] = sqrt(D) M0[b_k, c]; the b rows stay the a rows / sqrt(D);
 * - error: + sum_k C_k E[g(lambda_k)] + C0 / 2 (`predictedError`).
 *
 * The fluctuations of c do not enter as D grows: a step moves c . e_tau by
 * (eta/D) Delta . e_tau, of variance (eta/D)^2 rho_tau times the residual's
 * share, and the -c term damps it at the rate eta/D per step, so each
 * c . e_tau fluctuates by at most sqrt(eta rho_tau / (2D)) about its mean
 * (of order 1 along a spike, against a mean of order sqrt(D)); summed over
 * the directions the residual leaves (sum rho = 2D eps), they add
 * |delta c|^2 / (2D) = eta eps / (2D) to the error: a relative O(eta / D), like
 * the eta^2 terms of the weights (SGD at D = 500 matches C_k and C0 of the
 * equations to 1.4%, tests/theory/theory_test.ts).
 *
 * Every one of these is the gradient flow of the population loss in weight
 * space (dw/dt = -eta grad_w L, dv/dt = -eta D grad_v L, dc/dt = -eta D grad_c L,
 * dmu/dt = -eta dL/dmu; truncated: unit k on its nested loss, c on the full
 * one), which tests/theory/flow_test.ts checks by finite differences.
 * @module
 */
import type { Rule } from "../problem/types.ts";
import { RULES } from "../problem/rules.ts";
import {
  centralFields,
  type EquationAverages,
  type FieldAverages,
  type Overlaps,
} from "../activations/fields.ts";

export { biasedFields, centralFields, predictedError } from "../activations/fields.ts";
export type { EquationAverages, FieldAverages, Overlaps } from "../activations/fields.ts";

/**
 * Flow of the means mu_k = b_k / sqrt(D) of trained biases:
 * dmu_k/dt = eta (R_kk E[g2(lambda_k)] - sum_{a in A(k)} T0_ka E[g1(lambda_k) g(lambda_a)]
 *                 - C_k E[g1(lambda_k)]),
 * the last term with an output bias only (o.C given).
 */
export function biasFlow(
  K: number,
  rule: Rule,
  lr: number,
  f: FieldAverages,
  o: Overlaps,
  dmu: Float64Array,
): void {
  const uses = RULES[rule].uses;
  for (let k = 0; k < K; k++) {
    let s = o.R[k * K + k] * f.d1(k);
    for (let a = 0; a < K; a++) if (uses(k, a)) s -= o.T0[k * K + a] * f.g1g(k, a);
    if (o.C) s -= o.C[k] * f.j(k);
    dmu[k] = lr * s;
  }
}

/**
 * Fill M1 and M0 (m x m, row-major; rows/columns 0..K-1 are a, K..2K-1 are b,
 * and 2K is c_tau when the network has an output bias, i.e. when `o.C` is
 * given: m = 2K + 1, else m = 2K) for vanilla and truncated SGD, untied:
 *   M1[a_k, a_m] = (eta/D) A1_km,  M1[a_k, b_k] = M1[b_k, a_k] = (eta/D) j_k,
 *   M0[b_k, b_a] = -eta I2_ka for a in A(k),
 * with A1_kk = R_kk E[g3_k] - T0_kk E[g2_k g_k + g1_k^2] - sum_{a in A(k), a != k} T0_ka E[g2_k g_a]
 * and A1_ka = -T0_ka E[g1_k g1_a] (a in A(k), a != k), where g1, g2, g3 are
 * the first three derivatives of g and g_k = g(lambda_k). With an output bias
 * (module notes): A1_kk gains -C_k E[g2_k]; M0[b_k, c] = M0[c, b_k] = -eta E[g_k]
 * for every k, M0[c, c] = -eta.
 *
 * Tied weights (v^k = w^k, so b = a / sqrt(D)): both updates act on w, so
 * da/dt = rho (M1aa + M1ab / sqrt(D) + sqrt(D) M1ba) a + sqrt(D) M0bb b; written
 * on the 2K state as M1'[a,a] = M1aa + sqrt(D) M1ba, M1'[a,b] = M1ab,
 * M0'[a,b] = sqrt(D) M0bb (and M0'[a,c] = sqrt(D) M0bc), and the b rows equal
 * to the a rows / sqrt(D), which keeps b = a / sqrt(D) along the flow.
 *
 * The Hebbian rules (Sanger's, Oja's; linear, y = W x / sqrt(D), effective
 * decoder v = w / sqrt(D), so b = a / D): the rule's own flow (`RuleSpec.hebbian`,
 * e.g. dw^k/dt = (eta/D) (Omega w^k - sum_{a in A(k)} Q_ka w^a)) on the a rows,
 * b rows = a rows / D.
 *
 * Weight decay (THEORY.md 7, `decay` = lambda_k per unit, null for none):
 * M0[a_k, a_k] and M0[b_k, b_k] gain -eta lambda_k (a tied or Hebbian unit's
 * one vector: its a row, which the b row follows).
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
  decay: readonly number[] | null = null,
): void {
  const f = "J2" in avgOrFields ? centralFields(avgOrFields, o.Q, K) : avgOrFields;
  const out = o.C !== undefined;
  const m = out ? 2 * K + 1 : 2 * K;
  if (M1.length !== m * m || M0.length !== m * m) {
    throw new Error(`internal: flow matrices of ${M1.length} entries for m = ${m}`);
  }
  M1.fill(0);
  M0.fill(0);
  const c = lr / D;
  const spec = RULES[rule];
  // decoupled weight decay (THEORY.md 7): each vector of unit k shrinks at the rate eta lambda_k,
  // so each of its projections gains -eta lambda_k times itself (a tied or Hebbian unit has one
  // vector, whose a rows carry it to the b rows below)
  const decayRows = (rows: number[]) => {
    if (!decay) return;
    for (let k = 0; k < K; k++) for (const r of rows) M0[(r + k) * m + r + k] -= lr * decay[k];
  };
  if (spec.hebbian) {
    spec.hebbian(K, m, c, o.Q, M1, M0);
    decayRows([0]);
    copyRowsScaled(K, m, M1, M0, 1 / D);
    return;
  }
  for (let k = 0; k < K; k++) {
    const jk = f.j(k);
    let diag = o.R[k * K + k] * f.d3(k) - o.T0[k * K + k] * f.d2gPlusG1sq(k);
    for (let a = 0; a < K; a++) {
      if (a === k || !spec.uses(k, a)) continue;
      const t0 = o.T0[k * K + a];
      diag -= t0 * f.d2g(k, a);
      M1[k * m + a] = -c * t0 * f.g1g1(k, a);
    }
    if (out && o.C![k] !== 0) diag -= o.C![k] * f.d1(k);
    M1[k * m + k] = c * diag;
    M1[k * m + K + k] = c * jk;
    M1[(K + k) * m + k] = c * jk;
    for (let a = 0; a < K; a++) {
      if (!spec.uses(k, a)) continue;
      M0[(K + k) * m + K + a] = -lr * f.I2(k, a);
    }
  }
  if (out) {
    const cc = 2 * K;
    for (let k = 0; k < K; k++) {
      const g = -lr * f.mean(k);
      M0[(K + k) * m + cc] = g;
      M0[cc * m + K + k] = g;
    }
    M0[cc * m + cc] = -lr;
  }
  if (tied) {
    const sd = Math.sqrt(D);
    for (let k = 0; k < K; k++) {
      for (let a = 0; a < K; a++) {
        M1[k * m + a] += sd * M1[(K + k) * m + a];
        M0[k * m + K + a] = sd * M0[(K + k) * m + K + a];
      }
      if (out) M0[k * m + 2 * K] = sd * M0[(K + k) * m + 2 * K];
    }
    decayRows([0]);
    copyRowsScaled(K, m, M1, M0, 1 / sd);
  } else {
    decayRows([0, K]);
  }
}

/** Set the b rows of M1 and M0 (m x m) to their a rows times f. */
function copyRowsScaled(K: number, m: number, M1: Float64Array, M0: Float64Array, f: number): void {
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < m; j++) {
      M1[(K + k) * m + j] = f * M1[k * m + j];
      M0[(K + k) * m + j] = f * M0[k * m + j];
    }
  }
}

/**
 * Overlaps from the moments P = sum rho y y^T and U = sum y y^T (m x m);
 * with an output bias (m = 2K + 1, `o.C` given) also C_k = U[b_k, c] and
 * C0 = U[c, c].
 */
export function overlapsFromMoments(
  K: number,
  D: number,
  P: Float64Array,
  U: Float64Array,
  o: Overlaps,
  WW?: Float64Array,
): void {
  const m = o.C ? 2 * K + 1 : 2 * K;
  if (o.C) {
    for (let k = 0; k < K; k++) o.C[k] = U[(K + k) * m + 2 * K];
    o.C0 = U[2 * K * m + 2 * K];
  }
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
