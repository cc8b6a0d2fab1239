/**
 * How the learned decoder vectors line up with the principal components,
 * from the order parameters of a run (b_k(m) = v^k . e_m / sqrt(D) and
 * T0 = V V^T / D): per-unit cosines, the alignment in order (truncated SGD
 * and Sanger's rule learn the components themselves), the alignment after
 * the best permutation, and the rotation-invariant projections of each
 * component on the decoder's span (vanilla SGD learns the span).
 * @module
 */
import type { OrderParameters } from "../problem/types.ts";

/**
 * |cos(v^k, e_m)| = |b_k(m)| / sqrt(T0_kk), K x M (the decoder's overlap with the top eigenvectors).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cosines } from "./alignment.ts";
 * const c = cosines({ b: [[0.6, 0.8]], T0: [[1]] } as never);
 * assert.equal(c[0][1], 0.8);
 * ```
 */
export function cosines(o: OrderParameters): number[][] {
  return o.b.map((row, k) => row.map((x) => Math.abs(x) / Math.sqrt(o.T0[k][k])));
}

/** Mean of |cos(v^k, e_k)| over the units: 1 when unit k has learnt component k, in order. */
export function alignment(o: OrderParameters): number {
  const c = cosines(o);
  const K = c.length;
  let s = 0;
  for (let k = 0; k < K; k++) s += c[k][k] ?? 0;
  return s / K;
}

/**
 * The alignment after matching units to components by the best permutation:
 * mean over k of |cos(v^k, e_pi(k))| maximised over pi (K <= 8). Near 1 when
 * every unit has learnt one component, in whatever order.
 */
export function permutedAlignment(o: OrderParameters): number {
  const c = cosines(o);
  const K = c.length;
  if (K > 8 || (c[0]?.length ?? 0) < K) return NaN;
  let best = 0;
  const used = new Array(K).fill(false);
  const walk = (k: number, sum: number) => {
    if (k === K) {
      best = Math.max(best, sum / K);
      return;
    }
    for (let m = 0; m < K; m++) {
      if (used[m]) continue;
      used[m] = true;
      walk(k + 1, sum + c[k][m]);
      used[m] = false;
    }
  };
  walk(0, 0);
  return best;
}

/**
 * How much of each top eigenvector e_m lies in the span of the decoder vectors:
 * |P_V e_m| = sqrt(b_m^T T0^-1 b_m), with b_m = (b_1(m), ..., b_K(m)) (rotation-invariant, in [0, 1]).
 */
export function spanOverlaps(o: OrderParameters): number[] {
  const K = o.T0.length;
  const M = o.b[0]?.length ?? 0;
  const out: number[] = [];
  for (let m = 0; m < M; m++) {
    // solve T0 x = b_m by Gaussian elimination with partial pivoting (K is small)
    const A = o.T0.map((row, k) => [...row, o.b[k][m]]);
    let ok = true;
    for (let c = 0; c < K && ok; c++) {
      let p = c;
      for (let r = c + 1; r < K; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
      if (!(Math.abs(A[p][c]) > 0)) ok = false;
      [A[c], A[p]] = [A[p], A[c]];
      for (let r = c + 1; r < K && ok; r++) {
        const f = A[r][c] / A[c][c];
        for (let j = c; j <= K; j++) A[r][j] -= f * A[c][j];
      }
    }
    if (!ok) {
      out.push(NaN);
      continue;
    }
    const x = new Array(K).fill(0);
    for (let r = K - 1; r >= 0; r--) {
      let v = A[r][K];
      for (let j = r + 1; j < K; j++) v -= A[r][j] * x[j];
      x[r] = v / A[r][r];
    }
    let q = 0;
    for (let k = 0; k < K; k++) q += o.b[k][m] * x[k];
    out.push(Math.sqrt(Math.max(q, 0)));
  }
  return out;
}

/**
 * The angle in degrees, unit by unit, between the decoder vectors of two
 * records of the same network (e.g. SGD and the theory from the same
 * initial weights) within the span of the top M components: the angle
 * between (b_k(1), ..., b_k(M)) of each, M = K by default. Small for every
 * unit when the two have learnt the same rotation of the components.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decoderAngles } from "./alignment.ts";
 * const a = { b: [[1, 0], [0, 1]] }, b = { b: [[1, 1], [0, 2]] };
 * const [d1, d2] = decoderAngles(a as never, b as never);
 * assert.ok(Math.abs(d1 - 45) < 1e-12);
 * assert.equal(d2, 0);
 * ```
 */
export function decoderAngles(
  a: Pick<OrderParameters, "b">,
  b: Pick<OrderParameters, "b">,
  M = a.b.length,
): number[] {
  return a.b.map((row, k) => {
    const x = row.slice(0, M), y = b.b[k].slice(0, M);
    const d = x.reduce((s, v, m) => s + v * y[m], 0);
    const n = Math.hypot(...x) * Math.hypot(...y);
    return n > 0 ? (Math.acos(Math.min(1, Math.abs(d) / n)) * 180) / Math.PI : NaN;
  });
}
