/**
 * Plateaus of a learning curve: the stretches where the test error barely
 * moves on a log-time axis, and the PCA errors eps_PCA(m) they sit at
 * (THEORY.md section 5, claim 1: eps(t) descends through plateaus at
 * eps_PCA(1), eps_PCA(2), ...).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findPlateaus, formatPlateauTable, matchPlateaus } from "./plateaus.ts";
 * // one drop from 0.5 to 0.1 around t = 10, on 30 points a decade from t = 0.01 to 1e4
 * const times = Array.from({ length: 181 }, (_, i) => 0.01 * 10 ** (i / 30));
 * const eps = times.map((t) => 0.5 * (0.2 ** (1 / (1 + (10 / t) ** 3))));
 * const plateaus = matchPlateaus(findPlateaus(times, eps), [0.5, 0.1, 0.05]);
 * assert.equal(plateaus.length, 2);
 * assert.equal(plateaus[0].m, 0);
 * assert.equal(plateaus[1].m, 1);
 * assert.equal(formatPlateauTable(plateaus).split("\n").length, 4);
 * ```
 * @module
 */
import { ConfigError } from "../core/errors.ts";

/** A stretch of slow change of a learning curve. */
export interface Plateau {
  /** First time of the stretch (same units as the input times). */
  start: number;
  /** Last time of the stretch. */
  end: number;
  /**
   * Error level of the stretch: the geometric mean of eps over log time
   * (exp of the trapezoid mean of ln eps against ln t over the samples inside).
   */
  level: number;
  /** The stretch begins at the first sample (t > 0): it may have begun earlier. */
  atStart: boolean;
  /** The stretch runs to the last sample: it may last longer (or be the final value). */
  atEnd: boolean;
}

/** A plateau with the nearest PCA error on a log scale. */
export interface PlateauMatch extends Plateau {
  /** Number of principal components m of the nearest eps_PCA(m). */
  m: number;
  /** eps_PCA(m). */
  epsPCA: number;
  /** level / eps_PCA(m). */
  ratio: number;
}

/** Options of {@link findPlateaus}. */
export interface PlateauOptions {
  /** Largest |d ln eps / d ln t| inside a plateau (default 0.1). */
  slope?: number;
  /** Shortest plateau, as a ratio end / start of times (default 2). */
  minFactor?: number;
  /**
   * Half-width of the window, in decades of t, over which the local slope is
   * fitted by least squares (default 0.2; at least 2 neighbours a side are used).
   */
  window?: number;
}

/** Defaults of {@link PlateauOptions}. */
export const PLATEAU_DEFAULTS: Required<PlateauOptions> = { slope: 0.1, minFactor: 2, window: 0.2 };

/**
 * Find the plateaus of a learning curve eps(t) sampled at increasing times
 * (log-spaced, ideally at least ~10 a decade). Samples at t = 0 are ignored;
 * every other eps must be finite and > 0.
 *
 * The local slope d ln eps / d ln t is fitted by least squares over a window
 * of +- `window` decades around each sample. A plateau is a maximal stretch
 * where |slope| < `slope`; its ends are interpolated where |slope| crosses
 * the threshold. Two stretches separated by a gap across which the smoothed
 * curve changes by less than `slope` per unit ln t (noise, not a drop) are
 * one plateau. Stretches shorter than a factor `minFactor` in time are
 * dropped. Plateaus are returned in time order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findPlateaus } from "./plateaus.ts";
 * const times = Array.from({ length: 121 }, (_, i) => 10 ** (i / 30 - 2));
 * assert.equal(findPlateaus(times, times.map((t) => t ** -0.5)).length, 0);
 * const flat = findPlateaus(times, times.map(() => 0.3));
 * assert.equal(flat.length, 1);
 * assert.equal(flat[0].start, 0.01);
 * assert.equal(flat[0].end, 100);
 * ```
 */
export function findPlateaus(
  times: readonly number[],
  eps: readonly number[],
  opts: PlateauOptions = {},
): Plateau[] {
  const o = resolveOptions(opts);
  const { x, y } = logCurve(times, eps);
  const n = x.length;
  if (n < 2) return [];
  const { slope, fit } = localSlopes(x, y, o.window * Math.LN10);
  const thr = o.slope;
  const flat = (i: number) => Math.abs(slope[i]) < thr;

  // maximal runs of flat samples, as [first, last] indices
  const runs: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    if (!flat(i)) continue;
    let j = i;
    while (j + 1 < n && flat(j + 1)) j++;
    runs.push([i, j]);
    i = j;
  }
  // join runs whose gap is not a drop: the smoothed curve moves less than thr per unit ln t
  const merged: [number, number][] = [];
  for (const run of runs) {
    const prev = merged[merged.length - 1];
    if (prev && Math.abs(fit[run[0]] - fit[prev[1]]) < thr * (x[run[0]] - x[prev[1]])) {
      prev[1] = run[1];
    } else merged.push([run[0], run[1]]);
  }

  const out: Plateau[] = [];
  for (const [a, b] of merged) {
    const xs = a === 0 ? x[0] : crossing(x, slope, a - 1, a, thr);
    const xe = b === n - 1 ? x[n - 1] : crossing(x, slope, b + 1, b, thr);
    if (xe - xs < Math.log(o.minFactor) - 1e-12) continue;
    out.push({
      start: Math.exp(xs),
      end: Math.exp(xe),
      level: Math.exp(logTimeMean(x, y, a, b)),
      atStart: a === 0,
      atEnd: b === n - 1,
    });
  }
  // report the exact first and last sample times
  if (out.length > 0) {
    if (out[0].atStart) out[0].start = firstPositive(times);
    const last = out[out.length - 1];
    if (last.atEnd) last.end = times[times.length - 1];
  }
  return out;
}

/**
 * Give each plateau the nearest PCA error on a log scale:
 * m = argmin |ln(level / eps_PCA(m))| over the m with eps_PCA(m) > 0.
 * `epsPCA[m]` is eps_PCA(m) for m = 0, 1, ... (as in `pca(...).epsPCA`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matchPlateaus } from "./plateaus.ts";
 * const p = { start: 1, end: 5, level: 0.16, atStart: false, atEnd: false };
 * const [hit] = matchPlateaus([p], [0.5, 0.15, 0.04]);
 * assert.equal(hit.m, 1);
 * assert.ok(Math.abs(hit.ratio - 0.16 / 0.15) < 1e-12);
 * ```
 */
export function matchPlateaus(
  plateaus: readonly Plateau[],
  epsPCA: readonly number[],
): PlateauMatch[] {
  if (!epsPCA.some((e) => e > 0 && Number.isFinite(e))) {
    throw new ConfigError("epsPCA", epsPCA, "an array with at least one finite eps_PCA(m) > 0");
  }
  return plateaus.map((p) => {
    let best = -1, dist = Infinity;
    for (let m = 0; m < epsPCA.length; m++) {
      const e = epsPCA[m];
      if (!(e > 0 && Number.isFinite(e))) continue;
      const d = Math.abs(Math.log(p.level / e));
      if (d < dist) {
        dist = d;
        best = m;
      }
    }
    return { ...p, m: best, epsPCA: epsPCA[best], ratio: p.level / epsPCA[best] };
  });
}

/**
 * A plain-text table of plateaus, one row each, columns start, end, level,
 * nearest m, eps_PCA(m), ratio (the last three "-" for plateaus not
 * matched by {@link matchPlateaus}). `digits`: significant digits (default 3).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatPlateauTable } from "./plateaus.ts";
 * const row = { start: 0.01, end: 2.5, level: 0.5, atStart: true, atEnd: false, m: 0, epsPCA: 0.5, ratio: 1 };
 * const text = formatPlateauTable([row]);
 * assert.ok(text.includes("eps_PCA(m)"));
 * assert.ok(text.split("\n")[2].trim().endsWith("1.000"));
 * ```
 */
export function formatPlateauTable(
  rows: readonly (Plateau | PlateauMatch)[],
  opts: { digits?: number } = {},
): string {
  const digits = opts.digits ?? 3;
  const num = (v: number) => v.toPrecision(digits);
  const header = ["start", "end", "level", "nearest m", "eps_PCA(m)", "ratio"];
  const body = rows.map((r) => {
    const m = "m" in r;
    return [
      (r.atStart ? "<=" : "") + num(r.start),
      (r.atEnd ? ">=" : "") + num(r.end),
      num(r.level),
      m ? String(r.m) : "-",
      m ? num(r.epsPCA) : "-",
      m ? r.ratio.toFixed(digits) : "-",
    ];
  });
  const width = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => s.padStart(width[c])).join("  ");
  return [line(header), width.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

// ---------------------------------------------------------------------------

function resolveOptions(opts: PlateauOptions): Required<PlateauOptions> {
  const o = { ...PLATEAU_DEFAULTS, ...opts };
  if (!(o.slope > 0 && Number.isFinite(o.slope))) {
    throw new ConfigError("slope", opts.slope, "a number > 0");
  }
  if (!(o.minFactor >= 1 && Number.isFinite(o.minFactor))) {
    throw new ConfigError("minFactor", opts.minFactor, "a finite number >= 1");
  }
  if (!(o.window > 0 && Number.isFinite(o.window))) {
    throw new ConfigError("window", opts.window, "decades > 0");
  }
  return o;
}

/** ln t and ln eps of the samples with t > 0, validated. */
function logCurve(times: readonly number[], eps: readonly number[]) {
  if (times.length !== eps.length) {
    throw new ConfigError("eps", `${eps.length} values`, `one value per time (${times.length})`);
  }
  const x: number[] = [], y: number[] = [];
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (!(Number.isFinite(t) && t >= 0)) {
      throw new ConfigError(`times[${i}]`, t, "a finite time >= 0");
    }
    if (i > 0 && !(t > times[i - 1])) {
      throw new ConfigError(`times[${i}]`, t, `a time > times[${i - 1}]`);
    }
    if (t === 0) continue;
    if (!(eps[i] > 0 && Number.isFinite(eps[i]))) {
      throw new ConfigError(`eps[${i}]`, eps[i], "a finite error > 0 (at t > 0)");
    }
    x.push(Math.log(t));
    y.push(Math.log(eps[i]));
  }
  return { x, y };
}

function firstPositive(times: readonly number[]): number {
  return times[0] > 0 ? times[0] : times[1];
}

/**
 * Least-squares line through the samples within a window of width 2w around
 * each x (shifted inwards near the ends of the data, so that it keeps its
 * width; at least 2 neighbours a side where they exist): its slope and its
 * value at x.
 */
function localSlopes(x: number[], y: number[], w: number) {
  const n = x.length;
  const slope = new Float64Array(n), fit = new Float64Array(n);
  let lo = 0, hi = 0;
  for (let i = 0; i < n; i++) {
    let left = x[i] - w, right = x[i] + w;
    if (left < x[0]) right = Math.min(x[n - 1], right + (x[0] - left));
    if (right > x[n - 1]) left = Math.max(x[0], left - (right - x[n - 1]));
    while (x[lo] < left) lo++;
    while (lo > 0 && x[lo - 1] >= left) lo--;
    if (hi < lo) hi = lo;
    while (hi + 1 < n && x[hi + 1] <= right) hi++;
    const a = Math.max(0, Math.min(lo, i - 2));
    const b = Math.min(n - 1, Math.max(hi, i + 2));
    let sx = 0, sy = 0;
    for (let j = a; j <= b; j++) {
      sx += x[j];
      sy += y[j];
    }
    const k = b - a + 1, mx = sx / k, my = sy / k;
    let sxx = 0, sxy = 0;
    for (let j = a; j <= b; j++) {
      sxx += (x[j] - mx) * (x[j] - mx);
      sxy += (x[j] - mx) * (y[j] - my);
    }
    slope[i] = sxx > 0 ? sxy / sxx : 0;
    fit[i] = my + slope[i] * (x[i] - mx);
  }
  return { slope, fit };
}

/** ln t where |slope| crosses thr between sample `out` (steep) and `inn` (flat). */
function crossing(x: number[], slope: Float64Array, out: number, inn: number, thr: number): number {
  const so = Math.abs(slope[out]), si = Math.abs(slope[inn]);
  const f = so > si ? (so - thr) / (so - si) : 1;
  return x[out] + Math.min(1, Math.max(0, f)) * (x[inn] - x[out]);
}

/** Trapezoid mean of y against x over samples a..b (y[a] for a single sample). */
function logTimeMean(x: number[], y: number[], a: number, b: number): number {
  if (b === a) return y[a];
  let s = 0;
  for (let j = a; j < b; j++) s += 0.5 * (y[j] + y[j + 1]) * (x[j + 1] - x[j]);
  return s / (x[b] - x[a]);
}

/**
 * How long a decreasing learning curve lingers at a level: the ratio
 * t_exit / t_enter of the times at which it enters the band
 * [level / factor, level * factor] from above and leaves it below (log-log
 * interpolation between recorded times). 1 when it passes straight through
 * (or never reaches the band), larger for a plateau at that level.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dwell } from "./plateaus.ts";
 * const times = [1, 2, 4, 8, 16, 32];
 * const eps = [0.5, 0.11, 0.1, 0.095, 0.02, 0.01];
 * assert.ok(dwell(times, eps, 0.1, 1.2) > 3);
 * ```
 */
export function dwell(
  times: readonly number[],
  eps: readonly number[],
  level: number,
  factor: number,
): number {
  const hi = level * factor, lo = level / factor;
  const cross = (threshold: number): number => {
    for (let i = 1; i < times.length; i++) {
      const [t0, t1, e0, e1] = [times[i - 1], times[i], eps[i - 1], eps[i]];
      if (t0 <= 0 || e0 <= 0 || e1 <= 0) continue;
      if (e0 > threshold && e1 <= threshold) {
        const f = Math.log(e0 / threshold) / Math.log(e0 / e1);
        return Math.exp(Math.log(t0) + f * Math.log(t1 / t0));
      }
    }
    return NaN;
  };
  const enter = cross(hi);
  const exit = cross(lo);
  if (!Number.isFinite(enter)) return 1;
  if (!Number.isFinite(exit)) return times[times.length - 1] / enter;
  return Math.max(exit / enter, 1);
}
