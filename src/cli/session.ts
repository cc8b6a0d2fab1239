/**
 * What a long CLI run needs from the terminal: progress on stderr (a line
 * redrawn on a terminal, a line every few seconds otherwise), and Ctrl-C turned into an abort signal that the
 * simulation and the integration check between chunks of work.
 * @module
 */
import type { Progress } from "../core/progress.ts";

const enc = new TextEncoder();

/** Seconds between progress lines when stderr is not a terminal (AEDYN_PROGRESS_SECONDS, default 5). */
function lineInterval(): number {
  let v: string | undefined;
  try {
    v = Deno.env.get("AEDYN_PROGRESS_SECONDS");
  } catch {
    v = undefined; // no --allow-env: the default
  }
  const x = v === undefined ? NaN : Number(v);
  return Number.isFinite(x) && x >= 0 ? x : 5;
}

/**
 * A progress printer for stderr, or undefined when quiet. On a terminal it
 * redraws one line; otherwise (a pipe, a log file, a batch job) it writes a
 * full line every few seconds, with the time elapsed, so that a long run
 * shows it is alive without flooding the log.
 */
export function progressPrinter(
  quiet: boolean,
): ((p: Progress) => void) | undefined {
  if (quiet) return undefined;
  const status = (p: Progress) =>
    `run ${p.run + 1}/${p.runs}  t = ${p.t.toPrecision(4)} / ${p.tMax}  ${
      (100 * p.fraction).toFixed(0).padStart(3)
    }%`;
  if (Deno.stderr.isTerminal()) {
    return (p) => Deno.stderr.writeSync(enc.encode(`\r  ${status(p)}  `));
  }
  const every = 1000 * lineInterval();
  const start = performance.now();
  let last = start;
  return (p) => {
    const now = performance.now();
    if (now - last < every) return;
    last = now;
    const elapsed = ((now - start) / 1000).toFixed(0);
    Deno.stderr.writeSync(
      enc.encode(`progress: ${status(p)}  (${elapsed} s)\n`),
    );
  };
}

/** Clear the progress line, if one was drawn on a terminal. */
export function clearProgress(printer: unknown): void {
  if (printer && Deno.stderr.isTerminal()) {
    Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
  }
}

/**
 * Run `work` with an abort signal that Ctrl-C (SIGINT) triggers with
 * `reason`; the listener is removed afterwards.
 */
export async function interruptible<T>(
  reason: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error(reason));
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    return await work(controller.signal);
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
}
