/**
 * The theory's solver settings — integrator, form of the equations, step,
 * tolerances, binning of the spectrum — as their own value (not problem
 * keys), declared once in {@link SOLVER_PARAMS}: validation, config keys,
 * CLI flags and help text all come from it.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import {
  checkKeys,
  checkParam,
  defaultOf,
  type ParamContext,
  type ParamSpec,
} from "../core/params.ts";
import { INTEGRATORS, type OdeMethod, resolveIntegrator } from "../ode/methods.ts";
import type { Problem } from "../problem/types.ts";
import { type Form, FORM_NAMES } from "./forms.ts";

/** Most steps one fixed-step integration may take (t-max / h). */
export const MAX_FIXED_STEPS = 10_000_000;
/** Most step attempts of the adaptive integrators. */
export const MAX_ADAPTIVE_STEPS = 1_000_000;
/** Most paths of the diffusion limit one theory samples. */
export const MAX_PATHS = 100_000;

/** Solver settings of `theory`, resolved. */
export interface SolverSettings {
  /** Integrator: canonical name of the ode registry ("dopri5", "rosenbrock", "rk4", "euler"). */
  integrator: OdeMethod;
  /** "projected" (default, stable) or "density" (the published q, r, t form). */
  form: Form;
  /** Step of the fixed-step integrators (Euler: default 1/D; RK4: default 0.01). */
  h?: number;
  /** Absolute tolerance of the adaptive integrators. */
  atol: number;
  /** Relative tolerance of the adaptive integrators. */
  rtol: number;
  /** Bin all but the leading directions of the spectrum into this many groups (projected form). */
  bins?: number;
  /** Sample this many paths of the diffusion limit (THEORY.md 6b): the spread between seeds. */
  paths?: number;
  /** Largest Euler step of the paths (t units; default 0.02, smaller where the flow is fast). */
  pathStep?: number;
  /** Seed of the first path: path i starts from the initial weights of seed pathSeed + i. */
  pathSeed?: number;
}

/** What a caller may give of the solver settings: any subset, integrators by name or alias. */
export type SolverInput = Partial<Omit<SolverSettings, "integrator">> & { integrator?: string };

/**
 * The names `--integrator` accepts, users' names first: a method's alias
 * ("adaptive", "stiff") where it has one, then the canonical names.
 */
function integratorChoices(): string[] {
  const entries = Object.values(INTEGRATORS);
  const first = entries.map((e) => (e.aliases.length ? e.aliases[0] : e.name));
  const rest = entries.flatMap((
    e,
  ) => [...e.aliases.slice(1), ...(e.aliases.length ? [e.name] : [])]);
  return [...first, ...rest];
}

const fixedStep = (c: ParamContext) => !INTEGRATORS[c.integrator as OdeMethod].adaptive;

/** The solver's parameters, in resolution order. */
export const SOLVER_PARAMS: readonly ParamSpec[] = [
  {
    path: "integrator",
    flag: "integrator",
    type: "choice",
    choices: integratorChoices,
    default: "adaptive",
    doc: "adaptive = Dormand-Prince 5(4); stiff = Rosenbrock ROS34PW2, for long times; " +
      "rk4, euler: fixed step",
    group: "Solver",
  },
  {
    path: "form",
    flag: "form",
    type: "choice",
    choices: () => FORM_NAMES,
    default: "projected",
    doc: "projected (stable) or density (the published q, r, t form)",
    group: "Solver",
  },
  {
    path: "h",
    flag: "h",
    type: "number",
    min: (c) => (c.tMax as number) / MAX_FIXED_STEPS,
    max: (c) => c.tMax as number,
    maxNote: "t-max",
    default: (c: ParamContext) =>
      fixedStep(c) ? (c.integrator === "euler" ? 1 / (c.D as number) : 0.01) : undefined,
    doc: "step of the fixed-step integrators (euler: default 1/D; rk4: 0.01)",
    group: "Solver",
  },
  {
    path: "atol",
    flag: "atol",
    type: "number",
    min: 0,
    max: 1e-3,
    default: 1e-10,
    doc: "absolute tolerance of the adaptive integrators",
    group: "Solver",
  },
  {
    path: "rtol",
    flag: "rtol",
    type: "number",
    min: 1e-14,
    max: 1e-2,
    default: 1e-8,
    doc: "relative tolerance of the adaptive integrators",
    group: "Solver",
  },
  {
    path: "bins",
    flag: "bins",
    type: "integer",
    min: 1,
    max: (c) => c.D as number,
    doc: "bin the spectrum beyond the leading directions into this many groups",
    group: "Solver",
  },
  {
    path: "paths",
    flag: "paths",
    type: "integer",
    min: 2,
    max: MAX_PATHS,
    doc: "also sample this many paths of the diffusion limit: the predicted spread between " +
      "seeds at this D (result.fluctuations)",
    group: "Solver",
  },
  {
    path: "pathStep",
    flag: "path-step",
    type: "number",
    min: 0,
    minExclusive: true,
    max: (c) => c.tMax as number,
    maxNote: "t-max",
    default: (c: ParamContext) => (c.paths === undefined ? undefined : 0.02),
    doc: "largest Euler step of the paths (smaller where the mean flow is fast)",
    group: "Solver",
  },
  {
    path: "pathSeed",
    flag: "path-seed",
    type: "integer",
    min: 0,
    max: 2 ** 40,
    default: (c: ParamContext) => (c.paths === undefined ? undefined : 1_000_000),
    doc: "path i starts from the initial weights of seed path-seed + i and draws its own noise",
    group: "Solver",
  },
];

/** The keys of the solver settings (config files, `theory`'s second argument). */
export const SOLVER_KEYS: readonly string[] = SOLVER_PARAMS.map((p) => p.path);

/**
 * Fill in and check the solver settings for a problem (the step's range
 * depends on t-max, its default on D).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveSolver } from "./solver.ts";
 * import { resolveProblem } from "../problem/resolve.ts";
 * const s = resolveSolver({ integrator: "euler" }, resolveProblem({ data: { D: 50 }, tMax: 2 }));
 * assert.equal(s.integrator, "euler");
 * assert.equal(s.h, 1 / 50);
 * assert.equal(s.form, "projected");
 * ```
 */
export function resolveSolver(input: SolverInput, problem: Problem): SolverSettings {
  checkKeys("solver", input, SOLVER_KEYS);
  const ctx: ParamContext = { D: problem.data.D, tMax: problem.tMax };
  const out: Record<string, unknown> = {};
  for (const spec of SOLVER_PARAMS) {
    const given = (input as Record<string, unknown>)[spec.path];
    let value = given === undefined ? defaultOf(spec, ctx) : given;
    if (value !== undefined) checkParam(spec, value, ctx);
    if (spec.path === "integrator") value = resolveIntegrator(value as string).name;
    if (value === undefined) continue;
    out[spec.path] = value;
    ctx[spec.path] = value;
  }
  if (out.h !== undefined && !fixedStep(ctx) && input.h !== undefined) {
    throw new ConfigError("h", out.h, `no step for the adaptive integrator ${out.integrator}`);
  }
  if (out.paths !== undefined && out.form !== "projected") {
    throw new ConfigError("paths", out.paths, "paths with the projected form only");
  }
  for (const key of ["pathStep", "pathSeed"]) {
    if (out.paths === undefined && (input as Record<string, unknown>)[key] !== undefined) {
      const flag = key === "pathStep" ? "path-step" : "path-seed";
      throw new ConfigError(`${key} (--${flag})`, out[key], "only with paths (--paths N)");
    }
  }
  if (out.bins !== undefined && out.form !== "projected") {
    throw new ConfigError("bins", out.bins, "binning with the projected form only");
  }
  return out as unknown as SolverSettings;
}
