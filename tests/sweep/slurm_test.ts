/**
 * A sweep on a real Slurm cluster: `cli.ts sweep --slurm --submit --wait`
 * submits the array job (sbatch --wait) from a directory whose name holds
 * quotes, spaces, `$()`, backticks and `%`; every task runs its shard on
 * the cluster, its log lands where the script says (Slurm read the quoted
 * `#SBATCH --output` line), a resubmitted task (`sbatch --array=1`) runs
 * shard 1 again, and the merge gives the rows of a local run, bit for bit.
 * Ignored where no Slurm node is up (.ci/run starts a one-node cluster with
 * ../shared/slurm/start-local-slurm.sh when it runs as root).
 * @module
 */
import assert from "node:assert/strict";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

/** Whether sinfo reports a node that takes jobs. */
async function slurmUp(): Promise<boolean> {
  try {
    const out = await new Deno.Command("sinfo", {
      args: ["-h", "-o", "%T"],
      stdout: "piped",
      stderr: "null",
    })
      .output();
    return out.success && /idle|mix|alloc/.test(new TextDecoder().decode(out.stdout));
  } catch {
    return false;
  }
}

async function cli(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

const UP = await slurmUp();

Deno.test({
  name: "slurm: a sweep submitted as an array job merges into the rows of a local run",
  ignore: !UP,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "aedyn-slurm-" });
    try {
      const spec = `${dir}/spec.json`;
      await Deno.writeTextFile(
        spec,
        JSON.stringify({
          problem: {
            data: { D: 80 },
            network: { K: 2 },
            tMax: 5,
            nTimes: 10,
            nTest: 200,
            seeds: [1, 2],
          },
          axes: { lr: [0.5, 1], "network.tied": [true, false] },
        }),
      );
      const local = await cli(["sweep", spec, "--out", `${dir}/local`, "--quiet"]);
      assert.equal(local.code, 0, local.stderr);
      const cluster = `${dir}/it's a "study" $(touch PWNED) \`touch PWNED\` 100%`;
      const job = await cli([
        "sweep",
        spec,
        "--out",
        cluster,
        "--slurm",
        "--shards",
        "3",
        "--time",
        "00:05:00",
        "--submit",
        "--wait",
      ]);
      const logs = async () => {
        const out: string[] = [];
        for await (const e of Deno.readDir(`${cluster}/slurm`)) {
          out.push(`${e.name}:\n${await Deno.readTextFile(`${cluster}/slurm/${e.name}`)}`);
        }
        return out.sort().join("\n");
      };
      assert.equal(job.code, 0, `${job.stderr}\n${await logs()}`);
      assert.match(job.stderr, /submitted array job \d+; every task has ended/);
      const log = await logs();
      // three array tasks ran, each its shard, from the variables Slurm set
      for (const i of [0, 1, 2]) {
        assert.match(log, new RegExp(`shard ${i}/3 \\(from SLURM_ARRAY_TASK_ID\\)`), log);
      }
      // the logs are named by job and task: Slurm expanded %A and %a, not the path's %
      const names = [...Deno.readDirSync(`${cluster}/slurm`)].map((e) => e.name).sort();
      assert.equal(names.length, 3, names.join());
      for (const name of names) assert.match(name, /^\d+_[0-2]\.out$/);
      // one task resubmitted: sbatch --array=1 (ID 1, MIN 1, COUNT 1) runs shard 1 of the
      // script's 3, which holds point 1 of 4: its file, removed, is computed again
      const local1 = JSON.parse(await Deno.readTextFile(`${dir}/local/summary.json`)).timings[1];
      const file = `${cluster}/points/${local1.name}.json`;
      await Deno.remove(file);
      const again = await new Deno.Command("sbatch", {
        args: ["--parsable", "--wait", "--array=1", `${cluster}/sweep.sbatch`],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const id = new TextDecoder().decode(again.stdout).trim().split(";")[0];
      assert.equal(again.code, 0, new TextDecoder().decode(again.stderr));
      assert.ok(Deno.statSync(file).isFile, "the removed point is computed again");
      const relog = await Deno.readTextFile(`${cluster}/slurm/${id}_1.out`);
      assert.match(relog, /shard 1\/3 \(from SLURM_ARRAY_TASK_ID\): 1 of 4 points/);
      for (const e of Deno.readDirSync(dir)) assert.notEqual(e.name, "PWNED");
      for (const e of Deno.readDirSync(cluster)) assert.notEqual(e.name, "PWNED");
      const merged = await cli(["sweep", "--merge", cluster]);
      assert.equal(merged.code, 0, merged.stderr);
      const rows = async (d: string) =>
        JSON.parse(await Deno.readTextFile(`${d}/summary.json`)).rows;
      const expected = await rows(`${dir}/local`);
      assert.equal(expected.length, 4);
      assert.deepEqual(await rows(cluster), expected);
      assert.equal(
        await Deno.readTextFile(`${cluster}/summary.csv`),
        await Deno.readTextFile(`${dir}/local/summary.csv`),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
