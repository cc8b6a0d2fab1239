/**
 * A sweep: a base problem, axes that name any problem key by its dotted
 * path with the values to take, and what to run at each point ("simulate",
 * "theory" or both). The points are the Cartesian product of the axes, in a
 * fixed order (the first axis varies slowest); each is resolved and
 * validated before any work, and named by a hash of its resolved problem
 * (and solver), so that a point's file is the same whoever computes it.
 *
 * Points are made one at a time from their index ({@link pointAt},
 * {@link eachPoint}): nothing of a point is kept once it has been handed
 * on, so a sweep's memory does not grow with its number of points.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { checkKeys, checkParam, type ParamSpec, setPath } from "../core/params.ts";
import { problemRecord } from "../problem/prepare.ts";
import { problemParams, resolveProblem } from "../problem/resolve.ts";
import type { Problem, ProblemInput } from "../problem/types.ts";
import {
  resolveSolver,
  SOLVER_KEYS,
  type SolverInput,
  type SolverSettings,
} from "../theory/solver.ts";
import { VERSION } from "../core/version.ts";

/** What to compute at each point. */
export type SweepRun = "simulate" | "theory";

/** A sweep as written in SPEC.json. */
export interface SweepSpec {
  /** The base problem (simulate()'s input); every axis overrides one of its keys. */
  problem: ProblemInput;
  /** Dotted problem paths (e.g. "lr", "network.K", "data.D") and the values each takes. */
  axes: Record<string, unknown[]>;
  /** What to run at each point (default both). */
  run?: SweepRun[];
  /** The theory's solver settings (integrator, form, h, atol, rtol, bins). */
  solver?: SolverInput;
}

/** One point of a sweep, resolved. */
export interface SweepPoint {
  /** Its index in the Cartesian product. */
  index: number;
  /** Its name: a hash of the resolved problem, solver, runs and package version. */
  name: string;
  /** The axis values, by path. */
  values: Record<string, unknown>;
  /** The resolved problem. */
  problem: Problem;
  /** The solver, when the theory runs. */
  solver?: SolverSettings;
}

/** Most points one sweep may hold. */
export const MAX_POINTS = 1_000_000;

/** Specs checked by {@link checkSweepSpec} (frozen: they cannot change afterwards). */
const CHECKED = new WeakSet<object>();

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/**
 * Check a sweep spec handed over as a value (what {@link parseSweepSpec}
 * does after parsing): the keys, the base problem an object, axes that are
 * problem paths each with a non-empty list of distinct values, at least one
 * axis, at most {@link MAX_POINTS} points, `run`. Returns a frozen copy
 * (with `run` filled in); a spec it returned is returned as it is. The
 * problem and solver are checked at every point by {@link checkPoints}.
 */
export function checkSweepSpec(value: unknown, source = "sweep spec"): SweepSpec {
  if (isObject(value) && CHECKED.has(value)) return value as unknown as SweepSpec;
  checkKeys(source, value, ["problem", "axes", "run", "solver"]);
  const s = value as Record<string, unknown>;
  if (!isObject(s.problem)) {
    throw new ConfigError(`${source}: problem`, s.problem, "simulate()'s input as an object");
  }
  if (!isObject(s.axes) || Object.keys(s.axes).length === 0) {
    throw new ConfigError(
      `${source}: axes`,
      s.axes,
      'an object with at least one axis {"path": [values], ...}',
    );
  }
  const paths = new Set(problemParams("spiked").map((p) => p.path));
  let count = 1;
  for (const [path, values] of Object.entries(s.axes)) {
    if (!paths.has(path)) {
      throw new ConfigError(
        `${source}: axes key`,
        path,
        `a problem parameter's path: ${[...paths].join(", ")}`,
      );
    }
    if (!Array.isArray(values) || values.length === 0) {
      throw new ConfigError(`${source}: axes.${path}`, values, "a non-empty list of values");
    }
    count *= values.length;
    if (count > MAX_POINTS) {
      const all = Object.values(s.axes).reduce(
        (n: number, v) => n * (Array.isArray(v) ? v.length : 1),
        1,
      );
      throw new ConfigError(`${source}: axes`, `${all} points`, `at most ${MAX_POINTS} points`);
    }
    const seen = new Map<string, number>();
    for (const [i, v] of values.entries()) {
      const key = canonicalJson(v) ?? String(v);
      const j = seen.get(key);
      if (j !== undefined) {
        throw new ConfigError(
          `${source}: axes.${path}`,
          values,
          `a list of distinct values (entries ${j} and ${i} are both ${key})`,
        );
      }
      seen.set(key, i);
    }
  }
  const run = s.run ?? ["simulate", "theory"];
  if (
    !Array.isArray(run) || run.length === 0 ||
    run.some((r) => r !== "simulate" && r !== "theory") || new Set(run).size !== run.length
  ) {
    throw new ConfigError(`${source}: run`, s.run, '["simulate"], ["theory"] or both');
  }
  if (s.solver !== undefined) checkKeys(`${source}: solver`, s.solver, SOLVER_KEYS);
  let copy: SweepSpec;
  try {
    copy = structuredClone({
      problem: s.problem,
      axes: s.axes,
      run,
      ...(s.solver !== undefined ? { solver: s.solver } : {}),
    }) as SweepSpec;
  } catch (e) {
    throw new ConfigError(
      source,
      `a value that cannot be copied (${(e as Error).message})`,
      "JSON values",
    );
  }
  const spec = deepFreeze(copy);
  CHECKED.add(spec);
  return spec;
}

/**
 * Parse and check a sweep spec (the JSON text of SPEC.json); see
 * {@link checkSweepSpec}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSweepSpec } from "@aedyn/aedyn";
 * const s = parseSweepSpec('{"problem": {"tMax": 5}, "axes": {"lr": [0.5, 1]}}');
 * assert.equal(s.axes.lr.length, 2);
 * assert.deepEqual(s.run, ["simulate", "theory"]);
 * ```
 */
// the signature deno doc shows: source is optional (default "sweep spec")
export function parseSweepSpec(text: string, source?: string): SweepSpec;
export function parseSweepSpec(text: string, source = "sweep spec"): SweepSpec {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(source, `text that is not JSON (${(e as Error).message})`, "a JSON file");
  }
  return checkSweepSpec(obj, source);
}

async function sha256(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** JSON with the keys of every object sorted: one text for one value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
        : v,
  );
}

/** The number of points of a (checked) spec. */
export function pointCount(spec: SweepSpec): number {
  return Object.values(spec.axes).reduce((n, v) => n * v.length, 1);
}

/** The axis values of point `index` (the first axis varies slowest). */
export function axisValuesAt(spec: SweepSpec, index: number): Record<string, unknown> {
  const axes = Object.entries(spec.axes);
  const values: Record<string, unknown> = {};
  let rest = index;
  for (let a = axes.length - 1; a >= 0; a--) {
    const [path, list] = axes[a];
    values[path] = list[rest % list.length];
    rest = Math.floor(rest / list.length);
  }
  // in the axes' order
  return Object.fromEntries(axes.map(([path]) => [path, values[path]]));
}

/**
 * Point `index` of a sweep, resolved and named; a point that does not
 * resolve is refused, naming its axis values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSweepSpec, pointAt } from "./spec.ts";
 * const spec = parseSweepSpec('{"problem": {"tMax": 5}, "axes": {"lr": [0.5, 1], "network.K": [1, 2]}}');
 * const p = await pointAt(spec, 2);
 * assert.deepEqual(p.values, { lr: 1, "network.K": 1 });
 * assert.equal(p.problem.lr, 1);
 * ```
 */
export async function pointAt(
  spec: SweepSpec,
  index: number,
  source = "sweep spec",
): Promise<SweepPoint> {
  const { point, key } = resolvePoint(checkSweepSpec(spec, source), index, source);
  return { ...point, name: await nameOf(key) };
}

/** A point's name from the text of its configuration. */
async function nameOf(key: string): Promise<string> {
  return (await sha256(key)).slice(0, 20);
}

/** Point `index` resolved, without its name, and the text its name hashes. */
function resolvePoint(
  checked: SweepSpec,
  index: number,
  source: string,
): { point: Omit<SweepPoint, "name">; key: string } {
  const count = pointCount(checked);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new ConfigError("point index", index, `an integer from 0 to ${count - 1}`);
  }
  const values = axisValuesAt(checked, index);
  const input = structuredClone(checked.problem) as Record<string, unknown>;
  for (const [path, v] of Object.entries(values)) setPath(input, path, structuredClone(v));
  const run = checked.run ?? ["simulate", "theory"];
  let problem: Problem, solver: SolverSettings | undefined;
  try {
    problem = resolveProblem(input as ProblemInput);
    if (run.includes("theory")) solver = resolveSolver(checked.solver ?? {}, problem);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const at = Object.entries(values).map(([p, v]) => `${p} = ${JSON.stringify(v)}`).join(", ");
    throw new ConfigError(`${source} (point ${index}: ${at}): ${e.param}`, e.value, e.allowed);
  }
  const key = canonicalJson({
    version: VERSION,
    problem: problemRecord(problem),
    solver: solver ?? null,
    run: checked.run,
  });
  return { point: { index, values, problem, ...(solver ? { solver } : {}) }, key };
}

/** Which points a shard runs: every `count`-th from `index` (0-based). */
export interface Shard {
  /** This shard, from 0 to count - 1. */
  index: number;
  /** The number of shards. */
  count: number;
}

/** The declaration of a shard, checked with the parameter tables' machinery. */
const SHARD_PARAMS: readonly ParamSpec[] = [
  {
    path: "shard.count",
    flag: "shard",
    type: "integer",
    min: 1,
    max: MAX_POINTS,
    doc: "the number of shards",
  },
  {
    path: "shard.index",
    flag: "shard",
    type: "integer",
    min: 0,
    max: (c) => (c["shard.count"] as number) - 1,
    maxNote: "below shard.count",
    doc: "this shard, from 0",
  },
];

/**
 * Check a shard handed over as a value: an object `{ index, count }` of
 * integers with 0 <= index < count; a ConfigError names what is wrong.
 */
export function checkShard(shard: unknown): Shard {
  checkKeys("shard", shard, ["index", "count"]);
  const s = shard as Record<string, unknown>;
  const ctx: Record<string, unknown> = {};
  for (const p of SHARD_PARAMS) {
    const key = p.path.slice("shard.".length);
    ctx[p.path] = checkParam(p, s[key], ctx);
  }
  return { index: s.index as number, count: s.count as number };
}

/** The number of points of `shard` among `count` points. */
export function shardSize(count: number, shard?: Shard): number {
  if (!shard) return count;
  return shard.index >= count ? 0 : Math.ceil((count - shard.index) / shard.count);
}

/** The index of the i-th point of `shard`. */
export function shardPointIndex(i: number, shard?: Shard): number {
  return shard ? shard.index + i * shard.count : i;
}

/**
 * The points of a sweep (or of one shard), made one at a time in index
 * order: a caller that does not keep them holds one point at a time.
 */
export async function* eachPoint(
  spec: SweepSpec,
  opts: { shard?: Shard; source?: string } = {},
): AsyncGenerator<SweepPoint> {
  const checked = checkSweepSpec(spec, opts.source);
  const shard = opts.shard === undefined ? undefined : checkShard(opts.shard);
  const n = shardSize(pointCount(checked), shard);
  for (let i = 0; i < n; i++) yield await pointAt(checked, shardPointIndex(i, shard), opts.source);
}

/** What {@link checkPoints} finds: the size of a sweep and what its points need. */
export interface SweepBounds {
  /** Number of points. */
  count: number;
  /**
   * The most test-set values (nTest x D) of one point that simulates (0 when
   * none does): what one worker holds in memory at once.
   */
  testValues: number;
  /**
   * At most how many numbers every point's curves hold together: its
   * recorded times and one curve per part run.
   */
  curveValues: number;
}

const BOUNDS = new WeakMap<SweepSpec, SweepBounds>();

/**
 * At most how many times a problem records (its grid, time 0 and its
 * snapshot times; rounding to whole steps only merges some), without
 * making the grid.
 */
function timesBound(p: Problem): number {
  return (p.times?.length ?? p.nTimes) + 1 + (p.snapshotTimes?.length ?? 0);
}

/**
 * Resolve every point of a sweep before any work, keeping none of them: a
 * point that does not resolve, or two points that are the same problem
 * (the same name: one file, two rows), is refused with a ConfigError. The
 * answer is remembered for the spec (a checked spec is frozen); `signal`
 * stops the check between batches of points.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkPoints, parseSweepSpec } from "./spec.ts";
 * const spec = parseSweepSpec('{"problem": {"data": {"D": 100}, "nTest": 50}, "axes": {"lr": [0.5, 1]}}');
 * const { count, testValues } = await checkPoints(spec);
 * assert.deepEqual([count, testValues], [2, 5000]);
 * ```
 */
export async function checkPoints(
  spec: SweepSpec,
  source = "sweep spec",
  signal?: AbortSignal,
): Promise<SweepBounds> {
  const checked = checkSweepSpec(spec, source);
  const known = BOUNDS.get(checked);
  if (known) return known;
  const simulates = (checked.run ?? []).includes("simulate");
  const count = pointCount(checked);
  // the first 52 bits of each name (a number: a few bytes a point), a twin confirmed in full
  const names = new Map<number, number>();
  let testValues = 0, curveValues = 0;
  const parts = (checked.run ?? []).length + 1;
  // resolved in batches whose names are hashed together: one point at a time would wait
  // for the digest of each
  const BATCH = 512;
  for (let start = 0; start < count; start += BATCH) {
    signal?.throwIfAborted(); // a batch takes some 50 ms
    const batch = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      batch.push(resolvePoint(checked, i, source));
    }
    const batchNames = await Promise.all(batch.map((b) => nameOf(b.key)));
    for (const [j, { point }] of batch.entries()) {
      const prefix = parseInt(batchNames[j].slice(0, 13), 16);
      const twin = names.get(prefix);
      if (twin !== undefined && (await pointAt(checked, twin, source)).name === batchNames[j]) {
        const at = (v: Record<string, unknown>) =>
          Object.entries(v).map(([k, x]) => `${k} = ${JSON.stringify(x)}`).join(", ");
        throw new ConfigError(
          `${source}: axes`,
          `points ${twin} (${at(axisValuesAt(checked, twin))}) and ${point.index} (${
            at(point.values)
          })`,
          "axis values that make different problems (these two resolve to the same one)",
        );
      }
      names.set(prefix, point.index);
      if (simulates) {
        testValues = Math.max(testValues, point.problem.nTest * point.problem.data.D);
      }
      curveValues += parts * timesBound(point.problem);
    }
  }
  const bounds = { count, testValues, curveValues };
  BOUNDS.set(checked, bounds);
  return bounds;
}

/**
 * Every point of a sweep, resolved and named, in Cartesian order (for
 * small sweeps: a list holds them all; {@link eachPoint} makes them one at
 * a time). Every point is checked first ({@link checkPoints}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSweepSpec, sweepPoints } from "./spec.ts";
 * const spec = parseSweepSpec('{"problem": {"tMax": 5}, "axes": {"lr": [0.5, 1], "network.K": [1, 2]}}');
 * const points = await sweepPoints(spec);
 * assert.equal(points.length, 4);
 * assert.equal(points[1].values["network.K"], 2);
 * assert.equal(points[2].problem.lr, 1);
 * ```
 */
export async function sweepPoints(spec: SweepSpec, source = "sweep spec"): Promise<SweepPoint[]> {
  await checkPoints(spec, source);
  return await Array.fromAsync(eachPoint(spec, { source }));
}

/** The points of one shard. */
export function shardOf<T extends { index: number }>(points: readonly T[], shard: Shard): T[] {
  const s = checkShard(shard);
  return points.filter((p) => p.index % s.count === s.index);
}
