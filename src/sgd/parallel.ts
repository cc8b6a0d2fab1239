/**
 * The seeds of a simulation as tasks of the one fan-out (src/core/fanout.ts):
 * what a task is (the problem holding its one seed) and the events it sends
 * (progress, recorded times), whether it runs in this thread or in a worker
 * (`runSeedTask` either way: the same kernels, the same stream, so the same
 * bits); and how many workers a pool of seeds may start.
 *
 * Also the checks of what `simulate` and `theory` are handed besides the
 * problem (their control objects and the finished runs to resume from),
 * with the same parameter-table machinery as the CLI, so that a bad value
 * is a ConfigError naming it, never a TypeError or a silent wrong answer.
 * @module
 */
import { checkControl } from "../core/pool.ts";
import type { OrderParameters, Problem, Run, Spectrum } from "../problem/types.ts";
import { ConfigError } from "../core/errors.ts";
import { MAX_BLOCK } from "../problem/params.ts";

/** One recorded time of one run, as `onRecord` receives it. */
export interface RecordEvent {
  /** Index of the run (seed) among the problem's. */
  run: number;
  /** Its seed. */
  seed: number;
  /** Index of the recorded time. */
  index: number;
  /** The time t = steps / D. */
  t: number;
  /** The test error at t. */
  eps: number;
  /** The order parameters at t. */
  order: OrderParameters;
}

/** One seed's task: the problem holding that one seed. */
export interface SeedTask {
  /** The problem, its seeds replaced by the one to run. */
  problem: Problem;
  /** Multiply-adds per chunk of kernel work (SimulateControl.chunk). */
  chunk?: number;
  /** Whether to send every recorded time. */
  record: boolean;
  /** The data model's spectrum, computed once here rather than in every worker. */
  spectrum: Spectrum;
}

/** What a seed's task sends while it runs. */
export type SeedEvent =
  | { kind: "progress"; t: number }
  | { kind: "record"; record: RecordEvent };

const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

function matrix(x: unknown, rows: number, cols?: number): boolean {
  return Array.isArray(x) && x.length === rows &&
    x.every((row) =>
      Array.isArray(row) && (cols === undefined || row.length === cols) && row.every(finite)
    );
}

/**
 * Why `run` is not a finished run of `problem` with `nTimes` recorded times
 * (null when it is): its seed, the lengths of its error and order
 * parameters, their shapes (K x K, projections, biases, the output bias's
 * when the network has one), its snapshots, every number finite.
 */
export function runProblem(run: unknown, problem: Problem, nTimes: number): string | null {
  if (typeof run !== "object" || run === null || Array.isArray(run)) return "not a run record";
  const r = run as Partial<Run>;
  const K = problem.network.K;
  const D = problem.data.D;
  if (!problem.seeds.includes(r.seed as number)) {
    return `seed ${JSON.stringify(r.seed)} is not one of the problem's`;
  }
  if (!Array.isArray(r.eps) || r.eps.length !== nTimes || !r.eps.every(finite)) {
    return `eps is not ${nTimes} finite numbers`;
  }
  if (!Array.isArray(r.order) || r.order.length !== nTimes) return `order is not ${nTimes} records`;
  for (const o of r.order as unknown[]) {
    if (typeof o !== "object" || o === null) return "an order record is not an object";
    const rec = o as Record<string, unknown>;
    for (const key of ["Q", "R", "T", "T0", "WW"]) {
      if (!matrix(rec[key], K, K)) return `an order record's ${key} is not K x K finite numbers`;
    }
    if (!matrix(rec.a, K) || !matrix(rec.b, K)) {
      return "an order record's projections are malformed";
    }
    if (!Array.isArray(rec.bias) || rec.bias.length !== K || !rec.bias.every(finite)) {
      return "an order record's biases are malformed";
    }
    if (
      problem.network.outputBias &&
      (!Array.isArray(rec.C) || rec.C.length !== K || !rec.C.every(finite) || !finite(rec.C0))
    ) {
      return "an order record's output-bias overlaps (C, C0) are malformed";
    }
  }
  if (!Array.isArray(r.snapshots)) return "snapshots is not a list";
  for (const s of r.snapshots as unknown[]) {
    const snap = s as Record<string, unknown> | null;
    if (
      typeof snap !== "object" || snap === null || !finite(snap.t) || !matrix(snap.W, K, D) ||
      !matrix(snap.V, K, D) || !Array.isArray(snap.b) || !snap.b.every(finite)
    ) {
      return "a snapshot is malformed";
    }
  }
  return null;
}

/**
 * Check `simulate`'s control against its problem: the options (see
 * {@link checkControl}) and every finished run in `done` (a list, one run
 * per seed of the problem, each {@link runProblem}-valid).
 */
export function checkSimulateControl(control: unknown, problem: Problem, nTimes: number): void {
  checkControl(control);
  const done = (control as { done?: unknown }).done;
  if (done === undefined) return;
  if (!Array.isArray(done)) throw new ConfigError("done", done, "a list of finished runs");
  const seen = new Set<unknown>();
  for (const [i, run] of done.entries()) {
    const why = runProblem(run, problem, nTimes);
    if (why) {
      throw new ConfigError(
        `done[${i}]`,
        why,
        "a finished run of this problem (a Run of its result)",
      );
    }
    if (seen.has((run as Run).seed)) {
      throw new ConfigError(
        `done[${i}]`,
        `a second run of seed ${(run as Run).seed}`,
        "one run per seed",
      );
    }
    seen.add((run as Run).seed);
  }
}

/**
 * The workers of a pool of seeds: at most `wanted` and one per seed, and
 * few enough that their test sets (nTest x D values each) hold at most
 * MAX_BLOCK values together.
 */
export function seedWorkers(wanted: number, seeds: number, problem: Problem): number {
  const each = problem.nTest * problem.data.D;
  return Math.max(1, Math.min(wanted, seeds, Math.floor(MAX_BLOCK / each)));
}
