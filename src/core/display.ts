/**
 * How the package's values show themselves in a notebook. Deno's Jupyter
 * kernel displays a cell's last value through its
 * `[Symbol.for("Jupyter.display")]()` method, which returns a MIME bundle;
 * {@link displayable} gives a value that method (not enumerable, so JSON,
 * `structuredClone`, messages to workers and deep comparisons ignore it).
 * Vega-Lite specs show as the figure; results and sweep summaries show
 * through the renderer their kind registered ({@link registerDisplay}, done
 * by `src/plot/jupyter.ts`, which `mod.ts` loads), as a figure and a short
 * text summary; without one, as text.
 * @module
 */

/** The symbol Deno's Jupyter kernel looks for. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** The MIME type of a Vega-Lite figure in Jupyter (JupyterLab's and VS Code's renderers). */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** A MIME bundle: MIME type to its data. */
export type MimeBundle = Record<string, unknown>;

/** What displays: a Vega-Lite spec, a simulation or theory result, a sweep summary, a comparison. */
export type DisplayKind = "spec" | "curve" | "sweep" | "comparison";

const renderers = new Map<DisplayKind, (value: unknown) => MimeBundle>();

/** Register the renderer of one kind of value (the plot layer renders results and sweeps). */
export function registerDisplay(kind: DisplayKind, render: (value: unknown) => MimeBundle): void {
  renderers.set(kind, render);
}

/**
 * The bundle of a Vega-Lite spec with a text alternative. The spec's
 * `$schema` names Vega-Lite 6; the copy shown names 5, the version the
 * notebook renderers load (the package's specs use nothing 6 added).
 */
export function vegaLiteBundle(spec: object, text: string): MimeBundle {
  const shown = { ...spec, $schema: "https://vega.github.io/schema/vega-lite/v5.json" };
  return { [VEGA_LITE_MIME]: shown, "text/plain": text };
}

/** The MIME bundle of a displayable value (what the notebook shows). */
export function displayBundle(value: unknown, kind: DisplayKind): MimeBundle {
  const render = renderers.get(kind);
  if (render) return render(value);
  if (kind === "spec") {
    const title = (value as { title?: unknown }).title;
    const text = typeof title === "string"
      ? title
      : Array.isArray(title)
      ? title.join(" ")
      : typeof title === "object" && title !== null && "text" in title
      ? [(title as { text: unknown }).text].flat().join(" ")
      : "Vega-Lite figure";
    return vegaLiteBundle(value as Record<string, unknown>, text);
  }
  return { "text/plain": `${kind} (import mod.ts to show it as a figure)` };
}

/**
 * Give `value` the display method of its kind (in place) and return it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayable, JUPYTER_DISPLAY, VEGA_LITE_MIME } from "./display.ts";
 * const spec = displayable({ $schema: "x", title: "a figure", mark: "point" }, "spec");
 * const bundle = (spec as unknown as { [JUPYTER_DISPLAY](): Record<string, unknown> })[JUPYTER_DISPLAY]();
 * assert.ok(VEGA_LITE_MIME in bundle && bundle["text/plain"] === "a figure", "the example's claim holds");
 * assert.ok(JSON.stringify(spec) === '{"$schema":"x","title":"a figure","mark":"point"}', "the example's claim holds");
 * ```
 */
export function displayable<T extends object>(value: T, kind: DisplayKind): T {
  Object.defineProperty(value, JUPYTER_DISPLAY, {
    value(this: unknown) {
      return displayBundle(this, kind);
    },
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return value;
}
