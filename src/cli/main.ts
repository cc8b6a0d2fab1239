/**
 * The command-line interface: the registry of commands, the main help
 * derived from it, and the dispatch. Exit codes: 0 success, 1 a run that
 * failed (e.g. diverged), 2 bad input (nothing is run or written then).
 * @module
 */
import { AedynError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import type { Command } from "./command.ts";
import { UsageError } from "./flags.ts";
import { SIMULATE } from "./commands/simulate.ts";
import { DEMO } from "./commands/demo.ts";
import { THEORY } from "./commands/theory.ts";
import { COMPARE } from "./commands/compare.ts";
import { PCA } from "./commands/pca.ts";
import { REALDATA } from "./commands/realdata.ts";
import { DOWNLOAD } from "./commands/download.ts";
import { RUN } from "./commands/run.ts";
import { SWEEP } from "./commands/sweep.ts";

/** Every command, in the order of the main help. */
export const COMMANDS: readonly Command[] = [
  SIMULATE,
  DEMO,
  THEORY,
  COMPARE,
  PCA,
  REALDATA,
  DOWNLOAD,
  RUN,
  SWEEP,
];

/** The main help text. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 3;
  return `aedyn ${VERSION} — learning dynamics of shallow autoencoders

Usage: deno run -A cli.ts <command> [flags]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join("\n")}

Flags:
  -h, --help     help (also after a command: cli.ts simulate --help)
  -V, --version  print the version

Exit codes: 0 success, 1 a run failed (e.g. diverged), 2 bad input.
AEDYN_DEBUG=1 prints the stack of an internal error (one that is not aedyn's own message).`;
}

/** Whether the environment asks for the stacks of internal errors (AEDYN_DEBUG=1). */
export function debugRequested(): boolean {
  try {
    return Deno.env.get("AEDYN_DEBUG") === "1";
  } catch {
    return false; // no permission to read the environment: the default
  }
}

/**
 * What the CLI prints for an error and the exit code: aedyn's own errors
 * (bad input, a failed run) as their one line and code; anything else (a
 * bug: a TypeError, a RangeError) as one line that says it is internal, with
 * its stack only when `debug` (AEDYN_DEBUG=1), and exit code 1.
 */
export function errorReport(e: unknown, debug: boolean): { text: string; code: number } {
  if (e instanceof AedynError) {
    return { text: `aedyn: ${e.message.split("\n")[0]}`, code: e.exitCode };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const line = `aedyn: internal error: ${err.name}: ${err.message.split("\n")[0]}`;
  if (debug && err.stack) return { text: `${line}\n${err.stack}`, code: 1 };
  return { text: `${line} (AEDYN_DEBUG=1 prints its stack)`, code: 1 };
}

/** Run the CLI on `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  try {
    if (name === undefined || name === "-h" || name === "--help" || name === "help") {
      console.log(mainHelp());
      return name === undefined ? 2 : 0;
    }
    if (name === "-V" || name === "--version") {
      console.log(`aedyn ${VERSION}`);
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      throw new UsageError(
        `unknown command ${JSON.stringify(name)}; allowed: ${
          COMMANDS.map((c) => c.name).join(", ")
        } (see --help)`,
      );
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      console.log(command.help());
      return 0;
    }
    return await command.run(rest);
  } catch (e) {
    const { text, code } = errorReport(e, debugRequested());
    console.error(text);
    return code;
  }
}
