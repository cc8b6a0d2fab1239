/**
 * The one choice of how to draw learned vectors beside the principal
 * components, shared by the CLI, the experiments and the page: rules whose
 * units learn the components themselves (truncated SGD, Sanger's rule) get
 * unit-by-unit pairs; vanilla SGD and Oja's rule, which learn only their span
 * in some rotation, get the components against that span (line plots) or its
 * decoder after the best rotation onto the components (images). No chart of
 * its own: it picks among componentsSpec, subspaceSpec and imageGridSpec.
 * @module
 */
import { subspaceMatch } from "../analysis/components.ts";
import { RULE_NAMES, RULES } from "../problem/rules.ts";
import type { Rule } from "../problem/types.ts";
import { ConfigError } from "../core/errors.ts";
import { componentsSpec } from "./components.ts";
import { imageGridSpec } from "./image_grid.ts";
import { subspaceSpec } from "./subspace.ts";
import type { VegaLiteSpec } from "./style.ts";

/** The weights a figure of learned vectors draws: a snapshot's time, encoder and decoder. */
export interface LearnedWeights {
  /** Time t = steps / D. */
  t: number;
  /** Encoder, K x D. */
  W: number[][];
  /** Decoder, K x D. */
  V: number[][];
}

/** Options of {@linkcode componentsFigure}. */
export interface ComponentsFigureOptions {
  /** Draw the vectors as images of this [h, w] (h * w = D) instead of line plots. */
  imageShape?: [number, number];
  /** What the title says the snapshot is, e.g. "seed 1, t = 20" (default "t = ..."). */
  at?: string;
  /** Width of one line-plot panel in pixels (default the chart's). */
  width?: number;
  /** Height of one line-plot panel in pixels (default the chart's). */
  height?: number;
}

/**
 * The learned vectors of a snapshot beside the principal components, drawn
 * as the rule allows: pairs when units learn the components (the encoder for
 * Sanger's rule, which has no decoder; unit k on component k when there are
 * K components, else on its best match), the span and the Procrustes-rotated
 * vectors for the rules that learn only the span.
 *
 * @param snapshot the weights (W, V) at one time.
 * @param rule the learning rule that produced them (a name of the rule registry).
 * @param components principal components, M x D (any norm, any sign).
 * @param opts images, the title's time label and panel sizes.
 * @returns a Vega-Lite specification with a title that says what is drawn.
 * @throws ConfigError on a rule that is not in the registry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { componentsFigure } from "./components_figure.ts";
 * const s = Math.SQRT1_2;
 * const snap = { t: 5, W: [[1, 0, 0], [0, 1, 0]], V: [[s, s, 0], [-s, s, 0]] };
 * const pcs = [[1, 0, 0], [0, 1, 0]];
 * const title = (spec: object) => JSON.stringify((spec as { title?: unknown }).title);
 * // vanilla SGD learns the span: its decoder is drawn against the components' span
 * assert.match(title(componentsFigure(snap, "vanilla", pcs)), /span/);
 * // truncated SGD learns the components: unit k is paired with component k
 * assert.match(title(componentsFigure(snap, "truncated", pcs)), /unit k/);
 * ```
 */
export function componentsFigure(
  snapshot: LearnedWeights,
  rule: string,
  components: ReadonlyArray<ArrayLike<number>>,
  opts: ComponentsFigureOptions = {},
): VegaLiteSpec {
  if (!Object.hasOwn(RULES, rule)) throw new ConfigError("rule", rule, RULE_NAMES.join(", "));
  const spec = RULES[rule as Rule];
  const vectors = snapshot[spec.vectors];
  const what = spec.decoder ? "decoder" : "encoder";
  const name = spec.vectors === "V" ? "v" : "w";
  const at = opts.at ?? `t = ${snapshot.t}`;
  const size = {
    ...(opts.width !== undefined ? { width: opts.width } : {}),
    ...(opts.height !== undefined ? { height: opts.height } : {}),
  };
  const K = vectors.length;
  if (!spec.learnsComponents && components.length >= K) {
    if (opts.imageShape) {
      return imageGridSpec(subspaceMatch(vectors, components).rotated, components, {
        imageShape: opts.imageShape,
        // short: a row header wider than the grid pushes the colour legend away
        learnedTitle: `rotated ${what} (O ${name.toUpperCase()})ₘ`,
        learnedIndex: "m",
        title: `The ${what} of ${spec.label} after the best rotation onto the components ` +
          `(Procrustes; ${at}) and the leading eigen-images`,
      });
    }
    return subspaceSpec(vectors, components, {
      name,
      ...size,
      title: `Principal components and the span of the learned ${what} (${at})`,
    });
  }
  if (opts.imageShape) {
    return imageGridSpec(vectors, components, {
      imageShape: opts.imageShape,
      name,
      title: `Learned ${what} vectors (${at}) and the leading eigen-images`,
    });
  }
  const byIndex = components.length >= K;
  return componentsSpec(vectors, components, {
    name,
    match: byIndex ? "index" : "best",
    ...size,
    title: byIndex
      ? `Learned ${what} vectors, unit k on principal component k (${at})`
      : `Learned ${what} vectors (${at}) and the principal components they match best`,
  });
}
