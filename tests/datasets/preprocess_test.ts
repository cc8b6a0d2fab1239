import assert from "node:assert/strict";
import type { Dataset } from "../../src/datasets/dataset.ts";
import {
  globalStats,
  preprocess,
  rowInto,
  seededPermutation,
  trainBlock,
  transformRows,
} from "../../src/datasets/preprocess.ts";
import { ConfigError } from "../../src/core/errors.ts";

/** n x d bytes from a fixed linear congruential sequence, with a per-pixel offset. */
function bytesDataset(n: number, d: number): Dataset {
  const data = new Uint8Array(n * d);
  let s = 12345;
  for (let i = 0; i < n * d; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = ((s >>> 16) % 200) + (i % d) * 2;
  }
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  return { n, d, data, shape: [4, d / 4], labels, source: "synthetic" };
}

/** All preprocessed rows (training then held-out), n x d. */
function allRows(p: ReturnType<typeof preprocess>): Float64Array {
  const out = new Float64Array((p.nTrain + p.nHeldOut) * p.d);
  for (let i = 0; i < p.nTrain; i++) rowInto(p, i, out, i * p.d);
  out.set(p.heldOut, p.nTrain * p.d);
  return out;
}

function meanStd(x: ArrayLike<number>): [number, number] {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const m = s / x.length;
  let q = 0;
  for (let i = 0; i < x.length; i++) q += (x[i] - m) ** 2;
  return [m, Math.sqrt(q / x.length)];
}

const ds = bytesDataset(300, 16);

Deno.test("after the published preprocessing the data have mean 0 and std 1/2", () => {
  const p = preprocess(ds, { nHeldOut: 50, seed: 1 });
  const [rawMean, rawStd] = meanStd(ds.data);
  assert.ok(Math.abs(p.mean - rawMean) < 1e-9 && Math.abs(p.std - rawStd) < 1e-9);
  assert.equal(p.scale, 1 / (2 * p.std));
  const [m, s] = meanStd(allRows(p));
  assert.ok(Math.abs(m) < 1e-12, `mean ${m}`);
  assert.ok(Math.abs(s - 0.5) < 1e-12, `std ${s}`);
  // x' = (x - mean) / (2 std), element by element
  const x = new Float64Array(16);
  rowInto(p, 7, x);
  const raw = ds.data.subarray(p.trainIndex[7] * 16, p.trainIndex[7] * 16 + 16);
  for (let j = 0; j < 16; j++) {
    assert.ok(Math.abs(x[j] - (raw[j] - rawMean) / (2 * rawStd)) < 1e-12);
  }
});

Deno.test("statistics over the training rows give mean 0 and std 1/2 over those rows", () => {
  const p = preprocess(ds, { nHeldOut: 100, nTrain: 150, seed: 2, statsOver: "train" });
  const train = trainBlock(p, 0, p.nTrain);
  const [m, s] = meanStd(train);
  assert.ok(Math.abs(m) < 1e-12 && Math.abs(s - 0.5) < 1e-12, `${m} ${s}`);
  const st = globalStats(ds, p.trainIndex);
  assert.equal(st.mean, p.mean);
  assert.equal(p.statsOver, "train");
});

Deno.test("per-pixel centring makes every pixel's mean 0", () => {
  const p = preprocess(ds, { nHeldOut: 60, seed: 3, centrePixels: true });
  const rows = allRows(p);
  for (let j = 0; j < 16; j++) {
    let s = 0;
    for (let i = 0; i < 300; i++) s += rows[i * 16 + j];
    assert.ok(Math.abs(s / 300) < 1e-12, `pixel ${j}: ${s / 300}`);
  }
  const [, s] = meanStd(rows);
  assert.ok(s < 0.5, "centring removes the per-pixel variation of the mean");
});

Deno.test("the split has the sizes asked, disjoint rows, labels that follow and compact training data", () => {
  const p = preprocess(ds, { nHeldOut: 40, nTrain: 200, seed: 9 });
  assert.deepEqual([p.nTrain, p.nHeldOut, p.train.n, p.heldOut.length], [200, 40, 200, 40 * 16]);
  assert.ok(
    p.train.data instanceof Uint8Array && p.train.data.length === 200 * 16,
    "bytes stay bytes",
  );
  assert.ok(p.heldOut instanceof Float64Array);
  const all = new Set([...p.trainIndex, ...p.heldOutIndex]);
  assert.equal(all.size, 240);
  for (let i = 0; i < 200; i++) assert.equal(p.train.labels![i], ds.labels![p.trainIndex[i]]);
  for (let i = 0; i < 40; i++) assert.equal(p.heldOutLabels![i], ds.labels![p.heldOutIndex[i]]);
  assert.deepEqual(p.heldOut, transformRows(p, ds, p.heldOutIndex));
  assert.deepEqual(p.shape, [4, 4]);
  const f32 = preprocess({ ...ds, data: Float32Array.from(ds.data) }, {
    nHeldOut: 40,
    nTrain: 200,
    seed: 9,
  });
  assert.ok(f32.train.data instanceof Float32Array);
  assert.deepEqual(f32.heldOut, p.heldOut);
});

Deno.test("the split is deterministic per seed, and held-out rows do not depend on nTrain", () => {
  const a = preprocess(ds, { nHeldOut: 30, seed: 42 });
  const b = preprocess(ds, { nHeldOut: 30, seed: 42 });
  const c = preprocess(ds, { nHeldOut: 30, seed: 43 });
  const d = preprocess(ds, { nHeldOut: 30, nTrain: 10, seed: 42 });
  assert.deepEqual(a.trainIndex, b.trainIndex);
  assert.deepEqual(a.heldOut, b.heldOut);
  assert.notDeepEqual(a.heldOutIndex, c.heldOutIndex);
  assert.deepEqual(a.heldOutIndex, d.heldOutIndex);
  assert.deepEqual(a.trainIndex.subarray(0, 10), d.trainIndex);
  const big = preprocess(ds, { nHeldOut: 30, seed: 2 ** 40 });
  assert.notDeepEqual(big.heldOutIndex, preprocess(ds, { nHeldOut: 30, seed: 0 }).heldOutIndex);
  // a permutation, roughly uniform: each of 10 items is first about 1/10 of the time
  const first = new Array(10).fill(0);
  for (let seed = 0; seed < 2000; seed++) first[seededPermutation(10, 1, seed)[0]]++;
  for (const f of first) assert.ok(f > 140 && f < 260, `first-place counts ${first}`);
});

Deno.test("bad split sizes, seeds and rows are rejected by name", () => {
  const cases: [object, RegExp][] = [
    [{ nHeldOut: 0 }, /nHeldOut.*0.*from 1 to 299 \(.* has 300 rows/],
    [{ nHeldOut: 300 }, /nHeldOut/],
    [{ nHeldOut: 10, nTrain: 291 }, /nTrain.*291.*n - nHeldOut = 290/],
    [{ nHeldOut: 10, seed: -1 }, /seed/],
    [{ nHeldOut: 10, seed: 1.5 }, /seed/],
    [{ nHeldOut: 10, statsOver: "test" }, /statsOver/],
  ];
  for (const [opts, re] of cases) {
    assert.throws(
      () => preprocess(ds, opts as never),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
  }
  const constant = { n: 3, d: 2, data: new Uint8Array(6).fill(4), source: "flat" };
  assert.throws(() => preprocess(constant, { nHeldOut: 1 }), /flat: standard deviation/);
  const p = preprocess(ds, { nHeldOut: 10 });
  assert.throws(() => rowInto(p, 290, new Float64Array(16)), ConfigError);
  assert.throws(() => rowInto(p, 0, new Float64Array(20), 5), ConfigError);
  assert.throws(() => trainBlock(p, 289, 2), ConfigError);
});
