/**
 * `cli.ts demo`: the package's main job on its embedded default problem
 * (examples/demo.json holds the same problem; a test keeps them equal).
 * @module
 */
import type { Command } from "../command.ts";
import type { ProblemInput } from "../../problem/types.ts";
import { runSimulate } from "./simulate.ts";

/** The demo's problem: every number of it lives here. */
export const DEMO_PROBLEM: ProblemInput = {
  data: {
    kind: "spiked",
    D: 500,
    spikes: [3, 5, 9],
    sigma: 1,
    directions: "sinusoidal",
    normalise: true,
    seed: 0,
  },
  network: { K: 3, activation: "erf", tied: false, bias: false },
  rule: "vanilla",
  lr: 1,
  tMax: 1000,
  seeds: [1, 2, 3],
  nTimes: 60,
};

/** The `demo` command. */
export const DEMO: Command = {
  name: "demo",
  summary: "the package's main job on its embedded default (spiked model, D = 500, K = 3,\n" +
    "             erf, untied, 3 seeds) with its plots",
  help() {
    const p = DEMO_PROBLEM;
    const d = p.data as { D: number; spikes: number[]; directions: string };
    const n = p.network!;
    return `Usage: deno run -A cli.ts demo [--out DIR] [--quiet] [--no-svg]

Spiked covariance model (D = ${d.D}, spikes ${d.spikes.join(", ")}, ${d.directions} directions),
K = ${n.K} ${n.activation} units, ${
      n.tied ? "tied" : "untied"
    }, ${p.rule} SGD, lr = ${p.lr}, seeds ${p.seeds!.join(", ")}, t up to ${p.tMax}:
the test error descends through plateaus near eps_PCA(1), eps_PCA(2), ... towards
eps_PCA(${n.K}); the equations' prediction from the same initial weights is
drawn on the error curve. Writes the error curve, the components picture and
the overlaps to DIR (default out/demo) and prints where they went. Any
simulate flag may be added to change the problem.`;
  },
  run: (args) =>
    runSimulate(args, {
      defaults: DEMO_PROBLEM as Record<string, unknown>,
      defaultOut: "out/demo",
      overlayTheory: true,
    }),
};
