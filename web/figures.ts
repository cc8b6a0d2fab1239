/**
 * The page's figures as Vega-Lite specifications, from the ./plot chart
 * builders: the error curve (live while SGD runs, then final with the
 * theory from the same initial weights and the PCA levels), the learned
 * decoder vectors beside the principal components (as images for image
 * data), and the overlap heat map. No DOM here.
 * @module
 */
import type { CurveResult, Spectrum } from "../src/problem/types.ts";
import { RULES } from "../src/problem/rules.ts";
import {
  componentsFigure,
  decoderOverlapSource,
  type ErrorCurveSource,
  errorCurveSpec,
  overlapHeatmapSpec,
  type VegaLiteSpec,
} from "../src/plot/mod.ts";

/** Width of the plots on the page (pixels; the legend goes beside them). */
export const PLOT_WIDTH = 600;

/** One seed's curve as it grows. */
export interface LiveRun {
  seed: number;
  times: number[];
  eps: number[];
}

/** The error-curve label of a simulation result. */
function sgdLabel(runs: number): string {
  return `online SGD (${runs} seed${runs === 1 ? "" : "s"})`;
}

/**
 * The error curve while SGD runs: each seed's curve so far and the theory
 * (when there is one), with the PCA levels; undefined before there is a
 * point to draw. The theory comes second, so that it has the colour and
 * dash it has in the final figure (SGD first, then the theory).
 */
export function liveCurveSpec(
  theory: CurveResult | undefined,
  runs: readonly LiveRun[],
  epsPCA: number[] | undefined,
): VegaLiteSpec | undefined {
  const pca = { epsPCA: epsPCA ?? theory?.pca.epsPCA ?? [] };
  const sgd = (label: string, times: number[], eps: number[]) => ({
    label,
    source: {
      kind: "simulation",
      times,
      eps,
      epsStd: eps.map(() => 0),
      epsMin: eps,
      epsMax: eps,
      runs: [],
      pca,
    } as ErrorCurveSource,
  });
  const curves: { label: string; source: ErrorCurveSource }[] = runs.filter((r) =>
    r.times.some((t) => t > 0)
  ).map((r) => sgd(`online SGD, seed ${r.seed}`, r.times, r.eps));
  if (theory) {
    // before SGD's first point, an empty SGD entry keeps the theory in second place
    if (curves.length === 0) curves.push(sgd("online SGD (starting)", [0], [Number.NaN]));
    curves.splice(1, 0, { label: "theory (same initial weights)", source: theory });
  }
  if (curves.length === 0) return undefined;
  return errorCurveSpec(curves.map((c) => c.source), {
    labels: curves.map((c) => c.label),
    spread: "none",
    width: PLOT_WIDTH,
    title: "Test error while SGD runs (theory from the same initial weights)",
  });
}

/** The final error curve: SGD (mean and seeds) and the theory, with the PCA levels. */
export function errorCurveFigure(result: CurveResult, theory?: CurveResult): VegaLiteSpec {
  return theory
    ? errorCurveSpec([result, theory], {
      labels: [sgdLabel(result.runs.length), "theory (same initial weights)"],
      title: "Online SGD and the exact equations, with the PCA levels",
      width: PLOT_WIDTH,
    })
    : errorCurveSpec(result, {
      labels: [sgdLabel(result.runs.length)],
      title: "Test error of online SGD with the PCA levels",
      width: PLOT_WIDTH,
    });
}

/**
 * The figures of a finished simulation: the error curve, the learned
 * vectors beside the principal components (images when `imageShape` is
 * given) and the overlap heat map, as the CLI draws them.
 */
export function resultFigures(
  result: CurveResult,
  spectrum: Spectrum,
  opts: { theory?: CurveResult; imageShape?: [number, number] } = {},
): Record<string, VegaLiteSpec> {
  const cfg = result.config;
  const K = cfg.network.K;
  const D = spectrum.D;
  const M = Math.min(spectrum.eigenvalues.length, Math.max(K, 1));
  const pcs: Float64Array[] = [];
  for (let m = 0; m < M; m++) pcs.push(spectrum.eigenvectors.subarray(m * D, (m + 1) * D));
  const specs: Record<string, VegaLiteSpec> = {
    error_curve: errorCurveFigure(result, opts.theory),
  };
  const sanger = !RULES[cfg.rule].decoder;
  const run = result.runs[0];
  const last = run.snapshots.at(-1);
  if (last && pcs.length > 0) {
    specs.components = componentsFigure(last, cfg.rule, pcs, {
      at: `seed ${run.seed}, t = ${last.t}`,
      width: PLOT_WIDTH,
      height: Math.max(70, Math.min(110, Math.floor(330 / K))),
      ...(opts.imageShape ? { imageShape: opts.imageShape } : {}),
    });
  }
  if (run.order[0].a[0].length > 0) {
    // cos(v^k, e_m) = |b_k(m)| / sqrt(T0_kk), fed to the heat map as a = sqrt(D) b, WW = T0
    const source = sanger ? result : decoderOverlapSource(result, D);
    specs.overlaps = overlapHeatmapSpec(source, {
      D,
      title: sanger ? "|cos(wᵏ, eₘ)| over time" : "|cos(vᵏ, eₘ)| of the decoder over time",
      vector: sanger ? "w" : "v",
    });
  }
  return specs;
}
