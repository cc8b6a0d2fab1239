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
      await cli(["sweep", spec, "--out", out], {
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
        [[], { JOB_COMPLETION_INDEX: "0" }, /--shards.*JOB_COMPLETION_INDEX/],
        [
          [],
          { SLURM_ARRAY_TASK_ID: "4", SLURM_ARRAY_TASK_COUNT: "4" },
          /SLURM_ARRAY_TASK_ID.*4\/4/,
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
        `#SBATCH --output=${real}/slurm/%A_%a.out`,
      ]
    ) assert.ok(script.includes(line), line);
    assert.match(
      script,
      /exec '[^']*deno[^']*' 'run' '-A' .*'[^']*cli\.ts' sweep '[^']*'\/spec\.json --out /,
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
    const bad = await cli([command, ...small.slice(4), "--workers", "0"]);
    assert.equal(bad.code, 2, command);
    assert.match(bad.stderr, /--workers.*from 1 to 1024/, command);
  }
});
