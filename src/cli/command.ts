/**
 * What one CLI command is: a name, a line for the main help, its help text
 * and its run function. One file per command in commands/; main.ts lists them.
 * @module
 */

/** A command of the CLI. */
export interface Command {
  /** The command's name (first argument). */
  readonly name: string;
  /** One line for the main help. */
  readonly summary: string;
  /** The full help text (`cli.ts NAME --help`). */
  help(): string;
  /** Run with the arguments after the name; returns the exit code. */
  run(args: string[]): Promise<number>;
}
