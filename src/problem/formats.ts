/**
 * The two documented file formats, parsed and written (browser-safe: text in,
 * values out):
 *
 * - initial weights: `{"W": [[...D], ... K rows], "V": [[...]], "b": [...K]}`,
 *   rows = units, `V` required for an untied network, `b` optional;
 * - covariance: `{"eigenvalues": [D numbers], "eigenvectors": [D rows of D
 *   numbers]}`, row i the unit eigenvector of eigenvalues[i]; fewer than D
 *   pairs are allowed with `"bulk": x`, the eigenvalue of the directions
 *   not listed.
 * @module
 */
import type { GaussianModel, InitialWeights } from "./types.ts";
import { ConfigError } from "../core/errors.ts";
import { checkOrthonormal, MAX_D } from "../data/mod.ts";

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      what,
      `text that is not JSON (${(e as Error).message})`,
      "a JSON document",
    );
  }
}

function numberRows(v: unknown, name: string): number[][] {
  if (!Array.isArray(v)) throw new ConfigError(name, v, "a list of rows of numbers");
  return v.map((row, i) => {
    if (!Array.isArray(row)) throw new ConfigError(`${name}[${i}]`, row, "a row of numbers");
    row.forEach((x, j) => {
      if (typeof x !== "number" || !Number.isFinite(x)) {
        throw new ConfigError(`${name}[${i}][${j}]`, x, "a finite number");
      }
    });
    return row as number[];
  });
}

/**
 * Parse an initial-weights file. Shapes are checked against K and D by the
 * simulation's validation; here only the structure and the numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseInitialWeights } from "./formats.ts";
 * const w = parseInitialWeights('{"W": [[1, 0]], "V": [[0, 1]]}', "init.json");
 * assert.equal(w.W[0][0], 1);
 * assert.equal(w.V![0][1], 1);
 * ```
 */
export function parseInitialWeights(text: string, source = "init"): InitialWeights {
  const obj = parseJson(text, source);
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    throw new ConfigError(source, obj, 'an object {"W": K x D, "V": K x D, "b": K, "c": D}');
  }
  const o = obj as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!["W", "V", "b", "c"].includes(key)) {
      throw new ConfigError(`${source}: key`, key, '"W", "V", "b", "c"');
    }
  }
  if (o.W === undefined) throw new ConfigError(`${source}: W`, undefined, "a K x D encoder");
  const out: InitialWeights = { W: numberRows(o.W, `${source}: W`) };
  if (out.W.length === 0 || out.W[0].length === 0) {
    throw new ConfigError(`${source}: W`, o.W, "a K x D encoder, K >= 1 rows of D >= 1 numbers");
  }
  if (o.V !== undefined) out.V = numberRows(o.V, `${source}: V`);
  if (o.b !== undefined) {
    if (!Array.isArray(o.b) || o.b.some((x) => typeof x !== "number" || !Number.isFinite(x))) {
      throw new ConfigError(`${source}: b`, o.b, "a list of K finite numbers");
    }
    out.b = o.b as number[];
  }
  const K = out.W.length;
  const D = out.W[0]?.length ?? 0;
  if (D > MAX_D) {
    throw new ConfigError(
      `${source}: W[0]`,
      `${D} numbers`,
      `rows of D <= ${MAX_D} numbers (D, the input dimension, is at most ${MAX_D})`,
    );
  }
  for (const [name, m] of [["W", out.W], ["V", out.V]] as const) {
    if (!m) continue;
    if (m.length !== K) {
      throw new ConfigError(`${source}: ${name}`, `${m.length} rows`, `K = ${K} rows, as W`);
    }
    m.forEach((row, i) => {
      if (row.length !== D) {
        throw new ConfigError(
          `${source}: ${name}[${i}]`,
          `${row.length} numbers`,
          `D = ${D}, as W[0]`,
        );
      }
    });
  }
  if (out.b && out.b.length !== K) {
    throw new ConfigError(`${source}: b`, `${out.b.length} numbers`, `K = ${K}`);
  }
  if (o.c !== undefined) {
    if (
      !Array.isArray(o.c) || o.c.length !== D ||
      o.c.some((x) => typeof x !== "number" || !Number.isFinite(x))
    ) {
      throw new ConfigError(`${source}: c`, o.c, `a list of D = ${D} finite numbers (as W[0])`);
    }
    out.c = o.c as number[];
  }
  return out;
}

/** Serialise initial weights in the documented format. */
export function formatInitialWeights(w: InitialWeights): string {
  return JSON.stringify({
    W: w.W,
    ...(w.V ? { V: w.V } : {}),
    ...(w.b ? { b: w.b } : {}),
    ...(w.c ? { c: w.c } : {}),
  });
}

/**
 * Parse a covariance file into a Gaussian data model (checks: matching
 * counts, unit and orthogonal eigenvectors, non-negative eigenvalues).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCovariance } from "./formats.ts";
 * const m = parseCovariance('{"eigenvalues": [2, 1], "eigenvectors": [[1, 0], [0, 1]]}');
 * assert.equal(m.D, 2);
 * assert.equal(m.eigenvalues[0], 2);
 * ```
 */
export function parseCovariance(text: string, source = "covariance"): GaussianModel {
  const obj = parseJson(text, source);
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    throw new ConfigError(
      source,
      obj,
      'an object {"eigenvalues": [...], "eigenvectors": [[...], ...]}',
    );
  }
  const o = obj as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!["eigenvalues", "eigenvectors", "bulk"].includes(key)) {
      throw new ConfigError(`${source}: key`, key, '"eigenvalues", "eigenvectors", "bulk"');
    }
  }
  const values = o.eigenvalues;
  if (!Array.isArray(values) || values.length === 0) {
    throw new ConfigError(`${source}: eigenvalues`, values, "a non-empty list of numbers");
  }
  values.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x) || x < 0) {
      throw new ConfigError(`${source}: eigenvalues[${i}]`, x, "a finite number >= 0");
    }
  });
  const vectors = numberRows(o.eigenvectors, `${source}: eigenvectors`);
  if (vectors.length !== values.length) {
    throw new ConfigError(
      `${source}: eigenvectors`,
      `${vectors.length} rows`,
      `one row per eigenvalue (${values.length})`,
    );
  }
  const D = vectors[0].length;
  const M = values.length;
  if (D > MAX_D) {
    // named here, with the file, before the orthonormality check (M^2 D operations)
    throw new ConfigError(
      `${source}: eigenvectors[0]`,
      `${D} numbers`,
      `rows of D <= ${MAX_D} numbers (D, the input dimension, is at most ${MAX_D})`,
    );
  }
  if (D < 2 || M > D) {
    throw new ConfigError(
      `${source}: eigenvectors`,
      `${M} rows of ${D} numbers`,
      "1 to D rows of D >= 2 numbers (D the input dimension)",
    );
  }
  // rows checked as the file numbers them (unit length, orthogonal), before they are sorted
  checkOrthonormal(vectors, D, `${source}: eigenvectors`);
  if (M < D && o.bulk === undefined) {
    throw new ConfigError(
      `${source}: bulk`,
      undefined,
      `the eigenvalue of the ${
        D - M
      } unlisted directions (needed when fewer than D pairs are given)`,
    );
  }
  const bulk = M < D ? o.bulk : 0;
  if (typeof bulk !== "number" || !Number.isFinite(bulk) || bulk < 0) {
    throw new ConfigError(`${source}: bulk`, bulk, "a finite number >= 0");
  }
  // sort descending, keeping pairs together
  const order = values.map((_, i) => i).sort((i, j) =>
    (values[j] as number) - (values[i] as number)
  );
  return {
    kind: "gaussian",
    D,
    eigenvalues: order.map((i) => values[i] as number),
    eigenvectors: order.map((i) => vectors[i]),
    bulk,
  };
}

/** Serialise a Gaussian model's spectrum in the covariance format. */
export function formatCovariance(m: GaussianModel): string {
  return JSON.stringify({
    eigenvalues: m.eigenvalues,
    eigenvectors: m.eigenvectors,
    ...(m.eigenvalues.length < m.D ? { bulk: m.bulk } : {}),
  });
}
