/**
 * Which principal component each learned vector has found: learned rows
 * (encoder W or decoder V) paired with principal components by the absolute
 * cosine |cos(w^k, e_m)|, both rescaled to unit norm and the learned one
 * flipped to overlap positively. Plain arithmetic on arrays, browser-safe.
 * @module
 */
import { maxOf } from "../core/stats.ts";
import { ConfigError } from "../core/errors.ts";

/**
 * One learned vector paired with a principal component by
 * {@linkcode matchComponents}.
 */
export interface ComponentMatch {
  /** Index k of the learned vector (from 0). */
  k: number;
  /** Index m of the principal component it is paired with (from 0). */
  m: number;
  /** |cos(w^k, e_m)|, in [0, 1] (0 when either vector is zero). */
  cos: number;
  /** Unit-norm learned vector, sign-aligned with `e` (its overlap with `e` is >= 0). */
  w: Float64Array;
  /** Unit-norm component m, with its sign as given. */
  e: Float64Array;
}

/**
 * How {@linkcode matchComponents} picks the component of each learned
 * vector: "best" the one of largest |cos|, "index" vector k with component k.
 */
export type MatchRule = "best" | "index";

/**
 * Pair each learned vector with a principal component: under "best", the
 * component of largest |cos| (the first one on a tie); under "index",
 * vector k with component k. Each returned vector is rescaled to unit norm
 * and flipped so that its overlap with its (unit-norm) component is >= 0;
 * a zero vector stays zero, with |cos| = 0.
 *
 * @param vectors learned rows (W or V of a snapshot), K x D.
 * @param components principal components, M x D (any norm, any sign).
 * @param match "best" or "index"; see {@linkcode MatchRule}.
 * @returns one {@linkcode ComponentMatch} per learned vector, in order.
 * @throws ConfigError on empty inputs, rows of different lengths, an unknown
 *   `match`, or `match: "index"` with fewer components than vectors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matchComponents } from "./components.ts";
 * const [p] = matchComponents([[0, -2, 0]], [[1, 0, 0], [0, 1, 0]], "best");
 * assert.equal(p.m, 1);
 * assert.equal(p.cos, 1);
 * assert.equal(p.w[1], 1);
 * ```
 */
export function matchComponents(
  vectors: ReadonlyArray<ArrayLike<number>>,
  components: ReadonlyArray<ArrayLike<number>>,
  match: MatchRule,
): ComponentMatch[] {
  const { D } = checkRows("vectors", vectors);
  checkRows("components", components, D);
  if (match !== "best" && match !== "index") {
    throw new ConfigError("match", match, `"best" or "index"`);
  }
  if (match === "index" && components.length < vectors.length) {
    throw new ConfigError(
      "components.length",
      components.length,
      `at least K = ${vectors.length} with match "index"`,
    );
  }
  const es = components.map(unitVector);
  return vectors.map((v, k) => {
    const w = unitVector(v);
    const dots = es.map((e) => dot(w, e));
    let m = match === "index" ? k : 0;
    if (match === "best") {
      for (let j = 1; j < dots.length; j++) if (Math.abs(dots[j]) > Math.abs(dots[m])) m = j;
    }
    if (dots[m] < 0) { for (let i = 0; i < D; i++) w[i] = -w[i]; }
    return { k, m, cos: Math.abs(dots[m]), w, e: es[m] };
  });
}

/**
 * A copy of `v` rescaled to unit Euclidean norm (a zero vector stays zero).
 *
 * @param v the vector.
 * @returns a new Float64Array of the same length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unitVector } from "./components.ts";
 * const u = unitVector([3, 4]);
 * assert.equal(u[0], 0.6);
 * assert.equal(u[1], 0.8);
 * ```
 */
export function unitVector(v: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(v);
  const n = Math.sqrt(dot(out, out));
  if (n > 0) { for (let i = 0; i < out.length; i++) out[i] /= n; }
  return out;
}

/** Dot product over the length of `a` (`b` at least as long). */
function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Check a non-empty list of rows of one positive length (D when given); return that length. */
function checkRows(
  name: string,
  rows: ReadonlyArray<ArrayLike<number>>,
  D?: number,
): { D: number } {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new ConfigError(name, rows, "a non-empty array of rows (K x D)");
  }
  const width = D ?? rows[0]?.length;
  if (!(width > 0)) throw new ConfigError(`${name}[0].length`, width, "a positive length D");
  rows.forEach((row, k) => {
    if (row?.length !== width) {
      throw new ConfigError(
        `${name}[${k}].length`,
        row?.length,
        `${width}, the same D for all rows`,
      );
    }
  });
  return { D: width };
}

/**
 * How a set of learned vectors spans the principal components, whatever
 * rotation of them it has learnt (vanilla SGD learns the span of the top-K
 * components, not the components): from {@linkcode subspaceMatch}.
 */
export interface SubspaceMatch {
  /** P_V e_m, the projection of each (unit-norm) component on the span of the learned vectors, M x D. */
  projections: Float64Array[];
  /** |P_V e_m| in [0, 1]: 1 when component m lies in the learned span. */
  projectionNorms: number[];
  /**
   * The orthogonal K x K matrix O minimising |O V - E|_F (orthogonal
   * Procrustes), V the unit-norm learned rows, E the top-K unit-norm components.
   */
  rotation: number[][];
  /** The rows of O V rescaled to unit norm, K x D: learned vectors rotated onto the components. */
  rotated: Float64Array[];
  /** |cos((O V)_m, e_m)| for m = 1..K. */
  rotatedCos: number[];
}

/**
 * The learned vectors against the principal components up to a rotation:
 * the projection of every component on the learned span, and the learned
 * vectors after the best rotation onto the top-K components (orthogonal
 * Procrustes: O = U W^T from the SVD E V^T = U S W^T, computed by one-sided
 * Jacobi; the rows of V and E are rescaled to unit norm first).
 *
 * @param vectors learned rows (e.g. the decoder V of a snapshot), K x D.
 * @param components principal components, M x D with M >= K (any norm, any sign).
 * @returns projections, their norms, the rotation and the rotated vectors.
 * @throws ConfigError on empty inputs, rows of different lengths, or fewer than K components.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { subspaceMatch } from "./components.ts";
 * // two learned vectors mixing e_1 and e_2 by 45 degrees: the span is exact, and the rotation undoes the mix
 * const s = Math.SQRT1_2;
 * const m = subspaceMatch([[s, s, 0], [-s, s, 0]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
 * assert.ok(Math.abs(m.projectionNorms[0] - 1) < 1e-12);
 * assert.ok(m.projectionNorms[2] < 1e-12);
 * assert.ok(m.rotatedCos.every((c) => Math.abs(c - 1) < 1e-12));
 * ```
 */
export function subspaceMatch(
  vectors: ReadonlyArray<ArrayLike<number>>,
  components: ReadonlyArray<ArrayLike<number>>,
): SubspaceMatch {
  const { D } = checkRows("vectors", vectors);
  checkRows("components", components, D);
  const K = vectors.length;
  if (components.length < K) {
    throw new ConfigError(
      "components.length",
      components.length,
      `at least K = ${K} (the top-K components the rotation fits)`,
    );
  }
  const V = vectors.map(unitVector);
  const E = components.map(unitVector);
  // the span: an orthonormal basis of the learned rows (Gram-Schmidt, twice, dropping null rows)
  const basis: Float64Array[] = [];
  for (const v of V) {
    const q = Float64Array.from(v);
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const d = dot(q, b);
        for (let i = 0; i < D; i++) q[i] -= d * b[i];
      }
    }
    const n = Math.sqrt(dot(q, q));
    if (n > 1e-10) basis.push(q.map((x) => x / n));
  }
  const projections = E.map((e) => {
    const p = new Float64Array(D);
    for (const b of basis) {
      const d = dot(e, b);
      for (let i = 0; i < D; i++) p[i] += d * b[i];
    }
    return p;
  });
  const projectionNorms = projections.map((p) => Math.min(1, Math.sqrt(dot(p, p))));
  // A = E_K V^T (K x K); O = U W^T from A = U S W^T
  const A = Array.from({ length: K }, (_, m) => V.map((v) => dot(E[m], v)));
  const rotation = polarFactor(A);
  const rotated = rotation.map((row) => {
    const r = new Float64Array(D);
    row.forEach((o, k) => {
      for (let i = 0; i < D; i++) r[i] += o * V[k][i];
    });
    return unitVector(r);
  });
  const rotatedCos = rotated.map((r, m) => Math.abs(dot(r, E[m])));
  return { projections, projectionNorms, rotation, rotated, rotatedCos };
}

/**
 * The orthogonal polar factor U W^T of a square matrix A = U S W^T, by
 * one-sided Jacobi on the columns of A (null singular directions completed
 * to an orthonormal basis).
 */
function polarFactor(A: number[][]): number[][] {
  const K = A.length;
  const B = A.map((row) => row.slice());
  const W = Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => +(i === j)));
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < K - 1; p++) {
      for (let q = p + 1; q < K; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < K; i++) {
          alpha += B[i][p] * B[i][p];
          beta += B[i][q] * B[i][q];
          gamma += B[i][p] * B[i][q];
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (const M of [B, W]) {
          for (let i = 0; i < K; i++) {
            const x = M[i][p], y = M[i][q];
            M[i][p] = c * x - s * y;
            M[i][q] = s * x + c * y;
          }
        }
      }
    }
    if (!rotated) break;
  }
  // U: the normalised columns of B = A W = U S; null columns completed by Gram-Schmidt
  const U: number[][] = Array.from({ length: K }, () => new Array(K).fill(0));
  const cols: number[][] = [];
  const norms = Array.from({ length: K }, (_, j) => Math.hypot(...B.map((row) => row[j])));
  const scale = Math.max(maxOf(norms), 0);
  for (let j = 0; j < K; j++) {
    let col = B.map((row) => row[j]);
    if (!(norms[j] > 1e-12 * scale && norms[j] > 0)) {
      // a unit vector orthogonal to the columns so far
      for (let e = 0; e < K; e++) {
        col = Array.from({ length: K }, (_, i) => +(i === e));
        for (const c of cols) {
          const d = c.reduce((s, x, i) => s + x * col[i], 0);
          col = col.map((x, i) => x - d * c[i]);
        }
        if (Math.hypot(...col) > 0.5) break;
      }
    }
    for (const c of cols) {
      const d = c.reduce((s, x, i) => s + x * col[i], 0);
      col = col.map((x, i) => x - d * c[i]);
    }
    const n = Math.hypot(...col);
    col = col.map((x) => x / n);
    cols.push(col);
    for (let i = 0; i < K; i++) U[i][j] = col[i];
  }
  // O = U W^T
  return U.map((row) =>
    Array.from({ length: K }, (_, j) => row.reduce((s, u, l) => s + u * W[j][l], 0))
  );
}
