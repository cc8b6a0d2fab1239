/**
 * Dense LU factorisation with partial pivoting, in place, for the linear
 * systems of the implicit integrators (row-major n x n Float64Array, no
 * allocation).
 *
 * @module
 */

/**
 * LU factorisation with partial pivoting of the row-major n x n matrix `a`,
 * in place (unit lower L below the diagonal, U on and above it); `piv[k]` is
 * the row swapped with row k at elimination step k. Returns false (leaving
 * `a` partly eliminated) when a pivot column is exactly zero or non-finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { luFactor } from "./lu.ts";
 * const a = Float64Array.of(0, 1, 2, 3); // [[0, 1], [2, 3]]: needs a row swap
 * const piv = new Int32Array(2);
 * assert.ok(luFactor(a, piv, 2));
 * assert.equal(piv[0], 1);
 * assert.equal(luFactor(Float64Array.of(1, 2, 2, 4), piv, 2), false);
 * ```
 */
export function luFactor(a: Float64Array, piv: Int32Array, n: number): boolean {
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

/**
 * Solve A x = b in place (`b` becomes x) from the factors and pivots of
 * {@link luFactor}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { luFactor, luSolve } from "./lu.ts";
 * const a = Float64Array.of(0, 1, 2, 3), piv = new Int32Array(2);
 * luFactor(a, piv, 2);
 * const b = Float64Array.of(1, 5); // y = 1, 2 x + 3 y = 5
 * luSolve(a, piv, 2, b);
 * assert.equal(b[0], 1);
 * assert.equal(b[1], 1);
 * ```
 */
export function luSolve(a: Float64Array, piv: Int32Array, n: number, b: Float64Array): void {
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
