/**
 * The one fan-out: the same tasks in this thread and over 2 or 3 workers give
 * the same outputs in task order; every task's events and completion reach
 * the hooks; the tally ends at 1; `keep: false` keeps nothing; an abort
 * stops the tasks in this thread between two of them.
 * @module
 */
import assert from "node:assert/strict";
import { fanOut, seedProgress, Tally } from "../../src/core/fanout.ts";
import type { Progress } from "../../src/core/progress.ts";
import { square } from "./_square.ts";

const WORKER = new URL("./_fanout_worker.ts", import.meta.url);
const XS = [5, 1, 4, 2, 3];

Deno.test("fanOut: the same outputs in task order in this thread and over workers", async () => {
  for (const workers of [1, 2, 3]) {
    const tally = new Tally(XS.length);
    const fractions: number[] = [];
    const done: number[] = [];
    const out = await fanOut({
      count: XS.length,
      workers,
      worker: WORKER,
      input: (i) => ({ x: XS[i], ms: 5 * XS[i] }),
      local: square,
      onEvent: (i, f: number) => {
        tally.reach(i, f);
        fractions.push(tally.fraction);
      },
      onDone: (i) => {
        tally.finish(i);
        done.push(i);
      },
    });
    assert.deepEqual(out, [25, 1, 16, 4, 9], `workers = ${workers}`);
    assert.deepEqual(done.sort(), [0, 1, 2, 3, 4]);
    assert.equal(fractions.length, XS.length);
    assert.ok(fractions.every((f) => f > 0 && f < 1));
    assert.equal(tally.fraction, 1);
    assert.equal(tally.finished, XS.length);
  }
  const kept = await fanOut({
    count: 2,
    workers: 2,
    worker: WORKER,
    input: (i) => ({ x: i, ms: 1 }),
    local: square,
    keep: false,
  });
  assert.deepEqual(kept, []);
});

Deno.test("fanOut in this thread stops between tasks when aborted", async () => {
  const c = new AbortController();
  const ran: number[] = [];
  await assert.rejects(
    fanOut({
      count: 4,
      workers: 1,
      worker: WORKER,
      input: (i) => ({ x: i, ms: 1 }),
      local: square,
      signal: c.signal,
      onDone: (i) => {
        ran.push(i);
        if (i === 1) c.abort(new Error("stop"));
      },
    }),
    /stop/,
  );
  assert.deepEqual(ran, [0, 1]);
});

Deno.test("seedProgress: resumed seeds count as done, t is the time reached", () => {
  const seen: Progress[] = [];
  const p = seedProgress((x) => seen.push(x), {
    runs: 4,
    tMax: 10,
    finishedBefore: 2,
    runOf: (task) => task + 2,
  });
  p.reach(0, 5);
  assert.deepEqual(seen.at(-1), { run: 2, runs: 4, t: 5, tMax: 10, fraction: 2.5 / 4 });
  p.finish(0);
  assert.deepEqual(seen.at(-1), { run: 2, runs: 4, t: 10, tMax: 10, fraction: 3 / 4 });
  p.finish(1);
  assert.equal(seen.at(-1)!.fraction, 1);
});
