/**
 * The one fan-out of independent tasks: the seeds of `simulate` and
 * `theory`, the points of a sweep. {@link fanOut} runs them one after
 * another in this thread, or over a pool of Web Workers ({@link runInWorkers}),
 * through the same handler either way (the worker module calls it with the
 * same input), so a task's output is the same bits whatever the pool size.
 * {@link Tally} is the one aggregation of their progress: finished tasks
 * count whole, each task in flight by the fraction it has reached.
 * @module
 */
import { runInWorkers } from "./pool.ts";
import type { Progress } from "./progress.ts";

/**
 * The progress of a set of tasks: finished ones, and the fraction each task in flight reached.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tally } from "./fanout.ts";
 * const tally = new Tally(4, 1);
 * tally.reach(0, 0.5);
 * assert.equal(tally.fraction, 1.5 / 4);
 * tally.finish(0);
 * assert.equal(tally.fraction, 2 / 4);
 * ```
 */
export class Tally {
  readonly #inFlight = new Map<number, number>();
  #finished: number;
  /** Tasks in all (those finished before included). */
  readonly total: number;

  /**
   * A tally of `total` tasks, `finishedBefore` of them finished before this run (counted as done).
   *
   * @param total the tasks in all
   * @param finishedBefore tasks already finished before this run
   */
  constructor(total: number, finishedBefore = 0) {
    this.total = total;
    this.#finished = finishedBefore;
  }

  /** Task `task` has reached `fraction` (in [0, 1]) of its work. */
  reach(task: number, fraction: number): void {
    this.#inFlight.set(task, fraction);
  }

  /** Task `task` is finished. */
  finish(task: number): void {
    this.#inFlight.delete(task);
    this.#finished++;
  }

  /** Tasks finished (before this run and in it). */
  get finished(): number {
    return this.#finished;
  }

  /** The fraction of all the work done, in [0, 1] (1 when there is none). */
  get fraction(): number {
    if (this.total === 0) return 1;
    let partial = 0;
    for (const f of this.#inFlight.values()) partial += f;
    return Math.min(1, (this.#finished + partial) / this.total);
  }
}

/** Options of {@link fanOut}: I the task's input, O its output, E the events it sends. */
export interface FanOutOptions<I, O, E> {
  /** Number of tasks. */
  count: number;
  /** Workers wanted (at most one per task): 1 runs every task in this thread. */
  workers: number;
  /** The worker module: it calls `serveTasks` with a handler that does what `local` does. */
  worker: URL;
  /** The input of the i-th task, made when it is handed out. */
  input: (index: number) => I | Promise<I>;
  /** One task in this thread: what the worker module's handler does with the same input. */
  local: (input: I, emit: (event: E) => void) => Promise<O>;
  /** Keep the outputs and return them in task order (default true). */
  keep?: boolean;
  /** Stops the tasks (the workers are terminated; in this thread, checked between tasks). */
  signal?: AbortSignal;
  /** An event a task sent (its index, and the data). */
  onEvent?: (index: number, event: E) => void;
  /** A task's output (in completion order; the result keeps task order). */
  onDone?: (index: number, output: O) => void | Promise<void>;
}

/**
 * Run `count` tasks, in this thread or in a pool of workers; their outputs
 * in task order (an empty list when `keep` is false).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fanOut } from "./fanout.ts";
 * const seen: number[] = [];
 * const out = await fanOut<number, number, number>({
 *   count: 3,
 *   workers: 1,
 *   worker: new URL("./unused_worker.ts", import.meta.url),
 *   input: (i) => i + 1,
 *   local: (x, emit) => (emit(x), Promise.resolve(x * x)),
 *   onEvent: (_, x) => void seen.push(x),
 * });
 * assert.deepEqual(out, [1, 4, 9]);
 * assert.deepEqual(seen, [1, 2, 3]);
 * ```
 */
export async function fanOut<I, O, E>(opts: FanOutOptions<I, O, E>): Promise<O[]> {
  const keep = opts.keep ?? true;
  const size = Math.min(Math.max(1, Math.floor(opts.workers)), opts.count);
  if (size > 1) {
    return await runInWorkers<I, O, E>(opts.worker, { length: opts.count, at: opts.input }, {
      workers: size,
      keep,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
      ...(opts.onDone ? { onDone: opts.onDone } : {}),
    });
  }
  const outputs: O[] = [];
  for (let i = 0; i < opts.count; i++) {
    opts.signal?.throwIfAborted();
    const output = await opts.local(await opts.input(i), (e) => opts.onEvent?.(i, e));
    if (keep) outputs.push(output);
    await opts.onDone?.(i, output);
  }
  return outputs;
}

/**
 * The progress of the seeds of one problem run as tasks: task `task` is the
 * seed at index `runOf(task)` of `runs`, and reports the time t it reached
 * (of `tMax`); `finishedBefore` seeds were finished before (a resumed run).
 * Each call of `reach` or `finish` hands `onProgress` the {@link Progress}.
 */
export function seedProgress(
  onProgress: ((p: Progress) => void) | undefined,
  opts: { runs: number; tMax: number; finishedBefore?: number; runOf?: (task: number) => number },
): { reach: (task: number, t: number) => void; finish: (task: number) => void } {
  const { runs, tMax } = opts;
  const tally = new Tally(runs, opts.finishedBefore ?? 0);
  const runOf = opts.runOf ?? ((task: number) => task);
  const report = (task: number, t: number) =>
    onProgress?.({ run: runOf(task), runs, t, tMax, fraction: tally.fraction });
  return {
    reach: (task, t) => {
      tally.reach(task, Math.min(1, t / tMax));
      report(task, t);
    },
    finish: (task) => {
      tally.finish(task);
      report(task, tMax);
    },
  };
}
