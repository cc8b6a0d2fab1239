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
 * import assert from "node:assert/strict";
 * import { checkParam, type ParamSpec } from "./params.ts";
 * const K: ParamSpec = { path: "network.K", flag: "K", type: "integer", min: 1,
 *   max: (c) => c.D as number, maxNote: "K <= D", doc: "hidden units" };
 * assert.equal(checkParam(K, 3, { D: 10 }), 3);
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
  | "integers"
  | "matrix"
  | "text";

/** The declaration of one parameter. */
export interface ParamSpec {
  /** Dotted path in the problem value (also the config-file key), e.g. "network.K". */
  readonly path: string;
  /**
   * CLI flag without the dashes, e.g. "K"; booleans that default to true get
   * "no-" + flag. Absent for a config key that has no flag (e.g. a key of a
   * --spectrum file): messages then name the key alone.
   */
  readonly flag?: string;
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
  /** Smallest number of elements of a list. */
  readonly minLength?: Bound;
  /** Largest number of elements of a list. */
  readonly maxLength?: Bound;
  /** List elements must be distinct. */
  readonly distinct?: boolean;
  /** Rows of a "matrix" (each a list of `cols` finite numbers). */
  readonly rows?: Bound;
  /** Columns of a "matrix". */
  readonly cols?: Bound;
  /** What the rows and the columns of a "matrix" count, for messages (e.g. "K", "D"). */
  readonly shapeNote?: readonly [rows: string, cols: string];
  /**
   * The value must be given (no default): always (true), or when a function
   * of what is resolved before it returns why (e.g. "the decoder of an
   * untied network"). Its absence is then refused.
   */
  readonly required?: true | ((ctx: ParamContext) => string | undefined);
  /**
   * A constraint beyond the type's, on the value and what is resolved before
   * it (e.g. a step for fixed-step integrators only): what is allowed, in
   * words, when the value breaks it (with what to show of the value when
   * not the value itself, e.g. a matrix's norm), else undefined.
   */
  readonly check?: (
    value: never,
    ctx: ParamContext,
  ) => string | { got: unknown; allowed: string } | undefined;
  /** The canonical form of an accepted value (e.g. an alias's name), which the context and the result hold. */
  readonly canonical?: (value: never) => unknown;
  /**
   * A "text" parameter's grammar: whether a text is allowed (with `allowed`,
   * the words for messages and help, e.g. "constant, inverse:TAU, ...").
   */
  readonly accepts?: (text: string) => boolean;
  /** What a "text" parameter allows, in words. */
  readonly allowed?: string;
  /** Default: a value or a function of the context; undefined means optional (absent). */
  readonly default?: unknown | ((ctx: ParamContext) => unknown);
  /** Unit or scale, for help texts (e.g. "t = steps / D"). */
  readonly unit?: string;
  /** One line for help texts. */
  readonly doc: string;
  /** Help-text group heading. */
  readonly group?: string;
}

/**
 * The value type a declaration gives: its canonical form's, or numbers,
 * booleans, lists, matrices, or the union of its choices.
 */
export type ValueOf<S> = S extends { readonly canonical: (v: never) => infer C } ? C
  : S extends { readonly type: "integer" | "number" } ? number
  : S extends { readonly type: "boolean" } ? boolean
  : S extends { readonly type: "numbers" | "integers" } ? number[]
  : S extends { readonly type: "matrix" } ? number[][]
  : S extends { readonly type: "text" } ? string
  : S extends { readonly type: "choice"; readonly choices: () => readonly (infer C)[] } ? C
  : never;

/** The key of `path` inside the record at `prefix` ("" the top level), or never. */
export type KeyIn<P, Prefix extends string> = Prefix extends ""
  ? (P extends `${string}.${string}` ? never : P)
  : P extends `${Prefix}.${infer K}` ? (K extends `${string}.${string}` ? never : K)
  : never;

/**
 * Whether a declaration always resolves to a value: it is required, or its
 * default is a value or a function that never returns undefined.
 */
export type AlwaysSet<S> = S extends { readonly required: true } ? true
  : S extends { readonly default: infer D }
    ? (D extends (...a: never[]) => infer R ? (undefined extends R ? false : true)
      : (undefined extends D ? false : true))
  : false;

/**
 * The record a table declares at `prefix`: a key per declaration, typed by
 * {@link ValueOf}, required when it always resolves to a value ({@link AlwaysSet}) and
 * optional otherwise.
 */
export type RecordOf<T extends readonly ParamSpec[], Prefix extends string = ""> =
  & {
    -readonly [S in T[number] as AlwaysSet<S> extends true ? KeyIn<S["path"], Prefix> : never]:
      ValueOf<S>;
  }
  & {
    -readonly [
      S in T[number] as AlwaysSet<S> extends true ? never : KeyIn<S["path"], Prefix>
    ]?: ValueOf<S>;
  };

/** The first segment of a dotted path, or never for a top-level key. */
export type Head<P> = P extends `${infer H}.${string}` ? H : never;

/** The value a table declares: its top-level keys and one nested record per path prefix. */
export type TreeOf<T extends readonly ParamSpec[]> =
  & RecordOf<T>
  & { -readonly [H in Head<T[number]["path"]>]: RecordOf<T, H> };

/**
 * The keys a table declares in the record at `prefix` ("" the top level:
 * the first segments of its paths), in table order, then `extra`.
 */
export function keysOf(
  specs: readonly ParamSpec[],
  prefix = "",
  extra: readonly string[] = [],
): string[] {
  const keys = new Set<string>();
  const start = prefix === "" ? "" : `${prefix}.`;
  for (const s of specs) {
    if (!s.path.startsWith(start)) continue;
    keys.add(s.path.slice(start.length).split(".")[0]);
  }
  for (const k of extra) keys.add(k);
  return [...keys];
}

/**
 * Check that `input` and every nested record a table declares hold only the
 * declared keys, plus `extra` ones given by dotted path (which the caller
 * validates itself); the first offender is named by its dotted path.
 */
export function checkRecords(
  specs: readonly ParamSpec[],
  input: unknown,
  extra: readonly string[] = [],
): void {
  const extraAt = (prefix: string) =>
    extra.filter((e) => prefix === "" || e.startsWith(`${prefix}.`))
      .map((e) => (prefix === "" ? e : e.slice(prefix.length + 1)))
      .filter((e) => !e.includes("."));
  checkKeys("", input, keysOf(specs, "", extraAt("")));
  const record = input as Record<string, unknown>;
  for (const head of keysOf(specs).filter((k) => specs.some((s) => s.path.startsWith(`${k}.`)))) {
    if (record[head] !== undefined) {
      checkKeys(head, record[head], keysOf(specs, head, extraAt(head)));
    }
  }
}

/**
 * Resolve the values a table declares (after {@link checkRecords}): each
 * declaration in order takes its given value or its default, is checked
 * (defaults too: their bounds may depend on what came before) and enters
 * the context under its path. The result is typed by the table: each value
 * was checked against the declaration its type comes from.
 */
export function resolveTable<T extends readonly ParamSpec[]>(
  specs: T,
  input: unknown,
  ctx: ParamContext,
): TreeOf<T> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const given = getPath(input, spec.path);
    const value = given === undefined ? defaultOf(spec, ctx) : given;
    if (value === undefined) {
      const why = typeof spec.required === "function" ? spec.required(ctx) : spec.required;
      if (why === true) reject(spec, value, ctx);
      if (why) {
        throw new ConfigError(paramName(spec), value, `${describeAllowed(spec, ctx)}: ${why}`);
      }
      continue;
    }
    checkParam(spec, value, ctx);
    const canonical = spec.canonical ? spec.canonical(value as never) : value;
    setPath(out, spec.path, canonical);
    ctx[spec.path] = canonical;
  }
  return out as TreeOf<T>;
}

function bound(b: Bound | undefined, ctx: ParamContext): number | undefined {
  return typeof b === "function" ? b(ctx) : b;
}

/**
 * The flag a user types for a parameter, without the dashes ("no-" + flag for
 * a boolean that defaults to true), or undefined when it has none.
 */
export function flagOf(spec: ParamSpec): string | undefined {
  if (spec.flag === undefined) return undefined;
  return spec.type === "boolean" && spec.default === true ? `no-${spec.flag}` : spec.flag;
}

/**
 * Name of a parameter in messages: its path (the config key), and the flag a
 * user types when there is one and it differs: "network.outputBias
 * (--output-bias)", "data.normalise (--no-normalise)", "lr"; `element`
 * follows the path (a row of a matrix: "network.init.W[2] (--init)").
 */
export function paramName(spec: ParamSpec, element = ""): string {
  const flag = flagOf(spec);
  const path = spec.path + element;
  return flag === undefined || flag === spec.path ? path : `${path} (--${flag})`;
}

/** The declaration of the parameter at `path`, or undefined. */
export function paramAt(specs: readonly ParamSpec[], path: string): ParamSpec | undefined {
  return specs.find((s) => s.path === path);
}

/** Plain decimal: optional sign, digits with an optional point, optional exponent. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Whether a text is a plain decimal number (no hex, no Infinity, not empty). */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text.trim());
}

/**
 * A number from its text (plain decimal, optional exponent; no hex, no
 * Infinity, not empty), or a ConfigError naming `name`.
 */
export function parseDecimal(name: string, text: string, integer = false): number {
  const v = Number(text);
  if (!isDecimal(text) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new ConfigError(name, text, integer ? "an integer (decimal digits)" : "a decimal number");
  }
  return v;
}

/**
 * The value of a parameter from its text, parsed by its type — the one
 * parser of the command line's values and the page's (query strings, form
 * fields): numbers plain decimal, lists comma-separated ("" an empty list),
 * booleans true/false, 1/0, on/off, yes/no. Ranges are checked later, once,
 * by {@link checkParam}. Errors name `name` (default: {@link paramName}).
 */
export function parseText(spec: ParamSpec, text: string, name = paramName(spec)): unknown {
  switch (spec.type) {
    case "boolean":
      if (["true", "1", "on", "yes"].includes(text)) return true;
      if (["false", "0", "off", "no"].includes(text)) return false;
      throw new ConfigError(name, text, "true or false (1 or 0)");
    case "integer":
    case "number":
      return parseDecimal(name, text, spec.type === "integer");
    case "numbers":
    case "integers":
      if (text.trim() === "") return [];
      return text.split(",").map((s) => parseDecimal(name, s.trim(), spec.type === "integers"));
    case "choice":
    case "text":
      return text;
    case "matrix":
      throw new ConfigError(name, text, "a matrix, from a file (not a text value)");
  }
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
    case "text":
      return spec.allowed ?? "a text";
    case "integer":
      return `an integer${range()}`;
    case "number":
      return `a finite number${range()}`;
    case "numbers":
    case "integers": {
      const what = spec.type === "integers" ? "integers" : "finite numbers";
      const n = bound(spec.maxLength, ctx);
      const m = bound(spec.minLength, ctx);
      const count = m !== undefined && n !== undefined
        ? (m === n ? `${num(n)} ` : `${num(m)} to ${num(n)} `)
        : m
        ? `at least ${num(m)} `
        : n !== undefined
        ? `at most ${num(n)} `
        : "";
      return `a list of ${count}${spec.distinct ? "distinct " : ""}${what}${range()}`;
    }
    case "matrix":
      return `${countOf(spec.rows, spec.shapeNote?.[0], ctx)} rows of ${
        countOf(spec.cols, spec.shapeNote?.[1], ctx)
      } finite numbers`;
  }
}

/** A count for messages: "D = 40" with its note, "40" without, "any number of" unbounded. */
function countOf(b: Bound | undefined, note: string | undefined, ctx: ParamContext): string {
  const n = bound(b, ctx);
  if (n === undefined) return "any number of";
  return note ? `${note} = ${num(n)}` : num(n);
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
 * the value and what is allowed. A declaration's own `check` comes last.
 */
export function checkParam(spec: ParamSpec, value: unknown, ctx: ParamContext = {}): unknown {
  checkType(spec, value, ctx);
  const why = spec.check?.(value as never, ctx);
  if (typeof why === "string") throw new ConfigError(paramName(spec), value, why);
  if (why !== undefined) throw new ConfigError(paramName(spec), why.got, why.allowed);
  return value;
}

/** A matrix of `rows` rows of `cols` finite numbers, or a ConfigError naming the first bad row. */
function checkMatrix(spec: ParamSpec, value: unknown, ctx: ParamContext): void {
  const rows = bound(spec.rows, ctx), cols = bound(spec.cols, ctx);
  const perRow = `${countOf(spec.cols, spec.shapeNote?.[1], ctx)} finite numbers`;
  if (!Array.isArray(value) || (rows !== undefined && value.length !== rows)) {
    reject(spec, Array.isArray(value) ? `${value.length} rows` : value, ctx);
  }
  (value as unknown[]).forEach((row, k) => {
    const name = paramName(spec, `[${k}]`);
    if (!Array.isArray(row) || (cols !== undefined && row.length !== cols)) {
      throw new ConfigError(name, Array.isArray(row) ? `${row.length} numbers` : row, perRow);
    }
    for (const x of row) {
      if (!isNumber(x, false)) throw new ConfigError(name, x, "finite numbers");
    }
  });
}

/** The checks of a value's type, range and length. */
function checkType(spec: ParamSpec, value: unknown, ctx: ParamContext): unknown {
  switch (spec.type) {
    case "matrix":
      checkMatrix(spec, value, ctx);
      return value;
    case "boolean":
      if (typeof value !== "boolean") reject(spec, value, ctx);
      return value;
    case "choice":
      if (typeof value !== "string" || !(spec.choices?.() ?? []).includes(value)) {
        reject(spec, value, ctx);
      }
      return value;
    case "text":
      if (typeof value !== "string" || !(spec.accepts?.(value) ?? true)) reject(spec, value, ctx);
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
        list.length < (bound(spec.minLength, ctx) ?? 0) ||
        (maxLength !== undefined && list.length > maxLength)
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

/** One help line per parameter with a flag: "  --flag VALUE   doc (default ..., unit)". */
export function helpLines(specs: readonly ParamSpec[], ctx: ParamContext = {}): string[] {
  return specs.filter((s) => s.flag !== undefined).map((s) => {
    const isBool = s.type === "boolean";
    const flag = `--${flagOf(s)}`;
    const arg = isBool
      ? ""
      : s.type === "matrix"
      ? " FILE"
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
