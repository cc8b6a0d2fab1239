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
import { checkParam, type ParamSpec } from "../core/params.ts";
import { MAX_WORKERS } from "../core/pool.ts";
import { fanOut, Tally } from "../core/fanout.ts";
import { MAX_BLOCK } from "../problem/params.ts";
import { type PointResult, pointResultProblem, runPoint } from "./point.ts";
import {
  checkPoints,
  checkShard,
  checkSweepSpec,
  pointAt,
  pointCount,
  type Shard,
  shardPointIndex,
  shardSize,
  type SweepPoint,
  type SweepRun,
  type SweepSpec,
} from "./spec.ts";
import { VERSION } from "../core/version.ts";
import { displayable } from "../core/display.ts";

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

/** Options of {@link sweep} and {@link runSweep}. */
export interface SweepOptions {
  /**
   * Web Workers to spread the points over (default 1: this thread, no
   * worker; at most {@link MAX_WORKERS}). Fewer are started when the test
   * sets of that many simulating points (nTest x D each) would together
   * exceed MAX_BLOCK values: see {@link workersFor}.
   */
  workers?: number;
  /** Run only this shard's points (every count-th, from index). */
  shard?: Shard;
  /**
   * A point's earlier result, when it has one (it is then not run again);
   * what it returns is checked against the point (a ConfigError if it is
   * not that point's record).
   */
  finished?: (point: SweepPoint) => PointResult | undefined | Promise<PointResult | undefined>;
  /** Called with each new result as soon as it exists (e.g. to write it). */
  onPoint?: (result: PointResult) => void | Promise<void>;
  /** Called when a point finishes and about every 0.2 s while points run. */
  onProgress?: (p: SweepProgress) => void;
  /** Stops the sweep (the workers are terminated; finished points stay finished). */
  signal?: AbortSignal;
}

/** What {@link runSweep} did. */
export interface SweepRunSummary {
  /** Points of this shard. */
  total: number;
  /** Points found finished at the start. */
  skipped: number;
  /** Points computed now. */
  computed: number;
  /** Workers the points ran on (1: this thread). */
  workers: number;
}

/** The declaration of the options that are numbers (the same machinery as the CLI's tables). */
const WORKERS_PARAM: ParamSpec = {
  path: "workers",
  flag: "workers",
  type: "integer",
  min: 1,
  max: MAX_WORKERS,
  doc: "Web Workers of the pool",
};

const HOOKS = ["finished", "onPoint", "onProgress"] as const;

/** Check the options of a sweep: a ConfigError names the option and what it allows. */
export function checkSweepOptions(opts: unknown): SweepOptions {
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) {
    throw new ConfigError("sweep options", opts, "an object");
  }
  const o = opts as Record<string, unknown>;
  const known = ["workers", "shard", ...HOOKS, "signal"];
  const extra = Object.keys(o).find((k) => !known.includes(k) && o[k] !== undefined);
  if (extra !== undefined) throw new ConfigError("sweep options key", extra, known.join(", "));
  if (o.workers !== undefined) checkParam(WORKERS_PARAM, o.workers);
  if (o.shard !== undefined) checkShard(o.shard);
  for (const hook of HOOKS) {
    if (o[hook] !== undefined && typeof o[hook] !== "function") {
      throw new ConfigError(hook, o[hook], "a function");
    }
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new ConfigError("signal", o.signal, "an AbortSignal");
  }
  return o as SweepOptions;
}

/**
 * The workers a pool may run together: at most `wanted`, at most one per
 * task, and few enough that their test sets (`testValues` = nTest x D each)
 * hold at most MAX_BLOCK values together (one worker at least: a point's
 * own test set is bounded when it is resolved).
 */
export function workersFor(wanted: number, tasks: number, testValues: number): number {
  const byMemory = testValues > 0 ? Math.max(1, Math.floor(MAX_BLOCK / testValues)) : wanted;
  return Math.max(1, Math.min(wanted, tasks, byMemory));
}

/**
 * Run the points of a sweep (all of them, or one shard's), handing each
 * new result to `onPoint` and keeping none: memory does not grow with the
 * number of points. Every point is resolved and checked before any work.
 */
export async function runSweep(
  spec: SweepSpec,
  options: SweepOptions = {},
): Promise<SweepRunSummary> {
  const opts = checkSweepOptions(options);
  const checked = checkSweepSpec(spec);
  const bounds = await checkPoints(checked, undefined, opts.signal);
  const shard = opts.shard === undefined ? undefined : checkShard(opts.shard);
  const total = shardSize(pointCount(checked), shard);
  const run = checked.run ?? ["simulate", "theory"];
  // the points still to run, by their index in the shard (numbers only: no point is kept)
  const todo: number[] = [];
  for (let i = 0; i < total; i++) {
    opts.signal?.throwIfAborted();
    if (!opts.finished) {
      todo.push(i);
      continue;
    }
    const point = await pointAt(checked, shardPointIndex(i, shard));
    const r = await opts.finished(point);
    if (r === undefined) {
      todo.push(i);
      continue;
    }
    const why = pointResultProblem(r, point, run);
    if (why) {
      throw new ConfigError(
        `finished(point ${point.index})`,
        `a record with ${why}`,
        "undefined, or the PointResult of that point",
      );
    }
  }
  const skipped = total - todo.length;
  const started = performance.now();
  const tally = new Tally(todo.length);
  let lastReport = 0;
  const report = (force: boolean) => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (!force && now - lastReport < 200) return;
    lastReport = now;
    const fraction = tally.fraction;
    const elapsed = (now - started) / 1000;
    opts.onProgress({
      done: skipped + tally.finished,
      total,
      skipped,
      fraction,
      elapsed,
      eta: fraction > 0 ? elapsed * (1 - fraction) / fraction : null,
    });
  };
  report(true);
  const workers = workersFor(
    opts.workers ?? 1,
    todo.length,
    run.includes("simulate") ? bounds.testValues : 0,
  );
  await fanOut<PointTask, PointResult, number>({
    count: todo.length,
    workers,
    worker: new URL("./worker.ts", import.meta.url),
    input: async (i) => ({
      point: await pointAt(checked, shardPointIndex(todo[i], shard)),
      run: [...run],
    }),
    local: (task, emit) =>
      runPoint(task.point, task.run, { signal: opts.signal, onProgress: emit }),
    keep: false,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onEvent: (i, f) => {
      tally.reach(i, f);
      report(false);
    },
    onDone: async (i, r) => {
      tally.finish(i);
      await opts.onPoint?.(r);
      report(true);
    },
  });
  const computed = tally.finished;
  return { total, skipped, computed, workers };
}

/**
 * Run the points of a sweep (all of them, or one shard's) and return their
 * results in point order (finished ones included). The results are kept in
 * memory: for a large sweep, store them from `onPoint` and use
 * {@link runSweep}.
 *
 * @param spec a sweep spec (checked: see checkSweepSpec)
 * @param opts workers, shard, finished points, hooks, abort signal
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSweepSpec, summarise, sweep } from "@aedyn/aedyn";
 * const spec = parseSweepSpec('{"problem": {"data": {"D": 40}, "network": {"K": 2}, "tMax": 2, "nTimes": 4, "nTest": 100}, "axes": {"lr": [0.5, 1]}, "run": ["theory"]}');
 * const results = await sweep(spec);
 * const { rows } = await summarise(spec, results);
 * assert.equal(rows.length, 2);
 * assert.equal(rows[1].lr, 1);
 * assert.equal(typeof rows[1].finalError, "number");
 * ```
 */
// the signature deno doc shows: opts is optional (default {})
export function sweep(spec: SweepSpec, opts?: SweepOptions): Promise<PointResult[]>;
export async function sweep(spec: SweepSpec, opts: SweepOptions = {}): Promise<PointResult[]> {
  const o = checkSweepOptions(opts);
  const results = new Map<number, PointResult>();
  await runSweep(spec, {
    ...o,
    finished: async (p) => {
      const r = await o.finished?.(p);
      if (r !== undefined) results.set(p.index, r);
      return r;
    },
    onPoint: async (r) => {
      results.set(r.index, r);
      await o.onPoint?.(r);
    },
  });
  return [...results.keys()].sort((a, b) => a - b).map((i) => results.get(i)!);
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
  /** The error curves of every point, in point order (none when left out). */
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
  if (
    typeof r !== "object" || r === null || typeof r.metrics !== "object" || r.metrics === null ||
    !Array.isArray(r.metrics.plateauEnds) || typeof r.values !== "object" || r.values === null
  ) {
    throw new ConfigError("sweep result", r, "a PointResult (see runPoint)");
  }
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
 * any number of shards): every result is checked against its point (a
 * ConfigError names the first that is not one of the sweep's records, by
 * its position in `results`), and every point must be there, or a
 * ConfigError says which are missing. `curves: false` leaves the curves
 * out (a summary of many points stays small: its rows only).
 */
export async function summarise(
  spec: SweepSpec,
  results: readonly PointResult[],
  opts: { curves?: boolean } = {},
): Promise<SweepSummary> {
  const checked = checkSweepSpec(spec);
  const { count } = await checkPoints(checked);
  if (!Array.isArray(results)) {
    throw new ConfigError("sweep results", results, "a list of the points' results");
  }
  const run = checked.run ?? ["simulate", "theory"];
  // by index; each is checked against the point of its index, made one at a time
  const byIndex = new Map<number, { r: PointResult; at: number }>();
  for (const [at, r] of results.entries()) {
    const index = (r as { index?: unknown } | null)?.index;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= count) {
      throw new ConfigError(
        `sweep results[${at}]`,
        typeof r === "object" && r !== null ? `a record with index ${JSON.stringify(index)}` : r,
        `the result of a point of this sweep (index 0 to ${count - 1})`,
      );
    }
    const twin = byIndex.get(index);
    if (twin) {
      throw new ConfigError(
        `sweep results[${at}]`,
        `a second result of point ${index} (the first is results[${twin.at}])`,
        "one result per point",
      );
    }
    byIndex.set(index, { r, at });
  }
  const missing: number[] = [];
  for (let i = 0; i < count; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0) {
    const list = missing.slice(0, 8).join(", ");
    throw new ConfigError(
      "sweep results",
      `${missing.length} of ${count} points missing (indices ${list}${
        missing.length > 8 ? ", ..." : ""
      })`,
      "the results of every point (run the missing shards, or rerun the sweep)",
    );
  }
  const ordered: PointResult[] = [];
  for (let i = 0; i < count; i++) {
    const { r, at } = byIndex.get(i)!;
    const why = pointResultProblem(r, await pointAt(checked, i), run);
    if (why) {
      throw new ConfigError(
        `sweep results[${at}]`,
        `a record of point ${i} with ${why}`,
        "the record this version computes for the point",
      );
    }
    ordered.push(r);
  }
  return displayable({
    version: VERSION,
    spec: checked,
    axes: Object.entries(checked.axes).map(([path, values]) => ({ path, values })),
    rows: ordered.map(rowOf),
    curves: opts.curves === false
      ? []
      : ordered.map((r) => ({ index: r.index, ...r.curves, epsPCA: r.epsPCA })),
    timings: ordered.map((r) => ({
      index: r.index,
      name: r.name,
      seconds: r.seconds,
      version: r.version,
    })),
  } as SweepSummary, "sweep");
}

/**
 * The rows as CSV: one column per key met in any row (in order of first
 * appearance), numbers in their shortest exact form, null as an empty cell,
 * strings quoted when they hold a comma, a quote or a line break.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowsCsv } from "@aedyn/aedyn";
 * const csv = rowsCsv([{ index: 0, lr: 0.5, x: null }, { index: 1, lr: 1, x: 'a,"b"' }]);
 * assert.equal(csv, 'index,lr,x\n0,0.5,\n1,1,"a,""b"""\n');
 * ```
 */
export function rowsCsv(rows: readonly SweepRow[]): string {
  if (!Array.isArray(rows) || rows.some((r) => typeof r !== "object" || r === null)) {
    throw new ConfigError("sweep rows", rows, "a list of rows (objects), as summarise gives");
  }
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
