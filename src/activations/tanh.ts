/**
 * The hyperbolic tangent g(u) = tanh(u), a sigmoidal activation with no
 * closed-form Gaussian averages: the equations use the quadrature fallback
 * (Gauss–Hermite, split at the inflection point u = 0 and integrated there
 * piecewise by Gauss–Legendre), which needs only g and its derivatives.
 * @module
 */
import { quadratureAverages, quadratureBiasedAverages } from "./averages.ts";
import type { ActivationSpec } from "./spec.ts";

const g = (u: number): number => Math.tanh(u);
/** g' = 1 - tanh^2. */
const g1 = (u: number): number => {
  const t = Math.tanh(u);
  return 1 - t * t;
};
/** g'' = -2 tanh (1 - tanh^2). */
const g2 = (u: number): number => {
  const t = Math.tanh(u);
  return -2 * t * (1 - t * t);
};
/** g''' = (1 - tanh^2)(6 tanh^2 - 2). */
const g3 = (u: number): number => {
  const t2 = Math.tanh(u) ** 2;
  return (1 - t2) * (6 * t2 - 2);
};
const splitAt = [0];
/**
 * Gauss–Legendre nodes per piece: 32 for variances up to 2, 48 beyond; within 1e-8 of a
 * 128-node grid for variances up to 16 (tests/activations/averages_test.ts).
 */
const legendreNodesFor = (variance: number): number => (variance <= 2 ? 32 : 48);
/** g, g', g'' from one tanh. */
const values = (u: number, out: Float64Array): void => {
  const t = Math.tanh(u);
  const s = 1 - t * t;
  out[0] = t;
  out[1] = s;
  out[2] = -2 * t * s;
};

/**
 * g(u) = tanh(u); the averages by quadrature.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tanh } from "./tanh.ts";
 * // E[g'(x)] at zero variance is g'(0) = 1, and falls with the variance
 * assert.ok(Math.abs(tanh.averages.j(1e-12) - 1) < 1e-9);
 * assert.ok(tanh.averages.j(1) < 1);
 * ```
 */
export const tanh: ActivationSpec = {
  name: "tanh",
  doc: "g(u) = tanh(u), sigmoidal (averages by quadrature)",
  kernelCode: 3,
  closedForm: false,
  g,
  g1,
  g2,
  g3,
  splitAt,
  values,
  averages: quadratureAverages(g, g1, g2, g3, { splitAt, values, legendreNodesFor }),
  biasedAverages: quadratureBiasedAverages({ g, g1, g2, g3, splitAt }, {
    values,
    legendreNodesFor,
  }),
};
