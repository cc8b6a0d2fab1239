/**
 * The theory's solver settings — integrator, form of the equations, step,
 * tolerances, binning of the spectrum — as their own value (not problem
 * keys), declared once in {@link SOLVER_PARAMS}: the type of the settings,
 * validation (the constraints between them included), config keys, CLI
 * flags and help text all come from it. A new setting is one entry there.
 * @module
 */
import {
  checkKeys,
  keysOf,
  type ParamContext,
  type ParamSpec,
  resolveTable,
  type TreeOf,
} from "../core/params.ts";
import { INTEGRATORS, ODE_METHODS, type OdeMethod, resolveIntegrator } from "../ode/methods.ts";
import type { Problem } from "../problem/types.ts";
import { FORM_NAMES } from "./forms.ts";

/** Most steps one fixed-step integration may take (t-max / h). */
export const MAX_FIXED_STEPS = 10_000_000;
/** Most step attempts of the adaptive integrators. */
export const MAX_ADAPTIVE_STEPS = 1_000_000;
/** Most paths of the diffusion limit one theory samples. */
export const MAX_PATHS = 100_000;

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

/** The registry's key of a method given by its name or an alias. */
function canonicalIntegrator(name: string): OdeMethod {
  const entry = resolveIntegrator(name);
  return ODE_METHODS.find((m) => INTEGRATORS[m] === entry)!;
}

const fixedStep = (c: ParamContext) => !INTEGRATORS[c.integrator as OdeMethod].adaptive;

/** The solver's parameters, in resolution order. */
export const SOLVER_PARAMS = [
  {
    path: "integrator",
    flag: "integrator",
    type: "choice",
    choices: integratorChoices,
    // the canonical name of the ode registry ("dopri5", "rosenbrock", "rk4", "euler")
    canonical: (name: string): OdeMethod => canonicalIntegrator(name),
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
    min: (c: ParamContext): number => (c.tMax as number) / MAX_FIXED_STEPS,
    max: (c: ParamContext): number => c.tMax as number,
    maxNote: "t-max",
    default: (c: ParamContext): number | undefined =>
      fixedStep(c) ? (c.integrator === "euler" ? 1 / (c.D as number) : 0.01) : undefined,
    check: (_: number, c: ParamContext): string | undefined =>
      fixedStep(c) ? undefined : `no step for the adaptive integrator ${c.integrator}`,
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
    max: (c: ParamContext): number => c.D as number,
    check: (_: number, c: ParamContext): string | undefined =>
      c.form === "projected" ? undefined : "binning with the projected form only",
    doc: "bin the spectrum beyond the leading directions into this many groups",
    group: "Solver",
  },
  {
    path: "paths",
    flag: "paths",
    type: "integer",
    min: 2,
    max: MAX_PATHS,
    check: (_: number, c: ParamContext): string | undefined =>
      c.form === "projected" ? undefined : "paths with the projected form only",
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
    max: (c: ParamContext): number => c.tMax as number,
    maxNote: "t-max",
    default: (c: ParamContext): number | undefined => (c.paths === undefined ? undefined : 0.02),
    check: (_: number, c: ParamContext): string | undefined =>
      c.paths === undefined ? "only with paths (--paths N)" : undefined,
    doc: "largest Euler step of the paths (smaller where the mean flow is fast; default 0.02)",
    group: "Solver",
  },
  {
    path: "pathSeed",
    flag: "path-seed",
    type: "integer",
    min: 0,
    max: 2 ** 40,
    default: (c: ParamContext): number | undefined => c.paths === undefined ? undefined : 1_000_000,
    check: (_: number, c: ParamContext): string | undefined =>
      c.paths === undefined ? "only with paths (--paths N)" : undefined,
    doc: "path i starts from the initial weights of seed path-seed + i and draws its own noise " +
      "(default 1000000)",
    group: "Solver",
  },
] as const satisfies readonly ParamSpec[];

/**
 * Solver settings of `theory`, resolved: the values {@link SOLVER_PARAMS}
 * declares (integrator by its canonical name, form, the step h of the
 * fixed-step integrators, tolerances atol and rtol, bins).
 */
export type SolverSettings = TreeOf<typeof SOLVER_PARAMS>;

/** The keys of the solver settings (config files, `theory`'s second argument). */
export const SOLVER_KEYS: readonly string[] = keysOf(SOLVER_PARAMS);

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
  return resolveTable(SOLVER_PARAMS, input, { D: problem.data.D, tMax: problem.tMax });
}
