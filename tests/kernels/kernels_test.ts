// The WebAssembly kernels against the plain-TypeScript reference (tests/reference.ts):
// random streams, SGD rules, samplers and the test error.
import assert from "node:assert/strict";
import { createKernels, type Kernels, RNG_BYTES } from "../../src/kernels/wasm.ts";
import { ACTIVATIONS } from "../../src/activations/mod.ts";
import {
  act as refAct,
  ACT_LINEAR,
  ACT_RELU,
  erf as refErf,
  mulHiU32,
  Rng,
  RULE_SANGER,
  RULE_TRUNCATED,
  RULE_VANILLA,
  sampleEigen,
  sampleSpiked,
  sgdSteps,
  testError,
} from "./reference.ts";

const SEEDS = [0, 1, 42, 2 ** 32 - 1, 2 ** 32, 0x123456789abc, 2 ** 53 - 1];

// --- helpers ---------------------------------------------------------------

/** SplitMix64 in BigInt: the textbook definition, to check the uint32-halves version. */
class BigSplitMix {
  s: bigint;
  constructor(seed: number) {
    this.s = BigInt(seed);
  }
  next(): bigint {
    const M = (1n << 64n) - 1n;
    this.s = (this.s + 0x9e3779b97f4a7c15n) & M;
    let z = this.s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
    return z ^ (z >> 31n);
  }
}

/** max |a - b| / max |b| (0 when both are zero). */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

function normals(rng: Rng, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * rng.normal();
  return out;
}

/** The 64-bit state of the wasm generator at st, as a BigInt. */
function wasmState(kern: Kernels, st: number): bigint {
  const u32 = new Uint32Array(kern.x.memory.buffer, st, 2);
  return (BigInt(u32[1]) << 32n) | BigInt(u32[0]);
}

/** Random directions of norm sqrt(d), r x d. */
function spikeDirections(rng: Rng, r: number, d: number): Float64Array {
  const u = normals(rng, r * d);
  for (let m = 0; m < r; m++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += u[m * d + i] ** 2;
    const f = Math.sqrt(d / s);
    for (let i = 0; i < d; i++) u[m * d + i] *= f;
  }
  return u;
}

/** r orthonormal rows of length d (Gram-Schmidt on Gaussian rows). */
function orthonormalRows(rng: Rng, r: number, d: number): Float64Array {
  const e = normals(rng, r * d);
  for (let m = 0; m < r; m++) {
    for (let a = 0; a < m; a++) {
      let p = 0;
      for (let i = 0; i < d; i++) p += e[m * d + i] * e[a * d + i];
      for (let i = 0; i < d; i++) e[m * d + i] -= p * e[a * d + i];
    }
    let s = 0;
    for (let i = 0; i < d; i++) s += e[m * d + i] ** 2;
    const f = 1 / Math.sqrt(s);
    for (let i = 0; i < d; i++) e[m * d + i] *= f;
  }
  return e;
}

/** n samples of the spiked model drawn by the wasm kernel. */
function wasmSpiked(
  kern: Kernels,
  seed: number,
  u: Float64Array,
  coef: number[],
  sigma: number,
  d: number,
  n: number,
): Float64Array {
  const mark = kern.mark();
  const r = coef.length;
  const st = kern.alloc(RNG_BYTES);
  kern.x.rngSeed(st, seed);
  const up = kern.put(u);
  const cp = kern.put(coef);
  const out = kern.f64(n * d);
  const z = kern.f64(r);
  kern.x.sampleSpiked(st, up, cp, r, sigma, d, out, n, z);
  const xs = kern.read(out, n * d);
  kern.release(mark);
  return xs;
}

// --- (a) random streams ------------------------------------------------------

Deno.test("mulHiU32 and the uint32-halves SplitMix64 equal their BigInt versions", () => {
  const edge = [0, 1, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0xbf58476d, 0x1ce4e5b9];
  const rng = new Rng(7);
  const vals = [...edge, ...Array.from({ length: 200 }, () => Math.floor(rng.uniform() * 2 ** 32))];
  for (const a of vals) {
    for (const b of vals) {
      assert.equal(BigInt(mulHiU32(a, b)), (BigInt(a) * BigInt(b)) >> 32n, `mulHi(${a}, ${b})`);
    }
  }
  // Known answer: SplitMix64 seeded with 0 starts 0xe220a8397b1dcdaf.
  assert.equal(new BigSplitMix(0).next(), 0xe220a8397b1dcdafn);
  for (const seed of SEEDS) {
    const ref = new Rng(seed);
    const big = new BigSplitMix(seed);
    assert.equal(ref.state, BigInt(seed));
    for (let i = 0; i < 5000; i++) {
      const bits = ref.next53();
      const want = big.next();
      const got = (BigInt(ref.outHi) << 32n) | BigInt(ref.outLo);
      assert.equal(got, want, `seed ${seed}, draw ${i}`);
      assert.equal(BigInt(bits), want >> 11n);
    }
    assert.equal(ref.state, big.s);
  }
});

Deno.test("wasm and reference streams: identical uniforms, normals equal to 1e-15", async () => {
  const kern = await createKernels();
  const st = kern.alloc(RNG_BYTES);
  const n = 20001; // odd: a spare normal is pending between the calls below
  const buf = kern.f64(n);
  for (const seed of SEEDS) {
    kern.x.rngSeed(st, seed);
    const ref = new Rng(seed);
    kern.x.rngFillUniform(st, buf, n);
    const wu = kern.read(buf, n);
    for (let i = 0; i < n; i++) {
      if (!Object.is(wu[i], ref.uniform())) assert.fail(`seed ${seed}: uniform ${i} differs`);
    }
    assert.equal(wasmState(kern, st), ref.state);
    assert.equal(kern.x.rngUniform(st), ref.uniform());

    let worst = 0;
    for (let rep = 0; rep < 3; rep++) {
      kern.x.rngFillNormal(st, buf, n);
      const wn = kern.read(buf, n);
      for (let i = 0; i < n; i++) {
        const want = ref.normal();
        worst = Math.max(worst, Math.abs(wn[i] - want) / Math.abs(want));
      }
      assert.equal(wasmState(kern, st), ref.state);
    }
    assert.ok(worst <= 1e-15, `seed ${seed}: normals differ by ${worst} relative`);
    assert.equal(kern.x.rngNormal(st), ref.normal()); // the pending spare
  }
});

Deno.test("normal deviates: mean, variance and 4th moment within sample-size tolerances", async () => {
  // For i.i.d. N(0,1) draws the sample mean of x^p has standard error
  // sqrt((E x^2p - (E x^p)^2) / n): sqrt(1/n) for p = 1, sqrt((3 - 1)/n) for
  // p = 2, sqrt((105 - 9)/n) for p = 4. Tolerance: 5 standard errors.
  const kern = await createKernels();
  const n = 2_000_000;
  const st = kern.alloc(RNG_BYTES);
  const buf = kern.f64(n);
  for (const seed of [3, 2024]) {
    kern.x.rngSeed(st, seed);
    kern.x.rngFillNormal(st, buf, n);
    const x = kern.view(buf, n);
    let m1 = 0, m2 = 0, m4 = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const v2 = v * v;
      m1 += v;
      m2 += v2;
      m4 += v2 * v2;
    }
    m1 /= n;
    m2 /= n;
    m4 /= n;
    const tol = (varMoment: number) => 5 * Math.sqrt(varMoment / n);
    assert.ok(Math.abs(m1) <= tol(1), `seed ${seed}: mean ${m1}`);
    assert.ok(Math.abs(m2 - 1) <= tol(2), `seed ${seed}: variance ${m2}`);
    assert.ok(Math.abs(m4 - 3) <= tol(96), `seed ${seed}: 4th moment ${m4}`);
  }
  // Uniforms: mean 1/2 with standard error sqrt(1/12 / n).
  kern.x.rngSeed(st, 11);
  kern.x.rngFillUniform(st, buf, n);
  const u = kern.view(buf, n);
  let s = 0;
  let lo = 1, hi = 0;
  for (let i = 0; i < n; i++) {
    s += u[i];
    lo = Math.min(lo, u[i]);
    hi = Math.max(hi, u[i]);
  }
  assert.ok(Math.abs(s / n - 0.5) <= 5 * Math.sqrt(1 / 12 / n));
  assert.ok(lo >= 0 && hi < 1);
});

// --- (b) SGD rules -------------------------------------------------------------

/** Every activation of the registry, by kernel code. */
const ACTS = Object.values(ACTIVATIONS);
const ACT_NAMES: Record<number, string> = Object.fromEntries(
  ACTS.map((a) => [a.kernelCode, a.name]),
);

Deno.test("every activation of the registry: the kernel's g and g' are the registry's", async () => {
  const kern = await createKernels();
  for (const a of ACTS) {
    for (let i = -400; i <= 400; i++) {
      const u = i / 37;
      const g = kern.x.act(a.kernelCode, u), g1 = kern.x.actDeriv(a.kernelCode, u);
      assert.ok(
        Math.abs(g - a.g(u)) <= 1e-15 * Math.max(1, Math.abs(u)),
        `${a.name} g(${u}): ${g}`,
      );
      assert.ok(Math.abs(g1 - a.g1(u)) <= 2e-15, `${a.name} g'(${u}): ${g1} vs ${a.g1(u)}`);
    }
  }
});
const RULE_NAMES = ["vanilla", "truncated", "sanger"];

Deno.test("sgdSteps: wasm equals the reference to 1e-12 for every rule, activation, tied, bias", async () => {
  // k <= 4 runs the fused kernels, k = 5 the row-by-row ones.
  const kern = await createKernels();
  const steps = 1000;
  const eta = 0.5;
  for (const [d, k] of [[37, 3], [64, 3], [37, 5]]) {
    const rng = new Rng(1000 + d);
    const u = spikeDirections(rng, 3, d);
    const coef = [3, 2, 1.5].map((s) => s / Math.sqrt(1 + 3 * 3 + 2 * 2 + 1.5 * 1.5));
    const xs = wasmSpiked(kern, 77 + d, u, coef, 1 / Math.sqrt(1 + 9 + 4 + 2.25), d, steps);
    const w0 = normals(rng, k * d, 0.5);
    const v0 = normals(rng, k * d, 0.5);
    const b0 = normals(rng, k, 0.5);
    const combos: [number, number, boolean, boolean][] = [];
    for (const rule of [RULE_VANILLA, RULE_TRUNCATED]) {
      for (const act of ACTS.map((a) => a.kernelCode)) {
        for (const tied of [false, true]) {
          for (const bias of [false, true]) combos.push([rule, act, tied, bias]);
        }
      }
    }
    combos.push([RULE_SANGER, ACT_LINEAR, false, false]);
    const mark = kern.mark();
    const xp = kern.put(xs);
    const work = kern.f64(kern.x.sgdWorkSize(d, k));
    for (const [rule, act, tied, bias] of combos) {
      const label = `D=${d} K=${k} ${RULE_NAMES[rule]} ${ACT_NAMES[act]} tied=${tied} bias=${bias}`;
      const w = w0.slice();
      const v = tied ? w0.slice() : v0.slice();
      const b = bias ? b0.slice() : new Float64Array(k);
      const wp = kern.put(w);
      const vp = kern.put(v);
      const bp = kern.put(b);
      // Two calls, to check that state carries over between blocks.
      kern.x.sgdSteps(wp, vp, bp, xp, 400, d, k, eta, act, rule, tied ? 1 : 0, bias ? 1 : 0, work);
      kern.x.sgdSteps(
        wp,
        vp,
        bp,
        xp + 400 * d * 8,
        steps - 400,
        d,
        k,
        eta,
        act,
        rule,
        tied ? 1 : 0,
        bias ? 1 : 0,
        work,
      );
      sgdSteps(w, v, b, xs, steps, d, k, eta, act, rule, tied, bias);
      const ww = kern.read(wp, k * d);
      const wv = kern.read(vp, k * d);
      const wb = kern.read(bp, k);
      assert.ok(allFinite(w) && allFinite(v) && allFinite(b), `${label}: reference not finite`);
      assert.ok(relDiff(w, w0) > 1e-3, `${label}: the weights did not move`);
      const dw = relDiff(ww, w);
      assert.ok(dw <= 1e-12, `${label}: W differs by ${dw}`);
      if (!tied && rule !== RULE_SANGER) {
        const dv = relDiff(wv, v);
        assert.ok(dv <= 1e-12, `${label}: V differs by ${dv}`);
      }
      if (bias) {
        const db = relDiff(wb, b);
        assert.ok(db <= 1e-12, `${label}: b differs by ${db}`);
        assert.ok(relDiff(b, b0) > 0, `${label}: the bias did not move`);
      } else {
        assert.ok(wb.every((x) => x === 0), `${label}: b must not be touched`);
      }
    }
    kern.release(mark);
  }
});

// --- (c) samplers ----------------------------------------------------------------

Deno.test("samplers: wasm equals the reference (spiked, eigen with and without bulk)", async () => {
  const kern = await createKernels();
  const d = 37;
  const n = 200;
  const rng = new Rng(5);
  // spiked
  const u = spikeDirections(rng, 3, d);
  const coef = [3, 2, 1.2];
  const wx = wasmSpiked(kern, 9, u, coef, 0.8, d, n);
  const rx = new Float64Array(n * d);
  sampleSpiked(new Rng(9), u, coef, 3, 0.8, d, rx, n);
  assert.ok(relDiff(wx, rx) <= 1e-14, `spiked: ${relDiff(wx, rx)}`);
  // eigen, r < d with a bulk, and r = d with none
  for (const [r, bulk] of [[4, 0.3], [d, 0]] as const) {
    const e = orthonormalRows(rng, r, d);
    const sqrtRho = Array.from({ length: r }, (_, m) => Math.sqrt(5 / (m + 1)));
    const mark = kern.mark();
    const st = kern.alloc(RNG_BYTES);
    kern.x.rngSeed(st, 21);
    const out = kern.f64(n * d);
    kern.x.sampleEigen(
      st,
      kern.put(e),
      kern.put(sqrtRho),
      r,
      Math.sqrt(bulk),
      d,
      out,
      n,
      kern.f64(r),
    );
    const we = kern.read(out, n * d);
    kern.release(mark);
    const re = new Float64Array(n * d);
    sampleEigen(new Rng(21), e, sqrtRho, r, Math.sqrt(bulk), d, re, n);
    assert.ok(relDiff(we, re) <= 1e-14, `eigen r=${r}: ${relDiff(we, re)}`);
  }
});

Deno.test("spiked sampler: empirical covariance matches sigma^2 I + sum_m coef_m^2 u_m u_m^T", async () => {
  // Each entry of the uncentred estimate C_ij = mean_s x_i x_j of a zero-mean
  // Gaussian has standard error sqrt((O_ii O_jj + O_ij^2) / n); every entry
  // must lie within 5.5 of them (d^2/2 = 136 distinct entries).
  const kern = await createKernels();
  const d = 16;
  const n = 200_000;
  const coef = [2, 1.3];
  const sigma = 0.7;
  const u = spikeDirections(new Rng(8), coef.length, d);
  const xs = wasmSpiked(kern, 31, u, coef, sigma, d, n);
  const omega = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = i === j ? sigma * sigma : 0;
      for (let m = 0; m < coef.length; m++) s += coef[m] ** 2 * u[m * d + i] * u[m * d + j];
      omega[i * d + j] = s;
    }
  }
  const c = new Float64Array(d * d);
  for (let s = 0; s < n; s++) {
    const o = s * d;
    for (let i = 0; i < d; i++) {
      const xi = xs[o + i];
      for (let j = 0; j <= i; j++) c[i * d + j] += xi * xs[o + j];
    }
  }
  let worst = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const se = Math.sqrt((omega[i * d + i] * omega[j * d + j] + omega[i * d + j] ** 2) / n);
      worst = Math.max(worst, Math.abs(c[i * d + j] / n - omega[i * d + j]) / se);
    }
  }
  assert.ok(worst <= 5.5, `covariance entry off by ${worst} standard errors`);
});

// --- (d) test error -------------------------------------------------------------

Deno.test("testError: wasm equals the reference and the direct mean of |x - xhat|^2/(2D)", async () => {
  const kern = await createKernels();
  const d = 37;
  const k = 3;
  const n = 500;
  const rng = new Rng(13);
  const xs = normals(rng, n * d);
  const w = normals(rng, k * d);
  const v = normals(rng, k * d);
  const b = normals(rng, k);
  const cases: [number, number, boolean][] = [
    ...ACTS.flatMap((a) =>
      [[a.kernelCode, 1, false], [a.kernelCode, 1, true]] as [number, number, boolean][]
    ),
    [ACT_RELU, 0.7, false],
    [ACT_LINEAR, 1 / Math.sqrt(d), false], // Sanger: v = w, vscale = 1/sqrt(d)
  ];
  const mark = kern.mark();
  const xp = kern.put(xs);
  const wp = kern.put(w);
  const vp = kern.put(v);
  const bp = kern.put(b);
  const work = kern.f64(kern.x.testErrorWorkSize(k));
  for (const [act, vscale, bias] of cases) {
    const dec = vscale < 0.5 ? w : v;
    const got = kern.x.testError(
      wp,
      dec === w ? wp : vp,
      vscale,
      bp,
      bias ? 1 : 0,
      xp,
      n,
      d,
      k,
      act,
      work,
    );
    const ref = testError(w, dec, vscale, b, bias, xs, n, d, k, act);
    const label = `${ACT_NAMES[act]} vscale=${vscale} bias=${bias}`;
    assert.ok(Math.abs(got - ref) <= 1e-12 * Math.abs(ref), `${label}: ${got} vs ${ref}`);
    // direct: xhat = sum_u vscale v_u g((w_u . x + b_u)/sqrt(d))
    let total = 0;
    const xhat = new Float64Array(d);
    for (let s = 0; s < n; s++) {
      xhat.fill(0);
      for (let u = 0; u < k; u++) {
        let pre = bias ? b[u] : 0;
        for (let i = 0; i < d; i++) pre += w[u * d + i] * xs[s * d + i];
        const lam = pre / Math.sqrt(d);
        const g = refAct(act, lam);
        for (let i = 0; i < d; i++) xhat[i] += vscale * dec[u * d + i] * g;
      }
      for (let i = 0; i < d; i++) total += (xs[s * d + i] - xhat[i]) ** 2;
    }
    const direct = total / (2 * d * n);
    assert.ok(Math.abs(got - direct) <= 1e-10 * direct, `${label}: ${got} vs direct ${direct}`);
  }
  kern.release(mark);
});

/** erf by composite Simpson quadrature (Kahan-summed) of (2/sqrt pi) e^{-t^2}: independent of the series. */
function erfSimpson(x: number): number {
  const m = 20000;
  const h = x / m;
  let s = 1 + Math.exp(-x * x);
  let comp = 0;
  for (let i = 1; i < m; i++) {
    const y = (i % 2 === 1 ? 4 : 2) * Math.exp(-((i * h) ** 2)) - comp;
    const t = s + y;
    comp = (t - s) - y;
    s = t;
  }
  return (2 / Math.sqrt(Math.PI)) * (h / 3) * s;
}

Deno.test("erf: wasm equals the reference, tabulated values and quadrature", async () => {
  const kern = await createKernels();
  const table: [number, number][] = [
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [1.5, 0.9661051464753108],
    [2, 0.9953222650189527],
    [2.5, 0.999593047982555],
    [3, 0.9999779095030014],
    [4, 0.9999999845827421],
  ];
  for (const [x, want] of table) {
    assert.ok(Math.abs(kern.x.erf(x) - want) <= 1e-15, `erf(${x}) = ${kern.x.erf(x)}`);
    assert.equal(kern.x.erf(-x), -kern.x.erf(x));
  }
  for (let x = 0.03125; x <= 7; x += 0.0625) {
    const want = erfSimpson(Math.min(x, 6.5));
    assert.ok(Math.abs(kern.x.erf(x) - want) <= 1e-13, `erf(${x}) vs quadrature ${want}`);
  }
  const rng = new Rng(4);
  for (let i = 0; i < 20000; i++) {
    const x = (rng.uniform() - 0.5) * 16;
    const a = kern.x.erf(x);
    const r = refErf(x);
    assert.ok(Math.abs(a - r) <= 1e-15 * Math.abs(r), `erf(${x}): ${a} vs ${r}`);
  }
});
