/**
 * The overlaps |cos(w^k, e_m)| between the hidden units and the principal
 * components, as heatmaps at a few recorded times.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { CONFIG, VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./style.ts";
import { fmt, pickTimes, titleOf } from "./_helpers.ts";
import { displayable } from "../core/display.ts";

/**
 * What {@linkcode overlapHeatmapSpec} reads from a result: the recorded
 * times, the projections `a` and norms `WW` of each run, and (optionally)
 * the input dimension D in `config`. A `CurveResult` qualifies.
 */
export interface OverlapSource {
  /** Recorded times t = steps / D, one per entry of each run's `order`. */
  times: number[];
  /** The configuration, where D is read from `D` or `data.D` (when `opts.D` is not given). */
  config?: Record<string, unknown>;
  /** The runs (seeds): order parameters at each recorded time, optional weight snapshots. */
  runs: ReadonlyArray<{
    order: ReadonlyArray<{
      /** Projections a_k(m) = w^k . e_m on the top M eigenvectors, K x M. */
      a: number[][];
      /** W W^T / D, K x K (norms of the encoder rows on the diagonal). */
      WW: number[][];
    }>;
    snapshots?: ReadonlyArray<{ W: number[][] }>;
  }>;
}

/** Options of {@linkcode overlapHeatmapSpec}. */
export interface OverlapOptions {
  /** Times to show; each is replaced by the nearest recorded time. */
  times?: number[];
  /** Without `times`: how many log-spaced recorded times to show (default 4). */
  count?: number;
  /** Which run (seed) to show (default 0). */
  run?: number;
  /** Input dimension D (default: `config.D`, `config.data.D`, or a snapshot's width). */
  D?: number;
  /** Figure title (default none). */
  title?: string;
  /** Name of the vectors in the legend (default "w"; "v" for decoder overlaps). */
  vector?: string;
}

/**
 * Overlaps |cos(w^k, e_m)| = |a_k(m)| / sqrt(D WW_kk) between the encoder
 * rows and the top principal components, as a K x M heatmap (units down,
 * components across, value written in each cell) at a few recorded times,
 * one panel per time. Near 1: unit k has learnt component m.
 *
 * @param result a CurveResult (or any {@linkcode OverlapSource}).
 * @param opts times, run and D; see {@linkcode OverlapOptions}.
 * @returns a Vega-Lite specification faceted by time.
 * @throws ConfigError on a missing run, order parameters that do not match
 *   the times, unknown D, or times outside the record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { overlapHeatmapSpec } from "./overlaps.ts";
 * const spec = overlapHeatmapSpec({
 *   times: [1],
 *   runs: [{ order: [{ a: [[3, 4]], WW: [[1]] }] }],
 * }, { D: 25 });
 * const cells = (spec.data as { values: { cos: number }[] }).values;
 * assert.equal(cells[0].cos, 0.6);
 * assert.equal(cells[1].cos, 0.8);
 * ```
 */
export function overlapHeatmapSpec(result: OverlapSource, opts: OverlapOptions = {}): VegaLiteSpec {
  const times = result?.times;
  if (!Array.isArray(times) || times.length === 0) {
    throw new ConfigError("result.times", times, "a non-empty array of recorded times");
  }
  const runIndex = opts.run ?? 0;
  const run = result.runs?.[runIndex];
  if (!run) {
    throw new ConfigError("run", runIndex, `an index below ${result.runs?.length ?? 0}`);
  }
  if (run.order.length !== times.length) {
    throw new ConfigError(
      `runs[${runIndex}].order.length`,
      run.order.length,
      `${times.length}, one per recorded time`,
    );
  }
  const D = opts.D ?? inferD(result);
  if (!(Number.isFinite(D) && D > 0)) {
    throw new ConfigError("D", D, "a positive input dimension (pass opts.D)");
  }
  const picks = pickTimes(times, opts.times, opts.count ?? 4);
  const values: Record<string, unknown>[] = [];
  const labels: string[] = [];
  let M = 0;
  for (const i of picks) {
    const { a, WW } = run.order[i];
    if (!Array.isArray(a) || !Array.isArray(WW) || WW.length !== a.length) {
      throw new ConfigError(
        `runs[${runIndex}].order[${i}].WW.length`,
        Array.isArray(WW) ? WW.length : WW,
        `K = ${Array.isArray(a) ? a.length : "?"}, the number of rows of a`,
      );
    }
    const label = `t = ${fmt(times[i])}`;
    labels.push(label);
    a.forEach((row, k) => {
      const norm = Math.sqrt(D * WW[k][k]);
      M = Math.max(M, row.length);
      row.forEach((akm, m) => {
        const cos = norm > 0 ? Math.min(1, Math.abs(akm) / norm) : 0;
        values.push({ time: label, k: k + 1, m: m + 1, cos: Number(cos.toFixed(4)) });
      });
    });
  }
  const cell = 36;
  const columns = Math.min(labels.length, Math.max(1, Math.floor(900 / (cell * M + 70))));
  const x = {
    field: "m",
    type: "ordinal",
    axis: { title: "component m", labelAngle: 0 },
  } as const;
  const y = { field: "k", type: "ordinal", axis: { title: "hidden unit k" } } as const;
  return displayable({
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: titleOf(opts.title, Math.max(320, columns * (cell * M + 60))) } : {}),
    padding: 12,
    data: { values },
    facet: {
      field: "time",
      type: "nominal",
      sort: labels,
      header: { title: null, labelFontSize: 12 },
    },
    columns,
    spec: {
      width: { step: cell },
      height: { step: cell },
      layer: [
        {
          mark: { type: "rect", stroke: "#ffffff", strokeWidth: 1 },
          encoding: {
            x,
            y,
            color: {
              field: "cos",
              type: "quantitative",
              scale: { domain: [0, 1], scheme: "greys" },
              legend: { title: `|cos(${opts.vector ?? "w"}ᵏ, eₘ)|`, gradientLength: 120 },
            },
          },
        },
        {
          mark: { type: "text", fontSize: 10, baseline: "middle" },
          encoding: {
            x,
            y,
            text: { field: "cos", type: "quantitative", format: ".2f" },
            color: {
              condition: { test: "datum.cos > 0.55", value: "#ffffff" },
              value: "#000000",
            },
          },
        },
      ],
    },
    config: CONFIG,
  }, "spec");
}

/** Input dimension D from the config, or the width of a snapshot; NaN when unknown. */
function inferD(result: OverlapSource): number {
  const c = result.config ?? {};
  const candidates = [c.D, (c.data as Record<string, unknown> | undefined)?.D];
  for (const d of candidates) if (typeof d === "number") return d;
  for (const run of result.runs) {
    const W = run.snapshots?.[0]?.W;
    if (W && W.length > 0) return W[0].length;
  }
  return NaN;
}

/**
 * The decoder's overlaps as an {@linkcode OverlapSource}: cos(v^k, e_m) =
 * |b_k(m)| / sqrt(T0_kk), given to the heat map as a = sqrt(D) b and WW = T0.
 * (The encoder keeps O(1) components in every bulk direction, so its cosines
 * with the spikes stay small; the decoder's show what is learnt.)
 *
 * @param result the recorded times and each run's order parameters b (K x M) and T0 (K x K).
 * @param D the input dimension.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decoderOverlapSource } from "./overlaps.ts";
 * const s = decoderOverlapSource({ times: [1], runs: [{ order: [{ b: [[0.5]], T0: [[1]] }] }] }, 4);
 * assert.equal(s.runs[0].order[0].a[0][0], 1);
 * assert.equal(s.runs[0].order[0].WW[0][0], 1);
 * ```
 */
export function decoderOverlapSource(
  result: {
    times: number[];
    runs: ReadonlyArray<{ order: ReadonlyArray<{ b: number[][]; T0: number[][] }> }>;
  },
  D: number,
): OverlapSource {
  return {
    times: result.times,
    runs: result.runs.map((r) => ({
      order: r.order.map((o) => ({
        a: o.b.map((row) => row.map((x) => x * Math.sqrt(D))),
        WW: o.T0,
      })),
    })),
  };
}
