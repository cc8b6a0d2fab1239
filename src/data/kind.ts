/**
 * What one kind of data model brings: its parameters, its validation, and
 * how to make it concrete (covariance, sampler, spectrum). One file per kind
 * in this folder holds one {@link DataKind}; `mod.ts` lists them.
 * @module
 */
import type { ParamSpec } from "../core/params.ts";
import type { DataModel, MaterialisedModel, Spectrum } from "./types.ts";

/** Everything the package needs of one kind of data model. */
export interface DataKind<M extends DataModel = DataModel> {
  /** The `kind` field of its models. */
  readonly kind: M["kind"];
  /** One line for help texts. */
  readonly doc: string;
  /** Its parameters settable from configs and flags (paths under "data."). */
  readonly params: readonly ParamSpec[];
  /** Every key a config may give for it (including those without a flag, e.g. eigenvectors). */
  readonly keys: readonly string[];
  /**
   * Fill in the defaults and validate a model given as plain data (from a
   * config, a file or code); derived quantities (the covariance's trace,
   * its eigenvalues) are checked too, naming the parameter the user gave.
   */
  resolve(input: Record<string, unknown>): M;
  /**
   * The covariance operator, the sampler's recipe and the trace; `spectrum`
   * gives the model's (cached) spectrum where the operator is built from it.
   */
  materialise(model: M, spectrum: () => Spectrum): MaterialisedModel;
  /**
   * The eigen-decomposition of the covariance; `materialised` gives the
   * model's (cached) concrete form where the spectrum is computed from it.
   */
  spectrum(model: M, materialised: () => MaterialisedModel): Spectrum;
  /** A JSON-able description (for result records). */
  describe(model: M): Record<string, unknown>;
}
