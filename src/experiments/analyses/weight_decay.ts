/**
 * The weight-decay claim of THEORY.md section 7 (Bao, Lucas, Sachdeva &
 * Grosse 2020): with decoupled weight decay that grows from unit to unit, a
 * linear autoencoder trained by vanilla SGD aligns each unit with one
 * principal component, in order, slowly; with equal decays the rotation it
 * learnt stays. Measured with SGD and the equations up to t-max, the
 * equations alone up to the long time, the cost in error against eps_PCA(K),
 * and the time to align against the gaps of lambda.
 * @module
 */
import type { CurveResult } from "../../problem/types.ts";
import { type AnalysisFn, type Check, check, type VariantRun } from "../types.ts";
import { timeSeriesSpec, type VegaLiteSpec } from "../../plot/mod.ts";
import { alignment } from "../../analysis/alignment.ts";
import { theory } from "../../theory/theory.ts";
import { longTimeOf } from "../preset.ts";
import { curves, K_OF, levelsOf, seedsOf, THRESHOLDS } from "./shared.ts";
import type { AnalysisControl } from "../types.ts";

/** The gap scan: the increasing decays times these factors (equations only). */
export const GAP_FACTORS = [0.25, 0.5, 1];
/** The alignment whose first crossing times the alignment (near aligned: past the learning phase, whose rotation may happen to lie near the components). */
export const ALIGN_TIME_LEVEL = 0.95;
/** Largest change of the equal-decay alignment over the last decade of the long run. */
export const STAYS = 0.01;
/** Largest |SGD - theory| of the final alignment (same initial weights, means over seeds). */
export const FOLLOWS = 0.05;

/** Mean over runs of the alignment at each recorded time. */
function meanAlignment(c: CurveResult): number[] {
  return c.times.map((_, i) =>
    c.runs.reduce((s, run) => s + alignment(run.order[i]), 0) / c.runs.length
  );
}

/** The first time the curve reaches `level` (linear in log t between records), Infinity if never. */
function firstCrossing(t: number[], a: number[], level: number): number {
  for (let i = 1; i < t.length; i++) {
    if (a[i] >= level && a[i - 1] < level && t[i - 1] > 0) {
      const f = (level - a[i - 1]) / (a[i] - a[i - 1]);
      return Math.exp(Math.log(t[i - 1]) + f * (Math.log(t[i]) - Math.log(t[i - 1])));
    }
    if (a[i] >= level && i === 1 && a[0] >= level) return t[0];
  }
  return Infinity;
}

/** The equations for a problem up to `long` (log-spaced), all seeds of the variant. */
function longRun(
  r: VariantRun,
  long: number,
  weightDecay: readonly number[],
  control: AnalysisControl,
): Promise<CurveResult> {
  return theory(
    {
      ...r.config,
      network: { ...r.config.network, weightDecay: [...weightDecay] },
      tMax: long,
      times: undefined,
      nTimes: 40,
      tMin: Math.min(1, long / 100),
      snapshotTimes: [],
    },
    {},
    control,
  );
}

/** Whether a variant's decays differ between units. */
function differs(r: VariantRun): boolean {
  const l = r.config.network.weightDecay ?? [];
  return l.length > 1 && l.some((x) => x !== l[0]);
}

/** Claim of THEORY.md 7: decay that grows per unit aligns the units with the components. */
export const weightDecay: AnalysisFn = async (preset, runs, size, control = {}) => {
  const long = longTimeOf(preset, size) ?? 1e5;
  const equal = runs.find((r) => !differs(r));
  const increasing = runs.find(differs);
  if (!equal || !increasing || !equal.theory || !increasing.theory) {
    throw new Error(
      "internal: the weight-decay preset needs an equal-decay and an increasing-decay variant, " +
        "both covered by the equations",
    );
  }
  const K = K_OF(increasing);
  const epsK = levelsOf(increasing)[K];
  const rows = [];
  const longRuns = new Map<VariantRun, CurveResult>();
  for (const r of [equal, increasing]) {
    const th = await longRun(r, long, r.config.network.weightDecay!, control);
    longRuns.set(r, th);
    const a = meanAlignment(th);
    const tenth = th.times.findIndex((t) => t >= long / 10);
    const sgd = meanAlignment(r.simulation);
    const theoryAtTMax = meanAlignment(r.theory!);
    rows.push({
      label: r.label,
      weightDecay: r.config.network.weightDecay!,
      alignmentSimulation: sgd[sgd.length - 1],
      alignmentTheory: theoryAtTMax[theoryAtTMax.length - 1],
      alignmentLong: a[a.length - 1],
      alignmentDriftLastDecade: Math.abs(a[a.length - 1] - a[tenth]),
      longTime: long,
      errorLong: th.eps[th.eps.length - 1],
      ratioLong: th.eps[th.eps.length - 1] / epsK,
      timeToAlign: firstCrossing(th.times, a, ALIGN_TIME_LEVEL),
    });
  }
  // the time to align against the gaps of lambda: the increasing decays scaled (equations only)
  const base = increasing.config.network.weightDecay!;
  const scan: {
    factor: number;
    weightDecay: number[];
    smallestGap: number;
    timeToAlign: number;
    product: number;
  }[] = [];
  const scanCurves: { factor: number; t: number[]; a: number[] }[] = [];
  for (const factor of GAP_FACTORS) {
    const lambda = base.map((x) => x * factor);
    const horizon = long / factor;
    const th = await longRun(increasing, horizon, lambda, control);
    const a = meanAlignment(th);
    scanCurves.push({ factor, t: th.times, a });
    const gap = Math.min(...lambda.slice(1).map((x, k) => x - lambda[k]));
    const t = firstCrossing(th.times, a, ALIGN_TIME_LEVEL);
    scan.push({ factor, weightDecay: lambda, smallestGap: gap, timeToAlign: t, product: t * gap });
  }
  // slope of log(time to align) against log(smallest gap), least squares over the scan
  const pts = scan.filter((p) => Number.isFinite(p.timeToAlign));
  const slope = pts.length >= 2 ? logSlope(pts.map((p) => [p.smallestGap, p.timeToAlign])) : NaN;

  const [eq, inc] = rows;
  const checks: Check[] = [
    check(
      `${inc.label}: alignment at t = ${long} (equations)`,
      inc.alignmentLong,
      ">",
      THRESHOLDS.aligned,
    ),
    check(
      `${eq.label}: alignment at t = ${long} (equations)`,
      eq.alignmentLong,
      "<",
      THRESHOLDS.rotated,
    ),
    check(
      `${eq.label}: change of the alignment from t = ${long / 10} to ${long} (it stays)`,
      eq.alignmentDriftLastDecade,
      "<",
      STAYS,
    ),
    check(
      `${inc.label}: |SGD - equations| of the alignment at t-max`,
      Math.abs(inc.alignmentSimulation - inc.alignmentTheory),
      "<=",
      FOLLOWS,
    ),
    check(
      `${inc.label}: SGD's alignment at t-max above ${eq.label}'s`,
      inc.alignmentSimulation - eq.alignmentSimulation,
      ">",
      0,
    ),
    check(
      `slope of log(time to alignment ${ALIGN_TIME_LEVEL}) against log(smallest gap of lambda)`,
      slope,
      "<",
      0,
    ),
    check(
      `${inc.label}: long-time error / eps_PCA(K) (the decay's cost: above 1)`,
      inc.ratioLong,
      ">",
      1,
    ),
  ];
  const f = (x: number, d = 3) => x.toFixed(d);
  const notes = [
    `With the increasing decays ${JSON.stringify(inc.weightDecay)} the units align with the ` +
    `components in order: alignment ${f(inc.alignmentSimulation)} (SGD) and ${
      f(inc.alignmentTheory)
    } (equations) at t-max, ${f(inc.alignmentLong)} at t = ${long} (equations); with the equal ` +
    `decays ${JSON.stringify(eq.weightDecay)} the alignment stays at ${f(eq.alignmentLong)} ` +
    `(it moves by ${f(eq.alignmentDriftLastDecade, 4)} over the last decade).`,
    `The cost: at t = ${long} the error is ${f(inc.ratioLong)} x eps_PCA(K) with increasing ` +
    `decays and ${f(eq.ratioLong)} x eps_PCA(K) with equal ones (decay shrinks the weights).`,
    `Time for the alignment to reach ${ALIGN_TIME_LEVEL} (equations): ${
      scan.map((p) =>
        `smallest gap ${p.smallestGap.toPrecision(3)}: t = ${
          Number.isFinite(p.timeToAlign) ? p.timeToAlign.toPrecision(3) : "not reached"
        }`
      ).join("; ")
    }; log-log slope ${Number.isFinite(slope) ? f(slope, 2) : "not measured"} ${
      Number.isFinite(slope)
        ? slope < -0.5
          ? "(the time scale shrinks as the gaps grow)"
          : "(weaker than inverse in the gaps)"
        : ""
    }.`,
  ];
  const figures: Record<string, VegaLiteSpec> = {
    error_curve: curves(runs, preset.title),
    alignment: timeSeriesSpec(
      [equal, increasing].flatMap((r) => [
        {
          label: `${r.label}: SGD`,
          group: r.label,
          style: `SGD (mean of ${seedsOf(r.simulation)})`,
          t: r.simulation.times,
          value: meanAlignment(r.simulation),
        },
        {
          label: `${r.label}: equations, to t = ${long}`,
          group: r.label,
          style: "equations",
          t: longRuns.get(r)!.times,
          value: meanAlignment(longRuns.get(r)!),
        },
      ]),
      {
        yTitle: "alignment: mean over k of |cos(vᵏ, eₖ)|",
        yDomain: [0, 1],
        title: "Per-unit weight decay aligns the units with the components",
        rules: [{ value: THRESHOLDS.aligned, label: `aligned: ${THRESHOLDS.aligned}` }],
      },
    ),
    cost: timeSeriesSpec(
      // after the components are learnt (t >= long / 1000): the learning phase's drop from
      // eps_PCA(0) would flatten the cost on a linear axis
      [equal, increasing].map((r) => {
        const c = longRuns.get(r)!;
        const keep = c.times.map((t, i) => [t, i]).filter(([t]) => t >= long / 1000);
        return {
          label: `${r.label} (equations)`,
          t: keep.map(([t]) => t),
          value: keep.map(([, i]) => c.eps[i] / epsK),
        };
      }),
      {
        yTitle: "error / eps_PCA(K)",
        yDomain: [0, Math.ceil(Math.max(eq.ratioLong, inc.ratioLong) * 1.25)],
        title: `The cost of the decay: the error against eps_PCA(K), t >= ${long / 1000}`,
        rules: [{ value: 1, label: "eps_PCA(K)" }],
      },
    ),
    alignment_vs_gap: timeSeriesSpec(
      scanCurves.map((c, i) => ({
        label: `lambda = ${JSON.stringify(scan[i].weightDecay.map((x) => +x.toPrecision(3)))}`,
        t: c.t,
        value: c.a,
      })),
      {
        yTitle: "alignment (equations)",
        yDomain: [0, 1],
        title: "Larger gaps of lambda align sooner",
        rules: [{ value: ALIGN_TIME_LEVEL, label: `timed at ${ALIGN_TIME_LEVEL}` }],
      },
    ),
  };
  return {
    numbers: { variants: rows, gapScan: scan, gapSlope: slope, epsPCA_K: epsK },
    checks,
    notes,
    figures,
  };
};

/** Least-squares slope of log y against log x. */
function logSlope(pts: number[][]): number {
  const xs = pts.map((p) => Math.log(p[0])), ys = pts.map((p) => Math.log(p[1]));
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  let num = 0, den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}
