/**
 * The records an experiment produces: one variant's curves, the numeric
 * checks of a claim with their verdict, an analysis, the experiment's
 * summary.
 * @module
 */
import type { CurveResult, Problem } from "../problem/types.ts";
import type { VegaLiteSpec } from "../plot/mod.ts";
import type { Preset, Size } from "./preset.ts";
import type { FiniteAgreement } from "../theory/finite_agreement.ts";

/** One variant's curves. */
export interface VariantRun {
  label: string;
  config: Problem;
  simulation: CurveResult;
  /** The equations' prediction, when they cover this variant. */
  theory?: CurveResult;
  /** Why there is no theory, when there is none. */
  theoryMissing?: string;
  /** Why the theory has no paths (no finite-D prediction), when it has none. */
  pathsMissing?: string;
}

/** A numeric check of a claim: `value op threshold`. */
export interface Check {
  what: string;
  value: number;
  op: "<" | "<=" | ">" | ">=";
  threshold: number;
  holds: boolean;
}

/** Build a check and evaluate it. */
export function check(what: string, value: number, op: Check["op"], threshold: number): Check {
  const holds = op === "<"
    ? value < threshold
    : op === "<="
    ? value <= threshold
    : op === ">"
    ? value > threshold
    : value >= threshold;
  return { what, value, op, threshold, holds: Number.isFinite(value) && holds };
}

/** What an analysis produces. */
export interface Analysis {
  numbers: Record<string, unknown>;
  checks: Check[];
  figures: Record<string, VegaLiteSpec>;
  /** Sentences for the report that explain what the numbers show (computed from them). */
  notes?: string[];
}

/** The record of one experiment, as stored in summary.json (figures as file names). */
export interface ExperimentSummary {
  name: string;
  experiment: Preset["experiment"];
  title: string;
  claim: string;
  size: Size;
  seconds: number;
  holds: boolean;
  checks: Check[];
  /** Simulation vs theory, per variant with a theory. */
  agreement: Agreement[];
  /** Agreement of simulation and theory against the tolerances (max and mean relative deviation). */
  agreementChecks: Check[];
  /** Whether every agreement check passes (reported beside the verdict, not part of it). */
  agrees: boolean;
  numbers: Record<string, unknown>;
  /** Sentences of the analysis for the report (computed from the numbers). */
  notes?: string[];
  figures: string[];
}

/**
 * The deviation of one variant's simulation from its theory: on the exact
 * error of the SGD weights for Gaussian inputs (`basis` "population"), with
 * the held-out estimate's deviation beside it; on the held-out estimate for
 * real images.
 */
export interface Agreement {
  label: string;
  /** Largest relative deviation over t > 0. */
  max: number;
  /** Where it occurs. */
  maxAt: number;
  /** Mean relative deviation over t > 0. */
  mean: number;
  /** What the simulation's error is: "population" (exact, Gaussian inputs) or "held-out". */
  basis?: "population" | "held-out";
  /** The held-out estimate's deviation, when the basis is the exact error. */
  heldOut?: { max: number; maxAt: number; mean: number };
  /**
   * The seeds against the finite-D prediction (paths of the diffusion
   * limit): what the agreement checks judge when present. `max`, `maxAt`
   * and `mean` above stay the deviation from the D -> infinity curve.
   */
  finiteD?: FiniteAgreement;
  /** Why there is no finite-D prediction, when there is none. */
  finiteDMissing?: string;
}

/**
 * Paths of the diffusion limit per variant at each size: enough for the
 * predicted mean and spread to be judged against the seeds (the test
 * accounts for their number) while `deno task figures` stays within minutes.
 */
export const PATHS: Record<Size, number> = { reduced: 6, default: 16, full: 200 };

/**
 * Agreement tolerances of simulation against the D -> infinity theory (max
 * and mean relative deviation): the checks of a variant without a finite-D
 * prediction.
 */
export const AGREEMENT = { max: 0.15, mean: 0.05 };

/** Largest relative deviation of SGD on real images from the theory (acceptance of claim 6). */
export const REALDATA_AGREEMENT = 0.05;

/**
 * Largest final error of SGD on real images over eps_PCA(K) that counts as
 * having learnt (claim 6 beside the agreement: a curve still on its first
 * plateau agrees with the theory but has learnt nothing).
 */
export const REALDATA_LEARNING = 1.3;

/** What an analysis that runs more simulations or integrations passes on to them. */
export interface AnalysisControl {
  /** Web Workers for the seeds of its simulations and integrations (default 1: this thread). */
  workers?: number;
  /** Stops them. */
  signal?: AbortSignal;
}

/**
 * The analysis of one experiment kind: from the variants' runs to numbers,
 * checks and figures (some run more: long-time theories, a scan over D).
 */
export type AnalysisFn = (
  preset: Preset,
  runs: VariantRun[],
  size: Size,
  control?: AnalysisControl,
) => Analysis | Promise<Analysis>;
