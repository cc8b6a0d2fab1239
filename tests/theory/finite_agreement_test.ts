import assert from "node:assert/strict";
const assertAlmostEquals = (a: number, b: number, tol: number) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} is not within ${tol} of ${b}`);
import type { CurveResult } from "../../src/problem/types.ts";
import {
  ALPHA,
  chiSquareQuantile,
  finiteAgreement,
  finiteAgreementText,
  fQuantile,
  normalQuantile,
  spreadInterval,
  studentQuantile,
} from "../../src/theory/finite_agreement.ts";
import { summariseFluctuations } from "../../src/theory/fluctuations.ts";

Deno.test("chi-square and normal quantiles match tabulated values", () => {
  assertAlmostEquals(normalQuantile(0.975), 1.959963984540054, 1e-9);
  assertAlmostEquals(studentQuantile(0.975, 1), 12.70620474, 1e-6);
  assertAlmostEquals(studentQuantile(0.995, 5), 4.032142984, 1e-6);
  assertAlmostEquals(studentQuantile(0.975, 1e6), 1.959966, 1e-5);
  assertAlmostEquals(chiSquareQuantile(0.975, 1), 5.023886187, 1e-6);
  assertAlmostEquals(chiSquareQuantile(0.005, 1), 3.927042e-5, 1e-9);
  assertAlmostEquals(chiSquareQuantile(0.95, 10), 18.30703805, 1e-6);
  assertAlmostEquals(chiSquareQuantile(0.5, 200), 199.3334, 1e-3);
  // F(1, 10) 0.99 quantile 10.04; F(5, 20) 0.995 quantile 4.762
  assertAlmostEquals(fQuantile(0.99, 1, 10), 10.04429, 1e-4);
  assertAlmostEquals(fQuantile(0.995, 5, 20), 4.76150, 1e-4);
  const [low, high] = spreadInterval(400);
  assert(low > 0.9 && high < 1.1, `400 seeds pin the spread: [${low}, ${high}]`);
});

// a seeded normal generator (Box-Muller on a linear congruential stream)
function normals(seed: number) {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const times = [0, 1, 2, 4, 8, 16];
const mu = [0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
const sd = [0.001, 0.01, 0.03, 0.015, 0.005, 0.001];
function draws(n: number, g: () => number, shift = 0, scale = 1): number[][] {
  return Array.from({ length: n }, () => mu.map((m, j) => m + shift * sd[j] + scale * sd[j] * g()));
}
const fine = Array.from({ length: 61 }, (_, i) => (i === 0 ? 0 : 10 ** (-1 + i / 20)));
function pair(seeds: number[][], paths: number[][], ts = times): [CurveResult, CurveResult] {
  const base = {
    version: "",
    config: { data: { kind: "dataset" }, network: {} } as unknown as CurveResult["config"],
    seconds: 0,
    times: ts,
    epsStd: ts.map(() => 0),
    epsMin: ts.map(() => 0),
    epsMax: ts.map(() => 0),
    pca: { traceOverD: 1, eigenvalues: [], epsPCA: [0.5, 0.1] },
  };
  const sim = {
    ...base,
    kind: "simulation",
    eps: ts.map(() => 0),
    runs: seeds.map((eps, i) => ({ seed: i + 1, eps, order: [] })),
  } as unknown as CurveResult;
  const th = {
    ...base,
    kind: "theory",
    eps: ts.map(() => 0),
    runs: [],
    fluctuations: summariseFluctuations(ts, paths, [0.5, 0.1], 0),
  } as unknown as CurveResult;
  return [sim, th];
}

Deno.test("seeds drawn from the predicted distribution agree at about the test's level; shifted or wider seeds do not", () => {
  const g = normals(7);
  let fails = 0;
  const trials = 300;
  for (let i = 0; i < trials; i++) {
    const [s, t] = pair(draws(4, g), draws(60, g));
    if (!finiteAgreement(s, t).holds) fails++;
  }
  // two tests at 1% each: a failure rate near 2%, far below 10%
  assert(fails / trials < 5 * 2 * ALPHA, `false alarms ${fails} of ${trials}`);
  const [s1, t1] = pair(draws(4, g, 6), draws(60, g));
  const shifted = finiteAgreement(s1, t1);
  assert(!shifted.mean.holds && !shifted.holds, finiteAgreementText(shifted));
  // escapes: the seeds leave the plateau at times three times as spread (in ln t) as the paths
  const escaping = (n: number, width: number) =>
    Array.from({ length: n }, () => {
      const tau = 3 * Math.exp(width * 0.3 * g());
      return fine.map((t) => 0.02 + 0.48 / (1 + (t / tau) ** 4));
    });
  const [s2, t2] = pair(escaping(20, 3), escaping(100, 1), fine);
  const wide = finiteAgreement(s2, t2);
  assert.ok(wide.spread && !wide.spread.holds && wide.spread.ratio > 2, finiteAgreementText(wide));
  assert.equal(wide.spread.m, 0);
  const [s3, t3] = pair(escaping(20, 1), escaping(100, 1), fine);
  const same = finiteAgreement(s3, t3);
  assert.ok(same.spread?.holds && Math.abs(same.spread.ratio - 1) < 0.4, finiteAgreementText(same));
});

Deno.test("one seed has no spread test; a theory without paths is refused naming --paths", () => {
  const g = normals(3);
  const [s, t] = pair(draws(1, g), draws(30, g));
  const a = finiteAgreement(s, t);
  assert(a.spread === undefined && a.seeds === 1 && a.paths === 30);
  assert(finiteAgreementText(a).includes("spread not tested"));
  const bare = { ...t, fluctuations: undefined } as CurveResult;
  assert.throws(() => finiteAgreement(s, bare), /paths/);
});
