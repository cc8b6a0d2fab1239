/**
 * Notebook display of the package's results (see `src/core/display.ts`):
 * a simulation or theory result shows its error curve with the PCA levels,
 * a sweep summary its heat map of final error over eps_PCA(K), and a
 * {@link comparison} both curves on one plot with their deviation; each with
 * a short text summary. Loaded by `mod.ts` and `./plot`, which registers
 * the renderers.
 * @module
 */
import { displayable, type MimeBundle, registerDisplay, vegaLiteBundle } from "../core/display.ts";
import type { CurveResult } from "../problem/types.ts";
import { type Deviation, deviation } from "../analysis/deviation.ts";
import { errorCurveSpec } from "./error_curve.ts";
import { type SweepCurvesSource, sweepCurvesSpec } from "./sweep_curves.ts";
import { sweepHeatmapSpec, type SweepSource } from "./sweep_heatmap.ts";

const num = (x: number) => Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);

/** One line naming a result's problem and its final error against eps_PCA(K). */
export function resultLine(r: CurveResult): string {
  const c = r.config;
  const last = r.eps.length - 1;
  const K = c.network.K;
  const pcaK = r.pca.epsPCA[K];
  const what = r.kind === "simulation" ? `SGD over ${r.runs.length} seed(s)` : "theory";
  return `${what}: ${c.data.kind} data, D = ${c.data.D}, K = ${K} ${c.network.activation}, ` +
    `rule ${c.rule}, lr ${c.lr}; final eps(t = ${num(r.times[last])}) = ${num(r.eps[last])}` +
    (pcaK > 0 ? ` = ${num(r.eps[last] / pcaK)} eps_PCA(${K})` : "");
}

function curveBundle(value: unknown): MimeBundle {
  const r = value as CurveResult;
  const label = r.kind === "simulation" ? "SGD" : "theory";
  return vegaLiteBundle(errorCurveSpec([r], { labels: [label] }), resultLine(r));
}

function sweepBundle(value: unknown): MimeBundle {
  const s = value as SweepSource & SweepCurvesSource & { rows: Record<string, unknown>[] };
  const varying = s.axes.filter((a) => a.values.length > 1);
  const text = `sweep of ${s.rows.length} points over ${
    s.axes.map((a) => `${a.path} (${a.values.length})`).join(", ")
  }`;
  // a heat map needs an axis that varies; a single point shows its curve
  const spec = varying.length > 0 ? sweepHeatmapSpec(s) : sweepCurvesSpec(s);
  return vegaLiteBundle(spec, text);
}

registerDisplay("curve", curveBundle);
registerDisplay("sweep", sweepBundle);

/** A simulation beside the theory of the same problem, as {@link comparison} gives it. */
export interface Comparison {
  /** The SGD result. */
  simulation: CurveResult;
  /** The theory's result. */
  theory: CurveResult;
  /** Relative deviation of the SGD curve from the theory. */
  deviation: Deviation;
}

/**
 * Pair a simulation with the theory of the same problem: in a notebook it
 * shows both curves on one plot, and the largest and mean deviation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { comparison, simulate, theory } from "@aedyn/aedyn";
 * const problem = { data: { D: 40 }, network: { K: 1 }, tMax: 5, nTimes: 6, nTest: 200 };
 * const c = comparison(await simulate(problem), await theory(problem));
 * assert.ok(c.deviation.max >= 0 && c.simulation.times.length === c.theory.times.length, "the example's claim holds");
 * ```
 */
export function comparison(simulation: CurveResult, theory: CurveResult): Comparison {
  return displayable(
    { simulation, theory, deviation: deviation(simulation, theory) },
    "comparison",
  );
}

registerDisplay("comparison", (value) => {
  const c = value as Comparison;
  const pct = (x: number) => `${num(100 * x)}%`;
  return vegaLiteBundle(
    errorCurveSpec([c.simulation, c.theory], { labels: ["SGD", "theory"] }),
    `${resultLine(c.simulation)}\n${resultLine(c.theory)}\n` +
      `deviation of SGD from the theory: max ${pct(c.deviation.max)} (t = ${
        num(c.deviation.maxAt)
      }), mean ${pct(c.deviation.mean)}`,
  );
});
