/**
 * The compact data set value every reader returns, and the byte plumbing the
 * readers share: whatever the input (bytes, a `Blob` or `File`, a fetched
 * `Response`, a stream) becomes one `Uint8Array`, gunzipped when it starts
 * with the gzip magic bytes 1f 8b. Web-platform APIs only.
 * @module
 */
import { ConfigError, DataFormatError, type DataLocation } from "../core/errors.ts";

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
 * Most bytes one data file may hold, as read and after gunzip: more than
 * any data set of the catalogue (CIFAR-10's six batches in one file are
 * 184 MB), far less than a decompression bomb or a device like /dev/zero
 * would take.
 */
export const MAX_DATA_BYTES = 1 << 30;

/**
 * The size a reader allows a file, judged from its first bytes (`head`):
 * the most bytes it may hold (what its header promises, for formats that
 * have one), or undefined when more bytes are needed to tell (`final`:
 * `head` is the whole file). Throws a `DataFormatError` when the first
 * bytes already show that the file is not of the format, so that nothing
 * more is read or inflated.
 */
export type SizeBound = (head: Uint8Array, final: boolean) => number | undefined;

/** Bytes of the beginning of a file kept for a {@link SizeBound} to judge. */
const HEAD_BYTES = 1 << 20;

/** Chunks collected under a limit, with marks to drop a failed attempt's output. */
class BoundedSink {
  readonly chunks: Uint8Array[] = [];
  total = 0;
  #limit: number;
  #decided: boolean;

  constructor(
    readonly at: DataLocation,
    readonly max: number,
    readonly bound: SizeBound | undefined,
  ) {
    this.#limit = max;
    this.#decided = bound === undefined;
  }

  /** Append a chunk; throws once the bytes exceed the format's size or `max`. */
  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.total += chunk.length;
    if (!this.#decided && this.bound) {
      const said = this.bound(this.head(), false);
      if (said !== undefined) this.#decide(said);
      else if (this.total >= HEAD_BYTES) this.#decided = true;
    }
    if (this.total > this.#limit) this.#exceeded();
  }

  /** All the bytes, once the input has ended (the bound judges the whole). */
  bytes(): Uint8Array {
    const out = concat(this.chunks, this.total);
    if (!this.#decided && this.bound) {
      const said = this.bound(out, true);
      if (said !== undefined) this.#decide(said);
      if (this.total > this.#limit) this.#exceeded();
    }
    return out;
  }

  mark(): number {
    return this.chunks.length;
  }

  reset(mark: number): void {
    while (this.chunks.length > mark) this.total -= this.chunks.pop()!.length;
  }

  head(): Uint8Array {
    return concat(this.chunks, Math.min(this.total, HEAD_BYTES));
  }

  #decide(said: number): void {
    this.#decided = true;
    this.#limit = Math.min(this.max, said);
    this.#promised = said;
    // a header that promises more than a data file may hold is refused at once
    if (said > this.max) this.#exceeded();
  }

  #promised = Infinity;

  #exceeded(): never {
    if (this.#promised <= this.max) {
      throw new DataFormatError(
        { ...this.at, offset: this.#promised },
        `at most ${this.#promised} bytes (what its header or its format allows)`,
        "more bytes",
      );
    }
    throw new DataFormatError(
      { ...this.at, offset: this.max },
      `at most ${this.max} bytes${
        this.#promised < Infinity ? "" : " (the most a data file may hold)"
      }`,
      this.#promised < Infinity
        ? `a header that promises ${this.#promised} bytes`
        : "more bytes (too large for a data file, or a device that never ends)",
    );
  }
}

/** The first `length` bytes of the chunks, as one array. */
function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1 && chunks[0].length === length) return chunks[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    if (at >= length) break;
    const part = c.length <= length - at ? c : c.subarray(0, length - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Read a stream into a sink chunk by chunk (the sink stops it at its limit). */
async function drain(stream: ReadableStream<Uint8Array>, sink: BoundedSink): Promise<void> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      sink.push(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    throw e;
  } finally {
    reader.releaseLock();
  }
}

/**
 * All the bytes of an input, as they are (no gunzip), at most `maxBytes` of
 * them (default {@link MAX_DATA_BYTES}): a `Blob` or a `Response` that
 * announces more is refused before it is read, a stream once it has given
 * more. `bound` may lower the limit from the first bytes.
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
export async function readBytes(
  input: ByteInput,
  source?: string,
  maxBytes: number = MAX_DATA_BYTES,
  bound?: SizeBound,
): Promise<Uint8Array> {
  const name = sourceName(input, source);
  const tooLarge = (size: number) =>
    new DataFormatError(
      { source: name, offset: maxBytes },
      `at most ${maxBytes} bytes (the most a data file may hold)`,
      `${size} bytes`,
    );
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    if (bytes.length > maxBytes) throw tooLarge(bytes.length);
    return bytes;
  }
  const sink = new BoundedSink({ source: name }, maxBytes, bound);
  try {
    if (input instanceof Blob) {
      if (input.size > maxBytes) throw tooLarge(input.size);
      await drain(input.stream(), sink);
      return sink.bytes();
    }
    if (input instanceof Response) {
      if (!input.ok) {
        throw new DataFormatError(
          { source: name },
          "a successful HTTP response",
          `status ${input.status} ${input.statusText}`.trim(),
        );
      }
      const announced = Number(input.headers.get("content-length") ?? NaN);
      if (announced > maxBytes) throw tooLarge(announced);
      if (input.body) await drain(input.body, sink);
      return sink.bytes();
    }
    if (input instanceof ReadableStream) {
      await drain(input, sink);
      return sink.bytes();
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

/** The next offset from `from` where a gzip member header (1f 8b 08) may start, or -1. */
function nextMember(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0x1f && bytes[i + 1] === 0x8b && bytes[i + 2] === 0x08) return i;
  }
  return -1;
}

/** Candidate ends of a member tried before a stream is called corrupt (bounds the work). */
const MAX_MEMBER_TRIALS = 64;

/** Inflate one gzip member (the whole of `bytes`) into the sink. */
async function inflateMember(bytes: Uint8Array, sink: BoundedSink): Promise<void> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  await drain(stream, sink);
}

/**
 * Inflate gzip data with `DecompressionStream("gzip")`, chunk by chunk, into
 * at most `maxBytes` bytes (default {@link MAX_DATA_BYTES}); `bound` lowers
 * the limit to what the format's header promises, read from the first
 * inflated bytes, so a decompression bomb stops there. Several gzip members
 * one after the other (as `cat a.gz b.gz` makes) are one stream, as gzip
 * itself reads them. A corrupt or truncated stream is a `DataFormatError`
 * naming the source.
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
export async function gunzip(
  bytes: Uint8Array,
  source: string,
  bound?: SizeBound,
  maxBytes: number = MAX_DATA_BYTES,
): Promise<Uint8Array> {
  const sink = new BoundedSink({ source, gunzipped: true }, maxBytes, bound);
  let start = 0;
  while (start < bytes.length) {
    const mark = sink.mark();
    let failure: unknown;
    try {
      await inflateMember(bytes.subarray(start), sink);
      break;
    } catch (e) {
      if (e instanceof DataFormatError) throw e;
      failure = e;
      sink.reset(mark);
    }
    // the rest is not one member: find where the first one ends (another member starts there)
    let next = -1;
    let p = nextMember(bytes, start + 18);
    for (let trial = 0; p >= 0 && trial < MAX_MEMBER_TRIALS; trial++) {
      try {
        await inflateMember(bytes.subarray(start, p), sink);
        next = p;
        break;
      } catch (e) {
        if (e instanceof DataFormatError) throw e;
        sink.reset(mark);
      }
      p = nextMember(bytes, p + 1);
    }
    if (next < 0) {
      throw new DataFormatError(
        { source, offset: start },
        "a complete, uncorrupted gzip stream",
        `an inflate error (${(failure as Error).message})`,
      );
    }
    start = next;
  }
  return sink.bytes();
}

/**
 * Read an input and gunzip it when it starts with the gzip magic; empty data
 * is an error. The readers start with this, each with the {@link SizeBound}
 * of its format, so that neither the file nor its inflated content is read
 * beyond what the format allows (and never beyond `maxBytes`).
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
export async function load(
  input: ByteInput,
  source?: string,
  bound?: SizeBound,
  maxBytes: number = MAX_DATA_BYTES,
): Promise<Loaded> {
  const name = sourceName(input, source);
  // a stream that is not gzip is bounded by its format as it is read (gzip: once inflated)
  const raw: SizeBound | undefined = bound &&
    ((head, final) => {
      if (head.length < 2 && !final) return undefined;
      if (isGzip(head)) return maxBytes;
      try {
        return bound(head, final);
      } catch (e) {
        // the format's bounds speak of gunzipped bytes: these are the file's own
        if (!(e instanceof DataFormatError)) throw e;
        throw new DataFormatError(
          { source: e.source, offset: e.offset, line: e.line },
          e.expected,
          e.found,
        );
      }
    });
  let bytes = await readBytes(input, name, maxBytes, raw);
  let gunzipped = false;
  if (isGzip(bytes)) {
    bytes = await gunzip(bytes, name, bound, maxBytes);
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
