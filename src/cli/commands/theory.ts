/**
 * `cli.ts theory`: integrate the exact equations of a problem, with
 * progress and Ctrl-C; also the integration step of `compare`.
 * @module
 */
import type { Command } from "../command.ts";
import type { CurveResult, Problem } from "../../problem/types.ts";
import { theory } from "../../theory/theory.ts";
import type { SolverSettings } from "../../theory/solver.ts";
import {
  parseFlags,
  PROBLEM_FLAGS,
  problemHelp,
  SOLVER_FLAGS,
  solverHelp,
  textFlag,
} from "../flags.ts";
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
import { JSON_FLAG, JSON_HELP, summaryText } from "../summary.ts";
import { clearProgress, interruptible, progressPrinter } from "../session.ts";
import { writeFiles } from "../io.ts";
import { theoryFigures } from "../compare.ts";

/** The theory with progress on a terminal and Ctrl-C stopping it cleanly. */
export async function runTheory(
  problem: Problem,
  solver: SolverSettings,
  quiet: boolean,
  workers = 1,
): Promise<CurveResult> {
  const printer = progressPrinter(quiet);
  const result = await interruptible(
    "interrupted",
    (signal) =>
      theory(problem, solver, { signal, workers, ...(printer ? { onProgress: printer } : {}) }),
  );
  clearProgress(printer);
  return result;
}

/** The `theory` command. */
export const THEORY: Command = {
  name: "theory",
  summary: "integrate the exact equations of the learning dynamics",
  help: () =>
    `Usage: deno run -A cli.ts theory [flags]

Integrates the exact equations of the learning dynamics (D -> infinity,
projected form) from the initial weights of each seed (or --init FILE) and
records the predicted test error and the order parameters Q, R, T, T0 on
the time grid. result.json holds times, eps and Q, R, T, T0 (K x K per time,
first seed) beside the full result record.

${problemHelp()}

${solverHelp()}

${OUTPUT_HELP}
${JSON_HELP}`,
  async run(args) {
    const { flags } = parseFlags(args, {
      ...PROBLEM_FLAGS,
      ...SOLVER_FLAGS,
      ...OUTPUT_FLAGS,
      ...JSON_FLAG,
    });
    const { problem, solver } = await resolveInputs(flags, true);
    const out = textFlag(flags, "out");
    const quiet = Boolean(flags.quiet);
    checkOutputs(flags);
    return await withOutputDir(out, async () => {
      const result = await runTheory(problem, solver!, quiet, workersOf(flags));
      if (!quiet && out) console.error(summary(result));
      const first = result.runs[0].order;
      const record = {
        ...result,
        Q: first.map((o) => o.Q),
        R: first.map((o) => o.R),
        T: first.map((o) => o.T),
        T0: first.map((o) => o.T0),
      };
      if (out) {
        const figures = await theoryFigures(result, { svg: !flags["no-svg"] });
        const files = { "result.json": JSON.stringify(record), ...figures };
        console.log((await writeFiles(out, files)).join("\n"));
      } else {
        console.log(flags.json ? JSON.stringify(record) : summaryText(result));
      }
      await saveExtras(flags, problem, quiet);
      return 0;
    });
  },
};
