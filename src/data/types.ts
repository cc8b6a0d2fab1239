/**
 * The data models (where the inputs come from) and what materialising one
 * gives: the covariance operator, the sampler's recipe, the spectrum.
 * @module
 */

/**
 * Spiked covariance model: x = sum_m c_m a_m + sigma xi, c_m ~ N(0, s_m^2),
 * directions a_m of norm sqrt(D), optionally divided by one global scalar so
 * that tr(Omega)/D = 1 (THEORY.md section 3).
 */
export interface SpikedModel {
  /** The data kind. */
  kind: "spiked";
  /** Input dimension D. */
  D: number;
  /** Spike strengths s_m (standard deviations of the latent coefficients). */
  spikes: number[];
  /** Standard deviation sigma of the isotropic noise. */
  sigma: number;
  /** "random": Gaussian directions; "sinusoidal": a_m(i) ~ sin((m+1) i / 100) for m = 1..r, i = 1..D. */
  directions: "random" | "sinusoidal";
  /** Divide x by a global scalar so that tr(Omega)/D = 1. */
  normalise: boolean;
  /** Seed of the random directions. */
  seed: number;
}

/**
 * Gaussian inputs with a given covariance, from its eigen-decomposition:
 * M <= D leading eigenpairs, the remaining D - M eigenvalues equal to `bulk`.
 */
export interface GaussianModel {
  /** The data kind. */
  kind: "gaussian";
  /** Input dimension D. */
  D: number;
  /** Leading eigenvalues rho_1 >= ... >= rho_M. */
  eigenvalues: number[];
  /** Matching unit eigenvectors, M rows of length D. */
  eigenvectors: number[][];
  /** Eigenvalue of the D - M directions not listed (0 when M = D). */
  bulk: number;
}

/**
 * Inputs from a preprocessed data set (build it with `datasetModel`): online
 * SGD draws training rows at random, x' = (x - mean) * scale - pixelMean;
 * the held-out rows give the test error and the covariance. Holds typed
 * arrays; results record a description of it instead.
 */
export interface DatasetModel {
  /** The data kind. */
  kind: "dataset";
  /** Input dimension D. */
  D: number;
  /** Where the data came from. */
  source: string;
  /** Image height and width, when the inputs are images. */
  shape?: [number, number];
  /** Training rows as read (bytes or float32), nTrain x D. */
  train: Uint8Array | Float32Array;
  /** Number of training rows. */
  nTrain: number;
  /** Global mean of the preprocessing. */
  mean: number;
  /** Global scale 1/(2 std) of the preprocessing. */
  scale: number;
  /** Per-pixel means subtracted after scaling, or null. */
  pixelMean: Float64Array | null;
  /** Held-out rows, preprocessed, nHeldOut x D. */
  heldOut: Float64Array;
  /** Number of held-out rows. */
  nHeldOut: number;
}

/** Where the inputs come from. */
export type DataModel = SpikedModel | GaussianModel | DatasetModel;

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
  /** Input dimension D. */
  D: number;
  /** The covariance operator. */
  covariance: LowRankCovariance;
  /** How to sample inputs. */
  sampler: SamplerSpec;
  /** tr(Omega) / D. */
  traceOverD: number;
}

/**
 * Eigen-decomposition of a covariance: the M leading eigenpairs listed
 * explicitly, the other D - M eigenvalues all equal to `bulk`.
 */
export interface Spectrum {
  /** Input dimension D. */
  D: number;
  /** Leading eigenvalues, descending (M of them). */
  eigenvalues: Float64Array;
  /** Matching unit eigenvectors, M x D row-major. */
  eigenvectors: Float64Array;
  /** Eigenvalue shared by the D - M directions not listed. */
  bulk: number;
  /** tr(Omega) / D. */
  traceOverD: number;
}

/** PCA of the input covariance, as carried by results. */
export interface PcaSummary {
  /** tr(Omega) / D. */
  traceOverD: number;
  /** The listed leading eigenvalues, up to max(K, 10) of them (a spiked model lists its r spikes). */
  eigenvalues: number[];
  /** eps_PCA(m) for m = 0..K: (1/2D) sum of all but the m largest eigenvalues. */
  epsPCA: number[];
}
