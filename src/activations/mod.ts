/**
 * The registry of activations: a name maps to one {@link ActivationSpec}
 * (kernel code, g and its derivatives, Gaussian averages in closed form or
 * by quadrature). The `Activation` type, validation, help texts and the
 * tests' loops derive from {@link ACTIVATIONS}; adding an activation is one
 * file here, one line below, and its kernel code in assembly/activation.ts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ACTIVATION_NAMES, activationSpec } from "./mod.ts";
 * assert.ok(ACTIVATION_NAMES.includes("erf"));
 * assert.equal(activationSpec("erf").kernelCode, 1);
 * ```
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import type { ActivationAverages, BiasedActivationAverages } from "./averages.ts";
import type { ActivationSpec } from "./spec.ts";
import { linear } from "./linear.ts";
import { erf } from "./erf.ts";
import { relu } from "./relu.ts";
import { tanh } from "./tanh.ts";

export type { ActivationSpec } from "./spec.ts";
export type {
  ActivationAverages,
  ActivationFunctions,
  BiasedActivationAverages,
  PairAverages,
  QuadratureAveragesOptions,
  QuadratureBiasedOptions,
  ScalarFunction,
} from "./averages.ts";
export { quadratureAverages, quadratureBiasedAverages } from "./averages.ts";
export { biasedFields, centralFields, predictedError } from "./fields.ts";
export type { EquationAverages, FieldAverages, Overlaps } from "./fields.ts";

/** Every activation the package knows, by name. */
export const ACTIVATIONS = { linear, erf, relu, tanh } as const;

/** The name of an activation g of the hidden units (THEORY.md section 1). */
export type Activation = keyof typeof ACTIVATIONS;

/** The activation names, in registry order. */
export const ACTIVATION_NAMES: readonly Activation[] = Object.keys(ACTIVATIONS) as Activation[];

/**
 * The spec of an activation by name; a {@link ConfigError} naming
 * `network.activation` and the allowed names otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { activationSpec } from "./mod.ts";
 * assert.equal(activationSpec("relu").g(-1), 0);
 * ```
 */
export function activationSpec(name: string): ActivationSpec {
  if (!Object.hasOwn(ACTIVATIONS, name)) {
    throw new ConfigError("network.activation", name, ACTIVATION_NAMES.join(", "));
  }
  return ACTIVATIONS[name as Activation];
}

/**
 * The averages of an activation over zero-mean fields (closed forms for
 * linear, erf and relu; quadrature otherwise).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { averagesFor } from "./mod.ts";
 * // E[g(x)^2] for Var x = 1: (2/pi) asin(1/2) = 1/3
 * assert.ok(Math.abs(averagesFor("erf").I2(1, 1, 1) - 1 / 3) < 1e-15);
 * ```
 */
export function averagesFor(name: string): ActivationAverages {
  return activationSpec(name).averages;
}

/**
 * The averages of an activation over fields with means (trained biases).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { averagesFor, biasedAveragesFor } from "./mod.ts";
 * // zero offsets: the central averages
 * const b = biasedAveragesFor("relu").I2(1, 0.3, 2, 0, 0);
 * assert.ok(Math.abs(b - averagesFor("relu").I2(1, 0.3, 2)) < 1e-15);
 * ```
 */
export function biasedAveragesFor(name: string): BiasedActivationAverages {
  return activationSpec(name).biasedAverages;
}
