/**
 * The classic 4th-order Runge–Kutta method at a fixed step (four
 * right-hand-side evaluations per step).
 *
 * @module
 */
import type { FixedStepEntry, MethodCache, MethodSetup } from "./method.ts";
import type { Rhs } from "./types.ts";

/** Buffers of RK4: the state, the next state, four stages and a stage state. */
class Rk4Cache implements MethodCache {
  y: Float64Array;
  yNew: Float64Array;
  evaluations = 0;
  readonly #rhs: Rhs;
  readonly #k1: Float64Array;
  readonly #k2: Float64Array;
  readonly #k3: Float64Array;
  readonly #k4: Float64Array;
  readonly #yt: Float64Array;

  constructor({ rhs, n, y0 }: MethodSetup) {
    this.#rhs = rhs;
    this.y = Float64Array.from(y0);
    this.yNew = new Float64Array(n);
    this.#k1 = new Float64Array(n);
    this.#k2 = new Float64Array(n);
    this.#k3 = new Float64Array(n);
    this.#k4 = new Float64Array(n);
    this.#yt = new Float64Array(n);
  }

  start(): null {
    return null;
  }

  attempt(t: number, h: number, tNew: number): number {
    const { y, yNew } = this;
    const rhs = this.#rhs, k1 = this.#k1, k2 = this.#k2, k3 = this.#k3, k4 = this.#k4;
    const yt = this.#yt;
    const n = y.length;
    const half = 0.5 * h;
    rhs(t, y, k1);
    for (let i = 0; i < n; i++) yt[i] = y[i] + half * k1[i];
    rhs(t + half, yt, k2);
    for (let i = 0; i < n; i++) yt[i] = y[i] + half * k2[i];
    rhs(t + half, yt, k3);
    for (let i = 0; i < n; i++) yt[i] = y[i] + h * k3[i];
    rhs(tNew, yt, k4);
    const sixth = h / 6;
    for (let i = 0; i < n; i++) yNew[i] = y[i] + sixth * (k1[i] + 2 * (k2[i] + k3[i]) + k4[i]);
    this.evaluations += 4;
    return 0;
  }

  interpolate(): void {
    throw new Error("rk4 has no continuous extension");
  }

  accept(): void {
    const y = this.y;
    this.y = this.yNew;
    this.yNew = y;
  }
}

/**
 * Registry entry of the classic Runge–Kutta method ("rk4"): fixed step `h`, order 4.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RK4 } from "./rk4.ts";
 * assert.equal(RK4.name, "rk4");
 * assert.equal(RK4.order, 4);
 * assert.ok(!RK4.adaptive);
 * ```
 */
export const RK4: FixedStepEntry<"rk4", never> = {
  name: "rk4",
  aliases: [],
  adaptive: false,
  order: 4,
  doc: "classic 4th-order Runge–Kutta at the fixed step h (4 evaluations per step)",
  create: (setup) => new Rk4Cache(setup),
};
