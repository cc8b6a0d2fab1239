/**
 * `cli.ts demo`: the package's main job on its default problem, the one in
 * examples/demo.json (imported: a JSON import works from a file and from a
 * URL alike, so the demo runs the same from a checkout or from the
 * package's URL). Its help and summary are computed from that problem.
 * @module
 */
import type { Command } from "../command.ts";
import type { Problem } from "../../problem/types.ts";
import { resolveProblem } from "../../problem/resolve.ts";
import { runSimulate } from "./simulate.ts";
import demo from "../../../examples/demo.json" with { type: "json" };

/** The demo's problem, as examples/demo.json gives it: every number of it lives there. */
export const DEMO_PROBLEM: Readonly<Record<string, unknown>> = demo;

/** The demo's problem resolved (checked once, when the help or the summary is asked for). */
function resolved(): Problem {
  return resolveProblem(DEMO_PROBLEM);
}

/** "spiked model, D = 500, K = 3, erf, untied, 3 seeds". */
function summaryOf(p: Problem): string {
  const n = p.network;
  return `${p.data.kind} model, D = ${p.data.D}, K = ${n.K}, ${n.activation}, ${
    n.tied ? "tied" : "untied"
  }, ${p.seeds.length} seed${p.seeds.length === 1 ? "" : "s"}`;
}

/** The data model in words. */
function dataOf(p: Problem): string {
  const d = p.data;
  return d.kind === "spiked"
    ? `Spiked covariance model (D = ${d.D}, spikes ${
      d.spikes.join(", ")
    }, ${d.directions} directions)`
    : `The ${d.kind} model with D = ${d.D}`;
}

/** The `demo` command. */
export const DEMO: Command = {
  name: "demo",
  get summary() {
    // wrapped under the main help's column of summaries
    return `the main job, with its plots, on examples/demo.json:\n` +
      `             ${summaryOf(resolved())}`;
  },
  help() {
    const p = resolved();
    const n = p.network;
    return `Usage: deno run -A cli.ts demo [--out DIR] [--quiet] [--no-svg]

${dataOf(p)},
K = ${n.K} ${n.activation} units, ${
      n.tied ? "tied" : "untied"
    }, ${p.rule} SGD, lr = ${p.lr}, seeds ${p.seeds.join(", ")}, t up to ${p.tMax}
(examples/demo.json): the test error descends through plateaus near eps_PCA(1),
eps_PCA(2), ... towards eps_PCA(${n.K}); the equations' prediction from the same
initial weights is drawn on the error curve. Writes the error curve, the
components picture and the overlaps to DIR (default out/demo) and prints where
they went. Any simulate flag may be added to change the problem.`;
  },
  run: (args) =>
    runSimulate(args, {
      defaults: DEMO_PROBLEM,
      defaultOut: "out/demo",
      overlayTheory: true,
    }),
};
