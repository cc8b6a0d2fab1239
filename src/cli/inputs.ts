/**
 * The problem and solver of a command, from its flags and the files they
 * name (--config, --spectrum, --init): read, merged, resolved and validated
 * once, before any work.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { parseCovariance, parseInitialWeights } from "../problem/formats.ts";
import { resolveProblem } from "../problem/resolve.ts";
import type { Problem } from "../problem/types.ts";
import { resolveSolver, type SolverSettings } from "../theory/solver.ts";
import { type FlagValues, inputsFromFlags, type ProblemFiles } from "./flags.ts";
import { readTextFile } from "./io.ts";

/** Read the files the problem flags name. */
export async function readProblemFiles(flags: FlagValues): Promise<ProblemFiles> {
  const files: ProblemFiles = {};
  if (typeof flags.config === "string") {
    const text = await readTextFile(flags.config, "--config");
    try {
      files.config = JSON.parse(text);
    } catch (e) {
      throw new ConfigError("--config", `${flags.config} (${(e as Error).message})`, "a JSON file");
    }
    files.configSource = `--config ${flags.config}`;
  }
  if (typeof flags.spectrum === "string") {
    files.spectrum = parseCovariance(
      await readTextFile(flags.spectrum, "--spectrum"),
      `--spectrum ${flags.spectrum}`,
    );
  }
  if (typeof flags.init === "string") {
    files.init = parseInitialWeights(
      await readTextFile(flags.init, "--init"),
      `--init ${flags.init}`,
    );
  }
  return files;
}

/**
 * The resolved problem of the flags and files, and the solver settings when
 * the command integrates the equations (`withSolver`); a command that does
 * not refuses solver settings in its config file.
 */
export async function resolveInputs(
  flags: FlagValues,
  withSolver: boolean,
  defaults: Record<string, unknown> = {},
): Promise<{ problem: Problem; solver?: SolverSettings }> {
  const files = await readProblemFiles(flags);
  if (Object.keys(defaults).length) {
    const config = files.config === undefined ? {} : files.config;
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
      throw new ConfigError(files.configSource ?? "config", config, "a JSON object");
    }
    files.config = { ...structuredClone(defaults), ...config };
  }
  const inputs = inputsFromFlags(flags, files);
  const problem = resolveProblem(inputs.problem);
  if (!withSolver) {
    const key = Object.keys(inputs.solver)[0];
    if (key !== undefined) {
      throw new ConfigError(
        `${files.configSource ?? "config"}: ${key}`,
        (inputs.solver as Record<string, unknown>)[key],
        "no solver settings for this command (they are for theory and compare)",
      );
    }
    return { problem };
  }
  return { problem, solver: resolveSolver(inputs.solver, problem) };
}
