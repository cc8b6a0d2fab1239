/**
 * Results pinned across refactors: a few simulations and theory curves, each
 * reduced to a SHA-256 of the IEEE-754 bits of every recorded number (test
 * errors, order parameters, projections, biases, snapshots). A change of any
 * bit fails the test. When a change of the numbers is intended (a new random
 * stream, a new algorithm), update the digests and say why in the commit.
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
    }
    for (const s of run.snapshots) {
      xs.push(s.t, ...s.W.flat(), ...s.V.flat(), ...s.b);
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
    "37109d7aca2bf2f51a4bb854f84b8058a903e97826dbd0153ad8408493bc922a",
  ],
  [
    "truncated relu with bias",
    { ...base, rule: "truncated", network: { K: 3, activation: "relu", bias: true } },
    "e4780c430f6b949291da7acd82a495d46c5551ddd99f2b4eabc5f317e64540aa",
  ],
  [
    "tied linear",
    { ...base, network: { K: 2, activation: "linear", tied: true } },
    "de90ff84f9f59f56c0965028d27d9a5ce8a2c6e1c04970ea5d35a2cac08f7983",
  ],
  [
    "sanger",
    { ...base, rule: "sanger", network: { K: 2, activation: "linear" } },
    "176bb983fd76c4023a2178c27e8b392bc0078ec58b834fe23d543b932447194f",
  ],
  [
    "wide erf (row-by-row kernel), sinusoidal directions",
    {
      ...base,
      data: spikedModel({ D: 60, spikes: [5, 3, 2], directions: "sinusoidal" }),
      network: { K: 6, activation: "erf" },
    },
    "ddd02b3aaadd6fb48edf45cc1150721bd57d61ed0d066ee0d6c9d8b1f568d100",
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
    "eaafd0952d66f1505d07e52de6cc58dbc3b2d653bf397a534466a6e8033cd626",
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
    "5df8b9953eaebdf33fa341b729391c86421af6c6f442536501b91a5f8e628549",
  ],
  [
    "stiff relu with bias",
    { ...base, network: { K: 2, activation: "relu", bias: true } },
    { integrator: "stiff" },
    "7e505015666129f045558d8f8f9651afc0ef39a008bd58e46b3b47a5809a9f6e",
  ],
  [
    "rk4 tied erf",
    { ...base, network: { K: 2, activation: "erf", tied: true } },
    { integrator: "rk4" },
    "04c4c9cc3b6c95b9a4fb332dcbf8b30e585f9c927d32de647958e0246ba8edba",
  ],
  [
    "euler, truncated",
    { ...base, rule: "truncated", network: { K: 2, activation: "erf" } },
    { integrator: "euler" },
    "56afcb6060cf50168e8d1e106cfae244f3723aa776b3789afd5713734c0205da",
  ],
  [
    "density form, adaptive",
    { ...base, network: { K: 2, activation: "linear" } },
    { form: "density" },
    "61fbb22f588c57332f8e305b3a32295bb3603e02690f81da0011ec2a2b4564bb",
  ],
];

for (const [name, problem, solver, expected] of THEORIES) {
  Deno.test(`pinned theory: ${name}`, async () => {
    const got = await digest(await theory(problem, solver));
    assert.equal(got, expected, `${name}: the theory's numbers changed`);
  });
}
