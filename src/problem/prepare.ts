/**
 * One path from a problem to what `simulate` and `theory` run on: the
 * problem resolved once, its data model materialised once, its spectrum and
 * PCA levels computed once, its recording grid fixed once — all cached per
 * problem, so a simulation and a theory of the same problem share them.
 * @module
 */
import { recordingTimes } from "../core/grid.ts";
import {
  describeData,
  materialise,
  type MaterialisedModel,
  type PcaSummary,
  pcaSummary,
  type Spectrum,
  spectrumOf,
} from "../data/mod.ts";
import { drawInitialWeights } from "./init.ts";
import { resolveProblem } from "./resolve.ts";
import type { InitialWeights, Problem, ProblemInput, ProblemRecord } from "./types.ts";

/** Leading eigen-directions whose projections a_k, b_k are recorded (simulation and theory). */
export const RECORDED_PROJECTIONS = 16;

/** A problem ready to run. */
export interface Prepared {
  /** The resolved problem. */
  readonly problem: Problem;
  /** Input dimension D. */
  readonly D: number;
  /** The data model made concrete (covariance operator, sampler). */
  readonly model: MaterialisedModel;
  /** The spectrum of the input covariance. */
  readonly spectrum: Spectrum;
  /** The PCA levels eps_PCA(0..K) carried by results. */
  readonly pca: PcaSummary;
  /** The recording times (whole steps). */
  readonly times: readonly number[];
  /** The problem as recorded in results. */
  readonly record: ProblemRecord;
  /** The initial weights of a seed: `network.init`, or the seed's Gaussian draw. */
  initialWeights(seed: number): InitialWeights;
}

const PREPARED = new WeakMap<Problem, Prepared>();

/**
 * A resolved problem as results record it: the data model described, D
 * beside it (cheap: nothing of the model is materialised).
 */
export function problemRecord(problem: Problem): ProblemRecord {
  return { ...problem, data: describeData(problem.data), D: problem.data.D };
}

/**
 * Resolve (if needed) and prepare a problem; the same resolved problem gives
 * the same prepared value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prepare } from "./prepare.ts";
 * const p = prepare({ data: { D: 60 }, network: { K: 2 }, tMax: 5, nTimes: 4 });
 * assert.equal(p.times[0], 0);
 * assert.equal(p.pca.epsPCA.length, 3);
 * assert.equal(prepare(p.problem), p);
 * ```
 */
export function prepare(input: ProblemInput | Problem): Prepared {
  const problem = resolveProblem(input);
  let p = PREPARED.get(problem);
  if (p) return p;
  const D = problem.data.D;
  const spectrum = spectrumOf(problem.data);
  p = {
    problem,
    D,
    model: materialise(problem.data),
    spectrum,
    pca: pcaSummary(spectrum, problem.network.K),
    times: Object.freeze(recordingTimes({ ...problem, D })),
    record: problemRecord(problem),
    initialWeights: (seed) =>
      problem.network.init ?? drawInitialWeights(problem.network, D, seed, problem.rule),
  };
  PREPARED.set(problem, p);
  return p;
}
