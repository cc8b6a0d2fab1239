/**
 * Figures as data: pure functions from results to Vega-Lite v6 specifications
 * (plain JSON objects with the data inlined as `values`). Nothing here touches
 * `Deno`, the file system or the DOM, so the same module runs in a browser;
 * `render.ts` turns a specification into SVG.
 *
 * Colours come from the Okabe-Ito palette and every series is also told apart
 * by its stroke dash, so the figures survive grey-scale printing.
 * @module
 */
import type { CurveResult, OrderParameters } from "../problem/types.ts";
import { ConfigError } from "../core/errors.ts";

/** A Vega-Lite v6 top-level specification, as plain JSON. */
export type VegaLiteSpec = { $schema: string } & Record<string, unknown>;

/** The Vega-Lite schema every specification here declares. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Okabe-Ito colours, distinct for colour-blind readers. */
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
/** Stroke dashes paired with the palette: solid, dashed, dotted, dash-dot, ... */
const DASHES = [[1, 0], [8, 4], [2, 3], [10, 3, 2, 3], [4, 2], [14, 4], [1, 3]];
/** Diverging colours with monotone lightness (dark blue, grey, light yellow). */
const DIVERGING = ["#0b1f4b", "#3a6ea5", "#a6a6a6", "#e6b84f", "#fff7d6"];
const AXIS_CONFIG = {
  labelFontSize: 12,
  titleFontSize: 13,
  titleFontWeight: "normal",
  gridColor: "#e6e6e6",
};
const LINE_LEGEND = {
  title: null,
  orient: "top",
  symbolType: "stroke",
  symbolSize: 400,
  symbolStrokeWidth: 2,
  labelLimit: 400,
  gridAlign: "none",
  columnPadding: 24,
};
const CONFIG = {
  axis: AXIS_CONFIG,
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: "normal" },
  header: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: "normal" },
  title: { fontSize: 14, fontWeight: "normal", anchor: "start" },
  view: { stroke: "#bbbbbb" },
};

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
 * @param results one result or several to overlay (simulation and theory).
 * @param opts labels, spread, scale and size; see {@linkcode ErrorCurveOptions}.
 * @returns a layered Vega-Lite specification, 560 x 340 pixels by default.
 * @throws ConfigError on no results, series whose lengths differ from
 *   `times`, labels that do not match the results, or no positive time.
 *
 * @example
 * ```ts
 * import { errorCurveSpec } from "./plot.ts";
 * import type { CurveResult } from "../problem/types.ts";
 * const theory: CurveResult = {
 *   kind: "theory", version: "0.1.0", config: {}, seconds: 0, runs: [],
 *   times: [1, 10, 100], eps: [0.5, 0.3, 0.1], epsStd: [0, 0, 0],
 *   epsMin: [0.5, 0.3, 0.1], epsMax: [0.5, 0.3, 0.1],
 *   pca: { traceOverD: 1, eigenvalues: [0.4, 0.3], epsPCA: [0.5, 0.3, 0.1] },
 * };
 * const spec = errorCurveSpec(theory);
 * if (!(spec.$schema.endsWith("v6.json"))) throw new Error("example failed");
 * ```
 */
export function errorCurveSpec(
  results: CurveResult[] | CurveResult,
  opts: ErrorCurveOptions = {},
): VegaLiteSpec {
  const list = Array.isArray(results) ? results : [results];
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
  const logY = yScale === "log";
  const keep = (t: number, e: number) =>
    t > 0 && Number.isFinite(t) && Number.isFinite(e) && (!logY || e > 0);

  const meanRows: Record<string, unknown>[] = [];
  const runRows: Record<string, unknown>[] = [];
  const bandRows: Record<string, unknown>[] = [];
  list.forEach((r, j) => {
    const series = labels[j];
    r.times.forEach((t, i) => {
      if (keep(t, r.eps[i])) {
        meanRows.push({
          series,
          t,
          eps: r.eps[i],
          variant: opts.variants?.[j] ?? series,
          method: r.kind === "theory" ? "theory" : "SGD",
        });
      }
    });
    if (r.runs.length < 2 || spread === "none") return;
    if (spread === "runs") {
      r.runs.forEach((run, s) => {
        const id = `${series}, seed ${run.seed} (#${s + 1})`;
        run.eps.forEach((e, i) => {
          if (keep(r.times[i], e)) runRows.push({ series, run: id, t: r.times[i], eps: e });
        });
      });
      return;
    }
    r.times.forEach((t, i) => {
      let lo = spread === "std" ? r.eps[i] - r.epsStd[i] : r.epsMin[i];
      const hi = spread === "std" ? r.eps[i] + r.epsStd[i] : r.epsMax[i];
      if (logY && lo <= 0) lo = r.epsMin[i];
      if (keep(t, lo) && keep(t, hi)) bandRows.push({ series, t, lo, hi });
    });
  });
  const pcaRows = pcaLevelRows(list[0], opts.pcaLevels ?? true, logY);
  if (meanRows.length === 0) {
    throw new ConfigError(
      "results",
      "no point to draw",
      `at least one time t > 0 with a finite${logY ? ", positive" : ""} error`,
    );
  }

  const n = labels.length;
  const yTitle = "test error ε";
  const ts = meanRows.map((r) => r.t as number);
  const x = {
    field: "t",
    type: "quantitative",
    scale: { type: "log" },
    axis: { title: "time t = steps / D", format: "~g", values: logTicks(ts) },
  };
  // A log error axis spans the data and the rules only (no rounding to decades).
  const levels = [meanRows, runRows, pcaRows].flatMap((rows) => rows.map((r) => r.eps as number))
    .concat(bandRows.flatMap((r) => [r.lo as number, r.hi as number]));
  const yDomain = [Math.min(...levels) / 1.12, Math.max(...levels) * 1.06];
  const y = (field: string) => ({
    field,
    type: "quantitative",
    scale: logY ? { type: "log", domain: yDomain, nice: false } : { type: "linear", zero: true },
    axis: {
      title: yTitle,
      ...(logY ? { format: "~g", values: logTicks(yDomain) } : {}),
    },
  });
  const spreadNote = {
    runs: "thin lines: single seeds",
    minmax: "band: min–max over seeds",
    std: "band: mean ± std over seeds",
    none: null,
  }[spread];
  const hasSpread = runRows.length + bandRows.length > 0;
  const color = {
    field: "series",
    type: "nominal",
    scale: { domain: labels, range: cycle(PALETTE, n) },
    legend: {
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
    },
  };
  const strokeDash = {
    field: "series",
    type: "nominal",
    scale: { domain: labels, range: cycle(DASHES, n) },
    legend: color.legend,
  };
  if (opts.variants !== undefined && opts.variants.length !== list.length) {
    throw new ConfigError("variants", opts.variants, `${list.length} names, one per result`);
  }
  const groups = opts.variants ? [...new Set(opts.variants)] : [];
  const side = {
    orient: "right",
    title: null,
    labelLimit: 300,
    symbolType: "stroke",
    symbolSize: 400,
    symbolStrokeWidth: 2.5,
  };
  const meanColor = opts.variants
    ? {
      field: "variant",
      type: "nominal",
      scale: { domain: groups, range: cycle(PALETTE, groups.length) },
      legend: side,
    }
    : color;
  const meanDash = opts.variants
    ? {
      field: "method",
      type: "nominal",
      scale: { domain: ["SGD", "theory"], range: [[1, 0], [6, 3]] },
      legend: side,
    }
    : strokeDash;

  const layer: Record<string, unknown>[] = [];
  if (bandRows.length > 0) {
    layer.push({
      data: { values: bandRows },
      mark: { type: "area", opacity: 0.2, line: false },
      encoding: {
        x,
        y: y("lo"),
        y2: { field: "hi" },
        color,
      },
    });
  }
  if (runRows.length > 0) {
    layer.push({
      data: { values: runRows },
      mark: { type: "line", strokeWidth: 0.8, opacity: 0.45, clip: true },
      encoding: { x, y: y("eps"), detail: { field: "run", type: "nominal" }, color },
    });
  }
  layer.push({
    data: { values: meanRows },
    mark: { type: "line", strokeWidth: 2.2, clip: true },
    encoding: { x, y: y("eps"), color: meanColor, strokeDash: meanDash },
  });
  // theory curves also get open circles on top, visible where they lie on an SGD curve;
  // a fixed colour per curve keeps them out of the legend
  const colourOf = (j: number) => {
    const key = opts.variants ? groups.indexOf(opts.variants[j]) : j;
    return PALETTE[key % PALETTE.length];
  };
  list.forEach((r, j) => {
    if (r.kind !== "theory") return;
    const rows = meanRows.filter((row) => row.series === labels[j]);
    if (rows.length === 0) return;
    layer.push({
      data: { values: rows },
      mark: {
        type: "point",
        filled: false,
        size: 22,
        strokeWidth: 1.2,
        color: colourOf(j),
        clip: true,
      },
      encoding: { x, y: y("eps") },
    });
  });
  if (pcaRows.length > 0) {
    layer.push({
      data: { values: pcaRows },
      mark: { type: "rule", strokeDash: [5, 4], color: "#666666", strokeWidth: 1 },
      encoding: { y: y("eps") },
    });
    layer.push({
      data: { values: pcaRows },
      mark: {
        type: "text",
        align: "right",
        baseline: "top",
        dx: -4,
        dy: 3,
        fontSize: 11,
        color: "#444444",
      },
      encoding: { x: { value: "width" }, y: y("eps"), text: { field: "label" } },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: { text: opts.title, limit: opts.width ?? 560 } } : {}),
    width: positive("width", opts.width ?? 560),
    height: positive("height", opts.height ?? 340),
    padding: 12,
    layer,
    config: CONFIG,
  };
}

/** Options of {@linkcode componentsSpec}. */
export interface ComponentsOptions {
  /** Name of the learned vectors in titles and legend (default "w"). */
  name?: string;
  /**
   * Which component each vector is drawn with: "best" the one of largest
   * |cos| (default), "index" vector k with component k.
   */
  match?: "best" | "index";
  /** Width of one panel in pixels (default 560). */
  width?: number;
  /** Height of one panel in pixels (default 110). */
  height?: number;
  /** Figure title (default none). */
  title?: string;
}

/**
 * Learned weight vectors on top of the principal components they overlap
 * with, as line plots against the input coordinate i, one panel per unit.
 * Both vectors are rescaled to unit norm and the learned one is flipped so
 * that its overlap with its component is positive; the panel header gives
 * the component and |cos|.
 *
 * @param vectors learned rows (encoder W or decoder V of a snapshot), K x D.
 * @param components principal components, M x D (any norm, any sign).
 * @param opts names, matching rule and size; see {@linkcode ComponentsOptions}.
 * @returns a faceted Vega-Lite specification, K panels in one column.
 * @throws ConfigError on empty inputs, rows of different lengths, or
 *   `match: "index"` with fewer components than vectors.
 *
 * @example
 * ```ts
 * import { componentsSpec } from "./plot.ts";
 * const spec = componentsSpec([[0, -2, 0, 0]], [[1, 0, 0, 0], [0, 1, 0, 0]]);
 * const rows = (spec.data as { values: { i: number; value: number; curve: string }[] }).values;
 * const w2 = rows.find((r) => r.i === 2 && r.curve.startsWith("learned"));
 * if (!(w2?.value === 1)) throw new Error("example failed"); // matched with m = 2, flipped and rescaled
 * ```
 */
export function componentsSpec(
  vectors: ReadonlyArray<ArrayLike<number>>,
  components: ReadonlyArray<ArrayLike<number>>,
  opts: ComponentsOptions = {},
): VegaLiteSpec {
  const name = opts.name ?? "w";
  const pairs = matchComponents(vectors, components, opts.match ?? "best");
  const learned = `learned ${name}ᵏ (unit norm, sign-aligned)`;
  const pc = "principal component eₘ";
  const values: Record<string, unknown>[] = [];
  const panels: string[] = [];
  for (const p of pairs) {
    const panel = `unit k = ${p.k + 1} · component m = ${p.m + 1} · |cos| = ${p.cos.toFixed(2)}`;
    panels.push(panel);
    for (let i = 0; i < p.w.length; i++) {
      values.push({ panel, i: i + 1, value: p.w[i], curve: learned });
      values.push({ panel, i: i + 1, value: p.e[i], curve: pc });
    }
  }
  const width = positive("width", opts.width ?? 560);
  const height = positive("height", opts.height ?? 110);
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: { text: opts.title, limit: opts.width ?? 560 } } : {}),
    padding: 12,
    data: { values },
    facet: {
      field: "panel",
      type: "nominal",
      sort: panels,
      header: { title: null, labelAnchor: "start", labelFontSize: 12 },
    },
    columns: 1,
    spec: {
      width,
      height,
      mark: { type: "line", strokeWidth: 1.6 },
      encoding: {
        x: {
          field: "i",
          type: "quantitative",
          scale: { nice: false, zero: false },
          axis: { title: "input coordinate i", format: "d" },
        },
        y: {
          field: "value",
          type: "quantitative",
          axis: { title: "value (unit norm)", tickCount: 4 },
        },
        color: {
          field: "curve",
          type: "nominal",
          scale: { domain: [learned, pc], range: [PALETTE[0], "#222222"] },
          legend: LINE_LEGEND,
        },
        strokeDash: {
          field: "curve",
          type: "nominal",
          scale: { domain: [learned, pc], range: [DASHES[0], [5, 3]] },
          legend: LINE_LEGEND,
        },
      },
    },
    config: CONFIG,
  };
}

/** Options of {@linkcode imageGridSpec}. */
export interface ImageGridOptions {
  /** Height and width of one image in pixels, [h, w] with h * w = D. */
  imageShape: [number, number];
  /** Screen pixels per image pixel (default: images about 90 pixels wide). */
  pixelSize?: number;
  /** Name of the learned vectors in the row header (default "w"). */
  name?: string;
  /** Figure title (default none). */
  title?: string;
}

/**
 * Learned weight vectors and principal components shown as images: a grid
 * of heatmaps, the K learned vectors in the first row and the M eigen-images
 * in the second. Every image is rescaled to unit norm, each learned vector is
 * sign-aligned with the component it overlaps most with, and one diverging
 * colour scale of monotone lightness (dark = negative, light = positive)
 * serves them all. Pixel (r, c) of row-major input coordinate i = r w + c.
 *
 * @param vectors learned rows (W or V of a snapshot), K x D.
 * @param components principal components, M x D.
 * @param opts `imageShape` [h, w] with h * w = D, and sizes; see
 *   {@linkcode ImageGridOptions}.
 * @returns a Vega-Lite specification: two rows (learned / components) of
 *   images, one column per index.
 * @throws ConfigError on empty inputs, rows of different lengths, or an
 *   `imageShape` that does not multiply to D.
 *
 * @example
 * ```ts
 * import { imageGridSpec } from "./plot.ts";
 * const spec = imageGridSpec([[1, 0, 0, 1]], [[1, 0, 0, 1]], { imageShape: [2, 2] });
 * if (!((spec.data as { values: unknown[] }).values.length === 8)) throw new Error("example failed");
 * ```
 */
export function imageGridSpec(
  vectors: ReadonlyArray<ArrayLike<number>>,
  components: ReadonlyArray<ArrayLike<number>>,
  opts: ImageGridOptions,
): VegaLiteSpec {
  const { D } = checkRows("vectors", vectors);
  checkRows("components", components, D);
  const shape = opts?.imageShape;
  if (
    !Array.isArray(shape) || shape.length !== 2 || !shape.every((s) => Number.isInteger(s) && s > 0)
  ) {
    throw new ConfigError("imageShape", shape, "[h, w], two positive integers");
  }
  const [h, w] = shape;
  if (h * w !== D) {
    throw new ConfigError("imageShape", shape, `[h, w] with h * w = D = ${D}`);
  }
  const px = opts.pixelSize ?? Math.max(1, Math.round(100 / Math.max(h, w)));
  positive("pixelSize", px);
  const name = opts.name ?? "w";
  const pairs = matchComponents(vectors, components, "best");
  const learnedRow = `learned ${name}ᵏ`;
  const pcRow = "principal components eₘ";
  const values: Record<string, unknown>[] = [];
  let cmax = 0;
  const push = (row: string, label: string, v: ArrayLike<number>) => {
    for (let i = 0; i < D; i++) {
      values.push({ row, label, c: i % w, r: Math.floor(i / w), value: v[i] });
      cmax = Math.max(cmax, Math.abs(v[i]));
    }
  };
  const learnedLabels = pairs.map((p) => `k = ${p.k + 1}`);
  const pcLabels = components.map((_, m) => `m = ${m + 1}`);
  pairs.forEach((p, k) => push(learnedRow, learnedLabels[k], p.w));
  components.forEach((e, m) => push(pcRow, pcLabels[m], unit(e)));
  if (cmax === 0) cmax = 1;
  const c = Number(cmax.toPrecision(2));
  const image = {
    width: w * px,
    height: h * px,
    mark: { type: "rect", strokeWidth: 0 },
    encoding: {
      x: { field: "c", type: "quantitative", scale: { domain: [0, w], nice: false }, axis: null },
      x2: { field: "c1" },
      y: {
        field: "r",
        type: "quantitative",
        scale: { domain: [0, h], nice: false, reverse: true },
        axis: null,
      },
      y2: { field: "r1" },
      color: {
        field: "value",
        type: "quantitative",
        scale: { domain: [-c, c], range: DIVERGING, clamp: true },
        legend: { title: "value (unit norm)", gradientLength: Math.max(80, 2 * h * px) },
      },
    },
  };
  const row = (title: string, labels: string[]) => ({
    title: { text: title, anchor: "start", fontSize: 13, fontWeight: "normal" },
    transform: [{ filter: { field: "row", equal: title } }],
    facet: {
      column: {
        field: "label",
        type: "nominal",
        sort: labels,
        header: { title: null, labelOrient: "bottom" },
      },
    },
    spacing: 6,
    spec: image,
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: opts.title } : {}),
    padding: 12,
    data: { values },
    // Pixels overlap their right and lower neighbours slightly: no seams between them.
    transform: [
      { calculate: `min(datum.c + 1.2, ${w})`, as: "c1" },
      { calculate: `min(datum.r + 1.2, ${h})`, as: "r1" },
    ],
    vconcat: [row(learnedRow, learnedLabels), row(pcRow, pcLabels)],
    spacing: 14,
    resolve: { scale: { color: "shared" } },
    config: { ...CONFIG, view: { stroke: null } },
  };
}

/**
 * What {@linkcode overlapHeatmapSpec} reads from a result: the recorded
 * times, the projections `a` and norms `WW` of each run, and (optionally)
 * the input dimension D in `config`. A {@linkcode CurveResult} qualifies.
 */
export interface OverlapSource {
  times: number[];
  config?: Record<string, unknown>;
  runs: ReadonlyArray<{
    order: ReadonlyArray<Pick<OrderParameters, "a" | "WW">>;
    snapshots?: ReadonlyArray<{ W: number[][] }>;
  }>;
}

/** Options of {@linkcode overlapHeatmapSpec}. */
export interface OverlapOptions {
  /** Times to show; each is replaced by the nearest recorded time. */
  times?: number[];
  /** Without `times`: how many log-spaced recorded times to show (default 4). */
  count?: number;
  /** Which run (seed) to show (default 0). */
  run?: number;
  /** Input dimension D (default: `config.D`, `config.data.D`, or a snapshot's width). */
  D?: number;
  /** Figure title (default none). */
  title?: string;
  /** Name of the vectors in the legend (default "w"; "v" for decoder overlaps). */
  vector?: string;
}

/**
 * Overlaps |cos(w^k, e_m)| = |a_k(m)| / sqrt(D WW_kk) between the encoder
 * rows and the top principal components, as a K x M heatmap (units down,
 * components across, value written in each cell) at a few recorded times,
 * one panel per time. Near 1: unit k has learnt component m.
 *
 * @param result a CurveResult (or any {@linkcode OverlapSource}).
 * @param opts times, run and D; see {@linkcode OverlapOptions}.
 * @returns a Vega-Lite specification faceted by time.
 * @throws ConfigError on a missing run, order parameters that do not match
 *   the times, unknown D, or times outside the record.
 *
 * @example
 * ```ts
 * import { overlapHeatmapSpec } from "./plot.ts";
 * const spec = overlapHeatmapSpec({
 *   times: [1],
 *   runs: [{ order: [{ a: [[3, 4]], WW: [[1]] }] }],
 * }, { D: 25 });
 * const cells = (spec.data as { values: { cos: number }[] }).values;
 * if (!(cells[0].cos === 0.6 && cells[1].cos === 0.8)) throw new Error("example failed");
 * ```
 */
export function overlapHeatmapSpec(result: OverlapSource, opts: OverlapOptions = {}): VegaLiteSpec {
  const times = result?.times;
  if (!Array.isArray(times) || times.length === 0) {
    throw new ConfigError("result.times", times, "a non-empty array of recorded times");
  }
  const runIndex = opts.run ?? 0;
  const run = result.runs?.[runIndex];
  if (!run) {
    throw new ConfigError("run", runIndex, `an index below ${result.runs?.length ?? 0}`);
  }
  if (run.order.length !== times.length) {
    throw new ConfigError(
      `runs[${runIndex}].order.length`,
      run.order.length,
      `${times.length}, one per recorded time`,
    );
  }
  const D = opts.D ?? inferD(result);
  if (!(Number.isFinite(D) && D > 0)) {
    throw new ConfigError("D", D, "a positive input dimension (pass opts.D)");
  }
  const picks = pickTimes(times, opts.times, opts.count ?? 4);
  const values: Record<string, unknown>[] = [];
  const labels: string[] = [];
  let M = 0;
  for (const i of picks) {
    const { a, WW } = run.order[i];
    if (!Array.isArray(a) || !Array.isArray(WW) || WW.length !== a.length) {
      throw new ConfigError(
        `runs[${runIndex}].order[${i}].WW.length`,
        Array.isArray(WW) ? WW.length : WW,
        `K = ${Array.isArray(a) ? a.length : "?"}, the number of rows of a`,
      );
    }
    const label = `t = ${fmt(times[i])}`;
    labels.push(label);
    a.forEach((row, k) => {
      const norm = Math.sqrt(D * WW[k][k]);
      M = Math.max(M, row.length);
      row.forEach((akm, m) => {
        const cos = norm > 0 ? Math.min(1, Math.abs(akm) / norm) : 0;
        values.push({ time: label, k: k + 1, m: m + 1, cos: Number(cos.toFixed(4)) });
      });
    });
  }
  const cell = 36;
  const x = {
    field: "m",
    type: "ordinal",
    axis: { title: "component m", labelAngle: 0 },
  };
  const y = { field: "k", type: "ordinal", axis: { title: "hidden unit k" } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: opts.title } : {}),
    padding: 12,
    data: { values },
    facet: {
      field: "time",
      type: "nominal",
      sort: labels,
      header: { title: null, labelFontSize: 12 },
    },
    columns: Math.min(labels.length, Math.max(1, Math.floor(900 / (cell * M + 70)))),
    spec: {
      width: { step: cell },
      height: { step: cell },
      layer: [
        {
          mark: { type: "rect", stroke: "#ffffff", strokeWidth: 1 },
          encoding: {
            x,
            y,
            color: {
              field: "cos",
              type: "quantitative",
              scale: { domain: [0, 1], scheme: "greys" },
              legend: { title: `|cos(${opts.vector ?? "w"}ᵏ, eₘ)|`, gradientLength: 120 },
            },
          },
        },
        {
          mark: { type: "text", fontSize: 10, baseline: "middle" },
          encoding: {
            x,
            y,
            text: { field: "cos", type: "quantitative", format: ".2f" },
            color: {
              condition: { test: "datum.cos > 0.55", value: "#ffffff" },
              value: "#000000",
            },
          },
        },
      ],
    },
    config: CONFIG,
  };
}

// ---------------------------------------------------------------- helpers

function validateCurve(r: CurveResult, j: number): void {
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

function defaultLabels(list: CurveResult[]): string[] {
  const kinds = list.map((r) => String(r.kind));
  return kinds.map((k, j) => kinds.filter((x) => x === k).length > 1 ? `${k} ${j + 1}` : k);
}

function pcaLevelRows(
  r: CurveResult,
  levels: boolean | number[],
  logY: boolean,
): Record<string, unknown>[] {
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

interface Pair {
  k: number;
  m: number;
  cos: number;
  /** Unit-norm learned vector, sign-aligned with `e`. */
  w: Float64Array;
  /** Unit-norm component. */
  e: Float64Array;
}

function checkRows(name: string, rows: ReadonlyArray<ArrayLike<number>>, D?: number) {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new ConfigError(name, rows, "a non-empty array of rows (K x D)");
  }
  const width = D ?? rows[0]?.length;
  if (!(width > 0)) throw new ConfigError(`${name}[0].length`, width, "a positive length D");
  rows.forEach((row, k) => {
    if (row?.length !== width) {
      throw new ConfigError(
        `${name}[${k}].length`,
        row?.length,
        `${width}, the same D for all rows`,
      );
    }
  });
  return { D: width };
}

function matchComponents(
  vectors: ReadonlyArray<ArrayLike<number>>,
  components: ReadonlyArray<ArrayLike<number>>,
  match: "best" | "index",
): Pair[] {
  const { D } = checkRows("vectors", vectors);
  checkRows("components", components, D);
  if (match !== "best" && match !== "index") {
    throw new ConfigError("match", match, `"best" or "index"`);
  }
  if (match === "index" && components.length < vectors.length) {
    throw new ConfigError(
      "components.length",
      components.length,
      `at least K = ${vectors.length} with match "index"`,
    );
  }
  const es = components.map(unit);
  return vectors.map((v, k) => {
    const w = unit(v);
    const dots = es.map((e) => dot(w, e));
    let m = match === "index" ? k : 0;
    if (match === "best") {
      for (let j = 1; j < dots.length; j++) if (Math.abs(dots[j]) > Math.abs(dots[m])) m = j;
    }
    if (dots[m] < 0) { for (let i = 0; i < D; i++) w[i] = -w[i]; }
    return { k, m, cos: Math.abs(dots[m]), w, e: es[m] };
  });
}

function unit(v: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(v);
  const n = Math.sqrt(dot(out, out));
  if (n > 0) { for (let i = 0; i < out.length; i++) out[i] /= n; }
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function inferD(result: OverlapSource): number {
  const c = result.config ?? {};
  const candidates = [c.D, (c.data as Record<string, unknown> | undefined)?.D];
  for (const d of candidates) if (typeof d === "number") return d;
  for (const run of result.runs) {
    const W = run.snapshots?.[0]?.W;
    if (W && W.length > 0) return W[0].length;
  }
  return NaN;
}

/** Indices of recorded times: nearest to the requested ones, or `count` log-spaced. */
function pickTimes(times: number[], wanted: number[] | undefined, count: number): number[] {
  const n = times.length;
  const last = times[n - 1];
  if (wanted !== undefined) {
    if (!Array.isArray(wanted) || wanted.length === 0) {
      throw new ConfigError("times", wanted, "a non-empty array of times");
    }
    const picks = wanted.map((t) => {
      if (!(t >= Math.min(...times) && t <= Math.max(...times))) {
        throw new ConfigError(
          "times",
          wanted,
          `times within [${fmt(Math.min(...times))}, ${fmt(Math.max(...times))}]`,
        );
      }
      let best = 0;
      for (let i = 1; i < n; i++) {
        if (Math.abs(times[i] - t) < Math.abs(times[best] - t)) best = i;
      }
      return best;
    });
    return [...new Set(picks)];
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new ConfigError("count", count, "a positive integer");
  }
  const first = times.findIndex((t) => t > 0);
  if (first < 0 || count === 1 || first === n - 1) return [n - 1];
  const lo = Math.log(times[first]), hi = Math.log(last);
  const picks: number[] = [];
  for (let j = 0; j < count; j++) {
    const target = lo + (hi - lo) * j / (count - 1);
    let best = first;
    for (let i = first; i < n; i++) {
      if (
        times[i] > 0 &&
        Math.abs(Math.log(times[i]) - target) < Math.abs(Math.log(times[best]) - target)
      ) {
        best = i;
      }
    }
    picks.push(best);
  }
  return [...new Set(picks)].sort((p, q) => p - q);
}

/**
 * Tick values m * 10^e inside the range of `xs` (all > 0): m in 1, 2, 5 over
 * more than two decades, 1..9 over one or two, and halves added below one.
 */
function logTicks(xs: number[]): number[] {
  const lo = Math.min(...xs), hi = Math.max(...xs);
  const decades = Math.log10(hi / lo);
  const mantissas = decades > 2
    ? [1, 2, 5]
    : decades > 1
    ? [1, 2, 3, 4, 5, 6, 7, 8, 9]
    : [1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(6));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new ConfigError(name, v, "a positive number of pixels");
  return v;
}

function cycle<T>(xs: T[], n: number): T[] {
  return Array.from({ length: n }, (_, i) => xs[i % xs.length]);
}

/** A number in three significant digits, without trailing zeros. */
function fmt(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/** One named series of {@linkcode timeSeriesSpec}. */
export interface TimeSeries {
  /** Legend name. */
  label: string;
  /** Times t (only t > 0 is drawn on the log axis). */
  t: number[];
  /** Values, one per time. */
  value: number[];
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
  /** Plot width and height in pixels (default 560 x 300). */
  width?: number;
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
 * import { timeSeriesSpec } from "./plot.ts";
 * const spec = timeSeriesSpec([{ label: "alignment", t: [1, 10, 100], value: [0.2, 0.6, 0.99] }],
 *   { yTitle: "alignment", yDomain: [0, 1] });
 * if (!(Array.isArray(spec.layer))) throw new Error("example failed");
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
        rows.push({ series: s.label, t, value: s.value[i] });
      }
    });
  }
  if (rows.length === 0) {
    throw new ConfigError("series", "no point to draw", "a finite value at some t > 0");
  }
  const n = labels.length;
  const x = {
    field: "t",
    type: "quantitative",
    scale: { type: "log" },
    axis: {
      title: "time t = steps / D",
      format: "~g",
      values: logTicks(rows.map((r) => r.t as number)),
    },
  };
  const y = {
    field: "value",
    type: "quantitative",
    scale: opts.yDomain ? { domain: opts.yDomain, nice: false } : { zero: false },
    axis: { title: opts.yTitle },
  };
  const legend = { ...LINE_LEGEND, orient: "bottom", columns: 2, columnPadding: 30 };
  const layer: Record<string, unknown>[] = [{
    data: { values: rows },
    mark: { type: "line", strokeWidth: 2, clip: true },
    encoding: {
      x,
      y,
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
    },
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
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: { text: opts.title, limit: opts.width ?? 560 } } : {}),
    width: positive("width", opts.width ?? 560),
    height: positive("height", opts.height ?? 300),
    padding: 12,
    layer,
    config: CONFIG,
  };
}
