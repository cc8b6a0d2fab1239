/**
 * The spiked covariance model (THEORY.md section 3): r spikes of order D
 * standing out of an isotropic bulk, x = sum_m c_m a_m + sigma xi, sampled
 * in O(r D) per input.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { checkKeys, checkParam, defaultOf, type ParamSpec } from "../core/params.ts";
import { sharedKernels } from "../kernels/wasm.ts";
import type { DataKind } from "./kind.ts";
import { covarianceSpectrum } from "./spectrum.ts";
import type { MaterialisedModel, SpikedModel } from "./types.ts";

/** Largest input dimension D (memory of the weights and the test block). */
export const MAX_D = 100_000;

/** Largest finite value a covariance entry may reach (its square must stay finite too). */
const HUGE = 1e150;

/** The parameters of a spiked model, as config keys under "data." and flags. */
export const SPIKED_PARAMS: readonly ParamSpec[] = [
  {
    path: "data.D",
    flag: "D",
    type: "integer",
    min: 2,
    max: MAX_D,
    default: 500,
    doc: "input dimension D",
    group: "Data",
  },
  {
    path: "data.spikes",
    flag: "spikes",
    type: "numbers",
    min: 0,
    minExclusive: true,
    maxLength: (c) => c.D as number,
    default: [3, 5, 9],
    doc: "spike strengths s_m (standard deviations of the latent coefficients)",
    group: "Data",
  },
  {
    path: "data.sigma",
    flag: "sigma",
    type: "number",
    min: 0,
    default: 1,
    doc: "standard deviation sigma of the isotropic noise",
    group: "Data",
  },
  {
    path: "data.directions",
    flag: "directions",
    type: "choice",
    choices: () => ["random", "sinusoidal"],
    default: "random",
    doc: "spike directions: random Gaussian, or sin((m+1) i / 100)",
    group: "Data",
  },
  {
    path: "data.seed",
    flag: "data-seed",
    type: "integer",
    min: 0,
    max: 2 ** 48,
    default: 0,
    doc: "seed of the random spike directions",
    group: "Data",
  },
  {
    path: "data.normalise",
    flag: "normalise",
    type: "boolean",
    default: true,
    doc: "keep x unscaled (default: divide x by a scalar so that tr(Omega)/D = 1)",
    group: "Data",
  },
];

/**
 * A spiked covariance model with the published defaults (spikes s_m = 2^m + 1
 * for m = 1..3, sigma = 1, random directions, tr(Omega)/D = 1). Not
 * validated here: `simulate`, `theory` and `pca` validate their input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spikedModel } from "@aedyn/aedyn";
 * const model = spikedModel({ D: 100 });
 * assert.equal(model.spikes.length, 3);
 * assert.equal(model.sigma, 1);
 * ```
 */
export function spikedModel(opts: Partial<Omit<SpikedModel, "kind">> & { D: number }): SpikedModel {
  return {
    kind: "spiked",
    D: opts.D,
    spikes: opts.spikes ?? [3, 5, 9],
    sigma: opts.sigma ?? 1,
    directions: opts.directions ?? "random",
    normalise: opts.normalise ?? true,
    seed: opts.seed ?? 0,
  };
}

/**
 * The spike directions a_m (r x D, row-major, each of norm sqrt(D)): random
 * Gaussian rows from the data seed's own random stream, or sinusoids.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spikeDirections, spikedModel } from "./spiked.ts";
 * const A = spikeDirections(spikedModel({ D: 50, spikes: [3] }));
 * const n2 = A.reduce((s, x) => s + x * x, 0);
 * assert.ok(Math.abs(n2 - 50) < 1e-9);
 * ```
 */
export function spikeDirections(model: SpikedModel): Float64Array {
  const { D } = model;
  const r = model.spikes.length;
  const A = new Float64Array(r * D);
  if (model.directions === "sinusoidal") {
    for (let m = 0; m < r; m++) {
      for (let i = 0; i < D; i++) A[m * D + i] = Math.sin(((m + 2) * (i + 1)) / 100);
    }
  } else {
    const k = sharedKernels();
    const mark = k.mark();
    try {
      const st = k.alloc(24);
      // stream 8 seed + 7: disjoint from the per-run streams 8 n + {0, 1, 2} of simulate
      k.x.rngSeed(st, model.seed * 8 + 7);
      const p = k.f64(r * D);
      k.x.rngFillNormal(st, p, r * D);
      A.set(k.view(p, r * D));
    } finally {
      k.release(mark);
    }
  }
  for (let m = 0; m < r; m++) {
    let n2 = 0;
    for (let i = 0; i < D; i++) n2 += A[m * D + i] ** 2;
    const f = Math.sqrt(D / n2);
    for (let i = 0; i < D; i++) A[m * D + i] *= f;
  }
  return A;
}

function resolveSpiked(input: Record<string, unknown>): SpikedModel {
  checkKeys("data", input, SPIKED_KIND.keys);
  const out: Record<string, unknown> = { kind: "spiked" };
  for (const spec of SPIKED_PARAMS) {
    const key = spec.path.slice("data.".length);
    const given = input[key];
    out[key] = checkParam(spec, given === undefined ? defaultOf(spec, out) : given, out);
  }
  const m = out as unknown as SpikedModel;
  if (m.sigma === 0 && m.spikes.length === 0) {
    throw new ConfigError("data.sigma (--sigma)", 0, "> 0 when there are no spikes");
  }
  // the covariance must stay finite: eigenvalues s_m^2 D + sigma^2 (unnormalised) and the trace
  // sum_m s_m^2 + sigma^2 (its square root normalises)
  for (const s of m.spikes) {
    if (!(s * s * m.D < HUGE)) {
      throw new ConfigError(
        "data.spikes (--spikes)",
        s,
        `spike strengths with s^2 D < ${HUGE} (a finite covariance)`,
      );
    }
  }
  if (!(m.sigma * m.sigma < HUGE)) {
    throw new ConfigError(
      "data.sigma (--sigma)",
      m.sigma,
      `sigma^2 < ${HUGE} (a finite covariance)`,
    );
  }
  const trace = m.spikes.reduce((acc, s) => acc + s * s, 0) + m.sigma * m.sigma;
  if (!(trace < HUGE)) {
    throw new ConfigError(
      "data.spikes (--spikes)",
      m.spikes,
      `strengths with sum s_m^2 + sigma^2 < ${HUGE} (a finite covariance)`,
    );
  }
  return m;
}

function materialiseSpiked(model: SpikedModel): MaterialisedModel {
  const { D, spikes, sigma } = model;
  const r = spikes.length;
  const U = spikeDirections(model);
  // tr(Omega) = sum_m s_m^2 |a_m|^2 + sigma^2 D = D (sum_m s_m^2 + sigma^2)
  const rawTraceOverD = spikes.reduce((s, x) => s + x * x, 0) + sigma * sigma;
  const c = model.normalise ? 1 / Math.sqrt(rawTraceOverD) : 1;
  const coef = new Float64Array(spikes.map((s) => c * c * s * s));
  return {
    D,
    covariance: { D, diag: c * c * sigma * sigma, U, coef, r },
    sampler: {
      kind: "spiked",
      U,
      coef: new Float64Array(spikes.map((s) => c * s)),
      r,
      sigma: c * sigma,
    },
    traceOverD: c * c * rawTraceOverD,
  };
}

/** The spiked covariance model as a data kind. */
export const SPIKED_KIND: DataKind<SpikedModel> = {
  kind: "spiked",
  doc: "spiked covariance: r spikes of order D over an isotropic bulk (THEORY.md section 3)",
  params: SPIKED_PARAMS,
  keys: ["kind", "D", "spikes", "sigma", "directions", "seed", "normalise"],
  resolve: resolveSpiked,
  materialise: materialiseSpiked,
  spectrum: (_model, m) => covarianceSpectrum(m().covariance),
  describe: (model) => ({ ...model }),
};
