/**
 * The problem's parameter table (besides the data model's, which each data
 * kind declares): one declaration per parameter gives its validation and
 * error message, its config key, its CLI flag and its help line.
 * @module
 */
import type { ParamContext, ParamSpec } from "../core/params.ts";
import { ACTIVATION_NAMES } from "../activations/mod.ts";
import { RULE_NAMES } from "./rules.ts";
import { ENGINE_NAMES } from "./engine.ts";
import { isSchedule, SCHEDULE_ALLOWED } from "./schedule.ts";

/** Largest number of f64 values one array of a run may hold (the wasm memory is 4 GiB at most). */
export const MAX_BLOCK = 1.5e8;
/** Largest number of SGD steps of one run. */
export const MAX_STEPS = 1e10;
/** Largest number of seeds of one problem. */
export const MAX_SEEDS = 1000;
/**
 * Most weights a run's snapshots may hold in all (each snapshot holds W and
 * V, 2 K D numbers): results are JSON, and a string of JSON cannot grow
 * beyond about 5e8 characters.
 */
export const MAX_SNAPSHOT_VALUES = 2e7;

const D = (c: ParamContext): number => c.D as number;
const tMax = (c: ParamContext): number => c.tMax as number;

/**
 * The network, rule, time and sample parameters, in resolution order (a
 * bound may use what comes before it: D, then tMax). The one declaration of
 * each: the `Problem` type is derived from it (`TreeOf`: a key per path,
 * typed by its type and choices, required when it has a default), and so are
 * the keys a problem and its network may hold. A new parameter is one entry.
 */
export const PROBLEM_PARAMS = [
  {
    path: "network.K",
    flag: "K",
    type: "integer",
    min: 1,
    max: (c: ParamContext): number => Math.min(D(c), Math.floor(MAX_BLOCK / 4 / D(c))),
    maxNote: "K <= D",
    default: (c: ParamContext): number => Math.min(3, D(c)),
    doc: "hidden units K",
    group: "Network",
  },
  {
    path: "network.activation",
    flag: "activation",
    type: "choice",
    choices: () => ACTIVATION_NAMES,
    default: "erf",
    doc: "activation g of the hidden units",
    group: "Network",
  },
  {
    path: "network.tied",
    flag: "tied",
    type: "boolean",
    default: false,
    doc: "tied weights (decoder = encoder)",
    group: "Network",
  },
  {
    path: "network.bias",
    flag: "bias",
    type: "boolean",
    default: false,
    doc: "trained bias in the local fields",
    group: "Network",
  },
  {
    path: "network.outputBias",
    flag: "output-bias",
    type: "boolean",
    default: false,
    doc: "trained output (decoder) bias c (docs/THEORY.md section 1b)",
    group: "Network",
  },
  {
    path: "network.sigma0",
    flag: "sigma0",
    type: "number",
    min: 0,
    minExclusive: true,
    max: (c: ParamContext): number => Math.sqrt(1e150 / D(c)),
    maxNote: "sigma0 <= sqrt(1e150 / D)",
    default: 0.1,
    doc:
      "standard deviation of the i.i.d. Gaussian initial weights (zero weights are a fixed point)",
    group: "Network",
  },
  {
    path: "network.weightDecay",
    flag: "weight-decay",
    type: "numbers",
    min: 0,
    max: 1e6,
    minLength: 1,
    maxLength: (c: ParamContext): number => c["network.K"] as number,
    maxNote: "one per unit: K",
    doc: "decoupled weight decay lambda (one for every unit, or one per unit): after each step " +
      "unit k's weight vectors are multiplied by 1 - eta lambda_k / D (THEORY.md 7; default none)",
    group: "Network",
  },
  {
    path: "rule",
    flag: "rule",
    type: "choice",
    choices: () => RULE_NAMES,
    default: "vanilla",
    doc: "learning rule",
    group: "Learning",
  },
  {
    path: "engine",
    flag: "engine",
    type: "choice",
    choices: () => ENGINE_NAMES,
    default: "full",
    doc: "SGD engine: full (the D-dimensional weights) or reduced (exact in law for spikes " +
      "over an isotropic bulk, a cost per step independent of D: THEORY.md 6a)",
    group: "Learning",
  },
  {
    path: "lr",
    flag: "lr",
    type: "number",
    min: 0,
    minExclusive: true,
    max: 1e6,
    default: 1,
    doc: "learning rate eta (the rules scale it by 1/D)",
    group: "Learning",
  },
  {
    path: "batch",
    flag: "batch",
    type: "integer",
    min: 1,
    max: 4096,
    default: 1,
    doc: "mini-batch size B: each step averages the updates of B fresh samples (t stays " +
      "steps / D; THEORY.md 7)",
    group: "Learning",
  },
  {
    path: "lrSchedule",
    flag: "lr-schedule",
    type: "text",
    accepts: isSchedule,
    allowed: SCHEDULE_ALLOWED,
    default: "constant",
    doc:
      "learning-rate schedule eta(t) (THEORY.md 7): constant, inverse:TAU = eta / (1 + t / TAU), " +
      "cosine (eta to 0 at t-max), steps:T1@F1,... (eta times F from time T on)",
    group: "Learning",
  },
  {
    path: "tMax",
    flag: "t-max",
    type: "number",
    min: (c: ParamContext): number => 1 / D(c),
    max: (c: ParamContext): number => MAX_STEPS / D(c),
    maxNote: "1e10 steps: t-max <= 1e10 / D",
    default: 1000,
    unit: "t = steps / D; at least one step",
    doc: "final time",
    group: "Time and samples",
  },
  {
    path: "seeds",
    flag: "seed",
    type: "integers",
    min: 0,
    max: 2 ** 40,
    minLength: 1,
    maxLength: MAX_SEEDS,
    distinct: true,
    default: [1],
    doc: "seeds, one run each (initial weights, training and test samples)",
    group: "Time and samples",
  },
  {
    path: "times",
    flag: "times",
    type: "numbers",
    min: 0,
    max: tMax,
    maxNote: "t-max",
    minLength: 1,
    maxLength: 100_000,
    doc: "explicit recording times (rounded to whole steps)",
    group: "Time and samples",
  },
  {
    path: "nTimes",
    flag: "n-times",
    type: "integer",
    min: 1,
    max: 100_000,
    default: 60,
    doc: "number of log-spaced recording times",
    group: "Time and samples",
  },
  {
    path: "tMin",
    flag: "t-min",
    type: "number",
    min: (c: ParamContext): number => 1 / D(c),
    max: (c: ParamContext): number => tMax(c) * (1 - 1e-12),
    maxNote: "below t-max",
    doc: "first log-spaced recording time (default max(1/D, t-max / 10^4))",
    group: "Time and samples",
  },
  {
    path: "nTest",
    flag: "n-test",
    type: "integer",
    min: 1,
    max: (c: ParamContext): number => Math.max(1, Math.floor(MAX_BLOCK / D(c))),
    maxNote: "n-test x D values in memory: n-test <= 1.5e8 / D",
    // fewer for a D so wide that 2000 samples would not fit: a default the user never
    // gave must not refuse a problem (theory and pca do not even use it)
    default: (c: Record<string, unknown>): number =>
      D(c) > 0 ? Math.max(1, Math.min(2000, Math.floor(MAX_BLOCK / D(c)))) : 2000,
    doc: "held-out samples for the test error (fewer when 2000 x D > 1.5e8)",
    group: "Time and samples",
  },
  {
    path: "snapshotTimes",
    flag: "snapshot-times",
    type: "numbers",
    min: 0,
    max: tMax,
    maxNote: "t-max",
    minLength: 0,
    maxLength: (c: ParamContext): number =>
      Math.floor(MAX_SNAPSHOT_VALUES / (2 * (c["network.K"] as number) * D(c))),
    doc: "times at which the weights are saved (default: first and last recorded, " +
      "none when K D > 5e6)",
    group: "Time and samples",
  },
] as const satisfies readonly ParamSpec[];
