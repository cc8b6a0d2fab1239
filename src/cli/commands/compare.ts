/**
 * `cli.ts compare`: SGD for every seed and the theory from the same initial
 * weights, their deviation and their plateaus, in one plot and one record.
 * @module
 */
import type { Command } from "../command.ts";
import { parseFlags, PROBLEM_FLAGS, problemHelp, SOLVER_FLAGS, solverHelp } from "../flags.ts";
import { textFlag } from "../flags.ts";
import { resolveInputs } from "../inputs.ts";
import {
  checkOutputs,
  OUTPUT_FLAGS,
  OUTPUT_HELP,
  saveExtras,
  withOutputDir,
  workersOf,
} from "../output.ts";
import { simulateWithCheckpoints } from "../checkpoint.ts";
import { clearProgress, interruptible, progressPrinter } from "../session.ts";
import { removeDir, writeFiles } from "../io.ts";
import { compareCurves, comparisonFigures } from "../compare.ts";
import { runTheory } from "./theory.ts";

/** The `compare` command. */
export const COMPARE: Command = {
  name: "compare",
  summary: "simulation (several seeds) and theory from the same initial\n" +
    "             weights, with the PCA levels and the plateaus, in one plot",
  help: () =>
    `Usage: deno run -A cli.ts compare [flags]

Runs online SGD for every seed and the theory from the same initial weights,
prints the deviation between them and the plateaus of both curves matched to
the PCA levels, and writes one error-curve plot and one JSON
(comparison.json: simulation, theory, deviation, plateaus).

${problemHelp()}

${solverHelp()}

${OUTPUT_HELP}`,
  async run(args) {
    const { flags } = parseFlags(args, { ...PROBLEM_FLAGS, ...SOLVER_FLAGS, ...OUTPUT_FLAGS });
    const { problem, solver } = await resolveInputs(flags, true);
    const out = textFlag(flags, "out");
    const quiet = Boolean(flags.quiet);
    const workers = workersOf(flags);
    checkOutputs(flags);
    return await withOutputDir(out, async () => {
      const printer = progressPrinter(quiet);
      const simulation = await interruptible(
        "interrupted; rerun the same command to resume",
        (signal) =>
          simulateWithCheckpoints(problem, { out, quiet, signal, onProgress: printer, workers }),
      );
      clearProgress(printer);
      const theoryResult = await runTheory(problem, solver!, quiet, workers);
      const comparison = compareCurves(simulation, theoryResult);
      if (!quiet) console.error(comparison.text);
      if (out) {
        const figures = await comparisonFigures(simulation, theoryResult, {
          svg: !flags["no-svg"],
        });
        const written = await writeFiles(out, {
          "comparison.json": JSON.stringify(comparison.record),
          ...figures,
        });
        await removeDir(`${out}/.partial`);
        console.log(written.join("\n"));
      } else {
        console.log(JSON.stringify(comparison.record));
      }
      await saveExtras(flags, problem, quiet);
      return 0;
    });
  },
};
