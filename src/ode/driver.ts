/**
 * The driver of every integration method (see `methods.ts` for the methods):
 * it validates the problem and the options, walks the requested time grid,
 * runs the loop over steps, controls the step size of the adaptive methods
 * through their controller object (`control.ts`), handles rejections, the
 * step budget, step-size underflow, non-finite states, the domain guard
 * `check`, `onStep` and `signal`, and records the state at the requested
 * times (from the method's dense output when they fall inside a step). A
 * method only builds its buffers once per solve and attempts steps
 * (`method.ts`).
 *
 * The walks over the grid are generators that pause between steps: the
 * synchronous {@link solve} never pauses, {@link solveAsync} hands control
 * back to the event loop about every `yieldEvery` milliseconds of work, so
 * that an abort signal (Ctrl-C, a page's Stop) is delivered and acted on
 * while a long integration runs. Both take exactly the same steps.
 *
 * @module
 */
import { ConfigError, DomainError, IntegrationError } from "../core/errors.ts";
import { initialStep } from "./control.ts";
import {
  type AdaptiveEntry,
  assertFinite,
  type IntegratorEntry,
  type MethodCache,
} from "./method.ts";
import { resolveIntegrator } from "./methods.ts";
import type { OdeProblem, OdeSolution, Rhs, SolveOptions } from "./types.ts";

/** Step attempts allowed to the adaptive methods unless `maxSteps` says otherwise. */
const DEFAULT_MAX_STEPS = 100_000;

/** The options of a solve other than the method. */
type RunOptions = Readonly<Omit<SolveOptions, "method">>;

/** Milliseconds of work between two yields of {@link solveAsync} unless told otherwise. */
const DEFAULT_YIELD_EVERY = 50;

/** A walk that pauses (yields) between steps when its {@link Slicer} says so. */
type Walker<T> = Generator<void, T, void>;

/**
 * When to pause: about every `every` ms of work. The clock is read every
 * `stride` steps, the stride adapted so that reading it stays cheap for
 * cheap steps and a slow step is not followed by many more before a pause.
 */
class Slicer {
  readonly #every: number;
  #deadline: number;
  #last: number;
  #count = 0;
  #stride = 1;

  constructor(every: number) {
    this.#every = every;
    this.#last = performance.now();
    this.#deadline = this.#last + every;
  }

  /** After a step: true when the walk should pause now. */
  due(): boolean {
    if (++this.#count < this.#stride) return false;
    this.#count = 0;
    const now = performance.now();
    const gap = now - this.#last;
    this.#last = now;
    // aim at reading the clock about every 0.5 ms of work
    if (gap < 0.25 && this.#stride < 65536) this.#stride *= 2;
    else if (gap > 1 && this.#stride > 1) this.#stride = Math.max(1, this.#stride >> 1);
    if (now < this.#deadline) return false;
    this.#deadline = now + this.#every;
    return true;
  }

  /** After a pause: the time spent away is not work. */
  resumed(): void {
    this.#last = performance.now();
    this.#deadline = this.#last + this.#every;
  }
}

/** Hand control back to the event loop once (a macrotask, so timers and signals run). */
function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A validated problem. */
interface Prepared {
  entry: IntegratorEntry;
  rhs: Rhs;
  n: number;
  t0: number;
  y0: Float64Array;
  grid: number[];
}

/**
 * Integrate y' = f(t, y) with the integrator `opts.method` (a name of the
 * registry `INTEGRATORS` or an alias) from `problem.t0` and report the state
 * at every requested time (non-decreasing, none before t0).
 *
 * - Fixed-step methods ("euler", "rk4"): step `h`; a requested time that is
 *   not reached by a whole number of steps is reached by shortening the last
 *   step before it, and the next steps start again from that time. A time
 *   span that is a whole number of steps (up to 1e-9 relative) takes exactly
 *   that many steps.
 * - Adaptive methods ("dopri5" = "adaptive", "rosenbrock" = "stiff"): the
 *   method's error norm (accepted when <= 1) drives its step-size
 *   controller; the first step is `hInit` or Hairer's estimate. Steps are not
 *   bent to the grid: requested times inside a step are read from the
 *   method's continuous extension (and pass the `check` guard like the step
 *   ends); only the last step is cut (or stretched by at most 1%, to
 *   avoid a sliver) to end on the last requested time. See `dopri5.ts`
 *   and `rosenbrock.ts` for the methods.
 *
 * Throws `ConfigError` on invalid input, `DomainError` when `check` objects
 * (at the initial state, an accepted state or a recorded interpolated
 * state), `IntegrationError` when such a state (or, for "rosenbrock", the
 * right-hand side or Jacobian at an accepted state) becomes non-finite, the
 * step size underflows, `maxSteps` is exceeded or (for "rosenbrock") the
 * iteration matrix stays singular, and `signal.reason` when aborted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { solve } from "./driver.ts";
 * // harmonic oscillator x'' = -x with RK4, h = 0.01
 * const sol = solve(
 *   { rhs: (_t, y, dy) => { dy[0] = y[1]; dy[1] = -y[0]; }, y0: [1, 0] },
 *   [Math.PI / 2, Math.PI],
 *   { method: "rk4", h: 0.01 },
 * );
 * assert.ok(Math.abs(sol.states[1][0] + 1) < 1e-9);
 * assert.equal(sol.steps, 316);
 * ```
 */
export function solve(
  problem: OdeProblem,
  times: readonly number[],
  opts: SolveOptions,
): OdeSolution {
  return finish(run(problem, times, opts, opts?.method));
}

/** Options of {@link solveAsync}: those of {@link solve}, and how often to yield. */
export interface AsyncSolveOptions extends SolveOptions {
  /**
   * Milliseconds of work between two yields to the event loop (default 50):
   * an abort of `signal` is acted on within about this time plus one step.
   */
  yieldEvery?: number;
}

/**
 * {@link solve} for long integrations: the same steps and the same result,
 * but the work is cut into slices of about `yieldEvery` ms between which
 * control goes back to the event loop, so that `signal` can be aborted (and
 * timers, progress output and messages served) while it runs. Throws as
 * {@link solve} does, `signal.reason` within a slice of the abort.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { solveAsync } from "./driver.ts";
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(new Error("stop")), 50);
 * let stopped = false;
 * try {
 *   // about 1e9 steps: far longer than 50 ms
 *   await solveAsync({ rhs: (_t, y, dy) => { dy[0] = -y[0]; }, y0: [1] }, [1e9], {
 *     method: "euler",
 *     h: 1,
 *     signal: controller.signal,
 *   });
 * } catch (e) {
 *   stopped = (e as Error).message === "stop";
 * }
 * assert.ok(stopped, "the walk stopped when asked");
 * ```
 */
export async function solveAsync(
  problem: OdeProblem,
  times: readonly number[],
  opts: AsyncSolveOptions,
): Promise<OdeSolution> {
  const every = opts?.yieldEvery ?? DEFAULT_YIELD_EVERY;
  if (!(typeof every === "number" && every >= 0 && Number.isFinite(every))) {
    throw new ConfigError("yieldEvery", every, "a finite number of milliseconds >= 0");
  }
  const slicer = new Slicer(every);
  const walk = run(problem, times, opts, opts?.method, slicer);
  for (;;) {
    const r = walk.next();
    if (r.done) return r.value;
    await pause();
    opts.signal?.throwIfAborted();
    slicer.resumed();
  }
}

/**
 * {@link solveAsync} for a right-hand side with jumps in t (e.g. a learning
 * rate cut at given times): the integration is split at each jump time, so
 * that no step straddles one and no step-size control or interpolation
 * reaches across it. Before the segment i (from t0 or the jump i - 1 to
 * jump i, the last one to the last requested time) `onSegment(i)` is called,
 * so the right-hand side can take its value on that open interval (at the
 * jump times themselves too). The states at `times` as {@link solveAsync}
 * reports them; the counts are the segments' sums; each segment's
 * `maxSteps` is the budget left by the segments before.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { solvePiecewiseAsync } from "./driver.ts";
 * // y' = -k y with k = 1 before t = 1 and k = 3 after it
 * let k = 1;
 * const sol = await solvePiecewiseAsync(
 *   { rhs: (_t, y, dy) => { dy[0] = -k * y[0]; }, y0: [1] },
 *   [0.5, 2],
 *   [1],
 *   { method: "dopri5", rtol: 1e-10, atol: 1e-12 },
 *   (i) => { k = i === 0 ? 1 : 3; },
 * );
 * assert.ok(Math.abs(sol.states[1][0] - Math.exp(-1 - 3)) < 1e-9);
 * ```
 */
export async function solvePiecewiseAsync(
  problem: OdeProblem,
  times: readonly number[],
  jumps: readonly number[],
  opts: AsyncSolveOptions,
  onSegment: (segment: number) => void,
): Promise<OdeSolution> {
  const t0 = problem.t0 ?? 0;
  const tEnd = times.length ? times[times.length - 1] : t0;
  const cuts = jumps.filter((t) => t > t0 && t < tEnd);
  for (let i = 1; i < cuts.length; i++) {
    if (!(cuts[i] > cuts[i - 1])) throw new ConfigError("jumps", jumps, "increasing times");
  }
  const out: OdeSolution = {
    times: Array.from(times),
    states: [],
    steps: 0,
    rhsEvaluations: 0,
    rejected: 0,
  };
  let y: ArrayLike<number> = problem.y0;
  let start = t0;
  let next = 0; // the first requested time not yet reported
  const budget = opts.maxSteps;
  for (let seg = 0; seg <= cuts.length; seg++) {
    const end = seg < cuts.length ? cuts[seg] : tEnd;
    const inside: number[] = [];
    while (next < times.length && (times[next] < end || (seg === cuts.length))) {
      inside.push(times[next++]);
    }
    // a segment always ends on its jump (the state the next one starts from)
    const grid = seg < cuts.length ? [...inside, end] : inside;
    onSegment(cuts.filter((c) => c <= start).length);
    const left = budget === undefined ? undefined : Math.max(1, budget - out.steps - out.rejected);
    const sol = await solveAsync(
      { rhs: problem.rhs, y0: y, t0: start },
      grid,
      { ...opts, ...(left === undefined ? {} : { maxSteps: left }) },
    );
    out.states.push(...sol.states.slice(0, inside.length));
    out.steps += sol.steps;
    out.rhsEvaluations += sol.rhsEvaluations;
    out.rejected += sol.rejected;
    y = sol.states[sol.states.length - 1] ?? y;
    start = end;
  }
  return out;
}

/**
 * {@link solve} with an integrator entry given directly, e.g. one that is not
 * (yet) in the registry; `opts` as for {@link solve} without `method`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integrate } from "./driver.ts";
 * import { INTEGRATORS } from "./methods.ts";
 * const sol = integrate(INTEGRATORS.euler, { rhs: (_t, y, dy) => { dy[0] = -y[0]; }, y0: [1] }, [1], { h: 0.5 });
 * assert.equal(sol.states[0][0], 0.25);
 * ```
 */
export function integrate(
  integrator: IntegratorEntry,
  problem: OdeProblem,
  times: readonly number[],
  opts: Omit<SolveOptions, "method"> = {},
): OdeSolution {
  return finish(run(problem, times, opts, integrator));
}

/** Run a walk to its end without pausing. */
function finish<T>(walk: Walker<T>): T {
  for (;;) {
    const r = walk.next();
    if (r.done) return r.value;
  }
}

function* run(
  problem: OdeProblem,
  times: readonly number[],
  opts: RunOptions,
  method: string | IntegratorEntry,
  slicer?: Slicer,
): Walker<OdeSolution> {
  const p = prepare(problem, times, opts, method);
  const { entry, grid } = p;
  if (grid.length === 0) {
    return { times: [], states: [], steps: 0, rhsEvaluations: 0, rejected: 0 };
  }
  const { atol, rtol } = entry.adaptive ? tolerances(opts, p.n) : NO_TOLERANCES;
  const cache = entry.create({ rhs: p.rhs, n: p.n, y0: p.y0, atol, rtol, opts });

  // the initial state: guard, and requested times equal to t0
  const states: Float64Array[] = [];
  let gi = 0;
  guard(p.t0, cache.y, opts.check);
  while (gi < grid.length && grid[gi] === p.t0) {
    states.push(Float64Array.from(cache.y));
    gi++;
  }
  if (gi === grid.length) return { times: grid, states, steps: 0, rhsEvaluations: 0, rejected: 0 };

  const walk = { ...p, atol, rtol, cache, opts, states, gi, slicer };
  const { steps, rejected, evaluations } = entry.adaptive
    ? yield* adaptiveWalk(walk, entry)
    : yield* fixedWalk(walk);
  return {
    times: grid,
    states,
    steps,
    rhsEvaluations: evaluations + cache.evaluations,
    rejected,
  };
}

/** A solve under way: the problem, its tolerances, the method's cache, the states recorded so far. */
interface Walk extends Prepared {
  atol: Float64Array;
  rtol: Float64Array;
  cache: MethodCache;
  opts: RunOptions;
  states: Float64Array[];
  /** Index of the next requested time. */
  gi: number;
  /** When to pause (none: never). */
  slicer: Slicer | undefined;
}

/** What a walk over the grid counted (`evaluations`: the driver's own, besides the method's). */
interface WalkCounts {
  steps: number;
  rejected: number;
  evaluations: number;
}

/**
 * The number of fixed steps of size h from `from` to each requested time in
 * turn (the last step of each shortened to end on it; a span that is a
 * whole number of steps up to 1e-9 relative takes exactly that many).
 */
function fixedCounts(grid: readonly number[], from: number, first: number, h: number): number[] {
  const counts: number[] = [];
  let t = from;
  for (let gi = first; gi < grid.length; gi++) {
    const r = (grid[gi] - t) / h;
    const whole = Math.round(r);
    counts.push(Math.abs(r - whole) <= 1e-9 * Math.max(1, r) ? whole : Math.ceil(r));
    t = grid[gi];
  }
  return counts;
}

/**
 * Fixed step h: to each requested time in turn by a whole number of steps,
 * the last one shortened to end on it (whole up to 1e-9 relative). The
 * number of steps is known before the first: a budget `maxSteps` too small
 * for it is refused before any work.
 */
function* fixedWalk(w: Walk): Walker<WalkCounts> {
  const { grid, cache, opts, states, slicer } = w;
  const h = opts.h as number;
  const maxSteps = opts.maxSteps ?? Infinity;
  const counts = fixedCounts(grid, w.t0, w.gi, h);
  let total = 0;
  for (const c of counts) total += c;
  if (total > maxSteps) {
    throw new IntegrationError(
      "max-steps",
      w.t0,
      `${total} steps of h = ${h} are needed to reach t = ${grid[grid.length - 1]}, ` +
        `more than maxSteps = ${maxSteps} (checked before the first step)`,
    );
  }
  let steps = 0;
  let t = w.t0;
  cache.start(t);
  for (let gi = w.gi; gi < grid.length; gi++) {
    const target = grid[gi];
    const count = counts[gi - w.gi];
    const start = t;
    for (let s = 0; s < count; s++) {
      opts.signal?.throwIfAborted();
      const tNext = s === count - 1 ? target : start + (s + 1) * h;
      const last = s === count - 1 && gi === grid.length - 1;
      cache.attempt(t, tNext - t, tNext, last);
      cache.accept(tNext, last);
      t = tNext;
      steps++;
      afterStep(t, cache, opts, last);
      if (slicer?.due()) yield;
    }
    t = target;
    states.push(Float64Array.from(cache.y));
  }
  return { steps, rejected: 0, evaluations: 0 };
}

/**
 * Adaptive steps: the error norm of each attempt accepts or rejects it, the
 * controller sets the next step; requested times inside an accepted step
 * are interpolated; the last step is cut to end on the last requested time.
 */
function* adaptiveWalk(w: Walk, entry: AdaptiveEntry): Walker<WalkCounts> {
  const { rhs, n, grid, t0, cache, opts, states, slicer } = w;
  const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  const tEnd = grid[grid.length - 1];
  const span = tEnd - t0;
  const hMax = Math.min(opts.hMax ?? Infinity, span);
  const controller = entry.controller();
  let evaluations = 0;
  let t = t0;

  const f0 = cache.start(t);
  let h: number;
  if (opts.hInit !== undefined) {
    h = Math.min(opts.hInit, hMax);
  } else {
    if (f0 === null) throw new TypeError(`"${entry.name}" returned no f(t0, y0)`);
    const yt = new Float64Array(n), f1 = new Float64Array(n);
    h = initialStep(rhs, t, cache.y, f0, w.atol, w.rtol, hMax, entry.errorOrder, yt, f1);
    evaluations++;
  }

  let steps = 0;
  let rejected = 0;
  let lastErr = NaN;
  let gi = w.gi;
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
      const why = cache.underflowReason?.() ??
        (Number.isFinite(lastErr)
          ? `last error estimate ${lastErr.toPrecision(3)}`
          : "the trial step was non-finite");
      throw new IntegrationError("step-underflow", t, `the step size underflowed to ${h} (${why})`);
    }
    // cut the step to end on the last requested time (and avoid a sliver before it)
    let last = false;
    if (t + 1.01 * h >= tEnd) {
      h = tEnd - t;
      last = true;
    }
    const tNew = last ? tEnd : t + h;

    const err = cache.attempt(t, h, tNew, last);
    if (err < 0) {
      // the method could not attempt the step (e.g. a singular matrix): retry at -err h
      rejected++;
      h *= -err;
      controller.refused();
      if (slicer?.due()) yield;
      continue;
    }
    lastErr = err;
    if (!(err <= 1)) {
      // rejected (a NaN error, from a non-finite trial step, is rejected too)
      rejected++;
      h = controller.reject(h, err);
      if (slicer?.due()) yield;
      continue;
    }

    // accepted: requested times inside (t, tNew] from the continuous extension
    steps++;
    const hStep = tNew - t;
    while (gi < grid.length && grid[gi] <= tNew) {
      const tq = grid[gi];
      if (tq === tNew) {
        states.push(Float64Array.from(cache.yNew));
      } else {
        const out = new Float64Array(n);
        cache.interpolate(tq, out);
        assertFinite(out, tq, "the interpolated state");
        guard(tq, out, opts.check);
        states.push(out);
      }
      gi++;
    }
    cache.accept(tNew, last);
    t = tNew;
    afterStep(t, cache, opts, last);
    h = Math.min(controller.accept(h, hStep, err), hMax);
    if (slicer?.due()) yield;
  }
  return { steps, rejected, evaluations };
}

// ---------------------------------------------------------------------------
// Guards

/** The domain guard at (t, y): a message from `check` stops the solve. */
function guard(t: number, y: Float64Array, check: RunOptions["check"]): void {
  if (check) {
    const msg = check(t, y);
    if (msg !== null && msg !== undefined) throw new DomainError(t, msg);
  }
}

/** After an accepted step: finiteness, domain guard, user hook, the method's own checks. */
function afterStep(t: number, cache: MethodCache, opts: RunOptions, last: boolean): void {
  const y = cache.y;
  assertFinite(y, t, "the state");
  guard(t, y, opts.check);
  opts.onStep?.(t, y);
  cache.afterAccept?.(t, last);
}

// ---------------------------------------------------------------------------
// Validation

function prepare(
  problem: OdeProblem,
  times: readonly number[],
  opts: RunOptions,
  method: string | IntegratorEntry,
): Prepared {
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
  const entry = typeof method === "object" && method !== null
    ? method
    : resolveIntegrator(method, "method");
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
  if (!entry.adaptive && !(typeof opts.h === "number" && opts.h > 0 && Number.isFinite(opts.h))) {
    throw new ConfigError("h", opts.h, `a finite step > 0 (required by "${entry.name}")`);
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
  return { entry, rhs: problem.rhs, n, t0, y0, grid };
}

/** Tolerances of the fixed-step methods: none (not validated, not used). */
const NO_TOLERANCES = { atol: new Float64Array(0), rtol: new Float64Array(0) };

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
function tolerances(opts: RunOptions, n: number): { atol: Float64Array; rtol: Float64Array } {
  const atol = toleranceVector("atol", opts.atol, 1e-9, n);
  const rtol = toleranceVector("rtol", opts.rtol, 1e-6, n);
  for (let i = 0; i < n; i++) {
    if (atol[i] === 0 && rtol[i] === 0) {
      throw new ConfigError(`atol[${i}] and rtol[${i}]`, 0, "not both 0");
    }
  }
  return { atol, rtol };
}
