/**
 * Results pinned across refactors: a few simulations and theory curves, each
 * reduced to a SHA-256 of the IEEE-754 bits of every recorded number (test
 * errors, order parameters, projections, biases, output-bias overlaps,
 * snapshots). A change of any bit fails the test. When a change of the
 * numbers is intended (a new random stream, a new algorithm), update the
 * digests and say why in the commit.
 *
 * History: issue 10 replaced the polar normals by the ziggurat (assembly/ziggurat.ts):
 * every seeded normal changed, so the spike directions, the initial weights
 * (shared by the theory) and the training and test samples did, and every
 * digest with them; the SGD arithmetic did not change (the blocked kernels
 * give the bits of the previous ones on the same inputs).
 * @module
 */
import assert from "node:assert/strict";
import { simulate, spikedModel, theory } from "../mod.ts";
import type { CurveResult } from "../mod.ts";

/** SHA-256 of the bits of every number a result records (times, eps, order parameters, snapshots). */
async function digest(res: CurveResult): Promise<string> {
  const xs: number[] = [...res.times, ...res.eps];
  for (const run of res.runs) {
    xs.push(...run.eps);
    for (const o of run.order) {
      for (const m of [o.Q, o.R, o.T, o.T0, o.WW, o.a, o.b]) for (const row of m) xs.push(...row);
      xs.push(...o.bias);
      if (o.C) xs.push(...o.C, o.C0!);
    }
    for (const s of run.snapshots) {
      xs.push(s.t, ...s.W.flat(), ...s.V.flat(), ...s.b);
      if (s.c) xs.push(...s.c);
    }
  }
  const bytes = new Uint8Array(new Float64Array(xs).buffer);
  const h = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(h), (b) => b.toString(16).padStart(2, "0")).join("");
}

const small = spikedModel({ D: 40, spikes: [4, 2], seed: 3 });
const base = { data: small, lr: 1, tMax: 3, seeds: [1, 2], nTimes: 6, nTest: 300 };

/** name -> [problem, expected digest of the simulation]. */
const SIMULATIONS: [string, Parameters<typeof simulate>[0], string][] = [
  [
    "vanilla erf untied",
    { ...base, network: { K: 2, activation: "erf" } },
    "7e77de9befa8be1f132169b521649a5c18048085049c9518afbf4c3b02dc6001",
  ],
  [
    "truncated relu with bias",
    { ...base, rule: "truncated", network: { K: 3, activation: "relu", bias: true } },
    "59b6d0ff3716c4678fdbca8ea71a4ad54403d95990bd228c12e392ded9068273",
  ],
  [
    "tied linear",
    { ...base, network: { K: 2, activation: "linear", tied: true } },
    "433fb0dc52f6439ec910ad382f77c030a88151694f59f7431b3663d36c5dbce8",
  ],
  [
    "sanger",
    { ...base, rule: "sanger", network: { K: 2, activation: "linear" } },
    "8c1abbb2b5702ce3872baa47a6d99d936f36f9343af7346bee032d46f16d0daf",
  ],
  [
    "wide erf (two blocks of units), sinusoidal directions",
    {
      ...base,
      data: spikedModel({ D: 60, spikes: [5, 3, 2], directions: "sinusoidal" }),
      network: { K: 6, activation: "erf" },
    },
    "d5e4a4f154147bfdb18c5bfcf534cbcb3d1fd1fa16c4349e7c5601c20d600b26",
  ],
  [
    "Gaussian model with a bulk, truncated erf",
    {
      ...base,
      rule: "truncated",
      data: {
        kind: "gaussian",
        D: 4,
        eigenvalues: [3, 1.5],
        eigenvectors: [[0.6, 0.8, 0, 0], [0, 0, 1, 0]],
        bulk: 0.5,
      },
      network: { K: 2, activation: "erf" },
    },
    "8869aa4d09ff922969ba7d4f0c4dfa63f8de7d9788c54144449979746e30a06c",
  ],
  [
    "relu with hidden and output biases",
    { ...base, network: { K: 3, activation: "relu", bias: true, outputBias: true } },
    "fc9a2d634ba7f9d2d098eb10c54d7d9fdfa10f1f95cbce0d7c6dd359009a1650",
  ],
  [
    "truncated tied erf with an output bias, wide",
    {
      ...base,
      rule: "truncated",
      data: spikedModel({ D: 60, spikes: [5, 3, 2], seed: 5 }),
      network: { K: 6, activation: "erf", tied: true, outputBias: true },
    },
    "2091788436613ba7b2453abd4b3fd51ad909d5f03d05085c044ba1e495a332c8",
  ],
];

for (const [name, problem, expected] of SIMULATIONS) {
  Deno.test(`pinned simulation: ${name}`, async () => {
    const got = await digest(await simulate(problem));
    assert.equal(got, expected, `${name}: the simulated numbers changed`);
  });
}

/** name -> [problem, solver settings, expected digest of the theory]. */
const THEORIES: [string, Parameters<typeof theory>[0], Parameters<typeof theory>[1], string][] = [
  [
    "adaptive erf",
    { ...base, network: { K: 2, activation: "erf" } },
    {},
    "6f0fe76966ee4664fd3039f956cceafa9493c22d5824d07e0a2583e6fd42b508",
  ],
  [
    "stiff relu with bias",
    { ...base, network: { K: 2, activation: "relu", bias: true } },
    { integrator: "stiff" },
    "91325ab22f84bdf4229795e4131450bc58ffdcaa32a8565a5028eb2d33fb7b76",
  ],
  [
    "rk4 tied erf",
    { ...base, network: { K: 2, activation: "erf", tied: true } },
    { integrator: "rk4" },
    "4f09fb4ef82fb77a366c1bd1c1054fe7a4369dbae592ad4a1588d608c1f75173",
  ],
  [
    "euler, truncated",
    { ...base, rule: "truncated", network: { K: 2, activation: "erf" } },
    { integrator: "euler" },
    "2a24ee80bbda0e982c85b576594ff43e611b2dcfb358fca1d7cab12e752d53d3",
  ],
  [
    "density form, adaptive",
    { ...base, network: { K: 2, activation: "linear" } },
    { form: "density" },
    "7e0e07927204421f35a27c57839673055dc07b5a000d9a2d9bc8039239beabdc",
  ],
];

for (const [name, problem, solver, expected] of THEORIES) {
  Deno.test(`pinned theory: ${name}`, async () => {
    const got = await digest(await theory(problem, solver));
    assert.equal(got, expected, `${name}: the theory's numbers changed`);
  });
}
