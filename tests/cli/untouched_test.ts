/**
 * The general guarantee of issue 16 (part A), per command: in a working
 * directory full of a user's files (a thesis, folders, a symlink, a FIFO),
 * simulate, theory, compare, pca, run, sweep, deno task figures and deno
 * task site refuse an output aimed at the user's files with exit 2 and one
 * line, changing nothing, and a run changes nothing but its named outputs.
 * @module
 */
import assert from "node:assert/strict";
import { changes, cli, exists, mkfifo, ROOT, SMALL, snapshot } from "./_files.ts";

/** A working directory full of a user's files (and one FIFO, which nothing may open). */
async function userFiles(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/notes/figures`, { recursive: true });
  await Deno.writeTextFile(`${dir}/thesis.tex`, "\\documentclass{book}");
  await Deno.writeTextFile(`${dir}/notes/a.txt`, "the user's notes");
  await Deno.writeTextFile(`${dir}/notes/result.json.bak`, "{}");
  await Deno.writeTextFile(`${dir}/notes/figures/plot.svg`, "<svg/>");
  await Deno.writeTextFile(`${dir}/w.json`, "an older file the user names as an output");
  await Deno.symlink("thesis.tex", `${dir}/link.tex`);
  mkfifo(`${dir}/pipe`);
  await Deno.writeTextFile(
    `${dir}/s.json`,
    JSON.stringify({
      problem: { data: { D: 20 }, network: { K: 1 }, tMax: 1, nTimes: 3, nTest: 20 },
      axes: { lr: [0.5, 1] },
      run: ["theory"],
    }),
  );
}

interface General {
  command: string;
  /** The arguments of a run that succeeds, and the outputs it names. */
  ok: string[];
  outputs: string[];
  /** The same command aimed at a user's file: refused. */
  hostile: string[];
  /** Arguments before the command's (cli.ts by default). */
  script?: string;
}

const GENERAL: General[] = [
  {
    command: "simulate",
    ok: ["simulate", ...SMALL, "--out", "notes", "--save-init", "w.json", "--save-spectrum", "sp"],
    outputs: ["notes", "w.json", "sp"],
    hostile: ["simulate", ...SMALL, "--out", "thesis.tex"],
  },
  {
    command: "theory",
    ok: ["theory", ...SMALL, "--out", "o"],
    outputs: ["o"],
    hostile: ["theory", ...SMALL, "--save-init", "pipe"],
  },
  {
    command: "compare",
    ok: ["compare", ...SMALL, "--out", "o", "--no-svg"],
    outputs: ["o"],
    hostile: ["compare", ...SMALL, "--out", "link.tex"],
  },
  {
    command: "pca",
    ok: ["pca", "--D", "30", "--K", "2", "--save-spectrum", "w.json"],
    outputs: ["w.json"],
    hostile: ["pca", "--D", "30", "--K", "2", "--save-spectrum", "notes"],
  },
  {
    command: "run",
    ok: ["run", `${ROOT}examples/components.json`, "--size", "reduced", "--out", "o"],
    outputs: ["o"],
    hostile: ["run", `${ROOT}examples/components.json`, "--out", "notes/a.txt/x"],
  },
  {
    command: "sweep",
    ok: ["sweep", "s.json", "--out", "o", "--workers", "1"],
    outputs: ["o"],
    hostile: ["sweep", "s.json", "--out", "pipe"],
  },
  {
    command: "figures",
    script: `${ROOT}scripts/figures.ts`,
    ok: ["--reduced", "--only", "components", "--workers", "1", "--out", "notes"],
    outputs: ["notes"],
    hostile: ["--reduced", "--only", "components", "--out", "thesis.tex"],
  },
  {
    command: "site",
    script: `${ROOT}scripts/site.ts`,
    ok: [],
    outputs: [],
    hostile: ["--out", "notes"],
  },
];

/** Changes outside the named outputs, or to a file that stood inside one before. */
function forbidden(
  before: Map<string, string>,
  after: Map<string, string>,
  outputs: string[],
): string[] {
  return changes(before, after).filter((c) => {
    const path = c.slice(1);
    const named = outputs.find((o) => path === o || path.startsWith(`${o}/`));
    if (named === undefined) return true;
    if (path === named) return false; // the output itself: written (a directory: its entries)
    return c[0] !== "+"; // inside an output directory: only new files
  });
}

for (const g of GENERAL) {
  Deno.test(`files: ${g.command} changes nothing but its named outputs in a directory of user files`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      await userFiles(dir);
      const run = (args: string[]) =>
        g.script
          ? new Deno.Command(Deno.execPath(), {
            args: ["run", "-A", "--no-lock", g.script, ...args],
            cwd: dir,
            stdout: "piped",
            stderr: "piped",
            signal: AbortSignal.timeout(120_000),
          }).output().then((o) => ({
            code: o.code,
            signal: o.signal,
            stderr: new TextDecoder().decode(o.stderr),
          }))
          : cli(args, dir, 120_000);
      const before = await snapshot(dir);
      const bad = await run(g.hostile);
      assert.equal(bad.code, 2, `${g.hostile.join(" ")}: ${bad.stderr}`);
      assert.equal(bad.stderr.trimEnd().split("\n").length, 1, bad.stderr);
      assert.match(bad.stderr, /invalid --(out|save-init|save-spectrum)/);
      assert.deepEqual(changes(before, await snapshot(dir)), [], "a refusal changes nothing");
      if (g.ok.length === 0) return;
      const good = await run(g.ok);
      assert.equal(good.code, 0, `${g.ok.join(" ")}: ${good.stderr}`);
      assert.deepEqual(forbidden(before, await snapshot(dir), g.outputs), []);
      for (const o of g.outputs) assert.ok(exists(`${dir}/${o}`), `${o} written`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
