/**
 * ODE integrators for y' = f(t, y) on a requested time grid: {@link solve}
 * (and {@link solveAsync}, which yields to the event loop so that an abort
 * signal stops a long integration) and one wrapper per method ({@link euler}, {@link rk4}, {@link dopri5},
 * {@link rosenbrock}); the registry of methods {@link INTEGRATORS} with
 * {@link resolveIntegrator}; and, to write a new method (one file and one
 * line in the registry), the method contract ({@link IntegratorEntry},
 * {@link MethodCache}), the step-size controllers and the LU solver.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { INTEGRATORS, solve } from "./mod.ts";
 * // every registered method on y' = -y
 * for (const entry of Object.values(INTEGRATORS)) {
 *   const sol = solve({ rhs: (_t, y, dy) => { dy[0] = -y[0]; }, y0: [1] }, [1], { method: entry.name, h: 0.01 });
 *   assert.ok(Math.abs(sol.states[0][0] - Math.exp(-1)) < 1e-2);
 * }
 * ```
 * @module
 */
export { dopri5, euler, rk4, rosenbrock } from "./integrate.ts";
export { integrate, solve, solveAsync, solvePiecewiseAsync } from "./driver.ts";
export type { AsyncSolveOptions } from "./driver.ts";
export { INTEGRATORS, ODE_METHODS, resolveIntegrator } from "./methods.ts";
export type { IntegratorName, OdeMethod, OdeMethodAlias } from "./methods.ts";
export type { Jacobian, OdeProblem, OdeSolution, Rhs, SolveOptions } from "./types.ts";
export { ROS34PW2, ROSENBROCK } from "./rosenbrock.ts";
export type { RosenbrockTableau } from "./rosenbrock.ts";
export { DOPRI5 } from "./dopri5.ts";
export { EULER } from "./euler.ts";
export { RK4 } from "./rk4.ts";
export { assertFinite } from "./method.ts";
export type {
  AdaptiveEntry,
  FixedStepEntry,
  IntegratorBase,
  IntegratorEntry,
  MethodCache,
  MethodSetup,
} from "./method.ts";
export { initialStep, PIController, PredictiveController } from "./control.ts";
export type { StepController } from "./control.ts";
export { luFactor, luSolve } from "./lu.ts";
export { AedynError, ConfigError, DomainError, IntegrationError } from "../core/errors.ts";
export type { IntegrationFailure } from "../core/errors.ts";
