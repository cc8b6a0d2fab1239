/**
 * Claim 5 (truncated SGD and Sanger's rule find the components, vanilla SGD a rotation): alignment over time.
 * @module
 */
import type { CurveResult, Rule } from "../../problem/types.ts";
import { type AnalysisFn, type Check, check, type VariantRun } from "../types.ts";
import type { SimulateControl } from "../../sgd/simulate.ts";
import { overlapHeatmapSpec, timeSeriesSpec, type VegaLiteSpec } from "../../plot/mod.ts";
import {
  alignment,
  decoderAngles,
  permutedAlignment,
  spanOverlaps,
} from "../../analysis/alignment.ts";
import { RULE_NAMES, RULES } from "../../problem/rules.ts";
import { simulate } from "../../sgd/simulate.ts";
import { theory } from "../../theory/theory.ts";
import { type Preset, scanDOf, type Size, variantProblem } from "../preset.ts";
import {
  curves,
  decoderOverlaps,
  finalOf,
  K_OF,
  levelsOf,
  seedsOf,
  spanSeries,
  THRESHOLDS,
} from "./shared.ts";

/**
 * Mean over seeds of the largest angle (degrees, over units) between SGD's and the theory's
 * decoder vectors within the top-K components at the last time (same initial weights).
 */
function rotationAngle(sim: CurveResult, th: CurveResult): number {
  const last = (c: CurveResult, s: number) => c.runs[s].order[c.times.length - 1];
  return sim.runs.reduce(
    (acc, _, s) => acc + Math.max(...decoderAngles(last(sim, s), last(th, s))),
    0,
  ) / sim.runs.length;
}

/** Mean over seeds of |alignment of SGD - alignment of the theory| at the last time (same initial weights). */
function alignmentGap(sim: CurveResult, th: CurveResult): number {
  const last = (c: CurveResult, s: number) => alignment(c.runs[s].order[c.times.length - 1]);
  return sim.runs.reduce((acc, _, s) => acc + Math.abs(last(sim, s) - last(th, s)), 0) /
    sim.runs.length;
}

/** Each Hebbian sibling run beside the variant it was run from. */
type Siblings = { of: VariantRun; rule: Rule; mine: Learnt; sibling: Learnt }[];

/** What a run learns at its last time, in means over seeds. */
interface Learnt {
  /** Final error / eps_PCA(K). */
  ratio: number;
  /** Mean over k of |cos(v^k, e_k)|: near 1 when unit k is component k. */
  alignment: number;
  /** The same under the best matching of units to components. */
  alignmentPermuted: number;
  /** Smallest over m <= K of |projection of e_m on the span of the units' vectors|. */
  span: number;
}

function learnt(c: CurveResult, epsK: number, K: number): Learnt {
  const mean = (f: (o: CurveResult["runs"][number]["order"][number]) => number) =>
    c.runs.reduce((acc, run) => acc + f(run.order[run.order.length - 1]), 0) / c.runs.length;
  return {
    ratio: finalOf(c) / epsK,
    alignment: mean(alignment),
    alignmentPermuted: mean(permutedAlignment),
    span: mean((o) => Math.min(...spanOverlaps(o).slice(0, K))),
  };
}

/**
 * The Hebbian rules' contrast: for each variant of a Hebbian rule that learns the components
 * (Sanger's), its siblings that learn only the span (Oja's subspace rule) on the same problem,
 * seeds and initial weights, measured alike.
 */
async function hebbianSiblings(runs: VariantRun[], control: SimulateControl): Promise<Siblings> {
  const out: Siblings = [];
  for (const r of runs) {
    const spec = RULES[r.config.rule];
    if (!spec.hebbian || !spec.learnsComponents) continue;
    const K = K_OF(r);
    const epsK = levelsOf(r)[K];
    for (const rule of RULE_NAMES.filter((n) => RULES[n].hebbian && !RULES[n].learnsComponents)) {
      const sim = await simulate({ ...r.config, rule, snapshotTimes: [] }, control);
      out.push({
        of: r,
        rule,
        mine: learnt(r.simulation, epsK, K),
        sibling: learnt(sim, epsK, K),
      });
    }
  }
  return out;
}

/** Per variant: final error and alignments, SGD and theory, and the alignment over time. */
function alignmentRows(runs: VariantRun[]) {
  return runs.map((r) => {
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
        ? r.theory.runs.reduce(
          (acc, run) => acc + alignment(run.order[r.theory!.times.length - 1]),
          0,
        ) / r.theory.runs.length
        : NaN,
      alignmentGap: r.theory ? alignmentGap(r.simulation, r.theory) : NaN,
      rotationAngle: r.theory ? rotationAngle(r.simulation, r.theory) : NaN,
      alignment: align,
    };
  });
}

type Row = ReturnType<typeof alignmentRows>[number];

/** Every variant reaches the subspace; the rules that learn the components align, the others not. */
function alignmentChecks(rows: Row[]): Check[] {
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
    if (!RULES[x.rule].learnsComponents) {
      checks.push(check(`${x.label}: final alignment`, x.alignmentFinal, "<", THRESHOLDS.rotated));
    } else {checks.push(
        check(`${x.label}: final alignment`, x.alignmentFinal, ">", THRESHOLDS.aligned),
      );}
  }
  return checks;
}

/** Oja's rule beside Sanger's: reaches the subspace, spans the components. */
function siblingChecks(siblings: Siblings): Check[] {
  const checks: Check[] = [];
  for (const x of siblings) {
    const label = RULES[x.rule].label;
    checks.push(
      check(
        `${label} (beside ${x.of.label}): final error / eps_PCA(K) (reaches the subspace)`,
        x.sibling.ratio,
        "<=",
        THRESHOLDS.reaches,
      ),
      check(
        `${label}: smallest |projection of a top-K component on the span of the wᵏ|`,
        x.sibling.span,
        ">=",
        THRESHOLDS.learnt,
      ),
    );
  }
  return checks;
}

/** The error curves, the alignment over time, the overlaps per variant and vanilla SGD's span. */
function alignmentFigures(
  title: string,
  runs: VariantRun[],
  rows: Row[],
  vanilla: VariantRun | undefined,
): Record<string, VegaLiteSpec> {
  const figures: Record<string, VegaLiteSpec> = {
    error_curve: curves(runs, title),
    alignment: timeSeriesSpec(
      runs.flatMap((r, j) => [
        {
          label: `${r.label}: SGD`,
          group: r.label,
          style: `SGD (mean of ${seedsOf(r.simulation)})`,
          t: r.simulation.times,
          value: rows[j].alignment,
        },
        ...(r.theory
          ? [{
            label: `${r.label}: theory`,
            group: r.label,
            style: `theory (mean of ${seedsOf(r.theory)})`,
            t: r.theory.times,
            value: r.theory.times.map((_, i) =>
              r.theory!.runs.reduce((acc, run) => acc + alignment(run.order[i]), 0) /
              r.theory!.runs.length
            ),
          }]
          : []),
      ]),
      {
        yTitle: "alignment: mean over k of |cos(vᵏ, eₖ)|",
        yDomain: [0, 1],
        title: "Units aligned with the principal components, in order",
        rules: [
          { value: THRESHOLDS.aligned, label: `truncated, Sanger: above ${THRESHOLDS.aligned}` },
          { value: THRESHOLDS.rotated, label: `vanilla: below ${THRESHOLDS.rotated}` },
        ],
      },
    ),
  };
  runs.forEach((r) => {
    figures[`overlaps_${r.config.rule}`] = overlapHeatmapSpec(decoderOverlaps(r.simulation), {
      D: r.config.data.D,
      title: `${r.label}: |cos(vᵏ, eₘ)| per unit (seed ${r.simulation.runs[0].seed})`,
      vector: "v",
    });
  });
  if (vanilla) {
    const K = K_OF(vanilla);
    figures.span_vanilla = timeSeriesSpec(
      [
        ...spanSeries(vanilla.simulation, K, "SGD"),
        ...(vanilla.theory ? spanSeries(vanilla.theory, K, "theory") : []),
      ],
      {
        yTitle: "|projection of eₘ on the span of the vᵏ|",
        yDomain: [0, 1],
        title:
          `${vanilla.label[0].toUpperCase()}${
            vanilla.label.slice(1)
          } learns the span of the top-${K} components, in a rotation ` +
          `(seed ${vanilla.simulation.runs[0].seed})`,
      },
    );
  }
  return figures;
}

/** One point of the scan over D of vanilla SGD's rotation against the theory's. */
interface ScanPoint {
  D: number;
  alignmentSimulation: number;
  alignmentTheory: number;
  gap: number;
  angle: number;
}

/** Does vanilla SGD's rotation approach the theory's (same initial weights) as D grows? */
async function rotationScan(
  preset: Preset,
  size: Size,
  vanilla: VariantRun,
  control: SimulateControl,
): Promise<ScanPoint[]> {
  const scan: ScanPoint[] = [];
  if (vanilla.theory) {
    const variant = preset.variants?.find((v) => v.label === vanilla.label);
    const D0 = vanilla.config.data.D;
    const dims = [...new Set([...scanDOf(preset, size), D0])].sort((a, b) => a - b);
    for (const D of dims) {
      let sim = vanilla.simulation, th = vanilla.theory;
      if (D !== D0) {
        const base = variantProblem(preset, variant, size);
        const problem = {
          ...base,
          data: { ...(base.data as Record<string, unknown>), D },
          nTimes: 4,
          snapshotTimes: [],
        };
        sim = await simulate(problem, control);
        th = await theory(problem, {}, control);
      }
      const mean = (c: CurveResult) =>
        c.runs.reduce((acc, run) => acc + alignment(run.order[c.times.length - 1]), 0) /
        c.runs.length;
      scan.push({
        D,
        alignmentSimulation: mean(sim),
        alignmentTheory: mean(th),
        gap: alignmentGap(sim, th),
        angle: rotationAngle(sim, th),
      });
    }
  }
  return scan;
}

/** What the numbers say: SGD against the theory per variant, and the scan over D. */
function alignmentNotes(rows: Row[], scan: ScanPoint[], vanilla: VariantRun | undefined): string[] {
  const notes: string[] = [];
  for (const x of rows) {
    if (!Number.isFinite(x.alignmentTheoryFinal)) continue;
    notes.push(
      `${x.label}: final alignment ${x.alignmentFinal.toFixed(3)} (SGD), ${
        x.alignmentTheoryFinal.toFixed(3)
      } (theory from the same initial weights), |difference| ${
        x.alignmentGap.toFixed(3)
      }; the decoder vectors of SGD and of the theory are ${
        x.rotationAngle.toFixed(2)
      } degrees apart at most (within the top-K components, mean over seeds).`,
    );
  }
  if (scan.length > 1) {
    const first = scan[0], last = scan[scan.length - 1];
    const approaches = last.angle < first.angle && last.gap <= first.gap;
    notes.push(
      `Vanilla SGD learns a rotation of the components, but not a random one: the one the ` +
        `equations pick from the same initial weights, up to finite-size noise. Largest angle ` +
        `between SGD's and the theory's decoder vectors, and |difference| of their final ` +
        `alignments (means over ${seedsOf(vanilla!.simulation)}): ${
          scan.map((p) => `D = ${p.D}: ${p.angle.toFixed(2)} degrees, ${p.gap.toFixed(4)}`).join(
            "; ",
          )
        }. ${
          approaches
            ? `SGD approaches the theory's value as D grows (from D = ${first.D} to D = ${last.D}).`
            : `Over these D and seeds SGD does not come measurably closer to the theory's value.`
        } bench/alignment_vs_d.ts measures D = 200 to 2000 with more seeds.`,
    );
  }
  return notes;
}

/** How Oja's rule differs from Sanger's, measured. */
function siblingNotes(siblings: Siblings): string[] {
  const notes: string[] = [];
  for (const x of siblings) {
    const [me, sib] = [x.of.label, RULES[x.rule].label];
    const f = (v: number) => v.toFixed(3);
    notes.push(
      `${sib}, the symmetric sibling of ${me} (every unit decays against all units, not only ` +
        `the ones before it; same lr, seeds and initial weights, SGD): it ends at ` +
        `${f(x.sibling.ratio)} x eps_PCA(K) (${me}: ${f(x.mine.ratio)}) with the top-K ` +
        `components in the span of its units (smallest projection ${f(x.sibling.span)}; ` +
        `${me}: ${f(x.mine.span)}), but ${
          x.sibling.alignment < THRESHOLDS.aligned ? "not" : "also"
        } unit by unit: alignment ${f(x.sibling.alignment)} against ${me}'s ${
          f(x.mine.alignment)
        } (${f(x.sibling.alignmentPermuted)} under the best matching of units to components). ${
          x.sibling.alignment < THRESHOLDS.aligned
            ? `${sib} learns the span, in a rotation its initial weights set; ${me} learns the ` +
              `components themselves.`
            : `Over these seeds its rotation happens to lie near the components.`
        }`,
    );
  }
  return notes;
}

/** Claim 5 (truncated SGD and Sanger's rule find the components, vanilla SGD a rotation): alignment over time. */
export const truncated: AnalysisFn = async (preset, runs, size, control = {}) => {
  const rows = alignmentRows(runs);
  const checks = alignmentChecks(rows);
  const siblings = await hebbianSiblings(runs, control);
  checks.push(...siblingChecks(siblings));
  // vanilla SGD learns the span: the components' projections on it, not per-unit matches (the
  // first run of a gradient rule that learns only the span)
  const vanilla = runs.find((r) =>
    RULES[r.config.rule].decoder && !RULES[r.config.rule].learnsComponents
  );
  const figures = alignmentFigures(preset.title, runs, rows, vanilla);
  const scan = vanilla ? await rotationScan(preset, size, vanilla, control) : [];
  const notes = [...alignmentNotes(rows, scan, vanilla), ...siblingNotes(siblings)];
  return {
    numbers: {
      variants: rows.map(({ alignment: _a, ...x }) => x),
      hebbianSiblings: siblings.map((x) => ({
        of: x.of.label,
        rule: x.rule,
        [x.of.config.rule]: x.mine,
        [x.rule]: x.sibling,
      })),
      alignmentScan: scan,
      times: runs[0].simulation.times,
    },
    checks,
    notes,
    figures,
  };
};
