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
import { ConfigError, DivergenceError, IntegrationError } from "../core/errors.ts";
import { canonicalJson, type SweepPoint, type SweepRun } from "./spec.ts";

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
  if (
    !Array.isArray(run) || run.length === 0 ||
    run.some((r) => r !== "simulate" && r !== "theory") || new Set(run).size !== run.length
  ) {
    throw new ConfigError("run", run, '["simulate"], ["theory"] or both');
  }
  if (typeof point !== "object" || point === null || typeof point.problem !== "object") {
    throw new ConfigError("point", point, "a SweepPoint (see pointAt)");
  }
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

const RESULT_KEYS = [
  "version",
  "index",
  "name",
  "values",
  "metrics",
  "failure",
  "curves",
  "epsPCA",
  "seconds",
];
const METRIC_KEYS = [
  "finalError",
  "finalOverPCA",
  "plateauEnds",
  "theoryFinal",
  "deviationMax",
  "deviationMean",
];
const CURVE_KEYS = ["times", "simulation", "theory"];
/** Longest failure text a record may carry. */
const MAX_FAILURE = 4000;

function plain(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The first key of `x` outside `keys`, or of `keys` missing from `x`. */
function keyProblem(x: Record<string, unknown>, keys: readonly string[]): string | null {
  const extra = Object.keys(x).find((k) => !keys.includes(k));
  if (extra !== undefined) return `an unknown key ${JSON.stringify(extra)}`;
  const missing = keys.find((k) => !(k in x));
  return missing === undefined ? null : `no ${missing}`;
}

/** Whether a text holds a control character (a line break among them). */
export function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const finiteNumber = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const numberOrNull = (x: unknown) => x === null || finiteNumber(x);
const numbers = (x: unknown, length?: number): x is number[] =>
  Array.isArray(x) && (length === undefined || x.length === length) && x.every(finiteNumber);

/**
 * Why `x` is not the record of `point` as this version computes it for
 * `run` (null when it is): its keys, version, index, name and axis values,
 * every metric a finite number or null, the failure a short text of the
 * parts that ran, the curves on one time grid (one for each part that ran
 * and did not fail) and eps_PCA(0..K), and the final errors and their ratio
 * to eps_PCA(K) the curves' own. A point file read back, or a result handed
 * to `summarise`, is checked so.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSweepSpec, pointAt } from "./spec.ts";
 * import { pointResultProblem } from "./point.ts";
 * const spec = parseSweepSpec('{"problem": {"tMax": 5}, "axes": {"lr": [1]}, "run": ["theory"]}');
 * const point = await pointAt(spec, 0);
 * assert.match(pointResultProblem({ index: -5 }, point, ["theory"])!, /unknown key|no /);
 * ```
 */
export function pointResultProblem(
  x: unknown,
  point: SweepPoint,
  run: readonly SweepRun[],
): string | null {
  if (!plain(x)) return "not an object";
  const keys = keyProblem(x, RESULT_KEYS);
  if (keys) return keys;
  if (x.version !== VERSION) return `version ${JSON.stringify(x.version)}, not ${VERSION}`;
  if (x.name !== point.name) return `name ${JSON.stringify(x.name)}, not ${point.name}`;
  if (x.index !== point.index) return `index ${JSON.stringify(x.index)}, not ${point.index}`;
  if (!plain(x.values) || canonicalJson(x.values) !== canonicalJson(point.values)) {
    return "axis values that are not the point's";
  }
  const K = point.problem.network.K;
  const m = x.metrics;
  if (!plain(m)) return "metrics that are not an object";
  const mk = keyProblem(m, METRIC_KEYS);
  if (mk) return `metrics with ${mk}`;
  for (const k of METRIC_KEYS) {
    if (k !== "plateauEnds" && !numberOrNull(m[k])) {
      return `metrics.${k} that is not a finite number or null`;
    }
  }
  const ends = m.plateauEnds;
  if (
    !Array.isArray(ends) || !ends.every(numberOrNull) ||
    ![0, Math.max(0, K - 1)].includes(ends.length)
  ) {
    return `metrics.plateauEnds that is not ${Math.max(0, K - 1)} finite numbers or nulls`;
  }
  const f = x.failure;
  if (f !== null) {
    if (
      typeof f !== "string" || f.length > MAX_FAILURE || hasControl(f) ||
      !f.split("; ").some((part) => run.some((r) => part.startsWith(`${r}: `)))
    ) {
      return `a failure that is not a line of text naming a part that ran (${run.join(", ")})`;
    }
  }
  const c = x.curves;
  if (!plain(c)) return "curves that are not an object";
  const ck = keyProblem(c, CURVE_KEYS);
  if (ck) return `curves with ${ck}`;
  if (!numbers(c.times)) return "curves.times that are not finite numbers";
  const n = c.times.length;
  for (const part of ["simulation", "theory"] as const) {
    const ran = run.includes(part === "simulation" ? "simulate" : "theory");
    if (c[part] !== null && (!ran || !numbers(c[part], n))) {
      return `curves.${part} that is not null${ran ? ` or ${n} finite numbers` : ""}`;
    }
  }
  if (!numbers(x.epsPCA) || ![0, K + 1].includes(x.epsPCA.length)) {
    return `epsPCA that is not K + 1 = ${K + 1} finite numbers`;
  }
  // the parts: a curve for each that ran and did not fail, and the numbers read off them
  const failed = typeof f === "string" ? f.split("; ").map((part) => part.split(":")[0]) : [];
  const sim = c.simulation as number[] | null, th = c.theory as number[] | null;
  for (const [part, curve] of [["simulate", sim], ["theory", th]] as const) {
    if (run.includes(part) && (curve === null) !== failed.includes(part)) {
      return `a ${part} curve that does not match its failure`;
    }
  }
  const last = (curve: number[] | null) => curve && curve.length ? curve[curve.length - 1] : null;
  const final = last(run.includes("simulate") ? sim : th);
  if (m.finalError !== final) return "metrics.finalError that is not the curve's last value";
  if (m.theoryFinal !== last(th)) return "metrics.theoryFinal that is not the theory's last value";
  const ratio = final !== null && x.epsPCA.length ? final / x.epsPCA[K] : null;
  if (m.finalOverPCA !== (ratio !== null && Number.isFinite(ratio) ? ratio : null)) {
    return "metrics.finalOverPCA that is not finalError / eps_PCA(K)";
  }
  if (!finiteNumber(x.seconds) || x.seconds < 0) return "seconds that is not a number >= 0";
  return null;
}

/**
 * Whether `x` is the record of `point` computed by this version for `run`
 * (see {@link pointResultProblem}).
 */
export function isPointResult(
  x: unknown,
  point: SweepPoint,
  run: readonly SweepRun[],
): x is PointResult {
  return pointResultProblem(x, point, run) === null;
}
