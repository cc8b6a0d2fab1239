/**
 * Running a preset: every variant simulated and (where the equations cover
 * it) integrated from the same initial weights, then analysed into numbers,
 * checks with a verdict, and figures.
 * @module
 */
import type { CurveResult, OrderParameters } from "../problem/types.ts";
import { resolveSimulateConfig, type SimulateConfig } from "../problem/config.ts";
import { simulate, type SimulateControl } from "../sgd/simulate.ts";
import { theory } from "../theory/theory.ts";
import { deviation } from "../analysis/deviation.ts";
import { ConfigError } from "../core/errors.ts";
import type { VegaLiteSpec } from "../plot/plot.ts";
import { type Preset, type Size, type Variant, variantProblem } from "./preset.ts";
import { ANALYSES } from "./analyses.ts";
import { realDataExperiment, type RealDataResult } from "./realdata.ts";
import { loadEmbeddedMnist } from "../datasets/mnist_embedded.ts";

/** One variant's curves. */
export interface VariantRun {
  label: string;
  config: SimulateConfig;
  simulation: CurveResult;
  /** The equations' prediction, when they cover this variant. */
  theory?: CurveResult;
  /** Why there is no theory, when there is none. */
  theoryMissing?: string;
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
  agreement: { label: string; max: number; maxAt: number; mean: number }[];
  /** Agreement of simulation and theory against the tolerances (max and mean relative deviation). */
  agreementChecks: Check[];
  /** Whether every agreement check passes (reported beside the verdict, not part of it). */
  agrees: boolean;
  numbers: Record<string, unknown>;
  figures: string[];
}

/** Agreement tolerances of the theory issue: max and mean relative deviation. */
export const AGREEMENT = { max: 0.15, mean: 0.05 };

/** Run every variant of a preset at a size. */
export async function runVariants(
  preset: Preset,
  size: Size,
  control: SimulateControl = {},
): Promise<VariantRun[]> {
  const variants: (Variant | undefined)[] = preset.variants ?? [undefined];
  const out: VariantRun[] = [];
  for (const v of variants) {
    const problem = variantProblem(preset, v, size);
    const config = resolveSimulateConfig(problem);
    const simulation = await simulate(config, control);
    let theoryResult: CurveResult | undefined;
    let theoryMissing: string | undefined;
    try {
      theoryResult = await theory(config);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      theoryMissing = e.message;
    }
    out.push({
      label: v?.label ?? preset.title,
      config,
      simulation,
      ...(theoryResult ? { theory: theoryResult } : { theoryMissing }),
    });
  }
  return out;
}

/** Run a preset and analyse it. */
export async function runPreset(
  name: string,
  preset: Preset,
  size: Size,
  control: SimulateControl = {},
): Promise<
  { summary: ExperimentSummary; figures: Record<string, VegaLiteSpec>; runs: VariantRun[] }
> {
  const started = performance.now();
  if (preset.experiment === "realdata") {
    return await runRealData(name, preset, size, control, started);
  }
  const runs = await runVariants(preset, size, control);
  const analysis = await ANALYSES[preset.experiment as keyof typeof ANALYSES](preset, runs, size);
  const agreement = runs.filter((r) => r.theory).map((r) => {
    const d = deviation(r.simulation, r.theory!);
    return { label: r.label, max: d.max, maxAt: d.maxAt, mean: d.mean };
  });
  const agreementChecks = agreement.flatMap((a) => [
    check(`${a.label}: max deviation simulation vs theory`, a.max, "<=", AGREEMENT.max),
    check(`${a.label}: mean deviation simulation vs theory`, a.mean, "<=", AGREEMENT.mean),
  ]);
  const { summary, figures } = assemble(name, preset, size, started, {
    checks: analysis.checks,
    agreement,
    agreementChecks,
    numbers: analysis.numbers,
  }, analysis.figures);
  return { summary, figures, runs };
}

/** |cos(v^k, e_m)| = |b_k(m)| / sqrt(T0_kk), K x M (the decoder's overlap with the top eigenvectors). */
export function cosines(o: OrderParameters): number[][] {
  return o.b.map((row, k) => row.map((x) => Math.abs(x) / Math.sqrt(o.T0[k][k])));
}

/** Mean of |cos(v^k, e_k)| over the units: 1 when unit k has learnt component k, in order. */
export function alignment(o: OrderParameters): number {
  const c = cosines(o);
  const K = c.length;
  let s = 0;
  for (let k = 0; k < K; k++) s += c[k][k] ?? 0;
  return s / K;
}

/** Prefix figure names with the experiment's and assemble its summary record. */
function assemble(
  name: string,
  preset: Preset,
  size: Size,
  started: number,
  parts: Pick<ExperimentSummary, "checks" | "agreement" | "agreementChecks" | "numbers">,
  analysisFigures: Record<string, VegaLiteSpec>,
): { summary: ExperimentSummary; figures: Record<string, VegaLiteSpec> } {
  const figures: Record<string, VegaLiteSpec> = {};
  for (const [k, spec] of Object.entries(analysisFigures)) figures[`${name}_${k}`] = spec;
  const summary: ExperimentSummary = {
    name,
    experiment: preset.experiment,
    title: preset.title,
    claim: preset.claim,
    size,
    seconds: (performance.now() - started) / 1000,
    holds: parts.checks.length > 0 && parts.checks.every((c) => c.holds),
    agrees: parts.agreementChecks.every((c) => c.holds),
    ...parts,
    figures: Object.keys(figures),
  };
  return { summary, figures };
}

/** Largest relative deviation of SGD on real images from the theory (acceptance of claim 6). */
export const REALDATA_AGREEMENT = 0.05;

async function runRealData(
  name: string,
  preset: Preset,
  size: Size,
  control: SimulateControl,
  started: number,
): Promise<
  { summary: ExperimentSummary; figures: Record<string, VegaLiteSpec>; runs: VariantRun[] }
> {
  const images = preset.images;
  if (!images) {
    throw new ConfigError(
      `${name}: images`,
      undefined,
      "{nHeldOut, splitSeed} for a realdata preset",
    );
  }
  const problem = variantProblem(preset, undefined, size);
  const ds = await loadEmbeddedMnist();
  const r = await realDataExperiment(ds, { problem, ...images }, control);
  const checks = [
    check(
      "SGD on the images: max deviation from the theory",
      r.deviation.simulation.max,
      "<=",
      REALDATA_AGREEMENT,
    ),
  ];
  const dev = (d: RealDataResult["deviation"]["simulation"], label: string) => ({
    label,
    max: d.max,
    maxAt: d.maxAt,
    mean: d.mean,
  });
  const { summary, figures } = assemble(name, preset, size, started, {
    checks,
    agreementChecks: checks,
    agreement: [
      dev(r.deviation.simulation, `SGD on ${r.source}`),
      dev(r.deviation.gaussian, "SGD on the Gaussian equivalent"),
    ],
    numbers: {
      source: r.source,
      D: r.D,
      epsPCA: r.simulation.pca.epsPCA,
      finalSimulation: r.simulation.eps[r.simulation.eps.length - 1],
      finalGaussian: r.gaussian.eps[r.gaussian.eps.length - 1],
      finalTheory: r.theory.eps[r.theory.eps.length - 1],
      binning: r.binning ?? null,
    },
  }, r.figures);
  // the curves live in the summary's numbers and the figures; there are no spiked-model variants
  const runs: VariantRun[] = [];
  return { summary, figures, runs };
}

/**
 * The alignment after matching units to components by the best permutation:
 * mean over k of |cos(v^k, e_pi(k))| maximised over pi (K <= 8). Near 1 when
 * every unit has learnt one component, in whatever order.
 */
export function permutedAlignment(o: OrderParameters): number {
  const c = cosines(o);
  const K = c.length;
  if (K > 8 || (c[0]?.length ?? 0) < K) return NaN;
  let best = 0;
  const used = new Array(K).fill(false);
  const walk = (k: number, sum: number) => {
    if (k === K) {
      best = Math.max(best, sum / K);
      return;
    }
    for (let m = 0; m < K; m++) {
      if (used[m]) continue;
      used[m] = true;
      walk(k + 1, sum + c[k][m]);
      used[m] = false;
    }
  };
  walk(0, 0);
  return best;
}

/**
 * How much of each top eigenvector e_m lies in the span of the decoder vectors:
 * |P_V e_m| = sqrt(b_m^T T0^-1 b_m), with b_m = (b_1(m), ..., b_K(m)) (rotation-invariant, in [0, 1]).
 */
export function spanOverlaps(o: OrderParameters): number[] {
  const K = o.T0.length;
  const M = o.b[0]?.length ?? 0;
  const out: number[] = [];
  for (let m = 0; m < M; m++) {
    // solve T0 x = b_m by Gaussian elimination with partial pivoting (K is small)
    const A = o.T0.map((row, k) => [...row, o.b[k][m]]);
    let ok = true;
    for (let c = 0; c < K && ok; c++) {
      let p = c;
      for (let r = c + 1; r < K; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
      if (!(Math.abs(A[p][c]) > 0)) ok = false;
      [A[c], A[p]] = [A[p], A[c]];
      for (let r = c + 1; r < K && ok; r++) {
        const f = A[r][c] / A[c][c];
        for (let j = c; j <= K; j++) A[r][j] -= f * A[c][j];
      }
    }
    if (!ok) {
      out.push(NaN);
      continue;
    }
    const x = new Array(K).fill(0);
    for (let r = K - 1; r >= 0; r--) {
      let v = A[r][K];
      for (let j = r + 1; j < K; j++) v -= A[r][j] * x[j];
      x[r] = v / A[r][r];
    }
    let q = 0;
    for (let k = 0; k < K; k++) q += o.b[k][m] * x[k];
    out.push(Math.sqrt(Math.max(q, 0)));
  }
  return out;
}
