/**
 * MNIST and FashionMNIST IDX files, gzipped or not: images (magic 0x00000803:
 * unsigned bytes, 3 dimensions n, rows, cols; big-endian) and labels (magic
 * 0x00000801: unsigned bytes, 1 dimension n).
 * @module
 */
import { type ByteInput, type Dataset, load, type SizeBound, sourceName } from "./dataset.ts";
import { DataFormatError, type DataLocation } from "../core/errors.ts";

/** Magic number of an IDX file of unsigned-byte images (n x rows x cols). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic number of an IDX file of unsigned-byte labels (n). */
export const IDX_LABELS_MAGIC = 0x00000801;

function hex(v: number): string {
  return `0x${v.toString(16).padStart(8, "0")}`;
}

/** Check the 4-byte magic (the bytes hold at least 4). */
function checkMagic(bytes: Uint8Array, at: DataLocation, magic: number, what: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    let hint = "";
    if (found === IDX_LABELS_MAGIC) hint = " (an IDX labels file)";
    else if (found === IDX_IMAGES_MAGIC) hint = " (an IDX images file)";
    else if ((found >>> 16) === 0 && ((found >>> 8) & 0xff) !== 0x08) {
      hint = " (IDX data that is not unsigned bytes)";
    }
    throw new DataFormatError(
      { ...at, offset: 0 },
      `the ${what} magic number ${hex(magic)}`,
      `${hex(found)}${hint}`,
    );
  }
}

/** The big-endian dimensions after the magic (the bytes hold the whole header). */
function readDims(bytes: Uint8Array, at: DataLocation, ndim: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let k = 0; k < ndim; k++) {
    const v = view.getUint32(4 + 4 * k);
    if (v === 0) {
      throw new DataFormatError({ ...at, offset: 4 + 4 * k }, "a dimension of at least 1", "0");
    }
    dims.push(v);
  }
  return dims;
}

/**
 * The size of an IDX file as its header gives it (header and payload), from
 * its first bytes: the magic is checked as soon as 4 bytes are there, so a
 * file that is not IDX (or a decompression bomb) is refused at once.
 */
function idxBound(at: DataLocation, magic: number, what: string): SizeBound {
  const ndim = magic & 0xff;
  const headerBytes = 4 + 4 * ndim;
  return (head) => {
    if (head.length < 4) return undefined;
    checkMagic(head, at, magic, what);
    if (head.length < headerBytes) return undefined;
    return headerBytes + readDims(head, at, ndim).reduce((a, b) => a * b, 1);
  };
}

/** The size bound of an IDX images file (gunzipped bytes): see `load`. */
export function idxImagesBound(source: string): SizeBound {
  return idxBound({ source, gunzipped: true }, IDX_IMAGES_MAGIC, "images");
}

/** Check the 4-byte magic and the big-endian dimensions; return them. */
function idxHeader(bytes: Uint8Array, at: DataLocation, magic: number, what: string): number[] {
  const ndim = magic & 0xff;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < 4) {
    throw new DataFormatError(
      { ...at, offset: 0 },
      `the ${what} magic number ${hex(magic)}`,
      `${bytes.length} bytes`,
    );
  }
  checkMagic(bytes, at, magic, what);
  if (bytes.length < headerBytes) {
    throw new DataFormatError(
      { ...at, offset: bytes.length },
      `a ${headerBytes}-byte IDX header with ${ndim} dimension${ndim > 1 ? "s" : ""}`,
      `the end of the data after ${bytes.length} bytes`,
    );
  }
  const dims = readDims(bytes, at, ndim);
  const size = dims.reduce((a, b) => a * b, 1);
  const payload = bytes.length - headerBytes;
  if (payload < size) {
    throw new DataFormatError(
      { ...at, offset: bytes.length },
      `${size} bytes of ${what} after the header (${dims.join(" x ")})`,
      `only ${payload} (truncated)`,
    );
  }
  if (payload > size) {
    throw new DataFormatError(
      { ...at, offset: headerBytes + size },
      `the end of the data after ${dims.join(" x ")} ${what}`,
      `${payload - size} more bytes`,
    );
  }
  return dims;
}

/**
 * Parse the bytes of an IDX images file (not gzipped): d = rows x cols,
 * byte pixels, shape [rows, cols].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIdxImages } from "./idx.ts";
 * const file = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4]);
 * const ds = parseIdxImages(file, "tiny-images-idx3-ubyte");
 * assert.equal(ds.n, 1);
 * assert.equal(ds.d, 4);
 * assert.equal(ds.shape![1], 2);
 * assert.equal(ds.data[3], 4);
 * ```
 */
export function parseIdxImages(bytes: Uint8Array, source: string): Dataset {
  return imagesFrom(bytes, { source });
}

/**
 * Parse the bytes of an IDX labels file (not gzipped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIdxLabels } from "./idx.ts";
 * const labels = parseIdxLabels(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]), "labels");
 * assert.equal(labels.length, 2);
 * assert.equal(labels[1], 9);
 * ```
 */
export function parseIdxLabels(bytes: Uint8Array, source: string): Uint8Array {
  return labelsFrom(bytes, { source });
}

function imagesFrom(bytes: Uint8Array, at: DataLocation): Dataset {
  const [n, rows, cols] = idxHeader(bytes, at, IDX_IMAGES_MAGIC, "images");
  const d = rows * cols;
  return { n, d, data: bytes.slice(16, 16 + n * d), shape: [rows, cols], source: at.source };
}

function labelsFrom(bytes: Uint8Array, at: DataLocation): Uint8Array {
  const [n] = idxHeader(bytes, at, IDX_LABELS_MAGIC, "labels");
  return bytes.slice(8, 8 + n);
}

/**
 * Read an IDX images file (gzipped or not) from bytes, a `Blob`/`File`, a
 * `Response` or a stream.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readIdxImages } from "./idx.ts";
 * const file = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 255]);
 * const ds = await readIdxImages(new Blob([file]), "one-pixel");
 * assert.equal(ds.n, 1);
 * assert.equal(ds.data[0], 255);
 * ```
 */
export async function readIdxImages(input: ByteInput, source?: string): Promise<Dataset> {
  const name = sourceName(input, source);
  const { bytes, gunzipped } = await load(input, name, idxImagesBound(name));
  return imagesFrom(bytes, { source: name, gunzipped });
}

/**
 * Read an IDX labels file (gzipped or not).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readIdxLabels } from "./idx.ts";
 * const labels = await readIdxLabels(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 5]), "labels");
 * assert.equal(labels[0], 5);
 * ```
 */
export async function readIdxLabels(input: ByteInput, source?: string): Promise<Uint8Array> {
  const name = sourceName(input, source);
  const bound = idxBound({ source: name, gunzipped: true }, IDX_LABELS_MAGIC, "labels");
  const { bytes, gunzipped } = await load(input, name, bound);
  return labelsFrom(bytes, { source: name, gunzipped });
}

/** Options of {@link readIdx}. */
export interface ReadIdxOptions {
  /** The matching labels file (gzipped or not). */
  labels?: ByteInput;
  /** Name of the images file in messages. */
  source?: string;
  /** Name of the labels file in messages. */
  labelsSource?: string;
}

/**
 * Read an IDX images file and, optionally, its labels file; the two must
 * hold the same number of items.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readIdx } from "./idx.ts";
 * const images = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9]);
 * const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 4]);
 * const ds = await readIdx(images, { labels, source: "img", labelsSource: "lab" });
 * assert.equal(ds.labels![0], 4);
 * ```
 */
export async function readIdx(images: ByteInput, options: ReadIdxOptions = {}): Promise<Dataset> {
  const ds = await readIdxImages(images, options.source);
  if (options.labels === undefined) return ds;
  const named = sourceName(options.labels, options.labelsSource);
  const labelsName = named === "input" ? `labels of ${ds.source}` : named;
  const labels = await readIdxLabels(options.labels, labelsName);
  if (labels.length !== ds.n) {
    throw new DataFormatError(
      { source: labelsName, offset: 4 },
      `${ds.n} labels, one per image of ${ds.source}`,
      String(labels.length),
    );
  }
  return { ...ds, labels };
}
