/**
 * Resume that cannot corrupt a result, and one run per output directory:
 * checkpoints are validated before they are trusted (a corrupted or
 * malformed one is discarded with a warning naming it and its seed run
 * again), keyed by the package version and the problem; a second run on the
 * same --out is refused naming the process that holds it, and a lock left by
 * a dead process is taken over.
 * @module
 */
import assert from "node:assert/strict";
import { simulateWithCheckpoints } from "../../src/cli/checkpoint.ts";
import { checkpointKey } from "../../src/cli/checkpoint.ts";
import { resolveProblem } from "../../src/problem/resolve.ts";
import { VERSION } from "../../src/core/version.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

const problem = resolveProblem({
  data: { kind: "spiked", D: 30, spikes: [3, 2] },
  network: { K: 2 },
  tMax: 2,
  nTimes: 4,
  nTest: 100,
  seeds: [5, 6],
});

/** Run with console.error captured. */
async function quietly<T>(f: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => warnings.push(a.join(" "));
  try {
    return { value: await f(), warnings };
  } finally {
    console.error = error;
  }
}

Deno.test("a checkpoint that does not parse, or holds a malformed run, is discarded with a warning and its seed rerun", async () => {
  const fresh = await simulateWithCheckpoints(problem, { quiet: true });
  for (
    const [what, text] of [
      ["garbage", "{not json"],
      [
        "null errors",
        JSON.stringify({
          key: checkpointKey(problem),
          run: { ...fresh.runs[0], eps: fresh.runs[0].eps.map(() => null) },
        }),
      ],
      [
        "a wrong shape",
        JSON.stringify({
          key: checkpointKey(problem),
          run: { ...fresh.runs[0], order: fresh.runs[0].order.slice(1) },
        }),
      ],
      ["no run", JSON.stringify({ key: checkpointKey(problem) })],
    ]
  ) {
    const out = await Deno.makeTempDir();
    await Deno.mkdir(`${out}/.partial`);
    await Deno.writeTextFile(`${out}/.partial/run-5.json`, text);
    const { value, warnings } = await quietly(() =>
      simulateWithCheckpoints(problem, { out, quiet: true })
    );
    assert.ok(
      warnings.some((w) => w.includes(`${out}/.partial/run-5.json`) && w.includes("discarding")),
      `${what}: ${warnings.join(" | ")}`,
    );
    assert.deepEqual(value.runs, fresh.runs, `${what}: the result is a fresh run's`);
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("checkpoints are keyed by the package version and the problem", async () => {
  const key = JSON.parse(checkpointKey(problem));
  assert.equal(key.version, VERSION);
  assert.equal(key.problem.data.D, 30);
  assert.equal(key.problem.seeds, undefined, "the seeds are not part of the key");
  const fresh = await simulateWithCheckpoints(problem, { quiet: true });
  const marked = { ...fresh.runs[0], eps: fresh.runs[0].eps.map(() => 0.125) };
  const out = await Deno.makeTempDir();
  await Deno.mkdir(`${out}/.partial`);
  // another version's checkpoint is not taken
  const old = JSON.stringify({ ...key, version: "0.0.0-other" });
  await Deno.writeTextFile(`${out}/.partial/run-5.json`, JSON.stringify({ key: old, run: marked }));
  const a = await simulateWithCheckpoints(problem, { out, quiet: true });
  assert.deepEqual(a.runs[0].eps, fresh.runs[0].eps);
  // this version's is
  await Deno.writeTextFile(
    `${out}/.partial/run-5.json`,
    JSON.stringify({ key: checkpointKey(problem), run: marked }),
  );
  const b = await simulateWithCheckpoints(problem, { out, quiet: true });
  assert.deepEqual(b.runs[0].eps, marked.eps);
  await Deno.remove(out, { recursive: true });
});

function cli(args: string[], cwd: string) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("cli: a second run on the same --out is refused naming the holder; a dead holder's lock is taken over", async () => {
  const dir = await Deno.makeTempDir();
  const long = [
    "simulate",
    "--D",
    "3000",
    "--K",
    "4",
    "--t-max",
    "200",
    "--n-times",
    "5",
    "--out",
    "o",
  ];
  const first = cli(long, dir).spawn();
  // wait for its lock
  for (let i = 0; i < 100; i++) {
    if (await Deno.stat(`${dir}/o/.lock`).then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const second = await cli(["simulate", "--D", "30", "--t-max", "1", "--out", "o"], dir).output();
  const stderr = new TextDecoder().decode(second.stderr);
  assert.equal(second.code, 2, stderr);
  assert.match(stderr, new RegExp(`in use by process ${first.pid}`));
  first.kill("SIGKILL"); // dies holding the lock
  await first.output();
  assert.ok(
    await Deno.stat(`${dir}/o/.lock`).then(() => true, () => false),
    "a stale lock is left",
  );
  const third = await cli(
    [
      "simulate",
      "--D",
      "30",
      "--K",
      "2",
      "--t-max",
      "1",
      "--n-times",
      "3",
      "--quiet",
      "--out",
      "o",
    ],
    dir,
  ).output();
  assert.equal(third.code, 0, new TextDecoder().decode(third.stderr));
  assert.ok(await Deno.stat(`${dir}/o/result.json`).then(() => true, () => false));
  assert.equal(await Deno.stat(`${dir}/o/.lock`).then(() => true, () => false), false);
  await Deno.remove(dir, { recursive: true });
});
