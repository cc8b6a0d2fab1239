/**
 * The spread between seeds at finite D from paths of the diffusion limit
 * (THEORY.md 6b): sampling the paths of a problem, and the statistics a
 * result records of them — mean, standard deviation and quantiles of the
 * error at the recorded times, and the times at which each plateau is left.
 *
 * A plateau at eps_PCA(m) is left when the error first crosses below the
 * geometric mean sqrt(eps_PCA(m) eps_PCA(m + 1)) of its level and the next
 * one; the crossing time is interpolated linearly in (ln t, ln eps) between
 * the two recorded times around it. The same estimator applies to SGD seeds
 * (`escapeTimes`), so predicted and measured times compare like with like.
 * @module
 */
import type { CurveResult, Deciles, EscapeTimes, Fluctuations } from "../problem/types.ts";
import type { Kernels } from "../kernels/wasm.ts";
import {
  type ActivationFunctions,
  activationSpec,
  biasedFields,
  centralFields,
  type Overlaps,
  predictedError,
} from "../activations/mod.ts";
import type { FlowSystem } from "./system.ts";
import { StepNoise } from "./sde_noise.ts";
import { PathSampler } from "./sde.ts";

/** The quantiles every fluctuation record carries. */
export const DECILES = [0.1, 0.5, 0.9] as const;

/**
 * Quantile q of sorted values (linear interpolation between order statistics,
 * "type 7"); Infinity entries (not reached) sort last and give null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quantileOf } from "./fluctuations.ts";
 * assert.ok(quantileOf([1, 2, 3, 4, 5], 0.5) === 3 && quantileOf([1, Infinity], 0.9) === null, "the example's claim holds");
 * ```
 */
export function quantileOf(sorted: readonly number[], q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * q;
  const lo = Math.floor(h), hi = Math.min(lo + 1, n - 1);
  const v = sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  return Number.isFinite(sorted[hi]) && Number.isFinite(v) ? v : null;
}

/**
 * First time a curve crosses below `level` (interpolated in ln t, ln eps
 * between the recorded times around it), or null if it stays above.
 * A curve below the level at its first time crosses at that time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crossingTime } from "./fluctuations.ts";
 * const t = crossingTime([1, 10, 100], [1, 0.5, 0.01], 0.1);
 * assert.ok(t !== null && t > 10 && t < 100, "the example's claim holds");
 * ```
 */
export function crossingTime(
  times: readonly number[],
  eps: readonly number[],
  level: number,
): number | null {
  for (let j = 0; j < eps.length; j++) {
    if (!(eps[j] < level)) continue;
    if (j === 0) return times[0];
    const t0 = times[j - 1], t1 = times[j], e0 = eps[j - 1], e1 = eps[j];
    if (!(t0 > 0)) return t1; // the interval from t = 0: no log scale, take its end
    const f = Math.log(e0 / level) / Math.log(e0 / e1);
    return Math.exp(Math.log(t0) + f * Math.log(t1 / t0));
  }
  return null;
}

/**
 * Escape times of curves (seeds or paths) from the plateaus at
 * eps_PCA(0..K-1): for each m, the crossing time of
 * sqrt(eps_PCA(m) eps_PCA(m + 1)) by each curve and their statistics.
 *
 * @param times recorded times
 * @param curves error curves, one per seed or path, on `times`
 * @param epsPCA eps_PCA(0..K)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeTimes } from "./fluctuations.ts";
 * const e = escapeTimes([1, 2, 4], [[0.5, 0.2, 0.1], [0.5, 0.4, 0.1]], [0.5, 0.1]);
 * assert.ok(e.length === 1 && e[0].left === 2 && e[0].times[0]! < e[0].times[1]!, "the example's claim holds");
 * ```
 */
export function escapeTimes(
  times: readonly number[],
  curves: readonly (readonly number[])[],
  epsPCA: readonly number[],
): EscapeTimes[] {
  const out: EscapeTimes[] = [];
  for (let m = 0; m + 1 < epsPCA.length; m++) {
    const level = Math.sqrt(epsPCA[m] * epsPCA[m + 1]);
    if (!(level > 0)) continue;
    const ts = curves.map((c) => crossingTime(times, c, level));
    const crossed = ts.filter((t): t is number => t !== null);
    const sorted = ts.map((t) => t ?? Infinity).sort((a, b) => a - b);
    const mean = crossed.length ? crossed.reduce((a, b) => a + b, 0) / crossed.length : null;
    const std = crossed.length > 1 && mean !== null
      ? Math.sqrt(crossed.reduce((a, t) => a + (t - mean) ** 2, 0) / (crossed.length - 1))
      : null;
    out.push({
      m,
      level,
      left: crossed.length,
      times: ts,
      mean,
      std,
      quantiles: decilesOf((q) => quantileOf(sorted, q)),
    });
  }
  return out;
}

function decilesOf<T>(f: (q: number) => T): Deciles<T> {
  return { "0.1": f(DECILES[0]), "0.5": f(DECILES[1]), "0.9": f(DECILES[2]) };
}

/**
 * The fluctuation record of error curves (one per path) on `times`: mean,
 * standard deviation and quantiles at each time, and the escape times.
 *
 * @param times recorded times
 * @param curves one error curve per path
 * @param epsPCA eps_PCA(0..K)
 * @param steps Euler steps taken, summed over the paths
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summariseFluctuations } from "./fluctuations.ts";
 * const f = summariseFluctuations([0, 1], [[0.5, 0.2], [0.5, 0.4]], [0.5, 0.1], 10);
 * assert.ok(f.paths === 2 && Math.abs(f.mean[1] - 0.3) < 1e-15 && f.quantiles["0.5"][1] === 0.30000000000000004, "the example's claim holds");
 * ```
 */
export function summariseFluctuations(
  times: readonly number[],
  curves: readonly (readonly number[])[],
  epsPCA: readonly number[],
  steps: number,
): Fluctuations {
  const n = curves.length;
  const mean: number[] = [], std: number[] = [];
  const qs: number[][] = DECILES.map(() => []);
  for (let j = 0; j < times.length; j++) {
    const col = curves.map((c) => c[j]);
    const m = col.reduce((a, b) => a + b, 0) / n;
    mean.push(m);
    std.push(n > 1 ? Math.sqrt(col.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1)) : 0);
    col.sort((a, b) => a - b);
    DECILES.forEach((q, i) => qs[i].push(quantileOf(col, q) ?? NaN));
  }
  return {
    paths: n,
    mean,
    std,
    quantiles: { "0.1": qs[0], "0.5": qs[1], "0.9": qs[2] },
    escapes: escapeTimes(times, curves, epsPCA),
    steps,
  };
}

/** What {@link samplePaths} needs of a problem. */
export interface PathsInput {
  /** The flow system of the problem (drift, overlaps, error), on its own kernels. */
  system: FlowSystem;
  /** Those kernels (the paths' random numbers and buffers live there). */
  kernels: Kernels;
  /** The activation's functions. */
  activation: ActivationFunctions;
  /** The initial state of path i's seed (random initial weights at this D, or given ones). */
  initial: (seed: number) => Float64Array;
  /** Recording times. */
  times: readonly number[];
  /** Number of paths. */
  paths: number;
  /** Largest Euler step. */
  step: number;
  /** Seed of path 0 (path i uses seed + i for its initial weights and its noise). */
  seed: number;
  /** eps_PCA(0..K). */
  epsPCA: readonly number[];
  /** Called after each path with the number of paths done. */
  progress?: (done: number) => void;
  /** Aborts between steps. */
  signal?: AbortSignal;
}

/**
 * Sample the paths of the diffusion limit and summarise them. Each path's
 * numbers depend only on its seed (its initial weights and its noise), not
 * on the order in which paths are run.
 */
export async function samplePaths(input: PathsInput): Promise<Fluctuations> {
  const noise = new StepNoise(input.system, input.activation);
  const sampler = new PathSampler(input.system, noise, input.kernels);
  const curves: number[][] = [];
  let steps = 0;
  for (let i = 0; i < input.paths; i++) {
    const seed = input.seed + i;
    await new Promise((resolve) => setTimeout(resolve, 0));
    input.signal?.throwIfAborted();
    const run = await sampler.run(input.initial(seed), input.times, input.step, seed, input.signal);
    curves.push(run.eps);
    steps += run.steps;
    input.progress?.(i + 1);
  }
  return summariseFluctuations(input.times, curves, input.epsPCA, steps);
}

/**
 * The exact population error of every run of a result at every recorded
 * time, from its recorded overlaps (Gaussian inputs: THEORY.md 4 and 1b),
 * free of the held-out estimate's sampling noise: what the fluctuations of
 * a theory are compared with.
 *
 * @param result a simulation (or theory) of Gaussian data
 * @returns one error curve per run
 */
export function exactErrors(result: CurveResult): number[][] {
  const { K, activation, bias } = result.config.network;
  const act = activationSpec(activation);
  const D = result.config.D;
  const traceOverD = 2 * result.pca.epsPCA[0];
  return result.runs.map((run) =>
    run.order.map((o) => {
      const flat = (x: number[][]) => Float64Array.from(x.flat());
      const ov: Overlaps = {
        Q: flat(o.Q),
        R: flat(o.R),
        T: flat(o.T),
        T0: flat(o.T0),
        ...(o.C ? { C: Float64Array.from(o.C), C0: o.C0 ?? 0 } : {}),
      };
      const f = bias
        ? biasedFields(act.biasedAverages, ov.Q, o.bias.map((b) => b / Math.sqrt(D)), K)
        : centralFields(act.averages, ov.Q, K);
      return predictedError(K, traceOverD, f, ov);
    })
  );
}
