/**
 * The forms of the equations (THEORY.md sections 4 and 4b): how the
 * directions of the spectrum are carried in the state.
 * @module
 */

/** Every form, by name, with a line for help texts. */
export const FORMS = {
  projected: "per-direction projections a_k, b_k (stable; exact mean flow of the weights)",
  density: "the published K x K densities q, r, t per direction",
} as const;

/** How the directions of a spectrum are carried. */
export type Form = keyof typeof FORMS;

/** The form names. */
export const FORM_NAMES: readonly Form[] = Object.keys(FORMS) as Form[];
