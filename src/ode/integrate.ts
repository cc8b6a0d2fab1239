/**
 * Generic integrators for ordinary differential equations y' = f(t, y) with
 * a state y in a Float64Array: explicit Euler and classic RK4 with a fixed
 * step, the adaptive embedded Dormand–Prince 5(4) pair (DOPRI5) with dense
 * output, and, for stiff problems, the adaptive linearly implicit
 * Rosenbrock-W method ROS34PW2 (order 3, embedded order 2, L-stable and
 * stiffly accurate) with a dense (finite-difference or user-supplied)
 * Jacobian and LU solves. One entry point, {@link solve}, reports the state
 * on a requested time grid (THEORY.md section 4b: Euler at dt = 1/D tracks
 * a finite-D run; the D -> infinity flow allows an adaptive integrator);
 * this module adds one wrapper per method.
 *
 * The code is split into one driver (`driver.ts`: validation, grid, step
 * loop, step-size control, guards, recording) and one small file per method
 * (`euler.ts`, `rk4.ts`, `dopri5.ts`, `rosenbrock.ts`), listed in the
 * registry `INTEGRATORS` (`methods.ts`). Nothing allocates per
 * right-hand-side call or per step: every stage buffer (and, for
 * "rosenbrock", the n x n Jacobian and LU factors) is allocated once per
 * solve, and only the reported states are copied.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { solve } from "./integrate.ts";
 * // y' = -y, y(0) = 1, reported at t = 0, 1, 2
 * const sol = solve(
 *   { rhs: (_t, y, dy) => { dy[0] = -y[0]; }, y0: [1] },
 *   [0, 1, 2],
 *   { method: "dopri5", rtol: 1e-10, atol: 1e-12 },
 * );
 * assert.ok(Math.abs(sol.states[2][0] - Math.exp(-2)) < 1e-9);
 * ```
 * @module
 */
import { solve } from "./driver.ts";
import type { OdeProblem, OdeSolution, SolveOptions } from "./types.ts";

export { DomainError, IntegrationError } from "../core/errors.ts";
export type { IntegrationFailure } from "../core/errors.ts";
export { solve, solveAsync, solvePiecewiseAsync } from "./driver.ts";
export type { AsyncSolveOptions } from "./driver.ts";
export { ODE_METHODS } from "./methods.ts";
export type { IntegratorName, OdeMethod, OdeMethodAlias } from "./methods.ts";
export { ROS34PW2 } from "./rosenbrock.ts";
export type { RosenbrockTableau } from "./rosenbrock.ts";
export type { Jacobian, OdeProblem, OdeSolution, Rhs, SolveOptions } from "./types.ts";

/**
 * {@link solve} with explicit Euler at fixed step `h`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { euler } from "./integrate.ts";
 * const sol = euler({ rhs: (_t, y, dy) => { dy[0] = -y[0]; }, y0: [1] }, [1], 0.5);
 * assert.equal(sol.states[0][0], 0.25);
 * assert.equal(sol.steps, 2);
 * ```
 */
export function euler(
  problem: OdeProblem,
  times: readonly number[],
  h: number,
  opts: Omit<SolveOptions, "method" | "h"> = {},
): OdeSolution {
  return solve(problem, times, { ...opts, method: "euler", h });
}

/**
 * {@link solve} with the classic 4th-order Runge–Kutta method at fixed step `h`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rk4 } from "./integrate.ts";
 * const sol = rk4({ rhs: (_t, y, dy) => { dy[0] = -y[0]; }, y0: [1] }, [1], 0.1);
 * assert.ok(Math.abs(sol.states[0][0] - Math.exp(-1)) < 1e-6);
 * assert.equal(sol.steps, 10);
 * ```
 */
export function rk4(
  problem: OdeProblem,
  times: readonly number[],
  h: number,
  opts: Omit<SolveOptions, "method" | "h"> = {},
): OdeSolution {
  return solve(problem, times, { ...opts, method: "rk4", h });
}

/**
 * {@link solve} with adaptive Dormand–Prince 5(4) and dense output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dopri5 } from "./integrate.ts";
 * const ts = Array.from({ length: 11 }, (_, i) => i / 10);
 * const sol = dopri5({ rhs: (t, _y, dy) => { dy[0] = Math.cos(t); }, y0: [0] }, ts, { rtol: 1e-9 });
 * assert.ok(sol.states.every((y, i) => Math.abs(y[0] - Math.sin(ts[i])) < 1e-8));
 * ```
 */
export function dopri5(
  problem: OdeProblem,
  times: readonly number[],
  opts: Omit<SolveOptions, "method"> = {},
): OdeSolution {
  return solve(problem, times, { ...opts, method: "dopri5" });
}

/**
 * {@link solve} with the adaptive L-stable Rosenbrock-W method ROS34PW2, for
 * stiff problems.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rosenbrock } from "./integrate.ts";
 * // y' = -1e6 (y - cos t): the solution follows cos t after a fast transient
 * const sol = rosenbrock(
 *   { rhs: (t, y, dy) => { dy[0] = -1e6 * (y[0] - Math.cos(t)); }, y0: [0] },
 *   [10],
 *   { rtol: 1e-4, atol: 1e-9 },
 * );
 * // DOPRI5 would need ~3e6 steps (|h lambda| <= 3.3)
 * assert.ok(Math.abs(sol.states[0][0] - Math.cos(10)) < 1e-5);
 * assert.ok(sol.steps < 100);
 * ```
 */
export function rosenbrock(
  problem: OdeProblem,
  times: readonly number[],
  opts: Omit<SolveOptions, "method"> = {},
): OdeSolution {
  return solve(problem, times, { ...opts, method: "rosenbrock" });
}
