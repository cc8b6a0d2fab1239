/**
 * The simulation problem as one plain value, its defaults and its validation
 * (done once, at the boundary; past it the types are trusted).
 * @module
 */
import {
  type Activation,
  ACTIVATIONS,
  type DataModel,
  type InitialWeights,
  type Network,
  type Rule,
  RULES,
} from "./types.ts";
import { ConfigError } from "../core/errors.ts";
import { spikedModel, validateDataModel } from "../data/models.ts";

/** Everything `simulate` needs, with defaults filled in. */
export interface SimulateConfig {
  data: DataModel;
  network: Network;
  rule: Rule;
  /** Learning rate eta (O(1); the rules scale it by 1/D as in THEORY.md section 2). */
  lr: number;
  /** Final time t = steps / D. */
  tMax: number;
  /** One run per seed (initial weights, training and test samples). */
  seeds: number[];
  /** Recording times; default: 0 and `nTimes` log-spaced points from `tMin` to `tMax`. */
  times?: number[];
  /** Number of log-spaced recording times (default 60). */
  nTimes: number;
  /** First non-zero recording time (default max(1/D, tMax / 10^4); see {@link defaultTimes}). */
  tMin?: number;
  /** Held-out samples for the test error (default 2000). */
  nTest: number;
  /** Times at which the weights are saved (default: first and last recorded time). */
  snapshotTimes?: number[];
}

/** What a caller may leave out of a {@link SimulateConfig}. */
export type SimulateInput =
  & Partial<Omit<SimulateConfig, "network" | "data">>
  & { data?: DataModel; network?: Partial<Network> };

/** The default problem: the demo's spiked model (D = 500, K = 3, erf, untied). */
export const DEFAULTS = {
  D: 500,
  K: 3,
  activation: "erf" as Activation,
  lr: 1,
  tMax: 1000,
  sigma0: 0.1,
  nTimes: 60,
  nTest: 2000,
};

const SIMULATE_KEYS = [
  "data",
  "network",
  "rule",
  "lr",
  "tMax",
  "seeds",
  "times",
  "nTimes",
  "tMin",
  "nTest",
  "snapshotTimes",
  // solver settings of theory(), accepted so one problem value serves both
  "integrator",
  "form",
  "h",
  "atol",
  "rtol",
  "bins",
];
export const NETWORK_KEYS = ["K", "activation", "tied", "bias", "sigma0", "init"];

/** Reject a value that is not an object, or has keys outside `allowed`, naming the first offender. */
export function checkKeys(where: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(where, value, `an object with the keys ${allowed.join(", ")}`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new ConfigError(`${where} key`, key, allowed.join(", "));
  }
}

/** Largest number of f64 values one array of a run may hold (the wasm memory is 4 GiB at most). */
export const MAX_BLOCK = 1.5e8;

/** Fill in defaults and validate; throws {@link ConfigError} naming the bad parameter. */
export function resolveSimulateConfig(input: SimulateInput): SimulateConfig {
  checkKeys("config", input, SIMULATE_KEYS);
  if (input.network !== undefined) checkKeys("network", input.network, NETWORK_KEYS);
  let data = input.data ?? spikedModel({ D: DEFAULTS.D });
  // a full list of eigenpairs needs no bulk eigenvalue (as in the covariance file format)
  if (data.kind === "gaussian" && data.bulk === undefined && data.eigenvalues?.length === data.D) {
    data = { ...data, bulk: 0 };
  }
  validateDataModel(data);
  const net = input.network ?? {};
  const network: Network = {
    K: net.K ?? DEFAULTS.K,
    activation: net.activation ?? DEFAULTS.activation,
    tied: net.tied ?? false,
    bias: net.bias ?? false,
    sigma0: net.sigma0 ?? DEFAULTS.sigma0,
    ...(net.init ? { init: net.init } : {}),
  };
  const cfg: SimulateConfig = {
    data,
    network,
    rule: input.rule ?? "vanilla",
    lr: input.lr ?? DEFAULTS.lr,
    tMax: input.tMax ?? DEFAULTS.tMax,
    seeds: input.seeds ?? [1],
    nTimes: input.nTimes ?? DEFAULTS.nTimes,
    nTest: input.nTest ?? DEFAULTS.nTest,
    ...(input.times ? { times: input.times } : {}),
    ...(input.tMin !== undefined ? { tMin: input.tMin } : {}),
    ...(input.snapshotTimes ? { snapshotTimes: input.snapshotTimes } : {}),
  };
  validateSimulateConfig(cfg);
  return cfg;
}

function positiveInt(name: string, v: unknown, max: number, extra = ""): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) {
    throw new ConfigError(name, v, `an integer from 1 to ${max}${extra}`);
  }
}

function positiveFinite(name: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new ConfigError(name, v, "a finite number > 0");
  }
}

/** Validate a resolved configuration (the data model included). */
export function validateSimulateConfig(cfg: SimulateConfig): void {
  const D = cfg.data.D;
  const { network: net } = cfg;
  positiveInt("K", net.K, D, ` (K <= D = ${D})`);
  if (!ACTIVATIONS.includes(net.activation)) {
    throw new ConfigError("activation", net.activation, ACTIVATIONS.join(", "));
  }
  if (!RULES.includes(cfg.rule)) throw new ConfigError("rule", cfg.rule, RULES.join(", "));
  if (typeof net.tied !== "boolean") throw new ConfigError("tied", net.tied, "true or false");
  if (typeof net.bias !== "boolean") throw new ConfigError("bias", net.bias, "true or false");
  if (cfg.rule === "sanger") {
    if (net.activation !== "linear") {
      throw new ConfigError(
        "activation",
        net.activation,
        "linear (Sanger's rule is a linear Hebbian rule)",
      );
    }
    if (net.bias) throw new ConfigError("bias", net.bias, "false with Sanger's rule");
    if (net.tied) {
      throw new ConfigError("tied", net.tied, "false with Sanger's rule (it has no decoder)");
    }
  }
  if (typeof net.sigma0 !== "number" || !Number.isFinite(net.sigma0) || net.sigma0 <= 0) {
    throw new ConfigError(
      "sigma0",
      net.sigma0,
      "a finite number > 0 (zero weights are a fixed point)",
    );
  }
  if (net.K * D > MAX_BLOCK / 4) {
    throw new ConfigError(
      "K",
      net.K,
      `at most ${Math.floor(MAX_BLOCK / 4 / D)} for D = ${D} (K x D weights must fit in memory)`,
    );
  }
  if (net.init) validateInit(net.init, net.K, D, net.bias);
  positiveFinite("lr", cfg.lr);
  positiveFinite("t-max", cfg.tMax);
  if (cfg.tMax * D > 1e10) {
    throw new ConfigError("t-max", cfg.tMax, `at most ${1e10 / D} (1e10 steps)`);
  }
  if (!Array.isArray(cfg.seeds) || cfg.seeds.length < 1 || cfg.seeds.length > 1000) {
    throw new ConfigError("seed", cfg.seeds, "1 to 1000 integer seeds");
  }
  for (const s of cfg.seeds) {
    if (!Number.isInteger(s) || s < 0 || s > 2 ** 40) {
      throw new ConfigError("seed", s, "integers from 0 to 2^40");
    }
  }
  if (new Set(cfg.seeds).size !== cfg.seeds.length) {
    throw new ConfigError("seed", cfg.seeds, "distinct seeds");
  }
  positiveInt("n-times", cfg.nTimes, 100_000);
  positiveInt(
    "n-test",
    cfg.nTest,
    Math.max(1, Math.floor(MAX_BLOCK / D)),
    ` (n-test x D = ${D} values must fit in memory)`,
  );
  if (cfg.tMin !== undefined) {
    positiveFinite("t-min", cfg.tMin);
    if (cfg.tMin >= cfg.tMax) {
      throw new ConfigError("t-min", cfg.tMin, `a time below t-max = ${cfg.tMax}`);
    }
  }
  for (
    const [name, list] of [["times", cfg.times], ["snapshot-times", cfg.snapshotTimes]] as const
  ) {
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length < 1) {
      throw new ConfigError(
        name,
        list,
        "a non-empty list of times",
      );
    }
    for (const t of list) {
      if (typeof t !== "number" || !Number.isFinite(t) || t < 0 || t > cfg.tMax) {
        throw new ConfigError(name, t, `times from 0 to t-max = ${cfg.tMax}`);
      }
    }
  }
}

/** Check explicit initial weights against K, D and the bias flag. */
export function validateInit(init: InitialWeights, K: number, D: number, bias: boolean): void {
  const matrix = (name: string, m: unknown) => {
    if (!Array.isArray(m) || m.length !== K) {
      throw new ConfigError(
        `init.${name}`,
        Array.isArray(m) ? `${m.length} rows` : m,
        `K = ${K} rows (one per unit)`,
      );
    }
    m.forEach((row, k) => {
      if (!Array.isArray(row) || row.length !== D) {
        throw new ConfigError(
          `init.${name}[${k}]`,
          Array.isArray(row) ? `${row.length} numbers` : row,
          `D = ${D} numbers`,
        );
      }
      for (const v of row) {
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw new ConfigError(`init.${name}[${k}]`, v, "finite numbers");
        }
      }
    });
  };
  matrix("W", init.W);
  if (init.V !== undefined) matrix("V", init.V);
  if (init.b !== undefined) {
    if (
      !Array.isArray(init.b) || init.b.length !== K ||
      init.b.some((v) => typeof v !== "number" || !Number.isFinite(v))
    ) {
      throw new ConfigError("init.b", init.b, `K = ${K} finite numbers`);
    }
    if (!bias && init.b.some((v) => v !== 0)) {
      throw new ConfigError("init.b", init.b, "zeros, or a network with bias on");
    }
  }
}

/**
 * Default recording times: 0, then `n` log-spaced times from tMin (default
 * max(1/D, tMax / 10^4)) to tMax, rounded to whole steps and deduplicated.
 */
export function defaultTimes(tMax: number, D: number, n: number, tMin?: number): number[] {
  const lo = tMin ?? Math.max(1 / D, tMax / 1e4);
  const steps = new Set<number>([0]);
  for (let i = 0; i < n; i++) {
    const t = n === 1 ? tMax : lo * Math.pow(tMax / lo, i / (n - 1));
    steps.add(Math.max(1, Math.round(t * D)));
  }
  return [...steps].sort((a, b) => a - b).map((s) => s / D);
}
