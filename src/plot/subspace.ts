/**
 * The principal components against the span of learned vectors, for rules
 * that learn a subspace but not its basis (vanilla SGD learns any rotation
 * of the top-K components): one panel per component with the component, its
 * projection on the learned span, and the learned vectors after the best
 * rotation onto the components (orthogonal Procrustes).
 * @module
 */
import { subspaceMatch } from "../analysis/components.ts";
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

/** Options of {@linkcode subspaceSpec}. */
export interface SubspaceOptions {
  /** Name of the learned vectors in titles and legend (default "v"). */
  name?: string;
  /** Width of one panel in pixels (default 560). */
  width?: number;
  /** Height of one panel in pixels (default 110). */
  height?: number;
  /** Figure title (default none). */
  title?: string;
}

/**
 * The top-K principal components e_m against the span of K learned vectors,
 * one line-plot panel per component, against the input coordinate i:
 * e_m (unit norm), P e_m its projection on the span of the learned vectors
 * (equal to e_m when the component is learnt, whatever the rotation), and
 * row m of O V, the unit-norm learned vectors rotated by the orthogonal
 * Procrustes fit O onto the components (rescaled to unit norm and drawn
 * with the sign of e_m). The panel header gives |P e_m| and
 * |cos((O V)_m, e_m)|. Per-unit matches (`componentsSpec`) are the honest
 * picture only for rules that learn the components themselves (truncated
 * SGD, Sanger's rule).
 *
 * @param vectors learned rows (the decoder V of a snapshot), K x D.
 * @param components principal components, M x D with M >= K (any norm, any sign).
 * @param opts names, size and title; see {@linkcode SubspaceOptions}.
 * @returns a faceted Vega-Lite specification, K panels in one column.
 * @throws ConfigError on empty inputs, rows of different lengths or fewer than K components.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { subspaceSpec } from "./subspace.ts";
 * const s = Math.SQRT1_2;
 * const spec = subspaceSpec([[s, s, 0, 0], [-s, s, 0, 0]], [[1, 0, 0, 0], [0, 1, 0, 0]]);
 * const rows = (spec.data as { values: { panel: string }[] }).values;
 * assert.ok(rows[0].panel.includes("|P e₁| = 1.00"));
 * ```
 */
export function subspaceSpec(
  vectors: ReadonlyArray<ArrayLike<number>>,
  components: ReadonlyArray<ArrayLike<number>>,
  opts: SubspaceOptions = {},
): VegaLiteSpec {
  const name = opts.name ?? "v";
  const K = vectors.length;
  const match = subspaceMatch(vectors, components);
  const pc = "principal component eₘ";
  const projected = `P eₘ: its projection on the span of the ${name}ᵏ`;
  const rotated =
    `(O ${name.toUpperCase()})ₘ: the ${name}ᵏ rotated onto the components (Procrustes)`;
  const curves = [pc, projected, rotated];
  const values: Record<string, unknown>[] = [];
  const panels: string[] = [];
  const sub = (m: number) => String(m).split("").map((d) => "₀₁₂₃₄₅₆₇₈₉"[+d]).join("");
  for (let m = 0; m < K; m++) {
    const e = Array.from(components[m]);
    const n = Math.hypot(...e);
    const unit = e.map((x) => (n > 0 ? x / n : 0));
    const r = match.rotated[m];
    const sign = r.reduce((s, x, i) => s + x * unit[i], 0) < 0 ? -1 : 1;
    const panel = `component m = ${m + 1} · |P e${sub(m + 1)}| = ${
      match.projectionNorms[m].toFixed(2)
    } · rotated ${name}: |cos| = ${match.rotatedCos[m].toFixed(2)}`;
    panels.push(panel);
    for (let i = 0; i < unit.length; i++) {
      values.push({ panel, i: i + 1, value: unit[i], curve: pc });
      values.push({ panel, i: i + 1, value: match.projections[m][i], curve: projected });
      values.push({ panel, i: i + 1, value: sign * r[i], curve: rotated });
    }
  }
  const width = positive("width", opts.width ?? 560);
  const height = positive("height", opts.height ?? 110);
  const legend = { ...LINE_LEGEND, direction: "vertical" as const, labelLimit: width };
  return displayable({
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: titleOf(opts.title, width) } : {}),
    padding: 12,
    data: { values },
    facet: {
      field: "panel",
      type: "nominal",
      sort: panels,
      header: { title: null, labelAnchor: "start", labelFontSize: 12, labelLimit: width },
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
          axis: { title: "value", tickCount: 4 },
        },
        color: {
          field: "curve",
          type: "nominal",
          scale: { domain: curves, range: ["#222222", PALETTE[0], PALETTE[1]] },
          legend,
        },
        strokeDash: {
          field: "curve",
          type: "nominal",
          scale: { domain: curves, range: [[5, 3], DASHES[0], DASHES[2]] },
          legend,
        },
      },
    },
    config: CONFIG,
  }, "spec");
}
