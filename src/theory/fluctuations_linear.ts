/**
 * The linearised (Ornstein-Uhlenbeck) covariance of the diffusion limit
 * (THEORY.md 6b): along the mean flow X(t) of the equations, small
 * deviations obey d(dX) = J dX dt + sqrt(Sigma / D) dW, so their covariance
 * C solves
 *
 *     dC/dt = J C + C J^T + Sigma(X) / D,
 *
 * J the Jacobian of the flow (central differences of the right-hand side),
 * Sigma from Gaussian averages (`sde_noise.ts`). The variance of the error
 * is then grad(eps)^T C grad(eps). A cheap band — no paths — valid where
 * the deviations stay small against the distance over which J changes: on
 * plateaus and near the final fixed point; at an escape from a saddle the
 * unstable direction amplifies C and the band is only a first-order (and
 * poor) estimate of the spread of escape times: compare with the paths.
 *
 * The integration is Heun's method on X and C jointly with `substeps` steps
 * per recording interval; Sigma is computed at the start of each recording
 * interval and held over it (it changes on the time scale of the flow, the
 * intervals of a log grid are a small fraction of t).
 * @module
 */
import type { ActivationFunctions } from "../activations/mod.ts";
import type { FlowSystem } from "./system.ts";
import { StepNoise } from "./sde_noise.ts";

/** The linearised band: the mean-flow error and its predicted standard deviation. */
export interface LinearBand {
  /** Recording times. */
  times: number[];
  /** Error of the mean flow at each time. */
  eps: number[];
  /** Predicted standard deviation of the error at each time. */
  std: number[];
}

/** Options of {@link linearisedBand}. */
export interface LinearBandOptions {
  /** Heun steps per recording interval (default 8). */
  substeps?: number;
  /** Quadrature nodes of Sigma (default: `defaultNodes`, capped at 8 a piece here for speed). */
  nodes?: number;
  /**
   * Initial covariance of the noisy components (N x N over
   * `StepNoise.components`), e.g. that of random initial weights; default 0
   * (given initial weights, the noise of SGD only).
   */
  initial?: Float64Array;
}

/**
 * The linearised covariance band along the mean flow from state y0.
 *
 * @param sys the flow system
 * @param act the activation's functions
 * @param y0 the initial state
 * @param times recording times, increasing from 0
 * @param opts substeps, quadrature nodes, initial covariance
 */
export function linearisedBand(
  sys: FlowSystem,
  act: ActivationFunctions,
  y0: Float64Array,
  times: readonly number[],
  opts: LinearBandOptions = {},
): LinearBand {
  const S = sys.stateSize;
  const noise = new StepNoise(sys, act);
  const N = noise.components;
  const idx = Int32Array.from({ length: N }, (_, i) => noise.stateIndex(i));
  const D = sys.dirs.D;
  const substeps = opts.substeps ?? 8;
  const nodes = opts.nodes ?? Math.min(8, defaultPieceNodes(sys.K));
  const X = y0.slice();
  const C = new Float64Array(S * S);
  if (opts.initial) {
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) C[idx[i] * S + idx[j]] = opts.initial[i * N + j];
    }
  }
  const J = new Float64Array(S * S);
  const f0 = new Float64Array(S), fp = new Float64Array(S), fm = new Float64Array(S);
  const Yp = new Float64Array(S);
  const jacobian = (Y: Float64Array) => {
    for (let j = 0; j < S; j++) {
      const h = 1e-6 * Math.max(1, Math.abs(Y[j]));
      Yp.set(Y);
      Yp[j] = Y[j] + h;
      sys.rhs(0, Yp, fp);
      Yp[j] = Y[j] - h;
      sys.rhs(0, Yp, fm);
      for (let i = 0; i < S; i++) J[i * S + j] = (fp[i] - fm[i]) / (2 * h);
    }
  };
  const SigmaFull = new Float64Array(S * S);
  const dC = (Cin: Float64Array, out: Float64Array) => {
    // out = J C + C J^T + Sigma / D
    for (let i = 0; i < S; i++) {
      for (let j = i; j < S; j++) {
        let a = 0;
        for (let k = 0; k < S; k++) {
          a += J[i * S + k] * Cin[k * S + j] + Cin[i * S + k] * J[j * S + k];
        }
        const v = a + SigmaFull[i * S + j] / D;
        out[i * S + j] = v;
        out[j * S + i] = v;
      }
    }
  };
  const errGrad = (Y: Float64Array): Float64Array => {
    const g = new Float64Array(S);
    for (let j = 0; j < S; j++) {
      const h = 1e-6 * Math.max(1, Math.abs(Y[j]));
      Yp.set(Y);
      Yp[j] = Y[j] + h;
      sys.observe(Yp);
      const ep = sys.error();
      Yp[j] = Y[j] - h;
      sys.observe(Yp);
      g[j] = (ep - sys.error()) / (2 * h);
    }
    return g;
  };
  const record = (eps: number[], std: number[]) => {
    sys.observe(X);
    eps.push(sys.error());
    const g = errGrad(X);
    let v = 0;
    for (let i = 0; i < S; i++) {
      if (g[i] === 0) continue;
      for (let j = 0; j < S; j++) v += g[i] * C[i * S + j] * g[j];
    }
    std.push(Math.sqrt(Math.max(v, 0)));
  };
  const eps: number[] = [], std: number[] = [];
  let t = 0;
  const k1 = new Float64Array(S * S), k2 = new Float64Array(S * S), Cp = new Float64Array(S * S);
  const X1 = new Float64Array(S);
  for (const target of times) {
    if (target > t) {
      const { cov } = noise.moments(X, nodes);
      SigmaFull.fill(0);
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < N; j++) SigmaFull[idx[i] * S + idx[j]] = cov[i * N + j];
      }
      const h = (target - t) / substeps;
      for (let s = 0; s < substeps; s++) {
        // Heun: predictor with J(X), corrector with J(X + h f)
        sys.rhs(t, X, f0);
        jacobian(X);
        dC(C, k1);
        for (let i = 0; i < S; i++) X1[i] = X[i] + h * f0[i];
        for (let i = 0; i < S * S; i++) Cp[i] = C[i] + h * k1[i];
        sys.rhs(t + h, X1, fp);
        jacobian(X1);
        dC(Cp, k2);
        for (let i = 0; i < S; i++) X[i] += 0.5 * h * (f0[i] + fp[i]);
        for (let i = 0; i < S * S; i++) C[i] += 0.5 * h * (k1[i] + k2[i]);
        t += h;
      }
      t = target;
    }
    record(eps, std);
  }
  return { times: [...times], eps, std };
}

/** Legendre nodes a piece that keep a K-field grid near 3 10^4 points. */
function defaultPieceNodes(K: number): number {
  return Math.max(4, Math.floor((30_000 ** (1 / K)) / 2));
}
