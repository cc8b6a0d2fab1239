/**
 * Principal component analysis of a data model: the eigen-decomposition of
 * its covariance and the PCA errors eps_PCA(m) = (1/2D) * (sum of all but the
 * m largest eigenvalues), THEORY.md section 4b.
 * @module
 */
import type { LowRankCovariance, PcaSummary, Spectrum } from "./types.ts";
import { eigh } from "../kernels/linalg.ts";

/**
 * The eigen-decomposition of Omega = diag I + U^T diag(coef) U. With r rows
 * in U the top r eigenpairs come from the r x r problem
 * C^1/2 U U^T C^1/2 y = mu y (eigenvalue diag + mu, eigenvector
 * U^T C^1/2 y / sqrt(mu)); the rest of the spectrum is `diag`. Rows of U
 * that are already orthonormal (a Gaussian model) are taken as they are.
 */
export function covarianceSpectrum(cov: LowRankCovariance, orthonormal = false): Spectrum {
  const { D, r, U, coef, diag } = cov;
  const traceOverD = diag + sumUColumns(cov) / D;
  if (orthonormal) {
    const order = Array.from({ length: r }, (_, i) => i).sort((i, j) => coef[j] - coef[i]);
    const eigenvalues = new Float64Array(order.map((i) => coef[i] + diag));
    const eigenvectors = new Float64Array(r * D);
    order.forEach((src, dst) => eigenvectors.set(U.subarray(src * D, (src + 1) * D), dst * D));
    return { D, eigenvalues, eigenvectors, bulk: diag, traceOverD };
  }
  if (r === 0) {
    return {
      D,
      eigenvalues: new Float64Array(0),
      eigenvectors: new Float64Array(0),
      bulk: diag,
      traceOverD,
    };
  }
  const sq = Array.from(coef, (c) => {
    if (c < 0) throw new Error("spiked covariance weights must be >= 0");
    return Math.sqrt(c);
  });
  const G = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < D; t++) s += U[i * D + t] * U[j * D + t];
      G[i * r + j] = G[j * r + i] = sq[i] * sq[j] * s;
    }
  }
  const { values, vectors } = eigh(G, r);
  const eigenvalues = new Float64Array(r);
  const eigenvectors = new Float64Array(r * D);
  for (let m = 0; m < r; m++) {
    const mu = Math.max(values[m], 0);
    eigenvalues[m] = diag + mu;
    const e = eigenvectors.subarray(m * D, (m + 1) * D);
    for (let i = 0; i < r; i++) {
      const c = sq[i] * vectors[m * r + i];
      for (let t = 0; t < D; t++) e[t] += c * U[i * D + t];
    }
    let n2 = 0;
    for (let t = 0; t < D; t++) n2 += e[t] * e[t];
    const f = n2 > 0 ? 1 / Math.sqrt(n2) : 0;
    for (let t = 0; t < D; t++) e[t] *= f;
  }
  return { D, eigenvalues, eigenvectors, bulk: diag, traceOverD };
}

function sumUColumns(cov: LowRankCovariance): number {
  // tr(U^T diag(coef) U) = sum_m coef_m |u_m|^2
  let s = 0;
  for (let m = 0; m < cov.r; m++) {
    let n2 = 0;
    for (let t = 0; t < cov.D; t++) n2 += cov.U[m * cov.D + t] ** 2;
    s += cov.coef[m] * n2;
  }
  return s;
}

/**
 * eps_PCA(m) for m = 0..mMax: half the mean of all but the m largest
 * eigenvalues of the spectrum (bulk eigenvalues included where they are
 * among the largest).
 */
export function pcaErrors(spec: Spectrum, mMax: number): number[] {
  const { D } = spec;
  const M = spec.eigenvalues.length;
  const all = Array.from(spec.eigenvalues);
  const nBulk = D - M;
  for (let i = 0; i < Math.min(nBulk, mMax); i++) all.push(spec.bulk);
  all.sort((a, b) => b - a);
  const out: number[] = [];
  let removed = 0;
  for (let m = 0; m <= mMax; m++) {
    if (m > 0) removed += all[m - 1] ?? 0;
    out.push(Math.max(spec.traceOverD * D - removed, 0) / (2 * D));
  }
  return out;
}

/** The PCA levels carried by results: eps_PCA(0..K) and the leading eigenvalues. */
export function pcaSummary(spec: Spectrum, K: number): PcaSummary {
  return {
    traceOverD: spec.traceOverD,
    eigenvalues: Array.from(
      spec.eigenvalues.subarray(0, Math.max(K, Math.min(spec.eigenvalues.length, 10))),
    ),
    epsPCA: pcaErrors(spec, K),
  };
}
