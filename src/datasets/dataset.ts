/**
 * The compact data set value every reader returns, and the byte plumbing the
 * readers share: whatever the input (bytes, a `Blob` or `File`, a fetched
 * `Response`, a stream) becomes one `Uint8Array`, gunzipped when it starts
 * with the gzip magic bytes 1f 8b. Web-platform APIs only.
 * @module
 */
import { ConfigError, DataFormatError } from "../core/errors.ts";

/**
 * A data set of n inputs of dimension d, as read from a file: compact values
 * (bytes or 32-bit floats), no preprocessing.
 */
export interface Dataset {
  /** Number of inputs (rows). */
  n: number;
  /** Dimension of one input (columns); h x w for images. */
  d: number;
  /** n x d, row-major. */
  data: Uint8Array | Float32Array;
  /** Image height and width (h x w = d), for image data. */
  shape?: [number, number];
  /** n class labels, when the format carries them. */
  labels?: Uint8Array;
  /** Where the data came from (file name, URL, package). */
  source: string;
}

/** Anything a reader accepts: bytes, a `Blob`/`File`, a fetched `Response` or a byte stream. */
export type ByteInput = Uint8Array | ArrayBuffer | Blob | Response | ReadableStream<Uint8Array>;

/** Bytes ready to parse, with the flag saying whether they were gunzipped. */
export interface Loaded {
  bytes: Uint8Array;
  /** The source name used in messages. */
  source: string;
  /** True when the input was gzip and `bytes` is its inflated content. */
  gunzipped: boolean;
}

/**
 * The name to use in messages: the one given, else a `File`'s name, a
 * `Response`'s URL, or "input".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourceName } from "./dataset.ts";
 * assert.equal(sourceName(new File([], "test_batch.bin")), "test_batch.bin");
 * assert.equal(sourceName(new Uint8Array(1), "mine"), "mine");
 * ```
 */
export function sourceName(input: ByteInput, source?: string): string {
  if (source !== undefined && source !== "") return source;
  if (typeof File !== "undefined" && input instanceof File && input.name) return input.name;
  if (typeof Response !== "undefined" && input instanceof Response && input.url) return input.url;
  return "input";
}

/**
 * All the bytes of an input, as they are (no gunzip).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBytes } from "./dataset.ts";
 * const bytes = await readBytes(new Blob([new Uint8Array([1, 2, 3])]), "three.bin");
 * assert.equal(bytes.length, 3);
 * assert.equal(bytes[2], 3);
 * ```
 */
export async function readBytes(input: ByteInput, source?: string): Promise<Uint8Array> {
  const name = sourceName(input, source);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  try {
    if (input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
    if (input instanceof Response) {
      if (!input.ok) {
        throw new DataFormatError(
          { source: name },
          "a successful HTTP response",
          `status ${input.status} ${input.statusText}`.trim(),
        );
      }
      return new Uint8Array(await input.arrayBuffer());
    }
    if (input instanceof ReadableStream) {
      return new Uint8Array(await new Response(input).arrayBuffer());
    }
  } catch (e) {
    if (e instanceof DataFormatError) throw e;
    throw new DataFormatError(
      { source: name },
      "a readable input",
      `an error while reading (${(e as Error).message})`,
    );
  }
  throw new DataFormatError(
    { source: name },
    "bytes, a Blob, a Response or a ReadableStream",
    typeof input,
  );
}

/**
 * True when the bytes start with the gzip magic number 1f 8b.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isGzip } from "./dataset.ts";
 * assert.ok(isGzip(new Uint8Array([0x1f, 0x8b, 8])));
 * assert.ok(!isGzip(new Uint8Array([0, 0, 8, 3])));
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflate gzip data with `DecompressionStream("gzip")`. A corrupt or
 * truncated stream is a `DataFormatError` naming the source.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gunzip } from "./dataset.ts";
 * const packed = new Blob([new TextEncoder().encode("1,2\n")]).stream()
 *   .pipeThrough(new CompressionStream("gzip"));
 * const bytes = new Uint8Array(await new Response(packed).arrayBuffer());
 * assert.equal(new TextDecoder().decode(await gunzip(bytes, "x.csv.gz")), "1,2\n");
 * ```
 */
export async function gunzip(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new DataFormatError(
      { source, offset: 0 },
      "a complete, uncorrupted gzip stream",
      `an inflate error (${(e as Error).message})`,
    );
  }
}

/**
 * Read an input and gunzip it when it starts with the gzip magic; empty data
 * is an error. The readers start with this.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { load } from "./dataset.ts";
 * const { bytes, gunzipped } = await load(new Blob(["1,2"]), "x.csv");
 * assert.equal(bytes.length, 3);
 * assert.ok(!gunzipped);
 * ```
 */
export async function load(input: ByteInput, source?: string): Promise<Loaded> {
  const name = sourceName(input, source);
  let bytes = await readBytes(input, name);
  let gunzipped = false;
  if (isGzip(bytes)) {
    bytes = await gunzip(bytes, name);
    gunzipped = true;
  }
  if (bytes.length === 0) {
    throw new DataFormatError({ source: name, offset: 0, gunzipped }, "data", "an empty file");
  }
  return { bytes, source: name, gunzipped };
}

/**
 * One data set from several with the same d and shape (e.g. the five CIFAR-10
 * training batches). Bytes stay bytes when every part is bytes; otherwise the
 * result is Float32. Labels are kept when every part has them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { concatDatasets } from "./dataset.ts";
 * const a = { n: 1, d: 2, data: new Uint8Array([1, 2]), source: "a" };
 * const b = { n: 2, d: 2, data: new Float32Array([3, 4, 5, 6]), source: "b" };
 * const ab = concatDatasets([a, b], "a+b");
 * assert.equal(ab.n, 3);
 * assert.ok(ab.data instanceof Float32Array);
 * assert.equal(ab.data[5], 6);
 * ```
 */
export function concatDatasets(parts: Dataset[], source: string): Dataset {
  if (parts.length === 0) {
    throw new ConfigError("parts", [], "at least one data set");
  }
  const { d, shape } = parts[0];
  for (const p of parts) {
    if (p.d !== d) {
      throw new ConfigError(`parts: ${p.source}`, `d = ${p.d}`, `d = ${d}, as ${parts[0].source}`);
    }
    if (String(p.shape) !== String(shape)) {
      throw new ConfigError(
        `parts: ${p.source}`,
        `shape ${p.shape}`,
        `shape ${shape}, as ${parts[0].source}`,
      );
    }
  }
  const n = parts.reduce((s, p) => s + p.n, 0);
  const bytes = parts.every((p) => p.data instanceof Uint8Array);
  const data = bytes ? new Uint8Array(n * d) : new Float32Array(n * d);
  const withLabels = parts.every((p) => p.labels !== undefined);
  const labels = withLabels ? new Uint8Array(n) : undefined;
  let row = 0;
  for (const p of parts) {
    data.set(p.data.subarray(0, p.n * d), row * d);
    if (labels) labels.set(p.labels!.subarray(0, p.n), row);
    row += p.n;
  }
  const out: Dataset = { n, d, data, source };
  if (shape) out.shape = [shape[0], shape[1]];
  if (labels) out.labels = labels;
  return out;
}
