/**
 * Sweeps as a library: the spec's checks, the points (Cartesian order,
 * names from the resolved configuration), determinism of the rows across
 * pool sizes and shards (after a JSON round trip, as the CLI stores them),
 * resuming from finished points, and failures recorded per point.
 * @module
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/core/errors.ts";
import {
  parseSweepSpec,
  type PointResult,
  rowsCsv,
  summarise,
  sweep,
  sweepPoints,
} from "../../src/sweep/mod.ts";

const BASE = {
  data: { D: 60 },
  network: { K: 2 },
  tMax: 6,
  nTimes: 12,
  nTest: 200,
  seeds: [1, 2],
};
const SPEC = parseSweepSpec(JSON.stringify({
  problem: BASE,
  axes: { lr: [0.5, 1], "network.activation": ["erf", "linear"] },
}));

/** Results as they come back from files: through JSON. */
const stored = (rs: PointResult[]) => JSON.parse(JSON.stringify(rs)) as PointResult[];

Deno.test("parseSweepSpec refuses what is not a sweep, naming the key", () => {
  const bad: [string, RegExp][] = [
    ["not json", /sweep spec/],
    ['{"problem": {}, "axes": {"learningRate": [1]}}', /axes key.*learningRate.*network\.K/],
    ['{"problem": {}, "axes": {"lr": []}}', /axes\.lr/],
    ['{"problem": {}, "axes": {"lr": 1}}', /axes\.lr/],
    ['{"problem": {}, "axes": {"lr": [1]}, "run": ["fit"]}', /run/],
    ['{"problem": {}, "axes": {"lr": [1]}, "run": ["theory", "theory"]}', /run/],
    ['{"problem": [], "axes": {"lr": [1]}}', /problem/],
    ['{"problem": {}, "axes": {"lr": [1]}, "seed": 3}', /seed/],
    ['{"problem": {}, "axes": {"lr": [1]}, "solver": {"method": "rk4"}}', /solver/],
    [
      JSON.stringify({
        problem: {},
        axes: {
          lr: Array.from({ length: 1001 }, (_, i) => 1 + i),
          tMax: Array.from({ length: 1000 }, (_, i) => 1 + i),
        },
      }),
      /1001000 points.*at most 1000000/,
    ],
  ];
  for (const [text, names] of bad) {
    assert.throws(() => parseSweepSpec(text), (e: Error) => {
      assert.ok(e instanceof ConfigError, `${text}: ${e}`);
      assert.match(e.message, names, text);
      return true;
    });
  }
});

Deno.test("a point that does not resolve is refused before any work, naming its axis values", async () => {
  const spec = parseSweepSpec(JSON.stringify({
    problem: { data: { D: 10 } },
    axes: { "network.K": [2, 11] },
  }));
  await assert.rejects(sweepPoints(spec), (e: Error) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /point 1: network\.K = 11.*network\.K/);
    return true;
  });
});

Deno.test("points: Cartesian product (first axis slowest), names from the resolved configuration", async () => {
  const points = await sweepPoints(SPEC);
  assert.deepEqual(points.map((p) => [p.values.lr, p.values["network.activation"]]), [
    [0.5, "erf"],
    [0.5, "linear"],
    [1, "erf"],
    [1, "linear"],
  ]);
  assert.deepEqual(points.map((p) => p.index), [0, 1, 2, 3]);
  assert.equal(new Set(points.map((p) => p.name)).size, 4);
  assert.ok(points.every((p) => /^[0-9a-f]{20}$/.test(p.name)));
  // the same configuration written otherwise has the same name; another solver another one
  const same = await sweepPoints(parseSweepSpec(JSON.stringify({
    problem: { ...BASE, network: { K: 2, activation: "erf" }, lr: 1 },
    axes: { seeds: [[1, 2]] },
  })));
  assert.equal(same[0].name, points[2].name);
  const otherSolver = await sweepPoints({ ...SPEC, solver: { rtol: 1e-6 } });
  assert.notEqual(otherSolver[0].name, points[0].name);
  const simOnly = await sweepPoints({ ...SPEC, run: ["simulate"] });
  assert.notEqual(simOnly[0].name, points[0].name);
});

Deno.test("the rows are the same bits in this thread, over 1 or 2 workers, and in 3 shards", async () => {
  const local = await summarise(SPEC, stored(await sweep(SPEC)));
  const pooled = await summarise(SPEC, stored(await sweep(SPEC, { workers: 2 })));
  const shards = [];
  for (let i = 0; i < 3; i++) {
    shards.push(...await sweep(SPEC, { shard: { index: i, count: 3 }, workers: i === 2 ? 2 : 1 }));
  }
  const sharded = await summarise(SPEC, stored(shards.reverse()));
  assert.equal(local.rows.length, 4);
  assert.deepEqual(pooled.rows, local.rows);
  assert.deepEqual(sharded.rows, local.rows);
  assert.deepEqual(pooled.curves, local.curves);
  assert.equal(rowsCsv(sharded.rows), rowsCsv(local.rows));
  // what the rows hold: axis values, metrics, no timing
  const row = local.rows[3];
  assert.equal(row.lr, 1);
  assert.equal(row["network.activation"], "linear");
  for (
    const key of ["finalError", "finalOverPCA", "theoryFinal", "deviationMax", "deviationMean"]
  ) {
    assert.equal(typeof row[key], "number", key);
  }
  assert.ok("plateauEnd1" in row && row.failure === null);
  assert.ok(!Object.keys(row).some((k) => /second|time/i.test(k)));
  assert.ok(local.timings.every((t) => t.seconds > 0));
  // the ratio is what it says
  const curve = local.curves[3];
  assert.equal(row.finalOverPCA, (row.finalError as number) / curve.epsPCA[2]);
});

Deno.test("finished points are not run again; the summary refuses missing points", async () => {
  const first = await sweep(SPEC, { shard: { index: 0, count: 2 } });
  const byName = new Map(first.map((r) => [r.name, r]));
  const ran: number[] = [];
  let last;
  const all = await sweep(SPEC, {
    finished: (p) => byName.get(p.name),
    onPoint: (r) => void ran.push(r.index),
    onProgress: (p) => (last = p),
  });
  assert.deepEqual(ran.sort(), [1, 3]);
  assert.equal(all.length, 4);
  assert.deepEqual(last, { ...last!, done: 4, total: 4, skipped: 2, fraction: 1 });
  await assert.rejects(summarise(SPEC, first), /2 of 4 points missing \(indices 1, 3\)/);
});

Deno.test("a diverging point is recorded, with null numbers for the failed part; the others run", async () => {
  const spec = parseSweepSpec(JSON.stringify({
    problem: { data: { D: 50 }, network: { K: 2, activation: "linear" }, tMax: 5, nTimes: 8 },
    axes: { lr: [1, 1000] },
  }));
  const rows = (await summarise(spec, await sweep(spec))).rows;
  assert.equal(rows[0].failure, null);
  assert.match(rows[1].failure as string, /^simulate: the run diverged at t = /);
  assert.equal(rows[1].finalError, null);
  assert.equal(rows[1].deviationMax, null);
  assert.equal(typeof rows[1].theoryFinal, "number");
});

Deno.test("an aborted sweep stops, keeping the points it finished", async () => {
  const spec = parseSweepSpec(JSON.stringify({
    problem: { ...BASE, data: { D: 400 }, tMax: 40 },
    axes: { lr: [0.5, 0.6, 0.7, 0.8] },
    run: ["simulate"],
  }));
  const controller = new AbortController();
  const saved: number[] = [];
  const started = performance.now();
  await assert.rejects(
    sweep(spec, {
      workers: 2,
      signal: controller.signal,
      onPoint: (r) => void saved.push(r.index),
      onProgress: (p) => {
        if (p.fraction > 0.05) controller.abort(new Error("stop"));
      },
    }),
    /stop/,
  );
  assert.ok(performance.now() - started < 20_000);
  assert.ok(saved.length < 4, `${saved.length} of 4 points finished before the abort`);
});

Deno.test("examples/sweep.json (the README's) is a valid sweep of 16 points", async () => {
  const text = await Deno.readTextFile(new URL("../../examples/sweep.json", import.meta.url));
  const points = await sweepPoints(parseSweepSpec(text));
  assert.equal(points.length, 16);
});
