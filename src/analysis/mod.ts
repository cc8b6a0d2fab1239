/**
 * Analysis of learning curves and learned weights: the exact (population)
 * error of recorded networks on Gaussian inputs, the agreement of a
 * simulation with the theory, plateaus of the test error matched to the
 * PCA levels, the alignment of the decoder with the principal components,
 * and the matching of learned vectors to components.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findPlateaus } from "./mod.ts";
 * const t = Array.from({ length: 61 }, (_, i) => 10 ** (i / 20));
 * const eps = t.map((x) => (x < 30 ? 0.5 : 0.1)); // one level, then another
 * assert.ok(findPlateaus(t, eps).length >= 1);
 * ```
 * @module
 */
export { deviation } from "./deviation.ts";
export type { Deviation, DeviationBasis, DeviationOptions } from "./deviation.ts";
export { populationError, populationErrorUnavailable } from "./population.ts";
export type { PopulationError } from "./population.ts";
export {
  dwell,
  findPlateaus,
  formatPlateauTable,
  matchPlateaus,
  PLATEAU_DEFAULTS,
} from "./plateaus.ts";
export type { Plateau, PlateauMatch, PlateauOptions } from "./plateaus.ts";
export { alignment, cosines, decoderAngles, permutedAlignment, spanOverlaps } from "./alignment.ts";
export { matchComponents, subspaceMatch, unitVector } from "./components.ts";
export type { ComponentMatch, MatchRule, SubspaceMatch } from "./components.ts";
export type { CurveResult, OrderParameters } from "../problem/types.ts";
