/**
 * The learned decoder vectors against the principal components (sinusoidal directions).
 * @module
 */
import { type AnalysisFn, check } from "../types.ts";
import { componentsSpec, subspaceSpec } from "../../plot/mod.ts";
import { subspaceMatch } from "../../analysis/components.ts";
import { pca } from "../../data/mod.ts";
import { RULES } from "../../problem/rules.ts";
import { curves, K_OF, THRESHOLDS } from "./shared.ts";
/**
 * The learned decoder vectors against the principal components (sinusoidal directions):
 * per unit for rules that learn the components themselves (truncated SGD, Sanger's rule);
 * for rules that learn their span in a rotation (vanilla SGD, Oja's rule), the components'
 * projections on the learned vectors' span and those vectors after the best rotation (checked
 * on those).
 */
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
  const rule = RULES[r.config.rule];
  const decoder = snap[rule.vectors];
  const vector = rule.vectors === "W" ? "w" : "v";
  const what = rule.decoder ? "decoder" : "encoder";
  const Label = rule.label[0].toUpperCase() + rule.label.slice(1);
  const cos = decoder.map((row, k) => {
    let d = 0, n = 0;
    for (let i = 0; i < D; i++) {
      d += row[i] * pcs[k][i];
      n += row[i] * row[i];
    }
    return Math.abs(d) / Math.sqrt(n);
  });
  const seed = r.simulation.runs[0].seed;
  if (!rule.learnsComponents) {
    const span = subspaceMatch(decoder, pcs);
    return {
      numbers: {
        cosines: cos,
        spanProjections: span.projectionNorms,
        rotatedCosines: span.rotatedCos,
        at: snap.t,
        seed,
      },
      checks: span.projectionNorms.map((p, m) =>
        check(
          `component ${m + 1}: |projection on the ${what}'s span|`,
          p,
          ">=",
          THRESHOLDS.componentCos,
        )
      ),
      figures: {
        components: subspaceSpec(decoder, pcs, {
          name: vector,
          title: `${Label} learns the span of the components, in a rotation: the principal ` +
            `components on the ${what}'s span (t = ${snap.t}, seed ${seed})`,
        }),
        error_curve: curves(runs, preset.title),
      },
    };
  }
  const checks = cos.map((c, k) =>
    check(
      `unit ${k + 1}: |cos| with principal component ${k + 1}`,
      c,
      ">=",
      THRESHOLDS.componentCos,
    )
  );
  return {
    numbers: { cosines: cos, at: snap.t, seed },
    checks,
    figures: {
      components: componentsSpec(decoder, pcs, {
        name: "v",
        match: "index",
        title: `Learned ${what} vectors, unit k on principal component k (${rule.label}, ` +
          `t = ${snap.t}, seed ${seed})`,
      }),
      error_curve: curves(runs, preset.title),
    },
  };
};
