/**
 * Agreement between a simulation and the theory on the same time grid. For
 * Gaussian inputs the simulation's side is the exact (population) error of
 * its weights at every recorded time (`population.ts`), so the deviation
 * measures the finite-size fluctuations of SGD and nothing of the noise of a
 * held-out sample; for real images it is the held-out estimate.
 * @module
 */
import type { CurveResult } from "../problem/types.ts";
import { ConfigError } from "../core/errors.ts";
import { populationError, populationErrorUnavailable } from "./population.ts";

/** What the simulation's error is measured with. */
export type DeviationBasis = "population" | "held-out";

/** Relative deviation |eps_sim / eps_theory - 1| of a simulated error curve, time by time. */
export interface Deviation {
  /** Largest relative deviation over the recorded times t > 0. */
  max: number;
  /** Time at which it occurs. */
  maxAt: number;
  /** Mean relative deviation over the recorded times t > 0 (log-spaced). */
  mean: number;
  /** The relative deviation at every recorded time (t = 0 included). */
  relative: number[];
  /**
   * The simulation's error used: "population", the exact error of the SGD
   * weights (Gaussian inputs), or "held-out", the estimate on the held-out
   * samples (real images, or when asked for).
   */
  basis: DeviationBasis;
  /** The same deviation of the held-out estimate, when `basis` is "population" (for comparison). */
  heldOut?: { max: number; maxAt: number; mean: number; relative: number[] };
  /** The simulation's mean error on the basis used, one per recorded time. */
  simulationEps: number[];
}

/** Options of {@link deviation}. */
export interface DeviationOptions {
  /**
   * "auto" (default): the exact error wherever the inputs are Gaussian, the
   * held-out estimate otherwise; or force one ("population" throws a
   * ConfigError when the exact error is unavailable).
   */
  basis?: "auto" | DeviationBasis;
}

/**
 * Deviation of a simulation's mean test error from the theory's, on the
 * shared time grid (the two results must have the same times). The
 * simulation's error is the exact population error of its weights wherever
 * the inputs are Gaussian (see {@link DeviationOptions}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type CurveResult, deviation } from "@aedyn/aedyn";
 * const curve = (kind: "simulation" | "theory", eps: number[]): CurveResult => ({
 *   kind, version: "", config: { data: { kind: "dataset" } } as unknown as CurveResult["config"],
 *   seconds: 0, runs: [], times: [0, 1], eps, epsStd: [0, 0], epsMin: eps, epsMax: eps,
 *   pca: { traceOverD: 1, eigenvalues: [], epsPCA: [] },
 * });
 * const d = deviation(curve("simulation", [0.5, 0.11]), curve("theory", [0.5, 0.1]));
 * assert.ok(Math.abs(d.max - 0.1) < 1e-12);
 * assert.equal(d.maxAt, 1);
 * assert.equal(d.basis, "held-out");
 * ```
 */
// the signature deno doc shows: opts is optional (default {})
export function deviation(
  simulation: CurveResult,
  theory: CurveResult,
  opts?: DeviationOptions,
): Deviation;
export function deviation(
  simulation: CurveResult,
  theory: CurveResult,
  opts: DeviationOptions = {},
): Deviation {
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
  const want = opts.basis ?? "auto";
  const exact = want === "held-out" ? undefined : populationErrorUnavailable(simulation);
  if (want === "population" && exact) {
    throw new ConfigError("basis", want, `"held-out" here: ${exact}`);
  }
  const heldOut = relativeDeviation(times, simulation.eps, theory.eps);
  if (want === "held-out" || exact !== undefined) {
    return { ...heldOut, basis: "held-out", simulationEps: simulation.eps };
  }
  const population = populationError(simulation).eps;
  return {
    ...relativeDeviation(times, population, theory.eps),
    basis: "population",
    heldOut,
    simulationEps: population,
  };
}

/** max, argmax and mean over t > 0 of |a / b - 1|, and its values. */
function relativeDeviation(times: number[], a: number[], b: number[]) {
  const relative = times.map((_, i) => Math.abs(a[i] / b[i] - 1));
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
