/**
 * Figures as data: pure functions from results to Vega-Lite v6 specifications
 * (plain JSON objects with the data inlined as `values`), one module per
 * chart. Nothing here touches `Deno`, the file system or the DOM, so the same
 * modules run in a browser; `render.ts` turns a specification into SVG.
 *
 * Colours come from the Okabe-Ito palette and every series is also told apart
 * by its stroke dash, so the figures survive grey-scale printing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeSeriesSpec, VEGA_LITE_SCHEMA } from "./mod.ts";
 * const spec = timeSeriesSpec([{ label: "a", t: [1, 10], value: [0, 1] }], { yTitle: "a" });
 * assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
 * ```
 * @module
 */
export { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./style.ts";
export { type ErrorCurveOptions, type ErrorCurveSource, errorCurveSpec } from "./error_curve.ts";
export { type BandOptions, type BandSource, bandSpec } from "./band.ts";
export { type EscapeSample, type EscapesOptions, escapesSpec } from "./escapes.ts";
export { type ComponentsOptions, componentsSpec } from "./components.ts";
export { type SubspaceOptions, subspaceSpec } from "./subspace.ts";
export { type ImageGridOptions, imageGridSpec } from "./image_grid.ts";
export {
  componentsFigure,
  type ComponentsFigureOptions,
  type LearnedWeights,
} from "./components_figure.ts";
export {
  decoderOverlapSource,
  overlapHeatmapSpec,
  type OverlapOptions,
  type OverlapSource,
} from "./overlaps.ts";
export { type TimeSeries, type TimeSeriesOptions, timeSeriesSpec } from "./time_series.ts";
export { type Comparison, comparison, resultLine } from "./jupyter.ts";
