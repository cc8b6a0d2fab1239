/**
 * The noise of one SGD step in the reduced state of the projected equations
 * (THEORY.md 6b; the derivation is in docs/fluctuations.md).
 *
 * One step changes the explicit per-direction vectors y(tau) = [a; b; c_tau]
 * and the field means mu_k = b_k / sqrt(D) by h / D, where h, the per-sample
 * increment, is a function of one Gaussian input only through
 *
 * - its coordinates on the explicit directions, xt_tau = x . e_tau / sqrt(D)
 *   = s_tau z_tau with s_tau = sqrt(rho_tau / D) and z ~ N(0, I_n), and
 * - the fields of the network on each degenerate group g (the bulk),
 *   phi_g = sum_{tau in g} y(tau) xt_tau ~ N(0, rho_g G_g / D), with G_g the
 *   group's Gram block (m x m) in the state.
 *
 * The local fields are f = sum_tau y(tau) xt_tau + sum_g phi_g (rows: the
 * centred lambda_k, then nu_k, then c . x / D), lambda_k = f_k + mu_k, and
 * with delta_k = nu_k - C_k - sum_{a in A(k)} T0_ka g(lambda_a)
 * (= v^k . Delta_k / D):
 *
 *     h[a_k](tau) = eta g'(lambda_k) delta_k xt_tau
 *     h[b_k](tau) = eta g(lambda_k) (xt_tau - c_tau - sum_{a in A(k)} b_a(tau) g(lambda_a))
 *     h[c](tau)   = eta (xt_tau - c_tau - sum_a b_a(tau) g(lambda_a))
 *     h[mu_k]     = eta g'(lambda_k) delta_k
 *
 * Tied weights add the decoder path to a: h[a_k] += sqrt(D) h[b_k] (the
 * untied h[b_k]), and h[b_k] = h[a_k] / sqrt(D). Sanger's rule:
 * h[a_k](tau) = eta lambda_k (xt_tau - sum_{a<=k} lambda_a a_a(tau) / D),
 * h[b_k] = h[a_k] / D. The mean of h is the right-hand side of the
 * projected equations (exactly: every term is linear in the input), and
 * its covariance is Sigma(X). The Gram blocks carry no noise at this order.
 *
 * {@link StepNoise} draws h (for the paths of the SDE) and computes Sigma by
 * Gaussian averages: conditioned on the K fields lambda, the other fields
 * (nu, xt) are Gaussian with a mean linear in lambda, and every h is a
 * quadratic polynomial in them, so E[h h^T | lambda] is exact (Isserlis);
 * what is left is a K-dimensional average over lambda, by a tensor
 * Gauss-Hermite grid for the linear activation (exact with 4 nodes a
 * dimension) or a Gauss-Legendre grid split at the activation's kinks.
 * @module
 */
import type { ActivationFunctions } from "../activations/mod.ts";
import { gaussHermite, gaussLegendre } from "../math/quadrature.ts";
import { RULES } from "../problem/rules.ts";
import type { FlowSystem } from "./system.ts";

/** The mean and covariance of the per-sample increment h at one state. */
export interface StepMoments {
  /** E[h], N (the noisy components, see {@link StepNoise.components}). */
  mean: Float64Array;
  /** Sigma = Cov(h), N x N row-major. */
  cov: Float64Array;
}

/**
 * The per-sample increment of a {@link FlowSystem}'s state and its moments.
 * The noisy components, N = m n (+ K with trained biases), are the explicit
 * vector entries y[i n + t] of the state in order, then the bias means.
 */
export class StepNoise {
  /** Number of noisy components N. */
  readonly components: number;
  /** Normals one sample consumes: n for the explicit directions, m per group. */
  readonly normals: number;
  readonly #sys: FlowSystem;
  readonly #act: ActivationFunctions;
  readonly #s: Float64Array;
  readonly #L: Float64Array;
  readonly #f: Float64Array;
  readonly #g: Float64Array;
  readonly #g1: Float64Array;
  readonly #xt: Float64Array;
  readonly #y = new Float64Array(0);
  #state: Float64Array = this.#y;
  readonly #decoder: boolean;
  readonly #sqrtD: number;
  readonly #alpha: Float64Array;
  readonly #beta: Float64Array;
  readonly #bphi: Float64Array;
  readonly #phi: Float64Array;
  readonly #groupRho: Float64Array;
  readonly #groupSize: Float64Array;

  /**
   * The increment of a system's state for an activation.
   *
   * @param sys the flow system (its rule, tie, biases and directions)
   * @param act the activation's functions g and g'
   */
  constructor(sys: FlowSystem, act: ActivationFunctions) {
    this.#sys = sys;
    this.#act = act;
    const { m, n, nG, K } = sys;
    this.components = m * n + (sys.biasAvg ? K : 0);
    this.normals = n + m * nG;
    const D = sys.dirs.D;
    this.#sqrtD = Math.sqrt(D);
    this.#s = Float64Array.from(sys.dirs.rho, (r) => Math.sqrt(r / D));
    this.#L = new Float64Array(nG * m * m);
    this.#f = new Float64Array(m);
    this.#g = new Float64Array(K);
    this.#g1 = new Float64Array(K);
    this.#xt = new Float64Array(n);
    this.#decoder = RULES[sys.rule].decoder;
    this.#alpha = new Float64Array(m);
    this.#beta = new Float64Array(m * m);
    this.#bphi = new Float64Array(m);
    this.#phi = new Float64Array(nG * m);
    this.#groupRho = sys.dirs.groupRho;
    // directions in each group: its rows, or for the bulk (null) the rest of the D
    const sizes = sys.dirs.groupVectors.map((v) => (v ? v.length / D : 0));
    const listed = n + sizes.reduce((a, b) => a + b, 0);
    this.#groupSize = Float64Array.from(
      sizes,
      (s, g) => (sys.dirs.groupVectors[g] ? s : D - listed),
    );
  }

  /** The index in the state vector of noisy component i. */
  stateIndex(i: number): number {
    const mn = this.#sys.m * this.#sys.n;
    return i < mn ? i : this.#sys.size + (i - mn);
  }

  /**
   * Take state X: its overlaps (via the system) and the factors of its Gram
   * blocks. Call before {@link increment}; {@link moments} calls it itself.
   */
  prepare(X: Float64Array): void {
    const sys = this.#sys;
    sys.observe(X);
    this.#state = X;
    const { m, n, nG } = sys;
    const D = sys.dirs.D;
    for (let g = 0; g < nG; g++) {
      const base = m * n + g * m * m;
      const rho = sys.dirs.groupRho[g];
      const cov: number[][] = [];
      for (let i = 0; i < m; i++) {
        const row: number[] = [];
        for (let j = 0; j < m; j++) {
          // symmetrised: the integrators keep the blocks symmetric only to round-off
          row.push((rho / D) * 0.5 * (X[base + i * m + j] + X[base + j * m + i]));
        }
        cov.push(row);
      }
      this.#L.set(psdFactor(cov, m), g * m * m);
    }
  }

  /**
   * One per-sample increment h (N) at the state last prepared, from
   * `normals` standard normals read at `offset` (see {@link normals}).
   */
  increment(normals: Float64Array, offset: number, out: Float64Array): void {
    const sys = this.#sys;
    const { m, n, nG } = sys;
    const X = this.#state;
    const f = this.#f, xt = this.#xt, s = this.#s, L = this.#L;
    for (let t = 0; t < n; t++) xt[t] = s[t] * normals[offset + t];
    for (let i = 0; i < m; i++) {
      let acc = 0;
      for (let t = 0; t < n; t++) acc += X[i * n + t] * xt[t];
      f[i] = acc;
    }
    for (let g = 0; g < nG; g++) {
      const e = offset + n + g * m;
      const Lg = g * m * m;
      for (let i = 0; i < m; i++) {
        let acc = 0;
        for (let j = 0; j <= i; j++) acc += L[Lg + i * m + j] * normals[e + j];
        f[i] += acc;
        this.#phi[g * m + i] = acc;
      }
    }
    this.#fromFields(f, xt, out);
  }

  /**
   * h from the fields f (m) and the explicit coordinates xt (n). Every
   * direction's increment has the form h(tau) = alpha xt_tau + beta y(tau),
   * alpha (m) and beta (m x m) functions of the fields only: computed once.
   */
  #fromFields(f: Float64Array, xt: Float64Array, out: Float64Array): void {
    const sys = this.#sys;
    const { m, n, K } = sys;
    const X = this.#state;
    const o = sys.overlaps;
    const eta = sys.lr;
    const mu = sys.mu;
    const D = sys.dirs.D;
    const gv = this.#g, g1 = this.#g1;
    const al = this.#alpha, be = this.#beta;
    al.fill(0);
    be.fill(0);
    for (let k = 0; k < K; k++) {
      const lam = f[k] + mu[k];
      gv[k] = this.#act.g(lam);
      g1[k] = this.#act.g1(lam);
    }
    if (!this.#decoder) {
      // Sanger's rule: linear, h[a_k] = eta lambda_k (xt - sum_{a<=k} lambda_a a_a / D), b = a / D
      for (let k = 0; k < K; k++) {
        al[k] = eta * f[k];
        for (let a = 0; a <= k; a++) be[k * m + a] = -eta * f[k] * f[a] / D;
      }
      for (let k = 0; k < K; k++) {
        al[K + k] = al[k] / D;
        for (let j = 0; j < m; j++) be[(K + k) * m + j] = be[k * m + j] / D;
      }
    } else {
      const uses = RULES[sys.rule].uses;
      const out3 = m > 2 * K;
      const sd = this.#sqrtD;
      for (let k = 0; k < K; k++) {
        let delta = f[K + k] - (o.C ? o.C[k] : 0);
        for (let a = 0; a < K; a++) if (uses(k, a)) delta -= o.T0[k * K + a] * gv[a];
        const enc = eta * g1[k] * delta;
        if (this.components > m * n) out[m * n + k] = enc;
        // b_k: eta g_k (xt - c - sum_{a in A(k)} b_a g_a)
        const eg = eta * gv[k];
        al[K + k] = eg;
        for (let a = 0; a < K; a++) if (uses(k, a)) be[(K + k) * m + K + a] = -eg * gv[a];
        if (out3) be[(K + k) * m + 2 * K] = -eg;
        al[k] = enc;
        if (sys.tied) {
          // the decoder path acts on w too; b = a / sqrt(D)
          al[k] += sd * al[K + k];
          for (let j = 0; j < m; j++) be[k * m + j] = sd * be[(K + k) * m + j];
          al[K + k] = al[k] / sd;
          for (let j = 0; j < m; j++) be[(K + k) * m + j] = be[k * m + j] / sd;
        }
      }
      if (out3) {
        const c = 2 * K;
        al[c] = eta;
        for (let a = 0; a < K; a++) be[c * m + K + a] = -eta * gv[a];
        be[c * m + c] = -eta;
      }
    }
    for (let i = 0; i < m; i++) {
      const ai = al[i];
      for (let t = 0; t < n; t++) {
        let h = ai * xt[t];
        for (let j = 0; j < m; j++) {
          const b = be[i * m + j];
          if (b !== 0) h += b * X[j * n + t];
        }
        out[i * n + t] = h;
      }
    }
  }

  /**
   * Add, for each group g, the sum over its directions of h(tau) h(tau)^T
   * of the sample last drawn by {@link increment} into `out` (nG blocks of
   * m x m): alpha alpha^T rho_g n_g / D + alpha (beta phi_g)^T +
   * (beta phi_g) alpha^T + beta G_g beta^T, with phi_g the group's fields
   * and n_g its number of directions. Divided by D it is the second-order
   * (Ito) part of the mean change of the Gram block in one step: an O(1/D)
   * correction to the mean flow (docs/fluctuations.md).
   */
  secondOrder(out: Float64Array): void {
    const sys = this.#sys;
    const { m, n, nG } = sys;
    const D = sys.dirs.D;
    const X = this.#state;
    const al = this.#alpha, be = this.#beta, bp = this.#bphi;
    for (let g = 0; g < nG; g++) {
      const base = m * n + g * m * m;
      const phi = this.#phi.subarray(g * m, (g + 1) * m);
      for (let i = 0; i < m; i++) {
        let acc = 0;
        for (let j = 0; j < m; j++) acc += be[i * m + j] * phi[j];
        bp[i] = acc;
      }
      const w = (this.#groupRho[g] * this.#groupSize[g]) / D;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) {
          let bgb = 0;
          for (let p = 0; p < m; p++) {
            const bip = be[i * m + p];
            if (bip === 0) continue;
            for (let q = 0; q < m; q++) bgb += bip * X[base + p * m + q] * be[j * m + q];
          }
          out[g * m * m + i * m + j] += al[i] * al[j] * w + al[i] * bp[j] + bp[i] * al[j] + bgb;
        }
      }
    }
  }

  /**
   * E[h] and Sigma = Cov(h) at state X by Gaussian averages: exact
   * conditional moments given lambda (Isserlis), then a tensor Gauss-Hermite
   * grid over the K fields lambda (`nodes` a dimension, or a piece of it: see {@link defaultNodes}).
   *
   * @param X the state (length of the system's state)
   * @param nodes Gauss-Hermite nodes per field (default {@link defaultNodes})
   */
  moments(X: Float64Array, nodes: number = defaultNodes(this.#sys.K, this.#act)): StepMoments {
    this.prepare(X);
    const sys = this.#sys;
    const { m, n, K } = sys;
    if (!(Number.isInteger(nodes) && nodes >= 1 && nodes <= 200)) {
      throw new RangeError(`nodes: got ${nodes}; allowed: an integer from 1 to 200`);
    }
    const D = sys.dirs.D;
    const o = sys.overlaps;
    const N = this.components;
    // Gaussian vector: lambda~ (K) then u = (nu (K), xt (n)); covariances from the overlaps
    const p = K + n;
    const s2 = Float64Array.from(this.#s, (x) => x * x);
    const Cul = new Float64Array(p * K); // Cov(u, lambda~)
    const Cuu = new Float64Array(p * p);
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < K; l++) {
        Cul[k * K + l] = o.R[k * K + l];
        Cuu[k * p + l] = o.T[k * K + l];
      }
    }
    for (let t = 0; t < n; t++) {
      const r = K + t;
      for (let k = 0; k < K; k++) {
        Cul[r * K + k] = s2[t] * X[k * n + t];
        Cuu[r * p + k] = Cuu[k * p + r] = s2[t] * X[(K + k) * n + t];
      }
      Cuu[r * p + r] = s2[t];
    }
    const Qrows = Array.from(
      { length: K },
      (_, k) => Array.from({ length: K }, (_, l) => 0.5 * (o.Q[k * K + l] + o.Q[l * K + k])),
    );
    const Lq = psdFactor(Qrows, K);
    // A = Cov(u, zeta) with lambda~ = Lq zeta: solve Lq A^T = Cul^T row by row
    const A = new Float64Array(p * K);
    for (let r = 0; r < p; r++) {
      for (let j = 0; j < K; j++) {
        const piv = Lq[j * K + j];
        if (piv === 0) continue;
        let acc = Cul[r * K + j];
        for (let i = 0; i < j; i++) acc -= Lq[j * K + i] * A[r * K + i];
        A[r * K + j] = acc / piv;
      }
    }
    const S = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        let acc = Cuu[i * p + j];
        for (let k = 0; k < K; k++) acc -= A[i * K + k] * A[j * K + k];
        S[i * p + j] = acc;
      }
    }
    // per component: h = c0 + lc u[li] + beta u[qp] u[qq] (qp < 0: no quadratic term)
    const c0 = new Float64Array(N), lc = new Float64Array(N), beta = new Float64Array(N);
    const li = new Int32Array(N), qp = new Int32Array(N), qq = new Int32Array(N);
    const E = new Float64Array(N);
    const lin = new Float64Array(3 * N), linIdx = new Int32Array(3 * N);
    const M1 = new Float64Array(N), M2 = new Float64Array(N * N);
    const mu = sys.mu;
    const gv = this.#g, g1 = this.#g1;
    const rule = RULES[sys.rule];
    const out3 = m > 2 * K;
    const sd = this.#sqrtD;
    const grid = lambdaGrid(Lq, mu, K, nodes, this.#act);
    const zeta = new Float64Array(K), mean = new Float64Array(p);
    for (let node = 0; node < grid.weights.length; node++) {
      const w = grid.weights[node];
      for (let k = 0; k < K; k++) zeta[k] = grid.zeta[node * K + k];
      for (let k = 0; k < K; k++) {
        let lam = mu[k];
        for (let j = 0; j <= k; j++) lam += Lq[k * K + j] * zeta[j];
        gv[k] = this.#act.g(lam);
        g1[k] = this.#act.g1(lam);
        if (!rule.decoder) g1[k] = lam - mu[k]; // Sanger: the centred field itself
      }
      for (let r = 0; r < p; r++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += A[r * K + k] * zeta[k];
        mean[r] = acc;
      }
      // the representation of every component at this node
      qp.fill(-1);
      if (!rule.decoder) {
        for (let k = 0; k < K; k++) {
          const lk = g1[k];
          for (let t = 0; t < n; t++) {
            let r = 0;
            for (let a = 0; a <= k; a++) r += g1[a] * X[a * n + t];
            const i = k * n + t, j = (K + k) * n + t;
            c0[i] = -sys.lr * lk * r / D;
            li[i] = K + t;
            lc[i] = sys.lr * lk;
            c0[j] = c0[i] / D;
            li[j] = K + t;
            lc[j] = lc[i] / D;
          }
        }
      } else {
        for (let k = 0; k < K; k++) {
          let kappa = o.C ? o.C[k] : 0;
          for (let a = 0; a < K; a++) if (rule.uses(k, a)) kappa += o.T0[k * K + a] * gv[a];
          const eg1 = sys.lr * g1[k];
          if (N > m * n) {
            const i = m * n + k;
            c0[i] = -eg1 * kappa;
            li[i] = k;
            lc[i] = eg1;
          }
          for (let t = 0; t < n; t++) {
            let rc = out3 ? X[2 * K * n + t] : 0;
            for (let a = 0; a < K; a++) if (rule.uses(k, a)) rc += X[(K + a) * n + t] * gv[a];
            const eg = sys.lr * gv[k];
            const ia = k * n + t, ib = (K + k) * n + t;
            // a: eta g1 (nu_k - kappa) xt_t; b: eta g (xt_t - rc)
            c0[ia] = 0;
            li[ia] = K + t;
            lc[ia] = -eg1 * kappa;
            qp[ia] = k;
            qq[ia] = K + t;
            beta[ia] = eg1;
            c0[ib] = -eg * rc;
            li[ib] = K + t;
            lc[ib] = eg;
            if (sys.tied) {
              c0[ia] += sd * c0[ib];
              lc[ia] += sd * lc[ib];
              c0[ib] = c0[ia] / sd;
              lc[ib] = lc[ia] / sd;
              qp[ib] = qp[ia];
              qq[ib] = qq[ia];
              beta[ib] = beta[ia] / sd;
            }
          }
        }
        if (out3) {
          for (let t = 0; t < n; t++) {
            let rc = X[2 * K * n + t];
            for (let a = 0; a < K; a++) rc += X[(K + a) * n + t] * gv[a];
            const i = 2 * K * n + t;
            c0[i] = -sys.lr * rc;
            li[i] = K + t;
            lc[i] = sys.lr;
          }
        }
      }
      // conditional means and the centred linear parts
      for (let i = 0; i < N; i++) {
        let e = c0[i] + lc[i] * mean[li[i]];
        lin[3 * i] = lc[i];
        linIdx[3 * i] = li[i];
        if (qp[i] >= 0) {
          const b = beta[i], a = qp[i], c = qq[i];
          e += b * (mean[a] * mean[c] + S[a * p + c]);
          lin[3 * i + 1] = b * mean[c];
          linIdx[3 * i + 1] = a;
          lin[3 * i + 2] = b * mean[a];
          linIdx[3 * i + 2] = c;
        } else {
          lin[3 * i + 1] = lin[3 * i + 2] = 0;
          linIdx[3 * i + 1] = linIdx[3 * i + 2] = 0;
        }
        E[i] = e;
        M1[i] += w * e;
      }
      for (let i = 0; i < N; i++) {
        const nl = qp[i] >= 0 ? 3 : 1;
        for (let j = i; j < N; j++) {
          const nlj = qp[j] >= 0 ? 3 : 1;
          let c = 0;
          for (let u = 0; u < nl; u++) {
            const su = linIdx[3 * i + u] * p;
            const au = lin[3 * i + u];
            for (let v = 0; v < nlj; v++) c += au * lin[3 * j + v] * S[su + linIdx[3 * j + v]];
          }
          if (nl === 3 && nlj === 3) {
            const a = qp[i], b = qq[i], cc = qp[j], d = qq[j];
            c += beta[i] * beta[j] * (S[a * p + cc] * S[b * p + d] + S[a * p + d] * S[b * p + cc]);
          }
          M2[i * N + j] += w * (c + E[i] * E[j]);
        }
      }
    }
    const cov = new Float64Array(N * N);
    for (let i = 0; i < N; i++) {
      for (let j = i; j < N; j++) {
        const c = M2[i * N + j] - M1[i] * M1[j];
        cov[i * N + j] = c;
        cov[j * N + i] = c;
      }
    }
    return { mean: M1, cov };
  }
}

/** Whether g is the identity (its averages are then polynomial: exact on a small grid). */
function isLinear(act: ActivationFunctions): boolean {
  return act.splitAt.length === 0 && act.g(2) === 2 && act.g(-3) === -3 && act.g1(0.7) === 1;
}

/**
 * Nodes a field for {@link StepNoise.moments}: for the linear activation 4
 * Gauss-Hermite nodes (exact: the integrand is a polynomial of degree <= 6);
 * otherwise Gauss-Legendre nodes per piece of a field split at the
 * activation's kinks, as many as keep the grid near 3 10^4 points.
 * A plain Gauss-Hermite grid converges slowly for a kink (relu: 5% off with
 * 150 nodes a field) and for a steep erf (0.4% at Q_kk = 8.7 with 48 nodes);
 * the split grid does not.
 */
export function defaultNodes(K: number, act: ActivationFunctions): number {
  if (isLinear(act)) return 4;
  return Math.max(4, Math.min(100, Math.floor((30_000 ** (1 / K)) / 2)));
}

/** Half-width, in standard deviations, of the split grid of {@link lambdaGrid}. */
const CUTOFF = 8.5;

/**
 * The grid over the K whitened fields zeta (lambda = mu + L zeta, L lower
 * triangular): Gauss-Hermite for the linear activation; else, dimension by
 * dimension in order, Gauss-Legendre on [-CUTOFF, CUTOFF] split where
 * lambda_k crosses a kink of g (lambda_k depends on zeta_1..zeta_k only, so
 * the split points of zeta_k follow from the outer nodes), weighted by the
 * normal density. Dimensions with L_kk = 0 get one node.
 */
function lambdaGrid(
  L: Float64Array,
  mu: Float64Array,
  K: number,
  nodes: number,
  act: ActivationFunctions,
): { zeta: Float64Array; weights: Float64Array } {
  const zs: number[] = [], ws: number[] = [];
  const z = new Float64Array(K);
  if (isLinear(act)) {
    const gh = gaussHermite(nodes);
    const rec = (k: number, w: number) => {
      if (k === K) {
        zs.push(...z);
        ws.push(w);
        return;
      }
      for (let i = 0; i < nodes; i++) {
        z[k] = gh.nodes[i];
        rec(k + 1, w * gh.weights[i]);
      }
    };
    rec(0, 1);
    return { zeta: Float64Array.from(zs), weights: Float64Array.from(ws) };
  }
  const gl = gaussLegendre(nodes);
  const norm = 1 / Math.sqrt(2 * Math.PI);
  const rec = (k: number, w: number) => {
    if (k === K) {
      zs.push(...z);
      ws.push(w);
      return;
    }
    const lkk = L[k * K + k];
    if (lkk === 0) {
      z[k] = 0;
      rec(k + 1, w);
      return;
    }
    let base = mu[k];
    for (let j = 0; j < k; j++) base += L[k * K + j] * z[j];
    const cuts = act.splitAt
      .map((s) => (s - base) / lkk)
      .filter((c) => c > -CUTOFF && c < CUTOFF)
      .sort((a, b) => a - b);
    const ends = [-CUTOFF, ...cuts, CUTOFF];
    for (let piece = 0; piece + 1 < ends.length; piece++) {
      const lo = ends[piece], hi = ends[piece + 1];
      const half = (hi - lo) / 2, mid = (hi + lo) / 2;
      for (let i = 0; i < nodes; i++) {
        const x = mid + half * gl.nodes[i];
        z[k] = x;
        rec(k + 1, w * half * gl.weights[i] * norm * Math.exp(-0.5 * x * x));
      }
    }
  };
  rec(0, 1);
  return { zeta: Float64Array.from(zs), weights: Float64Array.from(ws) };
}

/**
 * Lower-triangular L with L L^T = cov for a positive semi-definite m x m
 * matrix, in the natural order; a pivot at or below 1e-12 of the largest
 * diagonal entry (collinear vectors, or a Gram block that round-off or the
 * integrator has pushed slightly off the cone) gives a zero column.
 */
function psdFactor(cov: number[][], m: number): Float64Array {
  const L = new Float64Array(m * m);
  let scale = 0;
  for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(cov[i][i]));
  for (let j = 0; j < m; j++) {
    let d = cov[j][j];
    for (let k = 0; k < j; k++) d -= L[j * m + k] ** 2;
    if (!(d > 1e-12 * scale)) continue;
    const l = Math.sqrt(d);
    L[j * m + j] = l;
    for (let i = j + 1; i < m; i++) {
      let s = cov[i][j];
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      L[i * m + j] = s / l;
    }
  }
  return L;
}
