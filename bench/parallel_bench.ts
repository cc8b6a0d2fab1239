/**
 * Throughput over cores (`deno task bench`, after the one-core bench):
 *
 *   workers   `simulate` with 4 seeds (D = 1024, K = 4, erf, tMax 60) in
 *             this thread and over a pool of 1, 2, ... workers (up to the
 *             cores): wall-clock seconds, speed-up over one worker, and
 *             whether every seed's numbers are the same bits;
 *   sweep     a sweep of 16 points (lr x K x activation, D = 300, tMax 40,
 *             SGD and theory at each) over the cores: points per minute.
 *
 * Wall-clock times (the pool's point is to use more than one CPU); each is
 * the best of REPEATS runs after a warm-up. Options: --quick, --json.
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
  tMax: quick ? 20 : 60,
  nTimes: 20,
  nTest: 500,
  seeds: [1, 2, 3, 4],
};

async function best(run: () => Promise<unknown>): Promise<number> {
  let t = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    await run();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
}

const reference = await simulate(problem); // warm-up, and the bits every pool must give
const sameBits = (r: Awaited<ReturnType<typeof simulate>>) =>
  JSON.stringify(r.runs.map((x) => x.eps)) === JSON.stringify(reference.runs.map((x) => x.eps));

const rows: { setting: string; seconds: number; speedup: number | null; sameBits: boolean }[] = [];
const inThread = await best(() => simulate(problem));
rows.push({ setting: "this thread", seconds: inThread, speedup: null, sameBits: true });
let one = NaN;
for (
  const workers of [...new Set([1, 2, Math.min(4, cores), cores])].filter((w) =>
    w <= Math.max(2, cores)
  )
) {
  let last: Awaited<ReturnType<typeof simulate>> | undefined;
  await simulate(problem, { workers }); // warm-up: workers compile their modules
  const seconds = await best(async () => (last = await simulate(problem, { workers })));
  if (workers === 1) one = seconds;
  rows.push({
    setting: `${workers} worker${workers > 1 ? "s" : ""}`,
    seconds,
    speedup: one / seconds,
    sameBits: sameBits(last!),
  });
}

const spec = parseSweepSpec(JSON.stringify({
  problem: { data: { D: 300 }, tMax: quick ? 15 : 40, nTimes: 30, nTest: 500, seeds: [1] },
  axes: {
    lr: [0.5, 1],
    "network.K": [2, 3],
    "network.activation": ["erf", "linear"],
    "network.tied": [false, true],
  },
}));
const nPoints = 16;
const sweepSeconds = await best(() => sweep(spec, { workers: cores }));
const sweepOne = await best(() => sweep(spec, { workers: 1 }));

if (asJson) {
  console.log(
    JSON.stringify({
      cores,
      workers: rows,
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
  console.log("  setting        seconds   speed-up vs 1 worker   same bits as this thread");
  for (const r of rows) {
    console.log(
      `  ${r.setting.padEnd(13)}  ${r.seconds.toFixed(2).padStart(7)}   ${
        (r.speedup === null ? "-" : r.speedup.toFixed(2) + "x").padStart(20)
      }   ${r.sameBits ? "yes" : "NO"}`,
    );
  }
  console.log(
    `\nSweep: ${nPoints} points (lr x K x activation x tied, D = 300, SGD and theory each)`,
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
