/**
 * Running a preset: every variant simulated and (where the equations cover
 * it) integrated from the same initial weights, then analysed into numbers,
 * checks with a verdict, and figures.
 * @module
 */
import type { CurveResult } from "../problem/types.ts";
import { resolveProblem } from "../problem/resolve.ts";
import { simulate, type SimulateControl } from "../sgd/simulate.ts";
import { theory } from "../theory/theory.ts";
import { type Deviation, deviation } from "../analysis/deviation.ts";
import { finiteAgreement, seedCurves } from "../theory/finite_agreement.ts";
import { bandSpec } from "../plot/band.ts";
import { escapesSpec } from "../plot/escapes.ts";
import { escapeTimes } from "../theory/fluctuations.ts";
import { ConfigError } from "../core/errors.ts";
import type { VegaLiteSpec } from "../plot/mod.ts";
import { type Preset, type Size, type Variant, variantProblem } from "./preset.ts";
import { ANALYSES } from "./analyses/mod.ts";
import {
  AGREEMENT,
  type Agreement,
  type Check,
  check,
  type ExperimentSummary,
  PATHS,
  REALDATA_AGREEMENT,
  REALDATA_LEARNING,
  type VariantRun,
} from "./types.ts";
import { realDataExperiment } from "./realdata.ts";
import { loadEmbeddedMnist } from "../datasets/mnist_embedded.ts";
import type { Dataset } from "../datasets/dataset.ts";

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
    const config = resolveProblem(problem);
    const simulation = await simulate(config, control);
    let theoryResult: CurveResult | undefined;
    let theoryMissing: string | undefined;
    let pathsMissing: string | undefined;
    const theoryControl = {
      ...(control.signal ? { signal: control.signal } : {}),
      ...(control.workers ? { workers: control.workers } : {}),
    };
    // the finite-D prediction (paths of the diffusion limit) where the theory
    // can sample them; the D -> infinity curve alone where it cannot
    for (const solver of [{ paths: PATHS[size] }, {}]) {
      try {
        theoryResult = await theory(config, solver, theoryControl);
        break;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        if ("paths" in solver) pathsMissing = e.message;
        else theoryMissing = e.message;
      }
    }
    out.push({
      label: v?.label ?? preset.title,
      config,
      simulation,
      ...(theoryResult ? { theory: theoryResult } : { theoryMissing }),
      ...(theoryResult && pathsMissing ? { pathsMissing } : {}),
    });
  }
  return out;
}

/**
 * Run a preset and analyse it. `images` loads the images of a realdata
 * preset (default: the embedded MNIST, imported in this process).
 */
export async function runPreset(
  name: string,
  preset: Preset,
  size: Size,
  control: SimulateControl = {},
  images: () => Promise<Dataset> = loadEmbeddedMnist,
): Promise<
  {
    summary: ExperimentSummary;
    figures: Record<string, VegaLiteSpec>;
    runs: VariantRun[];
  }
> {
  const started = performance.now();
  if (preset.experiment === "realdata") {
    return await runRealData(name, preset, size, control, started, images);
  }
  const runs = await runVariants(preset, size, control);
  const analysis = await ANALYSES[preset.experiment](preset, runs, size, {
    ...(control.workers ? { workers: control.workers } : {}),
    ...(control.signal ? { signal: control.signal } : {}),
  });
  const agreement = runs.filter((r) => r.theory).map((r) => ({
    ...agreementOf(r.label, r.simulation, r.theory!),
    ...(r.pathsMissing ? { finiteDMissing: r.pathsMissing } : {}),
  }));
  const agreementChecks = agreement.flatMap(agreementChecksOf);
  // the seeds as thin lines in the predicted 10-90% band at this D, per variant with paths
  const bands: Record<string, VegaLiteSpec> = {};
  runs.forEach((r, i) => {
    if (!r.theory?.fluctuations) return;
    bands[`band_${i + 1}`] = bandSpec(r.theory, {
      seeds: seedCurves(r.simulation).curves,
      times: r.simulation.times,
      title: `${r.label}: SGD seeds in the predicted spread at D = ${r.simulation.config.D}`,
    });
    const seedEscapes = escapeTimes(
      r.simulation.times,
      seedCurves(r.simulation).curves,
      r.simulation.pca.epsPCA,
    );
    if ([...seedEscapes, ...r.theory.fluctuations.escapes].some((e) => e.left > 0)) {
      bands[`escapes_${i + 1}`] = escapesSpec(r.theory.fluctuations.escapes, seedEscapes, {
        title:
          `${r.label}: escape times at D = ${r.simulation.config.D}, paths (lines) and SGD seeds (diamonds)`,
      });
    }
  });
  const { summary, figures } = assemble(name, preset, size, started, {
    checks: analysis.checks,
    agreement,
    agreementChecks,
    numbers: analysis.numbers,
    ...(analysis.notes?.length ? { notes: analysis.notes } : {}),
  }, { ...analysis.figures, ...bands });
  return { summary, figures, runs };
}

/**
 * The agreement record of one variant: the deviation of the mean SGD error
 * (exact error of the SGD weights where the inputs are Gaussian) from the
 * D -> infinity curve, and with a theory with paths the seeds against the
 * finite-D prediction.
 */
export function agreementOf(
  label: string,
  simulation: CurveResult,
  theory: CurveResult,
): Agreement {
  return {
    ...agreementFrom(label, deviation(simulation, theory)),
    ...(theory.fluctuations ? { finiteD: finiteAgreement(simulation, theory) } : {}),
  };
}

/**
 * The agreement checks of one variant, each naming what it measured: with a
 * finite-D prediction the seeds' mean and spread against it; without one the
 * deviation from the D -> infinity curve against the tolerances AGREEMENT.
 */
export function agreementChecksOf(a: Agreement): Check[] {
  const f = a.finiteD;
  if (!f) {
    return [
      check(`${a.label}: max deviation from the D -> infinity theory`, a.max, "<=", AGREEMENT.max),
      check(
        `${a.label}: mean deviation from the D -> infinity theory`,
        a.mean,
        "<=",
        AGREEMENT.mean,
      ),
    ];
  }
  const seeds = `${f.seeds} seed${f.seeds === 1 ? "" : "s"}`;
  return [
    check(
      `${a.label}: mean of ${seeds} vs predicted mean at this D (${f.paths} paths), largest |difference| / standard error over the recorded times`,
      f.mean.maxZ,
      "<=",
      f.mean.threshold,
    ),
    ...(f.spread
      ? [
        check(
          `${a.label}: spread of the escapes from eps_PCA(${f.spread.m}), std of ln t over ${seeds} / over the paths (at least)`,
          f.spread.ratio,
          ">=",
          f.spread.low,
        ),
        check(
          `${a.label}: spread of the escapes from eps_PCA(${f.spread.m}), std of ln t over ${seeds} / over the paths (at most)`,
          f.spread.ratio,
          "<=",
          f.spread.high,
        ),
      ]
      : []),
  ];
}

/** The agreement record of a deviation already measured. */
function agreementFrom(label: string, d: Deviation): Agreement {
  return {
    label,
    max: d.max,
    maxAt: d.maxAt,
    mean: d.mean,
    basis: d.basis,
    ...(d.heldOut
      ? { heldOut: { max: d.heldOut.max, maxAt: d.heldOut.maxAt, mean: d.heldOut.mean } }
      : {}),
  };
}

/** Prefix figure names with the experiment's and assemble its summary record. */
function assemble(
  name: string,
  preset: Preset,
  size: Size,
  started: number,
  parts: Pick<
    ExperimentSummary,
    "checks" | "agreement" | "agreementChecks" | "numbers" | "notes"
  >,
  analysisFigures: Record<string, VegaLiteSpec>,
): { summary: ExperimentSummary; figures: Record<string, VegaLiteSpec> } {
  const figures: Record<string, VegaLiteSpec> = {};
  for (const [k, spec] of Object.entries(analysisFigures)) {
    figures[`${name}_${k}`] = spec;
  }
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

async function runRealData(
  name: string,
  preset: Preset,
  size: Size,
  control: SimulateControl,
  started: number,
  loadImages: () => Promise<Dataset>,
): Promise<
  {
    summary: ExperimentSummary;
    figures: Record<string, VegaLiteSpec>;
    runs: VariantRun[];
  }
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
  const ds = await loadImages();
  const r = await realDataExperiment(ds, { problem, ...images }, control);
  const agreementChecks = [
    check(
      "SGD on the images: max deviation from the theory",
      r.deviation.simulation.max,
      "<=",
      REALDATA_AGREEMENT,
    ),
  ];
  const checks = [
    ...agreementChecks,
    check(
      "SGD on the images: final error / eps_PCA(K) (learning happened)",
      r.learning.ratio,
      "<=",
      REALDATA_LEARNING,
    ),
  ];
  const { summary, figures } = assemble(name, preset, size, started, {
    checks,
    agreementChecks,
    agreement: [
      agreementFrom(`SGD on ${r.source}`, r.deviation.simulation),
      agreementFrom("SGD on the Gaussian equivalent", r.deviation.gaussian),
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
