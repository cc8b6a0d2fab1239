/**
 * Which principal component each learned vector has found: learned rows
 * (encoder W or decoder V) paired with principal components by the absolute
 * cosine |cos(w^k, e_m)|, both rescaled to unit norm and the learned one
 * flipped to overlap positively. Plain arithmetic on arrays, browser-safe.
 * @module
 */
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
 * import { matchComponents } from "./components.ts";
 * const [p] = matchComponents([[0, -2, 0]], [[1, 0, 0], [0, 1, 0]], "best");
 * if (!(p.m === 1 && p.cos === 1 && p.w[1] === 1)) throw new Error("example failed");
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
 * import { unitVector } from "./components.ts";
 * const u = unitVector([3, 4]);
 * if (!(u[0] === 0.6 && u[1] === 0.8)) throw new Error("example failed");
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
