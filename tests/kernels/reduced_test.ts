/**
 * The reduced SGD kernel (assembly/reduced.ts, THEORY.md 6a): one step of
 * the reduced process equals one SGD step of the D-dimensional network on
 * the input the noise describes (every rule, tied, biases, output bias,
 * every activation of the registry); the kernel agrees with the plain
 * TypeScript reference on the same random stream; its chi-square deviates
 * have the chi-square's moments.
 * @module
 */
import assert from "node:assert/strict";
import { createKernels, RNG_BYTES } from "../../src/kernels/wasm.ts";
import { reducedTrainer } from "../../src/kernels/reduced.ts";
import { ACTIVATIONS } from "../../src/activations/mod.ts";
import { Rng, RULE_SANGER, RULE_TRUNCATED, RULE_VANILLA, sgdSteps } from "./reference.ts";
import {
  chiSquareDeviate,
  cholesky,
  type ReducedConfig,
  type ReducedState,
  reducedStep,
  reducedTrain,
  vectorLayout,
} from "./reduced_reference.ts";

interface Case {
  name: string;
  rule: number;
  act: number;
  tied: boolean;
  bias: boolean;
  outputBias: boolean;
}

const CASES: Case[] = [];
for (const a of Object.values(ACTIVATIONS)) {
  CASES.push({
    name: `vanilla ${a.name}`,
    rule: RULE_VANILLA,
    act: a.kernelCode,
    tied: false,
    bias: false,
    outputBias: false,
  });
}
CASES.push(
  {
    name: "truncated erf",
    rule: RULE_TRUNCATED,
    act: ACTIVATIONS.erf.kernelCode,
    tied: false,
    bias: false,
    outputBias: false,
  },
  {
    name: "tied linear",
    rule: RULE_VANILLA,
    act: ACTIVATIONS.linear.kernelCode,
    tied: true,
    bias: false,
    outputBias: false,
  },
  {
    name: "tied truncated erf, output bias",
    rule: RULE_TRUNCATED,
    act: ACTIVATIONS.erf.kernelCode,
    tied: true,
    bias: true,
    outputBias: true,
  },
  {
    name: "relu, both biases",
    rule: RULE_VANILLA,
    act: ACTIVATIONS.relu.kernelCode,
    tied: false,
    bias: true,
    outputBias: true,
  },
  {
    name: "truncated relu, both biases",
    rule: RULE_TRUNCATED,
    act: ACTIVATIONS.relu.kernelCode,
    tied: false,
    bias: true,
    outputBias: true,
  },
  {
    name: "sanger",
    rule: RULE_SANGER,
    act: ACTIVATIONS.linear.kernelCode,
    tied: false,
    bias: false,
    outputBias: false,
  },
);

function configOf(c: Case, K: number, r: number, D: number): ReducedConfig {
  const own = c.rule !== RULE_SANGER && !c.tied;
  const n = (own ? 2 * K : K) + (c.outputBias ? 1 : 0);
  const sqrtRho = Array.from({ length: r }, (_, t) => Math.sqrt(3 * (r - t)));
  return {
    n,
    r,
    K,
    sqrtRho,
    sigmaB: 0.7,
    D,
    eta: 0.8,
    act: c.act,
    rule: c.rule,
    tied: c.tied,
    bias: c.bias,
    outputBias: c.outputBias,
  };
}

/** n random vectors of dimension D with O(1) entries (W, V) and a c of entries O(0.3). */
function randomVectors(rng: Rng, cfg: ReducedConfig): Float64Array {
  const U = new Float64Array(cfg.n * cfg.D);
  for (let i = 0; i < U.length; i++) U[i] = rng.normal();
  return U;
}

/** A and G of explicit vectors, with e_tau the first r coordinate axes. */
function reduce(U: Float64Array, cfg: ReducedConfig): { A: Float64Array; G: Float64Array } {
  const { n, r, D } = cfg;
  const A = new Float64Array(n * r);
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < r; t++) A[i * r + t] = U[i * D + t];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = r; q < D; q++) s += U[i * D + q] * U[j * D + q];
      G[i * n + j] = s;
    }
  }
  return { A, G };
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return scale > 0 ? d / scale : d;
}

Deno.test("one reduced step is one SGD step of the D-dimensional network, for every rule and activation", () => {
  const K = 2, r = 2, D = 30;
  for (const c of CASES) {
    const cfg = configOf(c, K, r, D);
    const rng = new Rng(17);
    let moved = 0;
    for (let trial = 0; trial < 5; trial++) {
      const U = randomVectors(rng, cfg);
      const b = Float64Array.from({ length: K }, () => (c.bias ? rng.normal() : 0));
      const { A, G } = reduce(U, cfg);
      // the frame F of the bulk parts (G = L L^T, B = L F^T) and one more unit direction
      const L = cholesky(G, cfg.n);
      const n = cfg.n;
      const F = new Float64Array(n * D); // rows: orthonormal bulk directions
      for (let j = 0; j < n; j++) {
        for (let q = r; q < D; q++) {
          let s = U[j * D + q];
          for (let k = 0; k < j; k++) s -= L[j * n + k] * F[k * D + q];
          F[j * D + q] = s / L[j * n + j];
        }
      }
      const f = new Float64Array(D);
      for (let q = r; q < D; q++) f[q] = rng.normal();
      for (let j = 0; j < n; j++) {
        let p = 0;
        for (let q = r; q < D; q++) p += F[j * D + q] * f[q];
        for (let q = r; q < D; q++) f[q] -= p * F[j * D + q];
      }
      const fn = Math.sqrt(f.reduce((s, v) => s + v * v, 0));
      const z = Float64Array.from({ length: r }, () => rng.normal());
      const eta = Float64Array.from({ length: n }, () => rng.normal());
      const chi2 = 3 + 10 * rng.uniform();
      // the input those numbers describe
      const x = new Float64Array(D);
      for (let t = 0; t < r; t++) x[t] = cfg.sqrtRho[t] * z[t];
      for (let q = r; q < D; q++) {
        let s = Math.sqrt(chi2) * f[q] / fn;
        for (let j = 0; j < n; j++) s += eta[j] * F[j * D + q];
        x[q] = cfg.sigmaB * s;
      }
      // the full step on explicit weights
      const lay = vectorLayout(cfg);
      const W = U.slice(0, K * D);
      const own = c.rule !== RULE_SANGER && !c.tied;
      const V = own ? U.slice(K * D, 2 * K * D) : W;
      const cv = c.outputBias ? U.slice(lay.c * D, (lay.c + 1) * D) : null;
      const bFull = b.slice();
      sgdSteps(W, V, bFull, cv, x, 1, D, K, cfg.eta, c.act, c.rule, c.tied, c.bias);
      const U2 = new Float64Array(n * D);
      U2.set(W, 0);
      if (own) U2.set(V, K * D);
      if (cv) U2.set(cv, lay.c * D);
      const want = reduce(U2, cfg);
      // the reduced step
      const st: ReducedState = { A: A.slice(), G: G.slice(), b: b.slice() };
      reducedStep(cfg, st, { z, eta, chi2 });
      const tol = 1e-13;
      assert.ok(maxRelDiff(st.A, want.A) < tol, `${c.name}: A ${maxRelDiff(st.A, want.A)}`);
      assert.ok(maxRelDiff(st.G, want.G) < tol, `${c.name}: G ${maxRelDiff(st.G, want.G)}`);
      assert.ok(maxRelDiff(st.b, bFull) < tol, `${c.name}: b`);
      moved = Math.max(moved, maxRelDiff(st.G, G));
    }
    // the steps changed the state (ReLU units may all be off in one trial, not in all)
    assert.ok(moved > 1e-4, `${c.name}: G unchanged`);
  }
});

Deno.test("the reduced kernel agrees with the TypeScript reference on the same stream", async () => {
  const k = await createKernels();
  const K = 3, r = 3, D = 200, steps = 300;
  for (const c of CASES) {
    const cfg = configOf(c, K, r, D);
    const rng0 = new Rng(5);
    const A0 = Float64Array.from({ length: cfg.n * r }, () => 0.3 * rng0.normal());
    // a Wishart-like G: bulk parts of O(1) entries; c starts at 0 (a zero row and column)
    const Ub = Float64Array.from({ length: cfg.n * 20 }, () => 0.3 * rng0.normal());
    const G0 = new Float64Array(cfg.n * cfg.n);
    const lay = vectorLayout(cfg);
    for (let i = 0; i < cfg.n; i++) {
      for (let j = 0; j < cfg.n; j++) {
        if (i === lay.c || j === lay.c) continue;
        for (let q = 0; q < 20; q++) {
          G0[i * cfg.n + j] += Ub[i * 20 + q] * Ub[j * 20 + q] * (D / 20);
        }
      }
    }
    if (lay.c >= 0) { for (let t = 0; t < r; t++) A0[lay.c * r + t] = 0; }
    const mark = k.mark();
    const A = k.put(A0), G = k.put(G0), b = k.f64(K);
    const train = reducedTrainer(k.x, {
      A,
      G,
      b,
      n: cfg.n,
      r,
      k: K,
      sqrtRho: k.put(cfg.sqrtRho),
      sigmaB: cfg.sigmaB,
      d: D,
      eta: cfg.eta,
      activation: c.act,
      rule: c.rule,
      tied: c.tied,
      bias: c.bias,
      outputBias: c.outputBias,
      work: k.f64(k.x.reducedWorkSize(cfg.n, r, K)),
    });
    const st = k.alloc(RNG_BYTES);
    k.x.rngSeed(st, 99);
    // split into calls of different sizes: the same stream and the same numbers
    train(st, 1);
    train(st, 120);
    train(st, steps - 121);
    const ref: ReducedState = { A: A0.slice(), G: G0.slice(), b: new Float64Array(K) };
    reducedTrain(new Rng(99), cfg, ref, steps);
    const dA = maxRelDiff(k.view(A, A0.length), ref.A);
    const dG = maxRelDiff(k.view(G, G0.length), ref.G);
    assert.ok(dA < 1e-12 && dG < 1e-12, `${c.name}: A ${dA}, G ${dG}`);
    if (c.bias) assert.ok(maxRelDiff(k.view(b, K), ref.b) < 1e-12, `${c.name}: b`);
    assert.ok(maxRelDiff(ref.G, G0) > 1e-3, `${c.name}: the state moved`);
    k.release(mark);
  }
});

Deno.test("chi-square deviates have the chi-square's mean and variance, for small and large degrees of freedom", async () => {
  const k = await createKernels();
  const st = k.alloc(RNG_BYTES);
  k.x.rngSeed(st, 3);
  const rng = new Rng(3);
  for (const df of [1, 2, 5, 37, 1e4, 1e6]) {
    const n = 20000;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = k.x.chiSquareDeviate(st, df);
      assert.equal(v, chiSquareDeviate(rng, df), "kernel and reference draw the same deviates");
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // mean df, variance 2 df: within 5 standard errors
    assert.ok(Math.abs(mean - df) < 5 * Math.sqrt(2 * df / n), `df ${df}: mean ${mean}`);
    const seVar = Math.sqrt((8 * df * df + 48 * df) / n); // var of the sample variance ~ (mu4 - sigma^4) / n
    assert.ok(Math.abs(variance - 2 * df) < 5 * seVar, `df ${df}: variance ${variance}`);
  }
  assert.equal(k.x.chiSquareDeviate(st, 0), 0);
});
