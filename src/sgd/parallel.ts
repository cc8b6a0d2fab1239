/**
 * Seeds of a simulation spread over a pool of Web Workers: each worker runs
 * `simulate` on a problem holding its one seed (the same kernels, the same
 * stream, so the same bits as in this thread), and sends its progress, its
 * recorded times (when asked) and its run back. `simulate` then assembles
 * the runs as it does its own.
 * @module
 */
import { runInWorkers } from "../core/pool.ts";
import type { Progress } from "../core/progress.ts";
import type { OrderParameters, Problem, Run, Spectrum } from "../problem/types.ts";
import { spectrumOf } from "../data/mod.ts";

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

/** What the pool needs of `simulate`'s control (SimulateControl has these). */
export interface SeedControl {
  /** Progress over every seed. */
  onProgress?: (p: Progress) => void;
  /** Terminates the workers. */
  signal?: AbortSignal;
  /** Multiply-adds per chunk of kernel work. */
  chunk?: number;
  /** Each run, as soon as it is finished. */
  onRun?: (run: Run) => void | Promise<void>;
  /** Each recorded time. */
  onRecord?: (record: RecordEvent) => void;
}

/** What a worker receives: the problem with one seed. */
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

/** What a worker sends while it runs a seed. */
export type SeedEvent =
  | { kind: "progress"; t: number }
  | { kind: "record"; record: RecordEvent };

/**
 * Run `seeds` (a subset of the problem's, in its order) in `workers` workers;
 * the runs in the order of `seeds`. Progress counts `finished` seeds done
 * before as done.
 */
export async function seedsInWorkers(
  problem: Problem,
  seeds: readonly number[],
  control: SeedControl,
  workers: number,
): Promise<Run[]> {
  const nSeeds = problem.seeds.length;
  const finishedBefore = nSeeds - seeds.length;
  const indexOf = (seed: number) => problem.seeds.indexOf(seed);
  const inFlight = new Map<number, number>(); // task -> t
  let finished = 0;
  const progress = (task: number) => {
    if (!control.onProgress) return;
    let partial = 0;
    for (const t of inFlight.values()) partial += t / problem.tMax;
    const p: Progress = {
      run: indexOf(seeds[task]),
      runs: nSeeds,
      t: inFlight.get(task) ?? problem.tMax,
      tMax: problem.tMax,
      fraction: Math.min(1, (finishedBefore + finished + partial) / nSeeds),
    };
    control.onProgress(p);
  };
  const spectrum = spectrumOf(problem.data);
  return await runInWorkers<SeedTask, Run, SeedEvent>(
    new URL("./worker.ts", import.meta.url),
    seeds.map((seed) => ({
      problem: { ...problem, seeds: [seed] },
      ...(control.chunk !== undefined ? { chunk: control.chunk } : {}),
      record: control.onRecord !== undefined,
      spectrum,
    })),
    {
      workers,
      ...(control.signal ? { signal: control.signal } : {}),
      onEvent: (task, e) => {
        if (e.kind === "progress") {
          inFlight.set(task, e.t);
          progress(task);
        } else {
          control.onRecord?.({ ...e.record, run: indexOf(seeds[task]) });
        }
      },
      onDone: async (task, run) => {
        inFlight.delete(task);
        finished++;
        progress(task);
        await control.onRun?.(run);
      },
    },
  );
}
