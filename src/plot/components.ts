/**
 * Learned weight vectors drawn on top of the principal components they
 * overlap with, one line-plot panel per hidden unit.
 * @module
 */
import { matchComponents } from "../analysis/components.ts";
import {
  CONFIG,
  DASHES,
  LINE_LEGEND,
  PALETTE,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./style.ts";
import { positive, titleOf } from "./_helpers.ts";
import { displayable } from "../core/display.ts";

/** Options of {@linkcode componentsSpec}. */
export interface ComponentsOptions {
  /** Name of the learned vectors in titles and legend (default "w"). */
  name?: string;
  /**
   * Which component each vector is drawn with: "best" the one of largest
   * |cos| (default), "index" vector k with component k.
   */
  match?: "best" | "index";
  /** Width of one panel in pixels (default 560). */
  width?: number;
  /** Height of one panel in pixels (default 110). */
  height?: number;
  /** Figure title (default none). */
  title?: string;
}

/**
 * Learned weight vectors on top of the principal components they overlap
 * with, as line plots against the input coordinate i, one panel per unit.
 * Both vectors are rescaled to unit norm and the learned one is flipped so
 * that its overlap with its component is positive; the panel header gives
 * the component and |cos|.
 *
 * @param vectors learned rows (encoder W or decoder V of a snapshot), K x D.
 * @param components principal components, M x D (any norm, any sign).
 * @param opts names, matching rule and size; see {@linkcode ComponentsOptions}.
 * @returns a faceted Vega-Lite specification, K panels in one column.
 * @throws ConfigError on empty inputs, rows of different lengths, or
 *   `match: "index"` with fewer components than vectors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { componentsSpec } from "./components.ts";
 * const spec = componentsSpec([[0, -2, 0, 0]], [[1, 0, 0, 0], [0, 1, 0, 0]]);
 * const rows = (spec.data as { values: { i: number; value: number; curve: string }[] }).values;
 * const w2 = rows.find((r) => r.i === 2 && r.curve.startsWith("learned"));
 * // matched with m = 2, flipped and rescaled
 * assert.ok(w2?.value === 1);
 * ```
 */
export function componentsSpec(
  vectors: ReadonlyArray<ArrayLike<number>>,
  components: ReadonlyArray<ArrayLike<number>>,
  opts: ComponentsOptions = {},
): VegaLiteSpec {
  const name = opts.name ?? "w";
  const pairs = matchComponents(vectors, components, opts.match ?? "best");
  const learned = `learned ${name}ᵏ (unit norm, sign-aligned)`;
  const pc = "principal component eₘ";
  const values: Record<string, unknown>[] = [];
  const panels: string[] = [];
  for (const p of pairs) {
    const panel = `unit k = ${p.k + 1} · component m = ${p.m + 1} · |cos| = ${p.cos.toFixed(2)}`;
    panels.push(panel);
    for (let i = 0; i < p.w.length; i++) {
      values.push({ panel, i: i + 1, value: p.w[i], curve: learned });
      values.push({ panel, i: i + 1, value: p.e[i], curve: pc });
    }
  }
  const width = positive("width", opts.width ?? 560);
  const height = positive("height", opts.height ?? 110);
  return displayable({
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: titleOf(opts.title, opts.width ?? 560) } : {}),
    padding: 12,
    data: { values },
    facet: {
      field: "panel",
      type: "nominal",
      sort: panels,
      header: { title: null, labelAnchor: "start", labelFontSize: 12 },
    },
    columns: 1,
    spec: {
      width,
      height,
      mark: { type: "line", strokeWidth: 1.6 },
      encoding: {
        x: {
          field: "i",
          type: "quantitative",
          scale: { nice: false, zero: false },
          axis: { title: "input coordinate i", format: "d" },
        },
        y: {
          field: "value",
          type: "quantitative",
          axis: { title: "value (unit norm)", tickCount: 4 },
        },
        color: {
          field: "curve",
          type: "nominal",
          scale: { domain: [learned, pc], range: [PALETTE[0], "#222222"] },
          legend: LINE_LEGEND,
        },
        strokeDash: {
          field: "curve",
          type: "nominal",
          scale: { domain: [learned, pc], range: [DASHES[0], [5, 3]] },
          legend: LINE_LEGEND,
        },
      },
    },
    config: CONFIG,
  }, "spec");
}
