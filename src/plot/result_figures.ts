/**
 * The figures of a finished simulation, made in one place for every front
 * end: the error curve (with the theory from the same initial weights when
 * there is one), the learned vectors beside the principal components and the
 * overlap heat map. The CLI writes them as files (adding SVG), the page
 * draws them (adding its sizes); a new figure of a result is added here once.
 * Also the one label of a result's number of seeds. Internal to the
 * package (not in the ./plot export, whose charts take plain sources).
 * @module
 */
import type { CurveResult, Spectrum } from "../problem/types.ts";
import { RULES } from "../problem/rules.ts";
import { componentsFigure } from "./components_figure.ts";
import { errorCurveSpec } from "./error_curve.ts";
import { decoderOverlapSource, overlapHeatmapSpec } from "./overlaps.ts";
import type { VegaLiteSpec } from "./style.ts";

/**
 * "1 seed", "3 seeds": the words for a number of runs, as every figure and
 * report of the package writes them.
 *
 * @param n the number of seeds (runs).
 * @returns the count with the noun in the right number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seedsLabel } from "./result_figures.ts";
 * assert.equal(seedsLabel(1), "1 seed");
 * assert.equal(seedsLabel(3), "3 seeds");
 * ```
 */
export function seedsLabel(n: number): string {
  return `${n} seed${n === 1 ? "" : "s"}`;
}

/**
 * The legend name of a simulation's mean curve: "online SGD (1 seed)",
 * "online SGD (mean of 3 seeds)".
 */
export function sgdLabel(result: Pick<CurveResult, "runs">): string {
  const n = result.runs.length;
  return `online SGD (${n === 1 ? "" : "mean of "}${seedsLabel(n)})`;
}

/**
 * The legend name of the theory's curve started from the simulation's
 * initial weights: "theory (same initial weights)", or for several seeds
 * "theory (mean over the same 3 initial weights)", so that a mean is read
 * against a mean.
 */
export function theoryLabel(theory: Pick<CurveResult, "runs">): string {
  const n = theory.runs.length;
  return n === 1
    ? "theory (same initial weights)"
    : `theory (mean over the same ${n} initial weights)`;
}

/** Options of {@linkcode resultFigures}. */
export interface ResultFiguresOptions {
  /** The theory from the same initial weights, overlaid on the error curve. */
  theory?: CurveResult;
  /** Draw the learned vectors as images of this [h, w] (h * w = D). */
  imageShape?: [number, number];
  /** Width of the error curve and of the component panels in pixels (default: the charts'). */
  width?: number;
  /** Height of the error curve in pixels (default: the chart's). */
  height?: number;
  /** Height of one component panel in pixels (default: the chart's). */
  componentHeight?: number;
}

/**
 * The figures of a simulation result, by name: `error_curve` always,
 * `components` (the last snapshot of the first seed beside the top principal
 * components) when there is a snapshot, `overlaps` (the cosines of the
 * decoder, or of the encoder for rules without one, with the spike
 * directions over time) when the result records projections.
 *
 * @param result the simulation.
 * @param spectrum the data's spectrum (its principal components).
 * @param opts the theory to overlay, image shape and sizes.
 * @returns name -> Vega-Lite specification.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prepare } from "../problem/prepare.ts";
 * import { resolveProblem } from "../problem/resolve.ts";
 * import { simulate } from "../sgd/simulate.ts";
 * import { resultFigures } from "./result_figures.ts";
 * const problem = resolveProblem({ data: { D: 30, spikes: [4] }, network: { K: 1 }, tMax: 2 });
 * const figures = resultFigures(await simulate(problem), prepare(problem).spectrum);
 * assert.deepEqual(Object.keys(figures), ["error_curve", "components", "overlaps"]);
 * ```
 */
export function resultFigures(
  result: CurveResult,
  spectrum: Spectrum,
  opts: ResultFiguresOptions = {},
): Record<string, VegaLiteSpec> {
  const cfg = result.config;
  const K = cfg.network.K;
  const D = spectrum.D;
  const size = opts.width === undefined ? {} : { width: opts.width };
  const curveSize = { ...size, ...(opts.height === undefined ? {} : { height: opts.height }) };
  const specs: Record<string, VegaLiteSpec> = {
    error_curve: opts.theory
      ? errorCurveSpec([result, opts.theory], {
        labels: [sgdLabel(result), theoryLabel(opts.theory)],
        title: "Online SGD and the exact equations, with the PCA levels",
        ...curveSize,
      })
      : errorCurveSpec(result, {
        labels: [sgdLabel(result)],
        title: "Test error of online SGD with the PCA levels",
        ...curveSize,
      }),
  };
  const M = Math.min(spectrum.eigenvalues.length, Math.max(K, 1));
  const pcs: Float64Array[] = [];
  for (let m = 0; m < M; m++) pcs.push(spectrum.eigenvectors.subarray(m * D, (m + 1) * D));
  const run = result.runs[0];
  const last = run.snapshots.at(-1);
  if (last && pcs.length > 0) {
    specs.components = componentsFigure(last, cfg.rule, pcs, {
      at: `seed ${run.seed}, t = ${last.t}`,
      ...size,
      ...(opts.componentHeight === undefined ? {} : { height: opts.componentHeight }),
      ...(opts.imageShape ? { imageShape: opts.imageShape } : {}),
    });
  }
  if (run.order[0].a[0].length > 0) {
    // The encoder keeps O(1) components in every bulk direction, so its cosines with the spikes
    // stay small; the decoder's show what is learnt. cos(v^k, e_m) = |b_k(m)| / sqrt(T0_kk), fed
    // to the heat map as a = sqrt(D) b, WW = T0. Rules without a decoder show the encoder.
    const encoder = !RULES[cfg.rule].decoder;
    specs.overlaps = overlapHeatmapSpec(encoder ? result : decoderOverlapSource(result, D), {
      D,
      title: encoder ? "|cos(wᵏ, eₘ)| over time" : "|cos(vᵏ, eₘ)| of the decoder over time",
      vector: encoder ? "w" : "v",
    });
  }
  return specs;
}
