/**
 * Long computations in chunks that hand control back: between two chunks,
 * a {@link Pacer} yields to the event loop about every `every` milliseconds
 * (so that Ctrl-C, progress output and a page's clicks are served) and
 * throws the abort signal's reason once it is aborted. Web-platform only
 * (setTimeout), so the same code runs in Deno, in browsers and in Workers.
 * @module
 */

/** Yields about every `every` ms and acts on an abort signal between chunks of work. */
export class Pacer {
  #last = performance.now();
  readonly #signal?: AbortSignal;
  readonly #every: number;
  readonly #onTick?: () => void;

  /**
   * @param signal aborts the work (checked at every tick)
   * @param every milliseconds of work between two yields (default 100)
   * @param onTick called just before each yield (e.g. to report progress)
   */
  constructor(signal?: AbortSignal, every = 100, onTick?: () => void) {
    this.#signal = signal;
    this.#every = every;
    this.#onTick = onTick;
  }

  /**
   * Between two chunks: throws if aborted; when `every` ms have passed,
   * calls `onTick` and yields to the event loop (then checks again).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Pacer } from "./pacer.ts";
   * const controller = new AbortController();
   * const pacer = new Pacer(controller.signal, 0);
   * await pacer.tick();
   * controller.abort(new Error("stop"));
   * // the next tick throws the reason of the abort
   * await assert.rejects(pacer.tick(), /stop/);
   * ```
   */
  async tick(): Promise<void> {
    this.#signal?.throwIfAborted();
    if (performance.now() - this.#last < this.#every) return;
    this.#onTick?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.#signal?.throwIfAborted();
    this.#last = performance.now();
  }
}
