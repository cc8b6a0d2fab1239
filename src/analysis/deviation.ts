/**
 * Agreement between a simulation and the theory on the same time grid.
 * @module
 */
import type { CurveResult } from "../problem/types.ts";
import { ConfigError } from "../core/errors.ts";

/** Relative deviation |eps_sim / eps_theory - 1| of the mean simulated error, time by time. */
export interface Deviation {
  /** Largest relative deviation over the recorded times t > 0. */
  max: number;
  /** Time at which it occurs. */
  maxAt: number;
  /** Mean relative deviation over the recorded times t > 0 (log-spaced). */
  mean: number;
  /** The relative deviation at every recorded time (t = 0 included). */
  relative: number[];
}

/**
 * Deviation of a simulation's mean test error from the theory's, on the
 * shared time grid (the two results must have the same times).
 *
 * @example
 * ```ts
 * import { deviation } from "./deviation.ts";
 * import type { CurveResult } from "../problem/types.ts";
 * const curve = (kind: "simulation" | "theory", eps: number[]): CurveResult => ({
 *   kind, version: "", config: {} as CurveResult["config"], seconds: 0, runs: [], times: [0, 1], eps,
 *   epsStd: [0, 0], epsMin: eps, epsMax: eps, pca: { traceOverD: 1, eigenvalues: [], epsPCA: [] },
 * });
 * const d = deviation(curve("simulation", [0.5, 0.11]), curve("theory", [0.5, 0.1]));
 * if (!(Math.abs(d.max - 0.1) < 1e-12 && d.maxAt === 1)) throw new Error("example failed");
 * ```
 */
export function deviation(simulation: CurveResult, theory: CurveResult): Deviation {
  const { times } = simulation;
  if (
    times.length !== theory.times.length ||
    times.some((t, i) => Math.abs(t - theory.times[i]) > 1e-12 * Math.max(1, t))
  ) {
    throw new ConfigError(
      "times",
      theory.times.length,
      `the simulation's ${times.length} recorded times`,
    );
  }
  const relative = times.map((_, i) => Math.abs(simulation.eps[i] / theory.eps[i] - 1));
  let max = 0, maxAt = 0, sum = 0, n = 0;
  times.forEach((t, i) => {
    if (t <= 0) return;
    sum += relative[i];
    n++;
    if (relative[i] > max) {
      max = relative[i];
      maxAt = t;
    }
  });
  return { max, maxAt, mean: n ? sum / n : 0, relative };
}
