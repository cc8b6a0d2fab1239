/**
 * A sweep: a base problem, axes that name any problem key by its dotted
 * path with the values to take, and what to run at each point ("simulate",
 * "theory" or both). The points are the Cartesian product of the axes, in a
 * fixed order (the first axis varies slowest); each is resolved and
 * validated before any work, and named by a hash of its resolved problem
 * (and solver), so that a point's file is the same whoever computes it.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { checkKeys, setPath } from "../core/params.ts";
import { prepare } from "../problem/prepare.ts";
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
export const MAX_POINTS = 10_000;

/**
 * Parse and check a sweep spec (the JSON text of SPEC.json); the problem
 * and solver are checked at every point by {@link sweepPoints}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSweepSpec } from "./spec.ts";
 * const s = parseSweepSpec('{"problem": {"tMax": 5}, "axes": {"lr": [0.5, 1]}}');
 * assert.equal(s.axes.lr.length, 2);
 * assert.equal(s.run!.join(), "simulate,theory");
 * ```
 */
export function parseSweepSpec(text: string, source = "sweep spec"): SweepSpec {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(source, `text that is not JSON (${(e as Error).message})`, "a JSON file");
  }
  checkKeys(source, obj, ["problem", "axes", "run", "solver"]);
  const s = obj as SweepSpec;
  if (typeof s.problem !== "object" || s.problem === null || Array.isArray(s.problem)) {
    throw new ConfigError(`${source}: problem`, s.problem, "simulate()'s input as an object");
  }
  if (typeof s.axes !== "object" || s.axes === null || Array.isArray(s.axes)) {
    throw new ConfigError(`${source}: axes`, s.axes, 'an object {"path": [values], ...}');
  }
  const paths = new Set(problemParams("spiked").map((p) => p.path));
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
  }
  const run = s.run ?? ["simulate", "theory"];
  if (
    !Array.isArray(run) || run.length === 0 ||
    run.some((r) => r !== "simulate" && r !== "theory") || new Set(run).size !== run.length
  ) {
    throw new ConfigError(`${source}: run`, s.run, '["simulate"], ["theory"] or both');
  }
  if (s.solver !== undefined) checkKeys(`${source}: solver`, s.solver, SOLVER_KEYS);
  const count = Object.values(s.axes).reduce((n, v) => n * v.length, 1);
  if (count > MAX_POINTS) {
    throw new ConfigError(`${source}: axes`, `${count} points`, `at most ${MAX_POINTS} points`);
  }
  return { problem: s.problem, axes: s.axes, run, ...(s.solver ? { solver: s.solver } : {}) };
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

/**
 * Every point of a sweep, resolved and named, in Cartesian order; a point
 * that does not resolve is refused before any work, naming the axis values.
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
  const axes = Object.entries(spec.axes);
  const combos: Record<string, unknown>[] = [{}];
  for (const [path, values] of axes) {
    const next: Record<string, unknown>[] = [];
    for (const c of combos) for (const v of values) next.push({ ...c, [path]: v });
    combos.splice(0, combos.length, ...next);
  }
  const withTheory = (spec.run ?? ["simulate", "theory"]).includes("theory");
  const points: SweepPoint[] = [];
  for (const [index, values] of combos.entries()) {
    const input = structuredClone(spec.problem) as Record<string, unknown>;
    for (const [path, v] of Object.entries(values)) setPath(input, path, v);
    let problem: Problem, solver: SolverSettings | undefined;
    try {
      problem = resolveProblem(input as ProblemInput);
      if (withTheory) solver = resolveSolver(spec.solver ?? {}, problem);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const at = Object.entries(values).map(([p, v]) => `${p} = ${JSON.stringify(v)}`).join(", ");
      throw new ConfigError(`${source} (point ${index}: ${at}): ${e.param}`, e.value, e.allowed);
    }
    const name = (await sha256(canonicalJson({
      version: VERSION,
      problem: prepare(problem).record,
      solver: solver ?? null,
      run: spec.run,
    }))).slice(0, 20);
    points.push({ index, name, values, problem, ...(solver ? { solver } : {}) });
  }
  return points;
}

/** Which points a shard runs: every `count`-th from `index` (0-based). */
export interface Shard {
  /** This shard, from 0 to count - 1. */
  index: number;
  /** The number of shards. */
  count: number;
}

/** The points of one shard. */
export function shardOf<T extends { index: number }>(points: readonly T[], shard: Shard): T[] {
  return points.filter((p) => p.index % shard.count === shard.index);
}
