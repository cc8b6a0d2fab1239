import assert from "node:assert/strict";
import { overlapHeatmapSpec } from "../../src/plot/mod.ts";
import { renderSvg } from "../../src/plot/render.ts";
import { assertCompilesCleanly, D, K, order, simulation, theory, values } from "./_fixtures.ts";

Deno.test("overlap heatmap: |cos| from a and WW at selected times", async () => {
  const spec = overlapHeatmapSpec(simulation, { times: [0.1, 10, 700] });
  assertCompilesCleanly(spec);
  const rows = values(spec);
  const times = [...new Set(rows.map((r) => r.time))];
  assert.equal(times.length, 3);
  assert.equal(rows.length, 3 * K * K);
  const t = simulation.times.at(-1)!;
  const o = order(t, 1);
  const last = rows.filter((r) => r.time === times[2]);
  const expected = Math.abs(o.a[0][0]) / Math.sqrt(D * o.WW[0][0]);
  assert.ok(Math.abs((last.find((r) => r.k === 1 && r.m === 1)!.cos as number) - expected) < 1e-4);
  assert.ok(rows.every((r) => (r.cos as number) >= 0 && (r.cos as number) <= 1));
  const svg = await renderSvg(spec);
  assert.ok(svg.includes("hidden unit k") && svg.includes("component m"));
  const byDefault = values(overlapHeatmapSpec(theory));
  assert.equal(new Set(byDefault.map((r) => r.time)).size, 4);
  assert.throws(() => overlapHeatmapSpec(simulation, { run: 5 }), /run: got 5/);
  const noD = { ...simulation, config: {} };
  assert.throws(() => overlapHeatmapSpec(noD), /invalid D/);
  const short = { ...simulation, runs: [{ ...simulation.runs[0], order: [] }] };
  assert.throws(() => overlapHeatmapSpec(short), /order\.length: got 0; allowed: 41/);
  const order0 = { ...simulation.runs[0].order[40], WW: [[1]] };
  const badWW = {
    ...simulation,
    runs: [{ ...simulation.runs[0], order: [...simulation.runs[0].order.slice(0, 40), order0] }],
  };
  assert.throws(() => overlapHeatmapSpec(badWW), /order\[40\]\.WW\.length: got 1; allowed: K = 2/);
});
