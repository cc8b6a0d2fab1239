/**
 * The reduced SGD engine (`simulate` with `engine: "reduced"`, THEORY.md
 * 6a): the distribution of the error over seeds equals the full engine's
 * (a small version of scripts/validate_reduced.ts, which runs 200 seeds at
 * D = 300 and 1000), with a positive control; it starts from the full
 * engine's initial weights; its bits do not depend on workers or chunks; it
 * stops when asked; data it does not cover are refused naming --engine; the
 * Wishart initial state has the law of the reduced random weights; the
 * exact error recorded per run is the analysis module's.
 * @module
 */
import assert from "node:assert/strict";
import { simulate } from "../../mod.ts";
import type { CurveResult, ProblemInput } from "../../mod.ts";
import { populationError } from "../../src/analysis/population.ts";
import { ConfigError } from "../../src/core/errors.ts";
import { createKernels } from "../../src/kernels/wasm.ts";
import { wishartInitialState } from "../../src/sgd/reduced.ts";
import { drawInitialWeights } from "../../src/problem/init.ts";
import { ksTwoSample, meanStd, zScores } from "./_ks.ts";

const N = 24;
const seedsA = Array.from({ length: N }, (_, i) => i + 1);
const seedsB = Array.from({ length: N }, (_, i) => i + 1001);

/** The five cases of the acceptance check, small. */
const CASES: [string, ProblemInput][] = [
  ["vanilla erf", { network: { K: 2, activation: "erf" } }],
  ["tied linear", { network: { K: 2, activation: "linear", tied: true } }],
  ["truncated linear", { rule: "truncated", network: { K: 2, activation: "linear" } }],
  ["relu, hidden and output biases", {
    network: { K: 2, activation: "relu", bias: true, outputBias: true },
  }],
  ["sanger", { rule: "sanger", network: { K: 2, activation: "linear" } }],
];

function problem(c: ProblemInput, engine: "full" | "reduced", seeds: number[], lr = 1) {
  return {
    data: { D: 100, spikes: [3, 5, 9] },
    lr,
    tMax: 10,
    nTimes: 6,
    nTest: 10,
    seeds,
    ...c,
    engine,
    ...(engine === "full" ? { snapshotTimes: [] } : {}),
  } as ProblemInput;
}

/** The worst agreement over the recorded times t > 0: smallest KS p-value, largest |z|. */
function agreement(a: CurveResult, b: CurveResult): { p: number; z: number } {
  let p = 1, z = 0;
  for (let i = 1; i < a.times.length; i++) {
    const x = a.runs.map((r) => r.epsExact![i]);
    const y = b.runs.map((r) => r.epsExact![i]);
    p = Math.min(p, ksTwoSample(x, y).p);
    const s = zScores(x, y);
    z = Math.max(z, Math.abs(s.zMean), Math.abs(s.zStd));
  }
  return { p, z };
}

Deno.test("the reduced engine's error has the full engine's distribution over seeds (five rules and networks, D = 100)", async () => {
  for (const [name, c] of CASES) {
    const full = await simulate(problem(c, "full", seedsA));
    const red = await simulate(problem(c, "reduced", seedsB));
    const { p, z } = agreement(full, red);
    assert.ok(p > 1e-3 && z < 4, `${name}: KS p = ${p}, max |z| = ${z}`);
    // the curves moved: the comparison is not of two flat lines
    const e = full.epsExact!;
    assert.ok(e[e.length - 1] < 0.8 * e[0], `${name}: the error did not fall`);
  }
});

Deno.test("the same comparison detects a learning rate 50% too high (positive control)", async () => {
  const c = CASES[0][1];
  const full = await simulate(problem(c, "full", seedsA));
  const red = await simulate(problem(c, "reduced", seedsB, 1.5));
  const { p, z } = agreement(full, red);
  assert.ok(p < 1e-3 || z > 4, `not detected: KS p = ${p}, max |z| = ${z}`);
});

Deno.test("the reduced engine starts from the full engine's initial weights (drawn and given)", async () => {
  for (const [name, c] of CASES) {
    const base = { ...problem(c, "full", [7]), tMax: 0.05, nTimes: 1 };
    const full = await simulate(base);
    const red = await simulate({ ...base, engine: "reduced", snapshotTimes: undefined });
    const o = full.runs[0].order[0], q = red.runs[0].order[0];
    for (const key of ["Q", "R", "T", "T0", "WW", "a", "b"] as const) {
      const x = o[key].flat(), y = q[key].flat();
      const scale = Math.max(...x.map(Math.abs));
      x.forEach((v, i) => assert.ok(Math.abs(v - y[i]) <= 1e-10 * scale, `${name}: ${key}`));
    }
    assert.ok(Math.abs(full.runs[0].epsExact![0] - red.runs[0].eps[0]) < 1e-12, name);
  }
  // explicit weights (network.init), with an output bias that does not start at 0
  const D = 100, K = 2;
  const w = drawInitialWeights({ K, sigma0: 0.3, tied: false }, D, 5);
  const init = { ...w, b: [0.5, -0.2], c: Array.from({ length: D }, (_, i) => Math.sin(i)) };
  const network = { K, activation: "relu" as const, bias: true, outputBias: true, init };
  const base = { ...problem({ network }, "full", [1]), tMax: 0.05, nTimes: 1 };
  const full = await simulate(base);
  const red = await simulate({ ...base, engine: "reduced", snapshotTimes: undefined });
  const o = full.runs[0].order[0], q = red.runs[0].order[0];
  for (const key of ["Q", "R", "T", "T0", "a", "b"] as const) {
    const x = o[key].flat(), y = q[key].flat();
    const scale = Math.max(...x.map(Math.abs));
    x.forEach((v, i) => assert.ok(Math.abs(v - y[i]) <= 1e-10 * scale, `init: ${key}`));
  }
  assert.deepEqual(q.bias, [0.5, -0.2]);
  o.C!.forEach((v, i) => assert.ok(Math.abs(v - q.C![i]) < 1e-12));
  assert.ok(Math.abs(o.C0! - q.C0!) < 1e-12 && q.C0! > 0.1);
});

Deno.test("reduced runs are the same bits whatever the workers and the chunks", async () => {
  const p = problem(CASES[3][1], "reduced", [1, 2, 3]);
  const one = await simulate(p);
  const two = await simulate(p, { workers: 2, chunk: 5000 });
  assert.deepEqual(two.runs, one.runs);
  assert.deepEqual(two.eps, one.eps);
});

Deno.test("a reduced run stops within a fraction of a second when asked, and reports progress", async () => {
  const controller = new AbortController();
  let progressed = 0;
  const started = performance.now();
  let stoppedAt = 0;
  const run = simulate(
    { data: { D: 1000 }, network: { K: 3 }, tMax: 1e6, nTimes: 3, engine: "reduced" },
    {
      signal: controller.signal,
      onProgress: () => {
        progressed++;
        if (progressed === 2) {
          controller.abort(new Error("stop"));
          stoppedAt = performance.now();
        }
      },
    },
  );
  await assert.rejects(run, /stop/);
  const lag = performance.now() - stoppedAt;
  assert.ok(progressed >= 2 && lag < 300, `progress ${progressed}, stopped ${lag} ms after`);
  assert.ok(performance.now() - started < 5000);
});

Deno.test("data the reduced engine does not cover are refused, naming --engine and why", async () => {
  const refused = async (input: ProblemInput, why: RegExp) => {
    await assert.rejects(simulate(input), (e: unknown) => {
      assert.ok(e instanceof ConfigError && e.exitCode === 2);
      assert.match(e.message, why);
      return true;
    });
  };
  const D = 70;
  const eye = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => +(i === j)));
  await refused(
    {
      data: {
        kind: "gaussian",
        D,
        eigenvalues: eye.map((_, i) => 2 - i / D),
        eigenvectors: eye,
        bulk: 0,
      },
      engine: "reduced",
    },
    /--engine.*continuous spectrum/,
  );
  await refused({ data: { D: 8 }, network: { K: 3 }, engine: "reduced" }, /--engine.*D >= r \+ n/);
  // a rule the reduced kernel does not have (it ran and never learnt, before this refusal)
  await refused(
    { data: { D: 50 }, network: { K: 2, activation: "linear" }, rule: "oja", engine: "reduced" },
    /--engine.*"full" with rule oja \(the reduced engine has the rules vanilla, truncated, sanger\)/,
  );
  await refused(
    { data: { D: 50 }, network: { K: 2 }, tMax: 1, snapshotTimes: [1], engine: "reduced" },
    /--snapshot-times.*--engine reduced/,
  );
  await refused(
    {
      data: {
        kind: "dataset",
        D: 4,
        source: "test",
        train: new Float32Array(40),
        nTrain: 10,
        mean: 0,
        scale: 1,
        pixelMean: null,
        heldOut: new Float64Array(40),
        nHeldOut: 10,
      },
      network: { K: 1 },
      engine: "reduced",
    },
    /--engine.*not Gaussian/,
  );
});

Deno.test("a few spikes over a bulk of a Gaussian model run on the reduced engine too", async () => {
  const D = 60;
  const e = (i: number) => Array.from({ length: D }, (_, j) => +(i === j));
  const data = { kind: "gaussian", D, eigenvalues: [20, 8], eigenvectors: [e(0), e(1)], bulk: 0.5 };
  const base = { data, network: { K: 2 }, tMax: 5, nTimes: 3, nTest: 10 } as ProblemInput;
  const full = await simulate({ ...base, seeds: seedsA, snapshotTimes: [] });
  const red = await simulate({ ...base, seeds: seedsB, engine: "reduced" });
  const { p, z } = agreement(full, red);
  assert.ok(p > 1e-3 && z < 4, `KS p = ${p}, max |z| = ${z}`);
});

Deno.test("the Wishart initial state has the law of reduced i.i.d. Gaussian weights", async () => {
  const k = await createKernels();
  const n = 3, r = 2, D = 500, sigma0 = 0.1, draws = 400;
  const diag: number[] = [], off: number[] = [], a: number[] = [];
  for (let s = 0; s < draws; s++) {
    const st = wishartInitialState(k, { n, nRandom: n, r, K: 1, D, sigma0, seed: s });
    diag.push(st.G[4]);
    off.push(st.G[1]);
    a.push(st.A[3]);
  }
  // G_ii ~ sigma0^2 chi^2(D - r): mean 4.98, std sigma0^2 sqrt(2 (D - r)) = 0.316;
  // G_ij ~ sigma0^2 (sum of D - r products of normals): mean 0, std sigma0^2 sqrt(D - r) = 0.223
  const se = (std: number) => 4 * std / Math.sqrt(draws);
  const d = meanStd(diag), o = meanStd(off), A = meanStd(a);
  assert.ok(Math.abs(d.mean - 0.01 * (D - r)) < se(0.316), `diag mean ${d.mean}`);
  assert.ok(Math.abs(d.std / 0.316 - 1) < 0.15, `diag std ${d.std}`);
  assert.ok(
    Math.abs(o.mean) < se(0.223) && Math.abs(o.std / 0.223 - 1) < 0.15,
    `off ${o.mean} ${o.std}`,
  );
  assert.ok(Math.abs(A.mean) < se(0.1) && Math.abs(A.std / 0.1 - 1) < 0.15, `A ${A.mean} ${A.std}`);
});

Deno.test("the exact error recorded per run is the analysis module's population error", async () => {
  const res = await simulate({
    ...problem(CASES[3][1], "full", [1, 2]),
    tMax: 2,
  });
  const pop = populationError(res);
  res.runs.forEach((run, i) => assert.deepEqual(run.epsExact, pop.runs[i]));
  assert.deepEqual(res.epsExact, pop.eps);
});
