/**
 * The predicted spread between seeds (`theory --paths`, THEORY.md 6b)
 * against SGD seeds: for each case and D, `simulate` over many seeds (their
 * exact population errors from the recorded overlaps) and `theory` with
 * paths of the diffusion limit, compared time by time and by escape times.
 *
 *   deno run -A scripts/validate_fluctuations.ts [--D 300,1000] [--seeds 200]
 *     [--paths 400] [--cases erf,tied,truncated,relu,sanger] [--workers 2]
 *     [--out FILE.json] [--figures DIR]
 *
 * Printed per case: the ratio predicted / measured standard deviation of
 * the error where the spread is visible (measured std above 2% of the mean
 * error and above 1e-3), the largest z-score of the difference of the means
 * (sqrt of the two squared standard errors), and the relative difference of
 * the 10%, 50% and 90% escape-time quantiles of each plateau. With --figures,
 * the band figure of each case (spec and SVG).
 * @module
 */
import { parseArgs } from "node:util";
import { simulate } from "../src/sgd/simulate.ts";
import { theory } from "../src/theory/theory.ts";
import { exactErrors, summariseFluctuations } from "../src/theory/fluctuations.ts";
import type { CurveResult, Fluctuations, ProblemInput } from "../src/problem/types.ts";
import { bandSpec } from "../src/plot/band.ts";
import { writeAtomic } from "../src/cli/io.ts";

/** The cases, in the issue's order of priority. */
const CASES: Record<string, { label: string; problem: ProblemInput }> = {
  erf: {
    label: "vanilla erf",
    problem: { network: { K: 3, activation: "erf" }, rule: "vanilla", tMax: 100 },
  },
  tied: {
    label: "tied linear",
    problem: { network: { K: 3, activation: "linear", tied: true }, rule: "vanilla", tMax: 6 },
  },
  truncated: {
    label: "truncated linear",
    problem: { network: { K: 3, activation: "linear" }, rule: "truncated", tMax: 100 },
  },
  relu: {
    label: "relu, hidden and output biases",
    problem: {
      network: { K: 3, activation: "relu", bias: true, outputBias: true },
      rule: "vanilla",
      tMax: 150,
    },
  },
  sanger: {
    label: "Sanger's rule",
    problem: { network: { K: 3, activation: "linear" }, rule: "sanger", tMax: 150 },
  },
};

/** The comparison of predicted and measured fluctuations of one case. */
export interface CaseComparison {
  /** Case name and D. */
  label: string;
  D: number;
  seeds: number;
  paths: number;
  /** Times where the spread is visible, and the ratio predicted / measured std there. */
  visible: { t: number; ratio: number }[];
  /** Fraction of the visible times with the ratio in [0.7, 1.4]. */
  withinBand: number;
  /** Largest |mean difference| / standard error over all times, and its time. */
  maxMeanZ: number;
  maxMeanZAt: number;
  /** Escape-time quantiles, predicted and measured, per plateau. */
  escapes: {
    m: number;
    predicted: (number | null)[];
    measured: (number | null)[];
    relative: (number | null)[];
  }[];
  /** Seconds: SGD seeds, paths. */
  seconds: { sgd: number; paths: number };
}

/** Compare predicted fluctuations with measured ones on the same times. */
export function compareFluctuations(
  times: readonly number[],
  pred: Fluctuations,
  meas: Fluctuations,
): Pick<CaseComparison, "visible" | "withinBand" | "maxMeanZ" | "maxMeanZAt" | "escapes"> {
  const visible: { t: number; ratio: number }[] = [];
  let maxMeanZ = 0, maxMeanZAt = 0;
  times.forEach((t, j) => {
    const sm = meas.std[j], sp = pred.std[j];
    if (sm > 0.02 * meas.mean[j] && sm > 1e-3) visible.push({ t, ratio: sp / sm });
    const se = Math.sqrt(sm ** 2 / meas.paths + sp ** 2 / pred.paths);
    const z = se > 0 ? Math.abs(pred.mean[j] - meas.mean[j]) / se : 0;
    if (z > maxMeanZ) {
      maxMeanZ = z;
      maxMeanZAt = t;
    }
  });
  const within = visible.filter((v) => v.ratio >= 0.7 && v.ratio <= 1.4).length;
  const escapes = pred.escapes.map((e, i) => {
    const m = meas.escapes[i];
    const keys = ["0.1", "0.5", "0.9"] as const;
    const predicted = keys.map((k) => e.quantiles[k]);
    const measured = keys.map((k) => m.quantiles[k]);
    const relative = keys.map((_, q) =>
      predicted[q] !== null && measured[q] !== null
        ? (predicted[q]! - measured[q]!) / measured[q]!
        : null
    );
    return { m: e.m, predicted, measured, relative };
  });
  return {
    visible,
    withinBand: visible.length ? within / visible.length : 1,
    maxMeanZ,
    maxMeanZAt,
    escapes,
  };
}

const fmt = (x: number | null, d = 3) => (x === null ? "  -  " : x.toFixed(d));

async function main() {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      D: { type: "string", default: "300,1000" },
      seeds: { type: "string", default: "200" },
      paths: { type: "string", default: "400" },
      cases: { type: "string", default: Object.keys(CASES).join(",") },
      workers: { type: "string", default: "2" },
      out: { type: "string" },
      figures: { type: "string" },
      "n-times": { type: "string", default: "60" },
    },
  });
  const Ds = values.D.split(",").map(Number);
  const nSeeds = Number(values.seeds), nPaths = Number(values.paths);
  const workers = Number(values.workers);
  const names = values.cases.split(",");
  for (const n of names) {
    if (!(n in CASES)) {
      console.error(`unknown case ${n}; allowed: ${Object.keys(CASES).join(", ")}`);
      Deno.exit(2);
    }
  }
  const all: CaseComparison[] = [];
  for (const name of names) {
    for (const D of Ds) {
      const c = CASES[name];
      const problem: ProblemInput = {
        data: {
          kind: "spiked",
          D,
          spikes: [9, 5, 3],
          sigma: 1,
          directions: "random",
          normalise: true,
          seed: 0,
        },
        lr: 1,
        nTimes: Number(values["n-times"]),
        nTest: 1,
        ...c.problem,
      };
      console.error(`${c.label}, D = ${D}: ${nSeeds} SGD seeds ...`);
      let t0 = performance.now();
      const sim: CurveResult = await simulate(
        { ...problem, seeds: Array.from({ length: nSeeds }, (_, i) => i + 1) },
        { workers },
      );
      const sgdSeconds = (performance.now() - t0) / 1000;
      console.error(`  ${sgdSeconds.toFixed(1)} s; ${nPaths} paths ...`);
      t0 = performance.now();
      const th = await theory({ ...problem, seeds: [1] }, { paths: nPaths });
      const pathSeconds = (performance.now() - t0) / 1000;
      const pred = th.fluctuations!;
      const curves = exactErrors(sim);
      const meas = summariseFluctuations(sim.times, curves, sim.pca.epsPCA, 0);
      const cmp = compareFluctuations(sim.times, pred, meas);
      const res: CaseComparison = {
        label: c.label,
        D,
        seeds: nSeeds,
        paths: nPaths,
        ...cmp,
        seconds: { sgd: sgdSeconds, paths: pathSeconds },
      };
      all.push(res);
      const ratios = cmp.visible.map((v) => v.ratio);
      console.log(
        `${c.label}, D = ${D} (${nSeeds} seeds, ${nPaths} paths; SGD ${sgdSeconds.toFixed(0)} s, ` +
          `paths ${pathSeconds.toFixed(0)} s)`,
      );
      console.log(
        `  std predicted / measured where visible (${ratios.length} times): ` +
          `${fmt(Math.min(...ratios), 2)} .. ${fmt(Math.max(...ratios), 2)}, ` +
          `${(100 * cmp.withinBand).toFixed(0)}% within 0.7-1.4`,
      );
      console.log(
        `  means: max |z| = ${cmp.maxMeanZ.toFixed(2)} at t = ${cmp.maxMeanZAt.toPrecision(3)}`,
      );
      for (const e of cmp.escapes) {
        console.log(
          `  leaving eps_PCA(${e.m}): quantiles 0.1/0.5/0.9 predicted ${
            e.predicted.map((x) => fmt(x, 2)).join("/")
          }, measured ${e.measured.map((x) => fmt(x, 2)).join("/")}, relative ${
            e.relative.map((x) => (x === null ? "-" : `${(100 * x).toFixed(1)}%`)).join("/")
          }`,
        );
      }
      if (values.figures) {
        const spec = bandSpec(th, {
          seeds: curves,
          times: sim.times,
          title: `${c.label}, D = ${D}`,
        });
        const base = `${values.figures}/band_${name}_${D}`;
        await Deno.mkdir(values.figures, { recursive: true });
        await writeAtomic(`${base}.vl.json`, JSON.stringify(spec));
        const { renderSvg } = await import("../src/plot/render.ts");
        await writeAtomic(`${base}.svg`, await renderSvg(spec));
      }
    }
  }
  if (values.out) await writeAtomic(values.out, JSON.stringify(all, null, 1));
}

if (import.meta.main) await main();
