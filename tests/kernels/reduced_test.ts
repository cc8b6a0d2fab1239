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
import { reducedErf, reducedErfUnit, reducedExp } from "./reduced_erf.ts";

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

Deno.test("the reduced kernel's erf is the registry's to round-off, and its TypeScript copy's bits", async () => {
  const k = await createKernels();
  // against 20-digit values (mpmath): within 3 ulps
  const exact: [number, number][] = [
    [0.001, 0.0011283787909692363799],
    [-0.3, -0.32862675945912742764],
    [0.49999, 0.52049108994331820075],
    [0.5, 0.52049987781304653768],
    [0.77, 0.72382161396485928925],
    [1.3, 0.9340079449406524366],
    [-2.2, -0.99813715370201810856],
    [2.6746, 0.99984471119728481943],
    [3.9, 0.99999996520775140277],
    [-4.75, -0.99999999998151495228],
    [5.6, 0.99999999999999761716],
    [5.99, 0.9999999999999999757],
  ];
  for (const [x, want] of exact) {
    const rel = Math.abs(k.x.reducedErf(x) - want) / Math.abs(want);
    assert.ok(rel < 6.7e-16, `erf(${x}): relative error ${rel}`);
  }
  // a dense grid over [-8, 8]: the registry's erf (its own error up to ~1.1e-15) within 2e-15,
  // g' = sqrt(2/pi) e^{-u^2/2} within 1e-15 (1 + u^2/2), and the TypeScript copy bit for bit
  let worst = 0, worstD = 0;
  for (let i = -400000; i <= 400000; i++) {
    const x = i * 2e-5;
    const got = k.x.reducedErf(x);
    assert.equal(got, reducedErf(x));
    const want = k.x.erf(x);
    worst = Math.max(worst, want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want));
    const u = 1.4142135623730951 * x;
    const gp = reducedErfUnit(u);
    const gpWant = k.x.actDeriv(ACTIVATIONS.erf.kernelCode, u);
    // the rounding of the exponent -u^2/2 alone moves e^{-u^2/2} by ~ulp u^2/2 relative
    const rel = Math.abs(gp.gp - gpWant) / gpWant;
    if (gpWant > 1e-300) worstD = Math.max(worstD, rel / (1 + 0.5 * u * u));
  }
  assert.ok(worst < 2e-15, `max relative difference from the registry's erf ${worst}`);
  assert.ok(worstD < 1e-15, `max relative difference of g' ${worstD}`);
  for (const x of [0, -0, 6, -6, 7.5, -40, Infinity, -Infinity]) {
    assert.equal(k.x.reducedErf(x), reducedErf(x));
    assert.ok(k.x.reducedErf(x) === k.x.erf(x), `erf(${x})`);
  }
  assert.ok(Number.isNaN(k.x.reducedErf(NaN)));
  for (const t of [0, -1e-3, -0.5, -3, -40, -700, -708]) {
    assert.equal(k.x.reducedExp(t), reducedExp(t));
    assert.ok(Math.abs(reducedExp(t) - Math.exp(t)) <= 4e-16 * Math.exp(t), `exp(${t})`);
  }
  assert.equal(k.x.reducedExp(-709), 0); // below the smallest normal double
});
