/**
 * Vega-Lite specifications to Vega and to SVG, with no DOM and no `Deno`:
 * the same module runs in a browser. Compilation is strict by default: a
 * Vega-Lite warning usually means a channel, scale or field was dropped, so
 * it is raised as an error rather than logged and forgotten.
 * @module
 */
// full specifiers, so that this module also resolves when imported by URL (no import map)
// deno-lint-ignore no-import-prefix
import * as vega from "npm:vega@6.4.0";
// deno-lint-ignore no-import-prefix
import { compile, type TopLevelSpec } from "npm:vega-lite@6.5.0";

/** The result of {@linkcode compileSpec}. */
export interface CompiledSpec {
  /** The Vega specification. */
  spec: vega.Spec;
  /** Vega-Lite warnings (always empty in strict mode, which throws instead). */
  warnings: string[];
}

/** Options of {@linkcode compileSpec} and {@linkcode renderSvg}. */
export interface CompileOptions {
  /** Throw on any Vega-Lite (and, when rendering, Vega) warning (default true). */
  strict?: boolean;
}

/**
 * Compile a Vega-Lite specification to Vega, collecting Vega-Lite's log.
 *
 * @param vlSpec a Vega-Lite v6 top-level specification (plain JSON).
 * @param opts `strict` (default true): throw on warnings instead of returning them.
 * @returns the Vega specification and the warnings.
 * @throws Error naming the problem when the specification does not compile,
 *   when Vega-Lite logs an error, or (strict) when it logs a warning.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileSpec } from "./render.ts";
 * const { spec, warnings } = compileSpec({
 *   $schema: "https://vega.github.io/schema/vega-lite/v6.json",
 *   data: { values: [{ x: 1, y: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * assert.ok(Array.isArray(spec.marks));
 * assert.equal(warnings.length, 0);
 * ```
 */
export function compileSpec(vlSpec: unknown, opts: CompileOptions = {}): CompiledSpec {
  const strict = opts.strict ?? true;
  if (vlSpec === null || typeof vlSpec !== "object" || Array.isArray(vlSpec)) {
    throw new Error(`compileSpec: expected a Vega-Lite specification object, got ${typeof vlSpec}`);
  }
  const log = collectingLogger();
  let spec: vega.Spec;
  try {
    spec = compile(vlSpec as TopLevelSpec, { logger: log.logger }).spec;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new Error(`compileSpec: the Vega-Lite specification does not compile: ${detail}`, {
      cause: e,
    });
  }
  if (log.errors.length > 0) {
    throw new Error(`compileSpec: Vega-Lite reported errors: ${log.errors.join("; ")}`);
  }
  if (strict && log.warnings.length > 0) {
    throw new Error(
      `compileSpec: Vega-Lite warned (pass { strict: false } to accept): ${
        log.warnings.join("; ")
      }`,
    );
  }
  return { spec, warnings: log.warnings };
}

/**
 * Render a Vega-Lite specification to an SVG document (headless: Vega's
 * "none" renderer, text widths estimated without a canvas).
 *
 * @param vlSpec a Vega-Lite v6 top-level specification.
 * @param opts `strict` (default true): throw on Vega-Lite or Vega warnings.
 * @returns the SVG markup, starting with `<svg`.
 * @throws Error when the specification does not compile or Vega fails.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSvg } from "./render.ts";
 * const svg = await renderSvg({
 *   $schema: "https://vega.github.io/schema/vega-lite/v6.json",
 *   data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
 *   mark: "line",
 *   encoding: {
 *     x: { field: "x", type: "quantitative", title: "time" },
 *     y: { field: "y", type: "quantitative" },
 *   },
 * });
 * assert.ok(svg.startsWith("<svg"));
 * assert.ok(svg.includes("time"));
 * ```
 */
export async function renderSvg(vlSpec: unknown, opts: CompileOptions = {}): Promise<string> {
  const strict = opts.strict ?? true;
  const { spec } = compileSpec(vlSpec, opts);
  const log = collectingLogger();
  let view: vega.View | undefined;
  try {
    view = new vega.View(vega.parse(spec), { renderer: "none", logger: log.logger });
    const svg = await view.toSVG();
    if (log.errors.length > 0) throw new Error(log.errors.join("; "));
    if (strict && log.warnings.length > 0) {
      throw new Error(`warnings (pass { strict: false } to accept): ${log.warnings.join("; ")}`);
    }
    return svg;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new Error(`renderSvg: Vega could not render the specification: ${detail}`, { cause: e });
  } finally {
    view?.finalize();
  }
}

/** A Vega logger that keeps its messages instead of printing them. */
function collectingLogger() {
  const warnings: string[] = [];
  const errors: string[] = [];
  const text = (args: unknown[]) =>
    args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ");
  let current = 2; // vega.Warn
  const logger: vega.LoggerInterface = {
    level(level?: number) {
      if (level === undefined) return current;
      current = level;
      return logger;
    },
    error(...args: unknown[]) {
      errors.push(text(args));
      return logger;
    },
    warn(...args: unknown[]) {
      warnings.push(text(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  } as vega.LoggerInterface;
  return { logger, warnings, errors };
}
