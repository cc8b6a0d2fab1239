/**
 * Gaussian quadrature for the Gaussian averages of THEORY.md section 4:
 * Gauss–Hermite and Gauss–Legendre rules computed from their three-term
 * recurrences (no tables), and expectations over 1, 2 or 3 jointly Gaussian
 * variables with any positive semi-definite covariance.
 *
 * Accuracy (measured in tests/activations/averages_test.ts):
 * - rules: nodes to a few ulp; moments E[Z^(2m)], 2m < 2n, exact to
 *   ~2e-15 relative for n up to 150 (Legendre: ~1e-14);
 * - plain Gauss–Hermite (no breaks), n = 48: polynomials exact; erf
 *   averages ~1e-15 for variances <~ 2, but the error grows fast with the
 *   variance, since g = erf(x/sqrt 2) gets steep and g' peaked in z units
 *   (variance 5: ~1e-6, variance 12: ~1e-3). Kinks (relu) converge only
 *   algebraically: E|x| with n = 48 is off by ~1e-3 to 1e-4.
 * - with `breaks`, every dimension in which a break plane x_i = u is crossed
 *   is split there and integrated piecewise by Gauss–Legendre on
 *   [-cutoff, cutoff] (cutoff 10 standard deviations: Gaussian tail mass
 *   1.5e-23), which clusters nodes at the kink or steep point: relu
 *   averages to ~1e-13 relative (piecewise polynomial integrands), erf
 *   averages split at 0 to ~1e-12 for variances up to ~12 with 48 nodes per
 *   piece (2e-11 for a fully collinear 3-d case; 1e-8 at variance 50, where
 *   64 nodes give 1e-12). For nearly collinear fields (correlation 0.9999)
 *   the outer dimensions are split as well, around the region where the
 *   inner integral is steep (see gaussianExpectation), which keeps ~1e-13.
 * @module
 */
import { ConfigError } from "../core/errors.ts";

/** A quadrature rule: nodes and weights, both of length n, nodes ascending. */
export interface QuadratureRule {
  /** Nodes, ascending, length n. */
  readonly nodes: Float64Array;
  /** Weights, positive, length n. */
  readonly weights: Float64Array;
}

/** Largest number of nodes accepted by the rules here. */
export const MAX_NODES = 200;

const INV_SQRT_2PI = 0.3989422804014327;
/** Inner spread (in units of z_j) below which a break is also split in an outer dimension. */
const NARROW = 0.5;

/**
 * Gauss rule for a symmetric weight with mass mu0 whose orthonormal
 * polynomials obey x p_{k-1} = beta(k) p_k + beta(k-1) p_{k-2} (p_0 = 1/sqrt mu0).
 * The roots of p_n are the eigenvalues of the Jacobi matrix (zero diagonal,
 * off-diagonal beta(1..n-1)); each is isolated by Sturm-sequence bisection
 * (sign changes of the ratios p_k / p_{k-1}) and polished by Newton steps on
 * the recurrence. Weights are the Christoffel numbers 1 / sum_{k<n} p_k(x)^2.
 */
function symmetricGaussRule(n: number, beta: (k: number) => number, mu0: number): QuadratureRule {
  const b = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) b[k] = beta(k);
  // Gershgorin bound on the eigenvalues of the Jacobi matrix.
  let bound = 0;
  for (let k = 1; k < n; k++) bound = Math.max(bound, b[k] + (k + 1 < n ? b[k + 1] : 0));
  bound = bound * (1 + 1e-12) + 1e-300;

  // Number of roots of p_n below x: n minus the sign changes of p_0..p_n(x).
  const countBelow = (x: number): number => {
    let changes = 0;
    let ratio = x / b[1]; // p_1 / p_0
    if (ratio < 0) changes++;
    for (let k = 2; k <= n; k++) {
      const prev = ratio === 0 ? 1e-300 : ratio;
      ratio = (x - b[k - 1] / prev) / b[k];
      if (ratio < 0) changes++;
    }
    return n - changes;
  };
  // p_n(x) and p_n'(x) (unnormalised by p_0: the scale does not matter for Newton).
  const newtonStep = (x: number): number => {
    let p0 = 1;
    let p1 = x / b[1];
    let d0 = 0;
    let d1 = 1 / b[1];
    for (let k = 2; k <= n; k++) {
      const p2 = (x * p1 - b[k - 1] * p0) / b[k];
      const d2 = (p1 + x * d1 - b[k - 1] * d0) / b[k];
      p0 = p1;
      p1 = p2;
      d0 = d1;
      d1 = d2;
    }
    return d1 === 0 ? 0 : p1 / d1;
  };

  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const half = Math.floor(n / 2);
  // Roots i = n - half .. n - 1 are the positive ones; mirror them.
  for (let i = n - half; i < n; i++) {
    let lo = 0;
    let hi = bound;
    // invariant: countBelow(lo) <= i < countBelow(hi)
    for (let it = 0; it < 200; it++) {
      const mid = 0.5 * (lo + hi);
      if (mid <= lo || mid >= hi) break;
      if (countBelow(mid) <= i) lo = mid;
      else hi = mid;
      if (hi - lo < 1e-10 * Math.max(1, hi)) break;
    }
    let x = 0.5 * (lo + hi);
    for (let it = 0; it < 4; it++) {
      const nx = x - newtonStep(x);
      if (!(nx > lo && nx < hi)) break;
      if (nx === x) break;
      x = nx;
    }
    nodes[i] = x;
    nodes[n - 1 - i] = -x;
  }
  if (n % 2 === 1) nodes[half] = 0;
  for (let i = 0; i < n; i++) {
    const x = nodes[i];
    let p0 = 1 / Math.sqrt(mu0);
    let p1 = (x * p0) / b[1];
    let sum = p0 * p0 + (n > 1 ? p1 * p1 : 0);
    for (let k = 2; k < n; k++) {
      const p2 = (x * p1 - b[k - 1] * p0) / b[k];
      sum += p2 * p2;
      p0 = p1;
      p1 = p2;
    }
    weights[i] = 1 / sum;
  }
  for (let i = 0; i < half; i++) {
    weights[n - 1 - i] = weights[i] = 0.5 * (weights[i] + weights[n - 1 - i]);
  }
  return { nodes, weights };
}

function checkNodes(param: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_NODES) {
    throw new ConfigError(param, n, `an integer from 1 to ${MAX_NODES}`);
  }
}

const hermiteCache = new Map<number, QuadratureRule>();
const legendreCache = new Map<number, QuadratureRule>();

function hermiteRule(n: number): QuadratureRule {
  let r = hermiteCache.get(n);
  if (!r) {
    r = n === 1
      ? { nodes: Float64Array.of(0), weights: Float64Array.of(1) }
      : symmetricGaussRule(n, (k) => Math.sqrt(k), 1);
    hermiteCache.set(n, r);
  }
  return r;
}

function legendreRule(n: number): QuadratureRule {
  let r = legendreCache.get(n);
  if (!r) {
    r = n === 1
      ? { nodes: Float64Array.of(0), weights: Float64Array.of(2) }
      : symmetricGaussRule(n, (k) => k / Math.sqrt(4 * k * k - 1), 2);
    legendreCache.set(n, r);
  }
  return r;
}

/**
 * Gauss–Hermite rule with the probabilists' weight: sum_i w_i f(x_i)
 * approximates E[f(Z)], Z ~ N(0, 1), exactly for polynomials of degree
 * < 2n. Nodes are the roots of He_n; the weights sum to 1. Computed (Sturm
 * bisection + Newton on the Hermite recurrence), cached per n; the returned
 * arrays are fresh copies.
 *
 * @param n number of nodes, 1..200
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gaussHermite } from "./quadrature.ts";
 * const { nodes, weights } = gaussHermite(10);
 * let m4 = 0;
 * for (let i = 0; i < 10; i++) m4 += weights[i] * nodes[i] ** 4;
 * // E[Z^4] = 3
 * assert.ok(Math.abs(m4 - 3) < 1e-13);
 * ```
 */
export function gaussHermite(n: number): QuadratureRule {
  checkNodes("n", n);
  const r = hermiteRule(n);
  return { nodes: r.nodes.slice(), weights: r.weights.slice() };
}

/**
 * Gauss–Legendre rule on [-1, 1]: sum_i w_i f(x_i) approximates
 * int_{-1}^{1} f(x) dx, exactly for polynomials of degree < 2n (weights sum to 2).
 * Computed like {@link gaussHermite}, cached per n; fresh copies returned.
 *
 * @param n number of nodes, 1..200
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gaussLegendre } from "./quadrature.ts";
 * const { nodes, weights } = gaussLegendre(5);
 * let s = 0;
 * for (let i = 0; i < 5; i++) s += weights[i] * nodes[i] ** 8;
 * assert.ok(Math.abs(s - 2 / 9) < 1e-15);
 * ```
 */
export function gaussLegendre(n: number): QuadratureRule {
  checkNodes("n", n);
  const r = legendreRule(n);
  return { nodes: r.nodes.slice(), weights: r.weights.slice() };
}

/**
 * Lower-triangular L (d x d, row-major) with L L^T = C for a positive
 * semi-definite C: Cholesky in the natural order where a pivot at or below
 * 1e-14 max_i C_ii (collinear variables) gives a zero column. Natural order
 * keeps x_i = m_i + sum_{k<=i} L_ik z_k, so a kink of x_i is a kink in z_i
 * (or, for a collinear x_i, in its last contributing z_k). Throws a
 * ConfigError if C has a negative pivot below -1e-8 max_i C_ii.
 *
 * @param cov d x d covariance (array of rows)
 * @param d dimension
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { psdCholesky } from "./quadrature.ts";
 * const L = psdCholesky([[1, 2], [2, 4]], 2); // x1 = 2 x0: rank one
 * assert.equal(L[0], 1);
 * assert.equal(L[2], 2);
 * assert.equal(L[3], 0);
 * ```
 */
export function psdCholesky(cov: readonly (readonly number[])[], d: number): Float64Array {
  const L = new Float64Array(d * d);
  let scale = 0;
  for (let i = 0; i < d; i++) scale = Math.max(scale, cov[i][i]);
  for (let j = 0; j < d; j++) {
    let djj = cov[j][j];
    for (let k = 0; k < j; k++) djj -= L[j * d + k] * L[j * d + k];
    if (djj <= 1e-14 * scale) {
      if (djj < -1e-8 * scale) {
        throw new ConfigError("cov", cov, "a positive semi-definite matrix");
      }
      continue; // zero column: x_j is a combination of x_0..x_{j-1}
    }
    const ljj = Math.sqrt(djj);
    L[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = cov[i][j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      L[i * d + j] = s / ljj;
    }
  }
  return L;
}

/** Options of {@link gaussianExpectation}. */
export interface GaussianExpectationOptions {
  /**
   * breaks[i] lists the values u at which f is not smooth (kink or jump)
   * or varies fastest across the plane x_i = u, e.g. [0] for relu(x_i) or
   * erf(x_i). Dimensions that carry a break are integrated piecewise by
   * Gauss–Legendre (2 to ~4 pieces, legendreNodes each).
   */
  breaks?: readonly (readonly number[] | undefined)[];
  /** Gauss–Legendre nodes per piece of a split dimension (default 48, max 200). */
  legendreNodes?: number;
  /** Split dimensions are integrated over |z| <= cutoff standard deviations (default 10). */
  cutoff?: number;
}

/**
 * E[f(x)] for x ~ N(mean, cov) in dimension d = 1, 2 or 3, by a tensor
 * Gauss–Hermite grid of n nodes per dimension in whitened coordinates
 * x = mean + L z (L from a positive semi-definite Cholesky factorisation:
 * singular covariances, e.g. collinear fields, are handled by dropping
 * the degenerate dimensions). With `opts.breaks`, dimensions along which f
 * has kinks or steep regions are split there (see the module notes for the
 * accuracy of both). Cost: n^d evaluations without breaks, up to
 * (2 legendreNodes)^d with them.
 *
 * f receives one reused Float64Array of length d: read it, do not keep it.
 *
 * @param f integrand of x (length d)
 * @param mean mean vector, length d (1..3)
 * @param cov covariance, d x d, symmetric positive semi-definite
 * @param n Gauss–Hermite nodes per dimension (default 48, max 200)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gaussianExpectation } from "./quadrature.ts";
 * // E[x1^2 x2^2] = C11 C22 + 2 C12^2 for zero-mean x
 * const v = gaussianExpectation((x) => x[0] ** 2 * x[1] ** 2, [0, 0], [[2, 0.5], [0.5, 1]], 10);
 * assert.ok(Math.abs(v - 2.5) < 1e-13);
 * // a kinked integrand: E[max(0, x)] = 1/sqrt(2 pi)
 * const r = gaussianExpectation((x) => Math.max(0, x[0]), [0], [[1]], 48, { breaks: [[0]] });
 * assert.ok(Math.abs(r - 1 / Math.sqrt(2 * Math.PI)) < 1e-14);
 * ```
 */
export function gaussianExpectation(
  f: (x: Float64Array) => number,
  mean: readonly number[],
  cov: readonly (readonly number[])[],
  n = 48,
  opts: GaussianExpectationOptions = {},
): number {
  return gaussianExpectations(
    (x, out) => {
      out[0] = f(x);
    },
    1,
    mean,
    cov,
    n,
    opts,
  )[0];
}

/**
 * Several expectations E[f_i(x)], i < m, over one grid: `f(x, out)` writes
 * the m integrands at x into `out` (a reused array: read x, write out, keep
 * neither). The grid, and so the accuracy, is that of
 * {@link gaussianExpectation}; integrands that share costly work (an
 * activation and its derivatives at the same point) pay for it once.
 *
 * @param f writes the m integrands at x into out
 * @param m number of integrands
 * @param mean mean vector, length d (1..3)
 * @param cov covariance, d x d, symmetric positive semi-definite
 * @param n Gauss–Hermite nodes per dimension (default 48, max 200)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gaussianExpectations } from "./quadrature.ts";
 * // E[x1^2] and E[x1 x2] at once
 * const [v, c] = gaussianExpectations((x, out) => { out[0] = x[0] ** 2; out[1] = x[0] * x[1]; }, 2, [0, 0], [[2, 0.5], [0.5, 1]], 10);
 * assert.ok(Math.abs(v - 2) < 1e-13);
 * assert.ok(Math.abs(c - 0.5) < 1e-13);
 * ```
 */
export function gaussianExpectations(
  f: (x: Float64Array, out: Float64Array) => void,
  m: number,
  mean: readonly number[],
  cov: readonly (readonly number[])[],
  n = 48,
  opts: GaussianExpectationOptions = {},
): Float64Array {
  const d = mean.length;
  if (d < 1 || d > 3) throw new ConfigError("mean", mean, "a vector of length 1, 2 or 3");
  if (!Array.isArray(cov) || cov.length !== d || cov.some((row) => !row || row.length !== d)) {
    throw new ConfigError("cov", cov, `a ${d} x ${d} matrix (array of rows)`);
  }
  for (let i = 0; i < d; i++) {
    if (!Number.isFinite(mean[i])) throw new ConfigError("mean", mean, "finite numbers");
    for (let j = 0; j < d; j++) {
      if (!Number.isFinite(cov[i][j])) throw new ConfigError("cov", cov, "finite numbers");
      const tol = 1e-12 * Math.max(Math.abs(cov[i][i]), Math.abs(cov[j][j]), Math.abs(cov[i][j]));
      if (Math.abs(cov[i][j] - cov[j][i]) > tol) {
        throw new ConfigError("cov", cov, "a symmetric matrix");
      }
    }
  }
  checkNodes("n", n);
  const nl = opts.legendreNodes ?? 48;
  checkNodes("legendreNodes", nl);
  const cutoff = opts.cutoff ?? 10;
  if (!(cutoff > 0) || !Number.isFinite(cutoff)) {
    throw new ConfigError("cutoff", cutoff, "a positive number");
  }
  const breaks = opts.breaks ?? [];
  if (breaks.length > d) {
    throw new ConfigError("breaks", breaks, `at most ${d} lists (one per dimension)`);
  }

  const L = psdCholesky(cov, d);
  const gh = hermiteRule(n);
  const gl = legendreRule(nl);

  // For each dimension j: the coordinates x_i with breaks that depend on z_j,
  // with the spread w_ij = sqrt(sum_{k>j} L_ik^2) / |L_ij| of their inner part
  // in units of z_j. In its last dimension (w = 0) a break is a kink of the
  // integrand. In earlier ones the inner integrals smooth it over a width
  // w_ij: when that is narrow (nearly collinear fields) z_j is split where
  // x_i crosses the break with the inner z = 0, and cutoff * w_ij either side
  // of it, so that the steep region gets its own pieces.
  const breakCoords: number[][] = [];
  const spread: number[][] = [];
  for (let j = 0; j < d; j++) {
    breakCoords.push([]);
    spread.push([]);
  }
  for (let i = 0; i < breaks.length; i++) {
    const bi = breaks[i];
    if (!bi || bi.length === 0) continue;
    for (const u of bi) {
      if (!Number.isFinite(u)) throw new ConfigError("breaks", breaks, "finite numbers");
    }
    for (let j = 0; j <= i; j++) {
      const lij = L[i * d + j];
      if (lij === 0) continue;
      let inner = 0;
      for (let k = j + 1; k <= i; k++) inner += L[i * d + k] * L[i * d + k];
      const w = Math.sqrt(inner) / Math.abs(lij);
      if (w >= NARROW) continue;
      breakCoords[j].push(i);
      spread[j].push(w);
    }
  }

  const z = new Float64Array(d);
  const x = new Float64Array(d);
  const pieces: number[] = [];
  // level j writes its integrals into sums[j] (level d: the integrands at the leaf)
  const sums = Array.from({ length: d + 1 }, () => new Float64Array(m));
  const parts = Array.from({ length: d }, () => new Float64Array(m));

  const leaf = (): Float64Array => {
    for (let i = 0; i < d; i++) {
      let s = mean[i];
      for (let k = 0; k <= i; k++) s += L[i * d + k] * z[k];
      x[i] = s;
    }
    f(x, sums[d]);
    return sums[d];
  };

  const level = (j: number): Float64Array => {
    if (j === d) return leaf();
    if (L[j * d + j] === 0) {
      z[j] = 0;
      return level(j + 1);
    }
    const out = sums[j];
    const coords = breakCoords[j];
    if (coords.length === 0) {
      out.fill(0);
      for (let r = 0; r < gh.nodes.length; r++) {
        z[j] = gh.nodes[r];
        const inner = level(j + 1);
        const w = gh.weights[r];
        for (let i = 0; i < m; i++) out[i] += w * inner[i];
      }
      return out;
    }
    // breakpoints in z_j given z_0..z_{j-1}
    const start = pieces.length;
    for (let c = 0; c < coords.length; c++) {
      const i = coords[c];
      const w = spread[j][c];
      let s = mean[i];
      for (let k = 0; k < j; k++) s += L[i * d + k] * z[k];
      for (const u of breaks[i]!) {
        const p = (u - s) / L[i * d + j];
        pieces.push(p);
        if (w > 0) pieces.push(p - cutoff * w, p + cutoff * w);
      }
    }
    const cuts = [-cutoff];
    for (const p of pieces.splice(start).sort((a, b) => a - b)) {
      if (p > cuts[cuts.length - 1] + 1e-12 && p < cutoff - 1e-12) cuts.push(p);
    }
    cuts.push(cutoff);
    out.fill(0);
    const part = parts[j];
    for (let p = 0; p + 1 < cuts.length; p++) {
      const a = cuts[p];
      const b = cuts[p + 1];
      if (b <= a) continue;
      const c = 0.5 * (a + b);
      const h = 0.5 * (b - a);
      part.fill(0);
      for (let r = 0; r < gl.nodes.length; r++) {
        const t = c + h * gl.nodes[r];
        z[j] = t;
        const w = gl.weights[r] * INV_SQRT_2PI * Math.exp(-0.5 * t * t);
        const inner = level(j + 1);
        for (let i = 0; i < m; i++) part[i] += w * inner[i];
      }
      for (let i = 0; i < m; i++) out[i] += h * part[i];
    }
    return out;
  };

  return Float64Array.from(level(0));
}
