/**
 * Step-size control of the adaptive integrators, used by the driver: a
 * controller object per solve ({@link StepController}) that turns the error
 * norm of a step attempt into the next trial step, and Hairer's starting
 * step ({@link initialStep}). Two controllers: the PI (Lund) controller of
 * DOPRI5 ({@link PIController}) and Gustafsson's predictive controller of
 * ROS34PW2 ({@link PredictiveController}).
 *
 * The error norm `err` is the RMS over components of err_i / (atol_i + rtol_i
 * max(|y_i|, |y_new_i|)): a step is accepted when err <= 1.
 *
 * @module
 */
import type { Rhs } from "./types.ts";

/** Safety factor on the optimal step of both controllers. */
const SAFETY = 0.9;
/** Smallest step ratio of both controllers (also the ratio after a non-finite trial step). */
const MIN_RATIO = 0.2;

/**
 * A step-size controller: state kept across the steps of one solve (create
 * one per solve). `err` is the error norm of the attempt (accepted when
 * err <= 1; NaN when the trial step was not finite).
 */
export interface StepController {
  /** The next trial step after the step `h` was rejected with error norm `err` (> 1 or NaN). */
  reject(h: number, err: number): number;
  /**
   * A rejection that the method decided without an error estimate (e.g. a
   * singular iteration matrix): the method chose the next step itself; the
   * controller only notes that the next accepted step must not grow.
   */
  refused(): void;
  /**
   * The next step after an accepted step with error norm `err`: `h` is the
   * step size of the attempt, `hStep` the length t_new - t of the step as
   * realised in floating point (they may differ in the last bit). The
   * driver caps the result at `hMax`.
   */
  accept(h: number, hStep: number, err: number): number;
}

/**
 * The PI (Lund) step-size controller of Hairer's DOPRI5 code (Hairer, Nørsett
 * & Wanner, Solving ODE I, IV.2): ratio = SAFETY err^-alpha errOld^beta with
 * alpha = 1 / errorOrder - 0.75 beta, beta = 0.04, safety 0.9, the ratio in
 * [0.2, 10] and at most 1 right after a rejection; errOld = max(err, 1e-4)
 * of the last accepted step (1e-4 at the start). A rejected step is shrunk
 * by max(0.2, 0.9 err^-alpha) (0.2 for a NaN error). The step grows from the
 * step size `h` of the attempt.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PIController } from "./control.ts";
 * const pi = new PIController(5);
 * // a perfect step grows by the largest ratio, 10
 * assert.equal(pi.accept(0.1, 0.1, 1e-12), 0.1 * 10);
 * // a rejection shrinks the step, and forbids growth at the next acceptance
 * const h = pi.reject(0.1, 2);
 * assert.ok(h < 0.1);
 * assert.equal(pi.accept(h, h, 1e-12), h);
 * ```
 */
export class PIController implements StepController {
  readonly #alpha: number;
  readonly #beta: number;
  readonly #maxRatio: number;
  #errOld = 1e-4;
  #justRejected = false;

  /**
   * A controller for a local error estimate O(h^errorOrder) (5 for DOPRI5),
   * with the stabilisation exponent `beta` (default 0.04) and the largest
   * step ratio `maxRatio` (default 10).
   */
  constructor(errorOrder: number, beta = 0.04, maxRatio = 10) {
    this.#beta = beta;
    this.#alpha = 1 / errorOrder - 0.75 * beta;
    this.#maxRatio = maxRatio;
  }

  /** The rejected step `h` shrunk by max(0.2, 0.9 err^-alpha) (0.2 for a NaN error). */
  reject(h: number, err: number): number {
    const ratio = Number.isFinite(err)
      ? Math.max(MIN_RATIO, SAFETY * Math.pow(err, -this.#alpha))
      : MIN_RATIO;
    this.#justRejected = true;
    return h * ratio;
  }

  /** No growth at the next acceptance. */
  refused(): void {
    this.#justRejected = true;
  }

  /** The next step: `h` times the PI ratio. */
  accept(h: number, _hStep: number, err: number): number {
    let ratio = Math.pow(err, -this.#alpha) * Math.pow(this.#errOld, this.#beta) * SAFETY;
    ratio = Math.min(this.#maxRatio, Math.max(MIN_RATIO, ratio));
    if (this.#justRejected) ratio = Math.min(ratio, 1);
    this.#errOld = Math.max(err, 1e-4);
    this.#justRejected = false;
    return h * ratio;
  }
}

/**
 * The smaller of the standard controller, ratio = 0.9 err^(-1/errorOrder),
 * and Gustafsson's predictive controller, that ratio times (hStep / hAcc)
 * (errAcc / err)^(1/errorOrder) with hAcc, errAcc = max(err, 1e-2) of the
 * previous accepted step (Hairer & Wanner, Solving ODE II, IV.8 (8.21)),
 * used by ROS34PW2: ratio in [0.2, maxRatio = 6], at most 1 right after a
 * rejection. A rejected step is shrunk by max(0.2, 0.9 err^(-1/errorOrder))
 * (0.2 for a NaN error). The step grows from the realised step length `hStep`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PredictiveController } from "./control.ts";
 * const c = new PredictiveController(3);
 * // first step: the standard controller, capped at 6
 * assert.equal(c.accept(0.1, 0.1, 1e-9), 0.1 * 6);
 * // an error that grew from 1e-2 to 0.5 at the same step: the predictive ratio is smaller
 * const h = c.accept(0.1, 0.1, 0.5);
 * assert.ok(h < 0.1 * 0.9 * Math.pow(0.5, -1 / 3));
 * ```
 */
export class PredictiveController implements StepController {
  readonly #expo: number;
  readonly #maxRatio: number;
  #hAcc = NaN;
  #errAcc = NaN;
  #justRejected = false;

  /**
   * A controller for a local error estimate O(h^errorOrder) (3 for
   * ROS34PW2), with the largest step ratio `maxRatio` (default 6).
   */
  constructor(errorOrder: number, maxRatio = 6) {
    this.#expo = 1 / errorOrder;
    this.#maxRatio = maxRatio;
  }

  /** The rejected step `h` shrunk by max(0.2, 0.9 err^(-1/errorOrder)) (0.2 for a NaN error). */
  reject(h: number, err: number): number {
    this.#justRejected = true;
    return h *
      (Number.isFinite(err) ? Math.max(MIN_RATIO, SAFETY * Math.pow(err, -this.#expo)) : MIN_RATIO);
  }

  /** No growth at the next acceptance. */
  refused(): void {
    this.#justRejected = true;
  }

  /** The next step: `hStep` times the smaller of the standard and the predictive ratio. */
  accept(_h: number, hStep: number, err: number): number {
    const expo = this.#expo;
    let ratio = SAFETY * Math.pow(err, -expo);
    if (Number.isFinite(this.#hAcc)) {
      ratio = Math.min(ratio, ratio * (hStep / this.#hAcc) * Math.pow(this.#errAcc / err, expo));
    }
    ratio = Math.min(this.#maxRatio, Math.max(MIN_RATIO, ratio));
    if (this.#justRejected) ratio = Math.min(ratio, 1);
    this.#hAcc = hStep;
    this.#errAcc = Math.max(err, 1e-2);
    this.#justRejected = false;
    return hStep * ratio;
  }
}

/**
 * Hairer's starting step (Hairer, Nørsett & Wanner, Solving ODE I, II.4) for
 * a method whose local error estimate is O(h^errOrder) (5 for DOPRI5, 3 for
 * ROS34PW2), with RMS norms scaled by atol + rtol |y0|: `f0` = f(t0, y0) is
 * given, `yt` and `f1` (length n) are scratch; one right-hand-side
 * evaluation. The result is at most `hMax`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialStep } from "./control.ts";
 * const rhs = (_t: number, y: Float64Array, dy: Float64Array) => { dy[0] = -y[0]; };
 * const y0 = Float64Array.of(1), f0 = Float64Array.of(-1);
 * const tol = Float64Array.of(1e-6);
 * const h = initialStep(rhs, 0, y0, f0, tol, tol, 10, 5, new Float64Array(1), new Float64Array(1));
 * assert.ok(h > 0);
 * assert.ok(h < 0.1);
 * ```
 */
export function initialStep(
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
