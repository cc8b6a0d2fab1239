/**
 * The theory's parts: `theory` itself and its solver settings, the
 * statistics of the fluctuations at finite D (escape times, quantiles, the
 * exact errors of SGD runs to compare them with), the forms of
 * the equations, the activations with their Gaussian averages (closed forms
 * or quadrature), the field averages and the predicted (population) error
 * of given overlaps, the ODE integrators, and the equations' building blocks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ACTIVATIONS, INTEGRATORS, SOLVER_PARAMS } from "./mod.ts";
 * assert.ok(ACTIVATIONS.erf.closedForm);
 * assert.ok(INTEGRATORS.dopri5.adaptive);
 * assert.ok(SOLVER_PARAMS.length > 0);
 * ```
 * @module
 */
export { theory } from "./theory.ts";
export { finiteAgreement, finiteAgreementText } from "./finite_agreement.ts";
export type { FiniteAgreement, MeanAgreement, SpreadAgreement } from "./finite_agreement.ts";
export type { TheoryControl } from "./theory.ts";
export {
  crossingTime,
  DECILES,
  escapeTimes,
  exactErrors,
  quantileOf,
  summariseFluctuations,
} from "./fluctuations.ts";
export {
  MAX_ADAPTIVE_STEPS,
  MAX_FIXED_STEPS,
  resolveSolver,
  SOLVER_KEYS,
  SOLVER_PARAMS,
} from "./solver.ts";
export type { SolverInput, SolverSettings } from "./solver.ts";
export { FORM_NAMES, FORMS } from "./forms.ts";
export type { Form, FormSpec } from "./forms.ts";
export {
  ACTIVATION_NAMES,
  ACTIVATIONS,
  activationSpec,
  averagesFor,
  biasedAveragesFor,
  biasedFields,
  centralFields,
  predictedError,
  quadratureAverages,
  quadratureBiasedAverages,
} from "../activations/mod.ts";
export type {
  Activation,
  ActivationAverages,
  ActivationFunctions,
  ActivationSpec,
  BiasedActivationAverages,
  EquationAverages,
  FieldAverages,
  Overlaps,
  PairAverages,
  QuadratureAveragesOptions,
  QuadratureBiasedOptions,
  ScalarFunction,
} from "../activations/mod.ts";
export * from "../ode/mod.ts";
