/**
 * Statistics over runs (seeds), time by time.
 * @module
 */

/**
 * Mean, sample standard deviation, min and max over runs, time by time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarise } from "./stats.ts";
 * const s = summarise([[1, 2], [3, 2]]);
 * assert.equal(s.eps.join(), "2,2");
 * assert.equal(s.epsStd[1], 0);
 * assert.equal(s.epsMax[0], 3);
 * ```
 */
export function summarise(
  curves: number[][],
): { eps: number[]; epsStd: number[]; epsMin: number[]; epsMax: number[] } {
  const n = curves.length;
  const T = curves[0].length;
  const eps: number[] = [], epsStd: number[] = [], epsMin: number[] = [], epsMax: number[] = [];
  for (let j = 0; j < T; j++) {
    let s = 0, lo = Infinity, hi = -Infinity;
    for (const c of curves) {
      s += c[j];
      lo = Math.min(lo, c[j]);
      hi = Math.max(hi, c[j]);
    }
    const m = s / n;
    let v = 0;
    for (const c of curves) v += (c[j] - m) ** 2;
    eps.push(m);
    epsStd.push(n > 1 ? Math.sqrt(v / (n - 1)) : 0);
    epsMin.push(lo);
    epsMax.push(hi);
  }
  return { eps, epsStd, epsMin, epsMax };
}

/**
 * The smallest of `xs` (Infinity when empty, NaN when one is NaN), as
 * `Math.min(...xs)` but for arrays of any length: spreading 1e5 numbers
 * into one call overflows the stack.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { minOf } from "./stats.ts";
 * assert.ok(minOf(Array.from({ length: 1e6 }, (_, i) => 5 - i)) === 5 - 999_999, "the example's claim holds");
 * ```
 */
export function minOf(xs: ArrayLike<number>): number {
  let lo = Infinity;
  for (let i = 0; i < xs.length; i++) lo = Math.min(lo, xs[i]);
  return lo;
}

/**
 * The largest of `xs` (-Infinity when empty, NaN when one is NaN), as
 * `Math.max(...xs)` for arrays of any length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maxOf } from "./stats.ts";
 * assert.ok(maxOf(Array.from({ length: 1e6 }, (_, i) => i)) === 999_999, "the example's claim holds");
 * ```
 */
export function maxOf(xs: ArrayLike<number>): number {
  let hi = -Infinity;
  for (let i = 0; i < xs.length; i++) hi = Math.max(hi, xs[i]);
  return hi;
}
