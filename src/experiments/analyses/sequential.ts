/**
 * Claim 1 (sequential learning): plateaus at the PCA levels and components learnt one after the other.
 * @module
 */
import type { CurveResult } from "../../problem/types.ts";
import { type AnalysisFn, type Check, check } from "../types.ts";
import { overlapHeatmapSpec, timeSeriesSpec, type VegaLiteSpec } from "../../plot/mod.ts";
import { dwell, findPlateaus, matchPlateaus } from "../../analysis/plateaus.ts";
import { RULES } from "../../problem/rules.ts";
import {
  curves,
  decoderOverlaps,
  finalOf,
  K_OF,
  learnTimes,
  levelsOf,
  spanSeries,
  THRESHOLDS,
} from "./shared.ts";
/** Claim 1 (sequential learning): plateaus at the PCA levels and components learnt one after the other. */
export const sequential: AnalysisFn = (preset, runs) => {
  const r = runs[0];
  const K = K_OF(r);
  const levels = levelsOf(r);
  const plateausOf = (c: CurveResult, i: number) =>
    matchPlateaus(findPlateaus(c.times, c.runs[i].eps, { slope: THRESHOLDS.plateauSlope }), levels)
      .filter((p) => !p.atStart && p.m > 0);
  const theoryPlateaus = r.theory ? plateausOf(r.theory, 0) : [];
  const simPlateaus = r.simulation.runs.map((_, i) => plateausOf(r.simulation, i));
  // lingering at eps_PCA(m) against lingering halfway (geometrically) to the next level
  const dwells = (eps: number[], times: number[]) =>
    Array.from({ length: K - 1 }, (_, i) => {
      const m = i + 1;
      const at = dwell(times, eps, levels[m], THRESHOLDS.dwellBand);
      const between = dwell(times, eps, Math.sqrt(levels[m] * levels[m + 1]), THRESHOLDS.dwellBand);
      return { m, atLevel: at, between, ratio: at / between };
    });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const simDwells = r.simulation.runs.map((run) => dwells(run.eps, r.simulation.times));
  const theoryDwells = r.theory ? dwells(r.theory.runs[0].eps, r.theory.times) : [];
  const tLearn = learnTimes(r.simulation, K);
  const tLearnTheory = r.theory ? learnTimes(r.theory, K) : [];
  const checks: Check[] = [];
  for (let m = 1; m < K; m++) {
    const simRatio = median(simDwells.map((d) => d[m - 1].ratio));
    checks.push(check(
      `SGD lingers at eps_PCA(${m}) longer than between levels: dwell ratio (median over seeds)`,
      simRatio,
      ">=",
      THRESHOLDS.dwellRatio,
    ));
    if (r.theory) {
      checks.push(check(
        `theory lingers at eps_PCA(${m}) longer than between levels: dwell ratio`,
        theoryDwells[m - 1].ratio,
        ">=",
        THRESHOLDS.dwellRatio,
      ));
    }
  }
  for (let m = 1; m < K; m++) {
    checks.push(check(
      `component ${m + 1} learnt after component ${m}: t_${
        m + 1
      } - t_${m} (SGD, median over seeds)`,
      tLearn[m] - tLearn[m - 1],
      ">",
      0,
    ));
  }
  const figures: Record<string, VegaLiteSpec> = {
    error_curve: curves(runs, preset.title),
    learning: timeSeriesSpec(
      [
        ...spanSeries(r.simulation, K, "SGD"),
        ...(r.theory ? spanSeries(r.theory, K, "theory") : []),
      ],
      {
        yTitle: "|projection of eₘ on the span of the vᵏ|",
        yDomain: [0, 1],
        title: `Components learnt one at a time (seed ${r.simulation.runs[0].seed})`,
        rules: [{ value: THRESHOLDS.learnt, label: "learnt" }],
      },
    ),
    overlaps: overlapHeatmapSpec(decoderOverlaps(r.simulation), {
      D: r.config.data.D,
      title: `|cos(vᵏ, eₘ)| of the SGD decoder, unit by unit (seed ${r.simulation.runs[0].seed})${
        !RULES[r.config.rule].learnsComponents
          ? `: ${
            RULES[r.config.rule].label
          } learns a rotation of the components, whose span the figure above shows`
          : ""
      }`,
      vector: "v",
    }),
  };
  return {
    numbers: {
      epsPCA: levels,
      theoryPlateaus,
      simulationPlateaus: simPlateaus,
      theoryDwells,
      simulationDwells: simDwells,
      learnTimes: tLearn,
      learnTimesTheory: tLearnTheory,
      finalError: finalOf(r.simulation),
    },
    checks,
    figures,
  };
};
