/**
 * The error curves of every point of a sweep, one panel per value of an
 * axis, the other axes in colour, SGD solid and the theory dashed.
 * @module
 */
import { maxOf, minOf } from "../core/stats.ts";
import { ConfigError } from "../core/errors.ts";
import { CONFIG, PALETTE, SIDE_LEGEND, VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./style.ts";
import { logTicks } from "./_helpers.ts";
import {
  checkAxis,
  groupLabel,
  groupLabels,
  type SweepSource,
  valueLabel,
  varyingAxes,
} from "./sweep_heatmap.ts";
import { displayable } from "../core/display.ts";

/** A sweep with the curves of its points (a `SweepSummary` qualifies). */
export interface SweepCurvesSource extends SweepSource {
  /** One per point, in the order of the rows. */
  curves: ReadonlyArray<{
    times: readonly number[];
    simulation: readonly number[] | null;
    theory: readonly number[] | null;
    /** eps_PCA(0..K) of the point's data: drawn as dashed levels when a panel's points agree. */
    epsPCA?: readonly number[];
  }>;
}

/** Options of {@linkcode sweepCurvesSpec}. */
export interface SweepCurvesOptions {
  /** The axis whose values give the panels (default: the first axis with more than one value). */
  facet?: string;
  /** Figure title (default: "Test error of every point, by <facet>"). */
  title?: string;
  /** Width of one panel in pixels (default 300). */
  width?: number;
}

/**
 * Test error against time (both log scales) for every point of a sweep: one
 * panel per value of the `facet` axis, one colour per combination of the
 * other varying axes (Okabe-Ito up to seven, viridis in axis order beyond),
 * the simulation's mean over seeds solid and the theory dashed. When the
 * curves carry eps_PCA(m) and the points of a panel share their data (the
 * same levels), the levels m = 1, 2, ... are drawn as labelled grey rules.
 *
 * @param source a SweepSummary (or any {@linkcode SweepCurvesSource})
 * @param opts facet axis, title, panel width
 * @throws ConfigError on an unknown axis, or rows and curves that do not match
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sweepCurvesSpec } from "./sweep_curves.ts";
 * const spec = sweepCurvesSpec({
 *   axes: [{ path: "lr", values: [0.5, 1] }],
 *   rows: [{ lr: 0.5 }, { lr: 1 }],
 *   curves: [
 *     { times: [1, 2], simulation: [0.5, 0.4], theory: [0.5, 0.41] },
 *     { times: [1, 2], simulation: [0.5, 0.3], theory: null },
 *   ],
 * });
 * assert.equal((spec.data as { values: unknown[] }).values.length, 6);
 * ```
 */
export function sweepCurvesSpec(
  source: SweepCurvesSource,
  opts: SweepCurvesOptions = {},
): VegaLiteSpec {
  if (!Array.isArray(source?.rows) || source.rows.length === 0) {
    throw new ConfigError("rows", source?.rows, "a non-empty array of sweep rows");
  }
  if (!Array.isArray(source.curves) || source.curves.length !== source.rows.length) {
    throw new ConfigError(
      "curves",
      source.curves?.length,
      `${source.rows.length} curves, one per row`,
    );
  }
  const varying = varyingAxes(source);
  const facet = opts.facet ?? varying[0] ?? source.axes[0].path;
  checkAxis(source, facet, "facet");
  const rest = varying.filter((p) => p !== facet);
  // legend labels are the values only; the legend's title names the axes
  const series = groupLabels(source, rest, true);
  const panels = source.axes.find((a) => a.path === facet)!.values.map((v) =>
    `${facet} = ${valueLabel(v)}`
  );
  const values: Record<string, unknown>[] = [];
  // PCA levels per panel: eps_PCA(m) for m >= 1, when every point of the panel has the same
  // values (points of a larger K have more of them)
  const levels = new Map<string, number[] | null>();
  source.rows.forEach((row, i) => {
    const panel = `${facet} = ${valueLabel(row[facet])}`;
    const e = source.curves[i].epsPCA;
    const have = levels.get(panel);
    if (have === null) return;
    if (!e || e.length < 2) return void levels.set(panel, null);
    if (have === undefined) return void levels.set(panel, [...e]);
    const n = Math.min(have.length, e.length);
    for (let m = 0; m < n; m++) {
      if (Math.abs(have[m] - e[m]) > 1e-12 * Math.abs(e[m])) return void levels.set(panel, null);
    }
    if (e.length > have.length) levels.set(panel, [...e]);
  });
  source.rows.forEach((row, i) => {
    const c = source.curves[i];
    const panel = `${facet} = ${valueLabel(row[facet])}`;
    const s = rest.length ? groupLabel(row, rest, true) : "every point";
    for (const [method, eps] of [["SGD", c.simulation], ["theory", c.theory]] as const) {
      if (!eps) continue;
      c.times.forEach((t, j) => {
        if (t > 0 && eps[j] > 0 && Number.isFinite(eps[j])) {
          values.push({ kind: "curve", panel, series: s, method, t, eps: eps[j] });
        }
      });
    }
  });
  if (values.length === 0) {
    throw new ConfigError(
      "curves",
      "no point to draw",
      "at least one time t > 0 with a positive error",
    );
  }
  const ts = values.map((v) => v.t as number);
  const lowest = minOf(values.map((v) => v.eps as number));
  for (const [panel, e] of levels) {
    e?.forEach((eps, m) => {
      // a level below every curve of the sweep by more than a decade would squash the plots
      if (m > 0 && eps > 0 && eps >= lowest / 10) {
        values.push({ kind: "level", panel, eps, label: `PCA m=${m}` });
      }
    });
  }
  const es = values.map((v) => v.eps as number);
  const yDomain = [minOf(es) / 1.12, maxOf(es) * 1.06];
  const domain = rest.length ? series : ["every point"];
  const color = domain.length <= PALETTE.length
    ? { scale: { domain, range: PALETTE.slice(0, domain.length) } }
    : { scale: { domain, scheme: "viridis" } };
  const methods = [
    ...new Set(values.filter((v) => v.kind === "curve").map((v) => v.method as string)),
  ];
  const width = opts.width ?? 300;
  return displayable({
    $schema: VEGA_LITE_SCHEMA,
    title: opts.title ?? `Test error of every point, one panel per ${facet}`,
    padding: 12,
    data: { values },
    facet: {
      field: "panel",
      type: "ordinal",
      sort: panels,
      header: { title: null },
    },
    columns: Math.max(1, Math.min(panels.length, Math.floor(1000 / (width + 60)))),
    spec: {
      width,
      height: Math.round(width * 0.7),
      encoding: {
        y: {
          field: "eps",
          type: "quantitative",
          scale: { type: "log", domain: yDomain, nice: false },
          axis: { title: "test error ε", format: "~g", values: logTicks(yDomain) },
        },
      },
      layer: [{
        transform: [{ filter: "datum.kind === 'level'" }],
        mark: { type: "rule", color: "#888888", strokeDash: [4, 3], strokeWidth: 1 },
      }, {
        transform: [{ filter: "datum.kind === 'level'" }],
        mark: {
          type: "text",
          align: "right",
          baseline: "bottom",
          dx: -3,
          dy: -2,
          fontSize: 10,
          color: "#555555",
        },
        encoding: { x: { value: "width" }, text: { field: "label" } },
      }, {
        transform: [{ filter: "datum.kind === 'curve'" }],
        mark: { type: "line", strokeWidth: 1.6, clip: true },
        encoding: {
          x: {
            field: "t",
            type: "quantitative",
            scale: { type: "log", domain: [minOf(ts), maxOf(ts)], nice: false },
            axis: { title: "time t = steps / D", format: "~g", values: logTicks(ts) },
          },
          color: {
            field: "series",
            type: "nominal",
            ...color,
            legend: rest.length
              ? { ...SIDE_LEGEND, title: rest.join(", "), titleLimit: 420, labelLimit: 420 }
              : null,
          },
          strokeDash: {
            field: "method",
            type: "nominal",
            scale: { domain: ["SGD", "theory"], range: [[1, 0], [6, 3]] },
            legend: methods.length > 1 ? SIDE_LEGEND : null,
          },
          detail: { field: "series" },
        },
      }],
    },
    config: CONFIG,
  }, "spec");
}
