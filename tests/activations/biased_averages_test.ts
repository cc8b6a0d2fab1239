/**
 * Tests of the biased averages (src/activations/, `biasedAveragesFor`): every average of every activation
 * against 2-d / 1-d Gauss quadrature (gaussianExpectation, split at the
 * kinks), against seeded Monte Carlo, against averagesFor at zero offsets,
 * derivative identities, degenerate covariances, the bivariate normal
 * orthant, and a (printed, not asserted) timing.
 *
 * Tolerances. Quadrature: 1e-9 absolute (relative for values above 1).
 * The reference itself is accurate to ~1e-12 or better for these
 * integrands (quadrature.ts: relu ~1e-13, erf split at its inflection ~1e-12
 * for variances <~ 12 with 48 Legendre nodes per piece; we use 64-96), and
 * the closed forms to ~1e-15, so 1e-9 leaves three orders of margin for the
 * reference while any wrong formula (a sign, a missing term) would be off by
 * 1e-3 or more. The measured maxima are printed. Zero offsets against
 * averagesFor: 1e-12 (measured ~2e-16). Monte Carlo: 5 standard errors of
 * the sample mean (N = 2e5, fixed seed), i.e. a false alarm probability of
 * ~6e-7 per check.
 */
import assert from "node:assert/strict";
import {
  type Activation,
  ACTIVATION_NAMES,
  ACTIVATIONS,
  averagesFor,
  type BiasedActivationAverages,
  biasedAveragesFor,
} from "../../src/activations/mod.ts";
import { bivariateNormalUpper } from "../../src/math/bivariate.ts";
import { erf } from "../../src/math/erf.ts";
import { gaussianExpectation } from "../../src/math/quadrature.ts";
import { ConfigError } from "../../src/core/errors.ts";

/** The activations with closed-form averages (the others' averages are quadrature). */
const CLOSED: Activation[] = ACTIVATION_NAMES.filter((n) => ACTIVATIONS[n].closedForm);
const PAIR_FNS = ["I2", "g1g1", "d2g", "g1g"] as const;
const ONE_FNS = ["j", "d1", "d3", "d2gPlusG1sq", "mean"] as const;
type PairFn = (typeof PAIR_FNS)[number];
type OneFn = (typeof ONE_FNS)[number];

/** Covariances (c11, c12, c22) of the test cases. */
const COVS: { name: string; c: [number, number, number] }[] = [
  { name: "generic, unequal variances", c: [1, 0.3, 2] },
  { name: "negative correlation", c: [0.5, -0.2, 0.8] },
  { name: "uncorrelated, var 0.3 vs 3", c: [0.3, 0, 3] },
  { name: "corr 0.99, var 1 vs 1.5", c: [1, 0.99 * Math.sqrt(1.5), 1.5] },
  { name: "corr -0.99, var 2 vs 0.7", c: [2, -0.99 * Math.sqrt(1.4), 0.7] },
  { name: "corr 0.9999, var 0.8 vs 1.2", c: [0.8, 0.9999 * Math.sqrt(0.96), 1.2] },
  { name: "large: corr 0.99, var 30 vs 40", c: [30, 0.99 * Math.sqrt(1200), 40] },
];
/** Offset pairs (m1, m2) from {0, +-0.3, +-1.5}. */
const OFFSETS: [number, number][] = [
  [0, 0],
  [0.3, -0.3],
  [-1.5, 0.3],
  [1.5, 1.5],
  [-0.3, -1.5],
  [0, 1.5],
  [1.5, -1.5],
];
const MS = [0, 0.3, -0.3, 1.5, -1.5];
const QS = [0.05, 0.3, 1, 2.5, 30];

// ---------------------------------------------------------------- helpers

interface Fns {
  g: (u: number) => number;
  g1: (u: number) => number;
  g2?: (u: number) => number;
  g3?: (u: number) => number;
}

/** g and its derivatives, from the registry. */
const FNS: Record<Activation, Fns> = ACTIVATIONS;

/** E[f(x1, x2)], zero-mean, split where x_i + m_i crosses 0. */
function quad2(
  f: (x1: number, x2: number) => number,
  c: readonly [number, number, number],
  m1: number,
  m2: number,
): number {
  const big = Math.max(c[0], c[2]) > 12;
  return gaussianExpectation((x) => f(x[0], x[1]), [0, 0], [[c[0], c[1]], [c[1], c[2]]], 48, {
    breaks: [[-m1], [-m2]],
    legendreNodes: big ? 96 : 64,
  });
}

/** E[f(x)], x ~ N(0, q), split where x + m crosses 0 (and at `more`). */
function quad1(f: (x: number) => number, q: number, m: number, more: number[] = []): number {
  return gaussianExpectation((x) => f(x[0]), [0], [[q]], 48, {
    breaks: [[-m, ...more]],
    legendreNodes: q > 12 ? 200 : 128,
  });
}

/**
 * Reference integrand(s) for a pair function: value = sum of E[f] terms
 * divided as needed. Returned as the integrand of one expectation plus a
 * post-processing step, so that quadrature and Monte Carlo share them.
 * relu's g'' = delta is removed by Stein's lemma,
 * E[x1 g'(u1) g(u2)] = c11 E[g''(u1) g(u2)] + c12 E[g'(u1) g'(u2)], i.e.
 * E[g'' g] = E[(x1 g'(u1) g(u2) - c12 g'(u1) g'(u2)) / c11].
 */
function pairIntegrand(
  act: Activation,
  fn: PairFn,
  c: readonly [number, number, number],
  m1: number,
  m2: number,
): (x1: number, x2: number) => number {
  const { g, g1, g2 } = FNS[act];
  switch (fn) {
    case "I2":
      return (x1, x2) => g(x1 + m1) * g(x2 + m2);
    case "g1g1":
      return (x1, x2) => g1(x1 + m1) * g1(x2 + m2);
    case "g1g":
      return (x1, x2) => g1(x1 + m1) * g(x2 + m2);
    case "d2g":
      if (g2) return (x1, x2) => g2(x1 + m1) * g(x2 + m2);
      return (x1, x2) => g1(x1 + m1) * (x1 * g(x2 + m2) - c[1] * g1(x2 + m2)) / c[0];
  }
}

/**
 * Reference integrand for a one-field function, x ~ N(0, q). relu by
 * Stein's lemma: E[g''(u)] = E[x g'(u)] / q, E[g'''(u)] = E[g'(u) (x^2/q - 1)] / q,
 * E[(g g')'(u)] = E[x g(u) g'(u)] / q.
 */
function oneIntegrand(act: Activation, fn: OneFn, q: number, m: number): (x: number) => number {
  const { g, g1, g2, g3 } = FNS[act];
  switch (fn) {
    case "j":
      return (x) => g1(x + m);
    case "mean":
      return (x) => g(x + m);
    case "d1":
      return g2 ? (x) => g2(x + m) : (x) => (x * g1(x + m)) / q;
    case "d3":
      return g3 ? (x) => g3(x + m) : (x) => (g1(x + m) * ((x * x) / q - 1)) / q;
    case "d2gPlusG1sq":
      if (g2) {
        return (x) => {
          const u = x + m;
          const d = g1(u);
          return g2(u) * g(u) + d * d;
        };
      }
      return (x) => (x * g(x + m) * g1(x + m)) / q;
  }
}

/** |a - b| scaled by max(1, |b|). */
function err(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

/** Seeded normal generator: splitmix64-style mixing on two 32-bit halves, Box–Muller. */
function makeNormal(seed: number): () => number {
  let s = seed >>> 0;
  const u32 = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad) >>> 0;
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97) >>> 0;
    return (z ^ (z >>> 15)) >>> 0;
  };
  // 53-bit uniform in (0, 1)
  const uniform = (): number => ((u32() >>> 5) * 67108864 + (u32() >>> 6) + 0.5) / 9007199254740992;
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = NaN;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const t = 2 * Math.PI * uniform();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

/** Sample mean and its standard error of f over paired samples. */
function mcMean(
  f: (x1: number, x2: number) => number,
  x1: Float64Array,
  x2: Float64Array,
): { mean: number; se: number } {
  const n = x1.length;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = f(x1[i], x2[i]);
    s += v;
    s2 += v * v;
  }
  const mean = s / n;
  const varS = Math.max(0, s2 / n - mean * mean);
  return { mean, se: Math.sqrt(varS / (n - 1)) };
}

const callPair = (
  A: BiasedActivationAverages,
  fn: PairFn,
  c: readonly [number, number, number],
  m1: number,
  m2: number,
): number => A[fn](c[0], c[1], c[2], m1, m2);

// ---------------------------------------------------------------- tests

Deno.test("biasedAveragesFor: zero offsets reproduce averagesFor", () => {
  const covs: [number, number, number][] = [
    ...COVS.map((c) => c.c),
    [1, 1, 1], // identical fields (I2_kk)
    [2, -2, 2], // anti-identical
    [0.8, 1.6, 3.2], // x2 = 2 x1
    [0, 0, 1.3],
    [1.3, 0, 0],
    [0, 0, 0],
    [1e-6, 3e-7, 2e-6],
    [12, -5, 9],
  ];
  let worst = 0;
  for (const act of ACTIVATION_NAMES) {
    const B = biasedAveragesFor(act);
    const A = averagesFor(act);
    for (const [a, b, c] of covs) {
      const pairs: [string, number, number][] = [
        ["I2", B.I2(a, b, c, 0, 0), A.I2(a, b, c)],
        ["g1g1", B.g1g1(a, b, c, 0, 0), A.g1g1(a, b, c)],
        ["j", B.j(a, 0), A.j(a)],
        ["d3", B.d3(a, 0), A.d3(a)],
        ["d2gPlusG1sq", B.d2gPlusG1sq(a, 0), A.d2gPlusG1sq(a)],
      ];
      // relu d2g at c11 = 0 < c22 is +Infinity in both
      const d2gB = B.d2g(a, b, c, 0, 0);
      const d2gA = A.d2g(a, b, c);
      if (d2gA === Infinity) assert.equal(d2gB, Infinity, `${act} d2g(${a},${b},${c})`);
      else pairs.push(["d2g", d2gB, d2gA]);
      for (const [name, got, want] of pairs) {
        const e = err(got, want);
        worst = Math.max(worst, e);
        assert.ok(e < 1e-12, `${act} ${name}(${a}, ${b}, ${c}): ${got} vs ${want}`);
      }
    }
  }
  console.log(`zero offsets vs averagesFor: max error ${worst.toExponential(2)}`);
});

Deno.test("biasedAveragesFor: pair averages against 2-d quadrature", () => {
  for (const act of CLOSED) {
    const B = biasedAveragesFor(act);
    const worst: Record<string, number> = {};
    for (const { name, c } of COVS) {
      for (const [m1, m2] of OFFSETS) {
        for (const fn of PAIR_FNS) {
          const got = callPair(B, fn, c, m1, m2);
          const want = quad2(pairIntegrand(act, fn, c, m1, m2), c, m1, m2);
          const e = err(got, want);
          worst[fn] = Math.max(worst[fn] ?? 0, e);
          assert.ok(
            Number.isFinite(got) && e < 1e-9,
            `${act} ${fn}, ${name}, m = (${m1}, ${m2}): ${got} vs quadrature ${want}`,
          );
        }
      }
    }
    console.log(
      `${act} vs 2-d quadrature, max error: ` +
        PAIR_FNS.map((f) => `${f} ${worst[f].toExponential(1)}`).join(", "),
    );
  }
});

Deno.test("biasedAveragesFor: one-field averages against 1-d quadrature", () => {
  for (const act of CLOSED) {
    const B = biasedAveragesFor(act);
    let worst = 0;
    for (const q of QS) {
      for (const m of MS) {
        for (const fn of ONE_FNS) {
          const got = B[fn](q, m);
          const want = quad1(oneIntegrand(act, fn, q, m), q, m);
          const e = err(got, want);
          worst = Math.max(worst, e);
          assert.ok(e < 1e-9, `${act} ${fn}(q = ${q}, m = ${m}): ${got} vs quadrature ${want}`);
        }
      }
    }
    console.log(`${act} vs 1-d quadrature, max error ${worst.toExponential(1)}`);
  }
});

Deno.test("biasedAveragesFor: Monte Carlo (N = 2e5, 5 standard errors)", () => {
  const N = 200_000;
  const normal = makeNormal(20240607);
  const cases: { c: [number, number, number]; m: [number, number] }[] = [
    { c: [1, 0.3, 2], m: [0.3, -1.5] },
    { c: [2, -0.99 * Math.sqrt(1.4), 0.7], m: [-0.3, 0.3] },
    { c: [0.5, 0.2, 0.4], m: [1.5, 0] },
  ];
  let worstZ = 0;
  for (const { c, m } of cases) {
    const [c11, c12, c22] = c;
    const s1 = Math.sqrt(c11);
    const beta = c12 / s1;
    const sc = Math.sqrt(Math.max(0, c22 - beta * beta));
    const x1 = new Float64Array(N);
    const x2 = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const z1 = normal();
      const z2 = normal();
      x1[i] = s1 * z1;
      x2[i] = beta * z1 + sc * z2;
    }
    for (const act of ACTIVATION_NAMES) {
      const B = biasedAveragesFor(act);
      const checks: [string, number, (a: number, b: number) => number][] = [];
      for (const fn of PAIR_FNS) {
        checks.push([fn, callPair(B, fn, c, m[0], m[1]), pairIntegrand(act, fn, c, m[0], m[1])]);
      }
      for (const fn of ONE_FNS) {
        const f1 = oneIntegrand(act, fn, c11, m[0]);
        checks.push([fn, B[fn](c11, m[0]), (a) => f1(a)]);
      }
      for (const [fn, value, f] of checks) {
        const { mean, se } = mcMean(f, x1, x2);
        const z = Math.abs(mean - value) / (se + 1e-300);
        if (se > 0) worstZ = Math.max(worstZ, z);
        assert.ok(
          Math.abs(mean - value) <= 5 * se + 1e-12,
          `${act} ${fn}, C = ${c}, m = ${m}: ${value} vs MC ${mean} +- ${se}`,
        );
      }
    }
  }
  console.log(`Monte Carlo: largest |deviation| / standard error ${worstZ.toFixed(2)}`);
});

Deno.test("biasedAveragesFor: offset derivatives (central differences)", () => {
  // d/dm1 E[g'(u1) g(u2)] = E[g''(u1) g(u2)], d/dm1 E[g(u1) g(u2)] = E[g'(u1) g(u2)],
  // d mean/dm = j, dj/dm = d1, dd1/dm = d3, and (g g')' averaged.
  const h = 1e-5;
  for (const act of ACTIVATION_NAMES) {
    const B = biasedAveragesFor(act);
    for (const { c } of COVS.slice(0, 5)) {
      const [a, b, d] = c;
      for (const [m1, m2] of OFFSETS) {
        const dI2 = (B.I2(a, b, d, m1 + h, m2) - B.I2(a, b, d, m1 - h, m2)) / (2 * h);
        assert.ok(Math.abs(dI2 - B.g1g(a, b, d, m1, m2)) < 1e-8, `${act} dI2/dm1 at ${c}`);
        const dI2b = (B.I2(d, b, a, m2 + h, m1) - B.I2(d, b, a, m2 - h, m1)) / (2 * h);
        assert.ok(Math.abs(dI2b - B.g1g(d, b, a, m2, m1)) < 1e-8, `${act} dI2/dm2 at ${c}`);
        const dg1g = (B.g1g(a, b, d, m1 + h, m2) - B.g1g(a, b, d, m1 - h, m2)) / (2 * h);
        assert.ok(Math.abs(dg1g - B.d2g(a, b, d, m1, m2)) < 1e-8, `${act} dg1g/dm1 at ${c}`);
        const dg1g2 = (B.g1g(a, b, d, m1, m2 + h) - B.g1g(a, b, d, m1, m2 - h)) / (2 * h);
        assert.ok(Math.abs(dg1g2 - B.g1g1(a, b, d, m1, m2)) < 1e-8, `${act} dg1g/dm2 at ${c}`);
      }
    }
    for (const q of QS) {
      for (const m of MS) {
        const dd = (f: (q: number, m: number) => number): number =>
          (f(q, m + h) - f(q, m - h)) / (2 * h);
        assert.ok(Math.abs(dd(B.mean) - B.j(q, m)) < 1e-8, `${act} dmean/dm`);
        assert.ok(Math.abs(dd(B.j) - B.d1(q, m)) < 1e-8, `${act} dj/dm`);
        assert.ok(Math.abs(dd(B.d1) - B.d3(q, m)) < 1e-7, `${act} dd1/dm`);
        // I2 on identical fields = E[g(u)^2]; its m-derivative is 2 E[g g'], whose
        // m-derivative is 2 E[(g g')'] = 2 d2gPlusG1sq.
        const gg1 = (mm: number): number => {
          const e2 = (m3: number): number => B.I2(q, q, q, m3, m3);
          return (e2(mm + h) - e2(mm - h)) / (4 * h);
        };
        const dgg1 = (gg1(m + 1e-3) - gg1(m - 1e-3)) / 2e-3;
        assert.ok(
          Math.abs(dgg1 - B.d2gPlusG1sq(q, m)) < 2e-5 * Math.max(1, Math.abs(dgg1)),
          `${act} d2gPlusG1sq(${q}, ${m}) = ${B.d2gPlusG1sq(q, m)} vs ${dgg1}`,
        );
      }
    }
  }
});

Deno.test("biasedAveragesFor: degenerate covariances give finite limits", () => {
  const relu = biasedAveragesFor("relu");
  const erfA = biasedAveragesFor("erf");
  const R = (m: number, q: number): number => relu.mean(q, m);
  for (const m1 of MS) {
    for (const m2 of MS) {
      // identical fields: I2 = E[g(u)^2], g1g1 = E[g'(u)^2], g1g = E[g' g]
      for (const q of [0.4, 2]) {
        const ref = quad1((x) => Math.max(0, x + m1) ** 2, q, m1);
        assert.ok(Math.abs(relu.I2(q, q, q, m1, m1) - ref) < 1e-12, `relu I2 identical ${q} ${m1}`);
        assert.ok(Math.abs(relu.g1g1(q, q, q, m1, m1) - relu.j(q, m1)) < 1e-14);
        assert.ok(Math.abs(relu.g1g(q, q, q, m1, m1) - R(m1, q)) < 1e-14);
        assert.equal(relu.d2g(q, q, q, m1, m1), 0);
        // x2 = -x1 / 2 (anti-collinear), det = 0 exactly: compare with 1-d quadrature
        const c12 = -q / 2;
        const c22 = q / 4;
        const f2 = (x: number): number => Math.max(0, x + m1) * Math.max(0, -x / 2 + m2);
        const i2 = quad1(f2, q, m1, [2 * m2]);
        assert.ok(Math.abs(relu.I2(q, c12, c22, m1, m2) - i2) < 1e-12, `relu I2 x2 = -x1/2`);
        const f3 = (x: number): number => (x + m1 > 0 ? 1 : 0) * Math.max(0, -x / 2 + m2);
        const g1g = quad1(f3, q, m1, [2 * m2]);
        assert.ok(Math.abs(relu.g1g(q, c12, c22, m1, m2) - g1g) < 1e-12, `relu g1g x2 = -x1/2`);
        const f4 = (x: number): number => (x + m1 > 0 && -x / 2 + m2 > 0 ? 1 : 0);
        const g1g1 = quad1(f4, q, m1, [2 * m2]);
        assert.ok(Math.abs(relu.g1g1(q, c12, c22, m1, m2) - g1g1) < 1e-12, `relu g1g1 x2 = -x1/2`);
        // nearly collinear: continuous in the correlation (1 - r ~ 1e-12 -> change O(1e-6 s))
        const c12n = c12 * (1 - 1e-12);
        for (const fn of PAIR_FNS) {
          const a = relu[fn](q, c12, c22, m1, m2);
          const b = relu[fn](q, c12n, c22, m1, m2);
          assert.ok(Number.isFinite(a) && Number.isFinite(b), `relu ${fn} collinear finite`);
          // d2g: the density p_1 R(mu, s) moves by O(s) = O(1e-6)
          assert.ok(Math.abs(a - b) < 1e-5, `relu ${fn} continuity: ${a} vs ${b}`);
        }
      }
      // zero variances: constants
      const r1 = Math.max(0, m1);
      const r2 = Math.max(0, m2);
      const H = (u: number): number => (u > 0 ? 1 : u < 0 ? 0 : 0.5);
      assert.equal(relu.I2(0, 0, 0, m1, m2), r1 * r2);
      assert.equal(relu.g1g1(0, 0, 0, m1, m2), H(m1) * H(m2));
      assert.equal(relu.g1g(0, 0, 0, m1, m2), H(m1) * r2);
      assert.ok(Math.abs(relu.I2(0, 0, 1.7, m1, m2) - r1 * R(m2, 1.7)) < 1e-15);
      assert.ok(Math.abs(relu.I2(1.7, 0, 0, m1, m2) - R(m1, 1.7) * r2) < 1e-15);
      assert.ok(Math.abs(relu.g1g(1.7, 0, 0, m1, m2) - relu.j(1.7, m1) * r2) < 1e-15);
      assert.ok(Math.abs(relu.d2g(1.7, 0, 0, m1, m2) - relu.d1(1.7, m1) * r2) < 1e-15);
      assert.equal(relu.d2g(0, 0, 1.7, m1, m2), m1 === 0 ? Infinity : 0);
      // continuity towards a zero variance (c11 -> 0) for the bounded averages
      for (const fn of ["I2", "g1g1", "g1g"] as const) {
        if (m1 === 0 && fn !== "I2") continue; // H(0) = 1/2 is a convention, not a limit
        const a = relu[fn](0, 0, 1.7, m1, m2);
        const b = relu[fn](1e-14, 1e-8, 1.7, m1, m2);
        assert.ok(Math.abs(a - b) < 1e-6, `relu ${fn} c11 -> 0: ${a} vs ${b}`);
      }
      // erf at zero variance: products of erf of the offsets
      const e = erfA.I2(0, 0, 0, m1, m2);
      assert.ok(Math.abs(e - erf(m1 * Math.SQRT1_2) * erf(m2 * Math.SQRT1_2)) < 1e-15);
      // |correlation| rounded above 1, tiny variances: finite everywhere
      for (const act of CLOSED) {
        const B = biasedAveragesFor(act);
        for (
          const c of [
            [1, 1 + 1e-16, 1],
            [1, -(1 + 1e-16), 1],
            [1e-300, 1e-300, 1e-300],
            [4, 2, 1],
            [1e-20, 0, 1],
          ]
        ) {
          for (const fn of PAIR_FNS) {
            const v = B[fn](c[0], c[1], c[2], m1, m2);
            assert.ok(!Number.isNaN(v), `${act} ${fn}(${c}, ${m1}, ${m2}) is NaN`);
            if (!(act === "relu" && fn === "d2g")) assert.ok(Number.isFinite(v));
          }
        }
        for (const fn of ONE_FNS) {
          for (const q of [0, 1e-300, 1e-12]) {
            const v = B[fn](q, m1);
            assert.ok(!Number.isNaN(v), `${act} ${fn}(${q}, ${m1}) is NaN`);
          }
        }
      }
    }
  }
  // zero-variance one-field relu values
  assert.equal(relu.j(0, 0.2), 1);
  assert.equal(relu.j(0, 0), 0.5);
  assert.equal(relu.d1(0, 0), Infinity);
  assert.equal(relu.d1(0, -0.2), 0);
  assert.equal(relu.d3(0, 0.3), 0);
  assert.equal(relu.mean(0, 0.7), 0.7);
});

Deno.test("biasedAveragesFor: random stress (no NaN, probabilities in [0, 1], |erf I2| <= 1)", () => {
  let seed = 987654321;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const relu = biasedAveragesFor("relu");
  const erfA = biasedAveragesFor("erf");
  for (let it = 0; it < 20_000; it++) {
    const scale = Math.exp(rnd() * 20 - 10); // variances 1e-5 .. 1e4
    const c11 = rnd() < 0.05 ? 0 : scale * rnd();
    const c22 = rnd() < 0.05 ? 0 : scale * rnd() * 3;
    const rho = rnd() < 0.2 ? (rnd() < 0.5 ? 1 : -1) * (1 - Math.exp(-rnd() * 40)) : 2 * rnd() - 1;
    const c12 = rho * Math.sqrt(c11 * c22);
    const ms = Math.exp(rnd() * 8 - 4) * 10;
    const m1 = rnd() < 0.1 ? 0 : (2 * rnd() - 1) * ms;
    const m2 = rnd() < 0.1 ? 0 : (2 * rnd() - 1) * ms;
    const where = `(${c11}, ${c12}, ${c22}, ${m1}, ${m2})`;
    for (const act of CLOSED) {
      const B = biasedAveragesFor(act);
      for (const fn of PAIR_FNS) {
        const v = B[fn](c11, c12, c22, m1, m2);
        assert.ok(!Number.isNaN(v), `${act} ${fn}${where} is NaN`);
        if (!(act === "relu" && fn === "d2g")) {
          assert.ok(Number.isFinite(v), `${act} ${fn}${where}`);
        }
      }
      for (const fn of ONE_FNS) {
        const v = B[fn](c11 + c22, m1);
        // relu d1 = E[delta(x + m)] is +Infinity at q = m = 0
        const ok = Number.isFinite(v) || (act === "relu" && fn === "d1" && v === Infinity);
        assert.ok(ok, `${act} ${fn}(${c11 + c22}, ${m1}) = ${v}`);
      }
    }
    const p = relu.g1g1(c11, c12, c22, m1, m2);
    assert.ok(p >= 0 && p <= 1, `relu g1g1${where} = ${p}`);
    assert.ok(Math.abs(erfA.I2(c11, c12, c22, m1, m2)) <= 1 + 1e-15, `erf I2${where}`);
  }
});

Deno.test("bivariateNormalUpper: against quadrature, across the |r| = 0.925 switch and at r = +-1", () => {
  let worst = 0;
  const rs = [-1, -0.999999, -0.99, -0.926, -0.924, -0.5, -0.1, 0, 0.29, 0.31, 0.74, 0.76];
  rs.push(0.924, 0.926, 0.99, 0.9999, 0.99999999, 1);
  for (const r of rs) {
    for (const h of [-3, -0.7, 0, 0.4, 2.5]) {
      for (const k of [-2, 0, 0.45, 3]) {
        const got = bivariateNormalUpper(h, k, r);
        const want = gaussianExpectation(
          (x) => (x[0] > h && x[1] > k ? 1 : 0),
          [0, 0],
          [[1, r], [r, 1]],
          48,
          { breaks: [[h], [k]], legendreNodes: 96 },
        );
        const e = Math.abs(got - want);
        worst = Math.max(worst, e);
        assert.ok(e < 1e-12, `P(X > ${h}, Y > ${k}; r = ${r}) = ${got} vs ${want}`);
      }
    }
  }
  // symmetric, and the zero-limit formula
  assert.ok(
    Math.abs(bivariateNormalUpper(0, 0, 0.95) - (0.25 + Math.asin(0.95) / (2 * Math.PI))) < 1e-15,
  );
  assert.equal(bivariateNormalUpper(1, -1, -1), 0);
  assert.ok(
    Math.abs(bivariateNormalUpper(0.3, 0.9, 0.97) - bivariateNormalUpper(0.9, 0.3, 0.97)) < 1e-16,
  );
  // far tails stay non-negative and tiny
  const t = bivariateNormalUpper(8, 9, 0.95);
  assert.ok(t >= 0 && t < 1e-15);
  console.log(`bivariateNormalUpper vs quadrature: max error ${worst.toExponential(1)}`);
});

Deno.test("biasedAveragesFor: rejects an unknown activation", () => {
  assert.throws(() => biasedAveragesFor("softplus"), ConfigError);
});

Deno.test("biasedAveragesFor: timing (printed, not asserted)", () => {
  // Best of 3 runs of 40k calls with varying arguments (correlation -0.07 to
  // ~0.97, offsets +-1.5), after a warm-up; includes the loop and call overhead.
  const n = 40_000;
  let sink = 0;
  const best = (run: () => void): string => {
    let t = Infinity;
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      run();
      t = Math.min(t, performance.now() - t0);
    }
    return ((t * 1e3) / n).toFixed(3);
  };
  const lines: string[] = [];
  for (const act of CLOSED) {
    const B = biasedAveragesFor(act);
    const parts: string[] = [];
    for (const fn of PAIR_FNS) {
      const f = B[fn];
      for (let i = 0; i < 20_000; i++) sink += f(1, 0.3, 2, 0.1, -0.2);
      parts.push(`${fn} ${
        best(() => {
          for (let i = 0; i < n; i++) {
            const u = (i % 97) / 97;
            sink += f(1 + u, 1.4 * u - 0.1, 2 - u, 3 * u - 1.5, 1.5 - 2 * u);
          }
        })
      }`);
    }
    for (const fn of ONE_FNS) {
      const f = B[fn];
      for (let i = 0; i < 20_000; i++) sink += f(1, 0.1);
      parts.push(`${fn} ${
        best(() => {
          for (let i = 0; i < n; i++) {
            const u = (i % 97) / 97;
            sink += f(0.2 + 2 * u, 3 * u - 1.5);
          }
        })
      }`);
    }
    lines.push(`${act} (us/call): ${parts.join(", ")}`);
  }
  console.log(lines.join("\n"));
  assert.ok(Number.isFinite(sink));
});
