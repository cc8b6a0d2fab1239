/**
 * The error curve: test error eps against time t = steps / D on a log time
 * axis, simulations and theory overlaid, with the spread over seeds and the
 * PCA errors eps_PCA(m) as dashed rules.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import {
  CONFIG,
  DASHES,
  type LayerEncoding,
  type LayerSpec,
  PALETTE,
  SIDE_LEGEND,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./style.ts";
import { cycle, logTicks, positive, timeAxis, timeEncoding, tint, titleOf } from "./_helpers.ts";
import { displayable } from "../core/display.ts";
import { maxOf, minOf } from "../core/stats.ts";

/**
 * What {@linkcode errorCurveSpec} reads from a result: its kind, the recorded
 * times, the mean, spread and per-run test errors, and the PCA errors. A
 * `CurveResult` (of `simulate` or `theory`) qualifies.
 */
export interface ErrorCurveSource {
  /**
   * The default legend name; "theory" also puts open circles on the mean
   * curve and picks its stroke dash under `variants`.
   */
  kind: "simulation" | "theory";
  /** Recorded times t = steps / D. */
  times: number[];
  /** Test error, mean over runs, one per time. */
  eps: number[];
  /** Standard deviation of the test error over runs, one per time. */
  epsStd: number[];
  /** Smallest test error over runs, one per time. */
  epsMin: number[];
  /** Largest test error over runs, one per time. */
  epsMax: number[];
  /** The runs: seed and test error at each recorded time. */
  runs: ReadonlyArray<{ seed: number; eps: number[] }>;
  /** PCA errors eps_PCA(m) for m = 0..K. */
  pca: { epsPCA: number[] };
}

/** Options of {@linkcode errorCurveSpec}. */
export interface ErrorCurveOptions {
  /** Legend name of each result (default: its kind, numbered when kinds repeat). */
  labels?: string[];
  /**
   * Spread over runs, drawn for results with two runs or more: "runs" one thin
   * line per seed (default), "minmax" a band from the smallest to the largest
   * error, "std" a band mean ± standard deviation, "none" only the mean.
   */
  spread?: "runs" | "minmax" | "std" | "none";
  /** Scale of the test-error axis (default "log"). */
  yScale?: "log" | "linear";
  /**
   * Dashed rules at eps_PCA(m), from the first result's `pca`: true for
   * m = 1..K (default), false for none, or the list of m to draw.
   */
  pcaLevels?: boolean | number[];
  /** Figure title (default none). */
  title?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
  /** Plot height in pixels (default 340). */
  height?: number;
  /**
   * One group name per result (e.g. the network variant): colour then shows
   * the group and the stroke dash whether a curve is SGD or the theory, with
   * the legends beside the plot.
   */
  variants?: string[];
}

/**
 * Test error eps against time t = steps / D on a logarithmic time axis: the
 * mean over runs of each result as a thick line, the spread over runs as thin
 * per-seed lines or a band, several results overlaid (each with its own colour
 * and stroke dash) and dashed rules at the PCA errors eps_PCA(m).
 *
 * Points with t <= 0 (log time axis), with eps <= 0 on a log error axis, or
 * that are not finite, are left out.
 *
 * @param results one result or several to overlay (simulation and theory):
 *   `CurveResult`s, or any {@linkcode ErrorCurveSource}.
 * @param opts labels, spread, scale and size; see {@linkcode ErrorCurveOptions}.
 * @returns a layered Vega-Lite specification, 560 x 340 pixels by default.
 * @throws ConfigError on no results, series whose lengths differ from
 *   `times`, labels that do not match the results, or no positive time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorCurveSpec, type ErrorCurveSource } from "./error_curve.ts";
 * const theory: ErrorCurveSource = {
 *   kind: "theory", runs: [], times: [1, 10, 100], eps: [0.5, 0.3, 0.1], epsStd: [0, 0, 0],
 *   epsMin: [0.5, 0.3, 0.1], epsMax: [0.5, 0.3, 0.1], pca: { epsPCA: [0.5, 0.3, 0.1] },
 * };
 * const spec = errorCurveSpec(theory);
 * // a Vega-Lite v6 specification of layers (the mean curve, the PCA rules and their labels)
 * assert.match(spec.$schema ?? "", /v6\.json$/);
 * assert.ok("layer" in spec && spec.layer.length >= 2);
 * ```
 */
export function errorCurveSpec(
  results: ErrorCurveSource[] | ErrorCurveSource,
  opts: ErrorCurveOptions = {},
): VegaLiteSpec {
  const list = Array.isArray(results) ? results : [results];
  const { labels, spread, logY } = checkedOptions(list, opts);
  const rows = curveRows(list, labels, spread, logY, opts.variants);
  const pcaRows = pcaLevelRows(list[0], opts.pcaLevels ?? true, logY);
  if (rows.mean.length === 0) {
    throw new ConfigError(
      "results",
      "no point to draw",
      `at least one time t > 0 with a finite${logY ? ", positive" : ""} error`,
    );
  }
  const ts = rows.mean.map((r) => r.t);
  // the axis starts at a round time at or below the first and ends at the last, labelled
  const time = timeAxis(ts);
  // A log error axis spans the data and the rules only (no rounding to decades), widened where
  // a rule's label needs room inside the plot.
  const levels = [rows.mean, rows.runs, pcaRows].flatMap((rs) => rs.map((r) => r.eps))
    .concat(rows.band.flatMap((r) => [r.lo, r.hi]));
  const width = positive("width", opts.width ?? 560);
  const height = positive("height", opts.height ?? 340);
  const placed = placeLabels(
    pcaRows,
    [...rows.mean, ...rows.runs],
    time.domain,
    levels,
    logY,
    width,
    height,
  );
  const enc = encodings(labels, opts.variants, time, placed.domain, logY, spread, rows);
  return displayable({
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: titleOf(opts.title, width) } : {}),
    width,
    height,
    padding: 12,
    layer: [
      ...curveLayers(list, labels, rows, enc),
      ...pcaLayers(pcaRows, placed, enc),
    ],
    config: CONFIG,
  } as VegaLiteSpec, "spec");
}

// ---------------------------------------------------------------- parts

/** How the spread over runs is drawn. */
type Spread = NonNullable<ErrorCurveOptions["spread"]>;

/** A point of a result's mean curve. */
interface MeanRow {
  series: string;
  t: number;
  eps: number;
  variant: string;
  method: "theory" | "SGD";
}

/** A point of one run's curve. */
interface RunRow {
  series: string;
  run: string;
  t: number;
  eps: number;
}

/** A point of a result's band of spread. */
interface BandRow {
  series: string;
  t: number;
  lo: number;
  hi: number;
}

/** A PCA rule: eps_PCA(m) and its label. */
interface PcaRow {
  m: number;
  label: string;
  eps: number;
}

/** The rows of every curve. */
interface CurveRows {
  mean: MeanRow[];
  runs: RunRow[];
  band: BandRow[];
}

/** A layer's encoding (x, y, colour, dash), as Vega-Lite types it. */
type Encoding = LayerEncoding;

/** The encodings the layers share. */
interface Encodings {
  x: Encoding["x"];
  y: (field: string) => Encoding["y"];
  color: Encoding["color"];
  meanColor: Encoding["color"];
  meanDash: Encoding["strokeDash"];
  /** The colour of result j's curve. */
  colourOf: (j: number) => string;
}

/** The results' labels, the spread and the error scale, checked. */
function checkedOptions(
  list: ErrorCurveSource[],
  opts: ErrorCurveOptions,
): { labels: string[]; spread: Spread; logY: boolean } {
  if (list.length === 0) {
    throw new ConfigError("results", [], "at least one CurveResult");
  }
  list.forEach(validateCurve);
  const labels = opts.labels ?? defaultLabels(list);
  if (labels.length !== list.length || new Set(labels).size !== labels.length) {
    throw new ConfigError(
      "labels",
      labels,
      `${list.length} distinct names, one per result`,
    );
  }
  const spread = opts.spread ?? "runs";
  if (!["runs", "minmax", "std", "none"].includes(spread)) {
    throw new ConfigError("spread", spread, `"runs", "minmax", "std" or "none"`);
  }
  const yScale = opts.yScale ?? "log";
  if (yScale !== "log" && yScale !== "linear") {
    throw new ConfigError("yScale", yScale, `"log" or "linear"`);
  }
  if (opts.variants !== undefined && opts.variants.length !== list.length) {
    throw new ConfigError("variants", opts.variants, `${list.length} names, one per result`);
  }
  return { labels, spread, logY: yScale === "log" };
}

/** The drawable points of every result: means, runs or bands (log axes: positive only). */
function curveRows(
  list: ErrorCurveSource[],
  labels: string[],
  spread: Spread,
  logY: boolean,
  variants: string[] | undefined,
): CurveRows {
  const keep = (t: number, e: number) =>
    t > 0 && Number.isFinite(t) && Number.isFinite(e) && (!logY || e > 0);
  const out: CurveRows = { mean: [], runs: [], band: [] };
  list.forEach((r, j) => {
    const series = labels[j];
    r.times.forEach((t, i) => {
      if (keep(t, r.eps[i])) {
        out.mean.push({
          series,
          t,
          eps: r.eps[i],
          variant: variants?.[j] ?? series,
          method: r.kind === "theory" ? "theory" : "SGD",
        });
      }
    });
    if (r.runs.length < 2 || spread === "none") return;
    if (spread === "runs") {
      r.runs.forEach((run, s) => {
        const id = `${series}, seed ${run.seed} (#${s + 1})`;
        run.eps.forEach((e, i) => {
          if (keep(r.times[i], e)) out.runs.push({ series, run: id, t: r.times[i], eps: e });
        });
      });
      return;
    }
    r.times.forEach((t, i) => {
      let lo = spread === "std" ? r.eps[i] - r.epsStd[i] : r.epsMin[i];
      const hi = spread === "std" ? r.eps[i] + r.epsStd[i] : r.epsMax[i];
      if (logY && lo <= 0) lo = r.epsMin[i];
      if (keep(t, lo) && keep(t, hi)) out.band.push({ series, t, lo, hi });
    });
  });
  return out;
}

/** The axes, colours and dashes: by result, or by variant and method under `variants`. */
function encodings(
  labels: string[],
  variants: string[] | undefined,
  time: { domain: [number, number]; values: number[] },
  yDomain: number[],
  logY: boolean,
  spread: Spread,
  rows: CurveRows,
): Encodings {
  const n = labels.length;
  const x: Encoding["x"] = timeEncoding(time);
  const y = (field: string): Encoding["y"] => ({
    field,
    type: "quantitative",
    scale: logY
      ? { type: "log", domain: yDomain, nice: false }
      : { type: "linear", zero: true, domain: yDomain },
    axis: {
      title: "test error ε",
      ...(logY ? { format: "~g", values: logTicks(yDomain) } : {}),
    },
  });
  const spreadNote = {
    runs: "thin lines: single seeds",
    minmax: "band: min–max over seeds",
    std: "band: mean ± std over seeds",
    none: null,
  }[spread];
  const hasSpread = rows.runs.length + rows.band.length > 0;
  const legend = {
    title: hasSpread ? spreadNote : null,
    titleFontSize: 11,
    titleColor: "#555555",
    titleLimit: 300,
    symbolOpacity: 1,
    labelLimit: 300,
    orient: "bottom-left",
    fillColor: "white",
    strokeColor: "#cccccc",
    padding: 6,
    symbolType: "stroke",
    symbolSize: 400,
    symbolStrokeWidth: 2.5,
  } as const;
  const color: Encoding["color"] = {
    field: "series",
    type: "nominal",
    scale: { domain: labels, range: cycle(PALETTE, n) },
    legend,
  };
  const strokeDash: Encoding["strokeDash"] = {
    field: "series",
    type: "nominal",
    scale: { domain: labels, range: cycle(DASHES, n) },
    legend,
  };
  const groups = variants ? [...new Set(variants)] : [];
  return {
    x,
    y,
    color,
    meanColor: variants
      ? {
        field: "variant",
        type: "nominal",
        scale: { domain: groups, range: cycle(PALETTE, groups.length) },
        legend: SIDE_LEGEND,
      }
      : color,
    meanDash: variants
      ? {
        field: "method",
        type: "nominal",
        scale: { domain: ["SGD", "theory"], range: [[1, 0], [6, 3]] },
        legend: SIDE_LEGEND,
      }
      : strokeDash,
    colourOf: (j) => PALETTE[(variants ? groups.indexOf(variants[j]) : j) % PALETTE.length],
  };
}

/** The layers of the curves: bands, runs, means, and open circles on the theory's means. */
function curveLayers(
  list: ErrorCurveSource[],
  labels: string[],
  rows: CurveRows,
  enc: Encodings,
): LayerSpec[] {
  const { x, y, color } = enc;
  const layer: LayerSpec[] = [];
  if (rows.band.length > 0) {
    layer.push({
      data: { values: rows.band },
      mark: { type: "area", opacity: 0.2, line: false },
      encoding: {
        x,
        y: y("lo"),
        y2: { field: "hi" },
        color,
      },
    });
  }
  // one layer of single seeds per result, in an opaque tint of its colour: crossing seeds of two
  // results blend into no third colour
  labels.forEach((label, j) => {
    const mine = rows.runs.filter((r) => r.series === label);
    if (mine.length === 0) return;
    layer.push({
      data: { values: mine },
      mark: { type: "line", strokeWidth: 0.9, clip: true, color: tint(enc.colourOf(j), 0.55) },
      encoding: { x, y: y("eps"), detail: { field: "run", type: "nominal" } },
    });
  });
  layer.push({
    data: { values: rows.mean },
    mark: { type: "line", strokeWidth: 2.2, clip: true },
    encoding: { x, y: y("eps"), color: enc.meanColor, strokeDash: enc.meanDash },
  });
  // theory curves also get open circles on top, visible where they lie on an SGD curve;
  // a fixed colour per curve keeps them out of the legend
  list.forEach((r, j) => {
    if (r.kind !== "theory") return;
    const mine = rows.mean.filter((row) => row.series === labels[j]);
    if (mine.length === 0) return;
    layer.push({
      data: { values: mine },
      mark: {
        type: "point",
        filled: false,
        size: 22,
        strokeWidth: 1.2,
        color: enc.colourOf(j),
        clip: true,
      },
      encoding: { x, y: y("eps") },
    });
  });
  return layer;
}

/** The PCA rules and their labels, inside the plot at its right edge. */
function pcaLayers(
  pcaRows: PcaRow[],
  placed: { below: PcaRow[]; above: PcaRow[] },
  enc: Encodings,
): LayerSpec[] {
  if (pcaRows.length === 0) return [];
  const layer: LayerSpec[] = [{
    data: { values: pcaRows },
    mark: { type: "rule", strokeDash: [5, 4], color: "#666666", strokeWidth: 1 },
    encoding: { y: enc.y("eps") },
  }];
  // below their rule or, where a curve passes there, above it
  for (const [rows, below] of [[placed.below, true], [placed.above, false]] as const) {
    if (rows.length === 0) continue;
    layer.push({
      data: { values: rows },
      mark: {
        type: "text",
        align: "right",
        baseline: below ? "top" : "bottom",
        dx: -4,
        dy: below ? 3 : -3,
        fontSize: LABEL_FONT,
        color: "#444444",
      },
      encoding: { x: { value: "width" }, y: enc.y("eps"), text: { field: "label" } },
    });
  }
  return layer;
}

// ---------------------------------------------------------------- helpers

/** Font size of the rules' labels (pixels). */
const LABEL_FONT = 11;

/**
 * Where each rule's label goes (below its rule unless a curve passes there
 * near the right edge, then above) and the error axis's domain, widened so
 * that every label lies inside the plot.
 */
function placeLabels(
  rules: PcaRow[],
  curves: { t: number; eps: number }[],
  ts: number[],
  levels: number[],
  logY: boolean,
  width: number,
  height: number,
): { domain: number[]; below: PcaRow[]; above: PcaRow[] } {
  const pos = (e: number) => (logY ? Math.log10(e) : e);
  let lo = logY ? minOf(levels) / 1.12 : 0;
  let hi = logY ? maxOf(levels) * 1.06 : maxOf(levels);
  const tLo = Math.log(minOf(ts)), tHi = Math.log(maxOf(ts));
  // the curves' values under the labels (the estimated width of "PCA m=10" from the right edge)
  const labelPx = 0.8 * LABEL_FONT * 9 + 8;
  const xPx = (t: number) => tHi > tLo ? (width * (Math.log(t) - tLo)) / (tHi - tLo) : width;
  const under = curves.filter((r) => xPx(r.t) >= width - labelPx).map((r) => pos(r.eps));
  const below: PcaRow[] = [], above: PcaRow[] = [];
  // a label's height in axis units (3 px gap + the font), at the current domain
  const band = () => ((LABEL_FONT + 5) / height) * (pos(hi) - pos(lo));
  for (const r of rules) {
    const y = pos(r.eps);
    const b = band();
    const hits = (a: number, z: number) => under.filter((v) => v >= a && v <= z).length;
    const room = logY || y - b >= 0; // a linear axis starts at 0: no label below it
    (room && hits(y - b, y) <= hits(y, y + b) ? below : above).push(r);
  }
  // widen the domain until every label fits (the band grows with the domain: a few passes)
  for (let pass = 0; pass < 4; pass++) {
    const b = band();
    const need = [
      ...below.map((r) => pos(r.eps) - b),
      ...above.map((r) => pos(r.eps) + b),
    ];
    const newLo = Math.min(pos(lo), ...need), newHi = Math.max(pos(hi), ...need);
    const inv = (v: number) => (logY ? 10 ** v : v);
    if (newLo >= pos(lo) && newHi <= pos(hi)) break;
    lo = inv(newLo);
    hi = inv(newHi);
  }
  return { domain: [lo, hi], below, above };
}

/** Check that result j has matching times, errors, runs and PCA errors. */
function validateCurve(r: ErrorCurveSource, j: number): void {
  const at = `results[${j}]`;
  if (!r || typeof r !== "object") throw new ConfigError(at, r, "a CurveResult");
  if (!Array.isArray(r.times) || r.times.length === 0) {
    throw new ConfigError(`${at}.times`, r.times, "a non-empty array of times");
  }
  const n = r.times.length;
  for (const key of ["eps", "epsStd", "epsMin", "epsMax"] as const) {
    const v = r[key];
    if (!Array.isArray(v) || v.length !== n) {
      throw new ConfigError(
        `${at}.${key}.length`,
        Array.isArray(v) ? v.length : v,
        `${n}, one value per recorded time`,
      );
    }
  }
  if (!Array.isArray(r.runs)) throw new ConfigError(`${at}.runs`, r.runs, "an array of runs");
  r.runs.forEach((run, s) => {
    if (!Array.isArray(run?.eps) || run.eps.length !== n) {
      throw new ConfigError(
        `${at}.runs[${s}].eps.length`,
        Array.isArray(run?.eps) ? run.eps.length : run?.eps,
        `${n}, one value per recorded time`,
      );
    }
  });
  if (!Array.isArray(r.pca?.epsPCA)) {
    throw new ConfigError(`${at}.pca.epsPCA`, r.pca?.epsPCA, "an array eps_PCA(0..K)");
  }
}

/** Each result's kind, numbered by position when kinds repeat. */
function defaultLabels(list: ErrorCurveSource[]): string[] {
  const kinds = list.map((r) => String(r.kind));
  return kinds.map((k, j) => kinds.filter((x) => x === k).length > 1 ? `${k} ${j + 1}` : k);
}

/** Rows of the PCA rules: eps_PCA(m) for the requested m, drawable on the axis. */
function pcaLevelRows(
  r: ErrorCurveSource,
  levels: boolean | number[],
  logY: boolean,
): PcaRow[] {
  const K = r.pca.epsPCA.length - 1;
  let ms: number[];
  if (levels === true) ms = Array.from({ length: Math.max(0, K) }, (_, i) => i + 1);
  else if (levels === false) ms = [];
  else {
    ms = levels;
    for (const m of ms) {
      if (!Number.isInteger(m) || m < 0 || m > K) {
        throw new ConfigError("pcaLevels", levels, `integers m from 0 to K = ${K}`);
      }
    }
  }
  return ms
    .map((m) => ({ m, label: `PCA m=${m}`, eps: r.pca.epsPCA[m] }))
    .filter((row) => Number.isFinite(row.eps) && (!logY || row.eps > 0));
}
