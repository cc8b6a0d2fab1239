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
import type { InitialWeights, Problem, ProblemInput } from "./types.ts";

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
  if (net.init !== undefined) validateInit(net.init, net.K, D, net.bias, net.outputBias);
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

/**
 * Check explicit initial weights against K, D and the bias flag: shapes,
 * finite entries, finite squared norms (weights whose squares overflow are
 * refused here, not found as a divergence later).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateInit } from "./resolve.ts";
 * validateInit({ W: [[1, 0]], V: [[0, 1]] }, 1, 2, false);
 * // a row of 3 numbers where D = 2 is refused, naming the row
 * assert.throws(() => validateInit({ W: [[1, 0, 0]] }, 1, 2, false), /network\.init\.W\[0\]/);
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
