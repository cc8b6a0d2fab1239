/**
 * The registry of learning rules (THEORY.md section 2): a name maps to its
 * kernel code, the units each unit reconstructs with (A(k)), whether it has
 * a decoder, and the networks it allows.
 *
 * @example
 * ```ts
 * import { RULE_NAMES, RULES } from "./rules.ts";
 * if (!(RULE_NAMES.length === 3 && RULES.truncated.uses(2, 1) && !RULES.truncated.uses(0, 1))) throw new Error("example failed");
 * ```
 * @module
 */

/** Everything the package needs of one learning rule. */
export interface RuleSpec {
  /** Name used in configs, flags and results. */
  readonly name: string;
  /** One line for help texts. */
  readonly doc: string;
  /** Code of the rule in the WebAssembly kernels (assembly/sgd.ts). */
  readonly kernelCode: number;
  /** Whether unit a is in A(k), the units unit k reconstructs with. */
  readonly uses: (k: number, a: number) => boolean;
  /** Whether the rule trains a decoder (Sanger's rule has none: v = w / sqrt(D)). */
  readonly decoder: boolean;
  /**
   * Whether unit k learns principal component k itself (truncated SGD,
   * Sanger's rule), or the units learn only the span of the top components,
   * in a rotation nothing pins (vanilla SGD): figures pair units with
   * components only in the first case.
   */
  readonly learnsComponents: boolean;
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

const vanilla: RuleSpec = {
  name: "vanilla",
  doc: "plain online SGD on the reconstruction loss",
  kernelCode: 0,
  uses: () => true,
  decoder: true,
  learnsComponents: false,
  requires: [],
};

const truncated: RuleSpec = {
  name: "truncated",
  doc: "unit k reconstructs with units 1..k only: learns the components in order",
  kernelCode: 1,
  uses: (k, a) => a <= k,
  decoder: true,
  learnsComponents: true,
  requires: [],
};

const sanger: RuleSpec = {
  name: "sanger",
  doc: "Sanger's rule (generalised Hebbian algorithm), no decoder",
  kernelCode: 2,
  uses: (k, a) => a <= k,
  decoder: false,
  learnsComponents: true,
  requires: [
    ["activation", "linear", "Sanger's rule is a linear Hebbian rule"],
    ["bias", false, "Sanger's rule has no bias"],
    ["outputBias", false, "Sanger's rule has no decoder, so no output bias"],
    ["tied", false, "Sanger's rule has no decoder"],
  ],
};

/** Every learning rule, by name. */
export const RULES = { vanilla, truncated, sanger } as const;

/** The name of a learning rule. */
export type Rule = keyof typeof RULES;

/** The rule names, in registry order. */
export const RULE_NAMES: readonly Rule[] = Object.keys(RULES) as Rule[];
