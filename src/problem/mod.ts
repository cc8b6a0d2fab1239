/**
 * The problem: its types, its parameter tables (the same declarations give
 * validation, config keys, CLI flags and help texts), the registry of
 * learning rules, resolution and validation, initial weights, and the two
 * file formats (initial weights, covariance).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { problemParams, resolveProblem } from "./mod.ts";
 * const p = resolveProblem({ network: { K: 2 } });
 * assert.equal(p.network.K, 2);
 * assert.ok(problemParams().some((s) => s.path === "network.K"));
 * ```
 * @module
 */
export type * from "./types.ts";
export {
  NETWORK_KEYS,
  PROBLEM_KEYS,
  problemParams,
  resolveProblem,
  validateInit,
} from "./resolve.ts";
export { MAX_BLOCK, MAX_SEEDS, MAX_STEPS, PROBLEM_PARAMS } from "./params.ts";
export { RULE_NAMES, RULES } from "./rules.ts";
export type { HebbianFlow, RuleSpec } from "./rules.ts";
export { checkEngine, ENGINE_NAMES, MAX_REDUCED_SPIKES, networkVectors } from "./engine.ts";
export type { EngineProblem } from "./engine.ts";
export { drawInitialWeights, informedWeights, STREAM } from "./init.ts";
export { prepare, RECORDED_PROJECTIONS } from "./prepare.ts";
export type { Prepared } from "./prepare.ts";
export {
  formatCovariance,
  formatInitialWeights,
  parseCovariance,
  parseInitialWeights,
} from "./formats.ts";
export {
  checkParam,
  describeAllowed,
  getPath,
  helpLines,
  paramName,
  setPath,
} from "../core/params.ts";
export type {
  AlwaysSet,
  Bound,
  Head,
  KeyIn,
  ParamContext,
  ParamSpec,
  ParamType,
  RecordOf,
  TreeOf,
  ValueOf,
} from "../core/params.ts";
export { defaultTimes, recordingTimes } from "../core/grid.ts";
export type { GridSpec } from "../core/grid.ts";
