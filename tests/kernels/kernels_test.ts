// The WebAssembly kernels against the plain-TypeScript reference (tests/kernels/reference.ts):
// SGD rules (with and without output bias, every width), samplers, the train kernel and the
// test error. The random streams are in normal_test.ts.
import assert from "node:assert/strict";
import { createKernels, type Kernels, RNG_BYTES, SAMPLER_BYTES } from "../../src/kernels/wasm.ts";
import { ACTIVATIONS } from "../../src/activations/mod.ts";
import { RULES } from "../../src/problem/rules.ts";
import {
  act as refAct,
  ACT_LINEAR,
  ACT_RELU,
  erf as refErf,
  Rng,
  RULE_OJA,
  RULE_SANGER,
  RULE_TRUNCATED,
  RULE_VANILLA,
  sampleEigen,
  sampleSpiked,
  sgdSteps,
  testError,
} from "./reference.ts";

// --- helpers ---------------------------------------------------------------

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
/** Rule names by kernel code (the registry's). */
const RULE_NAMES: Record<number, string> = Object.fromEntries(
  Object.values(RULES).map((r) => [r.kernelCode, r.name]),
);
/** Kernel codes of the Hebbian rules (linear, no decoder). */
const HEBBIAN = Object.values(RULES).filter((r) => !r.decoder).map((r) => r.kernelCode);

Deno.test("the reference's rule codes are the registry's, and every rule has a reference", () => {
  assert.deepEqual(RULE_NAMES, {
    [RULE_VANILLA]: "vanilla",
    [RULE_TRUNCATED]: "truncated",
    [RULE_SANGER]: "sanger",
    [RULE_OJA]: "oja",
  });
});

Deno.test("sgdSteps / sgdStepsC: wasm equals the reference to 1e-12 for every rule, activation, tied, bias, output bias, width", async () => {
  // k <= 4: one register block over all positions; k = 5, 9, 17: several
  // blocks, positions in tiles (of 224 and 120 at d = 301, 130), and a tail of d mod 4.
  const kern = await createKernels();
  const eta = 0.5;
  const sizes = [[37, 3, 1000], [64, 3, 1000], [37, 5, 1000], [301, 9, 300], [130, 17, 300]];
  for (const [d, k, steps] of sizes) {
    const rng = new Rng(1000 + d);
    const u = spikeDirections(rng, 3, d);
    const coef = [3, 2, 1.5].map((s) => s / Math.sqrt(1 + 3 * 3 + 2 * 2 + 1.5 * 1.5));
    const xs = wasmSpiked(kern, 77 + d, u, coef, 1 / Math.sqrt(1 + 9 + 4 + 2.25), d, steps);
    // inputs with a mean, for the output bias to learn
    const mean = normals(rng, d, 0.5);
    for (let j = 0; j < steps; j++) for (let i = 0; i < d; i++) xs[j * d + i] += mean[i];
    const w0 = normals(rng, k * d, 0.5);
    const v0 = normals(rng, k * d, 0.5);
    const b0 = normals(rng, k, 0.5);
    const c0 = normals(rng, d, 0.3);
    const combos: [number, number, boolean, boolean, boolean][] = [];
    for (const rule of [RULE_VANILLA, RULE_TRUNCATED]) {
      for (const act of ACTS.map((a) => a.kernelCode)) {
        for (const tied of [false, true]) {
          for (const bias of [false, true]) {
            for (const out of [false, true]) combos.push([rule, act, tied, bias, out]);
          }
        }
      }
    }
    for (const rule of HEBBIAN) combos.push([rule, ACT_LINEAR, false, false, false]);
    const mark = kern.mark();
    const xp = kern.put(xs);
    const work = kern.f64(kern.x.sgdWorkSize(d, k));
    const split = Math.round(0.4 * steps);
    for (const [rule, act, tied, bias, out] of combos) {
      const label =
        `D=${d} K=${k} ${RULE_NAMES[rule]} ${ACT_NAMES[act]} tied=${tied} bias=${bias} ` +
        `outputBias=${out}`;
      const w = w0.slice();
      const v = tied ? w0.slice() : v0.slice();
      const b = bias ? b0.slice() : new Float64Array(k);
      const c = out ? c0.slice() : null;
      const wp = kern.put(w);
      const vp = kern.put(v);
      const bp = kern.put(b);
      const cp = c ? kern.put(c) : 0;
      // Two calls, to check that state carries over between blocks of samples.
      const t = tied ? 1 : 0, bi = bias ? 1 : 0;
      for (const [j0, n] of [[0, split], [split, steps - split]]) {
        const x0 = xp + 8 * j0 * d;
        if (c) kern.x.sgdStepsC(wp, vp, bp, cp, x0, n, d, k, eta, act, rule, t, bi, work);
        else kern.x.sgdSteps(wp, vp, bp, x0, n, d, k, eta, act, rule, t, bi, work);
      }
      sgdSteps(w, v, b, c, xs, steps, d, k, eta, act, rule, tied, bias);
      const ww = kern.read(wp, k * d);
      const wv = kern.read(vp, k * d);
      const wb = kern.read(bp, k);
      assert.ok(allFinite(w) && allFinite(v) && allFinite(b), `${label}: reference not finite`);
      assert.ok(relDiff(w, w0) > 1e-3, `${label}: the weights did not move`);
      const dw = relDiff(ww, w);
      assert.ok(dw <= 1e-12, `${label}: W differs by ${dw}`);
      if (!tied && !HEBBIAN.includes(rule)) {
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
      if (c) {
        const dc = relDiff(kern.read(cp, d), c);
        assert.ok(dc <= 1e-12, `${label}: c differs by ${dc}`);
        assert.ok(relDiff(c, c0) > 1e-3, `${label}: the output bias did not move`);
      }
    }
    kern.release(mark);
  }
});

Deno.test("the output bias learns the mean of the inputs: linear SGD with c on shifted data", async () => {
  // x = m + 2 z e_0 + 0.3 xi with m . e_0 = 0: one linear unit with an output
  // bias learns the direction e_0 and c -> m (vanilla and truncated, untied and tied).
  const kern = await createKernels();
  const d = 40, k = 1, steps = 40_000, eta = 0.5;
  const rng = new Rng(12);
  const m = normals(rng, d, 1);
  m[0] = 0;
  const xs = normals(rng, steps * d, 0.3);
  for (let j = 0; j < steps; j++) {
    for (let i = 0; i < d; i++) xs[j * d + i] += m[i];
    xs[j * d] += 2 * rng.normal();
  }
  for (const rule of [RULE_VANILLA, RULE_TRUNCATED]) {
    for (const tied of [0, 1]) {
      const mark = kern.mark();
      const wp = kern.put(normals(rng, k * d, 0.1));
      const vp = tied ? wp : kern.put(normals(rng, k * d, 0.1));
      const bp = kern.f64(k);
      const cp = kern.f64(d);
      const work = kern.f64(kern.x.sgdWorkSize(d, k));
      const xp = kern.put(xs);
      kern.x.sgdStepsC(wp, vp, bp, cp, xp, steps, d, k, eta, ACT_LINEAR, rule, tied, 0, work);
      const c = kern.read(cp, d);
      let err = 0, norm = 0;
      for (let i = 0; i < d; i++) {
        err += (c[i] - m[i]) ** 2;
        norm += m[i] ** 2;
      }
      const label = `${RULE_NAMES[rule]} tied=${tied}`;
      assert.ok(Math.sqrt(err / norm) < 0.1, `${label}: |c - m| / |m| = ${Math.sqrt(err / norm)}`);
      kern.release(mark);
    }
  }
});

// --- (c) samplers ----------------------------------------------------------------

Deno.test("samplers: wasm equals the reference bit for bit (spiked, eigen with and without bulk)", async () => {
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
  assert.deepEqual(wx, rx, "spiked");
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
    assert.deepEqual(we, re, `eigen r=${r}`);
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

/** A sampler descriptor of every kind, in kernel memory, and its inputs. */
function samplers(kern: Kernels, d: number): { name: string; desc: number }[] {
  const rng = new Rng(31);
  const out: { name: string; desc: number }[] = [];
  const desc = () => kern.alloc(kern.x.SAMPLER_BYTES.value);
  for (const r of [0, 1, 3, 5]) {
    const s = desc();
    const coef = Array.from({ length: r }, (_, m) => 2 / (m + 1));
    kern.x.samplerSpiked(
      s,
      kern.put(spikeDirections(rng, Math.max(r, 1), d)),
      kern.put(coef),
      r,
      0.7,
      d,
      kern.f64(Math.max(r, 1)),
    );
    out.push({ name: `spiked r=${r}`, desc: s });
  }
  for (const [r, bulk, block] of [[3, 0.4, false], [d, 0, false], [d, 0, true]] as const) {
    const s = desc();
    const sqrtRho = Array.from({ length: r }, (_, m) => Math.sqrt(4 / (m + 1)));
    const e = kern.put(orthonormalRows(rng, r, d));
    const b = block ? kern.f64(32 * d) : 0;
    kern.x.samplerEigen(s, e, kern.put(sqrtRho), r, Math.sqrt(bulk), d, kern.f64(32 * r), b);
    out.push({ name: `eigen r=${r} bulk=${bulk}${block ? " (blocks of 32)" : ""}`, desc: s });
  }
  const nData = 50;
  const bytes = new Uint8Array(nData * d).map((_, i) => (i * 37) % 251);
  const rows = kern.alloc(bytes.length);
  new Uint8Array(kern.x.memory.buffer, rows, bytes.length).set(bytes);
  const s8 = desc();
  kern.x.samplerRows(s8, rows, 1, nData, d, 100, 0.01, kern.put(normals(rng, d, 0.1)));
  out.push({ name: "rows u8", desc: s8 });
  const f32 = new Float32Array(nData * d).map((_, i) => Math.sin(i));
  const rowsF = kern.alloc(f32.byteLength);
  new Float32Array(kern.x.memory.buffer, rowsF, f32.length).set(f32);
  const sf = desc();
  kern.x.samplerRows(sf, rowsF, 0, nData, d, 0.1, 2, 0);
  out.push({ name: "rows f32", desc: sf });
  return out;
}

Deno.test("sampleFrom draws what the sampler kernels draw", async () => {
  const kern = await createKernels();
  assert.equal(kern.x.SAMPLER_BYTES.value, SAMPLER_BYTES, "SAMPLER_BYTES in src/kernels/wasm.ts");
  const d = 37, n = 70;
  const st = kern.alloc(RNG_BYTES);
  const a = kern.f64(n * d), b = kern.f64(n * d);
  for (const { name, desc } of samplers(kern, d)) {
    const dv = new DataView(kern.x.memory.buffer, desc, 48);
    const kind = dv.getInt32(0, true), r = dv.getInt32(4, true);
    const p0 = dv.getUint32(16, true), p1 = dv.getUint32(20, true), z = dv.getUint32(24, true);
    const f0 = dv.getFloat64(32, true);
    kern.x.rngSeed(st, 3);
    kern.x.sampleFrom(desc, st, a, n);
    kern.x.rngSeed(st, 3);
    if (kind === 1) kern.x.sampleSpiked(st, p0, p1, r, f0, d, b, n, z);
    else if (kind === 2) kern.x.sampleEigen(st, p0, p1, r, f0, d, b, n, z);
    else if (kind === 3) kern.x.sampleEigenFull(st, p0, p1, r, d, b, n, z);
    else {
      kern.x.sampleRowsCompact(
        st,
        p0,
        dv.getInt32(12, true),
        r,
        d,
        f0,
        dv.getFloat64(40, true),
        p1,
        b,
        n,
      );
    }
    assert.deepEqual(kern.read(a, n * d), kern.read(b, n * d), name);
  }
});

Deno.test("sgdTrain: the samples of sampleFrom and the steps of sgdStepsC, bit for bit, however split", async () => {
  const kern = await createKernels();
  const eta = 0.7;
  for (const [d, k] of [[37, 3], [130, 9]]) {
    const rng = new Rng(40 + d);
    const w0 = normals(rng, k * d, 0.3), v0 = normals(rng, k * d, 0.3), b0 = normals(rng, k, 0.3);
    const c0 = normals(rng, d, 0.2);
    const n = 90; // 32 + 32 + 26: blocks of the full-spectrum sampler, across calls
    const mark = kern.mark();
    const work = kern.f64(kern.x.sgdWorkSize(d, k));
    const xs = kern.f64(n * d);
    const st = kern.alloc(RNG_BYTES);
    const combos: [number, boolean, boolean][] = [];
    for (const rule of [RULE_VANILLA, RULE_TRUNCATED]) {
      for (const tied of [false, true]) {
        for (const out of [false, true]) combos.push([rule, tied, out]);
      }
    }
    for (const rule of HEBBIAN) combos.push([rule, false, false]);
    for (const { name, desc } of samplers(kern, d)) {
      for (const [rule, tied, out] of combos) {
        const act = HEBBIAN.includes(rule) ? ACT_LINEAR : ACTIVATIONS.erf.kernelCode;
        const label = `D=${d} K=${k} ${name} ${RULE_NAMES[rule]} tied=${tied} outputBias=${out}`;
        const run = (train: boolean) => {
          const w = kern.put(w0), v = tied ? w : kern.put(v0), b = kern.put(b0);
          const c = out ? kern.put(c0) : 0;
          const t = tied ? 1 : 0;
          kern.x.rngSeed(st, 11);
          if (train) {
            for (const m of [1, 6, n - 7]) {
              kern.x.sgdTrain(desc, st, w, v, b, c, m, d, k, eta, act, rule, t, 1, work);
            }
          } else {
            kern.x.sampleFrom(desc, st, xs, n);
            kern.x.sgdStepsC(w, v, b, c, xs, n, d, k, eta, act, rule, t, 1, work);
          }
          return [
            kern.read(w, k * d),
            kern.read(v, k * d),
            kern.read(b, k),
            c ? kern.read(c, d) : [],
            kern.x.rngUniform(st),
          ];
        };
        const [a, b] = [run(true), run(false)];
        assert.deepEqual(a, b, label);
        assert.ok(relDiff(a[0] as Float64Array, w0) > 1e-4, `${label}: the weights did not move`);
      }
    }
    kern.release(mark);
  }
});

// --- (d) test error -------------------------------------------------------------

Deno.test("testError: wasm equals the reference and the direct mean of |x - xhat|^2/(2D), with and without c", async () => {
  const kern = await createKernels();
  const d = 37;
  const k = 3;
  const n = 500;
  const rng = new Rng(13);
  const xs = normals(rng, n * d);
  const w = normals(rng, k * d);
  const v = normals(rng, k * d);
  const b = normals(rng, k);
  const c = normals(rng, d, 0.7);
  const cases: [number, number, boolean, boolean][] = [
    ...ACTS.flatMap((a) =>
      [[a.kernelCode, 1, false, false], [a.kernelCode, 1, true, false], [
        a.kernelCode,
        1,
        true,
        true,
      ], [a.kernelCode, 1, false, true]] as [number, number, boolean, boolean][]
    ),
    [ACT_RELU, 0.7, false, false],
    [ACT_RELU, 0.7, true, true],
    [ACT_LINEAR, 1 / Math.sqrt(d), false, false], // Sanger: v = w, vscale = 1/sqrt(d)
  ];
  const mark = kern.mark();
  const xp = kern.put(xs);
  const wp = kern.put(w);
  const vp = kern.put(v);
  const bp = kern.put(b);
  const cp = kern.put(c);
  const work = kern.f64(kern.x.testErrorWorkSize(k));
  for (const [act, vscale, bias, out] of cases) {
    const dec = vscale < 0.5 ? w : v;
    const got = kern.x.testError(
      wp,
      dec === w ? wp : vp,
      vscale,
      bp,
      bias ? 1 : 0,
      out ? cp : 0,
      xp,
      n,
      d,
      k,
      act,
      work,
    );
    const ref = testError(w, dec, vscale, b, bias, out ? c : null, xs, n, d, k, act);
    const label = `${ACT_NAMES[act]} vscale=${vscale} bias=${bias} outputBias=${out}`;
    assert.ok(Math.abs(got - ref) <= 1e-12 * Math.abs(ref), `${label}: ${got} vs ${ref}`);
    // direct: xhat = sum_u vscale v_u g((w_u . x + b_u)/sqrt(d)) + c
    let total = 0;
    const xhat = new Float64Array(d);
    for (let s = 0; s < n; s++) {
      if (out) xhat.set(c);
      else xhat.fill(0);
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
