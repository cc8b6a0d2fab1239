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

Exit codes: 0 success, 1 a run failed (e.g. diverged), 2 bad input.`;
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
    const message = (e as Error)?.message ?? String(e);
    console.error(`aedyn: ${message.split("\n")[0]}`);
    return e instanceof AedynError ? e.exitCode : 1;
  }
}
