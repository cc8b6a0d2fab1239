/**
 * Command-line flags: parsing (strict — an unknown flag, a flag given twice,
 * a number that is not plain decimal, an empty value are all bad input) and
 * the translation of flags and config files into a problem input and solver
 * settings. The problem's and the solver's flags, their types and their help
 * lines come from the parameter tables; only the flags that read files or
 * expand into several values are declared here. Browser-safe: the caller
 * reads the files.
 * @module
 */
import { parseArgs } from "node:util";
import { AedynError, ConfigError } from "../core/errors.ts";
import {
  flagOf,
  helpLines,
  type ParamSpec,
  parseDecimal,
  parseText,
  resolveTable,
  setPath,
} from "../core/params.ts";
import { resolveData } from "../data/mod.ts";
import { problemParams } from "../problem/resolve.ts";
import { informedWeights } from "../problem/init.ts";
import { MAX_SEEDS, PROBLEM_PARAMS } from "../problem/params.ts";
import type { DataModel, InitialWeights, ProblemInput } from "../problem/types.ts";
import { SOLVER_KEYS, SOLVER_PARAMS, type SolverInput } from "../theory/solver.ts";

/** A command-line mistake (unknown flag, missing argument): exit code 2. */
export class UsageError extends AedynError {
  /** Build the error with its message. */
  constructor(message: string) {
    super(message, 2);
    this.name = "UsageError";
  }
}

/** One flag of a parseArgs option table. */
export interface FlagOption {
  /** String flags take a value, boolean ones none. */
  type: "string" | "boolean";
  /** One-letter alias. */
  short?: string;
}

/** Parsed flag values as parseArgs returns them. */
export type FlagValues = Record<string, string | boolean | undefined>;

/**
 * The text of a string flag, or undefined when it is absent: the typed way to
 * read one (no `as string`). A flag declared boolean read as text is a bug of
 * the command's table, and says so.
 */
export function textFlag(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  if (typeof v === "boolean") {
    throw new Error(`internal: --${name} is a boolean flag, read as text`);
  }
  return v;
}

export { flagOf } from "../core/params.ts";

/** The parseArgs options of a list of parameters (those with a flag). */
export function optionsOf(specs: readonly ParamSpec[]): Record<string, FlagOption> {
  const out: Record<string, FlagOption> = {};
  for (const s of specs) {
    const flag = flagOf(s);
    if (flag !== undefined) out[flag] = { type: s.type === "boolean" ? "boolean" : "string" };
  }
  return out;
}

/** The problem's parameters that are flags: the spiked model's and the network's, rule's, time's. */
export const PROBLEM_PARAM_FLAGS: readonly ParamSpec[] = problemParams("spiked");

/** Flags of the problem that read files or expand into several values. */
export const PROBLEM_EXTRA_FLAGS: Record<string, FlagOption> = {
  config: { type: "string" },
  spectrum: { type: "string" },
  init: { type: "string" },
  informed: { type: "boolean" },
  seeds: { type: "string" },
};

/** Every problem flag (simulate, theory, compare, pca). */
export const PROBLEM_FLAGS: Record<string, FlagOption> = {
  ...optionsOf(PROBLEM_PARAM_FLAGS),
  ...PROBLEM_EXTRA_FLAGS,
};

/** The solver's flags (theory, compare). */
export const SOLVER_FLAGS: Record<string, FlagOption> = optionsOf(SOLVER_PARAMS);

/** The help text of the problem flags, grouped as the tables group them. */
export function problemHelp(): string {
  const groups = new Map<string, ParamSpec[]>();
  for (const s of PROBLEM_PARAM_FLAGS) {
    const g = s.group ?? "Problem";
    groups.set(g, [...(groups.get(g) ?? []), s]);
  }
  const ctx = { D: 500 };
  const out = [
    "Problem (flags override the --config file; every flag is also a config key, e.g. --K is",
    "network.K, --t-max is tMax; each parameter's config path, flag, default and range are",
    'in the table of README.md, "Parameters"):',
    "  --config FILE        JSON file with simulate()'s input (theory and compare also",
    "                       take the solver's keys there: integrator, form, h, atol, rtol, bins)",
  ];
  for (const [name, specs] of groups) {
    out.push(`${name}:`);
    out.push(...helpLines(specs, ctx));
    if (name === "Data") {
      out.push(
        "  --spectrum FILE      Gaussian inputs with this covariance",
        '                       {"eigenvalues": [...], "eigenvectors": [[...], ...], "bulk": x}',
      );
    }
    if (name === "Network") {
      out.push(
        '  --init FILE          initial weights {"W": KxD, "V": KxD, "b": K}',
        "  --informed           start along the top-K eigenvectors (norms as --sigma0 gives)",
      );
    }
    if (name === "Time and samples") {
      out.push("  --seeds N            N runs with seeds --seed, --seed+1, ... (at most 1000)");
    }
  }
  return out.join("\n");
}

/** The help text of the solver flags. */
export function solverHelp(): string {
  return ["Solver:", ...helpLines(SOLVER_PARAMS, { D: 500, integrator: "dopri5" })].join("\n");
}

/**
 * Parse a number flag (plain decimal, optional exponent; no hex, no
 * Infinity), or throw a ConfigError naming it (the parser the page uses too).
 */
export const numberFlag: (name: string, text: string, integer?: boolean) => number = parseDecimal;

/** Parse a comma-separated list of numbers. */
export function listFlag(name: string, text: string, integer = false): number[] {
  return text.split(",").map((s) => parseDecimal(name, s.trim(), integer));
}

/**
 * Parse `args` against an option table: strict (unknown flags refused), no
 * flag twice, no empty value, a negative number after a flag taken as its
 * value; positionals only where `positionals` allows them.
 */
export function parseFlags(
  args: string[],
  options: Record<string, FlagOption>,
  positionals = 0,
): { flags: FlagValues; positionals: string[] } {
  // "--lr -1": a negative number is the value of a string flag, so that the range check names it
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith("--") ? args[i].slice(2) : "";
    if (options[name]?.type === "string" && /^-[\d.]/.test(args[i + 1] ?? "")) {
      joined.push(`${args[i]}=${args[++i]}`);
    } else {
      joined.push(args[i]);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: joined,
      options,
      strict: true,
      allowPositionals: positionals > 0,
      tokens: true,
    });
  } catch (e) {
    // parseArgs' messages may run over several lines; the first says what is wrong
    throw new UsageError((e as Error).message.split("\n")[0].trim());
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== "option") continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} is given more than once`);
    seen.add(t.name);
    if (t.value === "") throw new ConfigError(`--${t.name}`, "", "a value that is not empty");
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[positionals])}`,
    );
  }
  return { flags: parsed.values as FlagValues, positionals: parsed.positionals };
}

/** Files a problem refers to, read by the caller. */
export interface ProblemFiles {
  /** The --config file's JSON value. */
  config?: unknown;
  /** Where the config came from, for messages. */
  configSource?: string;
  /** The --spectrum file's model. */
  spectrum?: DataModel;
  /** The --init file's weights. */
  init?: InitialWeights;
}

/** The raw value of a parameter's flag in `flags` (undefined: not given, or no flag). */
function given(flags: FlagValues, spec: ParamSpec): string | boolean | undefined {
  const flag = flagOf(spec);
  return flag === undefined ? undefined : flags[flag];
}

/**
 * The value of one parameter's flag: a boolean flag's presence ("--no-x"
 * negates), else its text parsed by the shared parser of the parameter's type.
 */
function flagValue(spec: ParamSpec, raw: string | boolean): unknown {
  if (typeof raw === "boolean") return spec.default === true ? !raw : raw;
  if (spec.type === "numbers" || spec.type === "integers") {
    // a flag's list is never empty: "--seed ''" is refused by parseFlags, "--seed ," here
    return listFlag(`--${flagOf(spec)}`, raw, spec.type === "integers");
  }
  return parseText(spec, raw, `--${flagOf(spec)}`);
}

/**
 * Set, at their paths in `target`, the values of the given parameters'
 * flags that are present (parsed by type; ranges are checked later).
 */
export function setParamFlags(
  target: Record<string, unknown>,
  specs: readonly ParamSpec[],
  flags: FlagValues,
): void {
  for (const spec of specs) {
    const raw = given(flags, spec);
    if (raw !== undefined) setPath(target, spec.path, flagValue(spec, raw));
  }
}

/**
 * Merge a config file's fields and the flags into a problem input and the
 * solver settings (the flags win). Ranges are checked later, once, by
 * `resolveProblem` and `resolveSolver`.
 */
export function inputsFromFlags(
  flags: FlagValues,
  files: ProblemFiles,
): { problem: ProblemInput; solver: SolverInput } {
  const where = files.configSource ? `${files.configSource}` : "config";
  const config = files.config === undefined ? {} : files.config;
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ConfigError(where, config, "a JSON object with simulate()'s fields");
  }
  const problem: Record<string, unknown> = {};
  const solver: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(structuredClone(config))) {
    if (SOLVER_KEYS.includes(key)) solver[key] = value;
    else problem[key] = value;
  }
  for (const spec of SOLVER_PARAMS) {
    const raw = given(flags, spec);
    if (raw !== undefined) solver[spec.path] = flagValue(spec, raw);
  }

  // the data model: --spectrum, the config's data, or a spiked model from the flags
  const dataFlags = PROBLEM_PARAM_FLAGS.filter((s) =>
    s.path.startsWith("data.") && given(flags, s) !== undefined
  );
  let data = (files.spectrum ?? problem.data) as Record<string, unknown> | undefined;
  if (data !== undefined && (typeof data !== "object" || data === null || Array.isArray(data))) {
    throw new ConfigError(`${where}: data`, data, "an object describing the data model");
  }
  const kind = data?.kind ?? "spiked";
  if (kind !== "spiked") {
    const other = dataFlags.find((s) => s.path !== "data.D");
    if (other) {
      throw new ConfigError(
        `--${flagOf(other)}`,
        given(flags, other),
        `no spiked-model flag with ${files.spectrum ? "--spectrum" : `${kind} data`}`,
      );
    }
    const text = textFlag(flags, "D");
    const D = text === undefined ? undefined : numberFlag("--D", text, true);
    if (D !== undefined && D !== data?.D) {
      throw new ConfigError(
        "--D",
        D,
        `D = ${data?.D} of the ${files.spectrum ? "--spectrum file" : "config file's data"}`,
      );
    }
  } else {
    const spiked: Record<string, unknown> = { ...(data ?? {}), kind: "spiked" };
    for (const spec of dataFlags) {
      spiked[spec.path.slice("data.".length)] = flagValue(spec, given(flags, spec)!);
    }
    data = spiked;
  }
  problem.data = data;

  for (const spec of PROBLEM_PARAM_FLAGS) {
    if (spec.path.startsWith("data.")) continue;
    const raw = given(flags, spec);
    if (raw === undefined) continue;
    setPath(problem, spec.path, flagValue(spec, raw));
  }
  const network = (problem.network ?? {}) as Record<string, unknown>;
  if (typeof network !== "object" || network === null || Array.isArray(network)) {
    throw new ConfigError(`${where}: network`, network, "an object of network fields");
  }
  if (flags.informed) {
    if (files.init) throw new ConfigError("--informed", true, "not together with --init");
    // K and sigma0 as given, or the table's defaults (checked against it here)
    const model = resolveData(data);
    const { K, sigma0 } = resolveTable(
      PROBLEM_PARAMS,
      { network: { K: network.K, sigma0: network.sigma0 } },
      { D: model.D },
    ).network;
    network.init = informedWeights(model, { K, sigma0 });
  }
  if (files.init) {
    network.init = files.init;
    if (network.K === undefined) network.K = files.init.W.length;
  }
  problem.network = network;

  const seedsText = textFlag(flags, "seeds");
  const count = seedsText === undefined ? undefined : numberFlag("--seeds", seedsText, true);
  if (count !== undefined) {
    if (count < 1 || count > MAX_SEEDS) {
      throw new ConfigError("--seeds", count, `an integer from 1 to ${MAX_SEEDS}`);
    }
    const first = (problem.seeds as number[] | undefined)?.[0] ?? 1;
    problem.seeds = Array.from({ length: count }, (_, i) => first + i);
  }
  return { problem: problem as ProblemInput, solver: solver as SolverInput };
}
