/**
 * The predicted band of the error between seeds at finite D (THEORY.md 6b):
 * the 10-90% quantiles of the paths of the diffusion limit as a shaded band
 * with their median, the D -> infinity curve of the equations, SGD seeds as
 * thin lines (when given) and the PCA errors as dashed rules, on a log time
 * axis.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import {
  CONFIG,
  type LayerEncoding,
  type LayerSpec,
  LINE_LEGEND,
  PALETTE,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./style.ts";
import { logTicks, positive, timeAxis, timeEncoding, titleOf } from "./_helpers.ts";
import { maxOf, minOf } from "../core/stats.ts";
import { displayable } from "../core/display.ts";

/** What {@link bandSpec} reads of a theory result with fluctuations (a `CurveResult` qualifies). */
export interface BandSource {
  /** Recorded times. */
  times: number[];
  /** The D -> infinity curve (mean over the theory's seeds). */
  eps: number[];
  /** PCA errors eps_PCA(0..K). */
  pca: { epsPCA: number[] };
  /** The paths' statistics. */
  fluctuations?: {
    paths: number;
    quantiles: { "0.1": number[]; "0.5": number[]; "0.9": number[] };
  };
}

/** Options of {@link bandSpec}. */
export interface BandOptions {
  /** Error curves of SGD seeds, drawn as thin lines. */
  seeds?: readonly (readonly number[])[];
  /** Their times (default: the theory's). */
  times?: readonly number[];
  /** Figure title. */
  title?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
  /** Plot height in pixels (default 340). */
  height?: number;
}

/**
 * Error curves with the predicted 10-90% band of the seeds.
 *
 * @param result a theory result with `fluctuations` (theory with paths)
 * @param opts SGD seeds to overlay, title and size
 * @returns a layered Vega-Lite specification
 * @throws ConfigError when the result has no fluctuations or no positive time
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bandSpec } from "./band.ts";
 * const q = (x: number) => [x, x / 2];
 * const spec = bandSpec({ times: [1, 10], eps: [0.5, 0.2], pca: { epsPCA: [0.5, 0.1] },
 *   fluctuations: { paths: 2, quantiles: { "0.1": q(0.4), "0.5": q(0.5), "0.9": q(0.6) } } });
 * assert.ok("layer" in spec && spec.layer.length >= 3, "the seeds' band, the median and the theory");
 * ```
 */
export function bandSpec(result: BandSource, opts: BandOptions = {}): VegaLiteSpec {
  const f = result.fluctuations;
  if (!f) {
    throw new ConfigError("result", "no fluctuations", "a theory run with paths (--paths N)");
  }
  const width = positive("width", opts.width ?? 560);
  const height = positive("height", opts.height ?? 340);
  const ok = (t: number, e: number) => t > 0 && Number.isFinite(e) && e > 0;
  const band: Record<string, unknown>[] = [];
  const lines: Record<string, unknown>[] = [];
  const bandName = `predicted 10-90% of seeds (${f.paths} paths)`;
  const medianName = "predicted median";
  const odeName = "equations (D → ∞)";
  result.times.forEach((t, i) => {
    const lo = f.quantiles["0.1"][i], hi = f.quantiles["0.9"][i], mid = f.quantiles["0.5"][i];
    if (ok(t, lo) && ok(t, hi)) band.push({ t, lo, hi, series: bandName });
    if (ok(t, mid)) lines.push({ t, eps: mid, series: medianName });
    if (ok(t, result.eps[i])) lines.push({ t, eps: result.eps[i], series: odeName });
  });
  const seedRows: Record<string, unknown>[] = [];
  const seedTimes = opts.times ?? result.times;
  const seedName = `SGD seeds (${opts.seeds?.length ?? 0})`;
  opts.seeds?.forEach((curve, s) =>
    curve.forEach((e, i) => {
      if (ok(seedTimes[i], e)) seedRows.push({ t: seedTimes[i], eps: e, run: s, series: seedName });
    })
  );
  if (band.length === 0) {
    throw new ConfigError("result", "no point to draw", "a time t > 0 with a positive error");
  }
  const pcaRows = result.pca.epsPCA.slice(1).map((e, i) => ({ eps: e, label: `ε_PCA(${i + 1})` }))
    .filter((r) => r.eps > 0);
  const ts = band.map((r) => r.t as number);
  const ys = [
    ...band.flatMap((r) => [r.lo as number, r.hi as number]),
    ...lines.map((r) => r.eps as number),
    ...seedRows.map((r) => r.eps as number),
    ...pcaRows.map((r) => r.eps),
  ];
  const yDomain = [minOf(ys) / 1.1, maxOf(ys) * 1.1];
  // the axis starts at a round time at or below the first and ends at the last, labelled
  const time = timeAxis(ts);
  const x: LayerEncoding["x"] = timeEncoding(time);
  const y: LayerEncoding["y"] = {
    field: "eps",
    type: "quantitative",
    scale: { type: "log", domain: yDomain, nice: false },
    axis: { title: "test error ε", format: "~g", values: logTicks(yDomain) },
  };
  const names = [bandName, medianName, odeName, ...(seedRows.length ? [seedName] : [])];
  const colours = [PALETTE[5], PALETTE[0], PALETTE[6], PALETTE[1]];
  const color: LayerEncoding["color"] = {
    field: "series",
    type: "nominal",
    scale: { domain: names, range: colours.slice(0, names.length) },
    legend: { ...LINE_LEGEND, columns: 2 },
  };
  // the dashes by series too, so that the legend draws the equations' curve dashed, as it is drawn
  const strokeDash: LayerEncoding["strokeDash"] = {
    field: "series",
    type: "nominal",
    scale: { domain: names, range: names.map((n) => (n === odeName ? [6, 4] : [1, 0])) },
    legend: { ...LINE_LEGEND, columns: 2 },
  };
  // the seeds first, the band over them (translucent), the curves on top
  const layer: LayerSpec[] = [];
  if (seedRows.length) {
    layer.push({
      data: { values: seedRows },
      mark: { type: "line", strokeWidth: 0.6, opacity: 0.5 },
      encoding: { x, y, color, detail: { field: "run", type: "nominal" } },
    });
  }
  layer.push({
    data: { values: band },
    mark: { type: "area", opacity: 0.4 },
    encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" }, color },
  });
  for (const name of [medianName, odeName]) {
    layer.push({
      data: { values: lines.filter((r) => r.series === name) },
      mark: { type: "line", strokeWidth: 2.2 },
      encoding: { x, y, color, strokeDash },
    });
  }
  if (pcaRows.length) {
    layer.push({
      data: { values: pcaRows },
      mark: { type: "rule", strokeDash: [3, 3], color: "#888888" },
      encoding: { y: { field: "eps", type: "quantitative" } },
    }, {
      data: { values: pcaRows },
      mark: { type: "text", align: "left", dx: 4, dy: -6, color: "#555555", fontSize: 11 },
      encoding: {
        y: { field: "eps", type: "quantitative" },
        x: { value: 0 },
        text: { field: "label" },
      },
    });
  }
  return displayable({
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: titleOf(opts.title, width) } : {}),
    width,
    height,
    config: CONFIG,
    layer,
  } as VegaLiteSpec, "spec");
}
