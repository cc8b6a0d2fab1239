import assert from "node:assert/strict";
import { matchComponents, unitVector } from "../../src/analysis/components.ts";
import { ConfigError } from "../../src/core/errors.ts";

/** Orthogonal, non-unit "components" along the first three coordinates of R^4. */
const E = [[2, 0, 0, 0], [0, 3, 0, 0], [0, 0, 0.5, 0]];

function assertClose(actual: ArrayLike<number>, expected: number[], tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

Deno.test("matchComponents: best rule pairs each vector with its largest |cos|, not its index", () => {
  const vectors = [
    [0.1, 0, 4, 0], // component 3
    [5, 1, 0, 0], // component 1
  ];
  const pairs = matchComponents(vectors, E, "best");
  assert.deepEqual(pairs.map((p) => [p.k, p.m]), [[0, 2], [1, 0]]);
  assert.ok(Math.abs(pairs[0].cos - 4 / Math.hypot(0.1, 4)) < 1e-12);
  assert.ok(Math.abs(pairs[1].cos - 5 / Math.hypot(5, 1)) < 1e-12);
  for (const p of pairs) {
    assert.ok(Math.abs(Math.hypot(...p.w) - 1) < 1e-12, "learned vector of unit norm");
    assert.ok(Math.abs(Math.hypot(...p.e) - 1) < 1e-12, "component of unit norm");
    const overlap = p.w.reduce((s, w, i) => s + w * p.e[i], 0);
    assert.ok(Math.abs(overlap - p.cos) < 1e-12, "cos is the overlap of w and e");
  }
  assertClose(pairs[1].e, [1, 0, 0, 0]);
});

Deno.test("matchComponents: a vector is flipped to overlap positively, the component never", () => {
  const [p] = matchComponents([[0, -6, 0, 8]], E, "best");
  assert.equal(p.m, 1);
  assertClose(p.w, [0, 0.6, 0, -0.8]);
  assertClose(p.e, [0, 1, 0, 0]);
  assert.ok(Math.abs(p.cos - 0.6) < 1e-12);
  const [q] = matchComponents([[0, 0, 1, 0]], [[0, 0, -1, 0]], "best");
  assertClose(q.w, [0, 0, -1, 0]);
  assertClose(q.e, [0, 0, -1, 0], 0);
  assert.equal(q.cos, 1);
  // the inputs are left as they were
  const v = [0, -6, 0, 8];
  matchComponents([v], E, "best");
  assert.deepEqual(v, [0, -6, 0, 8]);
});

Deno.test("matchComponents: index rule pairs vector k with component k, whatever the overlap", () => {
  const vectors = [[0, -1, 0, 0], [3, 0.5, 0, 0]];
  const pairs = matchComponents(vectors, E, "index");
  assert.deepEqual(pairs.map((p) => [p.k, p.m]), [[0, 0], [1, 1]]);
  assert.equal(pairs[0].cos, 0, "orthogonal to its component");
  assertClose(pairs[0].w, [0, -1, 0, 0], 0);
  assert.ok(Math.abs(pairs[1].cos - 0.5 / Math.hypot(3, 0.5)) < 1e-12);
  // the best rule would have paired them the other way round
  assert.deepEqual(matchComponents(vectors, E, "best").map((p) => p.m), [1, 0]);
});

Deno.test("matchComponents: ties go to the first component; a zero vector has |cos| 0", () => {
  const [tie] = matchComponents([[1, 1, 0, 0]], [[0, 1, 0, 0], [1, 0, 0, 0]], "best");
  assert.equal(tie.m, 0);
  const [zero] = matchComponents([[0, 0, 0, 0]], E, "best");
  assert.equal(zero.m, 0);
  assert.equal(zero.cos, 0);
  assertClose(zero.w, [0, 0, 0, 0], 0);
});

Deno.test("matchComponents: typed arrays are accepted", () => {
  const [p] = matchComponents([new Float32Array([0, 0, 2, 0])], [new Float64Array(E[2])], "index");
  assert.equal(p.cos, 1);
  assertClose(p.w, [0, 0, 1, 0], 0);
});

Deno.test("matchComponents: bad input throws a ConfigError naming the argument", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => matchComponents([], E, "best"), /invalid vectors: .*a non-empty array of rows/],
    [() => matchComponents([[1, 0, 0, 0]], [], "best"), /invalid components: /],
    [
      () => matchComponents([[]], E, "best"),
      /vectors\[0\]\.length: got 0; allowed: a positive length D/,
    ],
    [
      () => matchComponents([[1, 0, 0, 0], [1, 0]], E, "best"),
      /vectors\[1\]\.length: got 2; allowed: 4, the same D for all rows/,
    ],
    [
      () => matchComponents([[1, 2]], E, "best"),
      /components\[0\]\.length: got 4; allowed: 2, the same D for all rows/,
    ],
    [
      () => matchComponents([[1, 0, 0, 0]], E, "nearest" as "best"),
      /invalid match: got "nearest"; allowed: "best" or "index"/,
    ],
    [
      () => matchComponents([[1, 0, 0, 0], [0, 1, 0, 0]], E.slice(0, 1), "index"),
      /components\.length: got 1; allowed: at least K = 2 with match "index"/,
    ],
  ];
  for (const [f, message] of cases) {
    assert.throws(f, ConfigError);
    assert.throws(f, message);
  }
  // fewer components than vectors is fine under "best"
  assert.equal(matchComponents([[1, 0, 0, 0], [0, 1, 0, 0]], E.slice(0, 1), "best").length, 2);
});

Deno.test("unitVector: a rescaled copy; zero stays zero", () => {
  const v = [3, 0, -4];
  assertClose(unitVector(v), [0.6, 0, -0.8]);
  assert.deepEqual(v, [3, 0, -4]);
  assertClose(unitVector([0, 0]), [0, 0], 0);
});

import { subspaceMatch } from "../../src/analysis/components.ts";

/** A random orthogonal K x K matrix (QR of a Gaussian matrix, by Gram-Schmidt). */
function randomOrthogonal(K: number, next: () => number): number[][] {
  const cols: number[][] = [];
  while (cols.length < K) {
    let v = Array.from({ length: K }, next);
    for (const c of cols) {
      const d = c.reduce((s, x, i) => s + x * v[i], 0);
      v = v.map((x, i) => x - d * c[i]);
    }
    const n = Math.hypot(...v);
    if (n > 1e-6) cols.push(v.map((x) => x / n));
  }
  return cols;
}

Deno.test("subspaceMatch: the Procrustes rotation is orthogonal and beats every other rotation; the span projection is rotation-invariant", () => {
  let s = 7;
  const next = () => {
    s = (s * 16807) % 2147483647;
    return (s / 2147483647) * 2 - 1;
  };
  const D = 12, K = 3;
  // four orthonormal "components" (sines made orthogonal by Gram-Schmidt), scaled by m + 2
  const Eu: Float64Array[] = [];
  for (let m = 0; m < 4; m++) {
    const v = Float64Array.from({ length: D }, (_, i) => Math.sin((m + 1) * (i + 0.3)));
    for (const e of Eu) {
      const d = e.reduce((acc, x, i) => acc + x * v[i], 0);
      for (let i = 0; i < D; i++) v[i] -= d * e[i];
    }
    Eu.push(unitVector(v));
  }
  const E = Eu.map((e, m) => Array.from(e, (x) => (m + 2) * x));
  // learned vectors: a random rotation of the top-3 components, a little noise, unequal norms
  const O0 = randomOrthogonal(K, next);
  const V = O0.map((row, k) =>
    Array.from(
      { length: D },
      (_, i) => (k + 1) * (row.reduce((acc, o, m) => acc + o * Eu[m][i], 0) + 0.05 * next()),
    )
  );
  const m = subspaceMatch(V, E);
  const R = m.rotation;
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const d = R[i].reduce((acc, x, l) => acc + x * R[j][l], 0);
      assert.ok(Math.abs(d - +(i === j)) < 1e-12, `R R^T[${i}][${j}] = ${d}`);
    }
  }
  const Vu = V.map(unitVector);
  const misfit = (Q: number[][]) => {
    let f = 0;
    for (let r = 0; r < K; r++) {
      for (let i = 0; i < D; i++) {
        const x = Q[r].reduce((acc, q, k) => acc + q * Vu[k][i], 0) - Eu[r][i];
        f += x * x;
      }
    }
    return f;
  };
  const best = misfit(R);
  for (let trial = 0; trial < 200; trial++) {
    assert.ok(misfit(randomOrthogonal(K, next)) >= best - 1e-12, "a random rotation fits better");
  }
  assert.ok(m.rotatedCos.every((c) => c > 0.98), `rotated cosines ${m.rotatedCos}`);
  assert.ok(m.projectionNorms.slice(0, 3).every((p) => p > 0.99), `${m.projectionNorms}`);
  assert.ok(m.projectionNorms[3] < 0.1, "the 4th component is not in the span");
  // the projections do not depend on the basis of the span
  const m2 = subspaceMatch([V[2], V[0], V[1].map((x, i) => x + V[0][i])], E);
  for (let c = 0; c < 4; c++) {
    assert.ok(Math.abs(m2.projectionNorms[c] - m.projectionNorms[c]) < 1e-10);
  }
  // rank-deficient learned vectors: still an orthogonal rotation
  const flat = subspaceMatch([V[0], V[0], V[1]], E);
  const F = flat.rotation;
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const d = F[i].reduce((acc, x, l) => acc + x * F[j][l], 0);
      assert.ok(Math.abs(d - +(i === j)) < 1e-10);
    }
  }
  assert.throws(() => subspaceMatch(V, E.slice(0, 2)), ConfigError);
});
