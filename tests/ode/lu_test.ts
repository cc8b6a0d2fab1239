import assert from "node:assert/strict";
import { luFactor, luSolve } from "../../src/ode/lu.ts";

/** A deterministic pseudo-random stream in [-1, 1). */
function stream(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

Deno.test("LU with partial pivoting solves random systems to near machine precision", () => {
  const rand = stream(7);
  for (const n of [1, 2, 3, 5, 10, 30]) {
    const A = Float64Array.from({ length: n * n }, rand);
    const x = Float64Array.from({ length: n }, rand);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) b[i] += A[i * n + j] * x[j];
    }
    const LU = Float64Array.from(A), piv = new Int32Array(n);
    assert.ok(luFactor(LU, piv, n));
    luSolve(LU, piv, n, b);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(b[i] - x[i]) < 1e-10 * n, `n = ${n}, x[${i}]`);
  }
});

Deno.test("LU pivots on the largest entry and reports singular or non-finite columns", () => {
  // a zero leading entry needs the swap
  const a = Float64Array.of(0, 2, 3, 1), piv = new Int32Array(2);
  assert.ok(luFactor(a, piv, 2));
  assert.deepEqual([...piv], [1, 1]);
  const b = Float64Array.of(4, 5); // 2 y = 4, 3 x + y = 5
  luSolve(a, piv, 2, b);
  assert.deepEqual([...b], [1, 2]);
  assert.equal(luFactor(Float64Array.of(1, 2, 2, 4), piv, 2), false);
  assert.equal(luFactor(Float64Array.of(0, 0, 0, 1), piv, 2), false);
  assert.equal(luFactor(Float64Array.of(NaN, 1, 1, 1), piv, 2), false);
  assert.equal(luFactor(Float64Array.of(Infinity, 1, 1, 1), piv, 2), false);
});
