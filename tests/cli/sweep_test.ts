/**
 * `cli.ts sweep` as a user runs it: a full run merges at the end; a rerun
 * skips every finished point; shards (from --shard, a Slurm array task's
 * variables or a Kubernetes indexed job's) merge into the same rows, bit
 * for bit; a directory of another sweep and a merge with points missing are
 * refused; --slurm writes an array job; the figures render.
 * @module
 */
import assert from "node:assert/strict";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

async function cli(args: string[], env: Record<string, string> = {}, denoFlags: string[] = []) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...denoFlags, CLI, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

const SPEC = {
  problem: { data: { D: 60 }, network: { K: 2 }, tMax: 5, nTimes: 10, nTest: 200, seeds: [3] },
  axes: { lr: [0.5, 1, 2], "network.activation": ["erf", "linear"] },
};

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/spec.json`, JSON.stringify(SPEC));
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const rowsOf = async (dir: string) =>
  JSON.parse(await Deno.readTextFile(`${dir}/summary.json`)).rows as Record<string, unknown>[];

Deno.test("sweep: a full run writes every point and merges; a rerun runs nothing", async () => {
  await withDir(async (dir) => {
    const first = await cli(["sweep", `${dir}/spec.json`, "--out", `${dir}/a`, "--workers", "2"]);
    assert.equal(first.code, 0, first.stderr);
    const files = [...Deno.readDirSync(`${dir}/a`)].map((e) => e.name).sort();
    assert.deepEqual(files, [
      "curves.svg",
      "curves.vl.json",
      "heatmap.svg",
      "heatmap.vl.json",
      "points",
      "spec.json",
      "summary.csv",
      "summary.json",
    ]);
    assert.equal([...Deno.readDirSync(`${dir}/a/points`)].length, 6);
    assert.match(first.stderr, /point 5 \(lr = 2, network.activation = "linear"\): ε = /);
    assert.match(first.stderr, /6 of 6 points finished/);
    const rows = await rowsOf(`${dir}/a`);
    assert.deepEqual(rows.map((r) => [r.index, r.lr, r["network.activation"]]), [
      [0, 0.5, "erf"],
      [1, 0.5, "linear"],
      [2, 1, "erf"],
      [3, 1, "linear"],
      [4, 2, "erf"],
      [5, 2, "linear"],
    ]);
    const csv = (await Deno.readTextFile(`${dir}/a/summary.csv`)).split("\n");
    assert.equal(
      csv[0],
      "index,lr,network.activation,finalError,finalOverPCA,plateauEnd1,theoryFinal,deviationMax,deviationMean,failure",
    );
    assert.equal(csv[1].split(",")[3], String(rows[0].finalError));
    assert.match(await Deno.readTextFile(`${dir}/a/heatmap.svg`), /^<svg/);

    const again = await cli(["sweep", `${dir}/spec.json`, "--out", `${dir}/a`]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /6 of 6 points finished in \S+ \(6 were done before\)/);
    assert.doesNotMatch(again.stderr, /point \d/);
    assert.deepEqual(await rowsOf(`${dir}/a`), rows);
  });
});

Deno.test("sweep: shards from --shard, Slurm's and Kubernetes' variables merge into the same rows", async () => {
  await withDir(async (dir) => {
    const full = await cli(["sweep", `${dir}/spec.json`, "--out", `${dir}/full`, "--workers", "1"]);
    assert.equal(full.code, 0, full.stderr);
    const spec = `${dir}/spec.json`, out = `${dir}/shards`;
    const runs = [
      await cli(["sweep", spec, "--out", out, "--shard", "0/3", "--workers", "2"]),
      await cli(["sweep", spec, "--out", out, "--shards", "3"], {
        SLURM_ARRAY_TASK_ID: "11",
        SLURM_ARRAY_TASK_MIN: "10",
        SLURM_ARRAY_TASK_COUNT: "3",
      }),
      await cli(["sweep", spec, "--out", out, "--shards", "3"], { JOB_COMPLETION_INDEX: "2" }),
    ];
    runs.forEach((r) => assert.equal(r.code, 0, r.stderr));
    assert.match(runs[0].stderr, /^shard 0\/3: 2 of 6 points/);
    assert.match(runs[1].stderr, /^shard 1\/3 \(from SLURM_ARRAY_TASK_ID\): 2 of 6 points/);
    assert.match(runs[2].stderr, /^shard 2\/3 \(from JOB_COMPLETION_INDEX\): 2 of 6 points/);
    assert.match(runs[2].stderr, /merge when every shard has run/);
    assert.ok(!(await exists(`${out}/summary.json`)), "a shard does not merge");
    const merged = await cli(["sweep", "--merge", out]);
    assert.equal(merged.code, 0, merged.stderr);
    assert.deepEqual(await rowsOf(out), await rowsOf(`${dir}/full`));
    assert.equal(
      await Deno.readTextFile(`${out}/summary.csv`),
      await Deno.readTextFile(`${dir}/full/summary.csv`),
    );
  });
});

async function exists(path: string) {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("sweep: another sweep's directory, missing points and bad shards are refused (exit 2)", async () => {
  await withDir(async (dir) => {
    const spec = `${dir}/spec.json`, out = `${dir}/s`;
    const part = await cli(["sweep", spec, "--out", out, "--shard", "1/2", "--quiet"]);
    assert.equal(part.code, 0, part.stderr);
    assert.equal(part.stderr, "");
    const merge = await cli(["sweep", "--merge", out]);
    assert.equal(merge.code, 2);
    assert.match(merge.stderr, /^aedyn: .*3 of 6 points missing \(indices 0, 2, 4\)/);
    assert.ok(!(await exists(`${out}/summary.json`)));

    await Deno.writeTextFile(`${dir}/other.json`, JSON.stringify({ ...SPEC, axes: { lr: [3] } }));
    const other = await cli(["sweep", `${dir}/other.json`, "--out", out]);
    assert.equal(other.code, 2);
    assert.match(other.stderr, /--out.*holds another sweep/);

    for (
      const [args, env, names] of [
        [["--shard", "2/2"], {}, /--shard.*2\/2.*0 <= I < N/],
        [["--shard", "one"], {}, /--shard.*I\/N/],
        [["--workers", "0"], {}, /--workers.*from 1/],
        [["--workers", "1000"], {}, /--workers.*from 1 to 256/],
        [[], { JOB_COMPLETION_INDEX: "0" }, /--shards.*JOB_COMPLETION_INDEX/],
        [
          ["--shards", "4"],
          { SLURM_ARRAY_TASK_ID: "4", SLURM_ARRAY_TASK_COUNT: "4" },
          /SLURM_ARRAY_TASK_ID.*SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=4.*0-3/,
        ],
        [[], { SLURM_ARRAY_TASK_ID: "1" }, /--shards.*SLURM_ARRAY_TASK_ID is set/],
        [
          ["--shards", "3"],
          { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_MIN: "3", SLURM_ARRAY_TASK_COUNT: "1" },
          /SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=3 SLURM_ARRAY_TASK_COUNT=1 \(shard 3 of --shards 3\)/,
        ],
        [["--metric", "finalError"], {}, /--metric go with --merge/],
        [["--partition", "debug"], {}, /--partition go with --slurm/],
      ] as [string[], Record<string, string>, RegExp][]
    ) {
      const r = await cli(["sweep", spec, "--out", out, ...args], env);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, names);
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    }
    const metric = await cli(["sweep", "--merge", out, "--metric", "speed"]);
    assert.equal(metric.code, 2);
  });
});

Deno.test("sweep --slurm writes an array job that runs the shards into the directory", async () => {
  await withDir(async (dir) => {
    const r = await cli([
      "sweep",
      `${dir}/spec.json`,
      "--out",
      `${dir}/job`,
      "--slurm",
      "--shards",
      "4",
      "--cpus-per-task",
      "2",
      "--partition",
      "debug",
      "--time",
      "00:20:00",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const path = r.stdout.trim();
    const real = Deno.realPathSync(`${dir}/job`);
    assert.equal(path, `${real}/sweep.sbatch`);
    const script = await Deno.readTextFile(path);
    for (
      const line of [
        "#SBATCH --array=0-3",
        "#SBATCH --cpus-per-task=2",
        "#SBATCH --partition=debug",
        "#SBATCH --time=00:20:00",
        `#SBATCH --output="${real}/slurm/%A_%a.out"`,
      ]
    ) assert.ok(script.includes(line), line);
    assert.match(
      script,
      /exec '[^']*deno[^']*' 'run' '-A' .*'[^']*cli\.ts' sweep '[^']*\/spec\.json' --out '[^']*' --shards 4 /,
    );
    assert.match(script, /--workers "\$\{SLURM_CPUS_PER_TASK:-2\}"/);
    assert.ok(await exists(`${real}/slurm`), "the log directory exists before submission");
    const bad = await cli([
      "sweep",
      `${dir}/spec.json`,
      "--out",
      `${dir}/job`,
      "--slurm",
      "--shards",
      "7",
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--shards.*from 1 to 6/);
  });
});

Deno.test("simulate, compare and realdata --workers N: the same records whatever N (the wall time aside)", async () => {
  const small = [
    "--D",
    "80",
    "--K",
    "2",
    "--t-max",
    "4",
    "--n-times",
    "5",
    "--seeds",
    "3",
    "--quiet",
  ];
  const strip = (text: string) =>
    JSON.stringify(JSON.parse(text), (k, v) => (k === "seconds" ? undefined : v));
  for (const command of ["simulate", "compare"]) {
    // simulate prints a summary without --out; --json prints the record
    const json = command === "simulate" ? ["--json"] : [];
    const one = await cli([command, ...small, ...json, "--workers", "1"]);
    const two = await cli([command, ...small, ...json, "--workers", "2"]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    assert.equal(strip(two.stdout), strip(one.stdout), command);
  }
  // real images: the data set goes to every worker
  const images = ["realdata", "--K", "2", "--t-max", "2", "--n-times", "3", "--seeds", "2"];
  // --no-lock: the embedded MNIST is a dynamic import the lock file does not list, and a run
  // must not write it into the project's deno.lock
  const one = await cli([...images, "--n-held-out", "500", "--quiet", "--workers", "1"], {}, [
    "--no-lock",
  ]);
  const two = await cli([...images, "--n-held-out", "500", "--quiet", "--workers", "2"], {}, [
    "--no-lock",
  ]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(strip(two.stdout), strip(one.stdout), "realdata");
  for (const command of ["simulate", "realdata"]) {
    for (const workers of ["0", "1000"]) {
      const bad = await cli([command, ...small.slice(4), "--workers", workers]);
      assert.equal(bad.code, 2, command);
      assert.match(bad.stderr, /--workers.*from 1 to 256/, command);
    }
  }
});

/** A small theory-only sweep (fast): 3 points. */
const QUICK = {
  problem: { data: { D: 40 }, network: { K: 2 }, tMax: 2, nTimes: 4 },
  axes: { lr: [0.5, 1, 2] },
  run: ["theory"],
};

Deno.test("sweep --slurm into a hostile directory: the script runs its shard from Slurm's variables (a resubmitted task, the whole array), executes nothing of the path", async () => {
  const root = await Deno.makeTempDir({ prefix: "aedyn-slurm-cli-" });
  try {
    await Deno.writeTextFile(`${root}/spec.json`, JSON.stringify(QUICK));
    const out = `${root}/it's "$(touch PWNED)" \`touch PWNED\` 100%_%A #x`;
    const made = await cli([
      "sweep",
      `${root}/spec.json`,
      "--out",
      out,
      "--slurm",
      "--shards",
      "2",
    ]);
    assert.equal(made.code, 0, made.stderr);
    const script = made.stdout.trim();
    assert.equal(script, `${Deno.realPathSync(out)}/sweep.sbatch`);
    const bash = async (env: Record<string, string>) => {
      const r = await new Deno.Command("bash", {
        args: [script],
        cwd: root,
        env: { ...env, SLURM_CPUS_PER_TASK: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
    };
    // one task resubmitted (sbatch --array=1): ID 1, MIN 1, COUNT 1 runs shard 1 of the script's 2
    const resubmitted = await bash({
      SLURM_ARRAY_TASK_ID: "1",
      SLURM_ARRAY_TASK_MIN: "1",
      SLURM_ARRAY_TASK_MAX: "1",
      SLURM_ARRAY_TASK_STEP: "1",
      SLURM_ARRAY_TASK_COUNT: "1",
    });
    assert.equal(resubmitted.code, 0, resubmitted.stderr);
    assert.match(resubmitted.stderr, /^shard 1\/2 \(from SLURM_ARRAY_TASK_ID\): 1 of 3 points/);
    // a task outside the script's shards: exit 2, naming the variables
    const outside = await bash({ SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_COUNT: "1" });
    assert.equal(outside.code, 2, outside.stderr);
    assert.match(outside.stderr, /SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_COUNT=1.*0-1/);
    // the whole array as written (0-1): task 0 runs shard 0
    const first = await bash({
      SLURM_ARRAY_TASK_ID: "0",
      SLURM_ARRAY_TASK_MIN: "0",
      SLURM_ARRAY_TASK_MAX: "1",
      SLURM_ARRAY_TASK_STEP: "1",
      SLURM_ARRAY_TASK_COUNT: "2",
    });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^shard 0\/2 \(from SLURM_ARRAY_TASK_ID\): 2 of 3 points/);
    const merged = await cli(["sweep", "--merge", out]);
    assert.equal(merged.code, 0, merged.stderr);
    assert.equal((await rowsOf(out)).length, 3);
    for await (const e of Deno.readDir(root)) assert.notEqual(e.name, "PWNED");
    for await (const e of Deno.readDir(out)) assert.notEqual(e.name, "PWNED");
    // a line break in --out would end the script's line: refused before anything is made
    const bad = `${root}/evil\ntouch PWNED`;
    const refused = await cli(["sweep", `${root}/spec.json`, "--out", bad, "--slurm"]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^aedyn: invalid --out: got ".*evil\\ntouch PWNED".*control/);
    assert.equal(refused.stderr.trimEnd().split("\n").length, 1);
    assert.ok(!(await exists(bad)));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("sweep: empty axes and duplicate axis values are refused at validation (exit 2), by the run and by --merge", async () => {
  const root = await Deno.makeTempDir();
  try {
    for (
      const [axes, names] of [
        [{}, /axes: got \{\}; allowed: an object with at least one axis/],
        [{ lr: [0.5, 1, 0.5] }, /axes\.lr.*entries 0 and 2 are both 0\.5/],
      ] as [Record<string, unknown>, RegExp][]
    ) {
      await Deno.writeTextFile(`${root}/spec.json`, JSON.stringify({ ...QUICK, axes }));
      const r = await cli(["sweep", `${root}/spec.json`, "--out", `${root}/out`]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, names);
      assert.ok(!(await exists(`${root}/out`)), "nothing written");
      // a directory whose spec.json says so (written by hand or by an older version)
      await Deno.mkdir(`${root}/old/points`, { recursive: true });
      await Deno.writeTextFile(`${root}/old/spec.json`, JSON.stringify({ ...QUICK, axes }));
      const m = await cli(["sweep", "--merge", `${root}/old`]);
      assert.equal(m.code, 2, m.stderr);
      assert.match(m.stderr, names);
      assert.equal(m.stderr.trimEnd().split("\n").length, 1);
      assert.ok(!(await exists(`${root}/old/summary.json`)));
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("sweep --merge refuses point files that are not the point's record, naming the file; a run warns and recomputes them", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/spec.json`, JSON.stringify(QUICK));
    const out = `${root}/s`;
    const first = await cli(["sweep", `${root}/spec.json`, "--out", out, "--quiet"]);
    assert.equal(first.code, 0, first.stderr);
    const csv = await Deno.readTextFile(`${out}/summary.csv`);
    const files = [...Deno.readDirSync(`${out}/points`)].map((e) => `${out}/points/${e.name}`);
    const original = await Deno.readTextFile(files[0]);
    const record = JSON.parse(original);
    const edits: [string, (r: Record<string, unknown>) => unknown, RegExp][] = [
      ["index -5", (r) => ({ ...r, index: -5 }), /index -5/],
      [
        "an extra value",
        (r) => ({ ...r, evil: "<img src=x onerror=alert(1)>" }),
        /unknown key \\"evil\\"/,
      ],
      [
        "a string finalError",
        (r) => ({ ...r, metrics: { ...(r.metrics as object), finalError: "=HYPERLINK(1)" } }),
        /metrics\.finalError/,
      ],
      ["other axis values", (r) => ({ ...r, values: { lr: 9 } }), /axis values/],
      ["not JSON", () => "{", /not JSON/],
    ];
    for (const [what, edit, names] of edits) {
      const edited = edit(record);
      await Deno.writeTextFile(
        files[0],
        typeof edited === "string" ? edited : JSON.stringify(edited),
      );
      const m = await cli(["sweep", "--merge", out]);
      assert.equal(m.code, 2, `${what}: ${m.stderr}`);
      assert.match(m.stderr, new RegExp(files[0].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), what);
      assert.match(m.stderr, names, what);
      assert.equal(m.stderr.trimEnd().split("\n").length, 1, what);
      assert.equal(await Deno.readTextFile(`${out}/summary.csv`), csv, `${what}: summary kept`);
    }
    // a run warns, naming the file and why, and computes the point again
    const rerun = await cli(["sweep", `${root}/spec.json`, "--out", out]);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stderr, /is not a finished point of this sweep \(text that is not JSON/);
    assert.match(rerun.stderr, /3 of 3 points finished .*\(2 were done before\)/);
    assert.equal(await Deno.readTextFile(`${out}/summary.csv`), csv);
    // a point file that is a directory
    await Deno.remove(files[1]);
    await Deno.mkdir(files[1]);
    const dir = await cli(["sweep", "--merge", out]);
    assert.equal(dir.code, 2, dir.stderr);
    assert.match(dir.stderr, /invalid --merge: got ".*\.json \(a directory\)"/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("pca and theory at D = 1e5 are not refused for the default n-test they never use", async () => {
  const pca = await cli(["pca", "--D", "100000", "--K", "2"]);
  assert.equal(pca.code, 0, pca.stderr);
  assert.match(pca.stdout, /eps_PCA\(2\) = /);
  const theory = await cli([
    "theory",
    "--D",
    "100000",
    "--t-max",
    "1",
    "--n-times",
    "3",
    "--quiet",
    "--json",
  ]);
  assert.equal(theory.code, 0, theory.stderr);
  assert.equal(JSON.parse(theory.stdout).config.nTest, 1500);
});

Deno.test("sweep: a spec or a point file that is a FIFO is refused (exit 2), not waited on", async () => {
  const root = await Deno.makeTempDir();
  try {
    const fifo = `${root}/spec.fifo`;
    assert.equal((await new Deno.Command("mkfifo", { args: [fifo] }).output()).code, 0);
    const r = await cli(["sweep", fifo, "--out", `${root}/out`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /invalid spec: got ".*spec\.fifo \(not a regular file\)"/);
    assert.ok(!(await exists(`${root}/out`)));
    // a merge whose point file is a FIFO
    await Deno.writeTextFile(`${root}/spec.json`, JSON.stringify(QUICK));
    const first = await cli(["sweep", `${root}/spec.json`, "--out", `${root}/s`, "--quiet"]);
    assert.equal(first.code, 0, first.stderr);
    const [name] = [...Deno.readDirSync(`${root}/s/points`)].map((e) => e.name);
    await Deno.remove(`${root}/s/points/${name}`);
    await new Deno.Command("mkfifo", { args: [`${root}/s/points/${name}`] }).output();
    const m = await cli(["sweep", "--merge", `${root}/s`]);
    assert.equal(m.code, 2, m.stderr);
    assert.match(m.stderr, new RegExp(`--merge: got ".*${name} \\(not a regular file\\)"`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("sweep --merge refuses, before reading a point, curves too many for one summary.json (--no-curves keeps the rows)", async () => {
  const root = await Deno.makeTempDir();
  try {
    // 70 points of 1e5 recorded times, times and two curves each: 2.1e7 values > 2e7
    const spec = {
      problem: { data: { D: 500 }, tMax: 1000, nTimes: 100_000 },
      axes: { lr: Array.from({ length: 70 }, (_, i) => 0.5 + i / 100) },
    };
    await Deno.mkdir(`${root}/s/points`, { recursive: true });
    await Deno.writeTextFile(`${root}/s/spec.json`, JSON.stringify(spec));
    const m = await cli(["sweep", "--merge", `${root}/s`]);
    assert.equal(m.code, 2, m.stderr);
    assert.match(
      m.stderr,
      /--merge: got ".*70 points whose curves hold 21000210 values.*--no-curves/,
    );
    assert.equal(m.stderr.trimEnd().split("\n").length, 1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
