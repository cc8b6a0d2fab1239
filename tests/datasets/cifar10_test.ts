import assert from "node:assert/strict";
import { parseCifar10, readCifar10 } from "../../src/datasets/cifar10.ts";
import { readDataset } from "../../src/datasets/detect.ts";
import { cifarRecord, concat, gzip, rejectsFormat, throwsFormat } from "./fixtures.ts";

// Record 0: a red ramp with fixed green and blue; record 1: pure colours in
// the first three pixels, white in the fourth, then a mixed pattern.
const rgb0 = (p: number): [number, number, number] => [p % 256, 17, 255 - (p % 256)];
const rgb1 = (p: number): [number, number, number] =>
  p === 0
    ? [255, 0, 0]
    : p === 1
    ? [0, 255, 0]
    : p === 2
    ? [0, 0, 255]
    : p === 3
    ? [255, 255, 255]
    : [
      (p * 7) % 256,
      (p * 13) % 256,
      p % 5,
    ];
const twoRecords = concat(cifarRecord(3, rgb0), cifarRecord(9, rgb1));

Deno.test("grey values of a hand-made two-record CIFAR-10 batch are the ITU-R 601-2 luma", () => {
  const ds = parseCifar10(twoRecords, "two.bin");
  assert.equal(ds.n, 2);
  assert.equal(ds.d, 1024);
  assert.deepEqual(ds.shape, [32, 32]);
  assert.deepEqual(Array.from(ds.labels!), [3, 9]);
  assert.ok(ds.data instanceof Float32Array);
  assert.equal(ds.source, "two.bin");
  for (const [i, rgb] of [[0, rgb0], [1, rgb1]] as const) {
    for (let p = 0; p < 1024; p++) {
      const [r, g, b] = rgb(p);
      const expected = (299 * r + 587 * g + 114 * b) / 1000; // exact in decimal
      assert.ok(Math.abs(ds.data[i * 1024 + p] - expected) < 1e-4, `record ${i} pixel ${p}`);
    }
  }
  // pure red, green, blue and white, by the published weights
  assert.ok(Math.abs(ds.data[1024] - 76.245) < 1e-4);
  assert.ok(Math.abs(ds.data[1025] - 149.685) < 1e-4);
  assert.ok(Math.abs(ds.data[1026] - 29.07) < 1e-4);
  assert.ok(Math.abs(ds.data[1027] - 255) < 1e-4);
  // row-major 32 x 32: pixel (row 1, column 2) of record 0 is p = 34
  assert.ok(Math.abs(ds.data[34] - (0.299 * 34 + 0.587 * 17 + 0.114 * 221)) < 1e-4);
});

Deno.test("a CIFAR-10 batch reads the same from bytes, a Blob, a stream and gzip", async () => {
  const ref = parseCifar10(twoRecords, "two.bin");
  const inputs = [
    twoRecords,
    twoRecords.buffer as ArrayBuffer,
    new Blob([twoRecords]),
    new File([twoRecords], "data_batch_1.bin"),
    new Blob([twoRecords]).stream(),
    new Response(twoRecords),
    await gzip(twoRecords),
  ];
  for (const input of inputs) {
    const ds = await readCifar10(input, "two.bin");
    assert.deepEqual(ds.data, ref.data);
    assert.deepEqual(ds.labels, ref.labels);
  }
  const auto = await readDataset(new File([twoRecords], "data_batch_1.bin"));
  assert.equal(auto.source, "data_batch_1.bin");
  assert.deepEqual(auto.data, ref.data);
});

Deno.test("malformed CIFAR-10 batches are rejected with source, offset and expectation", async () => {
  throwsFormat(
    () => parseCifar10(twoRecords.subarray(0, 2 * 3073 - 5), "two.bin"),
    /^two\.bin: at byte 3073: expected a whole record of 3073 bytes.*found 3068 bytes \(a truncated record\)$/,
  );
  const badLabel = twoRecords.slice();
  badLabel[3073] = 10;
  throwsFormat(
    () => parseCifar10(badLabel, "b.bin"),
    /^b\.bin: at byte 3073: expected a label byte from 0 to 9, found 10$/,
  );
  throwsFormat(() => parseCifar10(new Uint8Array(0), "e.bin"), /^e\.bin: at byte 0: .*empty file/);
  await rejectsFormat(readCifar10(new Uint8Array(0), "e.bin"), /^e\.bin: at byte 0: .*empty file/);
  const gz = await gzip(twoRecords.subarray(0, 4000));
  await rejectsFormat(
    readCifar10(gz, "t.bin.gz"),
    /^t\.bin\.gz: at byte 3073 of the gunzipped data: expected a whole record/,
  );
  await rejectsFormat(
    readCifar10(gz.subarray(0, gz.length - 8), "cut.gz"),
    /^cut\.gz: at byte 0: expected a complete.*gzip stream/,
  );
});
