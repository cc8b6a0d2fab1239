/**
 * The public types of the ODE integrators: the problem ({@link OdeProblem},
 * {@link Rhs}, {@link Jacobian}), the options of a solve ({@link SolveOptions})
 * and its result ({@link OdeSolution}). Types only: nothing here runs.
 *
 * @module
 */

/** Right-hand side of y' = f(t, y): writes f(t, y) into `dydt` (length n), returns nothing. */
export type Rhs = (t: number, y: Float64Array, dydt: Float64Array) => void;

/** An initial value problem: y' = rhs(t, y), y(t0) = y0 (t0 defaults to 0). */
export interface OdeProblem {
  /** The right-hand side; it must not keep references to `y` or `dydt`. */
  rhs: Rhs;
  /** Initial state, length n (copied, never modified). */
  y0: ArrayLike<number>;
  /** Initial time (default 0). */
  t0?: number;
}

/**
 * Jacobian of the right-hand side: writes df_i/dy_j at (t, y) into `J[i * n + j]`
 * (row-major n x n; `J` is zero-filled before each call, so only non-zero
 * entries need be written). It must not keep references to `y` or `J`.
 */
export type Jacobian = (t: number, y: Float64Array, J: Float64Array) => void;

/** Options of `solve` (see `integrate.ts`). */
export interface SolveOptions {
  /**
   * The integrator: a name of the registry (`INTEGRATORS`: "euler", "rk4",
   * "dopri5", "rosenbrock") or an alias ("adaptive" = "dopri5", "stiff" =
   * "rosenbrock").
   */
  method: string;
  /**
   * Step of the fixed-step methods (required for "euler" and "rk4"); ignored by
   * the adaptive methods (see `hInit`, `hMax`).
   */
  h?: number;
  /** Adaptive methods: absolute tolerance, scalar or one per component (>= 0; default 1e-9). */
  atol?: number | ArrayLike<number>;
  /** Adaptive methods: relative tolerance, scalar or one per component (>= 0; default 1e-6). */
  rtol?: number | ArrayLike<number>;
  /** Adaptive methods: first trial step (default: chosen by Hairer's algorithm). */
  hInit?: number;
  /** Adaptive methods: largest step (default: no limit besides the time span). */
  hMax?: number;
  /**
   * Maximum number of attempted steps, accepted plus rejected (default 100000
   * for the adaptive methods, unlimited for the fixed-step methods).
   */
  maxSteps?: number;
  /**
   * "rosenbrock": the Jacobian df/dy of the right-hand side (default: forward
   * differences, n extra right-hand-side evaluations per step).
   */
  jacobian?: Jacobian;
  /**
   * "rosenbrock": the right-hand side does not depend on t, so df/dt = 0 is not
   * estimated (default false: one extra right-hand-side evaluation per step for
   * a forward difference in t).
   */
  autonomous?: boolean;
  /**
   * Domain guard, called with the initial state, after every accepted step
   * and with every recorded state that an adaptive method interpolated
   * inside a step (dense output); a returned message (e.g. "variance Q_11 <=
   * 0") stops the solve with a `DomainError` at that time. `y` is the
   * solver's buffer: read it, do not keep it.
   */
  check?: (t: number, y: Float64Array) => string | null;
  /** Called after every accepted step (after `check`); `y` as for `check`. */
  onStep?: (t: number, y: Float64Array) => void;
  /**
   * Aborts the solve (checked before every step); throws `signal.reason`. A
   * synchronous `solve` cannot receive an abort while it runs: use
   * `solveAsync` for integrations that must stop when asked.
   */
  signal?: AbortSignal;
}

/** The solution on the requested grid. */
export interface OdeSolution {
  /** The requested times (a copy). */
  times: number[];
  /** The state at each requested time, one fresh array of length n per time. */
  states: Float64Array[];
  /** Accepted steps. */
  steps: number;
  /** Evaluations of the right-hand side. */
  rhsEvaluations: number;
  /** Rejected steps (always 0 for the fixed-step methods). */
  rejected: number;
}
