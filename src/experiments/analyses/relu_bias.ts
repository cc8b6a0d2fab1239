/**
 * Claim 4 (ReLU needs trained biases, THEORY.md 5.4): final errors without
 * biases, with hidden biases and with hidden and output biases, against the
 * PCA levels, from SGD and from the equations (integrated to a long time
 * with the stiff integrator for the output-bias variant).
 *
 * Why hidden biases alone end near eps_PCA(K-1): a unit in its linear
 * regime outputs v^k (lambda_k + mu_k), mu_k = b_k / sqrt(D), so the network
 * adds the constant sum_k mu_k v^k to every reconstruction. Zero-mean inputs
 * need that constant to vanish; with the biases large enough to keep the
 * units linear (mu_k of order 1), the only way is to spend one direction of
 * the decoder's span on cancelling it, leaving K - 1 directions for the
 * components. A trained output bias c absorbs the constant (its flow
 * dc/dt = -eta (sum_k v^k E[g(lambda_k)] + c) drives c to -sum_k v^k E[g_k]),
 * so the K units are free to span K components: eps_PCA(K).
 * @module
 */
import { type AnalysisFn, type Check, check } from "../types.ts";
import { longTimeOf } from "../preset.ts";
import { curves, finalOf, K_OF, levelsOf, longTimeErrors, THRESHOLDS } from "./shared.ts";

/** Claim 4: final errors without bias, with hidden biases, with hidden and output biases. */
export const reluBias: AnalysisFn = async (preset, runs, size, control = {}) => {
  const long = longTimeOf(preset, size) ?? 1e5;
  const rows = [];
  for (const r of runs) {
    const K = K_OF(r);
    const levels = levelsOf(r);
    const lastOrders = r.simulation.runs.map((run) => run.order[run.order.length - 1]);
    const mean = (f: (o: (typeof lastOrders)[number]) => number) =>
      lastOrders.reduce((s, o) => s + f(o), 0) / lastOrders.length;
    const biases = Array.from({ length: K }, (_, k) => mean((o) => o.bias[k]));
    const outputBias = r.config.network.outputBias;
    let asymptotic = NaN;
    if (r.theory && outputBias) {
      asymptotic = (await longTimeErrors(r, long, control))[1];
    }
    const final = finalOf(r.simulation);
    rows.push({
      label: r.label,
      bias: r.config.network.bias,
      outputBias,
      at: r.simulation.times[r.simulation.times.length - 1],
      finalSimulation: final,
      finalTheory: r.theory ? finalOf(r.theory) : NaN,
      asymptoticTheory: asymptotic,
      asymptoticAt: outputBias ? long : NaN,
      epsPCA_K: levels[K],
      epsPCA_Kminus1: levels[K - 1],
      ratio: final / levels[K],
      ratioKminus1: final / levels[K - 1],
      learnedBiases: biases,
      /** |sum_k mu_k v^k|^2 / D = sum_kl mu_k mu_l T0_kl: the constant the hidden biases add. */
      offsetNorm2: mean((o) => {
        const mu = o.bias.map((b) => b / Math.sqrt(r.config.data.D));
        let s = 0;
        for (let k = 0; k < K; k++) for (let l = 0; l < K; l++) s += mu[k] * mu[l] * o.T0[k][l];
        return s;
      }),
      C0: outputBias ? mean((o) => o.C0 ?? NaN) : NaN,
      theoryMissing: r.theoryMissing ?? null,
    });
  }
  const checks: Check[] = [];
  const none = rows.find((x) => !x.bias && !x.outputBias);
  const hidden = rows.find((x) => x.bias && !x.outputBias);
  const both = rows.find((x) => x.bias && x.outputBias);
  if (none) {
    checks.push(
      check("relu without bias: final error / eps_PCA(K)", none.ratio, ">=", THRESHOLDS.stalls),
    );
  }
  if (none && hidden) {
    checks.push(check(
      "hidden biases lower the final error: no bias / hidden biases",
      none.finalSimulation / hidden.finalSimulation,
      ">=",
      THRESHOLDS.biasGain,
    ));
  }
  if (hidden) {
    checks.push(check(
      "hidden biases only: |final error / eps_PCA(K-1) - 1|",
      Math.abs(hidden.ratioKminus1 - 1),
      "<=",
      THRESHOLDS.reluHiddenLevel,
    ));
  }
  if (both) {
    checks.push(check(
      `hidden and output biases: |final SGD error (t = ${both.at}) / eps_PCA(K) - 1|`,
      Math.abs(both.ratio - 1),
      "<=",
      THRESHOLDS.reluOutputSgd,
    ));
    checks.push(check(
      `hidden and output biases: |theory at t = ${long} / eps_PCA(K) - 1|`,
      Math.abs(both.asymptoticTheory / both.epsPCA_K - 1),
      "<=",
      THRESHOLDS.reluOutputTheory,
    ));
  }
  const notes: string[] = [];
  if (none) {
    notes.push(
      `Without biases the ReLU units pass half of their fields and SGD stalls at ${
        none.ratio.toFixed(1)
      } x eps_PCA(K).`,
    );
  }
  if (hidden) {
    notes.push(
      `With hidden biases the units move into their linear regime (mean learned b_k / sqrt(D) = ${
        hidden.learnedBiases.map((b) => (b / Math.sqrt(runs[0].config.data.D)).toFixed(2)).join(
          ", ",
        )
      }) and SGD ends at ${hidden.ratioKminus1.toFixed(3)} x eps_PCA(K-1), not eps_PCA(K): ` +
        "in the linear regime unit k outputs v^k (lambda_k + b_k/sqrt(D)), so the network adds " +
        "the constant sum_k v^k b_k/sqrt(D) to every reconstruction; zero-mean inputs need it " +
        "cancelled, and with the biases kept large the only way is to spend one unit's direction " +
        `on it, leaving K - 1 directions for the components (measured: |sum_k v^k b_k/sqrt(D)|^2 / D = ${
          hidden.offsetNorm2.toPrecision(2)
        } at the end, the constant cancelled).`,
    );
  }
  if (both) {
    notes.push(
      `A trained output bias c absorbs that constant (dc/dt = -eta (sum_k v^k E[g(lambda_k)] + c) ` +
        `drives c to -sum_k v^k E[g(lambda_k)]; here |sum_k v^k b_k/sqrt(D)|^2 / D = ${
          both.offsetNorm2.toFixed(2)
        } and |c|^2/D = ${both.C0.toFixed(2)} at the end: c carries the constant), ` +
        `so all K units span components: SGD ends at ${
          both.ratio.toFixed(3)
        } x eps_PCA(K) at t = ${both.at}, and the equations at ${
          (both.asymptoticTheory / both.epsPCA_K).toFixed(3)
        } x eps_PCA(K) at t = ${long}.`,
    );
  }
  return {
    numbers: { variants: rows },
    checks,
    notes,
    figures: { error_curve: curves(runs, preset.title) },
  };
};
