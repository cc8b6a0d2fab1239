/**
 * `cli.ts simulate`: online SGD of a problem for every seed, with resume,
 * figures and the summary; also the engine of `demo`.
 * @module
 */
import type { Command } from "../command.ts";
import { parseFlags, PROBLEM_FLAGS, problemHelp, textFlag } from "../flags.ts";
import { resolveInputs } from "../inputs.ts";
import {
  checkOutputs,
  OUTPUT_FLAGS,
  OUTPUT_HELP,
  saveExtras,
  summary,
  withOutputDir,
  workersOf,
} from "../output.ts";
import { simulateWithCheckpoints } from "../checkpoint.ts";
import { JSON_FLAG, JSON_HELP, summaryText } from "../summary.ts";
import { clearProgress, interruptible, progressPrinter } from "../session.ts";
import { removeDir, writeFiles } from "../io.ts";
import { resultFigureFiles } from "../figures.ts";
import { theory } from "../../theory/theory.ts";
import { deviation } from "../../analysis/deviation.ts";

/** How `demo` changes `simulate`: its problem, its output directory, the theory overlay. */
export interface SimulateVariant {
  /** Problem fields under the flags and the config file. */
  defaults?: Record<string, unknown>;
  /** The output directory when --out is not given. */
  defaultOut?: string;
  /** Overlay the equations' prediction from the same initial weights. */
  overlayTheory?: boolean;
}

/** Run `simulate` (or a variant of it) on the command's arguments. */
export async function runSimulate(
  args: string[],
  variant: SimulateVariant = {},
): Promise<number> {
  const { flags } = parseFlags(args, { ...PROBLEM_FLAGS, ...OUTPUT_FLAGS, ...JSON_FLAG });
  const { problem } = await resolveInputs(flags, false, variant.defaults);
  const out = textFlag(flags, "out") ?? variant.defaultOut;
  const quiet = Boolean(flags.quiet);
  const workers = workersOf(flags);
  checkOutputs({ ...flags, out });
  return await withOutputDir(out, async () => {
    const printer = progressPrinter(quiet);
    const result = await interruptible(
      "interrupted; rerun the same command to resume",
      (signal) =>
        simulateWithCheckpoints(problem, { out, quiet, signal, onProgress: printer, workers }),
    );
    clearProgress(printer);
    if (!quiet && out) console.error(summary(result));
    if (out) {
      const overlay = variant.overlayTheory ? await theory(problem, {}, { workers }) : undefined;
      if (overlay && !quiet) {
        const d = deviation(result, overlay);
        console.error(
          `theory from the same initial weights: max deviation ${(100 * d.max).toFixed(1)}%, ` +
            `mean ${(100 * d.mean).toFixed(1)}%`,
        );
      }
      const figures = await resultFigureFiles(result, problem, {
        svg: !flags["no-svg"],
        ...(overlay ? { theory: overlay } : {}),
      });
      const written = await writeFiles(out, { "result.json": JSON.stringify(result), ...figures });
      await removeDir(`${out}/.partial`);
      console.log(written.join("\n"));
    } else {
      console.log(flags.json ? JSON.stringify(result) : summaryText(result));
    }
    await saveExtras(flags, problem, quiet);
    return 0;
  });
}

/** The `simulate` command. */
export const SIMULATE: Command = {
  name: "simulate",
  summary: "online SGD on a data model; curves, order parameters, plots",
  help: () =>
    `Usage: deno run -A cli.ts simulate [flags]

Online SGD of a shallow autoencoder, one fresh sample per step, time
t = steps / D. Records the test error on a held-out set and the order
parameters Q, R, T, T0 on a log-spaced time grid, for every seed.
An interrupted run with --out resumes where it stopped: finished seeds
are kept in DIR/.partial and not run again.

${problemHelp()}

${OUTPUT_HELP}
${JSON_HELP}`,
  run: (args) => runSimulate(args),
};
