// The random streams of assembly/rng.ts: SplitMix64 outputs and ziggurat
// normals, against the plain-TypeScript reference (bit for bit), the
// ziggurat's tables against their definition, and the normals' distribution
// at fixed seeds against the exact one (moments, tail frequencies,
// Kolmogorov–Smirnov).
import assert from "node:assert/strict";
import { createKernels, type Kernels, RNG_BYTES } from "../../src/kernels/wasm.ts";
import {
  erf,
  mulHiU32,
  Rng,
  ZIG_LAYERS,
  ZIG_R,
  zigExp,
  zigLog,
  zigTables,
  zigTailArea,
  zigTopExcess,
} from "./reference.ts";

const SEEDS = [0, 1, 42, 2 ** 32 - 1, 2 ** 32, 0x123456789abc, 2 ** 53 - 1];

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

/** The 64-bit state of the wasm generator at st, as a BigInt. */
function wasmState(kern: Kernels, st: number): bigint {
  const u32 = new Uint32Array(kern.x.memory.buffer, st, 2);
  return (BigInt(u32[1]) << 32n) | BigInt(u32[0]);
}

/** n normals of seed `seed` from the kernel. */
async function wasmNormals(seed: number, n: number): Promise<Float64Array> {
  const kern = await createKernels();
  const st = kern.alloc(RNG_BYTES);
  const out = kern.f64(n);
  kern.x.rngSeed(st, seed);
  kern.x.rngFillNormal(st, out, n);
  return kern.read(out, n);
}

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

Deno.test("the ziggurat's exp and log: the kernel's bits in TypeScript, within 2 ulp of Math's", async () => {
  const kern = await createKernels();
  const rng = new Rng(3);
  let worstExp = 0;
  let worstLog = 0;
  for (let i = 0; i < 20000; i++) {
    const t = i < 10000 ? -7 * rng.uniform() : -700 * rng.uniform();
    const e = kern.x.zigExp(t);
    assert.ok(Object.is(e, zigExp(t)), `exp(${t})`);
    worstExp = Math.max(worstExp, Math.abs(e / Math.exp(t) - 1));
    const u = 1 - rng.uniform(); // (0, 1]
    const l = kern.x.zigLog(u);
    assert.ok(Object.is(l, zigLog(u)), `log(${u})`);
    if (u !== 1) worstLog = Math.max(worstLog, Math.abs(l / Math.log(u) - 1));
  }
  for (const u of [1, 2 ** -53, 0.5, 0.7071067811865476, 0.7071067811865475, 1 - 2 ** -53]) {
    assert.ok(Object.is(kern.x.zigLog(u), zigLog(u)), `log(${u})`);
    assert.ok(Math.abs(zigLog(u) - Math.log(u)) <= 4.5e-16 * Math.abs(Math.log(u)), `log(${u})`);
  }
  assert.equal(zigLog(1), 0);
  assert.equal(zigExp(0), 1);
  assert.ok(worstExp <= 4.5e-16, `exp: ${worstExp}`);
  assert.ok(worstLog <= 4.5e-16, `log: ${worstLog}`);
});

Deno.test("ziggurat tables: r is the bisection root, the layers have equal areas, the kernel's bits", async () => {
  // r: bisection of the top-layer condition from [3, 4] until the bracket stops shrinking
  let lo = 3;
  let hi = 4;
  for (;;) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (zigTopExcess(mid) > 0) lo = mid;
    else hi = mid;
  }
  const root = Math.abs(zigTopExcess(lo)) < Math.abs(zigTopExcess(hi)) ? lo : hi;
  assert.equal(root, ZIG_R);
  assert.equal(ZIG_R, 3.6541528853610088); // Marsaglia & Tsang's value for 256 layers
  const kern = await createKernels();
  const { X, F, v } = zigTables();
  for (let i = 0; i <= ZIG_LAYERS; i++) {
    assert.ok(Object.is(kern.x.zigX(i), X[i]), `X_${i}: ${kern.x.zigX(i)} vs ${X[i]}`);
    if (i > 0) assert.ok(Object.is(kern.x.zigF(i), F[i]), `F_${i}`);
  }
  // independently of the tables' own exp and log: areas with Math.exp, the tail with erf
  const f = (x: number) => Math.exp(-0.5 * x * x);
  const tail = Math.sqrt(Math.PI / 2) * (1 - erf(ZIG_R / Math.SQRT2));
  assert.ok(Math.abs(zigTailArea(ZIG_R) / tail - 1) < 1e-11, "tail area");
  assert.ok(Math.abs(X[0] * f(ZIG_R) / v - 1) < 1e-14, "base layer");
  assert.ok(Math.abs((ZIG_R * f(ZIG_R) + tail) / v - 1) < 1e-13, "v");
  assert.equal(X[1], ZIG_R);
  for (let i = 1; i < ZIG_LAYERS; i++) {
    assert.ok(X[i] > X[i + 1], `X decreasing at ${i}`);
    const top = i + 1 < ZIG_LAYERS ? f(X[i + 1]) : 1;
    const area = X[i] * (top - f(X[i]));
    assert.ok(Math.abs(area / v - 1) < 1e-11, `layer ${i}: area ${area} vs ${v}`);
  }
  assert.equal(X[ZIG_LAYERS], 0);
  assert.equal(F[ZIG_LAYERS], 1);
  // the top layer closes at f(0) = 1 to rounding
  assert.ok(Math.abs(zigTopExcess(ZIG_R)) < 1e-14);
});

Deno.test("wasm and reference streams: identical uniforms and normals, however the calls are split", async () => {
  const kern = await createKernels();
  const st = kern.alloc(RNG_BYTES);
  const n = 100_003;
  const buf = kern.f64(n);
  for (const seed of SEEDS) {
    kern.x.rngSeed(st, seed);
    const ref = new Rng(seed);
    kern.x.rngFillUniform(st, buf, 2001);
    const wu = kern.read(buf, 2001);
    for (let i = 0; i < 2001; i++) {
      if (!Object.is(wu[i], ref.uniform())) assert.fail(`seed ${seed}: uniform ${i} differs`);
    }
    assert.equal(wasmState(kern, st), ref.state);
    assert.equal(kern.x.rngUniform(st), ref.uniform());
    // one long call, then calls of 1, 2, 3, 5, 7, ... and single draws
    kern.x.rngFillNormal(st, buf, n);
    const wn = kern.read(buf, n);
    for (let i = 0; i < n; i++) {
      if (!Object.is(wn[i], ref.normal())) assert.fail(`seed ${seed}: normal ${i} differs`);
    }
    assert.equal(wasmState(kern, st), ref.state);
    let off = 0;
    for (const m of [1, 2, 3, 4, 5, 7, 8, 13, 64, 1000]) {
      kern.x.rngFillNormal(st, buf + 8 * off, m);
      off += m;
    }
    const split = kern.read(buf, off);
    for (let i = 0; i < off; i++) {
      if (!Object.is(split[i], ref.normal())) {
        assert.fail(`seed ${seed}: split normal ${i} differs`);
      }
    }
    for (let i = 0; i < 1000; i++) assert.ok(Object.is(kern.x.rngNormal(st), ref.normal()));
    assert.equal(wasmState(kern, st), ref.state);
  }
});

/** Standard normal CDF. */
function phi(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

Deno.test("normal deviates: moments and tail frequencies within 4 standard errors of the exact ones", async () => {
  // For n i.i.d. N(0,1) draws: the mean has standard error sqrt(1/n), the
  // second raw moment sqrt(2/n); the sample skewness sqrt(6/n) and the excess
  // kurtosis sqrt(24/n) (asymptotically); a frequency p has sqrt(p (1-p)/n).
  // Exact tails P(|Z| > a) = erfc(a / sqrt 2): 3, 4, 4.5 and r (where the
  // ziggurat's tail algorithm takes over), and the sign balance beyond r.
  const n = 4_000_000;
  const tails: [number, number][] = [
    [3, 2.6997960632601913e-3],
    [4, 6.334248366623993e-5],
    [4.5, 6.795346249460123e-6],
    [ZIG_R, 2.580324876539013e-4],
  ];
  for (const seed of [3, 2024]) {
    const x = await wasmNormals(seed, n);
    let m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    const counts = tails.map(() => 0);
    let beyondR = 0;
    let beyondRPositive = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const v2 = v * v;
      m1 += v;
      m2 += v2;
      m3 += v2 * v;
      m4 += v2 * v2;
      const a = Math.abs(v);
      for (let j = 0; j < tails.length; j++) if (a > tails[j][0]) counts[j]++;
      if (a > ZIG_R) {
        beyondR++;
        if (v > 0) beyondRPositive++;
      }
    }
    m1 /= n;
    m2 /= n;
    m3 /= n;
    m4 /= n;
    const c2 = m2 - m1 * m1;
    const c3 = m3 - 3 * m1 * m2 + 2 * m1 ** 3;
    const c4 = m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 ** 4;
    const skew = c3 / c2 ** 1.5;
    const kurt = c4 / (c2 * c2) - 3;
    const within = (what: string, got: number, want: number, se: number) =>
      assert.ok(
        Math.abs(got - want) <= 4 * se,
        `seed ${seed}: ${what} ${got} vs ${want} (${((got - want) / se).toFixed(2)} se)`,
      );
    within("mean", m1, 0, Math.sqrt(1 / n));
    within("variance", m2, 1, Math.sqrt(2 / n));
    within("skewness", skew, 0, Math.sqrt(6 / n));
    within("excess kurtosis", kurt, 0, Math.sqrt(24 / n));
    tails.forEach(([a, p], j) =>
      within(`P(|x| > ${a})`, counts[j] / n, p, Math.sqrt(p * (1 - p) / n))
    );
    within("sign beyond r", beyondRPositive / beyondR, 0.5, Math.sqrt(0.25 / beyondR));
  }
});

Deno.test("normal deviates: Kolmogorov–Smirnov statistic below its critical value at 1e-3", async () => {
  // D = sup |F_n - Phi|; P(sqrt(n) D > c) ~ 2 exp(-2 c^2), so the critical
  // value at level alpha = 1e-3 is sqrt(ln(2 / alpha) / 2) / sqrt(n) (= 1.95 / sqrt n).
  // Also on the draws beyond r alone (the tail algorithm), against the
  // exact conditional law P(|Z| <= a | |Z| > r).
  const alpha = 1e-3;
  const crit = (n: number) => Math.sqrt(Math.log(2 / alpha) / 2) / Math.sqrt(n);
  const qr = 1 - erf(ZIG_R / Math.SQRT2);
  for (const seed of [5, 77]) {
    const n = 1_000_000;
    const x = (await wasmNormals(seed, n)).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const p = phi(x[i]);
      d = Math.max(d, (i + 1) / n - p, p - i / n);
    }
    assert.ok(d < crit(n), `seed ${seed}: D = ${d} >= ${crit(n)}`);
    const far = (await wasmNormals(seed, 8_000_000)).map(Math.abs).filter((a) => a > ZIG_R).sort();
    const m = far.length;
    assert.ok(m > 1500, `${m} draws beyond r`);
    let dt = 0;
    for (let i = 0; i < m; i++) {
      const p = 1 - (1 - erf(far[i] / Math.SQRT2)) / qr;
      dt = Math.max(dt, (i + 1) / m - p, p - i / m);
    }
    assert.ok(dt < crit(m), `seed ${seed}, tail: D = ${dt} >= ${crit(m)}`);
  }
});
