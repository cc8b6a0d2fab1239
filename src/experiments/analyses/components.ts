/**
 * The learned decoder vectors against the principal components (sinusoidal directions).
 * @module
 */
import { type AnalysisFn, check } from "../types.ts";
import { componentsSpec } from "../../plot/mod.ts";
import { pca } from "../../data/mod.ts";
import { curves, K_OF, THRESHOLDS } from "./shared.ts";
/** The learned decoder vectors against the principal components (sinusoidal directions). */
export const components: AnalysisFn = (preset, runs) => {
  const r = runs[0];
  const K = K_OF(r);
  const { spectrum } = pca(r.config.data, K);
  const D = spectrum.D;
  const pcs = Array.from(
    { length: K },
    (_, m) => spectrum.eigenvectors.subarray(m * D, (m + 1) * D),
  );
  const snap = r.simulation.runs[0].snapshots[r.simulation.runs[0].snapshots.length - 1];
  const decoder = r.config.rule === "sanger" ? snap.W : snap.V;
  const cos = decoder.map((row, k) => {
    let d = 0, n = 0;
    for (let i = 0; i < D; i++) {
      d += row[i] * pcs[k][i];
      n += row[i] * row[i];
    }
    return Math.abs(d) / Math.sqrt(n);
  });
  const checks = cos.map((c, k) =>
    check(
      `unit ${k + 1}: |cos| with principal component ${k + 1}`,
      c,
      ">=",
      THRESHOLDS.componentCos,
    )
  );
  return {
    numbers: { cosines: cos, at: snap.t, seed: r.simulation.runs[0].seed },
    checks,
    figures: {
      components: componentsSpec(decoder, pcs, {
        name: "v",
        match: "index",
        title: `Learned decoder vectors on the principal components (t = ${snap.t}, seed ${
          r.simulation.runs[0].seed
        })`,
      }),
      error_curve: curves(runs, preset.title),
    },
  };
};
