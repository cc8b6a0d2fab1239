/**
 * What one activation brings to the package: its kernel code, the scalar
 * functions, and its Gaussian averages (closed forms, or the quadrature
 * fallback). One file per activation in this folder holds one
 * {@link ActivationSpec}; `mod.ts` lists them.
 * @module
 */
import type {
  ActivationAverages,
  ActivationFunctions,
  BiasedActivationAverages,
} from "./averages.ts";

/** Everything the package needs of one activation g. */
export interface ActivationSpec extends ActivationFunctions {
  /** Name used in configs, flags and results. */
  readonly name: string;
  /** One line for help texts: the formula and what it is. */
  readonly doc: string;
  /** Code of the activation in the WebAssembly kernels (assembly/activation.ts). */
  readonly kernelCode: number;
  /** Whether {@link averages} and {@link biasedAverages} are closed forms (else quadrature). */
  readonly closedForm: boolean;
  /** Averages over zero-mean fields (THEORY.md section 4). */
  readonly averages: ActivationAverages;
  /** Averages over fields with means (trained biases). */
  readonly biasedAverages: BiasedActivationAverages;
}
