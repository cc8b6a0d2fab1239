/**
 * Seeds over Web Workers: `simulate` and `theory` give every seed the same
 * bits whatever the pool size; the hooks (onRun, onRecord, onProgress) see
 * every seed; resumed seeds are not run again; an abort stops the pool.
 * @module
 */
import assert from "node:assert/strict";
import { simulate } from "../../src/sgd/simulate.ts";
import { theory } from "../../src/theory/theory.ts";
import type { Run } from "../../src/problem/types.ts";

const PROBLEM = {
  data: { D: 120 },
  network: { K: 3, activation: "erf" as const, bias: true },
  lr: 0.8,
  tMax: 8,
  nTimes: 9,
  nTest: 300,
  seeds: [5, 6, 7, 8, 9],
  snapshotTimes: [8],
};

const bits = (runs: Run[]) => JSON.stringify(runs);

Deno.test("simulate: every seed is the same bits in this thread and over 1, 2 or 3 workers", async () => {
  const reference = await simulate(PROBLEM);
  for (const workers of [1, 2, 3]) {
    const seen: number[] = [];
    let records = 0, last = 0;
    const r = await simulate(PROBLEM, {
      workers,
      onRun: (run) => void seen.push(run.seed),
      onRecord: (e) => {
        records++;
        assert.equal(PROBLEM.seeds[e.run], e.seed);
      },
      onProgress: (p) => {
        assert.ok(p.fraction >= 0 && p.fraction <= 1 && p.runs === 5);
        last = p.fraction;
      },
    });
    assert.equal(bits(r.runs), bits(reference.runs), `workers = ${workers}`);
    assert.deepEqual(r.eps, reference.eps);
    assert.deepEqual(r.runs.map((x) => x.seed), PROBLEM.seeds);
    assert.deepEqual(seen.sort(), PROBLEM.seeds);
    assert.equal(records, 5 * reference.times.length);
    // the one fan-out reports each finished seed, in this thread as in a pool
    assert.equal(last, 1);
  }
});

Deno.test("simulate over workers: finished seeds are not run again; an abort stops every worker", async () => {
  const reference = await simulate(PROBLEM);
  const ran: number[] = [];
  const r = await simulate(PROBLEM, {
    workers: 2,
    done: reference.runs.slice(0, 3),
    onRun: (run) => void ran.push(run.seed),
  });
  assert.deepEqual(ran.sort(), [8, 9]);
  assert.equal(bits(r.runs), bits(reference.runs));
  const c = new AbortController();
  const started = performance.now();
  await assert.rejects(
    simulate({ ...PROBLEM, data: { D: 2000 }, tMax: 200 }, {
      workers: 2,
      signal: c.signal,
      onProgress: () => c.abort(new Error("stop")),
    }),
    /stop/,
  );
  assert.ok(performance.now() - started < 15_000);
});

Deno.test("theory: every seed is the same bits over 1 or 2 workers, with the solver's totals", async () => {
  const reference = await theory(PROBLEM);
  for (const workers of [1, 2]) {
    const r = await theory(PROBLEM, {}, { workers });
    assert.equal(bits(r.runs), bits(reference.runs), `workers = ${workers}`);
    assert.deepEqual(r.solver, reference.solver);
  }
});
