/**
 * The problem, resolved and validated once at the boundary: defaults filled
 * in from the parameter tables, every value checked against its declaration,
 * then the constraints between parameters (the rule's requirements, explicit
 * initial weights against K and D, a grid with a time after 0). Past this
 * point the types are trusted. A resolved problem is frozen, and resolving
 * it again returns it unchanged.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import {
  checkKeys,
  checkParam,
  defaultOf,
  getPath,
  type ParamContext,
  type ParamSpec,
  setPath,
} from "../core/params.ts";
import { recordingTimes } from "../core/grid.ts";
import { dataKind, resolveData } from "../data/mod.ts";
import { PROBLEM_PARAMS } from "./params.ts";
import { RULES } from "./rules.ts";
import { checkEngine } from "./engine.ts";
import type { InitialWeights, Problem, ProblemInput } from "./types.ts";

/** The keys of a problem value. */
export const PROBLEM_KEYS = [
  "data",
  "network",
  "rule",
  "engine",
  "lr",
  "tMax",
  "seeds",
  "times",
  "nTimes",
  "tMin",
  "nTest",
  "snapshotTimes",
] as const;

/** The keys of a problem's network. */
export const NETWORK_KEYS = [
  "K",
  "activation",
  "tied",
  "bias",
  "outputBias",
  "sigma0",
  "init",
] as const;

const RESOLVED = new WeakSet<object>();

/**
 * Every parameter of a problem whose data model is of `kind` (default
 * "spiked"): the data kind's, then the network, rule, time and sample ones.
 *
 * @example
 * ```ts
 * import { problemParams } from "./resolve.ts";
 * const flags = problemParams().map((p) => p.flag);
 * if (!(flags.includes("D") && flags.includes("K") && flags.includes("t-max"))) throw new Error("example failed");
 * ```
 */
export function problemParams(kind = "spiked"): readonly ParamSpec[] {
  return [...dataKind({ kind }).params, ...PROBLEM_PARAMS];
}

/**
 * Fill in the defaults of a problem and validate it; throws a
 * {@link ConfigError} naming the bad parameter (its config key and its CLI
 * flag), the value and what is allowed.
 *
 * @example
 * ```ts
 * import { resolveProblem } from "./resolve.ts";
 * const p = resolveProblem({ network: { K: 2 }, tMax: 10 });
 * if (!(p.data.D === 500 && p.network.activation === "erf" && resolveProblem(p) === p)) throw new Error("example failed");
 * ```
 */
export function resolveProblem(input: ProblemInput): Problem {
  if (typeof input === "object" && input !== null && RESOLVED.has(input)) return input as Problem;
  checkKeys("", input, PROBLEM_KEYS);
  if (input.network !== undefined) checkKeys("network", input.network, NETWORK_KEYS);
  const data = resolveData(input.data ?? {});
  const ctx: ParamContext = { D: data.D };
  const out: Record<string, unknown> = { data };
  for (const spec of PROBLEM_PARAMS) {
    const given = getPath(input, spec.path);
    const value = given === undefined ? defaultOf(spec, ctx) : given;
    if (value === undefined) continue;
    checkParam(spec, value, ctx); // defaults too: their bounds may depend on what was given
    setPath(out, spec.path, value);
    ctx[spec.path] = value;
  }
  const problem = out as unknown as Problem;
  const init = input.network?.init;
  if (init !== undefined) problem.network.init = init;
  checkConstraints(problem);
  deepFreeze(problem);
  RESOLVED.add(problem);
  return problem;
}

function checkConstraints(p: Problem): void {
  const net = p.network;
  const D = p.data.D;
  for (const [key, value, why] of RULES[p.rule].requires) {
    if (net[key] !== value) {
      throw new ConfigError(`network.${key} (--${key})`, net[key], `${value} (${why})`);
    }
  }
  if (net.init !== undefined) validateInit(net.init, net.K, D, net.bias, net.outputBias);
  checkEngine(p);
  const times = recordingTimes({ ...p, D });
  if (!times.some((t) => t > 0)) {
    throw new ConfigError(
      "times (--times)",
      p.times,
      `at least one time >= 1/D = ${1 / D} (times are rounded to whole steps)`,
    );
  }
}

function deepFreeze(p: Problem): void {
  for (const list of [p.seeds, p.times, p.snapshotTimes]) if (list) Object.freeze(list);
  Object.freeze(p.network);
  Object.freeze(p);
}

/**
 * Check explicit initial weights against K, D and the bias flag: shapes,
 * finite entries, finite squared norms (weights whose squares overflow are
 * refused here, not found as a divergence later).
 *
 * @example
 * ```ts
 * import { validateInit } from "./resolve.ts";
 * validateInit({ W: [[1, 0]], V: [[0, 1]] }, 1, 2, false);
 * let ok = false;
 * try { validateInit({ W: [[1, 0, 0]] }, 1, 2, false); } catch { ok = true; }
 * if (!ok) throw new Error("example failed");
 * ```
 */
export function validateInit(
  init: InitialWeights,
  K: number,
  D: number,
  bias: boolean,
  outputBias = false,
): void {
  const matrix = (name: string, m: unknown) => {
    const where = `network.init.${name} (--init)`;
    if (!Array.isArray(m) || m.length !== K) {
      throw new ConfigError(
        where,
        Array.isArray(m) ? `${m.length} rows` : m,
        `K = ${K} rows (one per unit)`,
      );
    }
    let n2 = 0;
    m.forEach((row, k) => {
      if (!Array.isArray(row) || row.length !== D) {
        throw new ConfigError(
          `network.init.${name}[${k}] (--init)`,
          Array.isArray(row) ? `${row.length} numbers` : row,
          `D = ${D} numbers`,
        );
      }
      for (const v of row) {
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw new ConfigError(`network.init.${name}[${k}] (--init)`, v, "finite numbers");
        }
        n2 += v * v;
      }
    });
    if (!(n2 < 1e150)) {
      throw new ConfigError(where, `squared norm ${n2}`, "weights with a squared norm below 1e150");
    }
  };
  matrix("W", init.W);
  if (init.V !== undefined) matrix("V", init.V);
  if (init.b !== undefined) {
    if (
      !Array.isArray(init.b) || init.b.length !== K ||
      init.b.some((v) => typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > 1e75)
    ) {
      throw new ConfigError("network.init.b (--init)", init.b, `K = ${K} finite numbers`);
    }
    if (!bias && init.b.some((v) => v !== 0)) {
      throw new ConfigError("network.init.b (--init)", init.b, "zeros, or a network with bias on");
    }
  }
  if (init.c !== undefined) {
    if (
      !Array.isArray(init.c) || init.c.length !== D ||
      init.c.some((v) => typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > 1e75)
    ) {
      throw new ConfigError("network.init.c (--init)", init.c, `D = ${D} finite numbers`);
    }
    if (!outputBias && init.c.some((v) => v !== 0)) {
      throw new ConfigError(
        "network.init.c (--init)",
        "non-zero entries",
        "zeros, or a network with an output bias (--output-bias)",
      );
    }
  }
}
