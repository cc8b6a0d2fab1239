import assert from "node:assert/strict";
import {
  formatCovariance,
  formatInitialWeights,
  parseCovariance,
  parseInitialWeights,
} from "../../src/problem/formats.ts";
import { ConfigError } from "../../src/core/errors.ts";

Deno.test("initial weights round-trip through the documented JSON format", () => {
  const w = { W: [[1, 2, 3], [4, 5, 6]], V: [[0, 1, 0], [1, 0, 0]], b: [0.5, -0.5] };
  assert.deepEqual(parseInitialWeights(formatInitialWeights(w)), w);
});

Deno.test("malformed initial weights are rejected with the field named", () => {
  const cases: [string, RegExp][] = [
    ["not json", /init.*JSON/],
    ["[1, 2]", /object/],
    ['{"V": [[1]]}', /W/],
    ['{"W": [[1, 2], [3]]}', /W\[1\].*1 numbers/],
    ['{"W": [[1, "x"]]}', /W\[0\]\[1\]/],
    ['{"W": [[1, 2]], "V": [[1, 2], [3, 4]]}', /V.*2 rows/],
    ['{"W": [[1, 2]], "b": [1, 2]}', /b.*K = 1/],
    ['{"W": [[1, 2]], "U": 3}', /key.*"U"/],
  ];
  for (const [text, re] of cases) {
    assert.throws(
      () => parseInitialWeights(text, "init"),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
      text,
    );
  }
});

Deno.test("a covariance file becomes a Gaussian model sorted by eigenvalue", () => {
  const m = parseCovariance('{"eigenvalues": [1, 3], "eigenvectors": [[1, 0], [0, 1]]}');
  assert.deepEqual(m.eigenvalues, [3, 1]);
  assert.deepEqual(m.eigenvectors, [[0, 1], [1, 0]]);
  assert.equal(m.bulk, 0);
  const again = parseCovariance(formatCovariance(m));
  assert.deepEqual(again, m);
});

Deno.test("a partial covariance needs a bulk eigenvalue", () => {
  assert.throws(() => parseCovariance('{"eigenvalues": [2], "eigenvectors": [[1, 0, 0]]}'), /bulk/);
  const m = parseCovariance('{"eigenvalues": [2], "eigenvectors": [[1, 0, 0]], "bulk": 0.5}');
  assert.equal(m.bulk, 0.5);
  assert.equal(m.D, 3);
});

Deno.test("malformed covariance files are rejected with the field named", () => {
  const cases: [string, RegExp][] = [
    ['{"eigenvalues": [-1], "eigenvectors": [[1]]}', /eigenvalues\[0\]/],
    ['{"eigenvalues": [1, 2], "eigenvectors": [[1, 0]]}', /eigenvectors.*1 rows/],
    ['{"eigenvalues": [], "eigenvectors": []}', /eigenvalues/],
    ['{"eigenvalues": [1], "eigenvectors": [[null]]}', /eigenvectors\[0\]\[0\]/],
  ];
  for (const [text, re] of cases) {
    assert.throws(
      () => parseCovariance(text),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
      text,
    );
  }
});
