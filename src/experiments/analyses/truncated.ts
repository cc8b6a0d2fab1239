/**
 * Claim 5 (truncated SGD and Sanger's rule find the components, vanilla SGD a rotation): alignment over time.
 * @module
 */
import { type AnalysisFn, type Check, check } from "../types.ts";
import { overlapHeatmapSpec, timeSeriesSpec, type VegaLiteSpec } from "../../plot/mod.ts";
import { alignment, permutedAlignment } from "../../analysis/alignment.ts";
import { curves, decoderOverlaps, finalOf, K_OF, levelsOf, THRESHOLDS } from "./shared.ts";
/** Claim 5 (truncated SGD and Sanger's rule find the components, vanilla SGD a rotation): alignment over time. */
export const truncated: AnalysisFn = (preset, runs) => {
  const rows = runs.map((r) => {
    const K = K_OF(r);
    const levels = levelsOf(r);
    const align = r.simulation.times.map((_, i) => {
      const vals = r.simulation.runs.map((run) => alignment(run.order[i]));
      return vals.reduce((s, x) => s + x, 0) / vals.length;
    });
    return {
      label: r.label,
      rule: r.config.rule,
      finalSimulation: finalOf(r.simulation),
      ratio: finalOf(r.simulation) / levels[K],
      alignmentFinal: align[align.length - 1],
      // in whatever order: vanilla SGD's units often pick components one each, permuted and mixed
      alignmentPermutedFinal: r.simulation.runs.reduce(
        (s, run) => s + permutedAlignment(run.order[run.order.length - 1]),
        0,
      ) / r.simulation.runs.length,
      alignmentTheoryFinal: r.theory
        ? alignment(r.theory.runs[0].order[r.theory.times.length - 1])
        : NaN,
      alignment: align,
    };
  });
  const checks: Check[] = [];
  for (const x of rows) {
    checks.push(
      check(
        `${x.label}: final error / eps_PCA(K) (reaches the subspace)`,
        x.ratio,
        "<=",
        THRESHOLDS.reaches,
      ),
    );
    if (x.rule === "vanilla") {
      checks.push(check(`${x.label}: final alignment`, x.alignmentFinal, "<", THRESHOLDS.rotated));
    } else {checks.push(
        check(`${x.label}: final alignment`, x.alignmentFinal, ">", THRESHOLDS.aligned),
      );}
  }
  const figures: Record<string, VegaLiteSpec> = {
    error_curve: curves(runs, preset.title),
    alignment: timeSeriesSpec(
      runs.flatMap((r, j) => [
        { label: `${r.label}: SGD`, t: r.simulation.times, value: rows[j].alignment },
        ...(r.theory
          ? [{
            label: `${r.label}: theory`,
            t: r.theory.times,
            value: r.theory.runs[0].order.map(alignment),
          }]
          : []),
      ]),
      {
        yTitle: "alignment: mean over k of |cos(vᵏ, eₖ)|",
        yDomain: [0, 1],
        title: "Units aligned with the principal components, in order",
        rules: [{ value: THRESHOLDS.aligned, label: `${THRESHOLDS.aligned}` }, {
          value: THRESHOLDS.rotated,
          label: `${THRESHOLDS.rotated}`,
        }],
      },
    ),
  };
  runs.forEach((r) => {
    figures[`overlaps_${r.config.rule}`] = overlapHeatmapSpec(decoderOverlaps(r.simulation), {
      D: r.config.data.D,
      title: `${r.label}: |cos(vᵏ, eₘ)| (seed ${r.simulation.runs[0].seed})`,
      vector: "v",
    });
  });
  return {
    numbers: {
      variants: rows.map(({ alignment: _a, ...x }) => x),
      times: runs[0].simulation.times,
    },
    checks,
    figures,
  };
};
