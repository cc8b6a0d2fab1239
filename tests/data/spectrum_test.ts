import assert from "node:assert/strict";
import {
  covarianceSpectrum,
  materialise,
  pca,
  pcaErrors,
  spikedModel,
} from "../../src/data/mod.ts";
import { eigh } from "../../src/kernels/linalg.ts";

function denseCovariance(
  D: number,
  diag: number,
  U: Float64Array,
  coef: Float64Array,
): Float64Array {
  const A = new Float64Array(D * D);
  for (let i = 0; i < D; i++) A[i * D + i] = diag;
  for (let m = 0; m < coef.length; m++) {
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) A[i * D + j] += coef[m] * U[m * D + i] * U[m * D + j];
    }
  }
  return A;
}

Deno.test("the spiked spectrum from the r x r problem matches a dense eigen-decomposition", () => {
  for (const directions of ["random", "sinusoidal"] as const) {
    const model = spikedModel({ D: 80, spikes: [9, 5, 3], directions, seed: 3 });
    const { covariance: c } = materialise(model);
    const spec = covarianceSpectrum(c);
    const dense = eigh(denseCovariance(80, c.diag, c.U, c.coef), 80);
    for (let m = 0; m < 3; m++) {
      assert.ok(
        Math.abs(spec.eigenvalues[m] - dense.values[m]) < 1e-10 * dense.values[0],
        directions,
      );
      // same eigenvector up to sign
      let dot = 0;
      for (let i = 0; i < 80; i++) dot += spec.eigenvectors[m * 80 + i] * dense.vectors[m * 80 + i];
      assert.ok(
        Math.abs(Math.abs(dot) - 1) < 1e-9,
        `${directions} m=${m}: |dot| = ${Math.abs(dot)}`,
      );
    }
    for (let i = 3; i < 80; i++) assert.ok(Math.abs(dense.values[i] - spec.bulk) < 1e-10);
    let trace = 0;
    for (const v of dense.values) trace += v;
    assert.ok(Math.abs(trace / 80 - 1) < 1e-12, "normalised: tr(Omega)/D = 1");
  }
});

Deno.test("eps_PCA(m) is half the mean of all but the m largest eigenvalues", () => {
  const model = spikedModel({ D: 60, spikes: [4, 2], seed: 1 });
  const { covariance: c } = materialise(model);
  const dense = eigh(denseCovariance(60, c.diag, c.U, c.coef), 60);
  const { epsPCA } = pca(model, 4);
  for (let m = 0; m <= 4; m++) {
    let rest = 0;
    for (let i = m; i < 60; i++) rest += dense.values[i];
    assert.ok(Math.abs(epsPCA[m] - rest / 120) < 1e-12, `m = ${m}`);
  }
});

Deno.test("a Gaussian model's listed eigenvalues below the bulk are ordered with it", () => {
  const spec = {
    D: 4,
    eigenvalues: new Float64Array([3, 0.5]),
    eigenvectors: new Float64Array(8),
    bulk: 1,
    traceOverD: (3 + 0.5 + 2) / 4,
  };
  // eigenvalues in order: 3, 1, 1, 0.5
  const eps = pcaErrors(spec, 3);
  assert.deepEqual(eps.map((e) => +(e * 8).toFixed(12)), [5.5, 2.5, 1.5, 0.5]);
});
