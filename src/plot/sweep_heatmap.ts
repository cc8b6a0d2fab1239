/**
 * A metric of a sweep over two of its axes, as a heat map with the value
 * written in each cell (one panel per value of the other axes).
 * @module
 */
import { maxOf, minOf } from "../core/stats.ts";
import { ConfigError } from "../core/errors.ts";
import {
  CONFIG,
  type LayerEncoding,
  type LayerSpec,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./style.ts";
import { logTicks } from "./_helpers.ts";
import { displayable } from "../core/display.ts";

/**
 * What the sweep figures read: the axes (paths and values, in order) and
 * one row per point holding the axis values by path and the metrics. A
 * `SweepSummary` qualifies.
 */
export interface SweepSource {
  /** The axes of the sweep, in the spec's order. */
  axes: ReadonlyArray<{ path: string; values: readonly unknown[] }>;
  /** One row per point: its axis values (by path) and metrics. */
  rows: ReadonlyArray<Record<string, unknown>>;
}

/** Names of the metrics of a sweep's rows, for titles and legends. */
export const METRIC_TITLES: Record<string, string> = {
  finalError: "final test error",
  finalOverPCA: "final error / ε_PCA(K)",
  theoryFinal: "final error of the theory",
  deviationMax: "largest deviation SGD vs theory",
  deviationMean: "mean deviation SGD vs theory",
};

/** Short names of the metrics, for colour legends. */
const METRIC_SYMBOLS: Record<string, string> = {
  finalError: "ε",
  finalOverPCA: "ε / ε_PCA(K)",
  theoryFinal: "ε (theory)",
  deviationMax: "max deviation",
  deviationMean: "mean deviation",
};

/** A metric's short name (legends). */
export function metricSymbol(metric: string): string {
  const m = /^plateauEnd(\d+)$/.exec(metric);
  if (m) return `t, end of plateau ${m[1]}`;
  return METRIC_SYMBOLS[metric] ?? metric;
}

/** A metric's title (plateauEnd<m>: the time the curve leaves the plateau at ε_PCA(m)). */
export function metricTitle(metric: string): string {
  const m = /^plateauEnd(\d+)$/.exec(metric);
  if (m) return `time leaving the plateau at ε_PCA(${m[1]})`;
  return METRIC_TITLES[metric] ?? metric;
}

/** An axis value as a label. */
export function valueLabel(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** The axes with more than one value (the ones a figure can show). */
export function varyingAxes(source: SweepSource): string[] {
  return source.axes.filter((a) => a.values.length > 1).map((a) => a.path);
}

/** The label of a row's values on `paths` ("path = value, ..." or, bare, "value, ..."; "" for none). */
export function groupLabel(
  row: Record<string, unknown>,
  paths: readonly string[],
  bare = false,
): string {
  return paths.map((p) => bare ? valueLabel(row[p]) : `${p} = ${valueLabel(row[p])}`).join(", ");
}

/** The labels of every combination of values of `paths`, in the axes' order. */
export function groupLabels(source: SweepSource, paths: readonly string[], bare = false): string[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const p of paths) {
    const values = source.axes.find((a) => a.path === p)!.values;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [p]: v })));
  }
  return combos.map((c) => groupLabel(c, paths, bare));
}

/** Check that `path` names an axis of the source. */
export function checkAxis(source: SweepSource, path: string, param: string): void {
  if (!source.axes.some((a) => a.path === path)) {
    throw new ConfigError(
      param,
      path,
      `an axis of the sweep: ${source.axes.map((a) => a.path).join(", ")}`,
    );
  }
}

/** Ticks of a log colour legend: 1, 2, 5 times powers of ten within [lo, hi] (all of logTicks' when fewer than 3). */
function legendTicks(lo: number, hi: number): number[] {
  const all = logTicks([lo, hi]);
  const few = all.filter((v) =>
    [1, 2, 5].includes(Number((v / 10 ** Math.floor(Math.log10(v))).toPrecision(3)))
  );
  return few.length >= 3 ? few : all;
}

/** Options of {@linkcode sweepHeatmapSpec}. */
export interface SweepHeatmapOptions {
  /** The metric to show (a key of the rows; default "finalOverPCA"). */
  metric?: string;
  /** The axis across (default: the first axis with more than one value). */
  x?: string;
  /** The axis down (default: the next axis with more than one value; none: one row). */
  y?: string;
  /** Figure title (default: the metric over the axes). */
  title?: string;
}

/**
 * A metric of a sweep's rows as a heat map over two axes (x across, y down),
 * the value written in each cell; the other axes with several values give
 * one panel each. A log colour scale is used when the metric is positive and
 * spans more than a decade. Cells whose metric is null are left out (blank).
 *
 * @param source a SweepSummary (or any {@linkcode SweepSource})
 * @param opts metric and axes
 * @throws ConfigError on an unknown metric or axis, or a source without rows
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sweepHeatmapSpec } from "./sweep_heatmap.ts";
 * const spec = sweepHeatmapSpec({
 *   axes: [{ path: "lr", values: [0.5, 1] }, { path: "network.K", values: [1, 2] }],
 *   rows: [
 *     { lr: 0.5, "network.K": 1, finalOverPCA: 1.2 }, { lr: 0.5, "network.K": 2, finalOverPCA: 1.5 },
 *     { lr: 1, "network.K": 1, finalOverPCA: 1.1 }, { lr: 1, "network.K": 2, finalOverPCA: 1.3 },
 *   ],
 * });
 * assert.equal((spec.data as { values: unknown[] }).values.length, 4);
 * ```
 */
export function sweepHeatmapSpec(
  source: SweepSource,
  opts: SweepHeatmapOptions = {},
): VegaLiteSpec {
  if (!Array.isArray(source?.rows) || source.rows.length === 0) {
    throw new ConfigError("rows", source?.rows, "a non-empty array of sweep rows");
  }
  const metric = opts.metric ?? "finalOverPCA";
  const metrics = [...new Set(source.rows.flatMap((r) => Object.keys(r)))]
    .filter((k) => k !== "index" && !source.axes.some((a) => a.path === k));
  if (!metrics.includes(metric)) {
    throw new ConfigError("metric", metric, `a metric of the rows: ${metrics.join(", ")}`);
  }
  const varying = varyingAxes(source);
  const x = opts.x ?? varying[0] ?? source.axes[0].path;
  checkAxis(source, x, "x");
  const y = opts.y ?? varying.find((p) => p !== x);
  if (y !== undefined) checkAxis(source, y, "y");
  if (y === x) throw new ConfigError("y", y, "an axis other than x");
  const rest = varying.filter((p) => p !== x && p !== y);
  const panels = groupLabels(source, rest);
  const values = source.rows
    .filter((r) => typeof r[metric] === "number" && Number.isFinite(r[metric]))
    .map((r) => ({
      x: valueLabel(r[x]),
      y: y === undefined ? "" : valueLabel(r[y]),
      panel: groupLabel(r, rest),
      value: r[metric] as number,
    }));
  const vs = values.map((v) => v.value);
  const logColor = vs.length > 0 && vs.every((v) => v > 0) &&
    maxOf(vs) / minOf(vs) > 10;
  const xValues = source.axes.find((a) => a.path === x)!.values.map(valueLabel);
  const yValues = y === undefined
    ? [""]
    : source.axes.find((a) => a.path === y)!.values.map(valueLabel);
  const cell = Math.max(44, Math.min(90, Math.floor(560 / xValues.length)));
  const enc: Pick<LayerEncoding, "x" | "y"> = {
    x: { field: "x", type: "ordinal", sort: xValues, axis: { title: x, labelAngle: 0 } },
    y: {
      field: "y",
      type: "ordinal",
      sort: yValues,
      axis: y === undefined ? null : { title: y },
    },
  };
  // viridis is dark below the middle of its domain, light above: white digits below, black above
  const lo = minOf(vs), hi = maxOf(vs);
  const middle = logColor ? Math.sqrt(lo * hi) : (lo + hi) / 2;
  const inner: LayerSpec & { layer: LayerSpec[] } = {
    width: { step: cell },
    height: { step: Math.min(cell, 48) },
    layer: [
      {
        mark: { type: "rect", stroke: "#ffffff", strokeWidth: 1 },
        encoding: {
          ...enc,
          color: {
            field: "value",
            type: "quantitative",
            scale: {
              scheme: "viridis",
              ...(logColor ? { type: "log" as const } : { zero: false }),
            },
            legend: {
              title: metricSymbol(metric),
              gradientLength: 140,
              format: "~g",
              ...(logColor ? { values: legendTicks(lo, hi) } : {}),
            },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 11, baseline: "middle" },
        encoding: {
          ...enc,
          text: { field: "value", type: "quantitative", format: ".3~g" },
          color: {
            condition: { test: `datum.value < ${middle}`, value: "#ffffff" },
            value: "#000000",
          },
        },
      },
    ],
  };
  const title = opts.title ?? `${metricTitle(metric)} over ${x}${y ? ` and ${y}` : ""}`;
  return displayable(
    rest.length === 0
      ? {
        $schema: VEGA_LITE_SCHEMA,
        title,
        padding: 12,
        data: { values },
        ...inner,
        config: CONFIG,
      }
      : {
        $schema: VEGA_LITE_SCHEMA,
        title,
        padding: 12,
        data: { values },
        facet: { field: "panel", type: "nominal", sort: panels, header: { title: null } },
        columns: Math.max(1, Math.floor(900 / (cell * xValues.length + 90))),
        spec: inner,
        config: CONFIG,
      },
    "spec",
  );
}
