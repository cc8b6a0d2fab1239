/**
 * The exact population error of recorded networks on Gaussian inputs, from
 * their order parameters (THEORY.md sections 4 and 1b: `predictedError` of
 * the activation's Gaussian averages, the fields with the means b_k / sqrt(D)
 * of trained biases): the one copy of the formula, here where both
 * `simulate` (which records it per run) and `populationError` of
 * src/analysis may import it.
 * @module
 */
import { activationSpec } from "../activations/mod.ts";
import { biasedFields, centralFields, predictedError } from "../activations/fields.ts";
import type { Network, OrderParameters } from "./types.ts";

/**
 * The exact error of each recorded network of one run.
 *
 * @param order the order parameters at each recorded time
 * @param network the network (activation, bias)
 * @param traceOverD tr(Omega) / D of the inputs
 * @param D input dimension
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactErrors } from "./exact_error.ts";
 * const zero = [[0]];
 * const o = { Q: [[1]], R: zero, T: zero, T0: zero, WW: [[1]], a: zero, b: zero, bias: [0] };
 * const [e] = exactErrors([o], { activation: "erf", bias: false }, 2, 100);
 * assert.equal(e, 1); // a zero decoder: tr(Omega) / (2D)
 * ```
 */
export function exactErrors(
  order: readonly OrderParameters[],
  network: Pick<Network, "activation" | "bias">,
  traceOverD: number,
  D: number,
): number[] {
  const spec = activationSpec(network.activation);
  const flat = (M: number[][]) => Float64Array.from(M.flat());
  return order.map((o) => {
    const K = o.Q.length;
    const Q = flat(o.Q);
    const overlaps = {
      Q,
      R: flat(o.R),
      T: flat(o.T),
      T0: flat(o.T0),
      ...(o.C ? { C: Float64Array.from(o.C), C0: o.C0 ?? 0 } : {}),
    };
    const fields = network.bias
      ? biasedFields(spec.biasedAverages, Q, o.bias.map((b) => b / Math.sqrt(D)), K)
      : centralFields(spec.averages, Q, K);
    return predictedError(K, traceOverD, fields, overlaps);
  });
}
