/**
 * Drawing Vega-Lite specifications in the page with vega-embed, loaded
 * lazily (the first figure fetches the vega chunk), and the downloads:
 * JSON records, the Vega-Lite spec, SVG and PNG from the figure's view.
 * @module
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { VegaLiteSpec } from "../src/plot/mod.ts";

type VegaChunk = typeof import("./vega_chunk.ts");
type View = Awaited<ReturnType<VegaChunk["embed"]>>["view"];

let chunk: Promise<VegaChunk> | undefined;

/** The vega chunk (fetched once, on first use). */
export function loadVega(): Promise<VegaChunk> {
  chunk ??= import("./vega_chunk.ts");
  return chunk;
}

/**
 * One figure slot of the page: shows a spec, replacing the previous figure
 * only once the new one is drawn (no flicker while a live curve grows);
 * redraws requested while one is in progress collapse into the latest.
 */
export class Figure {
  readonly el: HTMLElement;
  #view: View | undefined;
  #spec: VegaLiteSpec | undefined;
  #pending: VegaLiteSpec | undefined;
  #drawing: Promise<void> | undefined;

  /** Whether the figure on show was drawn for a narrow pane (legends under the plot). */
  #narrow = false;

  /** A slot drawing into `el`; a pane that turns narrow or wide again redraws the figure. */
  constructor(el: HTMLElement) {
    this.el = el;
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(() => {
        const narrow = isNarrow(this.el.clientWidth);
        if (this.#spec && narrow !== this.#narrow && !this.#drawing) void this.show(this.#spec);
      }).observe(el);
    }
  }

  /** Milliseconds the last figure took to draw (vega's loading left out). */
  lastDrawMs = 0;

  /** The spec on show. */
  get spec(): VegaLiteSpec | undefined {
    return this.#spec;
  }

  /** Draw `spec` (resolves when it, or a later one, is on show). */
  show(spec: VegaLiteSpec): Promise<void> {
    this.#pending = spec;
    this.#drawing ??= this.#drain().finally(() => (this.#drawing = undefined));
    return this.#drawing;
  }

  async #drain(): Promise<void> {
    const { embed } = await loadVega();
    while (this.#pending) {
      const spec = this.#pending;
      this.#pending = undefined;
      const t0 = performance.now();
      const holder = document.createElement("div");
      holder.className = "vega drawing";
      // drawn in place (a plot as wide as the pane needs the pane's width), hidden until done
      this.el.append(holder);
      let res;
      try {
        this.#narrow = isNarrow(this.el.clientWidth);
        res = await embed(holder, fitWidth(spec, this.el.clientWidth) as never, {
          actions: false,
          renderer: "svg",
          tooltip: true,
        });
      } catch (e) {
        holder.remove();
        throw e;
      }
      holder.classList.remove("drawing");
      for (const old of [...this.el.children]) if (old !== holder) old.remove();
      this.#view?.finalize();
      this.#view = res.view;
      this.#spec = spec;
      this.lastDrawMs = performance.now() - t0;
    }
  }

  /** Remove the figure. */
  clear(): void {
    this.#pending = undefined;
    this.#view?.finalize();
    this.#view = undefined;
    this.#spec = undefined;
    this.el.replaceChildren();
  }

  /** The figure as SVG text. */
  async svg(): Promise<string> {
    if (!this.#view) throw new Error("no figure on show");
    return await this.#view.toSVG();
  }

  /** The figure as a PNG data URL (twice the screen resolution). */
  async png(): Promise<string> {
    if (!this.#view) throw new Error("no figure on show");
    return await this.#view.toImageURL("png", 2);
  }
}

/** Below this width (pixels) legends go under the plot rather than inside or beside it. */
export const NARROW = 520;

/**
 * A figure fitted to a pane `paneWidth` pixels wide. A single-view figure
 * (one plot, layered or not) becomes as wide as the pane (its width the
 * container's, less the legend's and the axes' room); figures of several
 * panels keep their sizes (the style sheet shrinks them to the pane when
 * they are wider). In a narrow pane every legend goes under its plot, one
 * entry a line, so that it covers no curve and takes no width from it.
 */
export function fitWidth(spec: VegaLiteSpec, paneWidth: number): VegaLiteSpec {
  const narrow = isNarrow(paneWidth);
  const out = narrow ? legendsBelow(spec) as VegaLiteSpec : spec;
  const single = ("layer" in spec || "mark" in spec) && typeof spec.width === "number";
  if (!single) return out;
  return { ...out, width: "container", autosize: { type: "fit-x", contains: "padding" } };
}

/** Whether a pane `width` pixels wide is narrow (0: not laid out, not narrow). */
function isNarrow(width: number): boolean {
  return width > 0 && width < NARROW;
}

/** A copy of `x` with every legend placed under its plot, its entries one a line. */
function legendsBelow(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(legendsBelow);
  if (x === null || typeof x !== "object") return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    out[k] = k === "legend" && v !== null && typeof v === "object"
      ? { ...(v as object), orient: "bottom", direction: "vertical", columns: 1 }
      : legendsBelow(v);
  }
  return out;
}

/** Offer `data` (text, or a data URL) as a download named `name`. */
export function download(name: string, data: string, type = "application/json"): void {
  const url = data.startsWith("data:") ? data : URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  if (!data.startsWith("data:")) setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
