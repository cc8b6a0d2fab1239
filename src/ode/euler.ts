/**
 * Explicit Euler at a fixed step: y_new = y + h f(t, y) (order 1, one
 * right-hand-side evaluation per step).
 *
 * @module
 */
import type { FixedStepEntry, MethodCache, MethodSetup } from "./method.ts";
import type { Rhs } from "./types.ts";

/** Buffers of explicit Euler: the state, the next state, the slope. */
class EulerCache implements MethodCache {
  y: Float64Array;
  yNew: Float64Array;
  evaluations = 0;
  readonly #rhs: Rhs;
  readonly #k1: Float64Array;

  constructor({ rhs, n, y0 }: MethodSetup) {
    this.#rhs = rhs;
    this.y = Float64Array.from(y0);
    this.yNew = new Float64Array(n);
    this.#k1 = new Float64Array(n);
  }

  start(): null {
    return null;
  }

  attempt(t: number, h: number): number {
    const { y, yNew } = this;
    const k1 = this.#k1;
    this.#rhs(t, y, k1);
    for (let i = 0; i < y.length; i++) yNew[i] = y[i] + h * k1[i];
    this.evaluations += 1;
    return 0;
  }

  interpolate(): void {
    throw new Error("euler has no continuous extension");
  }

  accept(): void {
    const y = this.y;
    this.y = this.yNew;
    this.yNew = y;
  }
}

/**
 * Registry entry of explicit Euler ("euler"): fixed step `h`, order 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EULER } from "./euler.ts";
 * assert.equal(EULER.name, "euler");
 * assert.equal(EULER.order, 1);
 * assert.ok(!EULER.adaptive);
 * ```
 */
export const EULER: FixedStepEntry<"euler", never> = {
  name: "euler",
  aliases: [],
  adaptive: false,
  order: 1,
  doc: "explicit Euler at the fixed step h (order 1, 1 evaluation per step)",
  create: (setup) => new EulerCache(setup),
};
