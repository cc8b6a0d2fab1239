/**
 * The SGD engines of `simulate` and what each covers: "full" runs SGD on
 * the D-dimensional weights (any data); "reduced" runs the exact reduced
 * process of THEORY.md section 6a (Gaussian inputs with a few spikes over an
 * isotropic bulk) at a cost per step independent of D.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import type { DataModel } from "../data/mod.ts";
import { type Rule, RULES } from "./rules.ts";

/** The names of the engines. */
export const ENGINE_NAMES = ["full", "reduced"] as const;

/** An engine of `simulate`. */
export type Engine = typeof ENGINE_NAMES[number];

/**
 * Most listed eigen-directions (spikes) the reduced engine takes: beyond
 * that a spectrum is treated as continuous, which it does not cover.
 */
export const MAX_REDUCED_SPIKES = 64;

/** What the engine check reads of a problem (a resolved `Problem` has it). */
export interface EngineProblem {
  /** The engine asked for. */
  engine: Engine;
  /** The data model. */
  data: DataModel;
  /** The network's shape. */
  network: { K: number; tied: boolean; outputBias: boolean; weightDecay?: readonly number[] };
  /** The learning rule. */
  rule: Rule;
  /** Times at which weights are to be saved. */
  snapshotTimes?: readonly number[];
  /** The learning-rate schedule (THEORY.md 7). */
  lrSchedule?: string;
  /** The mini-batch size (THEORY.md 7). */
  batch?: number;
}

/**
 * The number n of network vectors the reduced process tracks: the K rows of
 * W, the K rows of V when the network has its own untied decoder, and the
 * output bias c.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { networkVectors } from "./engine.ts";
 * const n = networkVectors({ K: 3, tied: false, outputBias: true }, "vanilla");
 * assert.equal(n, 7);
 * ```
 */
export function networkVectors(
  network: EngineProblem["network"],
  rule: Rule,
): number {
  const own = RULES[rule].decoder && !network.tied;
  return (own ? 2 * network.K : network.K) + (network.outputBias ? 1 : 0);
}

/**
 * The spike count r of a problem's data for the reduced engine, or why the
 * engine does not cover it.
 */
function spikesOf(p: EngineProblem): number | string {
  const data = p.data;
  if (data.kind === "spiked") return data.spikes.length;
  if (data.kind === "gaussian") {
    const M = data.eigenvalues.length;
    if (M > MAX_REDUCED_SPIKES) {
      return `a Gaussian model with ${M} listed eigen-directions is a continuous spectrum; ` +
        `the reduced engine needs at most ${MAX_REDUCED_SPIKES} over an isotropic bulk ` +
        `(use --engine full)`;
    }
    return M;
  }
  return `data of kind "${data.kind}" (real images) are not Gaussian: the reduced engine ` +
    `needs Gaussian inputs with a few spikes over an isotropic bulk (use --engine full)`;
}

/**
 * Check that the problem's engine covers it; throws a {@link ConfigError}
 * naming `engine (--engine)` and the reason (real images, a continuous
 * spectrum, D < r + n, snapshots of D-dimensional weights) otherwise.
 *
 * @example
 * ```ts
 * import { checkEngine } from "./engine.ts";
 * import { resolveProblem } from "./resolve.ts";
 * const p = resolveProblem({ data: { D: 60 }, network: { K: 2 }, tMax: 5 });
 * checkEngine(p); // the full engine covers every problem
 * ```
 */
export function checkEngine(p: EngineProblem): void {
  if (p.engine !== "reduced") return;
  const where = "engine (--engine)";
  // the training protocols of THEORY.md 7 run in the full engine only (for now)
  if ((p.network.weightDecay?.length ?? 0) > 0) {
    throw new ConfigError(where, p.engine, `"full" with network.weightDecay (--weight-decay)`);
  }
  if ((p.batch ?? 1) > 1) {
    throw new ConfigError(where, p.engine, `"full" with batch (--batch) above 1`);
  }
  if ((p.lrSchedule ?? "constant") !== "constant") {
    throw new ConfigError(
      where,
      p.engine,
      `"full" with lrSchedule (--lr-schedule) other than constant`,
    );
  }
  if (!RULES[p.rule].reducedEngine) {
    throw new ConfigError(
      where,
      p.engine,
      `"full" with rule ${p.rule} (the reduced engine has the rules ${
        Object.values(RULES).filter((r) => r.reducedEngine).map((r) => r.name).join(", ")
      })`,
    );
  }
  const r = spikesOf(p);
  if (typeof r === "string") throw new ConfigError(where, p.engine, `"full" for this data: ${r}`);
  if (r > MAX_REDUCED_SPIKES) {
    throw new ConfigError(
      where,
      p.engine,
      `"full" for ${r} spikes (the reduced engine takes at most ${MAX_REDUCED_SPIKES})`,
    );
  }
  const n = networkVectors(p.network, p.rule);
  if (p.data.D < r + n) {
    throw new ConfigError(
      where,
      p.engine,
      `"full" at D = ${p.data.D}: the reduced engine needs D >= r + n = ${r} + ${n} ` +
        "(spikes plus network vectors)",
    );
  }
  if (p.snapshotTimes && p.snapshotTimes.length > 0) {
    throw new ConfigError(
      "snapshotTimes (--snapshot-times)",
      p.snapshotTimes,
      "none with --engine reduced (it tracks the overlaps of the weights, not the D-dimensional " +
        "weights; the projections a and b on the spikes are in every recorded time's order " +
        "parameters)",
    );
  }
}
