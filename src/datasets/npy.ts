/**
 * NumPy `.npy` files, format versions 1.0, 2.0 and 3.0: the magic string
 * `\x93NUMPY`, a version, a header length (2 bytes little-endian in 1.0, 4
 * bytes in 2.0/3.0), a Python dict literal `{'descr': ..., 'fortran_order':
 * ..., 'shape': (...)}` and the C-order payload.
 *
 * Accepted: dtypes `|u1` (also `<u1`), `<f4`, `<f8`; shapes (n, d) and
 * (n, h, w); `fortran_order` False. Bytes stay bytes; floats become Float32
 * (float64 values must fit in float32) and must be finite.
 * @module
 */
import { type ByteInput, type Dataset, load, type SizeBound, sourceName } from "./dataset.ts";
import { DataFormatError, type DataLocation } from "../core/errors.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The dtypes accepted, as written in the header's `descr`. */
export const NPY_DTYPES: readonly string[] = ["|u1", "<u1", "<f4", "<f8"];

type PyValue =
  | string
  | number
  | boolean
  | null
  | PyValue[]
  | { tuple: PyValue[] }
  | Map<string, PyValue>;

/** A parser of the Python literals numpy writes in a header. */
class HeaderParser {
  pos = 0;
  constructor(readonly text: string, readonly at: DataLocation, readonly base: number) {}

  fail(expected: string): never {
    const rest = this.text.slice(this.pos, this.pos + 20);
    const found = this.pos >= this.text.length ? "the end of the header" : JSON.stringify(rest);
    throw new DataFormatError({ ...this.at, offset: this.base + this.pos }, expected, found);
  }

  skip(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  eat(c: string): boolean {
    this.skip();
    if (this.text[this.pos] === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  value(): PyValue {
    this.skip();
    const c = this.text[this.pos];
    if (c === "{") return this.dict();
    if (c === "(") return { tuple: this.sequence(")") };
    if (c === "[") return this.sequence("]");
    if (c === "'" || c === '"') return this.string();
    const m = /^(True|False|None|[+-]?\d+L?)/.exec(this.text.slice(this.pos));
    if (!m) this.fail("a Python literal (string, integer, True/False, tuple or dict)");
    this.pos += m[0].length;
    if (m[0] === "True") return true;
    if (m[0] === "False") return false;
    if (m[0] === "None") return null;
    return Number.parseInt(m[0], 10);
  }

  string(): string {
    const quote = this.text[this.pos++];
    const end = this.text.indexOf(quote, this.pos);
    if (end < 0) this.fail(`a closing ${quote}`);
    const s = this.text.slice(this.pos, end);
    if (s.includes("\\")) this.fail("a string without escapes");
    this.pos = end + 1;
    return s;
  }

  sequence(close: string): PyValue[] {
    this.pos++; // the opening bracket
    const items: PyValue[] = [];
    while (!this.eat(close)) {
      if (items.length > 0 && !this.eat(",")) this.fail(`"," or "${close}"`);
      if (this.eat(close)) break;
      items.push(this.value());
    }
    return items;
  }

  dict(): Map<string, PyValue> {
    this.pos++;
    const map = new Map<string, PyValue>();
    while (!this.eat("}")) {
      if (map.size > 0 && !this.eat(",")) this.fail('"," or "}"');
      if (this.eat("}")) break;
      this.skip();
      const keyAt = this.pos;
      const c = this.text[this.pos];
      if (c !== "'" && c !== '"') this.fail("a quoted key");
      const key = this.string();
      if (map.has(key)) {
        this.pos = keyAt;
        this.fail(`each key once (${key} is repeated)`);
      }
      if (!this.eat(":")) this.fail('":" after a key');
      map.set(key, this.value());
    }
    return map;
  }
}

/**
 * Parse the bytes of a `.npy` file (not gzipped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseNpy } from "./npy.ts";
 * const header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }";
 * const padded = header + " ".repeat(128 - 10 - header.length - 1) + "\n";
 * const file = new Uint8Array(128 + 6);
 * file.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
 * file.set(new TextEncoder().encode(padded), 10);
 * file.set([1, 2, 3, 4, 5, 6], 128);
 * const ds = parseNpy(file, "x.npy");
 * assert.equal(ds.n, 2);
 * assert.equal(ds.d, 3);
 * assert.equal(ds.data[5], 6);
 * ```
 */
export function parseNpy(bytes: Uint8Array, source: string): Dataset {
  return npyFrom(bytes, { source });
}

/**
 * Read a `.npy` file (gzipped or not) from bytes, a `Blob`/`File`, a
 * `Response` or a stream; see the module documentation for what is accepted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readNpy } from "./npy.ts";
 * try {
 *   await readNpy(new Uint8Array([1, 2, 3]), "bad.npy");
 * } catch (e) {
 *   assert.ok((e as Error).message.startsWith("bad.npy: at byte 0"));
 * }
 * ```
 */
export async function readNpy(input: ByteInput, source?: string): Promise<Dataset> {
  const name = sourceName(input, source);
  const { bytes, gunzipped } = await load(input, name, npyBound(name));
  return npyFrom(bytes, { source: name, gunzipped });
}

/** What a .npy header says: dtype, shape, and where and how long the data are. */
interface NpyHeader {
  dtype: string;
  shape: number[];
  n: number;
  d: number;
  /** Bytes per value. */
  item: number;
  /** Offset of the data. */
  dataStart: number;
  /** Bytes of data the shape and dtype promise. */
  size: number;
}

/**
 * The size of a .npy file as its header gives it, from its first bytes: the
 * magic, version and header are checked as soon as they are there.
 */
export function npyBound(source: string): SizeBound {
  const at = { source, gunzipped: true };
  return (head) => {
    if (head.length < 8) {
      for (let i = 0; i < Math.min(head.length, MAGIC.length); i++) {
        if (head[i] !== MAGIC[i]) npyHeader(head, at); // throws: not .npy
      }
      return undefined;
    }
    const lenBytes = head[6] === 1 ? 2 : 4;
    if (head.length < 8 + lenBytes) return undefined;
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const hlen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
    if (head[6] >= 1 && head[6] <= 3 && head.length < 8 + lenBytes + hlen) return undefined;
    const h = npyHeader(head, at);
    return h.dataStart + h.size;
  };
}

/** Check the magic, version and header of .npy bytes and return what the header says. */
function npyHeader(bytes: Uint8Array, at: DataLocation): NpyHeader {
  const fail = (offset: number, expected: string, found?: string): never => {
    throw new DataFormatError({ ...at, offset }, expected, found);
  };
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      const head = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(
        " ",
      );
      fail(
        0,
        "the .npy magic string \\x93NUMPY (93 4e 55 4d 50 59)",
        head === "" ? "nothing" : head,
      );
    }
  }
  if (bytes.length < 8) fail(bytes.length, "a format version (2 bytes)", "the end of the file");
  const major = bytes[6];
  if (major < 1 || major > 3) fail(6, "format version 1.0, 2.0 or 3.0", `${major}.${bytes[7]}`);
  const lenBytes = major === 1 ? 2 : 4;
  const start = 8 + lenBytes;
  if (bytes.length < start) {
    fail(bytes.length, `a ${lenBytes}-byte header length`, "the end of the file");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (bytes.length < start + hlen) {
    fail(
      bytes.length,
      `a header of ${hlen} bytes from byte ${start}`,
      "the end of the file (truncated header)",
    );
  }
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true })
      .decode(bytes.subarray(start, start + hlen));
  } catch {
    return fail(start, "a header of text", "bytes that are not text");
  }
  const parser = new HeaderParser(text, at, start);
  parser.skip();
  if (text[parser.pos] !== "{") {
    parser.fail("a header dict {'descr': ..., 'fortran_order': ..., 'shape': ...}");
  }
  const dict = parser.dict();
  parser.skip();
  if (parser.pos !== text.length) parser.fail("only spaces and a newline after the header dict");

  for (const key of dict.keys()) {
    if (!["descr", "fortran_order", "shape"].includes(key)) {
      fail(start, "only the header keys 'descr', 'fortran_order', 'shape'", `'${key}'`);
    }
  }
  const descr = dict.get("descr");
  if (typeof descr !== "string") {
    fail(start, `'descr' a simple dtype (${NPY_DTYPES.join(", ")})`, describe(descr));
  }
  const dtype = descr as string;
  if (!NPY_DTYPES.includes(dtype)) {
    const endian = dtype[0] === ">" ? " (big-endian; expected little-endian)" : "";
    fail(start, `a dtype among ${NPY_DTYPES.join(", ")}`, `'${dtype}'${endian}`);
  }
  const fortran = dict.get("fortran_order");
  if (fortran !== false) {
    fail(start, "'fortran_order': False (C order)", describe(fortran));
  }
  const shapeValue = dict.get("shape");
  const dims = typeof shapeValue === "object" && shapeValue !== null && "tuple" in shapeValue
    ? shapeValue.tuple
    : undefined;
  if (
    dims === undefined || (dims.length !== 2 && dims.length !== 3) ||
    !dims.every((v) => typeof v === "number" && Number.isInteger(v) && v > 0)
  ) {
    fail(start, "'shape' a tuple (n, d) or (n, h, w) of positive integers", describe(shapeValue));
  }
  const shape = dims as number[];
  const n = shape[0];
  const d = shape.length === 2 ? shape[1] : shape[1] * shape[2];
  const item = dtype.endsWith("1") ? 1 : dtype.endsWith("4") ? 4 : 8;
  const dataStart = start + hlen;
  const size = n * d * item;
  return { dtype, shape, n, d, item, dataStart, size };
}

function npyFrom(bytes: Uint8Array, at: DataLocation): Dataset {
  const fail = (offset: number, expected: string, found?: string): never => {
    throw new DataFormatError({ ...at, offset }, expected, found);
  };
  const { dtype, shape, n, d, item, dataStart, size } = npyHeader(bytes, at);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const payload = bytes.length - dataStart;
  if (payload < size) {
    fail(
      bytes.length,
      `${size} bytes of ${dtype} data for shape (${shape.join(", ")})`,
      `only ${payload} (truncated)`,
    );
  }
  if (payload > size) {
    fail(
      dataStart + size,
      `the end of the file after shape (${shape.join(", ")})`,
      `${payload - size} more bytes`,
    );
  }

  let data: Uint8Array | Float32Array;
  if (item === 1) {
    data = bytes.slice(dataStart, dataStart + size);
  } else {
    data = new Float32Array(n * d);
    for (let i = 0; i < n * d; i++) {
      const offset = dataStart + i * item;
      const v = item === 4 ? view.getFloat32(offset, true) : view.getFloat64(offset, true);
      const f = Math.fround(v);
      if (!Number.isFinite(f)) {
        const where = `row ${Math.floor(i / d)}, column ${i % d}`;
        fail(
          offset,
          `a finite number${item === 8 ? " within the float32 range" : ""} (${where})`,
          String(v),
        );
      }
      data[i] = f;
    }
  }
  const out: Dataset = { n, d, data, source: at.source };
  if (shape.length === 3) out.shape = [shape[1], shape[2]];
  return out;
}

function describe(v: PyValue | undefined): string {
  if (v === undefined) return "no such key";
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "string") return `'${v}'`;
  if (typeof v === "number") return String(v);
  if (v instanceof Map) return "a dict";
  if (Array.isArray(v)) return "a list (a structured dtype?)";
  return `(${v.tuple.map(describe).join(", ")}${v.tuple.length === 1 ? "," : ""})`;
}
