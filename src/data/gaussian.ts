/**
 * Gaussian inputs with a given covariance, from its eigen-decomposition (the
 * "Gaussian equivalent" of a data set, or a covariance file): the leading
 * eigenpairs listed, the other directions sharing one bulk eigenvalue.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { checkKeys, checkParam, type ParamSpec } from "../core/params.ts";
import type { DataKind } from "./kind.ts";
import { MAX_D } from "./spiked.ts";
import type { GaussianModel, MaterialisedModel } from "./types.ts";
import { covarianceSpectrum } from "./spectrum.ts";

/** Largest eigenvalue (its square root scales the samples; its square must stay finite). */
const HUGE = 1e150;

/** The scalar parameters of a Gaussian model (eigenpairs come from a file or a config). */
export const GAUSSIAN_PARAMS: readonly ParamSpec[] = [
  {
    path: "data.D",
    flag: "D",
    type: "integer",
    min: 2,
    max: MAX_D,
    doc: "input dimension D (the length of the eigenvectors)",
    group: "Data",
  },
  {
    path: "data.bulk",
    type: "number",
    min: 0,
    max: HUGE,
    doc: "eigenvalue of the directions not listed (0 when all D are listed)",
    group: "Data",
  },
];

function resolveGaussian(input: Record<string, unknown>): GaussianModel {
  checkKeys("data", input, GAUSSIAN_KIND.keys);
  const D = checkParam(GAUSSIAN_PARAMS[0], input.D) as number;
  const values = input.eigenvalues;
  const M = Array.isArray(values) ? values.length : 0;
  if (!Array.isArray(values) || M < 1 || M > D) {
    throw new ConfigError("data.eigenvalues", values, `a list of 1 to D = ${D} numbers`);
  }
  values.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > HUGE) {
      throw new ConfigError(`data.eigenvalues[${i}]`, v, `a finite number from 0 to ${HUGE}`);
    }
  });
  // a full list of eigenpairs needs no bulk eigenvalue (as in the covariance file format)
  const bulk = input.bulk === undefined && M === D
    ? 0
    : checkParam(GAUSSIAN_PARAMS[1], input.bulk) as number;
  if (!values.some((v) => v > 0) && !(M < D && bulk > 0)) {
    throw new ConfigError(
      "data.eigenvalues",
      "all zero",
      "a covariance with at least one positive eigenvalue",
    );
  }
  const vectors = input.eigenvectors;
  if (!Array.isArray(vectors) || vectors.length !== M) {
    throw new ConfigError(
      "data.eigenvectors",
      Array.isArray(vectors) ? `${vectors.length} rows` : vectors,
      `${M} rows, one per eigenvalue`,
    );
  }
  checkOrthonormal(vectors, D, "data.eigenvectors");
  return {
    kind: "gaussian",
    D,
    eigenvalues: values as number[],
    eigenvectors: vectors as number[][],
    bulk,
  };
}

/**
 * Check that `rows` are M unit vectors of length D, orthogonal to one
 * another within 1e-6; the error names `name[i]` (the caller's index).
 */
export function checkOrthonormal(rows: unknown[], D: number, name: string): void {
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== D) {
      throw new ConfigError(
        `${name}[${i}]`,
        Array.isArray(row) ? `${row.length} numbers` : row,
        `a row of D = ${D} numbers`,
      );
    }
    let n2 = 0;
    for (const v of row) {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new ConfigError(`${name}[${i}]`, v, "finite numbers");
      }
      n2 += v * v;
    }
    if (Math.abs(n2 - 1) > 1e-6) {
      throw new ConfigError(
        `${name}[${i}]`,
        `norm ${Math.sqrt(n2)}`,
        "a unit vector (norm 1 within 1e-6)",
      );
    }
  });
  const M = rows.length;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < i; j++) {
      let c = 0;
      const a = rows[i] as number[], b = rows[j] as number[];
      for (let t = 0; t < D; t++) c += a[t] * b[t];
      if (Math.abs(c) > 1e-6) {
        throw new ConfigError(
          `${name}[${i}]`,
          `overlap ${c} with ${name}[${j}]`,
          "orthonormal rows (overlaps within 1e-6)",
        );
      }
    }
  }
}

function materialiseGaussian(model: GaussianModel): MaterialisedModel {
  const { D, eigenvalues, eigenvectors } = model;
  const bulk = model.bulk ?? 0; // no unlisted directions: no bulk
  const r = eigenvalues.length;
  const E = new Float64Array(r * D);
  for (let m = 0; m < r; m++) E.set(eigenvectors[m], m * D);
  const coef = new Float64Array(eigenvalues.map((rho) => rho - bulk));
  const trace = eigenvalues.reduce((s, x) => s + x, 0) + bulk * (D - r);
  return {
    D,
    covariance: { D, diag: bulk, U: E, coef, r },
    sampler: {
      kind: "eigen",
      E,
      sqrtRho: new Float64Array(eigenvalues.map(Math.sqrt)),
      r,
      sqrtBulk: Math.sqrt(bulk),
    },
    traceOverD: trace / D,
  };
}

/** Gaussian inputs with a given covariance as a data kind. */
export const GAUSSIAN_KIND: DataKind<GaussianModel> = {
  kind: "gaussian",
  doc: "Gaussian inputs with a given covariance (eigenvalues, eigenvectors, bulk)",
  params: GAUSSIAN_PARAMS,
  keys: ["kind", "D", "eigenvalues", "eigenvectors", "bulk"],
  resolve: resolveGaussian,
  materialise: materialiseGaussian,
  // the listed eigenpairs are orthonormal: taken as they are, sorted by eigenvalue
  spectrum: (_model, m) => covarianceSpectrum(m().covariance, true),
  describe: (model) => ({ ...model }),
};
