/**
 * The Slurm array job without a cluster: the shard of an array task from
 * Slurm's variables (the script's own array, a resubmitted task, offset and
 * stepped arrays, tasks outside the shards), and the script `sweep --slurm`
 * writes, run by bash with a stub in place of deno from directories with
 * hostile names (spaces, quotes, `$()`, backticks, `%`, `#`): every value
 * reaches the command as one word, nothing is executed, and the log path of
 * the `#SBATCH` line reads back, under sbatch's quoting rules and Slurm's
 * `%` patterns, as the directory's.
 * @module
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/core/errors.ts";
import { chooseShard, sbatchScript, slurmShard } from "../../src/cli/slurm.ts";

const envOf = (vars: Record<string, string | number>) => (name: string) =>
  vars[name] === undefined ? undefined : String(vars[name]);

/** Slurm's variables for task `id` of the array `min-max:step` of `count` tasks. */
const task = (id: number, min: number, max: number, step: number, count: number) =>
  envOf({
    SLURM_ARRAY_TASK_ID: id,
    SLURM_ARRAY_TASK_MIN: min,
    SLURM_ARRAY_TASK_MAX: max,
    SLURM_ARRAY_TASK_STEP: step,
    SLURM_ARRAY_TASK_COUNT: count,
  });

Deno.test("slurm: the shard of an array task, with the count the script pins", () => {
  // the script's own array 0-3
  for (let id = 0; id < 4; id++) {
    assert.deepEqual(slurmShard(4, task(id, 0, 3, 1, 4)), { index: id, count: 4 });
  }
  // resubmission of one task (sbatch --array=3): ID 3, MIN 3, COUNT 1 runs shard 3 of 4
  assert.deepEqual(slurmShard(4, task(3, 3, 3, 1, 1)), { index: 3, count: 4 });
  // resubmission of some tasks (--array=1-2): their IDs are their shards
  assert.deepEqual(slurmShard(4, task(2, 1, 2, 1, 2)), { index: 2, count: 4 });
  // a stepped array of as many tasks as shards (0-10:2, 6 tasks, --shards 6): the rank
  const stepped = [0, 2, 4, 6, 8, 10].map((id) => slurmShard(6, task(id, 0, 10, 2, 6)).index);
  assert.deepEqual(stepped, [0, 1, 2, 3, 4, 5]);
  // the same stepped array over a larger count (--shards 11): the even shards
  const even = [0, 2, 4, 6, 8, 10].map((id) => slurmShard(11, task(id, 0, 10, 2, 6)).index);
  assert.deepEqual(even, [0, 2, 4, 6, 8, 10]);
  // a list (sbatch --array=1,5,6 sets MIN 1, MAX 6, STEP 1, COUNT 3, as a real Slurm does):
  // not evenly spaced, so the IDs are the shards
  assert.deepEqual([1, 5, 6].map((id) => slurmShard(7, task(id, 1, 6, 1, 3)).index), [1, 5, 6]);
  assert.throws(() => slurmShard(3, task(5, 1, 6, 1, 3)), /shard 5 of --shards 3/);
  // an offset array (10-12) of the count
  assert.deepEqual(slurmShard(3, task(11, 10, 12, 1, 3)), { index: 1, count: 3 });
  // without MAX and STEP (older Slurm): the rank from MIN
  assert.deepEqual(
    slurmShard(
      3,
      envOf({ SLURM_ARRAY_TASK_ID: 11, SLURM_ARRAY_TASK_MIN: 10, SLURM_ARRAY_TASK_COUNT: 3 }),
    ),
    { index: 1, count: 3 },
  );
});

Deno.test("slurm: a task outside the shards, or without the count, is refused naming the variables", () => {
  const refused = (f: () => unknown, names: RegExp) =>
    assert.throws(f, (e: Error) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, names);
      return true;
    });
  refused(
    () => slurmShard(4, task(7, 7, 7, 1, 1)),
    /SLURM_ARRAY_TASK_ID.*SLURM_ARRAY_TASK_ID=7 SLURM_ARRAY_TASK_MIN=7.*SLURM_ARRAY_TASK_COUNT=1 \(shard 7 of --shards 4\).*0-3/,
  );
  refused(() => slurmShard(4, task(4, 0, 4, 1, 5)), /shard 4 of --shards 4/);
  refused(() => slurmShard(6, task(3, 0, 10, 2, 6)), /shard 1\.5 of --shards 6/);
  refused(() => slurmShard(4, envOf({ SLURM_ARRAY_TASK_ID: "two" })), /SLURM_ARRAY_TASK_ID.*two/);
  refused(() => slurmShard(4, envOf({ SLURM_ARRAY_TASK_ID: -1 })), /SLURM_ARRAY_TASK_ID/);
  refused(() => slurmShard(4, task(1, 0, 3, 0, 4)), /SLURM_ARRAY_TASK_STEP/);
  // SLURM_ARRAY_TASK_ID without the count runs nothing
  refused(
    () => chooseShard(undefined, undefined, task(1, 0, 3, 1, 4)),
    /--shards.*SLURM_ARRAY_TASK_ID is set/,
  );
  assert.deepEqual(chooseShard(undefined, "4", task(1, 0, 3, 1, 4)), {
    shard: { index: 1, count: 4 },
    source: "SLURM_ARRAY_TASK_ID",
  });
  // --shard names its own count
  assert.throws(() => chooseShard("0/2", "4", envOf({})), /drop --shards/);
});

/** The argument of an `#SBATCH --output=` line as sbatch reads it (quotes group, `\` escapes). */
function sbatchArgument(line: string): string {
  const text = line.slice(line.indexOf("=") + 1);
  let out = "", quote = "", escaped = false;
  for (const ch of text) {
    if (escaped) {
      out += ch;
      escaped = false;
    } else if (ch === "\\") escaped = true;
    else if (quote) {
      if (ch === quote) quote = "";
      else out += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (/\s/.test(ch) || ch === "#") break;
    else out += ch;
  }
  return out;
}

/** Slurm's filename pattern expanded for job `A`, task `a` (`%%` is a `%`). */
function expandPattern(pattern: string, A: string, a: string): string {
  return pattern.replace(/%([%Aa])/g, (_, c) => (c === "%" ? "%" : c === "A" ? A : a));
}

const HOSTILE = [
  "with space",
  "it's",
  'say "hi"',
  "$(touch PWNED)",
  "`touch PWNED`",
  "100%_%A",
  "#not-a-comment",
  "a;b&c|d>e",
  "$HOME and ${PATH}",
];

Deno.test("slurm: the script runs as one word every hostile path it embeds, and executes none", async () => {
  const root = await Deno.makeTempDir({ prefix: "aedyn-sbatch-" });
  try {
    for (const name of HOSTILE) {
      const dir = `${root}/${name}`;
      await Deno.mkdir(dir);
      // a stub deno in the hostile directory: its argv, NUL-separated
      const stub = `${dir}/deno stub`;
      await Deno.writeTextFile(stub, '#!/bin/bash\nprintf \'%s\\0\' "$@" > "$STUB_OUT"\n');
      await Deno.chmod(stub, 0o755);
      const cli = `${dir}/cli.ts`;
      const script = sbatchScript({
        dir,
        tasks: 3,
        cpusPerTask: 2,
        partition: "debug",
        time: "00:05:00",
        command: [stub, "run", "-A", cli],
      });
      const path = `${dir}/sweep.sbatch`;
      await Deno.writeTextFile(path, script);
      const syntax = await new Deno.Command("bash", { args: ["-n", path], stderr: "piped" })
        .output();
      assert.equal(syntax.code, 0, `${name}: ${new TextDecoder().decode(syntax.stderr)}`);
      const argv = `${root}/argv`;
      const ran = await new Deno.Command("bash", {
        args: [path],
        cwd: root,
        env: { STUB_OUT: argv, SLURM_CPUS_PER_TASK: "5" },
        stderr: "piped",
      }).output();
      assert.equal(ran.code, 0, `${name}: ${new TextDecoder().decode(ran.stderr)}`);
      const words = (await Deno.readTextFile(argv)).split("\0").slice(0, -1);
      assert.deepEqual(words, [
        "run",
        "-A",
        cli,
        "sweep",
        `${dir}/spec.json`,
        "--out",
        dir,
        "--shards",
        "3",
        "--workers",
        "5",
      ], name);
      // the log path, as sbatch and Slurm read it
      const output = script.split("\n").find((l) => l.startsWith("#SBATCH --output="))!;
      assert.equal(
        expandPattern(sbatchArgument(output), "77", "2"),
        `${dir}/slurm/77_2.out`,
        name,
      );
      for (const l of script.split("\n").filter((l) => l.startsWith("#"))) {
        assert.ok(!l.includes("\n"), name);
      }
    }
    const made = [...Deno.readDirSync(root)].map((e) => e.name);
    assert.ok(!made.includes("PWNED"), "a command in a path was executed");
    for (const name of HOSTILE) {
      assert.ok(!(await exists(`${root}/${name}/PWNED`)), `executed from ${name}`);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

async function exists(path: string) {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("slurm: a path with a control character or a backslash is refused, naming it", () => {
  const base = { tasks: 2, cpusPerTask: 1, command: ["/usr/bin/deno", "run", "cli.ts"] };
  const cases: [Parameters<typeof sbatchScript>[0], RegExp][] = [
    [
      { ...base, dir: "/tmp/a\nrm -rf ~" },
      /invalid --out: got "\/tmp\/a\\nrm -rf ~".*control characters/,
    ],
    [{ ...base, dir: "/tmp/a\rb" }, /--out.*control/],
    [{ ...base, dir: "/tmp/tab\there" }, /--out.*control/],
    [{ ...base, dir: "/tmp/back\\slash" }, /--out.*backslash/],
    [{ ...base, dir: "/tmp/ok", command: ["/opt/de\nno", "run"] }, /--slurm.*control/],
    [{ ...base, dir: "/tmp/ok", partition: "a b" }, /--partition/],
    [{ ...base, dir: "/tmp/ok", time: "1:00\n" }, /--time/],
  ];
  for (const [opts, names] of cases) {
    assert.throws(() => sbatchScript(opts), (e: Error) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, names);
      assert.equal(e.message.split("\n").length, 1, "one line");
      return true;
    });
  }
});
