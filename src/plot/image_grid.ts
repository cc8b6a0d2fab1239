/**
 * Learned weight vectors and principal components as images: a grid of
 * heatmaps on one diverging colour scale.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { matchComponents, unitVector } from "../analysis/components.ts";
import { CONFIG, DIVERGING, type LayerSpec, VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./style.ts";
import { positive, titleOf } from "./_helpers.ts";
import { displayable } from "../core/display.ts";

/** Options of {@linkcode imageGridSpec}. */
export interface ImageGridOptions {
  /** Height and width of one image in pixels, [h, w] with h * w = D. */
  imageShape: [number, number];
  /** Screen pixels per image pixel (default: images about 90 pixels wide). */
  pixelSize?: number;
  /** Name of the learned vectors in the row header (default "w"). */
  name?: string;
  /**
   * Header of the learned row (default "learned wᵏ" with `name`), e.g. for
   * vectors rotated onto the components.
   */
  learnedTitle?: string;
  /**
   * Whether learned image k is labelled by its unit, "k = 1, ..." (default),
   * or by the component it was rotated onto, "m = 1, ...".
   */
  learnedIndex?: "k" | "m";
  /** Figure title (default none). */
  title?: string;
}

/**
 * Learned weight vectors and principal components shown as images: a grid
 * of heatmaps, the K learned vectors in the first row and the M eigen-images
 * in the second. Every image is rescaled to unit norm, each learned vector is
 * sign-aligned with the component it overlaps most with, and one diverging
 * colour scale of monotone lightness (dark = negative, light = positive)
 * serves them all. Pixel (r, c) of row-major input coordinate i = r w + c.
 *
 * @param vectors learned rows (W or V of a snapshot), K x D.
 * @param components principal components, M x D.
 * @param opts `imageShape` [h, w] with h * w = D, and sizes; see
 *   {@linkcode ImageGridOptions}.
 * @returns a Vega-Lite specification: two rows (learned / components) of
 *   images, one column per index.
 * @throws ConfigError on empty inputs, rows of different lengths, or an
 *   `imageShape` that does not multiply to D.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { imageGridSpec } from "./image_grid.ts";
 * const spec = imageGridSpec([[1, 0, 0, 1]], [[1, 0, 0, 1]], { imageShape: [2, 2] });
 * assert.equal((spec.data as { values: unknown[] }).values.length, 8);
 * ```
 */
export function imageGridSpec(
  vectors: ReadonlyArray<ArrayLike<number>>,
  components: ReadonlyArray<ArrayLike<number>>,
  opts: ImageGridOptions,
): VegaLiteSpec {
  // checks the rows first (non-empty, one length D), as the errors should come in that order
  const pairs = matchComponents(vectors, components, "best");
  const D = pairs[0].w.length;
  const shape = opts?.imageShape;
  if (
    !Array.isArray(shape) || shape.length !== 2 || !shape.every((s) => Number.isInteger(s) && s > 0)
  ) {
    throw new ConfigError("imageShape", shape, "[h, w], two positive integers");
  }
  const [h, w] = shape;
  if (h * w !== D) {
    throw new ConfigError("imageShape", shape, `[h, w] with h * w = D = ${D}`);
  }
  const px = opts.pixelSize ?? Math.max(1, Math.round(100 / Math.max(h, w)));
  positive("pixelSize", px);
  const name = opts.name ?? "w";
  const learnedRow = opts.learnedTitle ?? `learned ${name}ᵏ`;
  const pcRow = "principal components eₘ";
  const values: Record<string, unknown>[] = [];
  let cmax = 0;
  const push = (row: string, label: string, v: ArrayLike<number>) => {
    for (let i = 0; i < D; i++) {
      values.push({ row, label, c: i % w, r: Math.floor(i / w), value: v[i] });
      cmax = Math.max(cmax, Math.abs(v[i]));
    }
  };
  const learnedLabels = pairs.map((p) => `${opts.learnedIndex ?? "k"} = ${p.k + 1}`);
  const pcLabels = components.map((_, m) => `m = ${m + 1}`);
  pairs.forEach((p, k) => push(learnedRow, learnedLabels[k], p.w));
  components.forEach((e, m) => push(pcRow, pcLabels[m], unitVector(e)));
  if (cmax === 0) cmax = 1;
  const c = Number(cmax.toPrecision(2));
  const image: LayerSpec = {
    width: w * px,
    height: h * px,
    mark: { type: "rect", strokeWidth: 0 },
    encoding: {
      x: { field: "c", type: "quantitative", scale: { domain: [0, w], nice: false }, axis: null },
      x2: { field: "c1" },
      y: {
        field: "r",
        type: "quantitative",
        scale: { domain: [0, h], nice: false, reverse: true },
        axis: null,
      },
      y2: { field: "r1" },
      color: {
        field: "value",
        type: "quantitative",
        scale: { domain: [-c, c], range: DIVERGING, clamp: true },
        legend: { title: "value (unit norm)", gradientLength: Math.max(80, 2 * h * px) },
      },
    },
  };
  const row = (title: string, labels: string[]) => ({
    title: { text: title, anchor: "start", fontSize: 13, fontWeight: "normal" } as const,
    transform: [{ filter: { field: "row", equal: title } }],
    facet: {
      column: {
        field: "label",
        type: "nominal" as const,
        sort: labels,
        header: { title: null, labelOrient: "bottom" } as const,
      },
    },
    spacing: 6,
    spec: image,
  });
  return displayable({
    $schema: VEGA_LITE_SCHEMA,
    // wrapped to the grid's width (with its colour legend), so a long title is not cut
    ...(opts.title
      ? {
        // (at least 480 pixels: a title of many short lines reads worse than one wider than the grid)
        title: titleOf(
          opts.title,
          Math.max(480, Math.max(vectors.length, components.length) * (w * px + 6) + 130),
        ),
      }
      : {}),
    padding: 12,
    data: { values },
    // Pixels overlap their right and lower neighbours slightly: no seams between them.
    transform: [
      { calculate: `min(datum.c + 1.2, ${w})`, as: "c1" },
      { calculate: `min(datum.r + 1.2, ${h})`, as: "r1" },
    ],
    vconcat: [row(learnedRow, learnedLabels), row(pcRow, pcLabels)],
    spacing: 14,
    resolve: { scale: { color: "shared" } },
    config: { ...CONFIG, view: { stroke: null } },
  }, "spec");
}
