/**
 * The page's MNIST file (web/mnist_format.ts): pixels that are multiples of
 * 1/1000 survive the trip exactly (the same float32 bits), labels and shape
 * too; a pixel that is not such a multiple, or a truncated file, is refused.
 * @module
 */
import assert from "node:assert/strict";
import { decodeMnist, encodeMnist } from "../../web/mnist_format.ts";

Deno.test("pixels k / 1000 round-trip to the same float32 bits", () => {
  const n = 3, d = 1001;
  const data = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) data[i] = (i % 1001) / 1000;
  const labels = new Uint8Array([4, 0, 9]);
  const ds = { n, d, data, labels, shape: [7, 143] as [number, number], source: "all thousandths" };
  const back = decodeMnist(encodeMnist(ds), "x");
  assert.deepEqual(back.shape, [7, 143]);
  assert.deepEqual([...back.labels!], [4, 0, 9]);
  assert.deepEqual(new Uint32Array(back.data.buffer), new Uint32Array(data.buffer));
});

Deno.test("a pixel that is not a multiple of 1/1000, or a truncated file, is refused", () => {
  const ds = { n: 1, d: 2, data: new Float32Array([0.5, 0.1234]), source: "x" };
  assert.throws(() => encodeMnist(ds), /pixel 1 is 0\.123/);
  const ok = encodeMnist({ ...ds, data: new Float32Array([0.5, 0.123]) });
  assert.throws(() => decodeMnist(ok.subarray(0, ok.length - 1), "short"), /short/);
  assert.throws(() => decodeMnist(new Uint8Array(40), "zeros"), /not an aedyn MNIST file/);
});
