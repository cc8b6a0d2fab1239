/**
 * One point of a sweep: its simulation and/or theory, and the numbers a
 * study compares across points — the final error, its ratio to
 * eps_PCA(K), the times at which the curve leaves its plateaus at
 * eps_PCA(m), the theory's final error and its deviation from SGD. All of
 * them are computed from the curves alone, so the same point gives the same
 * numbers wherever it runs; the time it took is kept apart.
 * @module
 */
import { simulate } from "../sgd/simulate.ts";
import { theory } from "../theory/theory.ts";
import { deviation } from "../analysis/deviation.ts";
import { findPlateaus, matchPlateaus } from "../analysis/plateaus.ts";
import type { CurveResult } from "../problem/types.ts";
import type { Progress } from "../core/progress.ts";
import { VERSION } from "../core/version.ts";
import { DivergenceError, IntegrationError } from "../core/errors.ts";
import type { SweepPoint, SweepRun } from "./spec.ts";

/**
 * The numbers of one point; null where they do not apply (no theory run, a
 * part that failed, a ratio with a zero denominator), so that a point's
 * numbers survive JSON unchanged.
 */
export interface PointMetrics {
  /** Final test error: SGD's when the point simulates (null if it failed), else the theory's. */
  finalError: number | null;
  /** finalError / eps_PCA(K). */
  finalOverPCA: number | null;
  /**
   * For m = 1 .. K - 1: the time the curve leaves its plateau at eps_PCA(m)
   * (null: none found) — of the theory's curve when it ran (it has no
   * sampling noise), else of the simulation's mean over seeds.
   */
  plateauEnds: (number | null)[];
  /** The theory's final error, when it ran. */
  theoryFinal: number | null;
  /** Largest and mean relative deviation of SGD from the theory, when both ran. */
  deviationMax: number | null;
  /** Mean relative deviation of SGD from the theory, when both ran. */
  deviationMean: number | null;
}

/** The record of one point, as written to points/NAME.json. */
export interface PointResult {
  /** The package version that computed it. */
  version: string;
  /** The point's index. */
  index: number;
  /** The point's name (see sweepPoints). */
  name: string;
  /** Its axis values, by path. */
  values: Record<string, unknown>;
  /** Its numbers. */
  metrics: PointMetrics;
  /**
   * Why a part failed, e.g. "simulate: the run diverged at t = 3.1: ..." (a
   * diverging learning rate is an outcome of a study, not an error of the
   * sweep); null when nothing failed.
   */
  failure: string | null;
  /** Its curves on the shared time grid (mean over seeds; null for a part not run or failed). */
  curves: { times: number[]; simulation: number[] | null; theory: number[] | null };
  /** eps_PCA(0..K). */
  epsPCA: number[];
  /** Wall-clock seconds (not part of the rows). */
  seconds: number;
}

/** A finite number, or null. */
function finite(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}

/**
 * Plateau exits of a curve: for each m in 1..K-1, when the first plateau
 * matched to eps_PCA(m) (see matchPlateaus) ends; null when there is none
 * or it lasts to the end of the run.
 */
function plateauEnds(c: CurveResult, K: number): (number | null)[] {
  const matched = matchPlateaus(findPlateaus(c.times, c.eps), c.pca.epsPCA);
  return Array.from({ length: Math.max(0, K - 1) }, (_, i) => {
    const p = matched.find((x) => x.m === i + 1 && !x.atEnd);
    return p ? p.end : null;
  });
}

/** Run `part`; a failure that is an outcome of the run (divergence, integration) is noted, not thrown. */
async function attempt(
  label: string,
  failures: string[],
  part: () => Promise<CurveResult>,
): Promise<CurveResult | undefined> {
  try {
    return await part();
  } catch (e) {
    if (!(e instanceof DivergenceError || e instanceof IntegrationError)) throw e;
    failures.push(`${label}: ${e.message}`);
    return undefined;
  }
}

/**
 * Run one point (its seeds one after another in this thread) and measure
 * it. A simulation that diverges or an integration that stops is recorded
 * in `failure` (the other part still runs); any other error is thrown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSweepSpec, sweepPoints } from "./spec.ts";
 * import { runPoint } from "./point.ts";
 * const spec = parseSweepSpec('{"problem": {"data": {"D": 40}, "network": {"K": 2}, "tMax": 2, "nTimes": 4, "nTest": 100}, "axes": {"lr": [1]}}');
 * const [point] = await sweepPoints(spec);
 * const r = await runPoint(point, spec.run!);
 * assert.ok(r.metrics.finalError! > 0);
 * assert.notEqual(r.metrics.deviationMax, null);
 * assert.equal(r.failure, null);
 * ```
 */
export async function runPoint(
  point: SweepPoint,
  run: readonly SweepRun[],
  control: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<PointResult> {
  const started = performance.now();
  const { signal, onProgress } = control;
  // progress over the point: the simulation and the theory take halves when both run
  const parts = run.length;
  const report = (part: number) =>
    onProgress ? (p: Progress) => onProgress((part + p.fraction) / parts) : undefined;
  const failures: string[] = [];
  const sim = run.includes("simulate")
    ? await attempt(
      "simulate",
      failures,
      () => simulate(point.problem, { signal, onProgress: report(0) }),
    )
    : undefined;
  const th = run.includes("theory")
    ? await attempt(
      "theory",
      failures,
      () => theory(point.problem, point.solver ?? {}, { signal, onProgress: report(parts - 1) }),
    )
    : undefined;
  // the SGD numbers when SGD was asked for (null if it failed), else the theory's
  const main = run.includes("simulate") ? sim : th;
  const any = sim ?? th;
  const K = point.problem.network.K;
  const final = main ? main.eps[main.eps.length - 1] : undefined;
  const dev = sim && th ? deviation(sim, th) : undefined;
  return {
    version: VERSION,
    index: point.index,
    name: point.name,
    values: point.values,
    metrics: {
      finalError: finite(final),
      finalOverPCA: main && final !== undefined ? finite(final / main.pca.epsPCA[K]) : null,
      plateauEnds: any ? plateauEnds(th ?? any, K) : [],
      theoryFinal: finite(th?.eps[th.eps.length - 1]),
      deviationMax: finite(dev?.max),
      deviationMean: finite(dev?.mean),
    },
    failure: failures.length ? failures.join("; ") : null,
    curves: {
      times: any ? any.times : [],
      simulation: sim ? sim.eps : null,
      theory: th ? th.eps : null,
    },
    epsPCA: any ? any.pca.epsPCA : [],
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Whether `x` is the record of the point named `name` computed by this
 * version (a point file read back; anything else is run again or refused).
 */
export function isPointResult(x: unknown, name: string): x is PointResult {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Partial<PointResult>;
  return r.version === VERSION && r.name === name && typeof r.index === "number" &&
    typeof r.metrics === "object" && r.metrics !== null &&
    Array.isArray(r.metrics.plateauEnds) && (typeof r.failure === "string" || r.failure === null) &&
    typeof r.curves === "object" && r.curves !== null && Array.isArray(r.curves.times) &&
    Array.isArray(r.epsPCA) && typeof r.values === "object" && typeof r.seconds === "number";
}
