/**
 * Throughput over cores (`deno task bench`, after the one-core bench):
 *
 *   workers   `simulate` with 4 seeds (D = 1024, K = 4, erf, tMax 150, the
 *             single-core bench's run) in this thread (which is what a pool
 *             of one does) and over pools of 2, ... workers (up to the
 *             cores): wall-clock seconds, speed-up over this thread, and
 *             whether every seed's numbers are the same bits; and the fixed
 *             cost of a pool (starting its workers, loading and warming the
 *             modules), which shorter runs feel more;
 *   sweep     a sweep of 16 points (lr x K x activation x tied, D = 500, tMax 100,
 *             SGD and theory at each) over the cores: points per minute.
 *
 * Wall-clock times (the pool's point is to use more than one CPU); each is
 * the best of REPEATS runs after a warm-up, the settings measured in turns.
 * Options: --quick, --json.
 * @module
 */
import { simulate } from "../mod.ts";
import { coreCount } from "../src/core/pool.ts";
import { parseSweepSpec, sweep } from "../src/sweep/mod.ts";

const quick = Deno.args.includes("--quick");
const asJson = Deno.args.includes("--json");
const REPEATS = quick ? 1 : 3;
const cores = coreCount();

const problem = {
  data: { D: 1024 },
  network: { K: 4, activation: "erf" as const },
  lr: 0.5,
  tMax: quick ? 20 : 150,
  nTimes: 20,
  nTest: 500,
  seeds: [1, 2, 3, 4],
};

/**
 * Best wall-clock seconds of each of `runs`, measured in turns (a, b, a, b,
 * ...): this machine's speed drifts by tens of per cent over a minute, and
 * turns give every setting the same share of fast and slow spells.
 */
async function bestInTurns(runs: (() => Promise<unknown>)[]): Promise<number[]> {
  const t = runs.map(() => Infinity);
  for (let i = 0; i < REPEATS; i++) {
    for (const [j, run] of runs.entries()) {
      const t0 = performance.now();
      await run();
      t[j] = Math.min(t[j], (performance.now() - t0) / 1000);
    }
  }
  return t;
}

const reference = await simulate(problem); // warm-up, and the bits every pool must give
const sameBits = (r: Awaited<ReturnType<typeof simulate>>) =>
  JSON.stringify(r.runs.map((x) => x.eps)) === JSON.stringify(reference.runs.map((x) => x.eps));

// a pool of one runs in this thread; larger pools in workers
const pools = [...new Set([1, 2, Math.min(4, cores), cores])].filter((w) =>
  w <= Math.max(2, cores)
);
const last = new Map<number, Awaited<ReturnType<typeof simulate>>>();
for (const workers of pools) last.set(workers, await simulate(problem, { workers })); // warm-up
const seconds = await bestInTurns(
  pools.map((workers) => async () => last.set(workers, await simulate(problem, { workers }))),
);
const rows = pools.map((workers, i) => ({
  setting: workers === 1 ? "this thread" : `${workers} workers`,
  seconds: seconds[i],
  speedup: seconds[0] / seconds[i],
  sameBits: sameBits(last.get(workers)!),
}));

// the pool's fixed cost: two seeds of almost no work, in two workers and in this thread
const tiny = { ...problem, tMax: 0.01, seeds: [1, 2] };
const [tinyPool, tinyThread] = await bestInTurns([
  () => simulate(tiny, { workers: 2 }),
  () => simulate(tiny),
]);
const poolCost = tinyPool - tinyThread;

const spec = parseSweepSpec(JSON.stringify({
  problem: { data: { D: 500 }, tMax: quick ? 15 : 100, nTimes: 30, nTest: 500, seeds: [1] },
  axes: {
    lr: [0.5, 1],
    "network.K": [2, 3],
    "network.activation": ["erf", "linear"],
    "network.tied": [false, true],
  },
}));
const nPoints = 16;
await sweep(spec, { workers: cores }); // warm-up
const [sweepSeconds, sweepOne] = await bestInTurns([
  () => sweep(spec, { workers: cores }),
  () => sweep(spec, { workers: 1 }),
]);

if (asJson) {
  console.log(
    JSON.stringify({
      cores,
      workers: rows,
      poolStartSeconds: poolCost,
      sweep: {
        points: nPoints,
        seconds: sweepSeconds,
        perMinute: 60 * nPoints / sweepSeconds,
        oneThreadSeconds: sweepOne,
      },
    }),
  );
} else {
  console.log(
    `\nWorkers: simulate, 4 seeds, D = 1024, K = 4, erf, tMax ${problem.tMax} (${cores} cores; best of ${REPEATS})`,
  );
  console.log("  setting        seconds   speed-up over this thread   same bits");
  for (const r of rows) {
    console.log(
      `  ${r.setting.padEnd(13)}  ${r.seconds.toFixed(2).padStart(7)}   ${
        (r.speedup.toFixed(2) + "x").padStart(25)
      }   ${r.sameBits ? "yes" : "NO"}`,
    );
  }
  console.log(
    `  fixed cost of a pool of 2 (start, load, warm up): ${poolCost.toFixed(2)} s`,
  );
  console.log(
    `\nSweep: ${nPoints} points (lr x K x activation x tied, D = 500, tMax ${
      spec.problem.tMax ?? "?"
    }, SGD and theory each)`,
  );
  console.log(
    `  ${cores} workers: ${sweepSeconds.toFixed(2)} s, ${
      (60 * nPoints / sweepSeconds).toFixed(0)
    } points per minute`,
  );
  console.log(
    `  this thread: ${sweepOne.toFixed(2)} s, ${
      (60 * nPoints / sweepOne).toFixed(0)
    } points per minute (${(sweepOne / sweepSeconds).toFixed(2)}x)`,
  );
}
