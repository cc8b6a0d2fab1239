/**
 * CIFAR-10 binary batches (`data_batch_1.bin` ... `data_batch_5.bin`,
 * `test_batch.bin`) in grey scale. A batch is a sequence of 3073-byte
 * records: one label byte (0-9), then 1024 red, 1024 green and 1024 blue
 * bytes, each plane a 32 x 32 image in row-major order.
 * @module
 */
import { type ByteInput, type Dataset, load, type SizeBound, sourceName } from "./dataset.ts";
import { DataFormatError, type DataLocation } from "../core/errors.ts";

/** Bytes per CIFAR-10 record: 1 label + 3 x 1024 pixels. */
export const CIFAR10_RECORD_BYTES = 3073;

/** Most records of one CIFAR-10 file: the whole data set (50000 + 10000 images) in one. */
export const CIFAR10_MAX_RECORDS = 60_000;

/**
 * The size bound of a CIFAR-10 batch (gunzipped bytes): at most
 * {@link CIFAR10_MAX_RECORDS} records, and the label bytes read so far from
 * 0 to 9 (so that other data are refused from their first bytes).
 */
export function cifar10Bound(source: string): SizeBound {
  const R = CIFAR10_RECORD_BYTES;
  return (head, final) => {
    for (let i = 0; i < head.length; i += R) {
      if (head[i] > 9) {
        throw new DataFormatError(
          { source, offset: i, gunzipped: true },
          "a label byte from 0 to 9",
          String(head[i]),
        );
      }
    }
    return head.length >= 64 * R || final ? CIFAR10_MAX_RECORDS * R : undefined;
  };
}

/** The ten CIFAR-10 classes, by label. */
export const CIFAR10_CLASSES: readonly string[] = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];

/** ITU-R 601-2 luma weights of red, green and blue. */
export const LUMA = { r: 0.299, g: 0.587, b: 0.114 } as const;

/**
 * Parse the bytes of a CIFAR-10 binary batch (not gzipped) into a grey-scale
 * data set: L = 0.299 R + 0.587 G + 0.114 B per pixel, on the 0-255 scale,
 * not rounded, stored as Float32; d = 1024, shape [32, 32], labels 0-9.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCifar10 } from "./cifar10.ts";
 * const record = new Uint8Array(3073).fill(100);
 * record[0] = 3; // a cat
 * const ds = parseCifar10(record, "one.bin");
 * assert.equal(ds.n, 1);
 * assert.equal(ds.labels![0], 3);
 * assert.ok(Math.abs(ds.data[0] - 100) < 1e-4);
 * ```
 */
export function parseCifar10(bytes: Uint8Array, source: string): Dataset {
  return cifar10From(bytes, { source });
}

/**
 * Read a CIFAR-10 binary batch from bytes, a `Blob`/`File`, a `Response` or a
 * stream (gzipped or not); see {@link parseCifar10} for the result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCifar10 } from "./cifar10.ts";
 * const ds = await readCifar10(new Blob([new Uint8Array(2 * 3073)]), "two.bin");
 * assert.equal(ds.n, 2);
 * assert.equal(ds.d, 1024);
 * ```
 */
export async function readCifar10(input: ByteInput, source?: string): Promise<Dataset> {
  const name = sourceName(input, source);
  const { bytes, gunzipped } = await load(input, name, cifar10Bound(name));
  return cifar10From(bytes, { source: name, gunzipped });
}

function cifar10From(bytes: Uint8Array, at: DataLocation): Dataset {
  const R = CIFAR10_RECORD_BYTES;
  if (bytes.length === 0) {
    throw new DataFormatError({ ...at, offset: 0 }, "CIFAR-10 records", "an empty file");
  }
  const n = Math.floor(bytes.length / R);
  if (bytes.length % R !== 0) {
    throw new DataFormatError(
      { ...at, offset: n * R },
      `a whole record of ${R} bytes (1 label + 3 x 1024 pixels)`,
      `${bytes.length - n * R} bytes (a truncated record)`,
    );
  }
  const data = new Float32Array(n * 1024);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * R;
    const label = bytes[base];
    if (label > 9) {
      throw new DataFormatError({ ...at, offset: base }, "a label byte from 0 to 9", String(label));
    }
    labels[i] = label;
    const out = i * 1024;
    for (let p = 0; p < 1024; p++) {
      data[out + p] = LUMA.r * bytes[base + 1 + p] + LUMA.g * bytes[base + 1025 + p] +
        LUMA.b * bytes[base + 2049 + p];
    }
  }
  return { n, d: 1024, data, shape: [32, 32], labels, source: at.source };
}
