/**
 * The problem values (data model, network, learning rule) and the result
 * record shared by `simulate` and the theory. Everything here is plain,
 * JSON-serialisable data.
 * @module
 */

/** Activation g of the hidden units (THEORY.md section 1). */
export type Activation = "linear" | "erf" | "relu";
/** The allowed activations, for validation and help texts. */
export const ACTIVATIONS: readonly Activation[] = ["linear", "erf", "relu"];

/** Learning rule (THEORY.md section 2). */
export type Rule = "vanilla" | "truncated" | "sanger";
/** The allowed rules. */
export const RULES: readonly Rule[] = ["vanilla", "truncated", "sanger"];

/**
 * Spiked covariance model: x = sum_m c_m a_m + sigma xi, c_m ~ N(0, s_m^2),
 * directions a_m of norm sqrt(D), optionally divided by one global scalar so
 * that tr(Omega)/D = 1.
 */
export interface SpikedModel {
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
  kind: "dataset";
  /** Input dimension D. */
  D: number;
  /** Where the data came from. */
  source: string;
  /** Image height and width, when the inputs are images. */
  shape?: [number, number];
  /** Training rows as read (bytes or float32), nTrain x D. */
  train: Uint8Array | Float32Array;
  nTrain: number;
  /** Global mean and scale 1/(2 std) of the preprocessing. */
  mean: number;
  scale: number;
  /** Per-pixel means subtracted after scaling, or null. */
  pixelMean: Float64Array | null;
  /** Held-out rows, preprocessed, nHeldOut x D. */
  heldOut: Float64Array;
  nHeldOut: number;
}

/** Where the inputs come from. */
export type DataModel = SpikedModel | GaussianModel | DatasetModel;

/** Initial weights: rows are units. `V` is ignored for tied networks and Sanger's rule. */
export interface InitialWeights {
  /** Encoder, K x D. */
  W: number[][];
  /** Decoder, K x D. */
  V?: number[][];
  /** Biases, K. */
  b?: number[];
}

/** The autoencoder. */
export interface Network {
  /** Number of hidden units K (1 <= K <= D). */
  K: number;
  activation: Activation;
  /** Decoder rows equal to encoder rows. */
  tied: boolean;
  /** Trained bias in the local fields. */
  bias: boolean;
  /** Standard deviation of the i.i.d. Gaussian initial weights (default 0.1). */
  sigma0: number;
  /** Explicit initial weights (then `sigma0` and the seed do not draw them). */
  init?: InitialWeights;
}

/** Order parameters of one network at one time (THEORY.md section 4). */
export interface OrderParameters {
  /** Q_kl = w^k Omega w^l / D, K x K. */
  Q: number[][];
  /** R_kl = v^k Omega w^l / D^1.5, K x K. */
  R: number[][];
  /** T_kl = v^k Omega v^l / D^2, K x K. */
  T: number[][];
  /** T0_kl = v^k . v^l / D, K x K. */
  T0: number[][];
  /** W W^T / D, K x K (norms of the encoder rows on the diagonal). */
  WW: number[][];
  /** Projections a_k(tau) = w^k . e_tau on the top M eigenvectors, K x M. */
  a: number[][];
  /** Projections b_k(tau) = v^k . e_tau / sqrt(D), K x M. */
  b: number[][];
  /** Biases b_k (zeros without bias). */
  bias: number[];
}

/** Weights saved at one time. */
export interface WeightSnapshot {
  /** Time t = steps / D. */
  t: number;
  W: number[][];
  V: number[][];
  b: number[];
}

/** One trajectory: one seed of a simulation, or the theory. */
export interface Run {
  /** Seed of the initial weights and the samples (theory: of the initial weights). */
  seed: number;
  /** Test error at each recorded time. */
  eps: number[];
  /** Order parameters at each recorded time. */
  order: OrderParameters[];
  /** Weight snapshots at the requested snapshot times. */
  snapshots: WeightSnapshot[];
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

/** Result of `simulate` (and, with kind "theory", of the equations). */
export interface CurveResult {
  kind: "simulation" | "theory";
  /** Package version that produced it. */
  version: string;
  /** The configuration, as resolved (defaults filled in). */
  config: Record<string, unknown>;
  /** Recorded times t = steps / D (log-spaced unless given). */
  times: number[];
  /** Test error, mean over runs. */
  eps: number[];
  /** Standard deviation of the test error over runs (zeros for one run). */
  epsStd: number[];
  /** Smallest and largest test error over runs. */
  epsMin: number[];
  epsMax: number[];
  /** The individual runs (one per seed). */
  runs: Run[];
  /** PCA levels of the input covariance. */
  pca: PcaSummary;
  /** Wall-clock seconds spent. */
  seconds: number;
}
