/**
 * aedyn — the learning dynamics of shallow autoencoders: online SGD in SIMD
 * WebAssembly, PCA of the input model, and Vega-Lite plots of the results.
 * Browser-safe: nothing here touches the file system.
 *
 * @example
 * ```ts
 * import { pca, simulate, spikedModel } from "./mod.ts";
 * const data = spikedModel({ D: 60 });
 * const res = await simulate({ data, network: { K: 2 }, lr: 1, tMax: 2, nTimes: 3, nTest: 100 });
 * if (!(res.pca.epsPCA.length === 3 && pca(data, 2).epsPCA[0] > 0)) throw new Error("example failed");
 * ```
 * @module
 */
export * from "./src/problem/types.ts";
export { ConfigError, DivergenceError } from "./src/core/errors.ts";
export { VERSION } from "./src/core/version.ts";
export { materialise, spikeDirections, spikedModel } from "./src/data/models.ts";
export type { LowRankCovariance, MaterialisedModel, SamplerSpec } from "./src/data/models.ts";
export { covarianceSpectrum, pca, pcaErrors } from "./src/data/spectrum.ts";
export type { Pca, Spectrum } from "./src/data/spectrum.ts";
export { DEFAULTS, defaultTimes, resolveSimulateConfig } from "./src/problem/config.ts";
export type { SimulateConfig, SimulateInput } from "./src/problem/config.ts";
export { recordingTimes, simulate } from "./src/sgd/simulate.ts";
export type { Progress, SimulateControl } from "./src/sgd/simulate.ts";
export {
  componentsSpec,
  errorCurveSpec,
  imageGridSpec,
  overlapHeatmapSpec,
  timeSeriesSpec,
  VEGA_LITE_SCHEMA,
} from "./src/plot/plot.ts";
export type {
  ComponentsOptions,
  ErrorCurveOptions,
  ImageGridOptions,
  OverlapOptions,
  OverlapSource,
  TimeSeries,
  TimeSeriesOptions,
  VegaLiteSpec,
} from "./src/plot/plot.ts";
export { covariance, eigh } from "./src/kernels/linalg.ts";
export { drawInitialWeights, informedWeights } from "./src/sgd/simulate.ts";
export {
  formatCovariance,
  formatInitialWeights,
  parseCovariance,
  parseInitialWeights,
} from "./src/problem/formats.ts";
export { INTEGRATORS, resolveTheoryOptions, theory } from "./src/theory/theory.ts";
export type { Integrator, TheoryInput, TheoryOptions } from "./src/theory/theory.ts";
export { FORMS } from "./src/theory/system.ts";
export type { Form } from "./src/theory/system.ts";
export { averagesFor, quadratureAverages } from "./src/activations/averages.ts";
export type { ActivationAverages } from "./src/activations/averages.ts";
export { DomainError, IntegrationError, solve } from "./src/ode/integrate.ts";
export { deviation } from "./src/analysis/deviation.ts";
export type { Deviation } from "./src/analysis/deviation.ts";
