/**
 * The output-directory lock (issue 16, part A, defect 4), with separate
 * processes as in real use: of several simultaneous takers over a stale
 * lock exactly one wins, every time; the lock holds host, boot, PID and
 * start time and is taken over only from a provably dead holder of this
 * host (by /proc, or by its released advisory lock when a run may not read
 * /proc); another host's lock never, and the message says how to clear it.
 * @module
 */
import assert from "node:assert/strict";
import { thisHolder } from "../../src/cli/io.ts";
import { deadPid, exists, holdAsLive, TAKER } from "./_files.ts";

/** Start `n` processes that take the lock of `dir` at the same instant; their outcomes. */
async function takers(dir: string, n: number, perms = ["-A"]): Promise<string[]> {
  const at = Date.now() + 2500; // every process started and compiled by then
  const children = Array.from({ length: n }, () =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", ...perms, TAKER, dir, String(at), "1500"],
      stdout: "piped",
      stderr: "piped",
    }).output());
  return (await Promise.all(children)).map((o) =>
    new TextDecoder().decode(o.stdout).trim() || new TextDecoder().decode(o.stderr)
  );
}

Deno.test("lock: of several simultaneous takers over a stale lock, exactly one wins, every time", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (let trial = 0; trial < 3; trial++) {
      const d = `${dir}/o${trial}`;
      await Deno.mkdir(d);
      const dead = { ...thisHolder(), pid: await deadPid(), start: "1" };
      await Deno.writeTextFile(`${d}/.lock`, JSON.stringify(dead));
      const outcomes = await takers(d, 4);
      const won = outcomes.filter((o) => o === "won").length;
      assert.equal(won, 1, `trial ${trial}: ${outcomes.join(" | ")}`);
      for (const o of outcomes.filter((o) => o !== "won")) {
        assert.match(o, /^refused invalid --out: got ".* \(in use by process \d+ on /);
      }
      assert.ok(!exists(`${d}/.lock`), "released by the winner");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lock: holds host, boot, PID and start time; a live holder is refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // this test process is alive and holds its lock as every holder does
    await Deno.writeTextFile(`${dir}/.lock`, JSON.stringify(thisHolder()));
    const held = holdAsLive(`${dir}/.lock`);
    try {
      const [outcome] = await takers(dir, 1);
      assert.match(outcome, new RegExp(`in use by process ${Deno.pid} on `));
      // without --allow-all Deno refuses /proc: the advisory lock is the proof of life
      const [restricted] = await takers(dir, 1, ["--allow-read", "--allow-write"]);
      assert.match(restricted, new RegExp(`in use by process ${Deno.pid} on `));
    } finally {
      held.close();
    }
    const h = thisHolder();
    assert.ok(h.host.length > 0 && h.pid === Deno.pid && h.started.length > 0);
    if (exists("/proc/self/stat")) assert.match(h.start, /^\d+$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lock: without --allow-all (no /proc), a dead holder is known by its released advisory lock", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dead = { ...thisHolder(), pid: await deadPid() };
    await Deno.writeTextFile(`${dir}/.lock`, JSON.stringify(dead));
    const outcomes = await takers(dir, 3, ["--allow-read", "--allow-write"]);
    assert.equal(outcomes.filter((o) => o === "won").length, 1, outcomes.join(" | "));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lock: the same PID with another start time is dead, and its lock is taken over", async () => {
  const dir = await Deno.makeTempDir();
  try {
    if (!exists("/proc/self/stat")) return;
    // this live process's PID, but started at another time: a PID reused since
    const reused = { ...thisHolder(), start: "1" };
    await Deno.writeTextFile(`${dir}/.lock`, JSON.stringify(reused));
    assert.deepEqual(await takers(dir, 1), ["won"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lock: another host's lock is never taken over; the message says how to clear it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const other = { ...thisHolder(), host: "node-17.cluster", pid: await deadPid() };
    await Deno.writeTextFile(`${dir}/.lock`, JSON.stringify(other));
    const [outcome] = await takers(dir, 1);
    assert.match(outcome, /in use by process \d+ on node-17\.cluster/);
    assert.match(outcome, /another host is never taken over: if no run is writing there, remove /);
    assert.equal(await Deno.readTextFile(`${dir}/.lock`), JSON.stringify(other), "untouched");
    // an unreadable lock (or one of an earlier version, without a host) is not judged either
    await Deno.writeTextFile(`${dir}/.lock`, "garbage");
    const [garbage] = await takers(dir, 1);
    assert.match(garbage, /an unreadable lock.*remove .*\.lock/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
