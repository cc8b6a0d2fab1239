/**
 * Declarative parameter tables, in the manner of scikit-learn's parameter
 * constraints: each parameter is declared once — its dotted path in the
 * problem value, its CLI flag, type, range or choices, default, unit and a
 * line of documentation — and the same declaration gives the validation and
 * its error messages, the config keys, the CLI flags and the help text.
 *
 * Ranges and defaults may depend on what is already resolved (e.g. K <= D):
 * they are functions of a context, the partially resolved value.
 *
 * @example
 * ```ts
 * import { checkParam, type ParamSpec } from "./params.ts";
 * const K: ParamSpec = { path: "network.K", flag: "K", type: "integer", min: 1,
 *   max: (c) => c.D as number, maxNote: "K <= D", doc: "hidden units" };
 * if (!(checkParam(K, 3, { D: 10 }) === 3)) throw new Error("example failed");
 * let message = "";
 * try { checkParam(K, 11, { D: 10 }); } catch (e) { message = (e as Error).message; }
 * if (!(message === "invalid network.K (--K): got 11; allowed: an integer from 1 to 10 (K <= D = 10)")) throw new Error(message);
 * ```
 * @module
 */
import { ConfigError } from "./errors.ts";

/** The partially resolved value a bound or default may depend on. */
export type ParamContext = Record<string, unknown>;

/** A bound: a number, or a function of the context. */
export type Bound = number | ((ctx: ParamContext) => number);

/** Value types a parameter can have. */
export type ParamType =
  | "integer"
  | "number"
  | "boolean"
  | "choice"
  | "numbers"
  | "integers";

/** The declaration of one parameter. */
export interface ParamSpec {
  /** Dotted path in the problem value (also the config-file key), e.g. "network.K". */
  readonly path: string;
  /** CLI flag without the dashes, e.g. "K"; booleans that default to true get "no-" + flag. */
  readonly flag: string;
  /** Value type. */
  readonly type: ParamType;
  /** Allowed names of a "choice" parameter (a function, so that registries are read lazily). */
  readonly choices?: () => readonly string[];
  /** Smallest allowed value (numbers, and every element of lists). */
  readonly min?: Bound;
  /** Whether `min` itself is excluded (e.g. a rate > 0). */
  readonly minExclusive?: boolean;
  /** Largest allowed value. */
  readonly max?: Bound;
  /** Why `max` is what it is, shown in messages (e.g. "K <= D"). */
  readonly maxNote?: string;
  /** Smallest and largest number of elements of a list. */
  readonly minLength?: number;
  /** Largest number of elements of a list. */
  readonly maxLength?: Bound;
  /** List elements must be distinct. */
  readonly distinct?: boolean;
  /** Default: a value or a function of the context; undefined means optional (absent). */
  readonly default?: unknown | ((ctx: ParamContext) => unknown);
  /** Unit or scale, for help texts (e.g. "t = steps / D"). */
  readonly unit?: string;
  /** One line for help texts. */
  readonly doc: string;
  /** Help-text group heading. */
  readonly group?: string;
}

function bound(b: Bound | undefined, ctx: ParamContext): number | undefined {
  return typeof b === "function" ? b(ctx) : b;
}

/** Name of a parameter in messages: the path, and the flag when it differs. */
export function paramName(spec: ParamSpec): string {
  const flag = spec.type === "boolean" && spec.default === true ? `no-${spec.flag}` : spec.flag;
  return flag === spec.path ? spec.path : `${spec.path} (--${flag})`;
}

/** The number formatted for messages: integers plainly, others in short form. */
function num(x: number): string {
  return Number.isInteger(x) && Math.abs(x) < 1e15 ? String(x) : String(Number(x.toPrecision(6)));
}

/**
 * What a parameter allows, in words, given the context (for error messages
 * and help texts): e.g. "an integer from 1 to 500", "a number > 0",
 * "linear, erf, relu".
 */
export function describeAllowed(spec: ParamSpec, ctx: ParamContext = {}): string {
  const lo = bound(spec.min, ctx);
  const hi = bound(spec.max, ctx);
  const range = (): string => {
    const note = spec.maxNote && hi !== undefined ? ` (${spec.maxNote} = ${num(hi)})` : "";
    if (lo !== undefined && hi !== undefined) {
      return spec.minExclusive
        ? ` > ${num(lo)} and <= ${num(hi)}${note}`
        : ` from ${num(lo)} to ${num(hi)}${note}`;
    }
    if (lo !== undefined) return spec.minExclusive ? ` > ${num(lo)}` : ` >= ${num(lo)}`;
    if (hi !== undefined) return ` <= ${num(hi)}${note}`;
    return "";
  };
  switch (spec.type) {
    case "boolean":
      return "true or false";
    case "choice":
      return (spec.choices?.() ?? []).join(", ");
    case "integer":
      return `an integer${range()}`;
    case "number":
      return `a finite number${range()}`;
    case "numbers":
    case "integers": {
      const what = spec.type === "integers" ? "integers" : "finite numbers";
      const n = bound(spec.maxLength, ctx);
      const count = spec.minLength !== undefined && n !== undefined
        ? `${spec.minLength} to ${num(n)} `
        : spec.minLength
        ? `at least ${spec.minLength} `
        : n !== undefined
        ? `at most ${num(n)} `
        : "";
      return `a list of ${count}${spec.distinct ? "distinct " : ""}${what}${range()}`;
    }
  }
}

/** Throw the ConfigError of `spec` for `value`. */
export function reject(spec: ParamSpec, value: unknown, ctx: ParamContext = {}): never {
  throw new ConfigError(paramName(spec), value, describeAllowed(spec, ctx));
}

function inRange(spec: ParamSpec, x: number, ctx: ParamContext): boolean {
  const lo = bound(spec.min, ctx);
  const hi = bound(spec.max, ctx);
  if (lo !== undefined && (spec.minExclusive ? !(x > lo) : !(x >= lo))) return false;
  if (hi !== undefined && !(x <= hi)) return false;
  return true;
}

function isNumber(x: unknown, integer: boolean): x is number {
  return typeof x === "number" && Number.isFinite(x) && (!integer || Number.isInteger(x));
}

/**
 * Check one value against its declaration; returns it (typed by the caller)
 * or throws a {@link ConfigError} that names the parameter (path and flag),
 * the value and what is allowed.
 */
export function checkParam(spec: ParamSpec, value: unknown, ctx: ParamContext = {}): unknown {
  switch (spec.type) {
    case "boolean":
      if (typeof value !== "boolean") reject(spec, value, ctx);
      return value;
    case "choice":
      if (typeof value !== "string" || !(spec.choices?.() ?? []).includes(value)) {
        reject(spec, value, ctx);
      }
      return value;
    case "integer":
    case "number":
      if (!isNumber(value, spec.type === "integer") || !inRange(spec, value, ctx)) {
        reject(spec, value, ctx);
      }
      return value;
    case "numbers":
    case "integers": {
      const integer = spec.type === "integers";
      if (!Array.isArray(value)) reject(spec, value, ctx);
      const list = value as unknown[];
      const maxLength = bound(spec.maxLength, ctx);
      if (
        list.length < (spec.minLength ?? 0) || (maxLength !== undefined && list.length > maxLength)
      ) {
        reject(spec, value, ctx);
      }
      for (const x of list) {
        if (!isNumber(x, integer) || !inRange(spec, x, ctx)) reject(spec, x, ctx);
      }
      if (spec.distinct && new Set(list).size !== list.length) reject(spec, value, ctx);
      return list;
    }
  }
}

/** The default of a parameter in a context (undefined: optional, left out). */
export function defaultOf(spec: ParamSpec, ctx: ParamContext = {}): unknown {
  const d = spec.default;
  const v = typeof d === "function" ? (d as (c: ParamContext) => unknown)(ctx) : d;
  return Array.isArray(v) ? v.slice() : v; // a fresh copy: defaults are shared
}

/** The value at a dotted path of a plain object (undefined when absent). */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Set the value at a dotted path, creating the objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
}

/**
 * Reject a value that is not a plain object, or that has keys outside
 * `allowed`, naming the first offender with its dotted path.
 */
export function checkKeys(where: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(
      where || "config",
      value,
      `an object with the keys ${allowed.join(", ")}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${where || "config"} key`, key, allowed.join(", "));
    }
  }
}

/** One help line per parameter: "  --flag VALUE   doc (default ..., unit)". */
export function helpLines(specs: readonly ParamSpec[], ctx: ParamContext = {}): string[] {
  return specs.map((s) => {
    const isBool = s.type === "boolean";
    const flag = isBool && s.default === true ? `--no-${s.flag}` : `--${s.flag}`;
    const arg = isBool
      ? ""
      : s.type === "choice"
      ? ` ${(s.choices?.() ?? []).join("|")}`
      : s.type === "numbers" || s.type === "integers"
      ? " X1,X2,..."
      : s.type === "integer"
      ? " N"
      : " X";
    const d = isBool ? undefined : defaultOf(s, ctx);
    const extra = [
      d !== undefined && typeof d !== "object" ? `default ${d}` : undefined,
      s.unit,
    ].filter(Boolean).join("; ");
    const left = `  ${flag}${arg}`;
    const text = extra ? `${s.doc} (${extra})` : s.doc;
    return left.length < 24 ? `${left.padEnd(24)}${text}` : `${left}\n${" ".repeat(24)}${text}`;
  });
}
