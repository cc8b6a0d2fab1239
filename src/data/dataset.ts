/**
 * A preprocessed data set as a data model for `simulate` and `theory`:
 * online SGD draws training rows at random; the test error, the covariance
 * and its spectrum come from the held-out rows. The covariance is the
 * (uncentred) second moment E[x x^T] of the held-out rows, the quantity that
 * fixes the reconstruction error of a linear network; with per-pixel
 * centring it is the ordinary covariance. The Gaussian equivalent is
 * N(0, that matrix).
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import type { Preprocessed } from "../datasets/preprocess.ts";
import { covariance, eigh } from "../kernels/linalg.ts";
import type { DataKind } from "./kind.ts";
import type { DatasetModel, GaussianModel, MaterialisedModel, Spectrum } from "./types.ts";

/**
 * The data model of a preprocessed data set (no copy of the training rows).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasetModel } from "./dataset.ts";
 * import { preprocess } from "../datasets/preprocess.ts";
 * const ds = { n: 6, d: 2, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 8, 7, 6]), source: "six" };
 * const m = datasetModel(preprocess(ds, { nHeldOut: 2, seed: 1 }));
 * assert.equal(m.kind, "dataset");
 * assert.equal(m.nTrain, 4);
 * assert.equal(m.heldOut.length, 4);
 * ```
 */
export function datasetModel(p: Preprocessed): DatasetModel {
  const train = p.train.data;
  return {
    kind: "dataset",
    D: p.d,
    source: p.source,
    ...(p.shape ? { shape: p.shape } : {}),
    train,
    nTrain: p.nTrain,
    mean: p.mean,
    scale: p.scale,
    pixelMean: p.pixelMean,
    heldOut: p.heldOut,
    nHeldOut: p.nHeldOut,
  };
}

/**
 * The eigen-decomposition of the held-out second-moment matrix (all D
 * directions, eigenvalues descending, small negative round-off clamped to 0).
 * `spectrumOf` of ./mod.ts caches it per model.
 */
function heldOutSpectrum(m: DatasetModel): Spectrum {
  const C = covariance(m.heldOut, m.nHeldOut, m.D);
  let trace = 0;
  for (let i = 0; i < m.D; i++) trace += C[i * m.D + i];
  const { values, vectors } = eigh(C, m.D);
  const eigenvalues = values.map((v) => Math.max(v, 0));
  const spec: Spectrum = {
    D: m.D,
    eigenvalues,
    eigenvectors: vectors,
    bulk: 0,
    traceOverD: trace / m.D,
  };
  return spec;
}

/**
 * The Gaussian equivalent: zero-mean Gaussian inputs with the held-out
 * second-moment matrix, given the model's spectrum (`spectrumOf(m)`).
 */
export function gaussianEquivalent(m: DatasetModel, s: Spectrum): GaussianModel {
  const D = m.D;
  return {
    kind: "gaussian",
    D,
    eigenvalues: Array.from(s.eigenvalues),
    eigenvectors: Array.from(
      { length: D },
      (_, i) => Array.from(s.eigenvectors.subarray(i * D, (i + 1) * D)),
    ),
    bulk: 0,
  };
}

function resolveDataset(input: Record<string, unknown>): DatasetModel {
  const model = input as unknown as DatasetModel;
  const D = model.D;
  const n = (x: unknown) => typeof x === "number" && Number.isInteger(x) && x > 0;
  if (!n(D) || D < 2) throw new ConfigError("data.D", D, "an integer >= 2");
  if (!n(model.nTrain) || model.train?.length !== model.nTrain * D) {
    throw new ConfigError(
      "data.train",
      model.train?.length,
      `nTrain x D = ${model.nTrain} x ${D} values`,
    );
  }
  if (!n(model.nHeldOut) || model.heldOut?.length !== model.nHeldOut * D) {
    throw new ConfigError(
      "data.heldOut",
      model.heldOut?.length,
      `nHeldOut x D = ${model.nHeldOut} x ${D} values`,
    );
  }
  if (!Number.isFinite(model.mean) || !(model.scale > 0 && Number.isFinite(model.scale))) {
    throw new ConfigError(
      "data.mean, data.scale",
      { mean: model.mean, scale: model.scale },
      "a finite mean and a finite scale > 0",
    );
  }
  return model;
}

function materialiseDataset(model: DatasetModel, spectrum: () => Spectrum): MaterialisedModel {
  const spec = spectrum();
  const { D } = model;
  return {
    D,
    covariance: { D, diag: 0, U: spec.eigenvectors, coef: spec.eigenvalues, r: D },
    sampler: { kind: "rows", model, r: 0 },
    traceOverD: spec.traceOverD,
  };
}

/** A preprocessed data set as a data kind (built in code with {@link datasetModel}, not from configs). */
export const DATASET_KIND: DataKind<DatasetModel> = {
  kind: "dataset",
  doc:
    "a preprocessed image data set: SGD draws training rows, the held-out rows give the test error",
  params: [],
  keys: [
    "kind",
    "D",
    "source",
    "shape",
    "train",
    "nTrain",
    "mean",
    "scale",
    "pixelMean",
    "heldOut",
    "nHeldOut",
  ],
  resolve: resolveDataset,
  materialise: materialiseDataset,
  spectrum: (model) => heldOutSpectrum(model),
  describe(model) {
    const { train: _t, heldOut: _h, pixelMean, ...rest } = model;
    return { ...rest, pixelCentred: pixelMean !== null };
  },
};
