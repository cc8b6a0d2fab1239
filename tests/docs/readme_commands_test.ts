/**
 * The command lines the README shows are ones the CLI takes: every
 * `deno run -A cli.ts COMMAND ...` line of its shell blocks names a command
 * that exists, and every flag on it is one that command's `--help` lists. A
 * flag renamed or removed in the code, or mistyped in the README, fails here.
 * @module
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const CLI = new URL("cli.ts", ROOT).pathname;

/** One command line of the README: the command and the flags it passes. */
export interface ShownCommand {
  line: string;
  command: string;
  flags: string[];
}

/**
 * The `cli.ts` command lines of the shell blocks of a markdown text (a line
 * continued with a backslash is joined to the next; `&&` starts a new
 * command; a `# comment` is dropped).
 */
export function shownCommands(markdown: string): ShownCommand[] {
  const out: ShownCommand[] = [];
  for (const block of markdown.matchAll(/^```(?:sh|bash)\n([\s\S]*?)^```/gm)) {
    const joined = block[1].replace(/\\\n\s*/g, " ");
    for (const raw of joined.split("\n")) {
      const line = raw.replace(/\s+#.*$/, "").trim();
      for (const part of line.split("&&")) {
        const m = part.trim().match(/^deno run -A cli\.ts (\S+)(.*)$/);
        if (!m || m[1].startsWith("<")) continue;
        const flags = [...m[2].matchAll(/(?:^|\s)(--[A-Za-z][A-Za-z0-9-]*)/g)].map((f) => f[1]);
        out.push({ line: part.trim(), command: m[1], flags });
      }
    }
  }
  return out;
}

Deno.test("the command-line parser of the README finds commands, flags and continued lines", () => {
  const md = [
    "```sh",
    "deno run -A cli.ts simulate --D 200 --seed 1,2 --out out/x   # a comment --not-a-flag",
    "deno run -A cli.ts sweep s.json --out d --slurm \\",
    "  --partition cpu --submit",
    "deno run -A cli.ts download cifar10 && deno run -A cli.ts realdata --dataset cifar10",
    "deno run -A cli.ts <command> --help",
    "```",
    "```json",
    '{ "deno run -A cli.ts theory --bogus": 1 }',
    "```",
  ].join("\n");
  assert.deepEqual(shownCommands(md).map((c) => [c.command, c.flags.join(" ")]), [
    ["simulate", "--D --seed --out"],
    ["sweep", "--out --slurm --partition --submit"],
    ["download", ""],
    ["realdata", "--dataset"],
  ]);
});

async function helpOf(command: string): Promise<{ code: number; text: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, command, "--help"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

Deno.test("every cli.ts command line the README shows uses a command and flags the CLI has", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const shown = shownCommands(readme);
  const commands = [...new Set(shown.map((c) => c.command))];
  // the README shows the main commands; a parser that found none would pass vacuously
  for (const c of ["simulate", "theory", "compare", "run", "realdata", "pca", "sweep"]) {
    assert.ok(commands.includes(c), `the README shows no '${c}' line`);
  }
  const helps = new Map(
    await Promise.all(commands.map(async (c) => [c, await helpOf(c)] as const)),
  );
  const problems: string[] = [];
  for (const { line, command, flags } of shown) {
    const help = helps.get(command)!;
    if (help.code !== 0) {
      problems.push(`${line}: '${command} --help' exits ${help.code}`);
      continue;
    }
    for (const flag of flags) {
      if (!new RegExp(`(^|[\\s,\\[(])${flag}(?![A-Za-z0-9-])`, "m").test(help.text)) {
        problems.push(`${line}: ${command} --help does not list ${flag}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
