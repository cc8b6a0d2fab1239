/**
 * The figures written beside a result: the error curve, the learned decoder
 * vectors next to the top principal components, and the overlap heatmap —
 * each as a Vega-Lite spec and, optionally, an SVG.
 * @module
 */
import type { CurveResult, Problem } from "../problem/types.ts";
import { prepare } from "../problem/prepare.ts";
import { RULES } from "../problem/rules.ts";
import {
  componentsFigure,
  decoderOverlapSource,
  errorCurveSpec,
  overlapHeatmapSpec,
  type VegaLiteSpec,
} from "../plot/mod.ts";
import { renderSvg } from "../plot/render.ts";

/** File name -> text for the figures of a simulation result. */
export async function resultFigures(
  result: CurveResult,
  cfg: Problem,
  opts: { svg: boolean; theory?: CurveResult },
): Promise<Record<string, string>> {
  const { K } = cfg.network;
  const { spectrum } = prepare(cfg);
  const D = spectrum.D;
  const M = Math.min(spectrum.eigenvalues.length, Math.max(K, 1));
  const pcs: Float64Array[] = [];
  for (let m = 0; m < M; m++) pcs.push(spectrum.eigenvectors.subarray(m * D, (m + 1) * D));
  const specs: Record<string, VegaLiteSpec> = {
    error_curve: opts.theory
      ? errorCurveSpec([result, opts.theory], {
        labels: [
          `online SGD (${result.runs.length} seed${result.runs.length === 1 ? "" : "s"})`,
          "theory (same initial weights)",
        ],
        title: "Online SGD and the exact equations, with the PCA levels",
      })
      : errorCurveSpec(result, { title: "Test error of online SGD with the PCA levels" }),
  };
  const last = result.runs[0].snapshots.at(-1);
  if (last && pcs.length > 0) {
    specs.components = componentsFigure(last, cfg.rule, pcs, {
      at: `seed ${result.runs[0].seed}, t = ${last.t}`,
    });
  }
  if (result.runs[0].order[0].a[0].length > 0) {
    // The encoder keeps O(1) components in every bulk direction, so its
    // cosines with the spikes stay small; the decoder's show what is learnt.
    // cos(v^k, e_m) = |b_k(m)| / sqrt(T0_kk), fed to the heatmap as a = sqrt(D) b, WW = T0.
    const sanger = !RULES[cfg.rule].decoder;
    const source = sanger ? result : decoderOverlapSource(result, D);
    specs.overlaps = overlapHeatmapSpec(source, {
      D,
      title: sanger ? "|cos(wᵏ, eₘ)| over time" : "|cos(vᵏ, eₘ)| of the decoder over time",
      vector: sanger ? "w" : "v",
    });
  }
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
