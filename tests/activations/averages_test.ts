import assert from "node:assert/strict";
import {
  type Activation,
  ACTIVATION_NAMES,
  type ActivationAverages,
  ACTIVATIONS,
  averagesFor,
  quadratureAverages,
} from "../../src/activations/mod.ts";
import { erf } from "../../src/math/erf.ts";
import { gaussHermite, gaussianExpectation, gaussLegendre } from "../../src/math/quadrature.ts";

/** The activations with closed-form averages (the others' averages are quadrature). */
const CLOSED: Activation[] = ACTIVATION_NAMES.filter((n) => ACTIVATIONS[n].closedForm);
/** Set to true to print the measured accuracies. */
const VERBOSE = false;
const report = (...args: unknown[]): void => {
  if (VERBOSE) console.log(...args);
};

// ---------------------------------------------------------------- helpers

/** xoshiro128** seeded by splitmix32; uniform doubles with 53 random bits. */
function makeRng(seed: number): { uniform(): number; normal(): number } {
  let x = seed >>> 0;
  const split = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = split(), s1 = split(), s2 = split(), s3 = split();
  const next = (): number => {
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return r;
  };
  const rotl = (v: number, k: number): number => (v << k) | (v >>> (32 - k));
  let spare = NaN;
  const uniform = (): number => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  return {
    uniform,
    normal() {
      if (!Number.isNaN(spare)) {
        const s = spare;
        spare = NaN;
        return s;
      }
      const r = Math.sqrt(-2 * Math.log(1 - uniform()));
      const th = 2 * Math.PI * uniform();
      spare = r * Math.sin(th);
      return r * Math.cos(th);
    },
  };
}

type Mat3 = number[][];

/** C = G G^T for a 3 x 3 generator G. */
function gram(G: number[][]): Mat3 {
  const C = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) for (let k = 0; k < G[i].length; k++) C[i][j] += G[i][k] * G[j][k];
  }
  return C;
}

/** Covariances of (x0, x1, x2): generic, strongly (anti)correlated, unequal, small, large, singular. */
const CASES: { name: string; C: Mat3 }[] = [
  { name: "generic", C: [[1, 0.3, -0.2], [0.3, 2, 0.5], [-0.2, 0.5, 0.7]] },
  {
    name: "corr ~ 0.99, unequal variances",
    C: gram([[1, 0, 0], [0.99 * 1.7, Math.sqrt(1 - 0.99 ** 2) * 1.7, 0], [
      -0.99 * 0.4,
      -0.1 * 0.4,
      0.0995 * 0.4,
    ]]),
  },
  {
    name: "corr ~ -0.995, var 0.05 vs 4",
    C: gram([[0.2236, 0, 0], [-0.995 * 2, 0.0999 * 2, 0], [0.3, 0.9, 1.1]]),
  },
  {
    name: "small (Q ~ 1e-2)",
    C: [[0.01, 0.004, 0.002], [0.004, 0.02, -0.003], [0.002, -0.003, 0.015]],
  },
  { name: "large (Q ~ 10)", C: [[9, 6, -3], [6, 12, 2], [-3, 2, 5]] },
  { name: "singular: x2 = 2 x0", C: [[0.8, 0.3, 1.6], [0.3, 1.5, 0.6], [1.6, 0.6, 3.2]] },
];

/** Ordered pairs (i, j) used for the two-field averages. */
const PAIRS: [number, number][] = [[0, 1], [1, 0], [0, 2], [2, 1]];
/** Triples (i, j, l) for I3 = E[g'(x_i) x_j g(x_l)], incl. the P_ka and S_ka patterns. */
const TRIPLES: [number, number, number][] = [
  [0, 1, 2],
  [1, 2, 0],
  [2, 0, 1],
  [0, 0, 2],
  [0, 2, 2],
  [1, 1, 1],
];

interface Entry {
  label: string;
  value: (A: ActivationAverages) => number;
}

/** Every average of the interface at every pair / triple of a covariance. */
function entries(C: Mat3): Entry[] {
  const out: Entry[] = [];
  for (const [i, j] of PAIRS) {
    const [a, b, c] = [C[i][i], C[i][j], C[j][j]];
    out.push({ label: `I2(${i},${j})`, value: (A) => A.I2(a, b, c) });
    out.push({ label: `J2(${i},${j})`, value: (A) => A.J2(a, b, c) });
    out.push({ label: `I21(${i},${j})`, value: (A) => A.I21(a, b, c) });
    out.push({ label: `I22(${i},${j})`, value: (A) => A.I22(a, b, c) });
    out.push({ label: `d2g(${i},${j})`, value: (A) => A.d2g(a, b, c) });
    out.push({ label: `g1g1(${i},${j})`, value: (A) => A.g1g1(a, b, c) });
  }
  for (const [i, j, l] of TRIPLES) {
    const v = [C[i][i], C[i][j], C[i][l], C[j][j], C[j][l], C[l][l]] as const;
    out.push({ label: `I3(${i},${j},${l})`, value: (A) => A.I3(...v) });
  }
  for (let i = 0; i < 3; i++) {
    const q = C[i][i];
    out.push({ label: `j(${i})`, value: (A) => A.j(q) });
    out.push({ label: `d3(${i})`, value: (A) => A.d3(q) });
    out.push({ label: `d2gPlusG1sq(${i})`, value: (A) => A.d2gPlusG1sq(q) });
    out.push({ label: `mean(${i})`, value: (A) => A.mean(q) });
    out.push({ label: `d1(${i})`, value: (A) => A.d1(q) });
  }
  return out;
}

/** Quadrature averages of a built-in activation (g'' and g''' used when they exist, unless stein). */
function quadFor(
  act: Activation,
  opts: { mean?: number[]; stein?: boolean } = {},
): ActivationAverages {
  const f = ACTIVATIONS[act];
  return opts.stein
    ? quadratureAverages(f.g, f.g1, undefined, undefined, { mean: opts.mean })
    : quadratureAverages(f.g, f.g1, f.g2, f.g3, { mean: opts.mean });
}

// ------------------------------------------------------------- quadrature

Deno.test("Gauss-Hermite rules integrate Gaussian moments exactly up to degree 2n - 1", () => {
  const doubleFactorial = (m: number): number => {
    let r = 1;
    for (let k = 2 * m - 1; k > 1; k -= 2) r *= k;
    return r;
  };
  let worst = 0;
  for (const n of [1, 2, 3, 4, 7, 10, 20, 33, 48, 64, 100, 150]) {
    const { nodes, weights } = gaussHermite(n);
    assert.equal(nodes.length, n);
    for (let i = 0; i < n; i++) {
      assert.ok(weights[i] > 0);
      assert.ok(nodes[i] === -nodes[n - 1 - i], "symmetric");
      if (i > 0) assert.ok(nodes[i] > nodes[i - 1], "ascending");
    }
    for (let m = 0; 2 * m <= 2 * n - 1 && m <= 50; m++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** (2 * m);
      const rel = Math.abs(s / doubleFactorial(m) - 1);
      worst = Math.max(worst, rel);
      assert.ok(rel < 1e-13, `n=${n} E[Z^${2 * m}]: rel err ${rel}`);
      let odd = 0;
      for (let i = 0; i < n; i++) odd += weights[i] * nodes[i] ** (2 * m + 1);
      assert.ok(Math.abs(odd) < 1e-13 * doubleFactorial(m + 1), "odd moments vanish");
    }
    // nodes are roots of He_n: the degree-2n moment is the first one missed, by n!
    let s = 0;
    for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** (2 * n);
    let nf = 1;
    for (let k = 2; k <= n; k++) nf *= k;
    if (n <= 20) {
      assert.ok(Math.abs(doubleFactorial(n) - s - nf) < 1e-9 * nf, `n=${n} degree 2n defect`);
    }
  }
  report("Gauss-Hermite worst moment rel err", worst);
});

Deno.test("Gauss-Legendre rules integrate polynomials on [-1, 1] exactly up to degree 2n - 1", () => {
  for (const n of [1, 2, 5, 16, 48, 100]) {
    const { nodes, weights } = gaussLegendre(n);
    let sw = 0;
    for (const w of weights) sw += w;
    assert.ok(Math.abs(sw - 2) < 1e-14);
    for (let m = 0; 2 * m <= 2 * n - 1 && m <= 40; m++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** (2 * m);
      assert.ok(Math.abs(s * (2 * m + 1) / 2 - 1) < 1e-13, `n=${n} m=${m}`);
    }
  }
});

Deno.test("gaussianExpectation: moments, means, collinear fields, kinks and validation", () => {
  // Isserlis: E[x0 x1 x2^2] = C01 C22 + 2 C02 C12, with a mean shift
  const C = [[1, 0.3, -0.2], [0.3, 2, 0.5], [-0.2, 0.5, 0.7]];
  const isserlis = C[0][1] * C[2][2] + 2 * C[0][2] * C[1][2];
  const v = gaussianExpectation(
    (x) => (x[0] - 1) * (x[1] + 2) * (x[2] - 0.5) ** 2,
    [1, -2, 0.5],
    C,
    6,
  );
  assert.ok(Math.abs(v - isserlis) < 1e-14, `${v} vs ${isserlis}`);
  // collinear: x1 = -3 x0, singular covariance; also a fully degenerate one
  const S = [[0.5, -1.5], [-1.5, 4.5]];
  const c4 = gaussianExpectation((x) => x[0] ** 2 * x[1] ** 2, [0, 0], S, 8);
  assert.ok(Math.abs(c4 - 3 * 9 * 0.25) < 1e-13, `collinear ${c4}`);
  assert.equal(gaussianExpectation((x) => x[0] + x[1], [0.25, 2], [[0, 0], [0, 0]]), 2.25);
  // a triply collinear 3-d case: E[relu(x0) relu(x1) relu(x2)] with x = (z, z, 2z): 2 E[z^3; z > 0]
  const T = [[1, 1, 2], [1, 1, 2], [2, 2, 4]];
  const relu3 = gaussianExpectation(
    (x) => Math.max(0, x[0]) * Math.max(0, x[1]) * Math.max(0, x[2]),
    [0, 0, 0],
    T,
    48,
    { breaks: [[0], [0], [0]] },
  );
  assert.ok(Math.abs(relu3 - 2 * Math.sqrt(2 / Math.PI)) < 1e-13, `collinear relu ${relu3}`);
  // kinks with a mean: E[|x|] for x ~ N(m, s^2) = s sqrt(2/pi) e^{-m^2/2s^2} + m erf(m / (s sqrt 2))
  for (const [m, s] of [[0.3, 1], [-1.2, 0.5], [4, 1.5]]) {
    const exact = s * Math.sqrt(2 / Math.PI) * Math.exp(-(m * m) / (2 * s * s)) +
      m * erf(m / (s * Math.SQRT2));
    const split = gaussianExpectation((x) => Math.abs(x[0]), [m], [[s * s]], 48, { breaks: [[0]] });
    const plain = gaussianExpectation((x) => Math.abs(x[0]), [m], [[s * s]], 48);
    assert.ok(Math.abs(split - exact) < 1e-14, `split ${split - exact}`);
    report(
      `E|x|, m=${m}, s=${s}: split err ${(split - exact).toExponential(1)}, plain GH ${
        (plain - exact).toExponential(1)
      }`,
    );
  }
  assert.throws(
    () => gaussianExpectation(() => 1, [0, 0], [[1, 2], [2, 1]]),
    /positive semi-definite/,
  );
  assert.throws(() => gaussianExpectation(() => 1, [0, 0], [[1, 0.5], [0.4, 1]]), /symmetric/);
  assert.throws(() => gaussianExpectation(() => 1, [0, 0, 0, 0], [[1]]), /mean/);
  assert.throws(() => gaussianExpectation(() => 1, [0], [[1]], 0), /invalid n/);
});

// --------------------------------------------------- closed forms vs quadrature

Deno.test("closed forms of every activation agree with quadrature", () => {
  // smooth activations: ~1e-14; relu (split at its kink): ~1e-14 as well
  const tolerance: Record<string, number> = { linear: 1e-12, erf: 1e-10, relu: 1e-10 };
  for (const act of CLOSED) {
    const closed = averagesFor(act);
    const quads = act === "erf"
      ? [{ name: "g'' g''' given", A: quadFor(act) }, {
        name: "Stein",
        A: quadFor(act, { stein: true }),
      }]
      : [{ name: act === "relu" ? "Stein, split at 0" : "direct", A: quadFor(act) }];
    for (const { name, A } of quads) {
      let worst = 0;
      let where = "";
      for (const { name: cname, C } of CASES) {
        // the Stein path differs from the direct one only in the derivative averages
        const only = name === "Stein" ? /^(d1|d3|d2g|d2gPlusG1sq)\(/ : /./;
        // absolute floor for averages that vanish: round-off of Stein forms scales like 1/variance
        const floor = 1e-14 * (1 + 1 / Math.min(C[0][0], C[1][1], C[2][2]));
        for (const e of entries(C).filter((e) => only.test(e.label))) {
          const want = e.value(closed);
          const got = e.value(A);
          const err = Math.abs(got - want);
          const rel = Math.abs(want) > 1e-12 ? err / Math.abs(want) : 0;
          if (rel > worst) [worst, where] = [rel, `${cname} ${e.label}`];
          assert.ok(
            err <= tolerance[act] * Math.abs(want) + floor,
            `${act} (${name}) ${cname} ${e.label}: closed ${want}, quadrature ${got}`,
          );
        }
      }
      report(`quadrature ${act} (${name}): max rel err ${worst.toExponential(2)} at ${where}`);
    }
  }
});

Deno.test("relu closed forms: limits and special values", () => {
  const R = averagesFor("relu");
  // same field: E[relu(x)^2] = q/2, E[g'(x)^2] = 1/2, E[delta(x) relu(x)] = 0
  assert.ok(Math.abs(R.I2(2, 2, 2) - 1) < 1e-15);
  assert.ok(Math.abs(R.g1g1(2, 2, 2) - 0.5) < 1e-15);
  assert.equal(R.d2g(2, 2, 2), 0);
  // anti-collinear: relu(x) relu(-x) = 0, P(x > 0, -x > 0) = 0
  assert.ok(Math.abs(R.I2(1, -1, 1)) < 1e-16);
  assert.ok(Math.abs(R.g1g1(1, -1, 1)) < 1e-16);
  // independent: E[relu(x1)] E[relu(x2)] = sqrt(c11 c22) / (2 pi); E[delta(x1)] E[relu(x2)]
  assert.ok(Math.abs(R.I2(4, 0, 9) - 6 / (2 * Math.PI)) < 1e-15);
  assert.ok(
    Math.abs(R.d2g(4, 0, 9) - (1 / Math.sqrt(2 * Math.PI * 4)) * (3 / Math.sqrt(2 * Math.PI))) <
      1e-15,
  );
  // I3 of (x, x, y) is I2(x, y) (g'(x) x = relu(x))
  assert.ok(Math.abs(R.I3(1.3, 1.3, 0.4, 1.3, 0.4, 0.9) - R.I2(1.3, 0.4, 0.9)) < 1e-15);
  // zero-variance fields: finite values, no NaN
  for (
    const v of [R.I2(0, 0, 1), R.I3(0, 0, 0, 1, 0.5, 1), R.g1g1(0, 0, 1), R.d2g(0, 0, 0), R.j(0)]
  ) {
    assert.ok(Number.isFinite(v));
  }
});

// ------------------------------------------------------------- Monte Carlo

/**
 * Labels of the per-sample estimators filled by {@link estimate}, in order.
 * Derivative averages use Stein forms (valid for relu's delta functions):
 *   E[g''(x_i) g(x_j)] = (E[x_i g'(x_i) g(x_j)] - C_ij E[g'(x_i) g'(x_j)]) / C_ii,
 *   E[g'''(x)] = E[g'(x) (x^2/q - 1)] / q,   E[(g g')'(x)] = E[x g(x) g'(x)] / q;
 * with `direct`, also g'' and g''' themselves (erf).
 */
function estimatorLabels(direct: boolean): string[] {
  const out: string[] = [];
  for (const [i, j] of PAIRS) {
    for (const name of ["I2", "J2", "I21", "I22", "g1g1", "d2g"]) out.push(`${name}(${i},${j})`);
    if (direct) out.push(`d2g(${i},${j})`);
  }
  for (const [i, j, l] of TRIPLES) out.push(`I3(${i},${j},${l})`);
  for (let i = 0; i < 3; i++) {
    for (const name of ["j", "d3", "d2gPlusG1sq", "mean", "d1"]) out.push(`${name}(${i})`);
    if (direct) out.push(`d3(${i})`, `d2gPlusG1sq(${i})`, `d1(${i})`);
  }
  return out;
}

const PI = Int32Array.from(PAIRS, (p) => p[0]);
const PJ = Int32Array.from(PAIRS, (p) => p[1]);
const TI = Int32Array.from(TRIPLES, (t) => t[0]);
const TJ = Int32Array.from(TRIPLES, (t) => t[1]);
const TL = Int32Array.from(TRIPLES, (t) => t[2]);

/** One sample's estimator values, in the order of {@link estimatorLabels}; C flat 3 x 3. */
function estimate(
  C: Float64Array,
  x: Float64Array,
  g: Float64Array,
  g1: Float64Array,
  g2: Float64Array,
  g3: Float64Array,
  direct: boolean,
  out: Float64Array,
): void {
  let e = 0;
  for (let p = 0; p < PI.length; p++) {
    const i = PI[p], j = PJ[p];
    out[e++] = g[i] * g[j];
    out[e++] = x[i] * g[j];
    out[e++] = g1[i] * x[i] * x[j];
    out[e++] = g1[i] * x[j] * x[j];
    out[e++] = g1[i] * g1[j];
    out[e++] = (x[i] * g1[i] * g[j] - C[3 * i + j] * g1[i] * g1[j]) / C[4 * i];
    if (direct) out[e++] = g2[i] * g[j];
  }
  for (let t = 0; t < TI.length; t++) out[e++] = g1[TI[t]] * x[TJ[t]] * g[TL[t]];
  for (let i = 0; i < 3; i++) {
    const q = C[4 * i];
    out[e++] = g1[i];
    out[e++] = (g1[i] * (x[i] * x[i] / q - 1)) / q;
    out[e++] = (x[i] * g[i] * g1[i]) / q;
    out[e++] = g[i];
    out[e++] = (x[i] * g1[i]) / q;
    if (direct) {
      out[e++] = g3[i];
      out[e++] = g2[i] * g[i] + g1[i] * g1[i];
      out[e++] = g2[i];
    }
  }
}

/** Lower Cholesky factor of a PSD 3 x 3 (zero columns for collinear variables). */
function chol3(C: Mat3): number[][] {
  const L = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let j = 0; j < 3; j++) {
    let d = C[j][j];
    for (let k = 0; k < j; k++) d -= L[j][k] ** 2;
    if (d <= 1e-14 * C[j][j]) continue;
    L[j][j] = Math.sqrt(d);
    for (let i = j + 1; i < 3; i++) {
      let s = C[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = s / L[j][j];
    }
  }
  return L;
}

/**
 * Monte Carlo check of the expected values `want` (by label) from N samples
 * of x ~ N(0, C), with g evaluated at x_i + bias[i]: |MC mean - want| must be
 * below 5 standard errors estimated from the same samples. Returns the max |z|.
 */
function monteCarlo(
  act: Activation,
  want: Map<string, number>,
  C: Mat3,
  N: number,
  seed: number,
  bias = [0, 0, 0],
): { maxZ: number; where: string } {
  const fns = ACTIVATIONS[act];
  const direct = fns.g2 !== undefined && fns.g3 !== undefined;
  const labels = estimatorLabels(direct);
  const sum = new Float64Array(labels.length);
  const sum2 = new Float64Array(labels.length);
  const out = new Float64Array(labels.length);
  const L = chol3(C);
  const Cflat = Float64Array.from(C.flat());
  const rng = makeRng(seed);
  const x = new Float64Array(3), g = new Float64Array(3), g1 = new Float64Array(3);
  const g2 = new Float64Array(3), g3 = new Float64Array(3);
  for (let s = 0; s < N; s++) {
    const z0 = rng.normal(), z1 = rng.normal(), z2 = rng.normal();
    x[0] = L[0][0] * z0;
    x[1] = L[1][0] * z0 + L[1][1] * z1;
    x[2] = L[2][0] * z0 + L[2][1] * z1 + L[2][2] * z2;
    for (let i = 0; i < 3; i++) {
      const u = x[i] + bias[i];
      g[i] = fns.g(u);
      g1[i] = fns.g1(u);
      if (direct) {
        g2[i] = fns.g2!(u);
        g3[i] = fns.g3!(u);
      }
    }
    estimate(Cflat, x, g, g1, g2, g3, direct, out);
    for (let e = 0; e < out.length; e++) {
      sum[e] += out[e];
      sum2[e] += out[e] * out[e];
    }
  }
  let maxZ = 0;
  let where = "";
  for (let e = 0; e < labels.length; e++) {
    const m = sum[e] / N;
    const se = Math.sqrt(Math.max(0, sum2[e] / N - m * m) / (N - 1));
    const target = want.get(labels[e]);
    assert.ok(target !== undefined, labels[e]);
    const diff = Math.abs(m - target);
    if (se < 1e-13 * Math.max(1, Math.abs(target))) {
      // a constant estimator (e.g. linear j = 1): exact up to round-off
      assert.ok(
        diff <= 1e-12 * Math.max(1, Math.abs(target)),
        `${act} ${labels[e]}: ${m} vs ${target}`,
      );
      continue;
    }
    const z = diff / se;
    if (z > maxZ) [maxZ, where] = [z, labels[e]];
    assert.ok(
      z < 5,
      `${act} ${labels[e]}: MC ${m} +- ${se}, expected ${target} (z = ${z.toFixed(2)})`,
    );
  }
  return { maxZ, where };
}

const valuesOf = (A: ActivationAverages, C: Mat3): Map<string, number> =>
  new Map(entries(C).map((e) => [e.label, e.value(A)]));

Deno.test("the averages of every activation agree with Monte Carlo within 5 standard errors", () => {
  const N = 200_000;
  for (const act of ACTIVATION_NAMES) {
    let worst = 0;
    let where = "";
    CASES.forEach(({ name, C }, c) => {
      const r = monteCarlo(act, valuesOf(averagesFor(act), C), C, N, 1234 + 17 * c);
      if (r.maxZ > worst) [worst, where] = [r.maxZ, `${name} ${r.where}`];
    });
    report(`Monte Carlo ${act}: max |z| = ${worst.toFixed(2)} (${where}), N = ${N}`);
  }
});

Deno.test("quadrature with biases agrees with Monte Carlo and with closed forms of the biased relu", () => {
  const bias = [0.3, -0.5, 0.2];
  const C = CASES[0].C;
  for (const act of ["erf", "relu"] as const) {
    // biases are per argument position in quadratureAverages: one instance per pair / triple
    const want = new Map<string, number>();
    const at = (idx: number[]) => quadFor(act, { mean: idx.map((i) => bias[i]) });
    for (const [i, j] of PAIRS) {
      const A = at([i, j]);
      const [a, b, c] = [C[i][i], C[i][j], C[j][j]];
      want.set(`I2(${i},${j})`, A.I2(a, b, c));
      want.set(`J2(${i},${j})`, A.J2(a, b, c));
      want.set(`I21(${i},${j})`, A.I21(a, b, c));
      want.set(`I22(${i},${j})`, A.I22(a, b, c));
      want.set(`g1g1(${i},${j})`, A.g1g1(a, b, c));
      want.set(`d2g(${i},${j})`, A.d2g(a, b, c));
    }
    for (const [i, j, l] of TRIPLES) {
      want.set(
        `I3(${i},${j},${l})`,
        at([i, j, l]).I3(C[i][i], C[i][j], C[i][l], C[j][j], C[j][l], C[l][l]),
      );
    }
    for (let i = 0; i < 3; i++) {
      const A = at([i]);
      want.set(`j(${i})`, A.j(C[i][i]));
      want.set(`d3(${i})`, A.d3(C[i][i]));
      want.set(`d2gPlusG1sq(${i})`, A.d2gPlusG1sq(C[i][i]));
      want.set(`mean(${i})`, A.mean(C[i][i]));
      want.set(`d1(${i})`, A.d1(C[i][i]));
    }
    const r = monteCarlo(act, want, C, 200_000, 99, bias);
    report(`Monte Carlo with biases ${act}: max |z| = ${r.maxZ.toFixed(2)} (${r.where})`);
  }
  // erf: the g'' / g''' path and the Stein path agree with biases
  const direct = quadFor("erf", { mean: bias });
  const stein = quadFor("erf", { mean: bias, stein: true });
  for (const e of entries(C)) {
    const a = e.value(direct), b = e.value(stein);
    assert.ok(Math.abs(a - b) < 1e-12 * Math.max(1, Math.abs(a)), `${e.label}: ${a} vs ${b}`);
  }
  // relu with bias m, x ~ N(0, q): E[g'(x + m)] = P(x > -m) = (1 + erf(m / sqrt(2q))) / 2,
  // E[g'''(x + m)] = -p'(-m) = -(m/q) p(-m), E[g''(x + m) g(x + m) + g'^2] = E[g'(x + m)]
  const relu = quadFor("relu", { mean: bias });
  for (const q of [0.01, 1, 5]) {
    const m = bias[0];
    const jm = 0.5 * (1 + erf(m / Math.sqrt(2 * q)));
    assert.ok(Math.abs(relu.j(q) - jm) < 1e-14, `j q=${q}`);
    assert.ok(Math.abs(relu.d2gPlusG1sq(q) - jm) < 1e-13, `d2gPlusG1sq q=${q}`);
    const dens = Math.exp(-(m * m) / (2 * q)) / Math.sqrt(2 * Math.PI * q);
    assert.ok(Math.abs(relu.d3(q) + (m / q) * dens) < 1e-12 * Math.max(1, dens / q), `d3 q=${q}`);
  }
});

// ------------------------------------------------------------- identities

Deno.test("erf identities: E[g''(x_k) g(x_a)] = -P_ka, E[g' g'] = (2/pi)/sqrt(det), E[g'''] closed form", () => {
  const E = averagesFor("erf");
  for (const { C } of CASES) {
    for (const [k, a] of PAIRS) {
      const [qkk, qka, qaa] = [C[k][k], C[k][a], C[a][a]];
      const P = E.I3(qkk, qkk, qka, qkk, qka, qaa);
      assert.ok(Math.abs(E.d2g(qkk, qka, qaa) + P) < 1e-15);
      const gg = (2 / Math.PI) / Math.sqrt((1 + qkk) * (1 + qaa) - qka * qka);
      assert.ok(Math.abs(E.g1g1(qkk, qka, qaa) - gg) < 1e-15);
      // j_k = J2 with every entry q_kk, divided by q_kk
      assert.ok(Math.abs(E.j(qkk) - E.J2(qkk, qkk, qkk) / qkk) < 1e-15);
      // E[g'' g + g'^2] = -P_kk + E[g'^2]
      const Pkk = E.I3(qkk, qkk, qkk, qkk, qkk, qkk);
      assert.ok(Math.abs(E.d2gPlusG1sq(qkk) - (E.g1g1(qkk, qkk, qkk) - Pkk)) < 1e-15);
      assert.ok(Math.abs(E.d3(qkk) + Math.sqrt(2 / Math.PI) / (1 + qkk) ** 1.5) < 1e-15);
    }
  }
});

Deno.test("linear identities: j = 1, derivative averages vanish, E[g' g'] = 1", () => {
  const L = averagesFor("linear");
  for (const q of [0, 0.01, 1, 7]) {
    assert.equal(L.j(q), 1);
    assert.equal(L.d3(q), 0);
    assert.equal(L.d2gPlusG1sq(q), 1);
    assert.equal(L.d2g(q, 0.3 * q, 2), 0);
    assert.equal(L.g1g1(q, 0.3 * q, 2), 1);
  }
  assert.equal(L.I2(1, 0.4, 2), 0.4);
  assert.equal(L.I3(1, 0.2, 0.3, 2, 0.7, 1), 0.7);
  assert.throws(() => averagesFor("softplus"), /activation/);
});

/** Phi_kl of THEORY.md section 4 in the regression form (vanilla SGD, all a != k). */
function phiRegression(
  A: ActivationAverages,
  K: number,
  Q: number[][],
  R: number[][],
  T: number[][],
  T0: number[][],
  q: number[][],
  r: number[][],
  k: number,
  l: number,
): number {
  const [qkk, rkk, tkk] = [Q[k][k], R[k][k], T[k][k]];
  const M = A.I21(qkk, rkk, tkk);
  const Nk = A.I22(qkk, rkk, tkk);
  const dp = qkk * tkk - rkk * rkk;
  const Pkk = A.I3(qkk, qkk, qkk, qkk, qkk, qkk);
  let phi = (q[k][l] * (tkk * M - rkk * Nk) + r[k][l] * (qkk * Nk - rkk * M)) / dp -
    (T0[k][k] * Pkk / qkk) * q[k][l];
  for (let a = 0; a < K; a++) {
    if (a === k) continue;
    const [qka, qaa] = [Q[k][a], Q[a][a]];
    const d = qkk * qaa - qka * qka;
    const P = A.I3(qkk, qkk, qka, qkk, qka, qaa);
    const S = A.I3(qkk, qka, qka, qaa, qaa, qaa);
    phi -= (T0[k][a] / d) *
      (P * (qaa * q[k][l] - qka * q[a][l]) + S * (qkk * q[a][l] - qka * q[k][l]));
  }
  return phi;
}

/** Phi_kl in the Stein form. */
function phiStein(
  A: ActivationAverages,
  K: number,
  Q: number[][],
  R: number[][],
  T0: number[][],
  q: number[][],
  r: number[][],
  k: number,
  l: number,
): number {
  const qkk = Q[k][k];
  let phi = R[k][k] * A.d3(qkk) * q[k][l] + A.j(qkk) * r[k][l] -
    T0[k][k] * A.d2gPlusG1sq(qkk) * q[k][l];
  for (let a = 0; a < K; a++) {
    if (a === k) continue;
    phi -= T0[k][a] *
      (A.d2g(qkk, Q[k][a], Q[a][a]) * q[k][l] + A.g1g1(qkk, Q[k][a], Q[a][a]) * q[a][l]);
  }
  return phi;
}

Deno.test("Stein and regression forms of Phi_kl agree at a random K = 2 state", () => {
  const rng = makeRng(2024);
  const K = 2;
  for (const act of ACTIVATION_NAMES) {
    let worst = 0;
    for (let trial = 0; trial < 20; trial++) {
      // fields (lambda_1, lambda_2, nu_1, nu_2) with covariance G G^T
      const G = Array.from(
        { length: 4 },
        () => Array.from({ length: 6 }, () => 0.7 * rng.normal()),
      );
      const cov = (i: number, j: number): number => G[i].reduce((s, v, t) => s + v * G[j][t], 0);
      const Q = [[cov(0, 0), cov(0, 1)], [cov(1, 0), cov(1, 1)]];
      const R = [[cov(2, 0), cov(2, 1)], [cov(3, 0), cov(3, 1)]];
      const T = [[cov(2, 2), cov(2, 3)], [cov(3, 2), cov(3, 3)]];
      const B = [[rng.normal(), rng.normal()], [rng.normal(), rng.normal()]];
      const T0 = [[0, 0], [0, 0]].map((row, i) =>
        row.map((_, j) => B[i][0] * B[j][0] + B[i][1] * B[j][1])
      );
      const a = [rng.normal(), rng.normal()], b = [rng.normal(), rng.normal()];
      const q = a.map((ak) => a.map((al) => ak * al));
      const r = b.map((bk) => a.map((al) => bk * al));
      const A = averagesFor(act);
      for (let k = 0; k < K; k++) {
        for (let l = 0; l < K; l++) {
          const reg = phiRegression(A, K, Q, R, T, T0, q, r, k, l);
          const st = phiStein(A, K, Q, R, T0, q, r, k, l);
          const err = Math.abs(reg - st) / Math.max(1, Math.abs(st));
          worst = Math.max(worst, err);
          // closed forms agree to round-off; quadrature averages to their own accuracy
          assert.ok(
            err < (ACTIVATIONS[act].closedForm ? 1e-13 : 1e-8),
            `${act} trial ${trial} Phi_${k}${l}: regression ${reg}, Stein ${st}`,
          );
        }
      }
    }
    report(`Phi_kl ${act}: Stein vs regression max rel diff ${worst.toExponential(2)}`);
  }
});

Deno.test("averages by quadrature: the pair of a grid equals the separate averages, and a fine grid within 1e-8", () => {
  for (const act of ACTIVATION_NAMES.filter((n) => !ACTIVATIONS[n].closedForm)) {
    const A = ACTIVATIONS[act].averages;
    assert.ok(A.pair, `${act} has no pair averages`);
    const f = ACTIVATIONS[act];
    const fine = quadratureAverages(f.g, f.g1, f.g2, f.g3, { legendreNodes: 128 });
    for (const q of [0.05, 0.5, 2, 8, 16]) {
      for (const rho of [-0.7, 0, 0.6, 0.99]) {
        const qaa = 0.8 * q, qka = rho * Math.sqrt(q * qaa);
        const p = A.pair!(q, qka, qaa);
        const sep = [
          A.I2(q, qka, qaa),
          A.g1g1(q, qka, qaa),
          A.d2g(q, qka, qaa),
          A.d2g(qaa, qka, q),
        ];
        // the same grid as the separate averages of (x_k, x_a): the same numbers; d2g the other
        // way round is integrated there too (the separate one uses the grid of (x_a, x_k))
        [p.I2, p.g1g1, p.d2gKA, p.d2gAK].forEach((v, i) =>
          assert.ok(
            Math.abs(v - sep[i]) <= (i < 3 ? 1e-15 : 2e-8) * Math.max(1e-2, Math.abs(v)),
            `${act} ${i}: ${v} ${sep[i]}`,
          )
        );
        const want = [
          fine.I2(q, qka, qaa),
          fine.g1g1(q, qka, qaa),
          fine.d2g(q, qka, qaa),
          fine.d2g(qaa, qka, q),
        ];
        [p.I2, p.g1g1, p.d2gKA, p.d2gAK].forEach((v, i) =>
          assert.ok(
            Math.abs(v - want[i]) <= 1e-8 * Math.max(1e-2, Math.abs(want[i])),
            `${act} q=${q} rho=${rho} #${i}: ${v} vs ${want[i]}`,
          )
        );
      }
    }
  }
});
