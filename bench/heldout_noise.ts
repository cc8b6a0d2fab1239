/**
 * How much of the measured deviation of SGD from the theory was the noise of
 * the held-out test set: for presets on Gaussian inputs and for `compare`'s
 * defaults at D = 100, the deviation of the mean SGD error from the theory
 * measured on the held-out estimate (what the package reported before issue
 * 12) and on the exact population error of the same SGD weights (what it
 * reports now), max and mean over the recorded times, and at t = 0, where
 * the weights are the theory's own and any deviation is test-set noise.
 *
 *   deno run -A bench/heldout_noise.ts [--size reduced|default] [--only sequential,truncated,compare]
 * @module
 */
import { parseArgs } from "node:util";
import { simulate, theory } from "../mod.ts";
import { deviation } from "../src/analysis/deviation.ts";
import { parsePreset, type Size } from "../src/experiments/preset.ts";
import { runVariants } from "../src/experiments/run.ts";
import type { CurveResult } from "../src/problem/types.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    size: { type: "string", default: "default" },
    only: { type: "string", default: "sequential,truncated,compare" },
  },
});
const size = values.size as Size;
const only = values.only!.split(",");

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
function row(label: string, sim: CurveResult, th: CurveResult) {
  const d = deviation(sim, th);
  const h = d.heldOut!;
  console.log(
    `${label}\t${pct(h.max)} (t = ${h.maxAt.toPrecision(3)})\t${pct(h.mean)}\t${
      pct(h.relative[0])
    }\t` +
      `${pct(d.max)} (t = ${d.maxAt.toPrecision(3)})\t${pct(d.mean)}\t${pct(d.relative[0])}`,
  );
}

console.log(`size ${size}`);
console.log(
  "variant\theld-out max\theld-out mean\theld-out at t=0\texact max\texact mean\texact at t=0",
);
for (const name of only.filter((n) => n !== "compare")) {
  const text = await Deno.readTextFile(new URL(`../examples/${name}.json`, import.meta.url));
  const preset = parsePreset(text, name);
  for (const r of await runVariants(preset, size)) {
    if (r.theory) {
      row(
        `${name}: ${r.label} (D = ${r.config.data.D}, nTest = ${r.config.nTest}, ${r.config.seeds.length} seeds)`,
        r.simulation,
        r.theory,
      );
    }
  }
}
if (only.includes("compare")) {
  // cli.ts compare --D 100 with every other default (erf, K = 3, lr = 1, t = 1000, nTest 2000)
  const problem = { data: { kind: "spiked" as const, D: 100 } };
  const sim = await simulate(problem);
  const th = await theory(problem);
  row("compare --D 100 (defaults: 1 seed, nTest = 2000)", sim, th);
}
