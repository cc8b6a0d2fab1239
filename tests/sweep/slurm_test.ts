/**
 * A sweep on a real Slurm cluster: `cli.ts sweep --slurm --submit --wait`
 * submits the array job (sbatch --wait), every task runs its shard on the
 * cluster, and the merge gives the rows of a local run, bit for bit.
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
      const job = await cli([
        "sweep",
        spec,
        "--out",
        `${dir}/cluster`,
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
        for await (const e of Deno.readDir(`${dir}/cluster/slurm`)) {
          out.push(`${e.name}:\n${await Deno.readTextFile(`${dir}/cluster/slurm/${e.name}`)}`);
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
      const merged = await cli(["sweep", "--merge", `${dir}/cluster`]);
      assert.equal(merged.code, 0, merged.stderr);
      const rows = async (d: string) =>
        JSON.parse(await Deno.readTextFile(`${d}/summary.json`)).rows;
      const expected = await rows(`${dir}/local`);
      assert.equal(expected.length, 4);
      assert.deepEqual(await rows(`${dir}/cluster`), expected);
      assert.equal(
        await Deno.readTextFile(`${dir}/cluster/summary.csv`),
        await Deno.readTextFile(`${dir}/local/summary.csv`),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
