/**
 * The exact test (population) error of recorded networks. For Gaussian
 * inputs — the spiked and the Gaussian data models, and the Gaussian
 * equivalent of a data set — the error of given weights is a function of
 * their order parameters (THEORY.md section 4 and 1b; `exactErrors` of
 * `../problem/exact_error.ts`, the one copy of the formula), so a simulation's recorded Q, R, T, T0,
 * biases and output-bias overlaps C, C0 give its exact error at every
 * recorded time, free of the noise of a held-out sample. Real images keep
 * the held-out estimate.
 * @module
 */
import type { CurveResult } from "../problem/types.ts";
import { exactErrors } from "../problem/exact_error.ts";
import { ConfigError } from "../core/errors.ts";
import { summarise } from "../core/stats.ts";

/** The exact error of every run at every recorded time, and its statistics over runs. */
export interface PopulationError {
  /** Per run (seed), the exact error at each recorded time. */
  runs: number[][];
  /** Mean over runs. */
  eps: number[];
  /** Sample standard deviation over runs (zeros for one run). */
  epsStd: number[];
  /** Smallest over runs. */
  epsMin: number[];
  /** Largest over runs. */
  epsMax: number[];
}

/** Data-model kinds whose inputs are Gaussian (the error is then exact from the overlaps). */
const GAUSSIAN_KINDS = new Set(["spiked", "gaussian"]);

/**
 * Why the exact error of a result cannot be computed from its record, or
 * undefined when it can: the inputs must be Gaussian, and a network with an
 * output bias must have recorded C and C0.
 *
 * @param result a simulation (or theory) result
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { populationErrorUnavailable } from "./population.ts";
 * import type { CurveResult } from "../problem/types.ts";
 * const images = { config: { data: { kind: "dataset" }, network: {} } } as unknown as CurveResult;
 * assert.ok(populationErrorUnavailable(images)?.includes("not Gaussian"));
 * ```
 */
export function populationErrorUnavailable(result: CurveResult): string | undefined {
  const kind = String(result.config?.data?.kind);
  if (!GAUSSIAN_KINDS.has(kind)) {
    return `the inputs (data kind "${kind}") are not Gaussian: only a held-out estimate exists`;
  }
  if (result.config.network?.outputBias) {
    const missing = result.runs.some((r) => r.order.some((o) => o.C === undefined));
    if (missing) return "the output bias's overlaps C and C0 were not recorded";
  }
  return undefined;
}

/**
 * The exact population error of every recorded network of a result with
 * Gaussian inputs, from its order parameters: eps = tr(Omega)/(2D) -
 * sum_k R_kk E[g'(lambda_k)] + (1/2) sum_kl T0_kl E[g(lambda_k) g(lambda_l)]
 * (+ sum_k C_k E[g(lambda_k)] + C0/2 with an output bias), the fields with
 * the means b_k / sqrt(D) of trained biases.
 *
 * @param result a simulation (or theory) result with Gaussian inputs
 * @returns per run and time, with mean, std, min and max over runs
 * @throws ConfigError naming the reason when the inputs are not Gaussian or
 *   the record lacks the output bias's overlaps
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { populationError } from "./population.ts";
 * import { simulate } from "../sgd/simulate.ts";
 * const res = await simulate({ data: { D: 60 }, network: { K: 2 }, tMax: 5, nTimes: 4, nTest: 200 });
 * const exact = populationError(res);
 * // before any step: tr(Omega)/(2D) minus what the random initial weights reconstruct
 * assert.equal(exact.eps.length, res.times.length);
 * assert.ok(Math.abs(exact.eps[0] / res.pca.epsPCA[0] - 1) < 0.05);
 * ```
 */
export function populationError(result: CurveResult): PopulationError {
  const why = populationErrorUnavailable(result);
  if (why) {
    throw new ConfigError("result", result.kind, `a result whose exact error is known: ${why}`);
  }
  const cfg = result.config;
  const runs = result.runs.map((r) =>
    exactErrors(r.order, cfg.network, result.pca.traceOverD, cfg.D)
  );
  return { runs, ...summarise(runs) };
}
