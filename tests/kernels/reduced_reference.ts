/**
 * Plain-TypeScript reference of the reduced SGD process (assembly/reduced.ts,
 * THEORY.md section 6a), written the direct way: the update of every rule as
 * an explicit n x n matrix M and vector m (u_i <- u_i + sum_j M_ij u_j +
 * m_i x), then A <- (I + M) A + m s^T and G <- (I + M) G (I + M)^T + the
 * sample's terms by dense products, where the kernel uses the masked
 * rank-one structure of M. The random numbers are the kernel's stream
 * (tests/kernels/reference.ts `Rng`): per step r + n normals, then the
 * chi-square deviate (Marsaglia and Tsang's gamma sampler). The erf activation
 * uses the kernel's own erf (tests/kernels/reduced_erf.ts, the same bits).
 * @module
 */
import {
  act,
  ACT_ERF,
  actDeriv,
  type Rng,
  RULE_SANGER,
  RULE_TRUNCATED,
  zigExp,
  zigLog,
} from "./reference.ts";
import { reducedErfUnit } from "./reduced_erf.ts";

/** The reduced state: spike coordinates A (n x r), bulk Gram G (n x n), biases b (K). */
export interface ReducedState {
  /** n x r, row-major. */
  A: Float64Array;
  /** n x n, row-major. */
  G: Float64Array;
  /** K. */
  b: Float64Array;
}

/** The fixed parameters of a reduced run. */
export interface ReducedConfig {
  /** Network vectors n (K, or 2K untied, +1 with an output bias). */
  n: number;
  /** Spikes r. */
  r: number;
  /** Hidden units K. */
  K: number;
  /** sqrt(rho_tau), r. */
  sqrtRho: ArrayLike<number>;
  /** Bulk standard deviation sigma_b. */
  sigmaB: number;
  /** Input dimension D. */
  D: number;
  /** Learning rate. */
  eta: number;
  /** Activation kernel code. */
  act: number;
  /** Rule kernel code. */
  rule: number;
  /** Tied weights. */
  tied: boolean;
  /** Trained hidden biases. */
  bias: boolean;
  /** Output bias (the last vector). */
  outputBias: boolean;
}

/** Gamma(a, 1) by Marsaglia and Tsang, the kernel's sequence of draws. */
export function gammaDeviate(rng: Rng, a: number): number {
  if (a < 1) {
    const g = gammaDeviate(rng, a + 1);
    const u = 1 - rng.uniform();
    const t = zigLog(u) / a;
    return t > -700 ? g * zigExp(t) : 0;
  }
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = rng.uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (u > 0 && zigLog(u) < 0.5 * x2 + d * (1 - v + zigLog(v))) return d * v;
  }
}

/** Chi-square with df >= 0 degrees of freedom. */
export function chiSquareDeviate(rng: Rng, df: number): number {
  return df <= 0 ? 0 : 2 * gammaDeviate(rng, df / 2);
}

/** Cholesky factor (lower) of a positive semi-definite G; non-positive pivots give zero columns. */
export function cholesky(G: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = G[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] ** 2;
    const piv = d > 0 ? Math.sqrt(d) : 0;
    L[j * n + j] = piv;
    for (let i = j + 1; i < n; i++) {
      let s = G[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = piv > 0 ? s / piv : 0;
    }
  }
  return L;
}

/** The random inputs of one step: z (r), eta (n) and the chi-square deviate. */
export interface StepNoise {
  /** Spike normals. */
  z: Float64Array;
  /** Frame coordinates of the bulk noise. */
  eta: Float64Array;
  /** The squared norm of the bulk noise outside the frame. */
  chi2: number;
}

/** Index of decoder row u among the vectors, and of c (or -1). */
export function vectorLayout(c: ReducedConfig): { v: (u: number) => number; c: number } {
  const untied = c.rule !== RULE_SANGER && !c.tied;
  return { v: (u) => (untied ? c.K + u : u), c: c.outputBias ? c.n - 1 : -1 };
}

/**
 * The update of one step as u_i <- u_i + sum_j M_ij u_j + m_i x, from the
 * products u_i . x (xu), the full Gram matrix S = A A^T + G and the biases
 * (which it updates); the rules of THEORY.md section 2 written out.
 */
export function stepMatrices(
  cfg: ReducedConfig,
  xu: Float64Array,
  S: Float64Array,
  b: Float64Array,
): { M: Float64Array; m: Float64Array } {
  const { n, K, D, eta } = cfg;
  const M = new Float64Array(n * n);
  const m = new Float64Array(n);
  const sd = Math.sqrt(D);
  if (cfg.rule === RULE_SANGER) {
    const y = Array.from({ length: K }, (_, u) => xu[u] / sd);
    for (let u = 0; u < K; u++) {
      m[u] = (eta / (D * sd)) * y[u];
      for (let a = 0; a <= u; a++) M[u * n + a] = -(eta / (D * D)) * y[u] * y[a];
    }
    return { M, m };
  }
  const lay = vectorLayout(cfg);
  const g: number[] = [];
  const gp: number[] = [];
  for (let u = 0; u < K; u++) {
    const lam = (xu[u] + (cfg.bias ? b[u] : 0)) / sd;
    if (cfg.act === ACT_ERF) {
      // the reduced kernel's own erf (assembly/reduced_erf.ts), to round-off the registry's
      const e = reducedErfUnit(lam);
      g.push(e.g);
      gp.push(e.gp);
    } else {
      g.push(act(cfg.act, lam));
      gp.push(actDeriv(cfg.act, lam));
    }
  }
  // residual of unit u as coefficients: Delta_u = x + sum_j R[u][j] u_j
  const residual = (u: number) => {
    const R = new Float64Array(n);
    if (lay.c >= 0) R[lay.c] = -1;
    const last = cfg.rule === RULE_TRUNCATED ? u : K - 1;
    for (let a = 0; a <= last; a++) R[lay.v(a)] -= g[a];
    return R;
  };
  const newB = Float64Array.from(b);
  for (let u = 0; u < K; u++) {
    const R = residual(u);
    const vu = lay.v(u);
    let dot = xu[vu];
    for (let j = 0; j < n; j++) dot += R[j] * S[vu * n + j];
    const cu = dot / sd;
    const alpha = (eta / (D * D)) * gp[u] * cu;
    const beta = (eta / D) * g[u];
    m[u] += alpha;
    m[vu] += beta;
    for (let j = 0; j < n; j++) M[vu * n + j] += beta * R[j];
    if (cfg.bias) newB[u] = b[u] + (eta / D) * gp[u] * cu;
  }
  if (lay.c >= 0) {
    const R = residual(K - 1);
    m[lay.c] += eta / D;
    for (let j = 0; j < n; j++) M[lay.c * n + j] += (eta / D) * R[j];
  }
  b.set(newB);
  return { M, m };
}

/** One step of the reduced process with given noise, in place on the state. */
export function reducedStep(cfg: ReducedConfig, st: ReducedState, noise: StepNoise): void {
  const { n, r, sigmaB } = cfg;
  const { A, G } = st;
  const s = Float64Array.from(noise.z, (z, t) => cfg.sqrtRho[t] * z);
  const L = cholesky(G, n);
  const y = new Float64Array(n);
  let ee = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) y[i] += L[i * n + j] * noise.eta[j];
    ee += noise.eta[i] ** 2;
  }
  const xi2 = ee + noise.chi2;
  const xu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < r; t++) xu[i] += A[i * r + t] * s[t];
    xu[i] += sigmaB * y[i];
  }
  const S = Float64Array.from(G);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let t = 0; t < r; t++) S[i * n + j] += A[i * r + t] * A[j * r + t];
    }
  }
  const { M, m } = stepMatrices(cfg, xu, S, st.b);
  // P = I + M
  const P = Float64Array.from(M);
  for (let i = 0; i < n; i++) P[i * n + i] += 1;
  const newA = new Float64Array(n * r);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < r; t++) {
      let acc = m[i] * s[t];
      for (let j = 0; j < n; j++) acc += P[i * n + j] * A[j * r + t];
      newA[i * r + t] = acc;
    }
  }
  const Py = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Py[i] += P[i * n + j] * y[j];
  const PG = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) PG[i * n + j] += P[i * n + k] * G[k * n + j];
    }
  }
  const newG = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += PG[i * n + k] * P[j * n + k];
      newG[i * n + j] = acc + sigmaB * (Py[i] * m[j] + m[i] * Py[j]) +
        sigmaB * sigmaB * xi2 * m[i] * m[j];
    }
  }
  A.set(newA);
  G.set(newG);
}

/** The noise of one step, drawn from the kernel's stream. */
export function drawNoise(rng: Rng, cfg: ReducedConfig): StepNoise {
  const zs = new Float64Array(cfg.r + cfg.n);
  rng.fillNormal(zs, 0, zs.length);
  const df = cfg.D - cfg.r - cfg.n;
  return {
    z: zs.slice(0, cfg.r),
    eta: zs.slice(cfg.r),
    chi2: chiSquareDeviate(rng, df),
  };
}

/** `steps` steps of the reduced process drawing their noise from rng, as reducedTrain. */
export function reducedTrain(
  rng: Rng,
  cfg: ReducedConfig,
  st: ReducedState,
  steps: number,
): void {
  for (let i = 0; i < steps; i++) reducedStep(cfg, st, drawNoise(rng, cfg));
}
