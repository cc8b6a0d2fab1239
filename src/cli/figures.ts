/**
 * The figures written beside a result: the specs of src/plot's
 * `resultFigures` (the page draws the same ones) as Vega-Lite files and,
 * optionally, SVG.
 * @module
 */
import type { CurveResult, Problem } from "../problem/types.ts";
import { prepare } from "../problem/prepare.ts";
import type { VegaLiteSpec } from "../plot/mod.ts";
import { resultFigures } from "../plot/result_figures.ts";
import { renderSvg } from "../plot/render.ts";

/** File name -> text for the figures of a simulation result (see src/plot's `resultFigures`). */
export async function resultFigureFiles(
  result: CurveResult,
  cfg: Problem,
  opts: { svg: boolean; theory?: CurveResult },
): Promise<Record<string, string>> {
  const { spectrum } = prepare(cfg);
  const specs = resultFigures(result, spectrum, opts.theory ? { theory: opts.theory } : {});
  return await specFiles(specs, opts.svg);
}

/** File name -> text for figures: NAME.vl.json for every spec, and NAME.svg when `svg`. */
export async function specFiles(
  specs: Record<string, VegaLiteSpec>,
  svg: boolean,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    out[`${name}.vl.json`] = JSON.stringify(spec, null, 1);
    if (svg) out[`${name}.svg`] = await renderSvg(spec);
  }
  return out;
}
