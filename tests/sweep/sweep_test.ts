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
  checkPoints,
  checkSweepSpec,
  eachPoint,
  parseSweepSpec,
  pointAt,
  type PointResult,
  rowOf,
  rowsCsv,
  runPoint,
  runSweep,
  type Shard,
  summarise,
  sweep,
  type SweepOptions,
  type SweepPoint,
  sweepPoints,
  type SweepRow,
  type SweepRun,
  workersFor,
} from "../../src/sweep/mod.ts";
import { simulate, type SimulateControl } from "../../src/sgd/simulate.ts";
import { theory } from "../../src/theory/theory.ts";
import type { Run } from "../../src/problem/types.ts";
import { resolveProblem } from "../../src/problem/resolve.ts";

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

Deno.test("a spec without axes, or with an axis value twice, is refused at validation", () => {
  const bad: [unknown, RegExp][] = [
    [{ problem: {}, axes: {} }, /axes: got \{\}; allowed: an object with at least one axis/],
    [{ problem: {}, axes: { lr: [0.5, 1, 0.5] } }, /axes\.lr.*entries 0 and 2 are both 0\.5/],
    [{ problem: {}, axes: { seeds: [[1, 2], [3], [1, 2]] } }, /axes\.seeds.*entries 0 and 2/],
  ];
  for (const [value, names] of bad) {
    for (
      const check of [() => checkSweepSpec(value), () => parseSweepSpec(JSON.stringify(value))]
    ) {
      assert.throws(check, (e: Error) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.match(e.message, names);
        return true;
      });
    }
  }
  // a value handed to the library that JSON cannot hold
  assert.throws(
    () => checkSweepSpec({ problem: {}, axes: { lr: [() => 1] } }),
    (e: Error) => e instanceof ConfigError && /sweep spec.*cannot be copied/.test(e.message),
  );
});

Deno.test("the library checks its options, shards and the records it is handed (ConfigError, never TypeError)", async () => {
  const spec = parseSweepSpec(JSON.stringify({
    problem: { data: { D: 20 }, network: { K: 2 }, tMax: 1, nTimes: 3, nTest: 20 },
    axes: { lr: [0.5, 1] },
    run: ["theory"],
  }));
  const refused = async (p: Promise<unknown>, names: RegExp) =>
    await assert.rejects(p, (e: Error) => {
      assert.ok(e instanceof ConfigError, `${e}`);
      assert.match(e.message, names);
      return true;
    });
  await refused(sweep(spec, { shard: { index: 7, count: 2 } }), /shard\.index.*from 0 to 1/);
  await refused(sweep(spec, { shard: { index: -1, count: 2 } }), /shard\.index/);
  await refused(sweep(spec, { shard: { index: 0, count: 0 } }), /shard\.count/);
  await refused(sweep(spec, { shard: { index: 0.5, count: 2 } }), /shard\.index/);
  await refused(sweep(spec, { shard: null as unknown as Shard }), /shard/);
  await refused(sweep(spec, { workers: NaN }), /workers.*from 1 to 256/);
  await refused(sweep(spec, { workers: 1000 }), /workers.*from 1 to 256/);
  await refused(sweep(spec, { onPoint: 3 as unknown as () => void }), /onPoint.*a function/);
  await refused(sweep(spec, { signal: {} as AbortSignal }), /signal.*AbortSignal/);
  await refused(
    sweep(spec, { worker: 2 } as unknown as SweepOptions),
    /sweep options key.*worker/,
  );
  // a finished record that is not the point's
  const good = await sweep(spec);
  const forged = { ...good[0], metrics: { ...good[0].metrics, finalError: "=cmd()" } };
  await refused(
    sweep(spec, { finished: (p) => p.index === 0 ? forged as unknown as PointResult : undefined }),
    /finished\(point 0\).*metrics\.finalError/,
  );
  // summarise: what is not a record of this sweep is named by its place
  await refused(summarise(spec, [null] as unknown as PointResult[]), /sweep results\[0\]/);
  await refused(summarise(spec, "rows" as unknown as PointResult[]), /sweep results/);
  await refused(summarise(spec, [good[0], good[0]]), /results\[1\].*second result of point 0/);
  const tampered: [string, unknown][] = [
    ["index", -5],
    ["evil", "<script>"],
    ["values", { lr: 7 }],
    ["name", "0".repeat(20)],
    ["version", "0.0.0"],
    ["failure", "theory: a\nb"],
    ["failure", "nothing ran"],
    ["epsPCA", [1, 2]],
    ["seconds", -1],
    ["curves", { ...good[1].curves, simulation: [1, 2, 3] }],
    ["curves", { ...good[1].curves, times: [0, "1"] }],
    ["metrics", { ...good[1].metrics, plateauEnds: [1, 2, 3] }],
    ["metrics", { ...good[1].metrics, extra: 1 }],
  ];
  for (const [key, v] of tampered) {
    const r = { ...good[1], [key]: v } as unknown as PointResult;
    await assert.rejects(summarise(spec, [good[0], r]), (e: Error) => {
      assert.ok(e instanceof ConfigError, `${key}: ${e}`);
      assert.match(e.message, key === "index" ? /results\[1\]/ : /results\[1\].*point 1/, key);
      return true;
    });
  }
  assert.equal((await summarise(spec, stored(good))).rows.length, 2);
  // the rows without the curves: the same rows
  const rowsOnly = await summarise(spec, stored(good), { curves: false });
  assert.deepEqual(rowsOnly.rows, (await summarise(spec, stored(good))).rows);
  assert.deepEqual(rowsOnly.curves, []);
});

Deno.test("simulate and theory check their control objects and the runs they resume from", async () => {
  const p = { data: { D: 20 }, network: { K: 2 }, tMax: 1, nTimes: 3, nTest: 20, seeds: [1, 2] };
  const refused = async (f: () => Promise<unknown>, names: RegExp) =>
    await assert.rejects(f(), (e: Error) => {
      assert.ok(e instanceof ConfigError, `${e}`);
      assert.match(e.message, names);
      return true;
    });
  await refused(() => simulate(p, { chunk: NaN }), /invalid chunk: got NaN.*integer from 1/);
  await refused(() => simulate(p, { chunk: 0 }), /chunk/);
  await refused(() => simulate(p, { workers: 1000 }), /workers.*from 1 to 256/);
  await refused(() => simulate(p, { workers: 1.5 }), /workers/);
  await refused(() => simulate(p, { onRun: "log" as unknown as () => void }), /onRun/);
  await refused(() => simulate(p, { signal: "stop" as unknown as AbortSignal }), /signal/);
  await refused(() => simulate(p, null as unknown as SimulateControl), /control/);
  await refused(() => theory(p, {}, { workers: 0 }), /workers/);
  await refused(() => theory(p, {}, { onProgress: 1 as unknown as () => void }), /onProgress/);
  const ref = await simulate(p);
  const run = ref.runs[0];
  const n = ref.times.length;
  const bad: [unknown, RegExp][] = [
    [null, /done\[0\].*not a run record/],
    [{ ...run, seed: 9 }, /done\[0\].*seed 9/],
    [
      { ...run, eps: run.eps.map(String) },
      new RegExp(`done\\[0\\].*eps is not ${n} finite numbers`),
    ],
    [{ ...run, eps: [0, 0] }, /eps is not/],
    [{ ...run, order: run.order.slice(1) }, new RegExp(`order is not ${n} records`)],
    [{ ...run, snapshots: [{ t: 0 }] }, /snapshot/],
  ];
  for (const [entry, names] of bad) {
    await refused(() => simulate(p, { done: [entry as Run] }), names);
  }
  await refused(() => simulate(p, { done: [run, run] }), /done\[1\].*second run of seed 1/);
  await refused(() => simulate(p, { done: run as unknown as Run[] }), /done.*list/);
  // a valid finished run is used as it is
  const resumed = await simulate(p, { done: [run] });
  assert.deepEqual(resumed.eps, ref.eps);
});

Deno.test("a sweep of 1e5 points at D = 1e5 is checked and sharded with bounded memory", async () => {
  const spec = parseSweepSpec(JSON.stringify({
    problem: { data: { D: 100_000 }, nTimes: 4 },
    axes: {
      lr: Array.from({ length: 1000 }, (_, i) => 0.5 + i / 1000),
      tMax: Array.from({ length: 100 }, (_, i) => 1 + i),
    },
  }));
  const before = Deno.memoryUsage();
  const bounds = await checkPoints(spec);
  // the default n-test adapts to D: 1.5e8 / 1e5 = 1500 samples, one worker's worth
  assert.deepEqual([bounds.count, bounds.testValues], [100_000, 1500 * 100_000]);
  // 5 recorded times (nTimes 4, and 0), times and two curves: 15 numbers a point
  assert.equal(bounds.curveValues, 15 * 100_000);
  const shard: number[] = [];
  for await (const p of eachPoint(spec, { shard: { index: 5, count: 1000 } })) {
    shard.push(p.index);
    assert.deepEqual(p.values, {
      lr: 0.5 + Math.floor(p.index / 100) / 1000,
      tMax: 1 + p.index % 100,
    });
  }
  assert.deepEqual(shard, Array.from({ length: 100 }, (_, i) => 5 + 1000 * i));
  const last = await pointAt(spec, 99_999);
  assert.deepEqual(last.values, { lr: 0.5 + 999 / 1000, tMax: 100 });
  const after = Deno.memoryUsage();
  // a point resolved and kept cost about 1 MB here (its data model made concrete): 1e5 would
  // be 100 GB; one at a time, what is kept is a number per point (the heap also holds the
  // garbage not yet collected: 10 to 100 MB, as the collector runs)
  const grown = (after.heapUsed + after.external - before.heapUsed - before.external) / 2 ** 20;
  assert.ok(grown < 256, `memory grew by ${grown.toFixed(1)} MB over 1e5 points`);
  // the check of every point stops when asked, within a batch of points
  const other = parseSweepSpec(
    JSON.stringify({ ...spec, problem: { ...spec.problem, nTimes: 5 } }),
  );
  const stop = new AbortController();
  setTimeout(() => stop.abort(new Error("stop")), 100);
  const asked = performance.now();
  await assert.rejects(runSweep(other, { signal: stop.signal }), /stop/);
  const took = performance.now() - asked - 100;
  assert.ok(took < 1000, `stopped ${took.toFixed(0)} ms after the abort`);
  // the pool of a sweep counts every worker's test set
  assert.equal(workersFor(8, 50, bounds.testValues), 1);
  assert.equal(workersFor(8, 50, 1e6), 8);
  assert.equal(workersFor(8, 3, 1e6), 3);
  assert.equal(workersFor(8, 50, 5e7), 3);
});

Deno.test("the default n-test adapts to a wide D (a default the user never gave refuses nothing)", () => {
  assert.equal(resolveProblem({ data: { D: 500 } }).nTest, 2000);
  assert.equal(resolveProblem({ data: { D: 100_000 } }).nTest, 1500);
  // what the user gives is still checked
  assert.throws(
    () => resolveProblem({ data: { D: 100_000 }, nTest: 2000 }),
    /nTest \(--n-test\): got 2000; allowed: an integer from 1 to 1500/,
  );
});

Deno.test("rows, CSV and runPoint refuse what is not theirs with a ConfigError", async () => {
  for (
    const f of [
      () => rowOf(null as unknown as PointResult),
      () => rowOf({ index: 0 } as unknown as PointResult),
      () => rowsCsv([null] as unknown as SweepRow[]),
      () => rowsCsv("a,b" as unknown as SweepRow[]),
    ]
  ) assert.throws(f, (e: Error) => e instanceof ConfigError && /sweep r(ow|esult)/.test(e.message));
  const point = await pointAt(SPEC, 0);
  await assert.rejects(runPoint(point, ["fit" as SweepRun]), /invalid run/);
  await assert.rejects(runPoint(null as unknown as SweepPoint, ["theory"]), /invalid point/);
});
