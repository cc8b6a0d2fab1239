// The noise covariance Sigma of the reduced state (src/theory/sde_noise.ts), from Gaussian
// averages, against the empirical covariance of one full SGD step (the WebAssembly kernel that
// `simulate` runs, at D = 500) projected onto the reduced state by hand, at random states:
// many fresh samples from the same weights, each giving D times the change of the spike
// projections a_k(tau), b_k(tau), c_tau and of the bias means. The mean of the same samples is
// the right-hand side of the projected equations. Agreement is judged entry by entry against the
// sampling error of each empirical entry; a Sigma off by 20% fails the same check (control).
import assert from "node:assert/strict";
import { activationSpec } from "../../src/activations/mod.ts";
import { type Directions, FlowSystem, initialState } from "../../src/theory/system.ts";
import { StepNoise } from "../../src/theory/sde_noise.ts";
import { createKernels } from "../../src/kernels/wasm.ts";
import { sgdStepper } from "../../src/kernels/ops.ts";
import { RULES } from "../../src/problem/rules.ts";
import type { Activation, Rule } from "../../src/problem/types.ts";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gauss = (u: () => number) => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

interface Case {
  activation: Activation;
  rule: Rule;
  K: number;
  tied?: boolean;
  bias?: boolean;
  outputBias?: boolean;
}

const D = 500, SAMPLES = 20_000, SIGMA_B = 0.8, LR = 0.7;
const SPIKES = [2.5, 1.2]; // rho / D of the explicit directions

/** Spike directions (orthonormal rows) and the Directions of the reduced state. */
function directions(u: () => number): Directions {
  const r = SPIKES.length;
  const vectors = new Float64Array(r * D);
  for (let t = 0; t < r; t++) {
    const e = vectors.subarray(t * D, (t + 1) * D);
    for (let i = 0; i < D; i++) e[i] = gauss(u);
    for (let s = 0; s < t; s++) {
      const f = vectors.subarray(s * D, (s + 1) * D);
      let d = 0;
      for (let i = 0; i < D; i++) d += e[i] * f[i];
      for (let i = 0; i < D; i++) e[i] -= d * f[i];
    }
    let n = 0;
    for (let i = 0; i < D; i++) n += e[i] * e[i];
    for (let i = 0; i < D; i++) e[i] /= Math.sqrt(n);
  }
  const rho = Float64Array.from(SPIKES, (s) => s * D);
  return {
    D,
    rho,
    vectors,
    groupRho: Float64Array.of(SIGMA_B ** 2),
    groupVectors: [null],
    traceOverD: (rho.reduce((a, b) => a + b, 0) + (D - r) * SIGMA_B ** 2) / D,
  };
}

/** Mean and covariance (with the standard error of every entry) of sample rows. */
function empirical(rows: Float64Array[], N: number) {
  const S = rows.length;
  const mean = new Float64Array(N);
  for (const r of rows) for (let i = 0; i < N; i++) mean[i] += r[i] / S;
  const cov = new Float64Array(N * N), m2 = new Float64Array(N * N);
  for (const r of rows) {
    for (let i = 0; i < N; i++) {
      const di = r[i] - mean[i];
      for (let j = i; j < N; j++) {
        const p = di * (r[j] - mean[j]);
        cov[i * N + j] += p;
        m2[i * N + j] += p * p;
      }
    }
  }
  const se = new Float64Array(N * N), seMean = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    for (let j = i; j < N; j++) {
      const c = cov[i * N + j] / S;
      cov[i * N + j] = cov[j * N + i] = c;
      se[i * N + j] = se[j * N + i] = Math.sqrt(Math.max(m2[i * N + j] / S - c * c, 0) / S);
    }
    seMean[i] = Math.sqrt(cov[i * N + i] / S);
  }
  return { mean, cov, se, seMean };
}

/** Largest |a - b| / se over the upper triangle (entries with se > 0). */
function maxZ(a: Float64Array, b: Float64Array, se: Float64Array, N: number): number {
  let z = 0;
  for (let i = 0; i < N; i++) {
    for (let j = i; j < N; j++) {
      const s = se[i * N + j];
      if (s > 0) z = Math.max(z, Math.abs(a[i * N + j] - b[i * N + j]) / s);
    }
  }
  return z;
}

async function check(c: Case, seed: number) {
  const u = rng(seed);
  const dirs = directions(u);
  const { K } = c;
  const r = SPIKES.length;
  const decoder = RULES[c.rule].decoder;
  const tied = c.tied ?? false;
  // weights with O(1) fields: spike components of order 1 (encoder) or sqrt(D) (decoder)
  const vec = (spikeScale: number, amp: number, noise: number) => {
    const x = new Float64Array(D);
    for (let i = 0; i < D; i++) x[i] = noise * gauss(u);
    for (let t = 0; t < r; t++) {
      const a = spikeScale * amp * gauss(u);
      for (let i = 0; i < D; i++) x[i] += a * dirs.vectors[t * D + i];
    }
    return x;
  };
  const W = Array.from({ length: K }, () => vec(tied ? D ** 0.25 : 1, 0.7, 0.6));
  const V = Array.from({ length: K }, () => vec(Math.sqrt(D), 0.6, 0.8));
  const bias = Array.from({ length: K }, () => (c.bias ? 0.4 * Math.sqrt(D) * gauss(u) : 0));
  const cvec = c.outputBias ? vec(Math.sqrt(D), 0.3, 0.5) : undefined;
  const decoderRows = !decoder ? W.map((w) => w.map((x) => x / Math.sqrt(D))) : tied ? W : V;
  const act = activationSpec(c.activation);
  const kernelsFlow = await createKernels();
  const sys = new FlowSystem(
    dirs,
    K,
    c.rule,
    LR,
    act.averages,
    kernelsFlow,
    tied,
    c.bias ? act.biasedAverages : undefined,
    { outputBias: c.outputBias ?? false },
  );
  const toRows = (xs: Float64Array[]) => xs.map((x) => Array.from(x));
  const vecs = initialState(dirs, K, toRows(W), toRows(decoderRows), cvec);
  const X = new Float64Array(sys.stateSize);
  X.set(vecs);
  bias.forEach((b, k) => (X[sys.size + k] = b / Math.sqrt(D)));
  const noise = new StepNoise(sys, act);
  const N = noise.components;
  // a finer grid than the default, so that its error (~1e-4 at K = 3 by default) is far below
  // the tolerance below
  const { mean, cov } = noise.moments(X, c.activation === "linear" ? undefined : K > 2 ? 36 : 60);
  const F = new Float64Array(sys.stateSize);
  sys.rhs(0, X, F);
  for (let i = 0; i < N; i++) {
    const fi = F[noise.stateIndex(i)];
    // exact for linear; the error of the split quadrature otherwise
    const tol = c.activation === "linear" ? 1e-10 : 1e-7;
    assert.ok(
      Math.abs(mean[i] - fi) <= tol * (1 + Math.abs(fi)),
      `E[h] = F at ${i}: ${mean[i]} vs ${fi}`,
    );
  }

  // one SGD step of the kernel per sample, from the same weights
  const k = await createKernels();
  const w = k.f64(K * D), v = k.f64(K * D), b = k.f64(K), cp = k.f64(D);
  const xs = k.f64(D), work = k.f64(k.x.sgdWorkSize(D, K));
  const step = sgdStepper(k.x, {
    w,
    v: tied ? w : v,
    b,
    d: D,
    k: K,
    eta: LR,
    activation: act.kernelCode,
    rule: RULES[c.rule].kernelCode,
    tied,
    bias: c.bias ?? false,
    ...(c.outputBias ? { c: cp } : {}),
    work,
  });
  const W0 = new Float64Array(K * D), V0 = new Float64Array(K * D);
  W.forEach((row, i) => W0.set(row, i * D));
  V.forEach((row, i) => V0.set(row, i * D));
  const proj = (x: Float64Array, off: number, t: number) => {
    let s = 0;
    for (let i = 0; i < D; i++) s += x[off + i] * dirs.vectors[t * D + i];
    return s;
  };
  const x = new Float64Array(D);
  const rows: Float64Array[] = [];
  const n = r, m = sys.m, sd = Math.sqrt(D);
  for (let s = 0; s < SAMPLES; s++) {
    for (let i = 0; i < D; i++) x[i] = SIGMA_B * gauss(u);
    for (let t = 0; t < r; t++) {
      const xi = proj(x, 0, t);
      const a = Math.sqrt(dirs.rho[t]) * gauss(u) - xi;
      for (let i = 0; i < D; i++) x[i] += a * dirs.vectors[t * D + i];
    }
    k.write(w, W0);
    k.write(v, V0);
    k.write(b, bias);
    if (cvec) k.write(cp, cvec);
    k.write(xs, x);
    step(xs, 1);
    const dW = k.read(w, K * D), dV = k.read(v, K * D), db = k.read(b, K), dc = k.read(cp, D);
    for (let i = 0; i < K * D; i++) {
      dW[i] -= W0[i];
      dV[i] -= V0[i];
    }
    const h = new Float64Array(N);
    for (let kk = 0; kk < K; kk++) {
      for (let t = 0; t < n; t++) {
        h[kk * n + t] = D * proj(dW, kk * D, t);
        const dec = !decoder
          ? proj(dW, kk * D, t) / D
          : tied
          ? proj(dW, kk * D, t) / sd
          : proj(dV, kk * D, t) / sd;
        h[(K + kk) * n + t] = D * dec;
      }
      if (c.bias) h[m * n + kk] = D * (db[kk] - bias[kk]) / sd;
    }
    if (cvec) {
      for (let t = 0; t < n; t++) h[2 * K * n + t] = D * (proj(dc, 0, t) - proj(cvec, 0, t)) / sd;
    }
    rows.push(h);
  }
  const emp = empirical(rows, N);
  const zMean = Math.max(
    ...Array.from(mean, (x, i) => Math.abs(x - emp.mean[i]) / emp.seMean[i]),
  );
  const z = maxZ(cov, emp.cov, emp.se, N);
  const scaled = cov.map((x) => 1.2 * x);
  const zOff = maxZ(scaled, emp.cov, emp.se, N);
  return { z, zMean, zOff, N };
}

const CASES: Case[] = [
  { activation: "linear", rule: "vanilla", K: 2 },
  { activation: "erf", rule: "vanilla", K: 3 },
  { activation: "erf", rule: "truncated", K: 2 },
  { activation: "linear", rule: "truncated", K: 2 },
  { activation: "linear", rule: "vanilla", K: 2, tied: true },
  { activation: "erf", rule: "vanilla", K: 2, bias: true },
  { activation: "relu", rule: "vanilla", K: 2, bias: true, outputBias: true },
  { activation: "linear", rule: "sanger", K: 2 },
];

for (const [i, c] of CASES.entries()) {
  const name = `${c.activation} ${c.rule}${c.tied ? " tied" : ""}${c.bias ? " bias" : ""}${
    c.outputBias ? " output-bias" : ""
  }`;
  Deno.test(`Sigma from Gaussian averages = covariance of one SGD step (${name})`, async () => {
    const { z, zMean, zOff, N } = await check(c, 100 + i);
    // N(N+1)/2 entries: the largest |z| of independent normals stays below 5 with odds ~1e-4
    assert.ok(z < 5, `max |Sigma - empirical| / se = ${z.toFixed(2)} over ${N} components`);
    assert.ok(zMean < 5, `max |E[h] - mean| / se = ${zMean.toFixed(2)}`);
    assert.ok(zOff > 5, `a Sigma 20% too large passes (max z ${zOff.toFixed(2)})`);
  });
}
