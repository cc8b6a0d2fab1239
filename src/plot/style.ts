/**
 * The look shared by every figure: the Vega-Lite schema, the Okabe-Ito
 * palette with its stroke dashes (series stay apart in grey-scale print), a
 * diverging scale of monotone lightness, the `config` block and the legend
 * presets. Plain data, typed by vega-lite's own types (a type-only import,
 * erased at run time: nothing is fetched or loaded for it).
 * @module
 */
import type { Config, TopLevelSpec } from "vega-lite";

/** A Vega-Lite v6 top-level specification (vega-lite's `TopLevelSpec`). */
export type VegaLiteSpec = TopLevelSpec;

/** One layer of a layered specification. */
export type LayerSpec = Extract<TopLevelSpec, { layer: unknown }>["layer"][number];

/** The encoding of a unit layer (channels x, y, color, strokeDash, ...). */
export type LayerEncoding = NonNullable<Extract<LayerSpec, { mark: unknown }>["encoding"]>;

/** The top-level `config` of a specification. */
export type VegaLiteConfig = Config;

/** The Vega-Lite schema every specification here declares. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Okabe-Ito colours, distinct for colour-blind readers. */
export const PALETTE = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#000000",
];

/** Stroke dashes paired with the palette: solid, dashed, dotted, dash-dot, ... */
export const DASHES = [[1, 0], [8, 4], [2, 3], [10, 3, 2, 3], [4, 2], [14, 4], [1, 3]];

/** Diverging colours with monotone lightness (dark blue, grey, light yellow). */
export const DIVERGING = ["#0b1f4b", "#3a6ea5", "#a6a6a6", "#e6b84f", "#fff7d6"];

/** Axis fonts and grid colour of every figure. */
export const AXIS_CONFIG = {
  labelFontSize: 12,
  titleFontSize: 13,
  titleFontWeight: "normal",
  gridColor: "#e6e6e6",
} as const satisfies Config["axis"];

/** Legend of line series above the plot, without a title, each symbol a stroke. */
export const LINE_LEGEND = {
  title: null,
  orient: "top",
  symbolType: "stroke",
  symbolSize: 400,
  symbolStrokeWidth: 2,
  labelLimit: 400,
  gridAlign: "none",
  columnPadding: 24,
} as const satisfies Config["legend"];

/** Legend of line series right of the plot, without a title, each symbol a thick stroke. */
export const SIDE_LEGEND = {
  orient: "right",
  title: null,
  labelLimit: 300,
  symbolType: "stroke",
  symbolSize: 400,
  symbolStrokeWidth: 2.5,
} as const satisfies Config["legend"];

/** The top-level `config` of every figure: fonts of axes, legends, headers and title. */
export const CONFIG = {
  axis: AXIS_CONFIG,
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: "normal" },
  header: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: "normal" },
  title: { fontSize: 14, fontWeight: "normal", anchor: "start" },
  view: { stroke: "#bbbbbb" },
} as const satisfies Config;
