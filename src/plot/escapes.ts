/**
 * Predicted against measured escape times (THEORY.md 6b): for each plateau
 * eps_PCA(m), the empirical distribution function of the time at which the
 * paths of the diffusion limit leave it (a step line) and that of the SGD
 * seeds (points on their own steps), on a log time axis. Curves that never
 * leave a plateau are left out of its distribution (the legend counts them).
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
import { positive, timeAxis, titleOf } from "./_helpers.ts";
import { displayable } from "../core/display.ts";

/** Escape times from one plateau, as `escapeTimes` records them (null: not left). */
export interface EscapeSample {
  /** The plateau eps_PCA(m) left. */
  m: number;
  /** One time per curve, null for a curve that did not leave it. */
  times: readonly (number | null)[];
}

/** Options of {@link escapesSpec}. */
export interface EscapesOptions {
  /** Figure title. */
  title?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
  /** Plot height in pixels (default 300). */
  height?: number;
}

/**
 * The distribution functions of predicted (paths) and measured (seeds)
 * escape times, one colour per plateau.
 *
 * @param predicted escape times of the paths (a theory's `fluctuations.escapes`)
 * @param measured escape times of the seeds (`escapeTimes` of their error curves)
 * @param opts title and size
 * @returns a layered Vega-Lite specification
 * @throws ConfigError when no curve leaves any plateau
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapesSpec } from "./escapes.ts";
 * const spec = escapesSpec([{ m: 0, times: [1, 2, 3] }], [{ m: 0, times: [1.5, null] }]);
 * assert.ok("layer" in spec && spec.layer.length === 2);
 * ```
 */
export function escapesSpec(
  predicted: readonly EscapeSample[],
  measured: readonly EscapeSample[],
  opts: EscapesOptions = {},
): VegaLiteSpec {
  const width = positive("width", opts.width ?? 560);
  const height = positive("height", opts.height ?? 300);
  const rows = (samples: readonly EscapeSample[], source: string) =>
    samples.flatMap((s) => {
      const left = s.times.filter((t): t is number => t !== null && t > 0).sort((a, b) => a - b);
      const n = s.times.length;
      const label = `ε_PCA(${s.m}): ${source} (${left.length} of ${n} left)`;
      // the empirical cdf over all curves: those not leaving keep it below 1
      return left.map((t, i) => ({ t, F: (i + 1) / n, plateau: `m = ${s.m}`, series: label }));
    });
  const paths = rows(predicted, "paths");
  const seeds = rows(measured, "seeds");
  if (paths.length + seeds.length === 0) {
    throw new ConfigError("escapes", "none", "a curve that leaves a plateau by t-max");
  }
  const time = timeAxis([...paths, ...seeds].map((r) => r.t));
  const x: LayerEncoding["x"] = {
    field: "t",
    type: "quantitative",
    scale: { type: "log", domain: time.domain, nice: false },
    axis: {
      title: "time t = steps / D at which the plateau is left",
      format: ".3~r",
      values: time.values,
    },
  };
  const y: LayerEncoding["y"] = {
    field: "F",
    type: "quantitative",
    scale: { domain: [0, 1] },
    axis: { title: "fraction of curves that have left it" },
  };
  const plateaus = [...new Set([...predicted, ...measured].map((s) => `m = ${s.m}`))];
  const color: LayerEncoding["color"] = {
    field: "plateau",
    type: "nominal",
    scale: { domain: plateaus, range: plateaus.map((_, i) => PALETTE[i % PALETTE.length]) },
    legend: { ...LINE_LEGEND, title: "plateau left" },
  };
  const layer: LayerSpec[] = [{
    data: { values: paths },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 1.8 },
    encoding: { x, y, color, detail: { field: "series", type: "nominal" } },
  }, {
    data: { values: seeds },
    mark: { type: "point", filled: true, size: 60, shape: "diamond" },
    encoding: { x, y, color, tooltip: [{ field: "series" }, { field: "t" }] },
  }];
  return displayable({
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(
      opts.title ?? "Escape times: predicted (lines, paths) and measured (diamonds, SGD seeds)",
      width,
    ),
    width,
    height,
    config: CONFIG,
    layer,
  } as VegaLiteSpec, "spec");
}
