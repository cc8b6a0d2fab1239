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
import type { DatasetModel, GaussianModel } from "../problem/types.ts";
import type { Preprocessed } from "../datasets/preprocess.ts";
import type { Spectrum } from "./spectrum.ts";
import { covariance, eigh } from "../kernels/linalg.ts";

/** The data model of a preprocessed data set (no copy of the training rows). */
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

const spectra = new WeakMap<DatasetModel, Spectrum>();

/**
 * The eigen-decomposition of the held-out second-moment matrix (all D
 * directions, eigenvalues descending, small negative round-off clamped to 0),
 * computed once per model and cached.
 */
export function datasetSpectrum(m: DatasetModel): Spectrum {
  const cached = spectra.get(m);
  if (cached) return cached;
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
  spectra.set(m, spec);
  return spec;
}

/** The Gaussian equivalent: zero-mean Gaussian inputs with the held-out second-moment matrix. */
export function gaussianEquivalent(m: DatasetModel): GaussianModel {
  const s = datasetSpectrum(m);
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
