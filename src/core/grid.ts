/**
 * Time grids, in t = steps / D: the default log-spaced recording times and
 * the rounding of requested times to whole steps.
 * @module
 */

/**
 * Default recording times: 0, then `n` log-spaced times from tMin (default
 * max(1/D, tMax / 10^4)) to tMax, rounded to whole steps and deduplicated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultTimes } from "./grid.ts";
 * const ts = defaultTimes(10, 100, 5);
 * assert.equal(ts[0], 0);
 * assert.equal(ts[ts.length - 1], 10);
 * assert.equal(ts.length, 6);
 * ```
 */
export function defaultTimes(tMax: number, D: number, n: number, tMin?: number): number[] {
  const lo = tMin ?? Math.max(1 / D, tMax / 1e4);
  const steps = new Set<number>([0]);
  for (let i = 0; i < n; i++) {
    const t = n === 1 ? tMax : lo * Math.pow(tMax / lo, i / (n - 1));
    steps.add(Math.max(1, Math.round(t * D)));
  }
  return [...steps].sort((a, b) => a - b).map((s) => s / D);
}

/** What fixes a recording grid. */
export interface GridSpec {
  /** Input dimension D (one step is 1/D). */
  D: number;
  /** Final time. */
  tMax: number;
  /** Number of log-spaced times. */
  nTimes: number;
  /** First log-spaced time. */
  tMin?: number;
  /** Explicit times instead of the log-spaced ones. */
  times?: number[];
  /** Snapshot times, added to the grid. */
  snapshotTimes?: number[];
}

/**
 * The recording times of a problem, in t = steps / D (whole steps, sorted,
 * distinct): the explicit times or the default grid, plus the snapshot times.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordingTimes } from "./grid.ts";
 * const ts = recordingTimes({ D: 10, tMax: 1, nTimes: 3, times: [0.33, 1], snapshotTimes: [0.5] });
 * assert.equal(ts.join(), "0.3,0.5,1");
 * ```
 */
export function recordingTimes(g: GridSpec): number[] {
  const { D } = g;
  const base = g.times
    ? g.times.map((t) => Math.round(t * D) / D)
    : defaultTimes(g.tMax, D, g.nTimes, g.tMin);
  const snaps = (g.snapshotTimes ?? []).map((t) => Math.round(t * D) / D);
  return [...new Set([...base, ...snaps])].sort((a, b) => a - b);
}
