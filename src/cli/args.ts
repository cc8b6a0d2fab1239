/**
 * Command-line flags of `simulate` and their translation into a
 * {@link SimulateInput}. Flags are named after the paper's symbols.
 * Browser-safe: file contents are passed in by the caller.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import type { SimulateInput } from "../problem/config.ts";
import { checkKeys, DEFAULTS, NETWORK_KEYS } from "../problem/config.ts";

const SPIKED_KEYS = ["kind", "D", "spikes", "sigma", "directions", "normalise", "seed"];
const GAUSSIAN_KEYS = ["kind", "D", "eigenvalues", "eigenvectors", "bulk"];
import { spikedModel, validateDataModel } from "../data/models.ts";
import { informedWeights } from "../sgd/simulate.ts";
import type {
  Activation,
  DataModel,
  InitialWeights,
  Network,
  Rule,
  SpikedModel,
} from "../problem/types.ts";

/** parseArgs option table of the problem flags shared by simulate and pca. */
export const PROBLEM_FLAGS = {
  D: { type: "string" },
  K: { type: "string" },
  lr: { type: "string" },
  activation: { type: "string" },
  rule: { type: "string" },
  tied: { type: "boolean" },
  bias: { type: "boolean" },
  "t-max": { type: "string" },
  "t-min": { type: "string" },
  "n-times": { type: "string" },
  times: { type: "string" },
  "snapshot-times": { type: "string" },
  seed: { type: "string" },
  seeds: { type: "string" },
  sigma0: { type: "string" },
  spikes: { type: "string" },
  sigma: { type: "string" },
  directions: { type: "string" },
  "data-seed": { type: "string" },
  "no-normalise": { type: "boolean" },
  "n-test": { type: "string" },
  spectrum: { type: "string" },
  init: { type: "string" },
  informed: { type: "boolean" },
  config: { type: "string" },
} as const;

const SPIKED = spikedModel({ D: DEFAULTS.D });

/** Help lines for {@link PROBLEM_FLAGS}. */
export const PROBLEM_HELP = `Problem (flags override the --config file):
  --config FILE        JSON file with the same fields as simulate()'s input
  --D N                input dimension D (default ${DEFAULTS.D})
  --K N                hidden units K, 1 <= K <= D (default ${DEFAULTS.K})
  --activation A       linear | erf | relu (default ${DEFAULTS.activation})
  --rule R             vanilla | truncated | sanger (default vanilla)
  --tied               tied weights (decoder = encoder)
  --bias               trained bias in the local fields
  --lr X               learning rate eta (default ${DEFAULTS.lr})
  --sigma0 X           std of the initial weights (default ${DEFAULTS.sigma0})
  --init FILE          initial weights {"W": KxD, "V": KxD, "b": K}
  --informed           start along the top-K eigenvectors (norms as --sigma0 gives)
Data (spiked covariance model unless --spectrum):
  --spikes S1,S2,...   spike strengths s_m (default ${SPIKED.spikes.join(",")})
  --sigma X            noise std (default ${SPIKED.sigma})
  --directions D       random | sinusoidal (default random)
  --data-seed N        seed of the random directions (default 0)
  --no-normalise       keep x unscaled (default: tr(Omega)/D = 1)
  --spectrum FILE      Gaussian inputs with this covariance
                       {"eigenvalues": [D], "eigenvectors": [D rows]}
Time and samples:
  --t-max T            final time t = steps/D (default ${DEFAULTS.tMax})
  --t-min T            first log-spaced recording time
  --n-times N          number of log-spaced recording times (default ${DEFAULTS.nTimes})
  --times t1,t2,...    explicit recording times
  --snapshot-times t1,...  times at which weights are saved (default first, last)
  --seed S1,S2,...     seeds, one run each (default 1)
  --seeds N            N runs with seeds --seed, --seed+1, ...
  --n-test N           held-out samples for the test error (default ${DEFAULTS.nTest})`;

/** Parsed flag values as parseArgs returns them. */
export type FlagValues = Record<string, string | boolean | undefined>;

/** Parse a number flag, or throw a ConfigError naming it. */
export function numberFlag(name: string, text: string, integer = false): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new ConfigError(name, text, integer ? "an integer" : "a number");
  }
  return v;
}

/** Parse a comma-separated list of numbers. */
export function listFlag(name: string, text: string, integer = false): number[] {
  return text.split(",").map((s) => numberFlag(name, s.trim(), integer));
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!allowed.includes(text as T)) throw new ConfigError(name, text, allowed.join(", "));
  return text as T;
}

/** Files a problem refers to, read by the caller. */
export interface ProblemFiles {
  config?: unknown;
  spectrum?: DataModel;
  init?: InitialWeights;
}

/**
 * Merge a config file's fields and the flags into a {@link SimulateInput}.
 * The flags win. Validation of ranges happens in resolveSimulateConfig.
 */
export function problemFromFlags(flags: FlagValues, files: ProblemFiles): SimulateInput {
  const base = (files.config ?? {}) as SimulateInput;
  if (typeof base !== "object" || base === null || Array.isArray(base)) {
    throw new ConfigError("config", base, "a JSON object with simulate()'s fields");
  }
  const str = (k: string) => flags[k] as string | undefined;
  const num = (k: string, integer = false) =>
    str(k) !== undefined ? numberFlag(`--${k}`, str(k)!, integer) : undefined;

  if (base.data !== undefined) {
    const kind = (base.data as { kind?: unknown })?.kind;
    if (kind !== "spiked" && kind !== "gaussian") {
      throw new ConfigError(
        "data.kind",
        kind,
        '"spiked" or "gaussian" (data sets: cli.ts realdata)',
      );
    }
    checkKeys("data", base.data, kind === "spiked" ? SPIKED_KEYS : GAUSSIAN_KEYS);
  }
  let data: DataModel | undefined = files.spectrum ?? base.data;
  const spikedFlags = ["spikes", "sigma", "directions", "data-seed", "no-normalise"].filter((k) =>
    flags[k] !== undefined
  );
  if ((files.spectrum || data?.kind === "gaussian") && spikedFlags.length) {
    throw new ConfigError(
      `--${spikedFlags[0]}`,
      flags[spikedFlags[0]],
      "no spiked-model flag together with --spectrum",
    );
  }
  if (!files.spectrum) {
    const prev: Partial<SpikedModel> = data?.kind === "spiked" ? data : {};
    const D = num("D", true) ?? data?.D ?? DEFAULTS.D;
    if (data?.kind === "gaussian" && num("D", true) !== undefined && D !== data.D) {
      throw new ConfigError("--D", D, `D = ${data.D} of the config file's Gaussian data`);
    }
    if (data?.kind !== "gaussian") {
      data = spikedModel({
        ...prev,
        D,
        ...(str("spikes") !== undefined ? { spikes: listFlag("--spikes", str("spikes")!) } : {}),
        ...(num("sigma") !== undefined ? { sigma: num("sigma") } : {}),
        ...(str("directions") !== undefined
          ? {
            directions: oneOf(
              "--directions",
              str("directions")!,
              ["random", "sinusoidal"] as const,
            ),
          }
          : {}),
        ...(num("data-seed", true) !== undefined ? { seed: num("data-seed", true) } : {}),
        ...(flags["no-normalise"] ? { normalise: false } : {}),
      });
    }
  } else if (num("D", true) !== undefined && num("D", true) !== files.spectrum.D) {
    throw new ConfigError("--D", num("D", true), `D = ${files.spectrum.D} of the --spectrum file`);
  }

  if (base.network !== undefined) checkKeys("network", base.network, NETWORK_KEYS);
  const network: Partial<Network> = { ...(base.network ?? {}) };
  if (num("K", true) !== undefined) network.K = num("K", true);
  if (str("activation") !== undefined) network.activation = str("activation") as Activation;
  if (flags.tied) network.tied = true;
  if (flags.bias) network.bias = true;
  if (num("sigma0") !== undefined) network.sigma0 = num("sigma0");
  if (flags.informed) {
    if (files.init) throw new ConfigError("--informed", true, "not together with --init");
    validateDataModel(data!);
    network.init = informedWeights(data!, {
      K: network.K ?? DEFAULTS.K,
      sigma0: network.sigma0 ?? DEFAULTS.sigma0,
    });
  }
  if (files.init) {
    network.init = files.init;
    if (network.K === undefined) network.K = files.init.W.length;
  }

  let seeds = base.seeds;
  if (str("seed") !== undefined) seeds = listFlag("--seed", str("seed")!, true);
  const count = num("seeds", true);
  if (count !== undefined) {
    if (count < 1 || count > 1000) {
      throw new ConfigError("--seeds", count, "an integer from 1 to 1000");
    }
    const first = seeds?.[0] ?? 1;
    seeds = Array.from({ length: count }, (_, i) => first + i);
  }

  const out: SimulateInput = { ...base, data, network };
  if (str("rule") !== undefined) out.rule = str("rule") as Rule;
  if (num("lr") !== undefined) out.lr = num("lr");
  if (num("t-max") !== undefined) out.tMax = num("t-max");
  if (num("t-min") !== undefined) out.tMin = num("t-min");
  if (num("n-times", true) !== undefined) out.nTimes = num("n-times", true);
  if (num("n-test", true) !== undefined) out.nTest = num("n-test", true);
  if (str("times") !== undefined) out.times = listFlag("--times", str("times")!);
  if (str("snapshot-times") !== undefined) {
    out.snapshotTimes = listFlag("--snapshot-times", str("snapshot-times")!);
  }
  if (seeds !== undefined) out.seeds = seeds;
  return out;
}
