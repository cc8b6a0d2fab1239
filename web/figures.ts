/**
 * The page's live figure: the error curve while SGD runs, each seed's curve
 * drawn against the theory started from that seed's own initial weights
 * (like with like: one colour per seed, solid SGD, dashed theory). The
 * finished run's figures come from src/plot's `resultFigures`, as the CLI's
 * do. No DOM here.
 * @module
 */
import type { CurveResult } from "../src/problem/types.ts";
import { type ErrorCurveSource, errorCurveSpec, type VegaLiteSpec } from "../src/plot/mod.ts";

/** The height of an error curve `width` pixels wide on the page: about half as high, 260 to 460. */
export function curveHeight(width: number): number {
  return Math.round(Math.max(260, Math.min(460, 0.5 * width)));
}

/** One seed's curve as it grows. */
export interface LiveRun {
  seed: number;
  times: number[];
  eps: number[];
}

/** One curve of the live figure: what it is, and its points. */
export interface LiveCurve {
  /** The seed it belongs to (its colour). */
  seed: number;
  /** "SGD" or "theory" (its dash). */
  method: "SGD" | "theory";
  /** Legend-free name, unique in the figure. */
  label: string;
  source: ErrorCurveSource;
}

/**
 * The curves of the live figure, seed by seed in the problem's order (the
 * theory's seeds, then any other seed that has run): its SGD curve so far,
 * once it has a point after t = 0, followed by the theory from its initial
 * weights (the theory result's run of the same seed). Pairs are matched by
 * seed, never by position; the colours stay put as seeds start.
 */
export function liveCurves(
  theory: CurveResult | undefined,
  runs: readonly LiveRun[],
  epsPCA: number[] | undefined,
): LiveCurve[] {
  const pca = { epsPCA: epsPCA ?? theory?.pca.epsPCA ?? [] };
  const source = (kind: "simulation" | "theory", times: number[], eps: number[]) => ({
    kind,
    times,
    eps,
    epsStd: eps.map(() => 0),
    epsMin: eps,
    epsMax: eps,
    runs: [],
    pca,
  } as ErrorCurveSource);
  const started = runs.filter((r) => r && r.times.some((t) => t > 0));
  const seeds = [...new Set([...(theory?.runs ?? []), ...started].map((r) => r.seed))];
  return seeds.flatMap((seed): LiveCurve[] => {
    const sgd = started.find((r) => r.seed === seed);
    const th = theory?.runs.find((r) => r.seed === seed);
    return [
      ...(sgd
        ? [{
          seed,
          method: "SGD" as const,
          label: `seed ${seed}: online SGD`,
          source: source("simulation", sgd.times, sgd.eps),
        }]
        : []),
      ...(th
        ? [{
          seed,
          method: "theory" as const,
          label: `seed ${seed}: theory from its initial weights`,
          source: source("theory", theory!.times, th.eps),
        }]
        : []),
    ];
  });
}

/**
 * The error curve while SGD runs (see {@linkcode liveCurves}), with the PCA
 * levels; undefined before there is a point to draw. `width` is the plot's
 * width in pixels (the seed legend goes beside it).
 */
export function liveCurveSpec(
  theory: CurveResult | undefined,
  runs: readonly LiveRun[],
  epsPCA: number[] | undefined,
  width: number,
): VegaLiteSpec | undefined {
  const curves = liveCurves(theory, runs, epsPCA);
  if (curves.length === 0) return undefined;
  return errorCurveSpec(curves.map((c) => c.source), {
    labels: curves.map((c) => c.label),
    variants: curves.map((c) => `seed ${c.seed}`),
    spread: "none",
    width,
    height: curveHeight(width),
    title: "While SGD runs: each seed (solid) against the theory from its own initial weights " +
      "(dashed)",
  });
}
