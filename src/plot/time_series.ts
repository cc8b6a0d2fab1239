/**
 * Quantities against time t = steps / D on a log time axis, one line per
 * series, with optional labelled reference rules.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import {
  CONFIG,
  DASHES,
  type LayerEncoding,
  type LayerSpec,
  LINE_LEGEND,
  PALETTE,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./style.ts";
import { axisTitle, cycle, positive, timeAxis, timeEncoding, titleOf } from "./_helpers.ts";
import { displayable } from "../core/display.ts";

/** One named series of {@linkcode timeSeriesSpec}. */
export interface TimeSeries {
  /** Legend name. */
  label: string;
  /** Times t (only t > 0 is drawn on the log axis). */
  t: number[];
  /** Values, one per time. */
  value: number[];
  /**
   * With `style`, on every series: the group the colour shows (e.g. the
   * component, or the variant), the style the stroke dash shows (e.g. "SGD"
   * or "theory"), each with its own legend.
   */
  group?: string;
  /** The style the stroke dash shows (see `group`). */
  style?: string;
}

/** Options of {@linkcode timeSeriesSpec}. */
export interface TimeSeriesOptions {
  /** Title of the value axis. */
  yTitle: string;
  /** Fixed value range (default: from the data). */
  yDomain?: [number, number];
  /** Dashed horizontal reference lines with labels (e.g. a threshold). */
  rules?: { value: number; label: string }[];
  /** Figure title (default none). */
  title?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
  /** Plot height in pixels (default 300). */
  height?: number;
}

/**
 * Quantities against time t = steps / D on a logarithmic time axis, one line
 * per series (colour and stroke dash both differ, so the figure survives
 * grey-scale printing), with optional labelled reference rules.
 *
 * @param series the lines to draw; labels must be distinct.
 * @param opts axis title, range, rules and size.
 * @returns a layered Vega-Lite specification.
 * @throws ConfigError on no series, duplicate labels or t/value length mismatch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeSeriesSpec } from "./time_series.ts";
 * const spec = timeSeriesSpec([{ label: "alignment", t: [1, 10, 100], value: [0.2, 0.6, 0.99] }],
 *   { yTitle: "alignment", yDomain: [0, 1] });
 * // one layer of lines (no rules asked for)
 * assert.ok("layer" in spec && spec.layer.length === 1);
 * ```
 */
export function timeSeriesSpec(series: TimeSeries[], opts: TimeSeriesOptions): VegaLiteSpec {
  if (!Array.isArray(series) || series.length === 0) {
    throw new ConfigError("series", series, "at least one series");
  }
  const labels = series.map((s) => s.label);
  if (new Set(labels).size !== labels.length) {
    throw new ConfigError("series labels", labels, "distinct names");
  }
  const grouped = series.every((s) => s.group !== undefined && s.style !== undefined);
  const rows: Record<string, unknown>[] = [];
  for (const s of series) {
    if (s.t.length !== s.value.length) {
      throw new ConfigError(
        `series "${s.label}"`,
        `${s.t.length} times, ${s.value.length} values`,
        "one value per time",
      );
    }
    s.t.forEach((t, i) => {
      if (t > 0 && Number.isFinite(s.value[i])) {
        rows.push({
          series: s.label,
          t,
          value: s.value[i],
          ...(grouped ? { group: s.group, style: s.style } : {}),
        });
      }
    });
  }
  if (rows.length === 0) {
    throw new ConfigError("series", "no point to draw", "a finite value at some t > 0");
  }
  const n = labels.length;
  const width = positive("width", opts.width ?? 560);
  const height = positive("height", opts.height ?? 300);
  const ts = rows.map((r) => r.t as number);
  // the axis starts at a round time at or below the first and ends at the last, labelled
  const time = timeAxis(ts);
  const x: LayerEncoding["x"] = timeEncoding(time);
  const y: LayerEncoding["y"] = {
    field: "value",
    type: "quantitative",
    scale: opts.yDomain ? { domain: opts.yDomain, nice: false } : { zero: false },
    axis: { title: axisTitle(opts.yTitle, height) },
  };
  const legend = { ...LINE_LEGEND, orient: "bottom", columns: 2, columnPadding: 30 } as const;
  const groups = [...new Set(series.map((s) => s.group!))];
  const styles = [...new Set(series.map((s) => s.style!))];
  const encodeSeries: Pick<LayerEncoding, "color" | "strokeDash" | "detail"> = grouped
    ? {
      color: {
        field: "group",
        type: "nominal",
        scale: { domain: groups, range: cycle(PALETTE, groups.length) },
        legend: { ...legend, columns: 1 },
      },
      strokeDash: {
        field: "style",
        type: "nominal",
        scale: {
          domain: styles,
          range: cycle([[1, 0], [6, 3], [2, 3], [10, 3, 2, 3]], styles.length),
        },
        legend: { ...legend, columns: 1 },
      },
      detail: { field: "series", type: "nominal" },
    }
    : {
      color: {
        field: "series",
        type: "nominal",
        scale: { domain: labels, range: cycle(PALETTE, n) },
        legend,
      },
      strokeDash: {
        field: "series",
        type: "nominal",
        scale: { domain: labels, range: cycle(DASHES, n) },
        legend,
      },
    };
  const layer: LayerSpec[] = [{
    data: { values: rows },
    mark: { type: "line", strokeWidth: 2, clip: true },
    encoding: { x, y, ...encodeSeries },
  }];
  if (opts.rules?.length) {
    const ruleRows = opts.rules.map((r) => ({ value: r.value, label: r.label }));
    layer.push({
      data: { values: ruleRows },
      mark: { type: "rule", strokeDash: [5, 4], color: "#666666", strokeWidth: 1 },
      encoding: { y: { field: "value", type: "quantitative" } },
    });
    layer.push({
      data: { values: ruleRows },
      mark: {
        type: "text",
        align: "right",
        baseline: "bottom",
        dx: -4,
        dy: -2,
        fontSize: 11,
        color: "#444444",
      },
      encoding: {
        x: { value: "width" },
        y: { field: "value", type: "quantitative" },
        text: { field: "label" },
      },
    });
  }
  return displayable({
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: titleOf(opts.title, width) } : {}),
    width,
    height,
    padding: 12,
    layer,
    config: CONFIG,
  }, "spec");
}
