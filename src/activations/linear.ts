/**
 * The linear activation g(u) = u: every Gaussian average is a covariance
 * entry (plus the product of the means with biases).
 * @module
 */
import type { ActivationAverages, BiasedActivationAverages } from "./averages.ts";
import type { ActivationSpec } from "./spec.ts";

const AVERAGES: ActivationAverages = {
  I2: (_c11, c12, _c22) => c12,
  J2: (_c11, c12, _c22) => c12,
  I21: (_c11, c12, _c22) => c12,
  I22: (_c11, _c12, c22) => c22,
  I3: (_c11, _c12, _c13, _c22, c23, _c33) => c23,
  j: (_q) => 1,
  mean: (_q) => 0,
  d1: (_q) => 0,
  d3: (_q) => 0,
  d2gPlusG1sq: (_q) => 1,
  d2g: (_qkk, _qka, _qaa) => 0,
  g1g1: (_qkk, _qka, _qaa) => 1,
};

const BIASED: BiasedActivationAverages = {
  I2: (_c11, c12, _c22, m1, m2) => c12 + m1 * m2,
  g1g1: () => 1,
  d2g: () => 0,
  g1g: (_c11, _c12, _c22, _m1, m2) => m2,
  j: () => 1,
  d1: () => 0,
  d3: () => 0,
  d2gPlusG1sq: () => 1,
  mean: (_q, m) => m,
};

/**
 * g(u) = u.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linear } from "./linear.ts";
 * assert.equal(linear.averages.I2(2, 0.5, 1), 0.5);
 * assert.equal(linear.g(3), 3);
 * ```
 */
export const linear: ActivationSpec = {
  name: "linear",
  doc: "g(u) = u",
  kernelCode: 0,
  closedForm: true,
  g: (u) => u,
  g1: () => 1,
  g2: () => 0,
  g3: () => 0,
  splitAt: [0],
  averages: AVERAGES,
  biasedAverages: BIASED,
};
