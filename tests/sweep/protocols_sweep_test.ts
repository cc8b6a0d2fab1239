/**
 * The training protocols of THEORY.md 7 as sweep axes: batch, lrSchedule and
 * network.weightDecay are problem keys, so a sweep takes them like any other.
 * @module
 */
import assert from "node:assert/strict";
import { parseSweepSpec, summarise, sweep, sweepPoints } from "../../src/sweep/mod.ts";
import type { PointResult } from "../../src/sweep/mod.ts";

Deno.test("a sweep over batch, lrSchedule and network.weightDecay: one row per point, each point's protocol applied", async () => {
  const spec = parseSweepSpec(JSON.stringify({
    problem: { data: { D: 60 }, network: { K: 2 }, tMax: 6, nTimes: 8, nTest: 200, seeds: [1] },
    axes: {
      batch: [1, 4],
      lrSchedule: ["constant", "steps:3@0.2"],
      "network.weightDecay": [[0], [0.5, 2]],
    },
    run: ["simulate", "theory"],
  }));
  const points = await sweepPoints(spec);
  assert.equal(points.length, 8);
  assert.equal(new Set(points.map((p) => p.name)).size, 8);
  const results = JSON.parse(JSON.stringify(await sweep(spec))) as PointResult[];
  const { rows } = await summarise(spec, results);
  assert.equal(rows.length, 8);
  for (const row of rows) {
    assert.equal(row.failure, null);
    assert.equal(typeof row.finalError, "number");
  }
  // each axis changes the final error: the protocol reached the simulation
  const final = (b: number, s: string, l: number[]) =>
    rows.find((r) =>
      r.batch === b && r.lrSchedule === s &&
      // a list value is one cell: its JSON text
      r["network.weightDecay"] === JSON.stringify(l)
    )!.finalError as number;
  const base = final(1, "constant", [0]);
  assert.notEqual(final(4, "constant", [0]), base);
  assert.notEqual(final(1, "steps:3@0.2", [0]), base);
  assert.notEqual(final(1, "constant", [0.5, 2]), base);
});
