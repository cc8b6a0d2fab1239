/**
 * What a long CLI run needs from the terminal: progress on stderr (only when
 * it is a terminal), and Ctrl-C turned into an abort signal that the
 * simulation and the integration check between chunks of work.
 * @module
 */
import type { Progress } from "../core/progress.ts";

const enc = new TextEncoder();

/** A progress printer for stderr, or undefined when quiet or not a terminal. */
export function progressPrinter(quiet: boolean): ((p: Progress) => void) | undefined {
  if (quiet || !Deno.stderr.isTerminal()) return undefined;
  return (p) => {
    const pct = (100 * p.fraction).toFixed(0).padStart(3);
    Deno.stderr.writeSync(
      enc.encode(
        `\r  run ${p.run + 1}/${p.runs}  t = ${p.t.toPrecision(4)} / ${p.tMax}  ${pct}%  `,
      ),
    );
  };
}

/** Clear the progress line, if one was printed. */
export function clearProgress(printer: unknown): void {
  if (printer) Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
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
