/**
 * Initial weights: the i.i.d. Gaussian draw of a seed (the same for
 * `simulate` and `theory`), and the "informed" start along the top-K
 * eigenvectors (THEORY.md section 1).
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { RNG_BYTES, sharedKernels } from "../kernels/wasm.ts";
import { type DataModel, resolveData, spectrumOf } from "../data/mod.ts";
import { RULES } from "./rules.ts";
import type { InitialWeights, Network, Rule } from "./types.ts";

/** Random streams per seed: stream s of seed n starts from state 8n + s. */
export const STREAM = { init: 0, train: 1, test: 2 } as const;

function rows(view: Float64Array, K: number, D: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < K; i++) out.push(Array.from(view.subarray(i * D, (i + 1) * D)));
  return out;
}

/**
 * The initial weights of a seed: i.i.d. N(0, sigma0^2) entries, W first,
 * then V (networks with their own decoder only), from random stream
 * 8 * seed of the package's generator; biases start at 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { drawInitialWeights } from "./init.ts";
 * const w = drawInitialWeights({ K: 2, sigma0: 0.1, tied: false }, 30, 1);
 * assert.equal(w.W.length, 2);
 * assert.equal(w.V!.length, 2);
 * assert.equal(w.W[0].length, 30);
 * ```
 */
export function drawInitialWeights(
  network: Pick<Network, "K" | "sigma0" | "tied">,
  D: number,
  seed: number,
  rule: Rule = "vanilla",
): InitialWeights {
  const { K, sigma0, tied } = network;
  const k = sharedKernels();
  const mark = k.mark();
  try {
    const st = k.alloc(RNG_BYTES);
    k.x.rngSeed(st, seed * 8 + STREAM.init);
    const p = k.f64(K * D);
    const draw = () => {
      k.x.rngFillNormal(st, p, K * D);
      k.x.scale(p, sigma0, p, K * D);
      return rows(k.view(p, K * D), K, D);
    };
    const W = draw();
    const V = !tied && RULES[rule].decoder ? draw() : undefined;
    return { W, ...(V ? { V } : {}), b: new Array(K).fill(0) };
  } finally {
    k.release(mark);
  }
}

/**
 * "Informed" initial weights (THEORY.md section 1): w^k = v^k = sigma0 sqrt(D) e_k along the top-K
 * eigenvectors e_k of the data model, the norms random weights of that sigma0 would have.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { informedWeights, spikedModel } from "@aedyn/aedyn";
 * const w = informedWeights(spikedModel({ D: 20, spikes: [3, 2] }), { K: 2, sigma0: 0.1 });
 * const n2 = w.W[0].reduce((s, x) => s + x * x, 0);
 * // the squared norm of a row is sigma0^2 D, as for random weights
 * assert.ok(Math.abs(n2 - 0.01 * 20) <= 1e-12, `|w|^2 = ${n2}, expected 0.2`);
 * ```
 */
export function informedWeights(
  model: DataModel,
  network: { K: number; sigma0: number },
): InitialWeights {
  const spec = spectrumOf(resolveData(model));
  const D = spec.D;
  const { K, sigma0 } = network;
  if (K > spec.eigenvalues.length) {
    throw new ConfigError(
      "network.K (--K)",
      K,
      `at most ${spec.eigenvalues.length} (the listed eigenvectors) for an informed start`,
    );
  }
  const W = Array.from(
    { length: K },
    (_, k) =>
      Array.from(spec.eigenvectors.subarray(k * D, (k + 1) * D), (e) => sigma0 * Math.sqrt(D) * e),
  );
  return { W, V: W.map((row) => row.slice()), b: new Array(K).fill(0) };
}
