/**
 * The spread between seeds against D (THEORY.md 6b): the diffusion limit
 * predicts a standard deviation of the error between seeds of order
 * 1 / sqrt(D), so std x sqrt(D) should not depend on D. For each D this
 * samples paths of the diffusion limit (`theory` with paths) and SGD seeds
 * with the exact reduced engine (both cost the same at every D), and prints
 * the peak over time of std x sqrt(D) and where it is, for both, and its
 * mean over the last quarter of the recorded times (the stationary
 * fluctuations about the fixed point, after the escapes).
 *
 *   deno run -A scripts/spread_vs_d.ts [--D 100,300,1000,3000] [--paths 32]
 *     [--seeds 32] [--figure DIR]
 *
 * With --figure, std x sqrt(D) against time for every D (paths solid by D,
 * seeds beside them), as spread_vs_d.vl.json and spread_vs_d.svg.
 * @module
 */
import { parseArgs } from "node:util";
import { simulate } from "../src/sgd/simulate.ts";
import { theory } from "../src/theory/theory.ts";
import { exactErrors } from "../src/theory/fluctuations.ts";
import type { ProblemInput } from "../src/problem/types.ts";
import { timeSeriesSpec } from "../src/plot/time_series.ts";
import { writeAtomic } from "../src/cli/io.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    D: { type: "string", default: "100,300,1000,3000" },
    paths: { type: "string", default: "32" },
    seeds: { type: "string", default: "32" },
    figure: { type: "string" },
  },
});
const Ds = values.D!.split(",").map(Number);
const nPaths = Number(values.paths), nSeeds = Number(values.seeds);
if (Ds.some((d) => !(Number.isInteger(d) && d >= 10)) || !(nPaths >= 2) || !(nSeeds >= 2)) {
  console.error("spread_vs_d: --D takes integers >= 10, --paths and --seeds at least 2");
  Deno.exit(2);
}

function stdOf(curves: number[][], j: number): number {
  const col = curves.map((c) => c[j]);
  const m = col.reduce((a, b) => a + b, 0) / col.length;
  return Math.sqrt(col.reduce((a, x) => a + (x - m) ** 2, 0) / (col.length - 1));
}

const series: { label: string; t: number[]; value: number[] }[] = [];
console.log(
  "D        paths: peak std*sqrt(D) (at t)     seeds: peak std*sqrt(D) (at t)   seeds/paths",
);
for (const D of Ds) {
  const problem: ProblemInput = {
    data: { kind: "spiked", D, spikes: [9, 5, 3], directions: "random", normalise: true },
    network: { K: 3, activation: "linear", tied: true, sigma0: 0.1 },
    rule: "vanilla",
    lr: 1,
    tMax: 6,
    nTimes: 40,
    engine: "reduced",
    seeds: Array.from({ length: nSeeds }, (_, i) => i + 1),
  } as ProblemInput;
  const sgd = await simulate(problem);
  const th = await theory({ ...problem, seeds: [1] }, { paths: nPaths });
  const times = th.times;
  const f = th.fluctuations!;
  const seedCurves = exactErrors(sgd);
  const scaled = (xs: number[]) => xs.map((x) => x * Math.sqrt(D));
  const pathSpread = scaled(f.std);
  const seedSpread = scaled(times.map((_, j) => stdOf(seedCurves, j)));
  const peak = (xs: number[]) => {
    let j = 0;
    xs.forEach((x, i) => (x > xs[j] ? (j = i) : 0));
    return { value: xs[j], t: times[j] };
  };
  const p = peak(pathSpread), s = peak(seedSpread);
  const late = (xs: number[]) => {
    const tail = xs.slice(Math.floor(0.75 * xs.length));
    return tail.reduce((a, b) => a + b, 0) / tail.length;
  };
  console.log(
    `${String(D).padEnd(8)} ${p.value.toFixed(3).padStart(8)} (t = ${p.t.toFixed(3)})` +
      `          ${s.value.toFixed(3).padStart(8)} (t = ${s.t.toFixed(3)})   ${
        (s.value / p.value).toFixed(2)
      }                 ${late(pathSpread).toFixed(3)}  ${late(seedSpread).toFixed(3)}`,
  );
  const keep = times.map((t, i) => (t > 0 ? i : -1)).filter((i) => i >= 0);
  series.push({
    label: `D = ${D}: paths (${nPaths})`,
    t: keep.map((i) => times[i]),
    value: keep.map((i) => pathSpread[i]),
  }, {
    label: `D = ${D}: SGD seeds (${nSeeds}, reduced engine)`,
    t: keep.map((i) => times[i]),
    value: keep.map((i) => seedSpread[i]),
  });
}
if (values.figure) {
  const spec = timeSeriesSpec(series, {
    yTitle: "std of the error between seeds × √D",
    title: "Spread between seeds × √D against time, tied linear K = 3, σ0 = 0.1",
  });
  await Deno.mkdir(values.figure, { recursive: true });
  await writeAtomic(`${values.figure}/spread_vs_d.vl.json`, JSON.stringify(spec));
  const { renderSvg } = await import("../src/plot/render.ts");
  await writeAtomic(`${values.figure}/spread_vs_d.svg`, await renderSvg(spec));
  console.log(`${values.figure}/spread_vs_d.svg`);
}
