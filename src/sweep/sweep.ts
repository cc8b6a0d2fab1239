/**
 * Run a sweep: every point of a spec (or of one shard of it) in a pool of
 * Web Workers, skipping the points already finished, handing each result to
 * the caller as soon as it exists (to be saved), with progress and an
 * estimate of the time left. Then {@link summarise} turns the results of
 * all points into rows (axis values and metrics, in point order, no
 * timings), which are the same bits however the work was split.
 *
 * Storage is the caller's: the CLI keeps one file per point; a browser may
 * keep them in memory.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { runInWorkers } from "../core/pool.ts";
import { type PointResult, runPoint } from "./point.ts";
import {
  type Shard,
  shardOf,
  type SweepPoint,
  sweepPoints,
  type SweepRun,
  type SweepSpec,
} from "./spec.ts";
import { VERSION } from "../core/version.ts";

/** What a worker receives for one point. */
export interface PointTask {
  /** The point, resolved. */
  point: SweepPoint;
  /** What to run at it. */
  run: SweepRun[];
}

/** Progress of a sweep, as reported to `onProgress`. */
export interface SweepProgress {
  /** Points of this shard finished (computed now or found finished). */
  done: number;
  /** Points of this shard. */
  total: number;
  /** Points found finished at the start (not run again). */
  skipped: number;
  /** Fraction of this run's work done, in [0, 1] (points in flight counted by their own progress). */
  fraction: number;
  /** Seconds since the start. */
  elapsed: number;
  /** Estimated seconds left (null until something has been measured). */
  eta: number | null;
}

/** Options of {@link sweep}. */
export interface SweepOptions {
  /** Web Workers to spread the points over (default 1: this thread, no worker). */
  workers?: number;
  /** Run only this shard's points (every count-th, from index). */
  shard?: Shard;
  /** A point's earlier result, when it has one (it is then not run again). */
  finished?: (point: SweepPoint) => PointResult | undefined | Promise<PointResult | undefined>;
  /** Called with each new result as soon as it exists (e.g. to write it). */
  onPoint?: (result: PointResult) => void | Promise<void>;
  /** Called when a point finishes and about every 0.2 s while points run. */
  onProgress?: (p: SweepProgress) => void;
  /** Stops the sweep (the workers are terminated; finished points stay finished). */
  signal?: AbortSignal;
}

/**
 * Run the points of a sweep (all of them, or one shard's) and return their
 * results in point order.
 *
 * @param spec a parsed spec (see parseSweepSpec)
 * @param opts workers, shard, finished points, hooks, abort signal
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSweepSpec, sweep, summarise } from "./mod.ts";
 * const spec = parseSweepSpec('{"problem": {"data": {"D": 40}, "network": {"K": 2}, "tMax": 2, "nTimes": 4, "nTest": 100}, "axes": {"lr": [0.5, 1]}, "run": ["theory"]}');
 * const results = await sweep(spec);
 * const { rows } = await summarise(spec, results);
 * assert.equal(rows.length, 2);
 * assert.equal(rows[1].lr, 1);
 * assert.equal(typeof rows[1].finalError, "number");
 * ```
 */
export async function sweep(spec: SweepSpec, opts: SweepOptions = {}): Promise<PointResult[]> {
  const all = await sweepPoints(spec);
  const points = opts.shard ? shardOf(all, opts.shard) : all;
  const run = spec.run ?? ["simulate", "theory"];
  const results = new Map<number, PointResult>();
  for (const p of points) {
    const r = await opts.finished?.(p);
    if (r) results.set(p.index, r);
  }
  const todo = points.filter((p) => !results.has(p.index));
  const skipped = points.length - todo.length;
  const started = performance.now();
  const inFlight = new Map<number, number>(); // todo index -> fraction
  let finishedNow = 0;
  let lastReport = 0;
  const report = (force: boolean) => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (!force && now - lastReport < 200) return;
    lastReport = now;
    let partial = 0;
    for (const f of inFlight.values()) partial += f;
    const fraction = todo.length === 0 ? 1 : Math.min(1, (finishedNow + partial) / todo.length);
    const elapsed = (now - started) / 1000;
    opts.onProgress({
      done: skipped + finishedNow,
      total: points.length,
      skipped,
      fraction,
      elapsed,
      eta: fraction > 0 ? elapsed * (1 - fraction) / fraction : null,
    });
  };
  const finish = async (r: PointResult, i: number) => {
    results.set(r.index, r);
    inFlight.delete(i);
    finishedNow++;
    await opts.onPoint?.(r);
    report(true);
  };
  report(true);
  const workers = Math.max(1, Math.floor(opts.workers ?? 1));
  if (workers === 1 || todo.length <= 1) {
    for (const [i, point] of todo.entries()) {
      opts.signal?.throwIfAborted();
      const r = await runPoint(point, run, {
        signal: opts.signal,
        onProgress: (f) => {
          inFlight.set(i, f);
          report(false);
        },
      });
      await finish(r, i);
    }
  } else {
    await runInWorkers<PointTask, PointResult, number>(
      new URL("./worker.ts", import.meta.url),
      todo.map((point) => ({ point, run })),
      {
        workers,
        signal: opts.signal,
        onEvent: (i, f) => {
          inFlight.set(i, f);
          report(false);
        },
        onDone: (i, r) => finish(r, i),
      },
    );
  }
  return points.map((p) => results.get(p.index)!);
}

/** One row of a summary: a point's index, axis values (by path) and metrics. */
export type SweepRow = Record<string, number | string | boolean | null>;

/** What {@link summarise} returns (and `sweep --merge` writes as summary.json). */
export interface SweepSummary {
  /** The package version that summarised it. */
  version: string;
  /** The spec. */
  spec: SweepSpec;
  /** The axes: their paths and values, in the spec's order. */
  axes: { path: string; values: unknown[] }[];
  /** One row per point, in point order: index, axis values, metrics (no timings). */
  rows: SweepRow[];
  /** The error curves of every point, in point order. */
  curves: {
    index: number;
    times: number[];
    simulation: number[] | null;
    theory: number[] | null;
    epsPCA: number[];
  }[];
  /** Each point's name and the seconds it took (kept out of the rows). */
  timings: { index: number; name: string; seconds: number; version: string }[];
}

/** The row of one result: index, axis values, then the metrics (plateau ends as plateauEnd1, ...). */
export function rowOf(r: PointResult): SweepRow {
  const row: SweepRow = { index: r.index };
  for (const [path, v] of Object.entries(r.values)) {
    row[path] = typeof v === "object" && v !== null ? JSON.stringify(v) : v as SweepRow[string];
  }
  const m = r.metrics;
  row.finalError = m.finalError;
  row.finalOverPCA = m.finalOverPCA;
  m.plateauEnds.forEach((t, i) => (row[`plateauEnd${i + 1}`] = t));
  row.theoryFinal = m.theoryFinal;
  row.deviationMax = m.deviationMax;
  row.deviationMean = m.deviationMean;
  row.failure = r.failure;
  return row;
}

/**
 * The summary of a sweep from the results of its points (any order, from
 * any number of shards): every point must be there, computed for the
 * point's name, or a ConfigError says which are missing.
 */
export async function summarise(
  spec: SweepSpec,
  results: readonly PointResult[],
): Promise<SweepSummary> {
  const points = await sweepPoints(spec);
  const byName = new Map(results.map((r) => [r.name, r]));
  const missing = points.filter((p) => !byName.has(p.name));
  if (missing.length > 0) {
    const list = missing.slice(0, 8).map((p) => p.index).join(", ");
    throw new ConfigError(
      "sweep results",
      `${missing.length} of ${points.length} points missing (indices ${list}${
        missing.length > 8 ? ", ..." : ""
      })`,
      "the results of every point (run the missing shards, or rerun the sweep)",
    );
  }
  const ordered = points.map((p) => byName.get(p.name)!);
  return {
    version: VERSION,
    spec,
    axes: Object.entries(spec.axes).map(([path, values]) => ({ path, values })),
    rows: ordered.map(rowOf),
    curves: ordered.map((r) => ({ index: r.index, ...r.curves, epsPCA: r.epsPCA })),
    timings: ordered.map((r) => ({
      index: r.index,
      name: r.name,
      seconds: r.seconds,
      version: r.version,
    })),
  };
}

/**
 * The rows as CSV: one column per key met in any row (in order of first
 * appearance), numbers in their shortest exact form, null as an empty cell,
 * strings quoted when they hold a comma, a quote or a line break.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowsCsv } from "./sweep.ts";
 * const csv = rowsCsv([{ index: 0, lr: 0.5, x: null }, { index: 1, lr: 1, x: 'a,"b"' }]);
 * assert.equal(csv, 'index,lr,x\n0,0.5,\n1,1,"a,""b"""\n');
 * ```
 */
export function rowsCsv(rows: readonly SweepRow[]): string {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return "";
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [keys.map(cell).join(","), ...rows.map((r) => keys.map((k) => cell(r[k])).join(","))]
    .join("\n") + "\n";
}
