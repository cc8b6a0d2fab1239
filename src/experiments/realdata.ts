/**
 * Claim 6 of THEORY.md section 5 on real images: online SGD on the images,
 * SGD on their Gaussian equivalent and the equations fed only with the
 * empirical spectrum (of the held-out second moment) and the initial
 * weights, on one time grid. Browser-safe: the caller supplies the data set.
 * @module
 */
import type { CurveResult, DatasetModel, ProblemInput } from "../problem/types.ts";
import type { Dataset } from "../datasets/dataset.ts";
import { preprocess } from "../datasets/preprocess.ts";
import { datasetModel, gaussianEquivalent, spectrumOf } from "../data/mod.ts";
import { resolveProblem } from "../problem/resolve.ts";
import { simulate, type SimulateControl } from "../sgd/simulate.ts";
import { theory } from "../theory/theory.ts";
import { deviation } from "../analysis/deviation.ts";
import { componentsFigure, errorCurveSpec, type VegaLiteSpec } from "../plot/mod.ts";

/** Options of {@link realDataExperiment}. */
export interface RealDataOptions {
  /** The problem (network, rule, lr, tMax, seeds, nTimes); `data` is set from the images. */
  problem: ProblemInput;
  /** Held-out images (test error and spectrum). */
  nHeldOut: number;
  /** Seed of the split into training and held-out images. */
  splitSeed: number;
  /** Subtract the per-pixel mean after the published global preprocessing. */
  pixelCentre?: boolean;
  /** Also integrate the theory with the spectrum binned into this many groups and report the difference. */
  bins?: number;
  /**
   * Seeds of the SGD run on the Gaussian equivalent (default: the problem's).
   * Sampling it costs O(D^2) per input, so fewer seeds keep it quick.
   */
  gaussianSeeds?: number[];
}

/** The three curves on one grid, with their agreement. */
export interface RealDataResult {
  source: string;
  D: number;
  simulation: CurveResult;
  gaussian: CurveResult;
  theory: CurveResult;
  /** Relative deviation from the theory of the mean SGD error on the images, and on the Gaussian equivalent. */
  deviation: { simulation: ReturnType<typeof deviation>; gaussian: ReturnType<typeof deviation> };
  /**
   * Whether SGD learnt: the final mean error on the images, eps_PCA(K) of the
   * held-out spectrum, and their ratio (near 1 when the K leading components
   * are learnt; eps_PCA(0) / eps_PCA(K) on the first plateau).
   */
  learning: { final: number; epsPCA: number; ratio: number };
  /** The binned theory's largest relative difference from the full one, when bins were asked for. */
  binning?: { bins: number; maxRelativeDifference: number; seconds: number; fullSeconds: number };
  figures: Record<string, VegaLiteSpec>;
}

/** Run the three curves for a data set. */
export async function realDataExperiment(
  ds: Dataset,
  opts: RealDataOptions,
  control: SimulateControl = {},
): Promise<RealDataResult> {
  const p = preprocess(ds, {
    nHeldOut: opts.nHeldOut,
    seed: opts.splitSeed,
    centrePixels: opts.pixelCentre ?? false,
  });
  const cfg = resolveProblem({ ...opts.problem, data: datasetModel(p) });
  const data = cfg.data as DatasetModel;
  const spectrum = spectrumOf(data);
  const simulation = await simulate(cfg, control);
  const gaussian = await simulate({
    ...cfg,
    data: gaussianEquivalent(data, spectrum),
    nTest: Math.max(cfg.nTest, opts.nHeldOut),
    seeds: opts.gaussianSeeds ?? cfg.seeds,
  }, control);
  const t0 = performance.now();
  const th = await theory(cfg);
  const fullSeconds = (performance.now() - t0) / 1000;
  let binning: RealDataResult["binning"];
  if (opts.bins !== undefined) {
    const t1 = performance.now();
    const binned = await theory(cfg, { bins: opts.bins });
    const seconds = (performance.now() - t1) / 1000;
    const maxRelativeDifference = Math.max(
      ...binned.eps.map((e, i) => Math.abs(e / th.eps[i] - 1)),
    );
    binning = { bins: opts.bins, maxRelativeDifference, seconds, fullSeconds };
  }
  const D = data.D;
  const K = cfg.network.K;
  const figures: Record<string, VegaLiteSpec> = {
    error_curve: errorCurveSpec([simulation, gaussian, th], {
      labels: [
        `SGD on ${ds.source}`,
        "SGD on the Gaussian equivalent",
        "theory (empirical spectrum)",
      ],
      spread: "none",
      title: `${ds.source}: SGD on the images, on their Gaussian equivalent, and the theory`,
    }),
  };
  const snap = simulation.runs[0].snapshots[simulation.runs[0].snapshots.length - 1];
  if (data.shape && snap) {
    const pcs = Array.from(
      { length: K },
      (_, m) => spectrum.eigenvectors.subarray(m * D, (m + 1) * D),
    );
    figures.components = componentsFigure(snap, cfg.rule, pcs, {
      imageShape: data.shape,
      at: `t = ${snap.t}`,
    });
  }
  return {
    source: ds.source,
    D,
    simulation,
    gaussian,
    theory: th,
    deviation: { simulation: deviation(simulation, th), gaussian: deviation(gaussian, th) },
    learning: learningOf(simulation),
    ...(binning ? { binning } : {}),
    figures,
  };
}

/** The final error of a curve against eps_PCA(K) of its spectrum. */
export function learningOf(c: CurveResult): RealDataResult["learning"] {
  const final = c.eps[c.eps.length - 1];
  const epsPCA = c.pca.epsPCA[c.config.network.K];
  return { final, epsPCA, ratio: final / epsPCA };
}

/** The record written as result.json: times and eps of the three curves on one grid, and the rest. */
export function realDataRecord(r: RealDataResult) {
  const curve = (c: CurveResult) => ({
    times: c.times,
    eps: c.eps,
    epsStd: c.epsStd,
    runs: c.runs.length,
  });
  return {
    source: r.source,
    D: r.D,
    simulation: curve(r.simulation),
    gaussian: curve(r.gaussian),
    theory: curve(r.theory),
    epsPCA: r.simulation.pca.epsPCA,
    deviation: {
      simulation: {
        max: r.deviation.simulation.max,
        maxAt: r.deviation.simulation.maxAt,
        mean: r.deviation.simulation.mean,
      },
      gaussian: {
        max: r.deviation.gaussian.max,
        maxAt: r.deviation.gaussian.maxAt,
        mean: r.deviation.gaussian.mean,
      },
    },
    learning: r.learning,
    ...(r.binning ? { binning: r.binning } : {}),
    config: r.simulation.config,
  };
}
