/**
 * The analysis of each experiment kind: the numbers a reader wants, the
 * checks that decide its verdict, and its figures. Every threshold used in
 * a verdict is a named constant here.
 * @module
 */
import type { CurveResult } from "../problem/types.ts";
import { theory } from "../theory/theory.ts";
import { dwell, findPlateaus, matchPlateaus } from "../analysis/plateaus.ts";
import {
  componentsSpec,
  errorCurveSpec,
  overlapHeatmapSpec,
  timeSeriesSpec,
  type VegaLiteSpec,
} from "../plot/plot.ts";
import { pca } from "../data/spectrum.ts";
import { longTimeOf, type Preset, type Size } from "./preset.ts";
import {
  alignment,
  type Analysis,
  type Check,
  check,
  permutedAlignment,
  spanOverlaps,
  type VariantRun,
} from "./run.ts";

/** Thresholds of the verdicts. */
export const THRESHOLDS = {
  /** Plateau finder: largest |d log eps / d log t| on a plateau (erf plateaus are gently sloped). */
  plateauSlope: 0.3,
  /** Band around a level, as a factor, within which the curve "is at" it. */
  dwellBand: 1.3,
  /** Sequential learning: time spent at eps_PCA(m) over time spent between levels, at least. */
  dwellRatio: 1.5,
  /** A component counts as learnt once this much of it (norm of its projection) lies in the decoder's span. */
  learnt: 0.9,
  /** "Reaches eps_PCA(K)": within this factor. */
  reaches: 1.05,
  /** "Stays measurably above eps_PCA(K)": at least this factor. */
  above: 1.2,
  /** ReLU without bias "stalls above": at least this factor. */
  stalls: 1.5,
  /** ReLU with bias "reaches it": within this factor. */
  reluReaches: 1.1,
  /** Alignment of truncated SGD and Sanger's rule at the end: at least. */
  aligned: 0.95,
  /** Alignment of vanilla SGD at the end: below. */
  rotated: 0.8,
  /** Learned components: |cos| with the true component at least. */
  componentCos: 0.9,
};

type AnalysisFn = (preset: Preset, runs: VariantRun[], size: Size) => Analysis | Promise<Analysis>;

const K_OF = (r: VariantRun) => r.config.network.K;
const finalOf = (c: CurveResult) => c.eps[c.eps.length - 1];
const levelsOf = (r: VariantRun) => r.simulation.pca.epsPCA;

function curves(runs: VariantRun[], title: string): VegaLiteSpec {
  const list: CurveResult[] = [];
  const labels: string[] = [];
  const variants: string[] = [];
  // one variant: name the curves by method only; several: variant by colour, method by dash
  const single = runs.length === 1;
  for (const r of runs) {
    list.push(r.simulation);
    labels.push(
      single
        ? `SGD (${r.simulation.runs.length} seeds)`
        : `${r.label}: SGD (${r.simulation.runs.length} seeds)`,
    );
    variants.push(r.label);
    if (r.theory) {
      list.push(r.theory);
      labels.push(single ? "theory (same initial weights)" : `${r.label}: theory`);
      variants.push(r.label);
    }
  }
  return errorCurveSpec(list, {
    labels,
    title,
    spread: single ? "runs" : "none",
    ...(single ? {} : { variants }),
  });
}

/**
 * Median over seeds of the first recorded time at which e_m lies in the span of the decoder
 * vectors to at least `learnt` (|P_V e_m|, rotation-invariant), for m = 1..K.
 */
function learnTimes(c: CurveResult, K: number): number[] {
  const perSeed = c.runs.map((run) => {
    const spans = run.order.map(spanOverlaps);
    return Array.from({ length: K }, (_, m) => {
      const i = spans.findIndex((s) => (s[m] ?? 0) >= THRESHOLDS.learnt);
      return i < 0 ? Infinity : c.times[i];
    });
  });
  return Array.from({ length: K }, (_, m) => {
    const ts = perSeed.map((s) => s[m]).sort((a, b) => a - b);
    return ts[Math.floor(ts.length / 2)];
  });
}

const sequential: AnalysisFn = (preset, runs) => {
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
  const seriesOf = (c: CurveResult, label: string) =>
    Array.from({ length: K }, (_, m) => ({
      label: `${label}: component m = ${m + 1}`,
      t: c.times,
      value: c.runs[0].order.map((o) => spanOverlaps(o)[m] ?? NaN),
    }));
  const figures: Record<string, VegaLiteSpec> = {
    error_curve: curves(runs, preset.title),
    learning: timeSeriesSpec(
      [...seriesOf(r.simulation, "SGD"), ...(r.theory ? seriesOf(r.theory, "theory") : [])],
      {
        yTitle: "|projection of eₘ on the span of the vᵏ|",
        yDomain: [0, 1],
        title: `Components learnt one at a time (seed ${r.simulation.runs[0].seed})`,
        rules: [{ value: THRESHOLDS.learnt, label: "learnt" }],
      },
    ),
    overlaps: overlapHeatmapSpec(decoderOverlaps(r.simulation), {
      D: r.config.data.D,
      title: "|cos(vᵏ, eₘ)| of the SGD decoder",
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

/** An overlap source whose heatmap shows the decoder: a = sqrt(D) b and WW = T0 give |b| / sqrt(T0). */
export function decoderOverlaps(c: CurveResult) {
  const D = (c.config as { data: { D: number } }).data.D;
  return {
    times: c.times,
    runs: c.runs.map((r) => ({
      order: r.order.map((o) => ({
        a: o.b.map((row) => row.map((x) => x * Math.sqrt(D))),
        WW: o.T0,
      })),
    })),
  };
}

const tied: AnalysisFn = async (preset, runs, size) => {
  const long = longTimeOf(preset, size) ?? 1e5;
  const rows: {
    label: string;
    tied: boolean;
    activation: string;
    finalSimulation: number;
    finalTheory: number;
    asymptoticTheory: number;
    asymptoticAt: number;
    driftLastDecade: number;
    epsPCA_K: number;
    ratioSimulation: number;
    ratioAsymptotic: number;
  }[] = [];
  for (const r of runs) {
    const K = K_OF(r);
    const levels = levelsOf(r);
    let asymptotic = NaN, drift = NaN;
    if (r.theory) {
      const t = await theory({
        ...r.config,
        tMax: long,
        times: [long / 10, long],
        seeds: [r.config.seeds[0]],
        integrator: "stiff",
      });
      asymptotic = t.eps[1];
      drift = Math.abs(t.eps[1] / t.eps[0] - 1);
    }
    rows.push({
      label: r.label,
      tied: r.config.network.tied,
      activation: r.config.network.activation,
      finalSimulation: finalOf(r.simulation),
      finalTheory: r.theory ? finalOf(r.theory) : NaN,
      asymptoticTheory: asymptotic,
      asymptoticAt: long,
      driftLastDecade: drift,
      epsPCA_K: levels[K],
      ratioSimulation: finalOf(r.simulation) / levels[K],
      ratioAsymptotic: asymptotic / levels[K],
    });
  }
  const find = (act: string, tiedFlag: boolean) =>
    rows.find((x) => x.activation === act && x.tied === tiedFlag);
  const checks: Check[] = [];
  const tl = find("linear", true), ue = find("erf", false), te = find("erf", true);
  if (tl) {
    checks.push(
      check(
        "tied linear: asymptotic error / eps_PCA(K)",
        tl.ratioAsymptotic,
        "<=",
        THRESHOLDS.reaches,
      ),
    );
  }
  if (ue) {
    checks.push(
      check(
        "untied erf: asymptotic error / eps_PCA(K)",
        ue.ratioAsymptotic,
        "<=",
        THRESHOLDS.reaches,
      ),
    );
  }
  if (te) {
    checks.push(
      check("tied erf: final SGD error / eps_PCA(K)", te.ratioSimulation, ">", THRESHOLDS.above),
    );
    checks.push(
      check("tied erf: asymptotic error / eps_PCA(K)", te.ratioAsymptotic, ">", THRESHOLDS.above),
    );
  }
  return {
    numbers: { variants: rows },
    checks,
    figures: { error_curve: curves(runs, preset.title) },
  };
};

const reluBias: AnalysisFn = (preset, runs) => {
  const rows = runs.map((r) => {
    const K = K_OF(r);
    const levels = levelsOf(r);
    const lastOrders = r.simulation.runs.map((run) => run.order[run.order.length - 1]);
    const biases = Array.from(
      { length: K },
      (_, k) => lastOrders.reduce((s, o) => s + o.bias[k], 0) / lastOrders.length,
    );
    return {
      label: r.label,
      bias: r.config.network.bias,
      finalSimulation: finalOf(r.simulation),
      finalTheory: r.theory ? finalOf(r.theory) : NaN,
      epsPCA_K: levels[K],
      ratio: finalOf(r.simulation) / levels[K],
      learnedBiases: biases,
      theoryMissing: r.theoryMissing ?? null,
    };
  });
  const checks: Check[] = [];
  const without = rows.find((x) => !x.bias), withBias = rows.find((x) => x.bias);
  if (without) {
    checks.push(
      check("relu without bias: final error / eps_PCA(K)", without.ratio, ">=", THRESHOLDS.stalls),
    );
  }
  if (withBias) {
    checks.push(
      check(
        "relu with trained bias: final error / eps_PCA(K)",
        withBias.ratio,
        "<=",
        THRESHOLDS.reluReaches,
      ),
    );
  }
  return {
    numbers: { variants: rows },
    checks,
    figures: { error_curve: curves(runs, preset.title) },
  };
};

const truncated: AnalysisFn = (preset, runs) => {
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

const components: AnalysisFn = (preset, runs) => {
  const r = runs[0];
  const K = K_OF(r);
  const { spectrum } = pca(r.config.data, K);
  const D = spectrum.D;
  const pcs = Array.from(
    { length: K },
    (_, m) => spectrum.eigenvectors.subarray(m * D, (m + 1) * D),
  );
  const snap = r.simulation.runs[0].snapshots[r.simulation.runs[0].snapshots.length - 1];
  const decoder = r.config.rule === "sanger" ? snap.W : snap.V;
  const cos = decoder.map((row, k) => {
    let d = 0, n = 0;
    for (let i = 0; i < D; i++) {
      d += row[i] * pcs[k][i];
      n += row[i] * row[i];
    }
    return Math.abs(d) / Math.sqrt(n);
  });
  const checks = cos.map((c, k) =>
    check(
      `unit ${k + 1}: |cos| with principal component ${k + 1}`,
      c,
      ">=",
      THRESHOLDS.componentCos,
    )
  );
  return {
    numbers: { cosines: cos, at: snap.t, seed: r.simulation.runs[0].seed },
    checks,
    figures: {
      components: componentsSpec(decoder, pcs, {
        name: "v",
        match: "index",
        title: `Learned decoder vectors on the principal components (t = ${snap.t}, seed ${
          r.simulation.runs[0].seed
        })`,
      }),
      error_curve: curves(runs, preset.title),
    },
  };
};

/** The analysis of each experiment kind. */
export const ANALYSES: Record<Exclude<Preset["experiment"], "realdata">, AnalysisFn> = {
  sequential,
  tied,
  "relu-bias": reluBias,
  truncated,
  components,
};
