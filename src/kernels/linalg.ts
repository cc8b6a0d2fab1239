/**
 * Dense linear algebra on the WebAssembly kernels: sample covariance and the
 * symmetric eigen-decomposition. Browser-safe (no `Deno` namespace).
 *
 * Matrices are row-major `Float64Array`s. Inputs are validated here and
 * rejected with a {@link ConfigError} naming the parameter, the value received
 * and what is allowed; the kernels themselves assume valid input.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { sharedKernels } from "./wasm.ts";

/** Largest allowed |A_ij - A_ji| relative to max |A_ij| in {@link eigh}. */
export const SYMMETRY_TOLERANCE = 1e-10;

/** Rows of X copied into wasm memory per kernel call in {@link covariance} (at most ~32 MB). */
const COV_CHUNK_SLOTS = 1 << 22;

function checkSize(param: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(param, value, "a positive integer");
  }
}

function checkFinite(param: string, values: Float64Array, cols: number): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const where = cols > 1 ? `[${Math.floor(i / cols)}][${i % cols}]` : `[${i}]`;
      throw new ConfigError(param, `${param}${where} = ${values[i]}`, "finite numbers only");
    }
  }
}

function checkArray(param: string, value: unknown, length: number, shape: string): void {
  if (!(value instanceof Float64Array)) {
    throw new ConfigError(param, value, `a Float64Array of length ${length} (${shape})`);
  }
  if (value.length !== length) {
    throw new ConfigError(
      param,
      `a Float64Array of length ${value.length}`,
      `length ${length} (${shape})`,
    );
  }
}

/**
 * Sample covariance C = (1/N) sum_n (x_n - mean)(x_n - mean)^T of the N rows
 * of X (N x D, row-major). Without `mean` the rows are not centred (second
 * moment). Returns C, D x D row-major, exactly symmetric.
 *
 * @param X samples, N x D row-major, finite
 * @param N number of samples (rows), a positive integer
 * @param D dimension (columns), a positive integer
 * @param mean optional length-D vector subtracted from every row
 * @throws {ConfigError} on a bad size, a length mismatch or a non-finite value
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { covariance } from "./linalg.ts";
 * const X = new Float64Array([1, 2, 3, 6]); // two samples in D = 2
 * const C = covariance(X, 2, 2, new Float64Array([2, 4]));
 * assert.equal(C.join(), "1,2,2,4");
 * ```
 */
export function covariance(
  X: Float64Array,
  N: number,
  D: number,
  mean?: Float64Array,
): Float64Array {
  checkSize("N", N);
  checkSize("D", D);
  checkArray("X", X, N * D, `N x D = ${N} x ${D}`);
  checkFinite("X", X, D);
  if (mean !== undefined) {
    checkArray("mean", mean, D, `D = ${D}`);
    checkFinite("mean", mean, 1);
  }
  const k = sharedKernels();
  const mark = k.mark();
  try {
    const chunk = Math.max(1, Math.floor(COV_CHUNK_SLOTS / D));
    const rows = Math.min(N, chunk);
    const c = k.f64(D * D);
    const work = k.f64(k.x.covWorkSize(D));
    const mu = mean === undefined ? 0 : k.put(mean);
    const xs = k.f64(rows * D);
    for (let n0 = 0; n0 < N; n0 += rows) {
      const nb = Math.min(rows, N - n0);
      k.write(xs, X.subarray(n0 * D, (n0 + nb) * D));
      k.x.covAccumulate(xs, nb, D, mu, c, work);
    }
    k.x.covFinalize(c, D, 1 / N);
    return k.read(c, D * D);
  } finally {
    k.release(mark);
  }
}

/** Eigenvalues (descending) and eigenvectors (rows) of a symmetric matrix. */
export interface Eigh {
  /** The n eigenvalues, descending. */
  values: Float64Array;
  /** n x n row-major; row i is the unit eigenvector of `values[i]`. */
  vectors: Float64Array;
}

/**
 * Eigen-decomposition A = V^T diag(values) V of a real symmetric matrix A
 * (n x n, row-major): Householder tridiagonalisation and implicit QR with
 * Wilkinson shifts. Eigenvalues are sorted descending; row i of `vectors` is
 * the unit eigenvector of `values[i]`, with its largest-magnitude component
 * positive (the first such component on an exact tie). A must be symmetric
 * within {@link SYMMETRY_TOLERANCE} times max |A_ij|; the decomposition is
 * that of (A + A^T) / 2.
 *
 * @param A n x n row-major, finite, symmetric
 * @param n order of A, a positive integer
 * @throws {ConfigError} on a bad size, a length mismatch, a non-finite or an
 * asymmetric entry
 * @throws {Error} if the QR iteration does not converge (not expected for
 * finite input)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eigh } from "./linalg.ts";
 * const { values, vectors } = eigh(new Float64Array([2, 0, 0, 5]), 2);
 * assert.equal(values.join(), "5,2");
 * assert.equal(vectors.join(), "0,1,1,0");
 * ```
 */
export function eigh(A: Float64Array, n: number): Eigh {
  checkSize("n", n);
  checkArray("A", A, n * n, `n x n = ${n} x ${n}`);
  checkFinite("A", A, n);
  let amax = 0;
  for (let i = 0; i < A.length; i++) amax = Math.max(amax, Math.abs(A[i]));
  const tol = SYMMETRY_TOLERANCE * amax;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const gap = Math.abs(A[i * n + j] - A[j * n + i]);
      if (gap > tol) {
        throw new ConfigError(
          "A",
          `A[${i}][${j}] = ${A[i * n + j]} but A[${j}][${i}] = ${A[j * n + i]}`,
          `a symmetric matrix (|A_ij - A_ji| <= ${SYMMETRY_TOLERANCE} * max |A_ij|)`,
        );
      }
    }
  }
  const k = sharedKernels();
  const mark = k.mark();
  try {
    const a = k.put(A);
    const values = k.f64(n);
    const vectors = k.f64(n * n);
    const work = k.f64(k.x.eighWorkSize(n));
    const view = k.view(a, n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) view[i * n + j] = 0.5 * (A[i * n + j] + A[j * n + i]);
    }
    const status = k.x.eigh(a, n, values, vectors, work);
    if (status !== 0) {
      throw new Error(
        status === -1
          ? `eigh: the QR iteration did not converge for n = ${n}`
          : `eigh: kernel failed with status ${status} for n = ${n}`,
      );
    }
    return { values: k.read(values, n), vectors: k.read(vectors, n * n) };
  } finally {
    k.release(mark);
  }
}
