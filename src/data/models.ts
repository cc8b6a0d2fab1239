/**
 * Data models as concrete objects: the input covariance as a low-rank plus
 * identity operator, Omega = diag I + sum_m coef_m u_m u_m^T, and the recipe
 * to sample from it in O(r D) per input (THEORY.md section 3).
 * @module
 */
import type { DataModel, DatasetModel, GaussianModel, SpikedModel } from "../problem/types.ts";
import { datasetSpectrum } from "./dataset_model.ts";
import { ConfigError } from "../core/errors.ts";
import { sharedKernels } from "../kernels/wasm.ts";

/** The covariance Omega = diag I + U^T diag(coef) U of a data model. */
export interface LowRankCovariance {
  /** Input dimension D. */
  D: number;
  /** Multiple of the identity. */
  diag: number;
  /** r x D, row-major (rows need not be orthogonal). */
  U: Float64Array;
  /** r weights. */
  coef: Float64Array;
  /** Number of rows r of U. */
  r: number;
}

/** How to draw inputs: the arguments of one of the wasm samplers. */
export type SamplerSpec =
  | { kind: "spiked"; U: Float64Array; coef: Float64Array; r: number; sigma: number }
  | { kind: "eigen"; E: Float64Array; sqrtRho: Float64Array; r: number; sqrtBulk: number }
  | { kind: "rows"; model: DatasetModel; r: number };

/** A data model made concrete. */
export interface MaterialisedModel {
  D: number;
  covariance: LowRankCovariance;
  sampler: SamplerSpec;
  /** tr(Omega) / D. */
  traceOverD: number;
}

/**
 * A spiked covariance model with the published defaults (spikes s_m = 2^m + 1
 * for m = 1..3, sigma = 1, random directions, tr(Omega)/D = 1).
 *
 * @example
 * ```ts
 * import { spikedModel } from "./models.ts";
 * const model = spikedModel({ D: 100 });
 * if (!(model.spikes.length === 3)) throw new Error("example failed");
 * ```
 */
export function spikedModel(opts: Partial<Omit<SpikedModel, "kind">> & { D: number }): SpikedModel {
  return {
    kind: "spiked",
    D: opts.D,
    spikes: opts.spikes ?? [3, 5, 9],
    sigma: opts.sigma ?? 1,
    directions: opts.directions ?? "random",
    normalise: opts.normalise ?? true,
    seed: opts.seed ?? 0,
  };
}

/** The spike directions a_m (r x D, each of norm sqrt(D)). */
export function spikeDirections(model: SpikedModel): Float64Array {
  const { D } = model;
  const r = model.spikes.length;
  const A = new Float64Array(r * D);
  if (model.directions === "sinusoidal") {
    for (let m = 0; m < r; m++) {
      for (let i = 0; i < D; i++) A[m * D + i] = Math.sin(((m + 2) * (i + 1)) / 100);
    }
  } else {
    const k = sharedKernels();
    const mark = k.mark();
    try {
      const st = k.alloc(24);
      // stream 8 seed + 7: disjoint from the per-run streams 8 n + {0, 1, 2} of simulate
      k.x.rngSeed(st, model.seed * 8 + 7);
      const p = k.f64(r * D);
      k.x.rngFillNormal(st, p, r * D);
      A.set(k.view(p, r * D));
    } finally {
      k.release(mark);
    }
  }
  for (let m = 0; m < r; m++) {
    let n2 = 0;
    for (let i = 0; i < D; i++) n2 += A[m * D + i] ** 2;
    const f = Math.sqrt(D / n2);
    for (let i = 0; i < D; i++) A[m * D + i] *= f;
  }
  return A;
}

/** Make a data model concrete: covariance operator, sampler and trace. */
export function materialise(model: DataModel): MaterialisedModel {
  if (model.kind === "dataset") return materialiseDataset(model);
  return model.kind === "spiked" ? materialiseSpiked(model) : materialiseGaussian(model);
}

function materialiseDataset(model: DatasetModel): MaterialisedModel {
  const spec = datasetSpectrum(model);
  const { D } = model;
  return {
    D,
    covariance: { D, diag: 0, U: spec.eigenvectors, coef: spec.eigenvalues, r: D },
    sampler: { kind: "rows", model, r: 0 },
    traceOverD: spec.traceOverD,
  };
}

/** A JSON-able description of a data model (data sets by their source and sizes). */
export function describeData(model: DataModel): Record<string, unknown> {
  if (model.kind !== "dataset") return model as unknown as Record<string, unknown>;
  const { train: _t, heldOut: _h, pixelMean, ...rest } = model;
  return { ...rest, pixelCentred: pixelMean !== null };
}

function materialiseSpiked(model: SpikedModel): MaterialisedModel {
  const { D, spikes, sigma } = model;
  const r = spikes.length;
  const U = spikeDirections(model);
  // tr(Omega) = sum_m s_m^2 |a_m|^2 + sigma^2 D = D (sum_m s_m^2 + sigma^2)
  const rawTraceOverD = spikes.reduce((s, x) => s + x * x, 0) + sigma * sigma;
  const c = model.normalise ? 1 / Math.sqrt(rawTraceOverD) : 1;
  const coef = new Float64Array(spikes.map((s) => c * c * s * s));
  return {
    D,
    covariance: { D, diag: c * c * sigma * sigma, U, coef, r },
    sampler: {
      kind: "spiked",
      U,
      coef: new Float64Array(spikes.map((s) => c * s)),
      r,
      sigma: c * sigma,
    },
    traceOverD: c * c * rawTraceOverD,
  };
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

/** Check a data model, throwing a {@link ConfigError} that names the bad field. */
export function validateDataModel(model: DataModel): void {
  const D = model.D;
  if (!Number.isInteger(D) || D < 2 || D > 100_000) {
    throw new ConfigError("D", D, "an integer from 2 to 100000");
  }
  if (model.kind === "spiked") {
    if (!Array.isArray(model.spikes) || model.spikes.length > D) {
      throw new ConfigError("spikes", model.spikes, `a list of at most D = ${D} positive numbers`);
    }
    for (const s of model.spikes) {
      if (!Number.isFinite(s) || s <= 0) {
        throw new ConfigError("spikes", model.spikes, "positive finite numbers");
      }
    }
    if (!Number.isFinite(model.sigma) || model.sigma < 0) {
      throw new ConfigError("sigma", model.sigma, "a finite number >= 0");
    }
    if (model.sigma === 0 && model.spikes.length === 0) {
      throw new ConfigError("sigma", model.sigma, "> 0 when there are no spikes");
    }
    if (typeof model.normalise !== "boolean") {
      throw new ConfigError("normalise", model.normalise, "true or false");
    }
    if (model.directions !== "random" && model.directions !== "sinusoidal") {
      throw new ConfigError("directions", model.directions, '"random" or "sinusoidal"');
    }
    if (!Number.isInteger(model.seed) || model.seed < 0 || model.seed > 2 ** 48) {
      throw new ConfigError("data seed", model.seed, "an integer from 0 to 2^48");
    }
  } else if (model.kind === "gaussian") {
    const M = model.eigenvalues?.length;
    if (!Array.isArray(model.eigenvalues) || M < 1 || M > D) {
      throw new ConfigError("eigenvalues", M, `a list of 1 to D = ${D} numbers`);
    }
    model.eigenvalues.forEach((v, i) => {
      if (!Number.isFinite(v) || v < 0) {
        throw new ConfigError(`eigenvalues[${i}]`, v, "a finite number >= 0");
      }
    });
    if (!model.eigenvalues.some((v) => v > 0) && !(M < D && model.bulk > 0)) {
      throw new ConfigError(
        "eigenvalues",
        "all zero",
        "a covariance with at least one positive eigenvalue",
      );
    }
    if (!Array.isArray(model.eigenvectors) || model.eigenvectors.length !== M) {
      throw new ConfigError(
        "eigenvectors",
        model.eigenvectors?.length,
        `${M} rows, one per eigenvalue`,
      );
    }
    model.eigenvectors.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== D) {
        throw new ConfigError(`eigenvectors[${i}]`, row?.length, `a row of D = ${D} numbers`);
      }
      let n2 = 0;
      for (const v of row) {
        if (!Number.isFinite(v)) throw new ConfigError(`eigenvectors[${i}]`, v, "finite numbers");
        n2 += v * v;
      }
      if (Math.abs(n2 - 1) > 1e-6) {
        throw new ConfigError(
          `eigenvectors[${i}]`,
          `norm ${Math.sqrt(n2)}`,
          "a unit vector (norm 1 within 1e-6)",
        );
      }
    });
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < i; j++) {
        let c = 0;
        const a = model.eigenvectors[i], b = model.eigenvectors[j];
        for (let t = 0; t < D; t++) c += a[t] * b[t];
        if (Math.abs(c) > 1e-6) {
          throw new ConfigError(
            `eigenvectors[${i}]`,
            `overlap ${c} with eigenvectors[${j}]`,
            "orthonormal rows (overlaps within 1e-6)",
          );
        }
      }
    }
    if ((M < D || model.bulk !== undefined) && (!Number.isFinite(model.bulk) || model.bulk < 0)) {
      throw new ConfigError(
        "bulk",
        model.bulk,
        "a finite number >= 0 (eigenvalue of the unlisted directions)",
      );
    }
  } else if (model.kind === "dataset") {
    const n = (x: unknown) => typeof x === "number" && Number.isInteger(x) && x > 0;
    if (!n(model.nTrain) || model.train?.length !== model.nTrain * D) {
      throw new ConfigError(
        "dataset train rows",
        model.train?.length,
        `nTrain x D = ${model.nTrain} x ${D} values`,
      );
    }
    if (!n(model.nHeldOut) || model.heldOut?.length !== model.nHeldOut * D) {
      throw new ConfigError(
        "dataset held-out rows",
        model.heldOut?.length,
        `nHeldOut x D = ${model.nHeldOut} x ${D} values`,
      );
    }
    if (!Number.isFinite(model.mean) || !(model.scale > 0)) {
      throw new ConfigError(
        "dataset preprocessing",
        { mean: model.mean, scale: model.scale },
        "a finite mean and a scale > 0",
      );
    }
  } else {
    throw new ConfigError(
      "data kind",
      (model as { kind: unknown }).kind,
      '"spiked", "gaussian" or "dataset"',
    );
  }
}
