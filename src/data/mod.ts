/**
 * The registry of data models: a `kind` maps to one {@link DataKind}
 * (parameters, validation, materialisation, spectrum). Every model is
 * materialised and its spectrum computed at most once: both are cached per
 * model object, so `simulate`, `theory` and `pca` of one resolved problem
 * share them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DATA_KIND_NAMES, pca, spikedModel } from "./mod.ts";
 * const { epsPCA } = pca(spikedModel({ D: 200 }), 2);
 * assert.ok(DATA_KIND_NAMES.includes("spiked"));
 * assert.ok(Math.abs(epsPCA[0] - 0.5) < 1e-12);
 * ```
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import type { DataKind } from "./kind.ts";
import { SPIKED_KIND } from "./spiked.ts";
import { GAUSSIAN_KIND } from "./gaussian.ts";
import { DATASET_KIND } from "./dataset.ts";
import { pcaErrors } from "./spectrum.ts";
import type { DataModel, MaterialisedModel, Spectrum } from "./types.ts";

export type { DataKind } from "./kind.ts";
export type {
  DataModel,
  DatasetModel,
  GaussianModel,
  LowRankCovariance,
  MaterialisedModel,
  PcaSummary,
  SamplerSpec,
  Spectrum,
  SpikedModel,
} from "./types.ts";
export { MAX_D, SPIKED_PARAMS, spikeDirections, spikedModel } from "./spiked.ts";
export { checkOrthonormal, GAUSSIAN_PARAMS } from "./gaussian.ts";
export { datasetModel, gaussianEquivalent } from "./dataset.ts";
export { covarianceSpectrum, pcaErrors, pcaSummary } from "./spectrum.ts";

/** Every kind of data model, by its `kind`. */
export const DATA_KINDS = {
  spiked: SPIKED_KIND,
  gaussian: GAUSSIAN_KIND,
  dataset: DATASET_KIND,
} as const;

/** The `kind` of a data model. */
export type DataKindName = keyof typeof DATA_KINDS;

/** The kinds, in registry order. */
export const DATA_KIND_NAMES: readonly DataKindName[] = Object.keys(DATA_KINDS) as DataKindName[];

/**
 * The kind of a model (or a plain-data model from a config), or a
 * {@link ConfigError} naming `data.kind` and the allowed kinds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataKind } from "./mod.ts";
 * assert.equal(dataKind({ kind: "gaussian" }).kind, "gaussian");
 * ```
 */
export function dataKind(model: { kind?: unknown }): DataKind {
  const kind = model?.kind;
  if (typeof kind !== "string" || !Object.hasOwn(DATA_KINDS, kind)) {
    throw new ConfigError("data.kind", kind, DATA_KIND_NAMES.join(", "));
  }
  return DATA_KINDS[kind as DataKindName] as unknown as DataKind;
}

/**
 * Fill in the defaults of a data model and validate it (a spiked model when
 * no kind is given), naming the bad parameter; the result is frozen, and the
 * same object in gives the same object out when it is already resolved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveData } from "./mod.ts";
 * const m = resolveData({ D: 50 });
 * assert.equal(m.kind, "spiked");
 * assert.equal(m.D, 50);
 * assert.equal(resolveData(m), m);
 * ```
 */
export function resolveData(input: unknown): DataModel {
  if (typeof input === "object" && input !== null && RESOLVED.has(input)) {
    return input as DataModel;
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ConfigError("data", input, "an object describing the data model");
  }
  const raw = input as Record<string, unknown>;
  const kind = dataKind({ kind: raw.kind ?? "spiked" });
  const model = Object.freeze(kind.resolve(raw.kind === "dataset" ? { ...raw } : raw));
  RESOLVED.add(model);
  return model;
}

const RESOLVED = new WeakSet<object>();
const MATERIALISED = new WeakMap<DataModel, MaterialisedModel>();
const SPECTRA = new WeakMap<DataModel, Spectrum>();

/**
 * The model made concrete (covariance operator, sampler, trace), computed
 * once per model object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { materialise, resolveData } from "./mod.ts";
 * const m = resolveData({ D: 40, spikes: [2] });
 * assert.equal(materialise(m), materialise(m));
 * assert.equal(materialise(m).covariance.r, 1);
 * ```
 */
export function materialise(model: DataModel): MaterialisedModel {
  let m = MATERIALISED.get(model);
  if (!m) {
    m = dataKind(model).materialise(model, () => spectrumOf(model));
    MATERIALISED.set(model, m);
  }
  return m;
}

/**
 * The spectrum of a model's covariance (data sets: of the held-out second
 * moment), computed once per model object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveData, spectrumOf } from "./mod.ts";
 * const s = spectrumOf(resolveData({ D: 40, spikes: [2] }));
 * assert.equal(s.eigenvalues.length, 1);
 * assert.ok(s.eigenvalues[0] > s.bulk);
 * ```
 */
export function spectrumOf(model: DataModel): Spectrum {
  let s = SPECTRA.get(model);
  if (!s) {
    s = dataKind(model).spectrum(model, () => materialise(model));
    SPECTRA.set(model, s);
  }
  return s;
}

/**
 * Give a resolved model the spectrum computed for an equal model elsewhere
 * (a worker receives a copy of the model, and would otherwise compute the
 * spectrum again: an eigen-decomposition of D x D for a data set).
 *
 * @throws ConfigError when the spectrum's D is not the model's.
 */
export function rememberSpectrum(model: DataModel, spectrum: Spectrum): void {
  if (spectrum.D !== model.D) {
    throw new ConfigError("spectrum.D", spectrum.D, `the data model's D = ${model.D}`);
  }
  if (!SPECTRA.has(model)) SPECTRA.set(model, spectrum);
}

/** A JSON-able description of a data model (data sets by their source and sizes). */
export function describeData(model: DataModel): Record<string, unknown> {
  return dataKind(model).describe(model);
}

/** Result of {@link pca}. */
export interface Pca {
  /** The covariance's spectrum. */
  spectrum: Spectrum;
  /** eps_PCA(m) for m = 0..mMax. */
  epsPCA: number[];
}

/**
 * PCA of a data model: its spectrum and eps_PCA(m) for m = 0..mMax, the
 * error of the best rank-m linear reconstruction (THEORY.md section 4b).
 * `mMax` must be an integer from 0 to D.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pca, spikedModel } from "@aedyn/aedyn";
 * const { spectrum, epsPCA } = pca(spikedModel({ D: 200 }), 3);
 * assert.ok(spectrum.eigenvalues[0] > spectrum.eigenvalues[1]);
 * // tr(Omega)/D = 1
 * assert.ok(Math.abs(epsPCA[0] - 0.5) < 1e-12);
 * ```
 */
// the signature deno doc shows: mMax is optional (default 0)
export function pca(model: DataModel, mMax?: number): Pca;
export function pca(model: DataModel, mMax = 0): Pca {
  const m = resolveData(model);
  if (!Number.isInteger(mMax) || mMax < 0 || mMax > m.D) {
    throw new ConfigError("mMax", mMax, `an integer from 0 to D = ${m.D}`);
  }
  const spectrum = spectrumOf(m);
  return { spectrum, epsPCA: pcaErrors(spectrum, mMax) };
}
