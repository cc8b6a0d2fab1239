/**
 * What the analyses share: the thresholds of the verdicts, and helpers that
 * turn variants into numbers and figures.
 * @module
 */
import type { CurveResult } from "../../problem/types.ts";
import { errorCurveSpec, type VegaLiteSpec } from "../../plot/mod.ts";
import { seedsLabel } from "../../plot/result_figures.ts";
import { spanOverlaps } from "../../analysis/alignment.ts";
import type { AnalysisControl, VariantRun } from "../types.ts";
import { theory } from "../../theory/theory.ts";

/** Thresholds of the verdicts. */
export const THRESHOLDS = {
  /** Plateau finder: largest |d log eps / d log t| on a plateau (erf plateaus are gently sloped). */
  plateauSlope: 0.3,
  /** Band around a level, as a factor, within which the curve "is at" it. */
  dwellBand: 1.3,
  /** Sequential learning: time spent at eps_PCA(m) over time spent between levels, at least. */
  dwellRatio: 1.5,
  /** A component counts as learnt once this much of it (norm of its projection) lies in the decoder's span. */
  learnt: 0.9,
  /** "Reaches eps_PCA(K)": within this factor. */
  reaches: 1.05,
  /** "Stays measurably above eps_PCA(K)": at least this factor. */
  above: 1.2,
  /** ReLU without bias "stalls above": at least this factor. */
  stalls: 1.5,
  /** Hidden biases lower the final ReLU error against none by at least this factor. */
  biasGain: 1.5,
  /** ReLU with hidden biases only ends within this relative distance of eps_PCA(K-1). */
  reluHiddenLevel: 0.1,
  /** ReLU with hidden and output biases: SGD's final error within this relative distance of eps_PCA(K). */
  reluOutputSgd: 0.15,
  /** ReLU with hidden and output biases: the equations' long-time error within this of eps_PCA(K). */
  reluOutputTheory: 0.05,
  /** Alignment of truncated SGD and Sanger's rule at the end: at least. */
  aligned: 0.95,
  /** Alignment of vanilla SGD at the end: below. */
  rotated: 0.8,
  /** Learned components: |cos| with the true component at least. */
  componentCos: 0.9,
};

/** K of a variant. */
export const K_OF = (r: VariantRun): number => r.config.network.K;
/** The last recorded error of a curve. */
export const finalOf = (c: CurveResult): number => c.eps[c.eps.length - 1];
/** eps_PCA(0..K) of a variant. */
export const levelsOf = (r: VariantRun): number[] => r.simulation.pca.epsPCA;

/**
 * The equations for a variant's first seed integrated to a long time (stiff
 * solver): the error at t = long / 10 and at t = long.
 */
export async function longTimeErrors(
  r: VariantRun,
  long: number,
  control: AnalysisControl,
): Promise<[number, number]> {
  const t = await theory(
    { ...r.config, tMax: long, times: [long / 10, long], seeds: [r.config.seeds[0]] },
    { integrator: "stiff" },
    control,
  );
  return [t.eps[0], t.eps[1]];
}

/**
 * The norm of each component's projection on the decoder's span over time
 * (seed 1 of a curve), one series per component, for timeSeriesSpec.
 */
export function spanSeries(c: CurveResult, K: number, label: string) {
  return Array.from({ length: K }, (_, m) => ({
    label: `${label}: component m = ${m + 1}`,
    group: `component m = ${m + 1}`,
    style: label,
    t: c.times,
    value: c.runs[0].order.map((o) => spanOverlaps(o)[m] ?? NaN),
  }));
}

/** "1 seed", "3 seeds": the number of runs of a result. */
export const seedsOf = (c: CurveResult): string => seedsLabel(c.runs.length);

/** The error curves of the variants, SGD and theory, in one figure. */
export function curves(runs: VariantRun[], title: string): VegaLiteSpec {
  const list: CurveResult[] = [];
  const labels: string[] = [];
  const variants: string[] = [];
  // one variant: name the curves by method only; several: variant by colour, method by dash
  const single = runs.length === 1;
  for (const r of runs) {
    list.push(r.simulation);
    labels.push(
      single ? `SGD (${seedsOf(r.simulation)})` : `${r.label}: SGD (${seedsOf(r.simulation)})`,
    );
    variants.push(r.label);
    if (r.theory) {
      list.push(r.theory);
      labels.push(single ? "theory (same initial weights)" : `${r.label}: theory`);
      variants.push(r.label);
    }
  }
  return errorCurveSpec(list, {
    labels,
    title,
    spread: single ? "runs" : "none",
    ...(single ? {} : { variants }),
  });
}

/**
 * Median over seeds of the first recorded time at which e_m lies in the span of the decoder
 * vectors to at least `learnt` (|P_V e_m|, rotation-invariant), for m = 1..K.
 */
export function learnTimes(c: CurveResult, K: number): number[] {
  const perSeed = c.runs.map((run) => {
    const spans = run.order.map(spanOverlaps);
    return Array.from({ length: K }, (_, m) => {
      const i = spans.findIndex((s) => (s[m] ?? 0) >= THRESHOLDS.learnt);
      return i < 0 ? Infinity : c.times[i];
    });
  });
  return Array.from({ length: K }, (_, m) => {
    const ts = perSeed.map((s) => s[m]).sort((a, b) => a - b);
    return ts[Math.floor(ts.length / 2)];
  });
}

/** An overlap source whose heatmap shows the decoder: a = sqrt(D) b and WW = T0 give |b| / sqrt(T0). */
export function decoderOverlaps(c: CurveResult) {
  const D = c.config.D;
  return {
    times: c.times,
    runs: c.runs.map((r) => ({
      order: r.order.map((o) => ({
        a: o.b.map((row) => row.map((x) => x * Math.sqrt(D))),
        WW: o.T0,
      })),
    })),
  };
}
