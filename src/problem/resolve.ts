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
  checkRecords,
  keysOf,
  paramAt,
  paramName,
  type ParamSpec,
  resolveTable,
} from "../core/params.ts";
import { recordingTimes } from "../core/grid.ts";
import { dataKind, resolveData } from "../data/mod.ts";
import { PROBLEM_PARAMS } from "./params.ts";
import { RULES } from "./rules.ts";
import { checkEngine } from "./engine.ts";
import { validateInit } from "./init.ts";
import type { Problem, ProblemInput } from "./types.ts";

export { validateInit } from "./init.ts";

/** Keys a problem holds besides the table's, validated on their own: the data model, initial weights. */
const OWN_KEYS = ["data", "network.init"];

/** The keys of a problem value (the table's, and `data`). */
export const PROBLEM_KEYS: readonly string[] = keysOf(PROBLEM_PARAMS, "", ["data"]);

/** The keys of a problem's network (the table's, and `init`). */
export const NETWORK_KEYS: readonly string[] = keysOf(PROBLEM_PARAMS, "network", ["init"]);

const RESOLVED = new WeakSet<object>();

/**
 * Every parameter of a problem whose data model is of `kind` (default
 * "spiked"): the data kind's, then the network, rule, time and sample ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { problemParams } from "./resolve.ts";
 * const flags = problemParams().map((p) => p.flag);
 * assert.ok(flags.includes("D"));
 * assert.ok(flags.includes("K"));
 * assert.ok(flags.includes("t-max"));
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
 * import assert from "node:assert/strict";
 * import { resolveProblem } from "@aedyn/aedyn";
 * const p = resolveProblem({ network: { K: 2 }, tMax: 10 });
 * assert.equal(p.data.D, 500);
 * assert.equal(p.network.activation, "erf");
 * assert.equal(resolveProblem(p), p);
 * ```
 */
export function resolveProblem(input: ProblemInput): Problem {
  if (typeof input === "object" && input !== null && RESOLVED.has(input)) return input as Problem;
  checkRecords(PROBLEM_PARAMS, input, OWN_KEYS);
  const data = resolveData(input.data ?? {});
  const values = resolveTable(PROBLEM_PARAMS, input, { D: data.D });
  const init = input.network?.init;
  const problem: Problem = {
    ...values,
    data,
    network: init === undefined ? values.network : { ...values.network, init },
  };
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
      const spec = paramAt(PROBLEM_PARAMS, `network.${key}`)!;
      throw new ConfigError(paramName(spec), net[key], `${value} (${why})`);
    }
  }
  if (net.init !== undefined) {
    const decoder = !net.tied && RULES[p.rule].decoder;
    validateInit(net.init, net.K, D, net.bias, net.outputBias, decoder);
  }
  const decay = net.weightDecay;
  if (decay && decay.length !== 1 && decay.length !== net.K) {
    throw new ConfigError(
      "network.weightDecay (--weight-decay)",
      decay,
      `one lambda for every unit or K = ${net.K} of them (one per unit), each from 0 to 1e6`,
    );
  }
  if (p.batch > 1 && !RULES[p.rule].decoder) {
    throw new ConfigError(
      "batch (--batch)",
      p.batch,
      `1 with rule ${p.rule} (mini-batches cover the gradient rules: vanilla, truncated)`,
    );
  }
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
