/**
 * The adaptive embedded Dormand–Prince 5(4) pair (DOPRI5; Dormand & Prince
 * 1980, in the form of Hairer, Nørsett & Wanner, Solving ODE I, II.5): 7
 * stages, first same as last (FSAL: 6 right-hand-side evaluations per
 * attempt), 5th-order solution, error estimate from the embedded 4th-order
 * one, and the 4th-order continuous extension of Hairer's DOPRI5 code for
 * requested times inside a step.
 *
 * @module
 */
import { PIController } from "./control.ts";
import type { AdaptiveEntry, MethodCache, MethodSetup } from "./method.ts";
import type { Rhs } from "./types.ts";

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

/** Buffers of DOPRI5: state, trial state, 7 stages, a stage state, the dense-output terms. */
class Dopri5Cache implements MethodCache {
  y: Float64Array;
  yNew: Float64Array;
  evaluations = 0;
  readonly #rhs: Rhs;
  readonly #atol: Float64Array;
  readonly #rtol: Float64Array;
  #k1: Float64Array;
  readonly #k2: Float64Array;
  readonly #k3: Float64Array;
  readonly #k4: Float64Array;
  readonly #k5: Float64Array;
  readonly #k6: Float64Array;
  #k7: Float64Array;
  readonly #yt: Float64Array;
  // continuous extension:
  // y(t + theta h) = y + theta (y1 - y + (1-theta) (r3 + theta (r4 + (1-theta) r5)))
  readonly #r3: Float64Array;
  readonly #r4: Float64Array;
  readonly #r5: Float64Array;
  /** The last attempt: start, step size, whether r3..r5 are computed for it. */
  #t = 0;
  #h = 0;
  #denseReady = false;

  constructor({ rhs, n, y0, atol, rtol }: MethodSetup) {
    this.#rhs = rhs;
    this.#atol = atol;
    this.#rtol = rtol;
    this.y = Float64Array.from(y0);
    this.yNew = new Float64Array(n);
    this.#k1 = new Float64Array(n);
    this.#k2 = new Float64Array(n);
    this.#k3 = new Float64Array(n);
    this.#k4 = new Float64Array(n);
    this.#k5 = new Float64Array(n);
    this.#k6 = new Float64Array(n);
    this.#k7 = new Float64Array(n);
    this.#yt = new Float64Array(n);
    this.#r3 = new Float64Array(n);
    this.#r4 = new Float64Array(n);
    this.#r5 = new Float64Array(n);
  }

  /** f(t0, y0), the first stage of the first step. */
  start(t: number): Float64Array {
    this.#rhs(t, this.y, this.#k1);
    this.evaluations++;
    return this.#k1;
  }

  attempt(t: number, h: number, tNew: number): number {
    const rhs = this.#rhs, y = this.y, y1 = this.yNew, yt = this.#yt;
    const k1 = this.#k1, k2 = this.#k2, k3 = this.#k3, k4 = this.#k4;
    const k5 = this.#k5, k6 = this.#k6, k7 = this.#k7;
    const atol = this.#atol, rtol = this.#rtol;
    const n = y.length;
    this.#t = t;
    this.#h = h;
    this.#denseReady = false;

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
    this.evaluations += 6;

    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
      const sk = atol[i] + rtol[i] * Math.max(Math.abs(y[i]), Math.abs(y1[i]));
      const q = sk > 0 ? e / sk : (e === 0 ? 0 : Infinity);
      sum += q * q;
    }
    return Math.sqrt(sum / n);
  }

  interpolate(tq: number, out: Float64Array): void {
    const y = this.y, y1 = this.yNew, h = this.#h;
    const r3 = this.#r3, r4 = this.#r4, r5 = this.#r5;
    const n = y.length;
    if (!this.#denseReady) {
      const k1 = this.#k1, k3 = this.#k3, k4 = this.#k4;
      const k5 = this.#k5, k6 = this.#k6, k7 = this.#k7;
      for (let i = 0; i < n; i++) {
        const dy = y1[i] - y[i];
        const b = h * k1[i] - dy;
        r3[i] = b;
        r4[i] = dy - h * k7[i] - b;
        r5[i] = h *
          (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
      }
      this.#denseReady = true;
    }
    const th = (tq - this.#t) / h;
    const th1 = 1 - th;
    for (let i = 0; i < n; i++) {
      out[i] = y[i] + th * (y1[i] - y[i] + th1 * (r3[i] + th * (r4[i] + th1 * r5[i])));
    }
  }

  /** FSAL: the last stage is the first stage of the next step. */
  accept(): void {
    const ys = this.y;
    this.y = this.yNew;
    this.yNew = ys;
    const ks = this.#k1;
    this.#k1 = this.#k7;
    this.#k7 = ks;
  }
}

/**
 * Registry entry of DOPRI5 ("dopri5", alias "adaptive"): adaptive
 * Dormand–Prince 5(4) with FSAL, error norm RMS over components of
 * err_i / (atol_i + rtol_i max(|y_i|, |y_new_i|)), the PI controller
 * ({@link PIController}, error order 5) and 4th-order dense output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DOPRI5 } from "./dopri5.ts";
 * assert.ok(DOPRI5.adaptive);
 * assert.equal(DOPRI5.order, 5);
 * assert.equal(DOPRI5.aliases[0], "adaptive");
 * ```
 */
export const DOPRI5: AdaptiveEntry<"dopri5", "adaptive"> = {
  name: "dopri5",
  aliases: ["adaptive"],
  adaptive: true,
  order: 5,
  errorOrder: 5,
  doc: "adaptive explicit Dormand–Prince 5(4), FSAL, PI step control, 4th-order dense output",
  create: (setup) => new Dopri5Cache(setup),
  controller: () => new PIController(5),
};
