/**
 * Generic integrators for ordinary differential equations y' = f(t, y) with
 * a state y in a Float64Array: explicit Euler and classic RK4 with a fixed
 * step, the adaptive embedded Dormand–Prince 5(4) pair (DOPRI5) with dense
 * output, and, for stiff problems, the adaptive linearly implicit
 * Rosenbrock-W method ROS34PW2 (order 3, embedded order 2, L-stable and
 * stiffly accurate) with a dense (finite-difference or user-supplied)
 * Jacobian and LU solves. One
 * entry point, {@link solve}, reports the state on a requested time grid
 * (THEORY.md section 4b: Euler at dt = 1/D tracks a finite-D run; the
 * D -> infinity flow allows an adaptive integrator).
 *
 * Nothing here allocates per right-hand-side call or per step: every stage
 * buffer (and, for "rosenbrock", the n x n Jacobian and LU factors) is
 * allocated once per solve, and only the reported states are copied.
 *
 * @example
 * ```ts
 * import { solve } from "./integrate.ts";
 * // y' = -y, y(0) = 1, reported at t = 0, 1, 2
 * const sol = solve(
 *   { rhs: (_t, y, dy) => { dy[0] = -y[0]; }, y0: [1] },
 *   [0, 1, 2],
 *   { method: "dopri5", rtol: 1e-10, atol: 1e-12 },
 * );
 * if (!(Math.abs(sol.states[2][0] - Math.exp(-2)) < 1e-9)) throw new Error("example failed");
 * ```
 * @module
 */
import { ConfigError, DomainError, IntegrationError } from "../core/errors.ts";
export { DomainError, IntegrationError } from "../core/errors.ts";
export type { IntegrationFailure } from "../core/errors.ts";

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
 * The integration methods: fixed-step "euler" and "rk4", adaptive explicit
 * "dopri5", adaptive linearly implicit "rosenbrock" (ROS34PW2, for stiff problems).
 */
export type OdeMethod = "euler" | "rk4" | "dopri5" | "rosenbrock";

/** Methods accepted by {@link solve}. */
export const ODE_METHODS: readonly OdeMethod[] = ["euler", "rk4", "dopri5", "rosenbrock"];

/**
 * Jacobian of the right-hand side: writes df_i/dy_j at (t, y) into `J[i * n + j]`
 * (row-major n x n; `J` is zero-filled before each call, so only non-zero
 * entries need be written). It must not keep references to `y` or `J`.
 */
export type Jacobian = (t: number, y: Float64Array, J: Float64Array) => void;

/** Options of {@link solve}. */
export interface SolveOptions {
  /** The integrator. */
  method: OdeMethod;
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
   * Domain guard, called with the initial state and after every accepted step;
   * a returned message (e.g. "variance Q_11 <= 0") stops the solve with a
   * {@link DomainError}. `y` is the solver's buffer: read it, do not keep it.
   */
  check?: (t: number, y: Float64Array) => string | null;
  /** Called after every accepted step (after `check`); `y` as for `check`. */
  onStep?: (t: number, y: Float64Array) => void;
  /** Aborts the solve (checked before every step); throws `signal.reason`. */
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

/**
 * Integrate y' = f(t, y) from `problem.t0` and report the state at every
 * requested time (non-decreasing, none before t0).
 *
 * - "euler", "rk4": fixed step `h`; a requested time that is not reached by a
 *   whole number of steps is reached by shortening the last step before it,
 *   and the next steps start again from that time. A time span that is a
 *   whole number of steps (up to 1e-9 relative) takes exactly that many steps.
 * - "dopri5": adaptive Dormand–Prince 5(4), FSAL, error measured as the RMS
 *   over components of err_i / (atol_i + rtol_i max(|y_i|, |y_new_i|)),
 *   PI step control (safety 0.9, step ratio in [0.2, 10], no growth right
 *   after a rejection), first step from Hairer's algorithm. Steps are not
 *   bent to the grid: requested times inside a step are read from the
 *   4th-order continuous extension of DOPRI5; only the last step is cut to
 *   end on the last requested time.
 * - "rosenbrock": adaptive Rosenbrock-W method ROS34PW2 (Rang & Angermann
 *   2005, see {@link ROS34PW2}): 4 stages, order 3 (also with an inexact
 *   Jacobian), L-stable and stiffly accurate, embedded order-2 solution;
 *   meant for stiff problems (fast decaying modes), where its steps are set
 *   by accuracy rather than by stability. Each step attempt factors
 *   I / (h gamma) - J once (LU with partial pivoting) and solves four linear
 *   systems with it. J is `opts.jacobian` or, by default, forward
 *   differences with increments sqrt(eps) max(|y_j|, atol_j / max(rtol_j, 1e-6))
 *   (n evaluations), and df/dt a forward difference in t (1 evaluation;
 *   skipped when `opts.autonomous`); both are computed once per accepted
 *   state and reused when a step from it is rejected. Per step attempt:
 *   3 stage evaluations; per accepted step: 1 more, f(t_new, y_new), the
 *   next step's first stage. Error norm and tolerances as for "dopri5"; the
 *   estimate is O(h^3), step control with exponent 1/3 (safety 0.9, ratio
 *   in [0.2, 6], the smaller of the standard and Gustafsson's predictive
 *   controller, no growth right after a rejection), first step from
 *   Hairer's algorithm. Requested times inside a step are read from a
 *   cubic continuous extension built from the stages (order 2: local
 *   interpolation error O(h^3), like the error estimate; it does not
 *   amplify stiff components, unlike a Hermite interpolant of f at the
 *   step ends); only the last step is cut to end on the last requested
 *   time. A singular iteration matrix halves the step; five times in a row
 *   stop the solve.
 *
 * Throws {@link ConfigError} on invalid input, {@link DomainError} when
 * `check` objects, {@link IntegrationError} when the state (or, for
 * "rosenbrock", the right-hand side or Jacobian at an accepted state) becomes
 * non-finite, the step size underflows, `maxSteps` is exceeded or (for
 * "rosenbrock") the iteration matrix stays singular, and `signal.reason`
 * when aborted.
 *
 * @example
 * ```ts
 * import { solve } from "./integrate.ts";
 * // harmonic oscillator x'' = -x with RK4, h = 0.01
 * const sol = solve(
 *   { rhs: (_t, y, dy) => { dy[0] = y[1]; dy[1] = -y[0]; }, y0: [1, 0] },
 *   [Math.PI / 2, Math.PI],
 *   { method: "rk4", h: 0.01 },
 * );
 * if (!(Math.abs(sol.states[1][0] + 1) < 1e-9 && sol.steps === 316)) throw new Error("example failed");
 * ```
 */
export function solve(
  problem: OdeProblem,
  times: readonly number[],
  opts: SolveOptions,
): OdeSolution {
  const p = validate(problem, times, opts);
  if (p.grid.length === 0) {
    return { times: [], states: [], steps: 0, rhsEvaluations: 0, rejected: 0 };
  }
  switch (opts.method) {
    case "dopri5":
      return dopri5Solve(p, opts);
    case "rosenbrock":
      return rosenbrockSolve(p, opts);
    default:
      return fixedStepSolve(p, opts);
  }
}

/**
 * {@link solve} with explicit Euler at fixed step `h`.
 *
 * @example
 * ```ts
 * import { euler } from "./integrate.ts";
 * const sol = euler({ rhs: (_t, y, dy) => { dy[0] = -y[0]; }, y0: [1] }, [1], 0.5);
 * if (!(sol.states[0][0] === 0.25 && sol.steps === 2)) throw new Error("example failed");
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
 * import { rk4 } from "./integrate.ts";
 * const sol = rk4({ rhs: (_t, y, dy) => { dy[0] = -y[0]; }, y0: [1] }, [1], 0.1);
 * if (!(Math.abs(sol.states[0][0] - Math.exp(-1)) < 1e-6 && sol.steps === 10)) throw new Error("example failed");
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
 * import { dopri5 } from "./integrate.ts";
 * const ts = Array.from({ length: 11 }, (_, i) => i / 10);
 * const sol = dopri5({ rhs: (t, _y, dy) => { dy[0] = Math.cos(t); }, y0: [0] }, ts, { rtol: 1e-9 });
 * if (!(sol.states.every((y, i) => Math.abs(y[0] - Math.sin(ts[i])) < 1e-8))) throw new Error("example failed");
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
 * import { rosenbrock } from "./integrate.ts";
 * // y' = -1e6 (y - cos t): the solution follows cos t after a fast transient
 * const sol = rosenbrock(
 *   { rhs: (t, y, dy) => { dy[0] = -1e6 * (y[0] - Math.cos(t)); }, y0: [0] },
 *   [10],
 *   { rtol: 1e-4, atol: 1e-9 },
 * );
 * // DOPRI5 would need ~3e6 steps (|h lambda| <= 3.3)
 * if (!(Math.abs(sol.states[0][0] - Math.cos(10)) < 1e-5 && sol.steps < 100)) throw new Error("example failed");
 * ```
 */
export function rosenbrock(
  problem: OdeProblem,
  times: readonly number[],
  opts: Omit<SolveOptions, "method"> = {},
): OdeSolution {
  return solve(problem, times, { ...opts, method: "rosenbrock" });
}

// ---------------------------------------------------------------------------
// Validation

interface Prepared {
  rhs: Rhs;
  n: number;
  t0: number;
  y0: Float64Array;
  grid: number[];
}

function validate(problem: OdeProblem, times: readonly number[], opts: SolveOptions): Prepared {
  if (typeof problem?.rhs !== "function") {
    throw new ConfigError("rhs", problem?.rhs, "a function (t, y, dydt) => void");
  }
  const t0 = problem.t0 ?? 0;
  if (!Number.isFinite(t0)) throw new ConfigError("t0", t0, "a finite number");
  const n = problem.y0?.length;
  if (!(typeof n === "number" && n >= 1)) {
    throw new ConfigError("y0", problem.y0, "an array of at least one number");
  }
  const y0 = Float64Array.from(problem.y0);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y0[i])) {
      throw new ConfigError(`y0[${i}]`, problem.y0[i], "a finite number");
    }
  }
  if (!ODE_METHODS.includes(opts?.method)) {
    throw new ConfigError("method", opts?.method, ODE_METHODS.map((m) => `"${m}"`).join(", "));
  }
  const grid = Array.from(times);
  for (let i = 0; i < grid.length; i++) {
    const t = grid[i];
    const lower = i === 0 ? t0 : grid[i - 1];
    if (!(Number.isFinite(t) && t >= lower)) {
      throw new ConfigError(
        `times[${i}]`,
        t,
        `a finite time >= ${
          i === 0 ? `t0 = ${t0}` : `times[${i - 1}] = ${lower}`
        } (times non-decreasing)`,
      );
    }
  }
  if (
    (opts.method === "euler" || opts.method === "rk4") &&
    !(typeof opts.h === "number" && opts.h > 0 && Number.isFinite(opts.h))
  ) {
    throw new ConfigError("h", opts.h, `a finite step > 0 (required by "${opts.method}")`);
  }
  if (opts.maxSteps !== undefined && !(opts.maxSteps >= 1)) {
    throw new ConfigError("maxSteps", opts.maxSteps, "a number >= 1");
  }
  for (const key of ["hInit", "hMax"] as const) {
    const v = opts[key];
    if (v !== undefined && !(v > 0)) throw new ConfigError(key, v, "a step > 0");
  }
  if (opts.jacobian !== undefined && typeof opts.jacobian !== "function") {
    throw new ConfigError("jacobian", opts.jacobian, "a function (t, y, J) => void");
  }
  if (opts.autonomous !== undefined && typeof opts.autonomous !== "boolean") {
    throw new ConfigError("autonomous", opts.autonomous, "true or false");
  }
  return { rhs: problem.rhs, n, t0, y0, grid };
}

/** Tolerance as one value per component, validated. */
function toleranceVector(
  name: string,
  v: number | ArrayLike<number> | undefined,
  dflt: number,
  n: number,
) {
  const out = new Float64Array(n);
  if (v === undefined || typeof v === "number") {
    const x = v ?? dflt;
    if (!(x >= 0 && Number.isFinite(x))) throw new ConfigError(name, v, "a finite number >= 0");
    out.fill(x);
    return out;
  }
  if (v.length !== n) throw new ConfigError(name, v, `a number or an array of length n = ${n}`);
  for (let i = 0; i < n; i++) {
    if (!(v[i] >= 0 && Number.isFinite(v[i]))) {
      throw new ConfigError(`${name}[${i}]`, v[i], "a finite number >= 0");
    }
    out[i] = v[i];
  }
  return out;
}

/** The validated absolute and relative tolerances of an adaptive method. */
function tolerances(opts: SolveOptions, n: number): { atol: Float64Array; rtol: Float64Array } {
  const atol = toleranceVector("atol", opts.atol, 1e-9, n);
  const rtol = toleranceVector("rtol", opts.rtol, 1e-6, n);
  for (let i = 0; i < n; i++) {
    if (atol[i] === 0 && rtol[i] === 0) {
      throw new ConfigError(`atol[${i}] and rtol[${i}]`, 0, "not both 0");
    }
  }
  return { atol, rtol };
}

// ---------------------------------------------------------------------------
// Shared per-step bookkeeping

/** After an accepted step: finiteness, domain guard, user hook. */
function afterStep(t: number, y: Float64Array, opts: SolveOptions): void {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) {
      throw new IntegrationError("non-finite", t, `component ${i} of the state is ${y[i]}`);
    }
  }
  if (opts.check) {
    const msg = opts.check(t, y);
    if (msg !== null && msg !== undefined) throw new DomainError(t, msg);
  }
  opts.onStep?.(t, y);
}

function initialGuard(t: number, y: Float64Array, opts: SolveOptions): void {
  if (opts.check) {
    const msg = opts.check(t, y);
    if (msg !== null && msg !== undefined) throw new DomainError(t, msg);
  }
}

// ---------------------------------------------------------------------------
// Fixed-step methods

function fixedStepSolve(p: Prepared, opts: SolveOptions): OdeSolution {
  const { rhs, n, grid } = p;
  const h = opts.h as number;
  const maxSteps = opts.maxSteps ?? Infinity;
  const rk = opts.method === "rk4";
  const y = Float64Array.from(p.y0);
  const k1 = new Float64Array(n);
  const k2 = rk ? new Float64Array(n) : k1;
  const k3 = rk ? new Float64Array(n) : k1;
  const k4 = rk ? new Float64Array(n) : k1;
  const yt = rk ? new Float64Array(n) : k1;
  const states: Float64Array[] = [];
  let steps = 0;
  let evals = 0;
  let t = p.t0;
  initialGuard(t, y, opts);

  for (const target of grid) {
    const r = (target - t) / h;
    const whole = Math.round(r);
    const count = Math.abs(r - whole) <= 1e-9 * Math.max(1, r) ? whole : Math.ceil(r);
    const start = t;
    for (let s = 0; s < count; s++) {
      if (steps >= maxSteps) {
        throw new IntegrationError(
          "max-steps",
          t,
          `maxSteps = ${maxSteps} steps taken before t = ${target}`,
        );
      }
      opts.signal?.throwIfAborted();
      const tNext = s === count - 1 ? target : start + (s + 1) * h;
      const dt = tNext - t;
      if (rk) {
        const half = 0.5 * dt;
        rhs(t, y, k1);
        for (let i = 0; i < n; i++) yt[i] = y[i] + half * k1[i];
        rhs(t + half, yt, k2);
        for (let i = 0; i < n; i++) yt[i] = y[i] + half * k2[i];
        rhs(t + half, yt, k3);
        for (let i = 0; i < n; i++) yt[i] = y[i] + dt * k3[i];
        rhs(tNext, yt, k4);
        const sixth = dt / 6;
        for (let i = 0; i < n; i++) y[i] += sixth * (k1[i] + 2 * (k2[i] + k3[i]) + k4[i]);
        evals += 4;
      } else {
        rhs(t, y, k1);
        for (let i = 0; i < n; i++) y[i] += dt * k1[i];
        evals += 1;
      }
      t = tNext;
      steps++;
      afterStep(t, y, opts);
    }
    t = target;
    states.push(Float64Array.from(y));
  }
  return { times: grid, states, steps, rhsEvaluations: evals, rejected: 0 };
}

// ---------------------------------------------------------------------------
// Dormand–Prince 5(4)

// Nodes, coupling coefficients, 5th-order weights (= last row, FSAL), error
// weights (5th minus 4th order) and dense-output weights of DOPRI5.
const C2 = 1 / 5, C3 = 3 / 10, C4 = 4 / 5, C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40, A32 = 9 / 40;
const A41 = 44 / 45, A42 = -56 / 15, A43 = 32 / 9;
const A51 = 19372 / 6561, A52 = -25360 / 2187, A53 = 64448 / 6561, A54 = -212 / 729;
const A61 = 9017 / 3168, A62 = -355 / 33, A63 = 46732 / 5247, A64 = 49 / 176, A65 = -5103 / 18656;
const A71 = 35 / 384, A73 = 500 / 1113, A74 = 125 / 192, A75 = -2187 / 6784, A76 = 11 / 84;
const E1 = 71 / 57600,
  E3 = -71 / 16695,
  E4 = 71 / 1920,
  E5 = -17253 / 339200,
  E6 = 22 / 525,
  E7 = -1 / 40;
const D1 = -12715105075 / 11282082432,
  D3 = 87487479700 / 32700410799,
  D4 = -10690763975 / 1880347072;
const D5 = 701980252875 / 199316789632, D6 = -1453857185 / 822651844, D7 = 69997945 / 29380423;

/** Step-size control constants. */
const SAFETY = 0.9;
const MIN_RATIO = 0.2;
const MAX_RATIO = 10;
/** PI (Lund) stabilisation exponent, as in Hairer's DOPRI5. */
const BETA = 0.04;
const ALPHA = 0.2 - 0.75 * BETA;
const DEFAULT_MAX_STEPS = 100_000;

function dopri5Solve(p: Prepared, opts: SolveOptions): OdeSolution {
  const { rhs, n, grid, t0 } = p;
  const { atol, rtol } = tolerances(opts, n);
  const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  const tEnd = grid[grid.length - 1];
  const span = tEnd - t0;
  const hMax = Math.min(opts.hMax ?? Infinity, span);

  let y = Float64Array.from(p.y0);
  let y1 = new Float64Array(n);
  let k1 = new Float64Array(n);
  const k2 = new Float64Array(n), k3 = new Float64Array(n), k4 = new Float64Array(n);
  const k5 = new Float64Array(n), k6 = new Float64Array(n);
  let k7 = new Float64Array(n);
  const yt = new Float64Array(n);
  // continuous extension: y(t + theta h) = r1 + theta (r2 + (1-theta) (r3 + theta (r4 + (1-theta) r5)))
  const r3 = new Float64Array(n), r4 = new Float64Array(n), r5 = new Float64Array(n);

  const states: Float64Array[] = [];
  let gi = 0;
  let t = t0;
  initialGuard(t, y, opts);
  while (gi < grid.length && grid[gi] === t0) {
    states.push(Float64Array.from(y));
    gi++;
  }
  if (gi === grid.length) return { times: grid, states, steps: 0, rhsEvaluations: 0, rejected: 0 };

  let evals = 0;
  rhs(t, y, k1);
  evals++;
  let h: number;
  if (opts.hInit !== undefined) {
    h = Math.min(opts.hInit, hMax);
  } else {
    h = initialStep(rhs, t, y, k1, atol, rtol, hMax, 5, yt, k2);
    evals++;
  }

  let steps = 0;
  let rejected = 0;
  let errOld = 1e-4;
  let justRejected = false;
  let lastErr = NaN;

  while (gi < grid.length) {
    if (steps + rejected >= maxSteps) {
      throw new IntegrationError(
        "max-steps",
        t,
        `maxSteps = ${maxSteps} step attempts before t = ${tEnd}`,
      );
    }
    opts.signal?.throwIfAborted();
    const hMin = 16 * Number.EPSILON * Math.max(Math.abs(t), Math.abs(tEnd), span);
    if (h < hMin) {
      const why = Number.isFinite(lastErr)
        ? `last error estimate ${lastErr.toPrecision(3)}`
        : "the trial step was non-finite";
      throw new IntegrationError("step-underflow", t, `the step size underflowed to ${h} (${why})`);
    }
    // cut the step to end on the last requested time (and avoid a sliver before it)
    let last = false;
    if (t + 1.01 * h >= tEnd) {
      h = tEnd - t;
      last = true;
    }
    const tNew = last ? tEnd : t + h;

    for (let i = 0; i < n; i++) yt[i] = y[i] + h * A21 * k1[i];
    rhs(t + C2 * h, yt, k2);
    for (let i = 0; i < n; i++) yt[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
    rhs(t + C3 * h, yt, k3);
    for (let i = 0; i < n; i++) yt[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
    rhs(t + C4 * h, yt, k4);
    for (let i = 0; i < n; i++) {
      yt[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
    }
    rhs(t + C5 * h, yt, k5);
    for (let i = 0; i < n; i++) {
      yt[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
    }
    rhs(tNew, yt, k6);
    for (let i = 0; i < n; i++) {
      y1[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
    }
    rhs(tNew, y1, k7);
    evals += 6;

    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
      const sk = atol[i] + rtol[i] * Math.max(Math.abs(y[i]), Math.abs(y1[i]));
      const q = sk > 0 ? e / sk : (e === 0 ? 0 : Infinity);
      sum += q * q;
    }
    const err = Math.sqrt(sum / n);
    lastErr = err;

    if (!(err <= 1)) {
      // rejected (a NaN error, from a non-finite trial step, is rejected too)
      rejected++;
      const ratio = Number.isFinite(err)
        ? Math.max(MIN_RATIO, SAFETY * Math.pow(err, -ALPHA))
        : MIN_RATIO;
      h *= ratio;
      justRejected = true;
      continue;
    }

    // accepted: requested times inside (t, tNew] from the continuous extension
    steps++;
    let denseReady = false;
    while (gi < grid.length && grid[gi] <= tNew) {
      const tq = grid[gi];
      if (tq === tNew) {
        states.push(Float64Array.from(y1));
      } else {
        if (!denseReady) {
          for (let i = 0; i < n; i++) {
            const dy = y1[i] - y[i];
            const b = h * k1[i] - dy;
            r3[i] = b;
            r4[i] = dy - h * k7[i] - b;
            r5[i] = h *
              (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
          }
          denseReady = true;
        }
        const th = (tq - t) / h;
        const th1 = 1 - th;
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          out[i] = y[i] + th * (y1[i] - y[i] + th1 * (r3[i] + th * (r4[i] + th1 * r5[i])));
        }
        states.push(out);
      }
      gi++;
    }

    // FSAL: the last stage is the first stage of the next step
    const ys = y;
    y = y1;
    y1 = ys;
    const ks = k1;
    k1 = k7;
    k7 = ks;
    t = tNew;
    afterStep(t, y, opts);

    let ratio = Math.pow(err, -ALPHA) * Math.pow(errOld, BETA) * SAFETY;
    ratio = Math.min(MAX_RATIO, Math.max(MIN_RATIO, ratio));
    if (justRejected) ratio = Math.min(ratio, 1);
    errOld = Math.max(err, 1e-4);
    justRejected = false;
    h = Math.min(h * ratio, hMax);
  }
  return { times: grid, states, steps, rhsEvaluations: evals, rejected };
}

/**
 * Hairer's starting step (Hairer, Nørsett & Wanner, Solving ODE I, II.4) for
 * a method whose local error estimate is O(h^errOrder) (5 for DOPRI5, 3 for
 * ROS34PW2), with RMS norms scaled by atol + rtol |y0|. Uses `yt` and `f1` as
 * scratch; one right-hand-side evaluation.
 */
function initialStep(
  rhs: Rhs,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  atol: Float64Array,
  rtol: Float64Array,
  hMax: number,
  errOrder: number,
  yt: Float64Array,
  f1: Float64Array,
): number {
  const n = y0.length;
  let dy = 0, df = 0;
  for (let i = 0; i < n; i++) {
    const sk = atol[i] + rtol[i] * Math.abs(y0[i]);
    const a = sk > 0 ? y0[i] / sk : 0;
    const b = sk > 0 ? f0[i] / sk : (f0[i] === 0 ? 0 : Infinity);
    dy += a * a;
    df += b * b;
  }
  dy = Math.sqrt(dy / n);
  df = Math.sqrt(df / n);
  let h0 = dy < 1e-5 || df < 1e-5 ? 1e-6 * hMax : 0.01 * dy / df;
  if (!(h0 > 0)) h0 = 1e-6 * hMax;
  h0 = Math.min(h0, hMax);
  for (let i = 0; i < n; i++) yt[i] = y0[i] + h0 * f0[i];
  rhs(t0 + h0, yt, f1);
  let d2 = 0;
  for (let i = 0; i < n; i++) {
    const sk = atol[i] + rtol[i] * Math.abs(y0[i]);
    const c = (f1[i] - f0[i]) / (sk > 0 ? sk : 1);
    d2 += c * c;
  }
  d2 = Math.sqrt(d2 / n) / h0;
  const d = Math.max(df, d2);
  const h1 = Number.isFinite(d)
    ? (d <= 1e-15 ? Math.max(1e-6 * hMax, h0 * 1e-3) : Math.pow(0.01 / d, 1 / errOrder))
    : h0 * 1e-3;
  return Math.min(100 * h0, h1, hMax);
}

// ---------------------------------------------------------------------------
// Rosenbrock-W: ROS34PW2

/**
 * A Rosenbrock method with an embedded solution, in the form of Hairer &
 * Wanner (Solving ODE II, IV.7 (7.4)) with the exact Jacobian f_y replaced by
 * an approximation W (a Rosenbrock-W method):
 *
 *   k_i = h f(t + alpha_i h, y + sum_{j<i} alpha_ij k_j)
 *         + h W sum_{j<=i} gamma_ij k_j + gamma_i h^2 df/dt,
 *   y_new = y + sum_i b_i k_i,   y_hat = y + sum_i bHat_i k_i,
 *
 * with gamma_ii = gamma, alpha_i = sum_j alpha_ij and gamma_i = sum_{j<=i} gamma_ij.
 */
export interface RosenbrockTableau {
  /** Name of the method. */
  readonly name: string;
  /** Order of y_new, also when W is not the exact Jacobian. */
  readonly order: number;
  /** Order of the embedded y_hat. */
  readonly embeddedOrder: number;
  /** The diagonal gamma_ii. */
  readonly gamma: number;
  /** alpha_ij, strictly lower triangular, s x s row-major rows. */
  readonly alpha: readonly (readonly number[])[];
  /** gamma_ij below the diagonal (the diagonal is `gamma`), s x s rows. */
  readonly gammaLower: readonly (readonly number[])[];
  /** Weights of y_new. */
  readonly b: readonly number[];
  /** Weights of the embedded y_hat. */
  readonly bHat: readonly number[];
  /**
   * Continuous extension y(t + theta h) = y + sum_i b_i(theta) k_i with
   * b_i(theta) = sum_k dense[i][k] theta^(k+1), and b_i(1) = b_i.
   */
  readonly dense: readonly (readonly number[])[];
}

/**
 * ROS34PW2 of J. Rang and L. Angermann, "New Rosenbrock W-methods of order 3
 * for partial differential algebraic equations of index 1", BIT Numerical
 * Mathematics 45 (2005) 761–787 (the 17-digit coefficients as also distributed
 * with PETSc, TSROSWRA34PW2; the tests check their order conditions and
 * stability): 4 stages, order 3 for ANY W (a W-method, so
 * an inexact, e.g. finite-difference, Jacobian costs stability margin but not
 * order), L-stable and stiffly accurate (b is the last row of alpha + Gamma,
 * so R(-inf) = 0); the embedded solution has order 2 and is A-stable with
 * |R_hat(-inf)| ~ 0.48. gamma ~ 0.4358665215 is the root of
 * gamma^3 - 3 gamma^2 + 3/2 gamma - 1/6 = 0.
 *
 * The continuous extension `dense` is ours: the unique cubic b(theta) with
 * b(1) = b satisfying, for every theta, the order-2 W-method conditions
 * sum b_i(theta) = theta, sum b_i(theta) alpha_i = theta^2 / 2 and
 * sum b_i(theta) gamma_i = 0 (gamma_i = sum_{j<=i} gamma_ij), and the one
 * order-3 condition sum b_i(theta) alpha_i^2 = theta^3 / 3 (solved in 40-digit
 * arithmetic). Its local error is O(h^3), like the error estimate, and being
 * built from the damped stages k_i (not from f at the step ends, as a Hermite
 * interpolant would be) it does not amplify stiff components:
 * |R_theta(z)| <= 1 for z <= 0 and theta in [0, 1].
 *
 * @example
 * ```ts
 * import { ROS34PW2 } from "./integrate.ts";
 * if (!(Math.abs(ROS34PW2.b.reduce((s, x) => s + x, 0) - 1) < 1e-15)) throw new Error("example failed");
 * ```
 */
export const ROS34PW2: RosenbrockTableau = deepFreeze({
  name: "ROS34PW2",
  order: 3,
  embeddedOrder: 2,
  gamma: 4.3586652150845900e-01,
  alpha: [
    [0, 0, 0, 0],
    [8.7173304301691801e-01, 0, 0, 0],
    [8.4457060015369423e-01, -1.1299064236484185e-01, 0, 0],
    [0, 0, 1, 0],
  ],
  gammaLower: [
    [0, 0, 0, 0],
    [-8.7173304301691801e-01, 0, 0, 0],
    [-9.0338057013044082e-01, 5.4180672388095326e-02, 0, 0],
    [2.4212380706095346e-01, -1.2232505839045147e+00, 5.4526025533510214e-01, 0],
  ],
  b: [
    2.4212380706095346e-01,
    -1.2232505839045147e+00,
    1.5452602553351020e+00,
    4.3586652150845900e-01,
  ],
  bHat: [
    3.7810903145819369e-01,
    -9.6042292212423178e-02,
    5.0000000000000000e-01,
    2.1793326075422950e-01,
  ],
  dense: [
    [1.0564298455794099, -1.3864882699759595, 0.57218223145750301],
    [2.2964299742810698, -8.2626117002756837, 4.7429311420900992],
    [-1.3075995645253772, 7.2509798950560606, -4.3981200751955814],
    [-1.0452602553351026, 2.3981200751955826, -0.9169932983520209],
  ],
});

function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

/**
 * The tableau in the transformed variables U_i = sum_{j<=i} gamma_ij k_j / h
 * (Hairer & Wanner IV.7 (7.25)), which need no matrix-vector products:
 *
 *   (I / (h gamma) - W) U_i = f(t + alpha_i h, y + sum_{j<i} a_ij U_j)
 *                             + sum_{j<i} (c_ij / h) U_j + gamma_i h df/dt,
 *   y_new = y + sum_i m_i U_i,   y_new - y_hat = sum_i e_i U_i,
 *
 * with a = alpha Gamma^-1, C = diag(1 / gamma) - Gamma^-1, m = b Gamma^-1,
 * e = (b - bHat) Gamma^-1 and dense output y + sum_j d_j(theta) U_j with
 * d(theta) = b(theta) Gamma^-1, computed here once in double precision.
 */
interface TransformedTableau {
  s: number;
  gamma: number;
  a: Float64Array[];
  c: Float64Array[];
  m: Float64Array;
  e: Float64Array;
  /** d_j(theta) = sum_k dense[j][k] theta^(k+1). */
  dense: Float64Array[];
  /** alpha_i = sum_j alpha_ij (stage times). */
  nodes: Float64Array;
  /** gamma_i = sum_{j<=i} gamma_ij (df/dt weights). */
  gammaSums: Float64Array;
}

function transformTableau(tab: RosenbrockTableau): TransformedTableau {
  const s = tab.b.length;
  const G = Array.from(
    { length: s },
    (_, i) =>
      Float64Array.from(
        { length: s },
        (_, j) => (i === j ? tab.gamma : j < i ? tab.gammaLower[i][j] : 0),
      ),
  );
  // inverse of the lower triangular Gamma, column by column
  const Gi = Array.from({ length: s }, () => new Float64Array(s));
  for (let j = 0; j < s; j++) {
    Gi[j][j] = 1 / G[j][j];
    for (let i = j + 1; i < s; i++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum += G[i][k] * Gi[k][j];
      Gi[i][j] = -sum / G[i][i];
    }
  }
  const a = Array.from({ length: s }, () => new Float64Array(s));
  const c = Array.from({ length: s }, () => new Float64Array(s));
  const m = new Float64Array(s), e = new Float64Array(s);
  const nodes = new Float64Array(s), gammaSums = new Float64Array(s);
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum += tab.alpha[i][k] * Gi[k][j];
      a[i][j] = sum;
      c[i][j] = -Gi[i][j];
      nodes[i] += tab.alpha[i][j];
    }
    for (let j = 0; j <= i; j++) gammaSums[i] += G[i][j];
  }
  const deg = tab.dense[0].length;
  const dense = Array.from({ length: s }, () => new Float64Array(deg));
  for (let j = 0; j < s; j++) {
    for (let k = j; k < s; k++) {
      m[j] += tab.b[k] * Gi[k][j];
      e[j] += (tab.b[k] - tab.bHat[k]) * Gi[k][j];
      for (let q = 0; q < deg; q++) dense[j][q] += tab.dense[k][q] * Gi[k][j];
    }
  }
  return { s, gamma: tab.gamma, a, c, m, e, dense, nodes, gammaSums };
}

const ROS = transformTableau(ROS34PW2);
/** Order of the local error estimate, O(h^(embedded order + 1)). */
const R_ERR_ORDER = ROS34PW2.embeddedOrder + 1;
const R_MAX_RATIO = 6;
/** Consecutive singular iteration matrices (each halving h) before giving up. */
const SINGULAR_RETRIES = 5;
const SQRT_EPS = Math.sqrt(Number.EPSILON);

function rosenbrockSolve(p: Prepared, opts: SolveOptions): OdeSolution {
  const { rhs, n, grid, t0 } = p;
  const { atol, rtol } = tolerances(opts, n);
  const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  const tEnd = grid[grid.length - 1];
  const span = tEnd - t0;
  const hMax = Math.min(opts.hMax ?? Infinity, span);
  const jacobian = opts.jacobian;
  const autonomous = opts.autonomous === true;
  const { s, a, c, m, e, dense, nodes, gammaSums } = ROS;
  const dw = new Float64Array(s); // dense-output weights at one theta

  let y = Float64Array.from(p.y0);
  let y1 = new Float64Array(n);
  let f0 = new Float64Array(n); // f(t, y)
  let f1 = new Float64Array(n); // f(tNew, y1), the next step's f0
  const ft = new Float64Array(n); // df/dt (stays 0 when autonomous)
  const U = Array.from({ length: s }, () => new Float64Array(n));
  const yt = new Float64Array(n), fs = new Float64Array(n);
  const J = new Float64Array(n * n);
  const M = new Float64Array(n * n);
  const piv = new Int32Array(n);
  // finite-difference increment floor per component ("atol scale")
  const fdFloor = new Float64Array(n);
  for (let i = 0; i < n; i++) fdFloor[i] = atol[i] / Math.max(rtol[i], 1e-6);

  const states: Float64Array[] = [];
  let gi = 0;
  let t = t0;
  initialGuard(t, y, opts);
  while (gi < grid.length && grid[gi] === t0) {
    states.push(Float64Array.from(y));
    gi++;
  }
  if (gi === grid.length) return { times: grid, states, steps: 0, rhsEvaluations: 0, rejected: 0 };

  let evals = 0;
  rhs(t, y, f0);
  evals++;
  assertFinite(f0, t, "the right-hand side");
  let h: number;
  if (opts.hInit !== undefined) {
    h = Math.min(opts.hInit, hMax);
  } else {
    h = initialStep(rhs, t, y, f0, atol, rtol, hMax, R_ERR_ORDER, yt, fs);
    evals++;
  }

  let steps = 0;
  let rejected = 0;
  let needJacobian = true;
  let singularRun = 0;
  let justRejected = false;
  let lastErr = NaN;
  let hAcc = NaN; // previous accepted step and its error, for the predictive controller
  let errAcc = NaN;
  const expo = 1 / R_ERR_ORDER;

  while (gi < grid.length) {
    if (steps + rejected >= maxSteps) {
      throw new IntegrationError(
        "max-steps",
        t,
        `maxSteps = ${maxSteps} step attempts before t = ${tEnd}`,
      );
    }
    opts.signal?.throwIfAborted();
    const hMin = 16 * Number.EPSILON * Math.max(Math.abs(t), Math.abs(tEnd), span);
    if (h < hMin) {
      const why = singularRun > 0
        ? "singular iteration matrix"
        : Number.isFinite(lastErr)
        ? `last error estimate ${lastErr.toPrecision(3)}`
        : "the trial step was non-finite";
      throw new IntegrationError("step-underflow", t, `the step size underflowed to ${h} (${why})`);
    }
    let last = false;
    if (t + 1.01 * h >= tEnd) {
      h = tEnd - t;
      last = true;
    }
    const tNew = last ? tEnd : t + h;

    // Jacobian and df/dt at (t, y): once per accepted state, reused by retries
    if (needJacobian) {
      if (jacobian) {
        J.fill(0);
        jacobian(t, y, J);
      } else {
        yt.set(y);
        for (let j = 0; j < n; j++) {
          const yj = y[j];
          const scale = Math.max(Math.abs(yj), fdFloor[j]) || 1;
          const yp = yj + SQRT_EPS * scale;
          const d = yp - yj; // the increment actually representable
          yt[j] = yp;
          rhs(t, yt, fs);
          yt[j] = yj;
          for (let i = 0; i < n; i++) J[i * n + j] = (fs[i] - f0[i]) / d;
        }
        evals += n;
      }
      assertFinite(J, t, "the Jacobian", n);
      if (!autonomous) {
        const tp = t + SQRT_EPS * Math.max(Math.abs(t), h);
        const dt = tp - t;
        rhs(tp, y, fs);
        evals++;
        for (let i = 0; i < n; i++) ft[i] = (fs[i] - f0[i]) / dt;
        assertFinite(ft, t, "df/dt");
      }
      needJacobian = false;
    }

    // iteration matrix I / (h gamma) - J, factored in place
    const diag = 1 / (h * ROS.gamma);
    for (let k = 0; k < n * n; k++) M[k] = -J[k];
    for (let i = 0; i < n; i++) M[i * n + i] += diag;
    if (!luFactor(M, piv, n)) {
      rejected++;
      singularRun++;
      if (singularRun >= SINGULAR_RETRIES) {
        throw new IntegrationError(
          "singular-matrix",
          t,
          `the iteration matrix I / (h gamma) - J is singular (last h = ${h}, ${singularRun} halvings)`,
        );
      }
      h *= 0.5;
      justRejected = true;
      continue;
    }
    singularRun = 0;

    // the stages
    const inv = 1 / h;
    for (let st = 0; st < s; st++) {
      const Ui = U[st];
      const ai = a[st], ci = c[st];
      let F = f0;
      if (st > 0) {
        for (let i = 0; i < n; i++) {
          let sum = y[i];
          for (let j = 0; j < st; j++) sum += ai[j] * U[j][i];
          yt[i] = sum;
        }
        rhs(nodes[st] === 1 ? tNew : t + nodes[st] * h, yt, fs);
        F = fs;
      }
      const hg = h * gammaSums[st];
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < st; j++) sum += ci[j] * U[j][i];
        Ui[i] = F[i] + inv * sum + hg * ft[i];
      }
      luSolve(M, piv, n, Ui);
    }
    evals += s - 1;

    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      let yi = y[i], ei = 0;
      for (let j = 0; j < s; j++) {
        yi += m[j] * U[j][i];
        ei += e[j] * U[j][i];
      }
      y1[i] = yi;
      const sk = atol[i] + rtol[i] * Math.max(Math.abs(y[i]), Math.abs(yi));
      const q = sk > 0 ? ei / sk : (ei === 0 ? 0 : Infinity);
      sumSq += q * q;
    }
    const err = Math.sqrt(sumSq / n);
    lastErr = err;

    if (!(err <= 1)) {
      // rejected (a NaN error, from a non-finite trial step, is rejected too)
      rejected++;
      h *= Number.isFinite(err) ? Math.max(MIN_RATIO, SAFETY * Math.pow(err, -expo)) : MIN_RATIO;
      justRejected = true;
      continue;
    }

    // accepted: requested times inside (t, tNew] from the continuous extension
    steps++;
    const hStep = tNew - t;
    while (gi < grid.length && grid[gi] <= tNew) {
      const tq = grid[gi];
      if (tq === tNew) {
        states.push(Float64Array.from(y1));
      } else {
        const th = (tq - t) / hStep;
        for (let j = 0; j < s; j++) {
          const dj = dense[j];
          let w = 0;
          for (let q = dj.length - 1; q >= 0; q--) w = (w + dj[q]) * th;
          dw[j] = w;
        }
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let sum = y[i];
          for (let j = 0; j < s; j++) sum += dw[j] * U[j][i];
          out[i] = sum;
        }
        states.push(out);
      }
      gi++;
    }
    // f at the new state: the first stage of the next step
    if (!last) {
      rhs(tNew, y1, f1);
      evals++;
    }

    const ys = y;
    y = y1;
    y1 = ys;
    const fsw = f0;
    f0 = f1;
    f1 = fsw;
    t = tNew;
    needJacobian = true;
    afterStep(t, y, opts);
    if (!last) assertFinite(f0, t, "the right-hand side");

    // step control: standard, and Gustafsson's predictive controller
    // (Hairer & Wanner, Solving ODE II, IV.8 (8.21)), the smaller of the two
    let ratio = SAFETY * Math.pow(err, -expo);
    if (Number.isFinite(hAcc)) {
      ratio = Math.min(ratio, ratio * (hStep / hAcc) * Math.pow(errAcc / err, expo));
    }
    ratio = Math.min(R_MAX_RATIO, Math.max(MIN_RATIO, ratio));
    if (justRejected) ratio = Math.min(ratio, 1);
    hAcc = hStep;
    errAcc = Math.max(err, 1e-2);
    justRejected = false;
    h = Math.min(hStep * ratio, hMax);
  }
  return { times: grid, states, steps, rhsEvaluations: evals, rejected };
}

/** Throws a "non-finite" IntegrationError at t if `v` has a non-finite entry. */
function assertFinite(v: Float64Array, t: number, what: string, cols = 0): void {
  for (let k = 0; k < v.length; k++) {
    if (!Number.isFinite(v[k])) {
      const where = cols > 0 ? `entry (${Math.floor(k / cols)}, ${k % cols})` : `component ${k}`;
      throw new IntegrationError("non-finite", t, `${where} of ${what} is ${v[k]}`);
    }
  }
}

/**
 * LU factorisation with partial pivoting of the row-major n x n matrix `a`,
 * in place (unit lower L below the diagonal, U on and above it); `piv[k]` is
 * the row swapped with row k at elimination step k. Returns false (leaving
 * `a` partly eliminated) when a pivot column is exactly zero or non-finite.
 */
function luFactor(a: Float64Array, piv: Int32Array, n: number): boolean {
  for (let k = 0; k < n; k++) {
    let p = k;
    let max = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > max) {
        max = v;
        p = i;
      }
    }
    if (!(max > 0 && max < Infinity)) return false;
    piv[k] = p;
    const rk = k * n;
    if (p !== k) {
      const rp = p * n;
      for (let j = 0; j < n; j++) {
        const s = a[rk + j];
        a[rk + j] = a[rp + j];
        a[rp + j] = s;
      }
    }
    const inv = 1 / a[rk + k];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const l = a[ri + k] * inv;
      a[ri + k] = l;
      if (l !== 0) {
        for (let j = k + 1; j < n; j++) a[ri + j] -= l * a[rk + j];
      }
    }
  }
  return true;
}

/** Solve A x = b in place (b becomes x) from the factors of {@link luFactor}. */
function luSolve(a: Float64Array, piv: Int32Array, n: number, b: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) {
      const s = b[k];
      b[k] = b[p];
      b[p] = s;
    }
  }
  for (let i = 1; i < n; i++) {
    const ri = i * n;
    let s = b[i];
    for (let j = 0; j < i; j++) s -= a[ri + j] * b[j];
    b[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    let s = b[i];
    for (let j = i + 1; j < n; j++) s -= a[ri + j] * b[j];
    b[i] = s / a[ri + i];
  }
}
