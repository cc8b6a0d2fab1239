/**
 * Tests of src/kernels/linalg.ts: eigh (symmetric eigen-decomposition) and covariance.
 *
 * Accuracy criteria for eigh, with |A| the max absolute row sum (infinity
 * norm) and V the matrix whose rows are the returned eigenvectors:
 *   residual       max_i max_j |(A v_i)_j - lambda_i v_ij| <= 1e-10 |A|
 *   orthogonality  max |V V^T - I| <= 1e-10 (the V^T V - I of column
 *                  eigenvectors)
 * Covariance is compared with a plain scalar reference:
 *   max |C - C_ref| <= 1e-12 max |C_ref|.
 */
import assert from "node:assert";
import { covariance, eigh } from "../../src/kernels/linalg.ts";
import { ConfigError } from "../../src/core/errors.ts";
import { sharedKernels } from "../../src/kernels/wasm.ts";

/** mulberry32: a tiny seeded PRNG with values in [0, 1). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Symmetric n x n matrix with entries uniform in [-1, 1). */
function randomSymmetric(n: number, seed: number): Float64Array {
  const rnd = prng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) A[i * n + j] = A[j * n + i] = 2 * rnd() - 1;
  }
  return A;
}

/** Rows of a random n x n orthogonal matrix (Gram-Schmidt, twice, on random rows). */
function randomOrthogonal(n: number, seed: number): Float64Array {
  const rnd = prng(seed);
  const Q = new Float64Array(n * n).map(() => 2 * rnd() - 1);
  for (let i = 0; i < n; i++) {
    const qi = Q.subarray(i * n, (i + 1) * n);
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        const qj = Q.subarray(j * n, (j + 1) * n);
        let s = 0;
        for (let t = 0; t < n; t++) s += qi[t] * qj[t];
        for (let t = 0; t < n; t++) qi[t] -= s * qj[t];
      }
    }
    let s = 0;
    for (let t = 0; t < n; t++) s += qi[t] * qi[t];
    const f = 1 / Math.sqrt(s);
    for (let t = 0; t < n; t++) qi[t] *= f;
  }
  return Q;
}

/** A = Q^T diag(lambda) Q for the rows of Q. */
function withSpectrum(lambda: number[], Q: Float64Array): Float64Array {
  const n = lambda.length;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[k * n + i] * lambda[k] * Q[k * n + j];
      A[i * n + j] = s;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) A[j * n + i] = A[i * n + j];
  }
  return A;
}

function infNorm(A: Float64Array, n: number): number {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(A[i * n + j]);
    norm = Math.max(norm, s);
  }
  return norm;
}

/** max_i max_j |(A v_i)_j - lambda_i v_ij| with v_i the rows of V. */
function residual(A: Float64Array, n: number, values: Float64Array, V: Float64Array): number {
  let r = 0;
  for (let i = 0; i < n; i++) {
    const v = V.subarray(i * n, (i + 1) * n);
    for (let j = 0; j < n; j++) {
      const a = A.subarray(j * n, (j + 1) * n);
      let s = 0;
      for (let t = 0; t < n; t++) s += a[t] * v[t];
      r = Math.max(r, Math.abs(s - values[i] * v[j]));
    }
  }
  return r;
}

/** max |V V^T - I| for V with n rows of length n. */
function orthogonality(V: Float64Array, n: number): number {
  let r = 0;
  for (let i = 0; i < n; i++) {
    const a = V.subarray(i * n, (i + 1) * n);
    for (let j = i; j < n; j++) {
      const b = V.subarray(j * n, (j + 1) * n);
      let s = 0;
      for (let t = 0; t < n; t++) s += a[t] * b[t];
      r = Math.max(r, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return r;
}

/** The full eigh contract: residual, orthogonality, order and sign convention. */
function checkEigh(A: Float64Array, n: number, label: string): { res: number; orth: number } {
  const { values, vectors } = eigh(A, n);
  assert.strictEqual(values.length, n);
  assert.strictEqual(vectors.length, n * n);
  for (let i = 1; i < n; i++) {
    assert.ok(values[i] <= values[i - 1], `${label}: values not descending at ${i}`);
  }
  for (let i = 0; i < n; i++) {
    let best = -1;
    let sign = 0;
    for (let j = 0; j < n; j++) {
      const x = vectors[i * n + j];
      if (Math.abs(x) > best) {
        best = Math.abs(x);
        sign = x;
      }
    }
    assert.ok(sign > 0, `${label}: row ${i} has a negative largest component`);
  }
  const res = residual(A, n, values, vectors) / (infNorm(A, n) || 1);
  const orth = orthogonality(vectors, n);
  assert.ok(res <= 1e-10, `${label}: residual ${res} > 1e-10 |A|`);
  assert.ok(orth <= 1e-10, `${label}: orthogonality ${orth} > 1e-10`);
  return { res, orth };
}

for (const [n, seed] of [[64, 1], [512, 2], [1024, 3]]) {
  Deno.test(`eigh: random symmetric ${n} x ${n}`, () => {
    checkEigh(randomSymmetric(n, seed), n, `random ${n}`);
  });
}

Deno.test("eigh: odd sizes and tiny blocks", () => {
  for (const n of [2, 3, 4, 5, 7, 9, 17, 33]) checkEigh(randomSymmetric(n, 100 + n), n, `n=${n}`);
});

Deno.test("eigh: 1 x 1", () => {
  const { values, vectors } = eigh(new Float64Array([-3.5]), 1);
  assert.deepStrictEqual(Array.from(values), [-3.5]);
  assert.deepStrictEqual(Array.from(vectors), [1]);
});

Deno.test("eigh: zero matrix gives zeros and the identity", () => {
  const { values, vectors } = eigh(new Float64Array(9), 3);
  assert.deepStrictEqual(Array.from(values), [0, 0, 0]);
  assert.deepStrictEqual(Array.from(vectors), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
});

Deno.test("eigh: diagonal matrix is sorted exactly", () => {
  const d = [3, -1, 7, 0, 2.5];
  const n = d.length;
  const A = new Float64Array(n * n);
  d.forEach((x, i) => (A[i * n + i] = x));
  const { values, vectors } = eigh(A, n);
  assert.deepStrictEqual(Array.from(values), [7, 3, 2.5, 0, -1]);
  const order = [2, 0, 4, 3, 1];
  const expected = new Float64Array(n * n);
  order.forEach((j, i) => (expected[i * n + j] = 1));
  assert.deepStrictEqual(Array.from(vectors), Array.from(expected));
});

Deno.test("eigh: 2 x 2 closed form", () => {
  const cases = [[2, 1, 2], [1, -3, 4], [0, 1e-3, 0], [5, 2, -7], [1, 0, 1]];
  for (const [a, b, c] of cases) {
    const { values, vectors } = eigh(new Float64Array([a, b, b, c]), 2);
    const m = (a + c) / 2;
    const r = Math.hypot((a - c) / 2, b);
    const scale = Math.abs(a) + Math.abs(b) + Math.abs(c);
    assert.ok(Math.abs(values[0] - (m + r)) <= 1e-15 * scale, `values[0] for ${[a, b, c]}`);
    assert.ok(Math.abs(values[1] - (m - r)) <= 1e-15 * scale, `values[1] for ${[a, b, c]}`);
    if (b !== 0) {
      // eigenvector of m + r is along (b, m + r - a); compare up to sign
      const x = b;
      const y = m + r - a;
      const h = Math.hypot(x, y);
      const dot = (vectors[0] * x + vectors[1] * y) / h;
      assert.ok(Math.abs(Math.abs(dot) - 1) <= 1e-14, `vector for ${[a, b, c]}`);
    }
    checkEigh(new Float64Array([a, b, b, c]), 2, `2x2 ${[a, b, c]}`);
  }
  // [[2, 1], [1, 2]]: values 3 and 1
  const { values } = eigh(new Float64Array([2, 1, 1, 2]), 2);
  assert.ok(Math.abs(values[0] - 3) < 1e-15 && Math.abs(values[1] - 1) < 1e-15);
});

Deno.test("eigh: repeated eigenvalues", () => {
  const lambda = [5, 5, 5, 2, 2, -1, -1, -1, 0.5, 5];
  const n = lambda.length;
  const A = withSpectrum(lambda, randomOrthogonal(n, 7));
  const { values } = eigh(A, n);
  const expected = [...lambda].sort((x, y) => y - x);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(values[i] - expected[i]) <= 1e-13 * 5);
  checkEigh(A, n, "repeated");
});

Deno.test("eigh: a large cluster and the identity", () => {
  const n = 200;
  const lambda = Array.from({ length: n }, (_, i) => (i < 150 ? 1 : 1 + i * 1e-3));
  checkEigh(withSpectrum(lambda, randomOrthogonal(n, 11)), n, "cluster");
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  const { values, vectors } = eigh(I, n);
  assert.ok(values.every((x) => x === 1));
  assert.deepStrictEqual(Array.from(vectors), Array.from(I));
});

Deno.test("eigh: scale invariance (huge and tiny entries)", () => {
  const n = 40;
  const base = randomSymmetric(n, 5);
  const ref = eigh(base, n);
  for (const f of [1e200, 1e-200, 2 ** -1000]) {
    const A = base.map((x) => x * f);
    const { values, vectors } = eigh(A, n);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(values[i] / f - ref.values[i]) <= 1e-13 * n, `values at scale ${f}`);
    }
    // power-of-two scaling is exact inside the solver
    if (Math.log2(f) % 1 === 0) {
      assert.deepStrictEqual(Array.from(vectors), Array.from(ref.vectors));
    }
  }
  checkEigh(base.map((x) => x * 1e200), n, "huge");
});

Deno.test("eigh: tridiagonal and banded inputs", () => {
  const n = 100;
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    T[i * n + i] = 2;
    if (i + 1 < n) T[i * n + i + 1] = T[(i + 1) * n + i] = -1;
  }
  const { values } = eigh(T, n);
  // eigenvalues of the 1-D Laplacian: 2 - 2 cos(k pi / (n + 1))
  for (let k = 1; k <= n; k++) {
    const exact = 2 - 2 * Math.cos((k * Math.PI) / (n + 1));
    assert.ok(Math.abs(values[n - k] - exact) <= 1e-13);
  }
  checkEigh(T, n, "laplacian");
});

Deno.test("eigh: leaves the input untouched and releases the arena", () => {
  const A = randomSymmetric(30, 9);
  const copy = A.slice();
  const k = sharedKernels();
  const before = k.mark();
  eigh(A, 30);
  assert.strictEqual(k.mark(), before);
  assert.deepStrictEqual(A, copy);
  assert.throws(() => eigh(new Float64Array([1, 2, 3, 4]), 2));
  assert.strictEqual(k.mark(), before);
});

Deno.test("eigh: symmetrises within the tolerance", () => {
  const A = new Float64Array([2, 1 + 1e-12, 1, 2]);
  const { values } = eigh(A, 2);
  assert.ok(Math.abs(values[0] - (3 + 0.5e-12)) < 1e-14);
});

Deno.test("eigh: bad input gives ConfigErrors naming the parameter", () => {
  const expectError = (fn: () => unknown, param: string, text: RegExp) => {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof ConfigError, `not a ConfigError: ${e}`);
      assert.strictEqual(e.param, param);
      assert.match(e.message, text);
      return true;
    });
  };
  expectError(() => eigh(new Float64Array(0), 0), "n", /got 0; allowed: a positive integer/);
  expectError(() => eigh(new Float64Array(4), 2.5), "n", /got 2\.5/);
  expectError(() => eigh(new Float64Array(5), 2), "A", /length 5.*length 4 \(n x n = 2 x 2\)/);
  expectError(
    () => eigh([1, 0, 0, 1] as unknown as Float64Array, 2),
    "A",
    /a Float64Array of length 4/,
  );
  expectError(() => eigh(new Float64Array([1, NaN, NaN, 1]), 2), "A", /A\[0\]\[1\] = NaN.*finite/);
  expectError(() => eigh(new Float64Array([1, Infinity, 0, 1]), 2), "A", /Infinity/);
  expectError(
    () => eigh(new Float64Array([1, 2, 3, 1]), 2),
    "A",
    /A\[0\]\[1\] = 2 but A\[1\]\[0\] = 3.*symmetric/,
  );
});

/** Plain scalar covariance. */
function covarianceRef(X: Float64Array, N: number, D: number, mean?: Float64Array): Float64Array {
  const C = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) {
      let s = 0;
      for (let n = 0; n < N; n++) {
        const xi = X[n * D + i] - (mean ? mean[i] : 0);
        const xj = X[n * D + j] - (mean ? mean[j] : 0);
        s += xi * xj;
      }
      C[i * D + j] = s / N;
    }
  }
  return C;
}

function checkCovariance(N: number, D: number, seed: number, withMean: boolean): void {
  const rnd = prng(seed);
  const X = new Float64Array(N * D).map(() => 3 * rnd() - 1);
  const mean = withMean ? new Float64Array(D).map(() => rnd()) : undefined;
  const C = covariance(X, N, D, mean);
  const R = covarianceRef(X, N, D, mean);
  let err = 0;
  let big = 0;
  for (let i = 0; i < D * D; i++) {
    err = Math.max(err, Math.abs(C[i] - R[i]));
    big = Math.max(big, Math.abs(R[i]));
  }
  assert.ok(err <= 1e-12 * big, `N=${N} D=${D} mean=${withMean}: error ${err / big}`);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < i; j++) assert.strictEqual(C[i * D + j], C[j * D + i]);
  }
}

Deno.test("covariance: matches a scalar reference", () => {
  const shapes = [[1, 1], [3, 2], [300, 37], [513, 64], [257, 5], [40, 130]];
  for (const [N, D] of shapes) {
    checkCovariance(N, D, N * 1000 + D, false);
    checkCovariance(N, D, N * 1000 + D + 1, true);
  }
});

Deno.test("covariance: large N is processed in chunks", () => {
  const N = 2_200_000;
  const D = 2;
  const rnd = prng(77);
  const X = new Float64Array(N * D).map(() => rnd() - 0.25);
  const mean = new Float64Array([0.25, 0.25]);
  const C = covariance(X, N, D, mean);
  const R = covarianceRef(X, N, D, mean);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(C[i] - R[i]) <= 1e-12 * Math.abs(R[0]));
});

Deno.test("covariance: then eigh recovers a planted direction", () => {
  const N = 4000;
  const D = 20;
  const rnd = prng(3);
  const u = new Float64Array(D).map(() => rnd() - 0.5);
  const nu = Math.hypot(...u);
  u.forEach((x, i) => (u[i] = x / nu));
  const X = new Float64Array(N * D);
  for (let n = 0; n < N; n++) {
    const z = 10 * (rnd() - 0.5);
    for (let i = 0; i < D; i++) X[n * D + i] = z * u[i] + 0.1 * (rnd() - 0.5);
  }
  const { vectors } = eigh(covariance(X, N, D), D);
  let dot = 0;
  for (let i = 0; i < D; i++) dot += vectors[i] * u[i];
  assert.ok(Math.abs(dot) > 0.999);
});

Deno.test("covariance: bad input gives ConfigErrors naming the parameter", () => {
  const X = new Float64Array(6);
  const expectError = (fn: () => unknown, param: string, text: RegExp) => {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof ConfigError, `not a ConfigError: ${e}`);
      assert.strictEqual(e.param, param);
      assert.match(e.message, text);
      return true;
    });
  };
  expectError(() => covariance(X, 0, 6), "N", /got 0; allowed: a positive integer/);
  expectError(() => covariance(X, 3, -2), "D", /got -2/);
  expectError(() => covariance(X, 4, 2), "X", /length 6.*length 8 \(N x D = 4 x 2\)/);
  expectError(
    () => covariance(new Float64Array([1, 2, 3, NaN, 5, 6]), 3, 2),
    "X",
    /X\[1\]\[1\] = NaN.*finite/,
  );
  expectError(() => covariance(X, 3, 2, new Float64Array(3)), "mean", /length 3.*length 2/);
  expectError(
    () => covariance(X, 3, 2, new Float64Array([0, -Infinity])),
    "mean",
    /mean\[1\] = -Infinity/,
  );
  const k = sharedKernels();
  const before = k.mark();
  covariance(X, 3, 2);
  assert.strictEqual(k.mark(), before);
});

Deno.test("conversion kernels: float32 and uint8 to f64", () => {
  const k = sharedKernels();
  const mark = k.mark();
  try {
    const n = 21;
    const f32 = new Float32Array(n).map((_, i) => i * 0.37 - 3.1);
    const u8 = new Uint8Array(n).map((_, i) => (i * 53) % 256);
    const src = k.alloc(4 * n);
    new Float32Array(k.x.memory.buffer, src, n).set(f32);
    const dst = k.f64(n);
    k.x.f32ToF64(dst, src, n);
    assert.deepStrictEqual(Array.from(k.view(dst, n)), Array.from(f32));
    const src8 = k.alloc(n);
    new Uint8Array(k.x.memory.buffer, src8, n).set(u8);
    k.x.u8ToF64(dst, src8, n, 0.5);
    assert.deepStrictEqual(Array.from(k.view(dst, n)), Array.from(u8, (x) => 0.5 * x));
  } finally {
    k.release(mark);
  }
});
