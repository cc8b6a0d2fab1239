/**
 * Generic integrators for ordinary differential equations y' = f(t, y) with
 * a state y in a Float64Array: explicit Euler and classic RK4 with a fixed
 * step, and the adaptive embedded Dormand–Prince 5(4) pair (DOPRI5) with
 * dense output. One entry point, {@link solve}, reports the state on a
 * requested time grid (THEORY.md section 4b: Euler at dt = 1/D tracks a
 * finite-D run; the D -> infinity flow allows an adaptive integrator).
 *
 * Nothing here allocates per right-hand-side call: every stage buffer is
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
 * console.assert(Math.abs(sol.states[2][0] - Math.exp(-2)) < 1e-9);
 * ```
 * @module
 */
import { ConfigError } from "../errors.ts";

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

/** The integration methods: fixed-step "euler" and "rk4", adaptive "dopri5". */
export type OdeMethod = "euler" | "rk4" | "dopri5";

/** Methods accepted by {@link solve}. */
export const ODE_METHODS: readonly OdeMethod[] = ["euler", "rk4", "dopri5"];

/** Options of {@link solve}. */
export interface SolveOptions {
  /** The integrator. */
  method: OdeMethod;
  /** Step of the fixed-step methods (required for "euler" and "rk4"); for "dopri5" see `hInit`. */
  h?: number;
  /** DOPRI5: absolute tolerance, scalar or one per component (>= 0; default 1e-9). */
  atol?: number | ArrayLike<number>;
  /** DOPRI5: relative tolerance, scalar or one per component (>= 0; default 1e-6). */
  rtol?: number | ArrayLike<number>;
  /** DOPRI5: first trial step (default: chosen by Hairer's algorithm). */
  hInit?: number;
  /** DOPRI5: largest step (default: no limit besides the time span). */
  hMax?: number;
  /**
   * Maximum number of attempted steps, accepted plus rejected (default 100000
   * for "dopri5", unlimited for the fixed-step methods).
   */
  maxSteps?: number;
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

/** Why an integration stopped early. */
export type IntegrationFailure = "domain" | "non-finite" | "step-underflow" | "max-steps";

/**
 * An integration that could not continue; `t` is the time reached (the end of
 * the last accepted step, or the time at which the failing step started).
 *
 * @example
 * ```ts
 * import { IntegrationError, solve } from "./integrate.ts";
 * let stop = NaN;
 * try {
 *   solve({ rhs: (_t, y, dy) => { dy[0] = y[0] * y[0]; }, y0: [1] }, [2], { method: "dopri5" });
 * } catch (e) {
 *   if (e instanceof IntegrationError && e.reason === "step-underflow") stop = e.t;
 * }
 * console.assert(Math.abs(stop - 1) < 1e-3); // y = 1/(1 - t) blows up at t = 1
 * ```
 */
export class IntegrationError extends Error {
  /** Time at which the integration stopped. */
  readonly t: number;
  /** What went wrong. */
  readonly reason: IntegrationFailure;
  /** Build the error; the message names t. */
  constructor(reason: IntegrationFailure, t: number, detail: string) {
    super(`integration stopped at t = ${t}: ${detail}`);
    this.name = "IntegrationError";
    this.reason = reason;
    this.t = t;
  }
}

/**
 * The state left the domain of the equations (the `check` guard of
 * {@link SolveOptions} returned a message) at time `t`. `detail` is the
 * guard's message.
 *
 * @example
 * ```ts
 * import { DomainError, solve } from "./integrate.ts";
 * let stop = NaN;
 * try {
 *   solve({ rhs: (_t, _y, dy) => { dy[0] = -1; }, y0: [1] }, [2], {
 *     method: "euler", h: 0.25, check: (_t, y) => (y[0] <= 0 ? "variance <= 0" : null),
 *   });
 * } catch (e) {
 *   if (e instanceof DomainError && e.detail === "variance <= 0") stop = e.t;
 * }
 * console.assert(stop === 1);
 * ```
 */
export class DomainError extends IntegrationError {
  /** The message returned by the guard. */
  readonly detail: string;
  /** Build the error for time t with the guard's message. */
  constructor(t: number, detail: string) {
    super("domain", t, `the state left the domain: ${detail}`);
    this.name = "DomainError";
    this.detail = detail;
  }
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
 *
 * Throws {@link ConfigError} on invalid input, {@link DomainError} when
 * `check` objects, {@link IntegrationError} when the state becomes
 * non-finite, the step size underflows or `maxSteps` is exceeded, and
 * `signal.reason` when aborted.
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
 * console.assert(Math.abs(sol.states[1][0] + 1) < 1e-9 && sol.steps === 316);
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
  return opts.method === "dopri5" ? dopri5Solve(p, opts) : fixedStepSolve(p, opts);
}

/**
 * {@link solve} with explicit Euler at fixed step `h`.
 *
 * @example
 * ```ts
 * import { euler } from "./integrate.ts";
 * const sol = euler({ rhs: (_t, y, dy) => { dy[0] = -y[0]; }, y0: [1] }, [1], 0.5);
 * console.assert(sol.states[0][0] === 0.25 && sol.steps === 2);
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
 * console.assert(Math.abs(sol.states[0][0] - Math.exp(-1)) < 1e-6 && sol.steps === 10);
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
 * console.assert(sol.states.every((y, i) => Math.abs(y[0] - Math.sin(ts[i])) < 1e-8));
 * ```
 */
export function dopri5(
  problem: OdeProblem,
  times: readonly number[],
  opts: Omit<SolveOptions, "method"> = {},
): OdeSolution {
  return solve(problem, times, { ...opts, method: "dopri5" });
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
    opts.method !== "dopri5" &&
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
  const atol = toleranceVector("atol", opts.atol, 1e-9, n);
  const rtol = toleranceVector("rtol", opts.rtol, 1e-6, n);
  for (let i = 0; i < n; i++) {
    if (atol[i] === 0 && rtol[i] === 0) {
      throw new ConfigError(`atol[${i}] and rtol[${i}]`, 0, "not both 0");
    }
  }
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
    h = initialStep(rhs, t, y, k1, atol, rtol, hMax, yt, k2);
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
 * a 5th-order method, with RMS norms scaled by atol + rtol |y0|. Uses `yt`
 * and `f1` as scratch; one right-hand-side evaluation.
 */
function initialStep(
  rhs: Rhs,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  atol: Float64Array,
  rtol: Float64Array,
  hMax: number,
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
    ? (d <= 1e-15 ? Math.max(1e-6 * hMax, h0 * 1e-3) : Math.pow(0.01 / d, 0.2))
    : h0 * 1e-3;
  return Math.min(100 * h0, h1, hMax);
}
