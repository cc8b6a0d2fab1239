/**
 * The forms of the equations (THEORY.md sections 4 and 4b): how the
 * directions of the spectrum are carried in the state, and how the domain
 * guard treats a crossing. The ODE system reads only these properties, never
 * a form's name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FORMS } from "./forms.ts";
 * // the published density form keeps every direction as a group of one, and only warns
 * assert.ok(!FORMS.density.vectors && FORMS.density.warnOnCrossing);
 * ```
 * @module
 */

/** What the ODE system needs of one form. */
export interface FormSpec {
  /** One line for help texts. */
  readonly doc: string;
  /**
   * Whether listed directions are carried as explicit vectors y(tau) (the
   * leading ones always, degenerate runs up to 2K long, and binned when
   * asked), or each as a Gram block of its own (the published densities).
   */
  readonly vectors: boolean;
  /**
   * Whether a domain crossing (a variance or covariance that is not positive)
   * is a warning, once per episode, rather than the end of the run: the
   * density form may cross transiently.
   */
  readonly warnOnCrossing: boolean;
}

const projected: FormSpec = {
  doc: "per-direction projections a_k, b_k (stable; exact mean flow of the weights)",
  vectors: true,
  warnOnCrossing: false,
};

const density: FormSpec = {
  doc: "the published K x K densities q, r, t per direction",
  vectors: false,
  warnOnCrossing: true,
};

/** Every form, by name. */
export const FORMS = { projected, density } as const;

/** How the directions of a spectrum are carried. */
export type Form = keyof typeof FORMS;

/** The form names. */
export const FORM_NAMES: readonly Form[] = Object.keys(FORMS) as Form[];
