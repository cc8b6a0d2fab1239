/**
 * aedyn — the learning dynamics of shallow autoencoders: online SGD in SIMD
 * WebAssembly, the exact equations of the dynamics in high dimension, and
 * PCA of the input model (the names follow THEORY.md: D, K, eta = `lr`,
 * t = steps / D, eps_PCA(m), Q, R, T, T0). Browser-safe: nothing here
 * touches the file system.
 *
 * One path: a problem (data model, network, rule, time grid, seeds) is
 * resolved and validated once (`resolveProblem`), then `simulate(problem)`
 * and `theory(problem, solver)` return results of the same shape.
 *
 * More, as sub-exports of the package: `./plot` (Vega-Lite specs of every
 * figure), `./render` (SVG), `./analysis` (plateaus, alignment, component
 * matching), `./datasets` (image readers, preprocessing, downloads),
 * `./data` (data models, spectra, a data set's model and its Gaussian
 * equivalent), `./theory` (activations and their Gaussian averages,
 * integrators, the solver's parameters), `./problem` (the parameter tables,
 * learning rules, initial weights, the weights and covariance file formats).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pca, resolveProblem, simulate, theory } from "@aedyn/aedyn";
 * const problem = resolveProblem({
 *   data: { kind: "spiked", D: 60, spikes: [4, 2] },
 *   network: { K: 2, activation: "erf" },
 *   lr: 1, tMax: 5, nTimes: 4, nTest: 200,
 * });
 * const sgd = await simulate(problem);
 * const eqs = await theory(problem);
 * assert.equal(sgd.times.join(), eqs.times.join());
 * assert.ok(pca(problem.data, 2).epsPCA[0] > 0);
 * ```
 * @module
 */
export type {
  Activation,
  CurveResult,
  DataModel,
  DatasetModel,
  Engine,
  GaussianModel,
  InitialWeights,
  Network,
  OrderParameters,
  PcaSummary,
  Problem,
  ProblemInput,
  ProblemRecord,
  Rule,
  Run,
  SolverRecord,
  Spectrum,
  SpikedModel,
  WeightSnapshot,
} from "./src/problem/types.ts";
export { resolveProblem } from "./src/problem/resolve.ts";
export { informedWeights } from "./src/problem/init.ts";
export { pca, spikedModel } from "./src/data/mod.ts";
export type { Pca } from "./src/data/mod.ts";
export { simulate } from "./src/sgd/simulate.ts";
export type { RecordEvent, SimulateControl } from "./src/sgd/simulate.ts";
export { theory } from "./src/theory/theory.ts";
export type { TheoryControl } from "./src/theory/theory.ts";
export type { SolverInput } from "./src/theory/solver.ts";
export type { Progress } from "./src/core/progress.ts";
export { parseSweepSpec, rowsCsv, summarise, sweep } from "./src/sweep/mod.ts";
export type {
  PointResult,
  SweepOptions,
  SweepProgress,
  SweepRow,
  SweepSpec,
  SweepSummary,
} from "./src/sweep/mod.ts";
export { deviation } from "./src/analysis/deviation.ts";
// notebooks: results, sweeps, comparisons and specs display themselves (a figure and a summary)
export { type Comparison, comparison } from "./src/plot/jupyter.ts";
export type { Deviation } from "./src/analysis/deviation.ts";
export {
  AedynError,
  ConfigError,
  DataFormatError,
  DivergenceError,
  DomainError,
  IntegrationError,
} from "./src/core/errors.ts";
export type { DataLocation, IntegrationFailure } from "./src/core/errors.ts";
export { VERSION } from "./src/core/version.ts";
