/**
 * The contract between the driver (`driver.ts`) and an integration method,
 * in the style of SciML OrdinaryDiffEq (`alg_cache` + `perform_step!`) and
 * scipy's `solve_ivp` method classes: a method is a registry entry
 * ({@link IntegratorEntry}) whose `create` builds, once per solve, a
 * {@link MethodCache} holding every buffer the method needs (stages, state,
 * matrices); the driver then asks the cache for step attempts and owns
 * everything else (grid, step-size control, rejections, guards, recording).
 *
 * @module
 */
import { IntegrationError } from "../core/errors.ts";
import type { StepController } from "./control.ts";
import type { Rhs, SolveOptions } from "./types.ts";

/** What a method's `create` receives: the problem and the validated options of one solve. */
export interface MethodSetup {
  /** The right-hand side. */
  readonly rhs: Rhs;
  /** Dimension of the state. */
  readonly n: number;
  /** The initial state (validated; the cache copies it). */
  readonly y0: Float64Array;
  /** Absolute tolerance per component (adaptive methods; empty for fixed-step methods). */
  readonly atol: Float64Array;
  /** Relative tolerance per component (adaptive methods; empty for fixed-step methods). */
  readonly rtol: Float64Array;
  /** The options of the solve (method-specific ones, e.g. `jacobian`, are read here). */
  readonly opts: Readonly<Omit<SolveOptions, "method">>;
}

/**
 * The per-solve state of a method ("cache"): its buffers, allocated once by
 * `create`, and its step. The driver calls, in this order: `start` once,
 * then per step `attempt`; after an accepted attempt `interpolate` (any
 * number of times, for requested times inside the step), `accept` and
 * `afterAccept`.
 */
export interface MethodCache {
  /** The current (last accepted) state; the driver reads it, never writes it. */
  readonly y: Float64Array;
  /** The state at the end of the last attempted step. */
  readonly yNew: Float64Array;
  /** Right-hand-side evaluations made by the method so far. */
  readonly evaluations: number;
  /**
   * Called once, at (t0, y0), before the first step. An adaptive method
   * evaluates f(t0, y0) here and returns the buffer holding it (read by the
   * driver's starting-step estimate); a fixed-step method returns null.
   */
  start(t: number): Float64Array | null;
  /**
   * Attempt the step from (t, y) of size h, ending at tNew (t + h, or the
   * last requested time exactly when `last`), into `yNew`. Returns the error
   * norm of the attempt (accepted when <= 1; NaN for a non-finite trial
   * step; 0 for a method without an error estimate), or a negative number
   * -f when the method could not attempt the step and asks for a retry at
   * the step f h (e.g. a singular iteration matrix: -0.5).
   */
  attempt(t: number, h: number, tNew: number, last: boolean): number;
  /**
   * The continuous extension of the last attempted (and accepted) step at
   * tq inside it, written into `out` (length n).
   */
  interpolate(tq: number, out: Float64Array): void;
  /** Accept the last attempt: `yNew` becomes `y` (buffers may be swapped). */
  accept(tNew: number, last: boolean): void;
  /** Optional checks of the accepted state at t, run after the driver's guards and `onStep`. */
  afterAccept?(t: number, last: boolean): void;
  /** Optional: why the step size underflowed, when the method knows better than the error norm. */
  underflowReason?(): string | undefined;
}

/** The description of an integrator common to fixed-step and adaptive ones. */
export interface IntegratorBase<Name extends string = string, Alias extends string = string> {
  /** Canonical name (the key of the registry). */
  readonly name: Name;
  /** Other names accepted for it. */
  readonly aliases: readonly Alias[];
  /** Order of accuracy (global error O(h^order)). */
  readonly order: number;
  /** One line of documentation. */
  readonly doc: string;
  /** Build the method's cache for one solve (all buffers allocated here). */
  readonly create: (setup: MethodSetup) => MethodCache;
}

/** A fixed-step integrator: every step is accepted; requires the option `h`. */
export interface FixedStepEntry<Name extends string = string, Alias extends string = string>
  extends IntegratorBase<Name, Alias> {
  /** Fixed step. */
  readonly adaptive: false;
}

/** An adaptive integrator: an error estimate per step attempt and a step-size controller. */
export interface AdaptiveEntry<Name extends string = string, Alias extends string = string>
  extends IntegratorBase<Name, Alias> {
  /** Adaptive step. */
  readonly adaptive: true;
  /** Order of the local error estimate, err = O(h^errorOrder) (for the starting step). */
  readonly errorOrder: number;
  /** A fresh step-size controller for one solve. */
  readonly controller: () => StepController;
}

/** A registry entry: a fixed-step or an adaptive integrator. */
export type IntegratorEntry<Name extends string = string, Alias extends string = string> =
  | FixedStepEntry<Name, Alias>
  | AdaptiveEntry<Name, Alias>;

/**
 * Throws a "non-finite" {@link IntegrationError} at time t if `v` has a
 * non-finite entry, naming it as "component k of <what>" or, when `cols`
 * > 0 (a row-major matrix), "entry (i, j) of <what>".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertFinite } from "./method.ts";
 * assertFinite(Float64Array.of(1, 2), 0, "the state");
 * let message = "";
 * try {
 *   assertFinite(Float64Array.of(1, NaN), 2, "the state");
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * assert.ok(message.includes("component 1 of the state is NaN"));
 * ```
 */
export function assertFinite(v: Float64Array, t: number, what: string, cols = 0): void {
  for (let k = 0; k < v.length; k++) {
    if (!Number.isFinite(v[k])) {
      const where = cols > 0 ? `entry (${Math.floor(k / cols)}, ${k % cols})` : `component ${k}`;
      throw new IntegrationError("non-finite", t, `${where} of ${what} is ${v[k]}`);
    }
  }
}
