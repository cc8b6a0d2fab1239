/**
 * Vanilla SGD learns the span of the top-K components in a rotation that
 * nothing in the mean flow pins: does SGD's rotation approach the one the
 * equations predict from the same initial weights as D grows (the noise that
 * diffuses it along the flat direction shrinks like 1/D), or not?
 *
 * For the vanilla variant of examples/truncated.json (linear, K = 3, lr 0.5,
 * spikes 9, 5, 3 on random directions) at D = 200 ... 2000 and a few seeds,
 * it prints the final alignment (mean over k of |cos(v^k, e_k)|) of SGD and
 * of the theory started from the same weights, their difference, and the
 * angle of the rotation between SGD's decoder and the theory's (the largest
 * principal angle between the two K x K frames, in degrees).
 *
 *   deno run -A bench/alignment_vs_d.ts [--D 200,500,1000,2000] [--seeds 1,2,3] [--t-max 1500]
 * @module
 */
import { parseArgs } from "node:util";
import { simulate, theory } from "../mod.ts";
import { alignment, decoderAngles } from "../src/analysis/alignment.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    D: { type: "string", default: "200,500,1000,2000" },
    seeds: { type: "string", default: "1,2,3" },
    "t-max": { type: "string", default: "1500" },
  },
});
const Ds = values.D!.split(",").map(Number);
const seeds = values.seeds!.split(",").map(Number);
const tMax = Number(values["t-max"]);

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) =>
  xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1)) : 0;

console.log(`vanilla SGD, linear, K = 3, lr = 0.5, t = ${tMax}, seeds ${seeds.join(", ")}`);
console.log(
  "D\tSGD alignment\ttheory alignment\t|SGD - theory|\tmax unit angle SGD vs theory (deg)\tseconds",
);
for (const D of Ds) {
  const started = performance.now();
  const problem = {
    data: {
      kind: "spiked" as const,
      D,
      spikes: [9, 5, 3],
      sigma: 1,
      directions: "random" as const,
      normalise: true,
      seed: 0,
    },
    network: { K: 3, activation: "linear" as const, sigma0: 0.1 },
    rule: "vanilla" as const,
    lr: 0.5,
    tMax,
    seeds,
    times: [0, tMax],
    nTest: 100,
    snapshotTimes: [],
  };
  const sim = await simulate(problem);
  const th = await theory(problem);
  const sgdAlign = sim.runs.map((r) => alignment(r.order[1]));
  const thAlign = th.runs.map((r) => alignment(r.order[1]));
  const diff = sgdAlign.map((a, i) => Math.abs(a - thAlign[i]));
  const angles = sim.runs.map((r, i) =>
    Math.max(...decoderAngles(r.order[1], th.runs[i].order[1]))
  );
  const f = (xs: number[]) => `${mean(xs).toFixed(3)} ± ${sd(xs).toFixed(3)}`;
  console.log(
    `${D}\t${f(sgdAlign)}\t${f(thAlign)}\t${f(diff)}\t${f(angles)}\t${
      ((performance.now() - started) / 1000).toFixed(0)
    }`,
  );
  console.log(
    `  per seed: SGD ${sgdAlign.map((x) => x.toFixed(3)).join(", ")}; theory ${
      thAlign.map((x) => x.toFixed(3)).join(", ")
    }; angles ${angles.map((x) => x.toFixed(1)).join(", ")}`,
  );
}
