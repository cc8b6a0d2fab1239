/**
 * Claim 4 (ReLU needs a trained bias): final errors with and without biases against the PCA levels.
 * @module
 */
import { type AnalysisFn, type Check, check } from "../types.ts";
import { curves, finalOf, K_OF, levelsOf, THRESHOLDS } from "./shared.ts";
/** Claim 4 (ReLU needs a trained bias): final errors with and without biases against the PCA levels. */
export const reluBias: AnalysisFn = (preset, runs) => {
  const rows = runs.map((r) => {
    const K = K_OF(r);
    const levels = levelsOf(r);
    const lastOrders = r.simulation.runs.map((run) => run.order[run.order.length - 1]);
    const biases = Array.from(
      { length: K },
      (_, k) => lastOrders.reduce((s, o) => s + o.bias[k], 0) / lastOrders.length,
    );
    return {
      label: r.label,
      bias: r.config.network.bias,
      finalSimulation: finalOf(r.simulation),
      finalTheory: r.theory ? finalOf(r.theory) : NaN,
      epsPCA_K: levels[K],
      ratio: finalOf(r.simulation) / levels[K],
      learnedBiases: biases,
      theoryMissing: r.theoryMissing ?? null,
    };
  });
  const checks: Check[] = [];
  const without = rows.find((x) => !x.bias), withBias = rows.find((x) => x.bias);
  if (without) {
    checks.push(
      check("relu without bias: final error / eps_PCA(K)", without.ratio, ">=", THRESHOLDS.stalls),
    );
  }
  if (withBias) {
    checks.push(
      check(
        "relu with trained bias: final error / eps_PCA(K)",
        withBias.ratio,
        "<=",
        THRESHOLDS.reluReaches,
      ),
    );
  }
  return {
    numbers: { variants: rows },
    checks,
    figures: { error_curve: curves(runs, preset.title) },
  };
};
