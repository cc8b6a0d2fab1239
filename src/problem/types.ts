/**
 * The problem values (data model, network, learning rule, time grid) and the
 * result record shared by `simulate` and `theory`. Everything here is plain,
 * JSON-serialisable data (a data set's model holds typed arrays; results
 * record a description of it).
 * @module
 */
import type { DataModel, PcaSummary } from "../data/mod.ts";
import type { TreeOf } from "../core/params.ts";
import type { PROBLEM_PARAMS } from "./params.ts";

export type { Activation } from "../activations/mod.ts";
export type { Rule } from "./rules.ts";
export type { Engine } from "./engine.ts";
export type {
  DataModel,
  DatasetModel,
  GaussianModel,
  PcaSummary,
  Spectrum,
  SpikedModel,
} from "../data/mod.ts";

/** Initial weights: rows are units. `V` is ignored for tied networks and Sanger's rule. */
export interface InitialWeights {
  /** Encoder, K x D. */
  W: number[][];
  /** Decoder, K x D. */
  V?: number[][];
  /** Biases, K. */
  b?: number[];
  /** Output bias, D (networks with an output bias; zeros by default). */
  c?: number[];
}

/** The values the parameter table declares (src/problem/params.ts), as a type. */
export type DeclaredParams = TreeOf<typeof PROBLEM_PARAMS>;
/** The network's values the table declares. */
export type DeclaredNetwork = DeclaredParams["network"];
/** The table's values outside the network. */
export type DeclaredProblem = Omit<DeclaredParams, "network">;

/**
 * The autoencoder: the network parameters of the table (K, activation,
 * tied, bias, outputBias, sigma0: see their declarations for docs, ranges
 * and defaults), and explicit initial weights.
 */
export interface Network extends DeclaredNetwork {
  /** Explicit initial weights (then `sigma0` and the seed do not draw them). */
  init?: InitialWeights;
}

/**
 * A problem, resolved and validated (`resolveProblem`): the data model, the
 * network, and the rule, rate, time grid, seeds and held-out samples the
 * table declares (rule, lr, tMax, seeds, times, nTimes, tMin, nTest,
 * snapshotTimes). `simulate` and `theory` both take it.
 */
export interface Problem extends DeclaredProblem {
  /** Where the inputs come from. */
  data: DataModel;
  /** The autoencoder. */
  network: Network;
}

/** What a caller may leave out of a {@link Problem}: everything has a default. */
export type ProblemInput =
  & Partial<Omit<Problem, "network" | "data">>
  & { data?: DataModel | Record<string, unknown>; network?: Partial<Network> };

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
  /** C_k = v^k . c / D, K (networks with an output bias c, THEORY.md 1b). */
  C?: number[];
  /** C0 = c . c / D (networks with an output bias c). */
  C0?: number;
}

/** Weights saved at one time. */
export interface WeightSnapshot {
  /** Time t = steps / D. */
  t: number;
  /** Encoder, K x D. */
  W: number[][];
  /** Decoder, K x D (the effective decoder W / sqrt(D) for Sanger's rule). */
  V: number[][];
  /** Biases, K. */
  b: number[];
  /** Output bias c, D (networks with an output bias only). */
  c?: number[];
}

/** One trajectory: one seed of a simulation, or the theory. */
export interface Run {
  /** Seed of the initial weights and the samples (theory: of the initial weights). */
  seed: number;
  /** Test error at each recorded time. */
  eps: number[];
  /** Order parameters at each recorded time. */
  order: OrderParameters[];
  /** Weight snapshots at the requested snapshot times (none from the reduced engine). */
  snapshots: WeightSnapshot[];
  /**
   * Exact population error at each recorded time, from the order parameters
   * (simulations with Gaussian inputs; the reduced engine's `eps` is this too).
   */
  epsExact?: number[];
}

/** The problem as recorded in a result: the data model described, D beside it. */
export type ProblemRecord = Omit<Problem, "data"> & {
  /** The data model (a data set by its source and sizes). */
  data: Record<string, unknown>;
  /** Input dimension D. */
  D: number;
};

/** The solver settings of a theory result and what the integration took. */
export interface SolverRecord {
  /** Integrator (canonical name of the ode registry). */
  integrator: string;
  /** Form of the equations. */
  form: string;
  /** Fixed step of Euler and RK4. */
  h?: number;
  /** Tolerances of the adaptive integrators. */
  atol: number;
  /** Relative tolerance. */
  rtol: number;
  /** Bins of the spectrum, if binned. */
  bins?: number;
  /** Paths of the diffusion limit sampled (THEORY.md 6b), when asked for. */
  paths?: number;
  /** Largest Euler step of the paths. */
  pathStep?: number;
  /** Seed of the first path (path i: initial weights and noise of seed pathSeed + i). */
  pathSeed?: number;
  /** Accepted steps, summed over the seeds. */
  steps: number;
  /** Right-hand-side evaluations, summed over the seeds. */
  rhsEvaluations: number;
}

/** Result of `simulate` (kind "simulation") and of `theory` (kind "theory"). */
export interface CurveResult {
  /** Which produced it. */
  kind: "simulation" | "theory";
  /** Package version that produced it. */
  version: string;
  /** The problem, as resolved (defaults filled in). */
  config: ProblemRecord;
  /** The theory's solver settings and counts (theory results only). */
  solver?: SolverRecord;
  /** Recorded times t = steps / D (log-spaced unless given). */
  times: number[];
  /** Test error, mean over runs. */
  eps: number[];
  /** Standard deviation of the test error over runs (zeros for one run). */
  epsStd: number[];
  /** Smallest test error over runs. */
  epsMin: number[];
  /** Largest test error over runs. */
  epsMax: number[];
  /** Exact population error, mean over runs (simulations with Gaussian inputs). */
  epsExact?: number[];
  /**
   * Training samples seen by each run at each recorded time: steps times the
   * mini-batch size (simulations with batch > 1, THEORY.md 7).
   */
  samples?: number[];
  /** The individual runs (one per seed). */
  runs: Run[];
  /** PCA levels of the input covariance. */
  pca: PcaSummary;
  /**
   * Conditions met along the way that did not stop the run, with the time at
   * which each started (the density form's transient crossings of
   * Q_kk T_kk - R_kk^2 < 0, THEORY.md 4b); absent when there were none.
   */
  warnings?: { t: number; message: string }[];
  /**
   * The predicted spread between seeds at this D, from paths of the
   * diffusion limit (theory with `paths` only; THEORY.md 6b).
   */
  fluctuations?: Fluctuations;
  /** Wall-clock seconds spent. */
  seconds: number;
}

/** Quantiles 0.1, 0.5, 0.9 of a distribution (null where it is not reached, e.g. a time after t-max). */
export interface Deciles<T> {
  /** 10% quantile. */
  "0.1": T;
  /** Median. */
  "0.5": T;
  /** 90% quantile. */
  "0.9": T;
}

/**
 * When the error leaves the plateau at eps_PCA(m): the first time it crosses
 * below `level`, the geometric mean of eps_PCA(m) and eps_PCA(m + 1).
 */
export interface EscapeTimes {
  /** The plateau eps_PCA(m) left (m = 0: the start, before any component is learnt). */
  m: number;
  /** The level crossed: sqrt(eps_PCA(m) eps_PCA(m + 1)). */
  level: number;
  /** How many paths crossed it by t-max. */
  left: number;
  /** Crossing time of each path (null: not by t-max). */
  times: (number | null)[];
  /** Mean crossing time of the paths that crossed (null if none did). */
  mean: number | null;
  /** Their standard deviation (null if fewer than two crossed). */
  std: number | null;
  /** Quantiles over all paths, those that did not cross counted as later than t-max. */
  quantiles: Deciles<number | null>;
}

/** The predicted distribution of the error over seeds at finite D (THEORY.md 6b). */
export interface Fluctuations {
  /** Number of paths sampled. */
  paths: number;
  /** Mean error over the paths at each recorded time. */
  mean: number[];
  /** Standard deviation over the paths at each recorded time. */
  std: number[];
  /** Quantiles over the paths at each recorded time. */
  quantiles: Deciles<number[]>;
  /** Escape times of the plateaus at eps_PCA(0..K-1). */
  escapes: EscapeTimes[];
  /** Euler steps taken, summed over the paths. */
  steps: number;
}
