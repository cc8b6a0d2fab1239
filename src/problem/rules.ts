/**
 * The registry of learning rules (THEORY.md section 2): a name maps to
 * everything the package needs of the rule — its kernel code, what the
 * equations need (the units each unit reconstructs with, A(k); for a Hebbian
 * rule, its linear flow), what the analyses and figures need (whether it has
 * a decoder, which weights play the decoder, whether it learns the components
 * themselves or only their span) and the networks it allows. Nothing else in
 * the package branches on a rule's name: a new rule is one entry here, its
 * kernel code in assembly/sgd.ts, and nothing more for the equations,
 * analyses, CLI and page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RULES } from "./rules.ts";
 * // truncated SGD: unit 3 (index 2) reconstructs with unit 2, unit 1 does not
 * assert.ok(RULES.truncated.uses(2, 1) && !RULES.truncated.uses(0, 1));
 * // Oja's subspace rule: every unit with every unit, so only the span is learnt
 * assert.ok(RULES.oja.uses(0, 2) && !RULES.oja.learnsComponents);
 * ```
 * @module
 */

/**
 * The linear flow of a Hebbian rule without decoder (y = W x / sqrt(D)) on
 * the projections a_k(tau) = w^k . e_tau: fill the a rows of M1 and M0
 * (m x m, row-major, zeroed by the caller) of d/dt y = (rho M1 + M0) y.
 * `c` is eta / D, `Q` the K x K overlaps w^k . Omega w^l / D.
 */
export type HebbianFlow = (
  K: number,
  m: number,
  c: number,
  Q: Float64Array,
  M1: Float64Array,
  M0: Float64Array,
) => void;

/** Everything the package needs of one learning rule. */
export interface RuleSpec {
  /** Name used in configs, flags and results. */
  readonly name: string;
  /** How figures and reports call it ("Sanger's rule", "truncated SGD"). */
  readonly label: string;
  /** One line for help texts. */
  readonly doc: string;
  /** Code of the rule in the WebAssembly kernels (assembly/sgd.ts). */
  readonly kernelCode: number;
  /** Whether unit a is in A(k), the units unit k reconstructs with (or decays against). */
  readonly uses: (k: number, a: number) => boolean;
  /**
   * Whether the rule trains a decoder. Without one (the Hebbian rules), the
   * effective decoder is v = w / sqrt(D), and `hebbian` gives the flow.
   */
  readonly decoder: boolean;
  /**
   * The linear flow of a Hebbian rule (no decoder), which the equations use
   * in place of the gradient flow of the reconstruction loss; undefined for
   * the gradient rules.
   */
  readonly hebbian?: HebbianFlow;
  /** Which weights figures show as the rule's learned vectors: the decoder V, or W without one. */
  readonly vectors: "W" | "V";
  /**
   * Whether unit k learns principal component k itself (truncated SGD,
   * Sanger's rule), or the units learn only the span of the top components,
   * in a rotation nothing pins (vanilla SGD, Oja's subspace rule): figures
   * pair units with components only in the first case.
   */
  readonly learnsComponents: boolean;
  /**
   * Whether the exact reduced engine (assembly/reduced.ts, THEORY.md 6a)
   * has this rule's update; `--engine reduced` refuses the rules it has not.
   */
  readonly reducedEngine: boolean;
  /**
   * What the rule requires of the network, as [network key, required value,
   * reason] (e.g. Sanger's rule: a linear, untied network without bias).
   */
  readonly requires: readonly (readonly [
    key: "activation" | "tied" | "bias" | "outputBias",
    value: string | boolean,
    why: string,
  ])[];
}

/**
 * The flow of the Hebbian rules (THEORY.md section 4, Sanger's rule):
 * dw^k/dt = (eta/D) (Omega w^k - sum_{a in A(k)} Q_ka w^a), i.e.
 * M1[a_k, a_k] = eta/D and M0[a_k, a_a] = -(eta/D) Q_ka for a in A(k).
 */
function hebbianFlow(uses: (k: number, a: number) => boolean): HebbianFlow {
  return (K, m, c, Q, M1, M0) => {
    for (let k = 0; k < K; k++) {
      M1[k * m + k] = c;
      for (let a = 0; a < K; a++) if (uses(k, a)) M0[k * m + a] = -c * Q[k * K + a];
    }
  };
}

/** What a Hebbian rule (a linear map y = W x / sqrt(D), no decoder) requires of the network. */
function hebbianRequires(label: string): RuleSpec["requires"] {
  return [
    ["activation", "linear", `${label} is a linear Hebbian rule`],
    ["bias", false, `${label} has no bias`],
    ["outputBias", false, `${label} has no decoder, so no output bias`],
    ["tied", false, `${label} has no decoder`],
  ];
}

const every = () => true;
const upTo = (k: number, a: number) => a <= k;

const vanilla: RuleSpec = {
  name: "vanilla",
  label: "vanilla SGD",
  doc: "plain online SGD on the reconstruction loss",
  kernelCode: 0,
  uses: every,
  decoder: true,
  vectors: "V",
  learnsComponents: false,
  reducedEngine: true,
  requires: [],
};

const truncated: RuleSpec = {
  name: "truncated",
  label: "truncated SGD",
  doc: "unit k reconstructs with units 1..k only: learns the components in order",
  kernelCode: 1,
  uses: upTo,
  decoder: true,
  vectors: "V",
  learnsComponents: true,
  reducedEngine: true,
  requires: [],
};

const sanger: RuleSpec = {
  name: "sanger",
  label: "Sanger's rule",
  doc: "Sanger's rule (generalised Hebbian algorithm), no decoder: learns the components in order",
  kernelCode: 2,
  uses: upTo,
  decoder: false,
  hebbian: hebbianFlow(upTo),
  vectors: "W",
  learnsComponents: true,
  reducedEngine: true,
  requires: hebbianRequires("Sanger's rule"),
};

const oja: RuleSpec = {
  name: "oja",
  label: "Oja's rule",
  doc: "Oja's subspace rule, the symmetric sibling of Sanger's: learns the span of the components",
  kernelCode: 3,
  uses: every,
  decoder: false,
  hebbian: hebbianFlow(every),
  vectors: "W",
  learnsComponents: false,
  reducedEngine: false,
  requires: hebbianRequires("Oja's rule"),
};

/** Every learning rule, by name (each entry typed `RuleSpec` where it is declared). */
export const RULES = { vanilla, truncated, sanger, oja } as const;

/** The name of a learning rule. */
export type Rule = keyof typeof RULES;

/** The rule names, in registry order. */
export const RULE_NAMES: readonly Rule[] = Object.keys(RULES) as Rule[];
