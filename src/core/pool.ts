/**
 * A pool of Web Workers for independent tasks (seeds of a simulation,
 * points of a sweep), with the web-platform Worker API only, so that the
 * same code runs in Deno and in browsers. The main side posts each task to
 * the next free worker and collects the outputs in the order of the inputs
 * (the results do not depend on the pool's size or on which worker ran what);
 * a worker may send events (progress, records) while it works. An abort
 * signal terminates every worker at once. Errors thrown in a worker come back
 * as the same classes of the package (ConfigError with its param, ...).
 *
 * The worker side: a module that calls {@link serveTasks} with its handler.
 * @module
 */
import {
  AedynError,
  ConfigError,
  DataFormatError,
  DivergenceError,
  DomainError,
  DownloadError,
  IntegrationError,
} from "./errors.ts";
import { checkParam, type ParamSpec } from "./params.ts";

/** What a worker posts back: an event of a task, its output, or its error. */
type Reply =
  | { id: -1; kind: "ready" }
  | { id: number; kind: "event"; data: unknown }
  | { id: number; kind: "done"; output: unknown }
  | { id: number; kind: "error"; error: SerializedError };

/** An error as it crosses a worker boundary. */
export interface SerializedError {
  /** The class name (ConfigError, DivergenceError, ...). */
  name: string;
  /** Its message. */
  message: string;
  /** The fields its constructor needs (param, value, allowed, t, ...). */
  fields: Record<string, unknown>;
}

/** Turn an error into data that survives postMessage. */
export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: "Error", message: String(e), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(e)) fields[key] = (e as unknown as Record<string, unknown>)[key];
  return { name: e.name, message: e.message, fields };
}

/**
 * The error a serialized one stands for: the package's classes are rebuilt
 * with their fields (so `instanceof` and `exitCode` work), others as Error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reviveError, serializeError } from "./pool.ts";
 * import { ConfigError } from "./errors.ts";
 * const e = reviveError(serializeError(new ConfigError("network.K", 0, "an integer from 1 to D")));
 * assert.ok(e instanceof ConfigError);
 * assert.equal(e.param, "network.K");
 * ```
 */
export function reviveError(s: SerializedError): Error {
  const f = s.fields;
  // the fields as their constructors take them (they crossed the boundary as plain data)
  const text = (key: string): string => String(f[key]);
  const maybeText = (key: string): string | undefined =>
    typeof f[key] === "string" ? f[key] : undefined;
  const num = (key: string): number => (typeof f[key] === "number" ? f[key] : NaN);
  const maybeNum = (key: string): number | undefined =>
    typeof f[key] === "number" ? f[key] : undefined;
  switch (s.name) {
    case "ConfigError":
      return new ConfigError(text("param"), f.value, text("allowed"));
    case "DataFormatError": {
      const offset = maybeNum("offset"), line = maybeNum("line");
      const e = new DataFormatError(
        {
          source: text("source"),
          ...(offset !== undefined ? { offset } : {}),
          ...(line !== undefined ? { line } : {}),
        },
        text("expected"),
        maybeText("found"),
      );
      // the message as it was made (a location in gunzipped data says so)
      return Object.assign(e, { message: s.message });
    }
    case "DivergenceError":
      return Object.assign(new DivergenceError(num("t"), ""), { message: s.message });
    case "DomainError":
      return new DomainError(num("t"), text("detail"));
    case "IntegrationError":
      return Object.assign(
        new IntegrationError(f.reason as IntegrationError["reason"], num("t"), ""),
        { message: s.message },
      );
    case "DownloadError":
      return Object.assign(new DownloadError(text("url"), ""), { message: s.message });
    case "AedynError":
      return new AedynError(s.message, f.exitCode === 2 ? 2 : 1);
    default: {
      const e = new Error(s.message);
      e.name = s.name;
      return e;
    }
  }
}

/**
 * Most Web Workers one pool may start: each holds its own WebAssembly
 * memory and module graph, so more than a large node's cores only costs
 * memory.
 */
export const MAX_WORKERS = 256;

/**
 * The inputs of a pool: a list, or their count and a function that makes
 * the i-th when a worker is free for it (so that a long list of tasks is
 * never held in memory at once).
 */
export type TaskInputs<I> = readonly I[] | {
  /** Number of tasks. */
  readonly length: number;
  /** The i-th input, made when its task is handed out. */
  readonly at: (index: number) => I | Promise<I>;
};

/** Options of {@link runInWorkers}. */
export interface PoolOptions<O, E> {
  /** Number of workers (at most one per task). */
  workers: number;
  /**
   * Keep the outputs and return them in input order (default true); false
   * when `onDone` stores them, so that memory does not grow with the tasks.
   */
  keep?: boolean;
  /** Terminates every worker and rejects with its reason. */
  signal?: AbortSignal;
  /** An event a task's worker sent (its index among the inputs, and the data). */
  onEvent?: (index: number, data: E) => void;
  /** A task's output arrived (in completion order; the result keeps input order). */
  onDone?: (index: number, output: O) => void | Promise<void>;
}

/**
 * Run one task per input in a pool of module workers started from `url`
 * (whose module calls {@link serveTasks}); the outputs in input order (an
 * empty list when `keep` is false).
 *
 * @param url the worker module
 * @param inputs one structured-clonable input per task, or their count and a maker
 * @param opts pool size, abort signal, event and completion hooks
 */
export async function runInWorkers<I, O, E = unknown>(
  url: URL,
  inputs: TaskInputs<I>,
  opts: PoolOptions<O, E>,
): Promise<O[]> {
  const size = Math.max(1, Math.min(opts.workers, inputs.length));
  const keep = opts.keep ?? true;
  const outputs = new Array<O>(keep ? inputs.length : 0);
  if (inputs.length === 0) return outputs;
  const inputAt = Array.isArray(inputs)
    ? (i: number) => (inputs as readonly I[])[i]
    : (inputs as Exclude<TaskInputs<I>, readonly I[]>).at;
  opts.signal?.throwIfAborted();
  const workers: Worker[] = [];
  let next = 0;
  let finished = 0;
  let failed = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        reject(e);
      };
      const onAbort = () => fail(opts.signal?.reason ?? new Error("aborted"));
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      const give = async (w: Worker) => {
        if (next >= inputs.length) return;
        const id = next++;
        try {
          const input = await inputAt(id);
          if (!failed) w.postMessage({ id, input });
        } catch (e) {
          fail(e);
        }
      };
      for (let i = 0; i < size; i++) {
        const w = new Worker(url, { type: "module" });
        workers.push(w);
        w.onmessage = async (ev: MessageEvent<Reply>) => {
          const r = ev.data;
          if (failed) return;
          if (r.kind === "ready") {
            await give(w);
          } else if (r.kind === "event") {
            opts.onEvent?.(r.id, r.data as E);
          } else if (r.kind === "error") {
            fail(reviveError(r.error));
          } else {
            if (keep) outputs[r.id] = r.output as O;
            try {
              await opts.onDone?.(r.id, r.output as O);
            } catch (e) {
              fail(e);
              return;
            }
            finished++;
            if (finished === inputs.length) {
              opts.signal?.removeEventListener("abort", onAbort);
              resolve();
            } else await give(w);
          }
        };
        w.onerror = (ev: ErrorEvent) => {
          ev.preventDefault();
          fail(new Error(`a worker failed: ${ev.message}`));
        };
        // its first task goes when it says it is ready: a message posted while its
        // modules still load (top-level await) would find no handler and be lost
      }
    });
  } finally {
    for (const w of workers) w.terminate();
  }
  return outputs;
}

/**
 * The worker side: answer each task posted by {@link runInWorkers} with
 * `handler(input, emit)`, where `emit(data)` sends an event of that task.
 * Call it once, at the top level of the worker module.
 */
export function serveTasks<I, O, E = unknown>(
  handler: (input: I, emit: (data: E) => void) => Promise<O>,
): void {
  const scope = globalThis as unknown as {
    onmessage: ((ev: MessageEvent<{ id: number; input: I }>) => void) | null;
    postMessage: (m: Reply) => void;
  };
  scope.onmessage = async (ev) => {
    const { id, input } = ev.data;
    try {
      const output = await handler(input, (data) => scope.postMessage({ id, kind: "event", data }));
      scope.postMessage({ id, kind: "done", output });
    } catch (e) {
      scope.postMessage({ id, kind: "error", error: serializeError(e) });
    }
  };
  scope.postMessage({ id: -1, kind: "ready" });
}

/** The number of cores this runtime reports (1 when it says nothing). */
export function coreCount(): number {
  const n = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)
    ?.hardwareConcurrency;
  return typeof n === "number" && n >= 1 ? n : 1;
}

/** The control options that are numbers, declared as the CLI declares its parameters. */
export const CONTROL_PARAMS: readonly ParamSpec[] = [
  {
    path: "chunk",
    flag: "chunk",
    type: "integer",
    min: 1,
    max: 2 ** 40,
    doc: "multiply-adds of one chunk of kernel work",
  },
  {
    path: "workers",
    flag: "workers",
    type: "integer",
    min: 1,
    max: MAX_WORKERS,
    doc: "Web Workers to spread the seeds over",
  },
];

const CONTROL_HOOKS = ["onProgress", "onRun", "onRecord"];

/**
 * Check the control object of `simulate` or `theory` (the options of the
 * work they spread over a pool): numbers from
 * {@link CONTROL_PARAMS}, hooks that are functions, a signal that is an
 * AbortSignal. (Keys it does not know are left to the function.)
 */
export function checkControl(control: unknown): void {
  if (typeof control !== "object" || control === null || Array.isArray(control)) {
    throw new ConfigError("control", control, "an object of options");
  }
  const c = control as Record<string, unknown>;
  for (const spec of CONTROL_PARAMS) {
    if (c[spec.path] !== undefined) checkParam(spec, c[spec.path]);
  }
  for (const hook of CONTROL_HOOKS) {
    if (c[hook] !== undefined && typeof c[hook] !== "function") {
      throw new ConfigError(hook, c[hook], "a function");
    }
  }
  if (c.signal !== undefined && !(c.signal instanceof AbortSignal)) {
    throw new ConfigError("signal", c.signal, "an AbortSignal");
  }
}
