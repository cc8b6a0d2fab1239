// Builders of small files in every supported format, written independently
// of the readers (from the format descriptions), for the dataset tests.
import assert from "node:assert/strict";
import { DataFormatError } from "../../src/core/errors.ts";

/** Bytes on a plain ArrayBuffer (what Blob and Response accept). */
export type Bytes = Uint8Array<ArrayBuffer>;

/** Gzip with the platform's CompressionStream. */
export async function gzip(bytes: Uint8Array): Promise<Bytes> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32be(v: number): number[] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

/** An IDX images file: magic 0x00000803, n, rows, cols, then the pixels. */
export function idxImages(n: number, rows: number, cols: number, pixels: ArrayLike<number>): Bytes {
  return new Uint8Array([
    0,
    0,
    8,
    3,
    ...u32be(n),
    ...u32be(rows),
    ...u32be(cols),
    ...Array.from(pixels),
  ]);
}

/** An IDX labels file: magic 0x00000801, n, then the labels. */
export function idxLabels(labels: ArrayLike<number>): Bytes {
  return new Uint8Array([0, 0, 8, 1, ...u32be(labels.length), ...Array.from(labels)]);
}

/** A .npy file with the given header dict text and payload (header padded to 64 bytes). */
export function npyRaw(dict: string, payload: Uint8Array, version = 1): Bytes {
  const pre = version === 1 ? 10 : 12;
  let header = dict;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header += " ".repeat(total - pre - header.length - 1) + "\n";
  const head = new Uint8Array(pre);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(head.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  return concat(head, new TextEncoder().encode(header), payload);
}

/** A .npy file of little-endian values of a dtype (|u1, <u1, <f4, <f8) and shape. */
export function npy(
  descr: string,
  shape: number[],
  values: ArrayLike<number>,
  opts: { version?: number; fortran?: boolean } = {},
): Bytes {
  const item = descr.endsWith("1") ? 1 : descr.endsWith("4") ? 4 : 8;
  const payload = new Uint8Array(values.length * item);
  const view = new DataView(payload.buffer);
  for (let i = 0; i < values.length; i++) {
    if (item === 1) payload[i] = values[i];
    else if (item === 4) view.setFloat32(4 * i, values[i], descr[0] !== ">");
    else view.setFloat64(8 * i, values[i], descr[0] !== ">");
  }
  const shapeText = `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${
    opts.fortran ? "True" : "False"
  }, 'shape': ${shapeText}, }`;
  return npyRaw(dict, payload, opts.version ?? 1);
}

/** One CIFAR-10 record: label, then R, G, B planes of 1024 bytes each. */
export function cifarRecord(label: number, rgb: (p: number) => [number, number, number]): Bytes {
  const rec = new Uint8Array(3073);
  rec[0] = label;
  for (let p = 0; p < 1024; p++) {
    const [r, g, b] = rgb(p);
    rec[1 + p] = r;
    rec[1025 + p] = g;
    rec[2049 + p] = b;
  }
  return rec;
}

/** A tar entry to build: a regular file by default. */
export interface TarSpec {
  name: string;
  bytes?: Uint8Array;
  /** Type flag: "0" file (default), "5" directory, "L" GNU long name, "x" pax header. */
  type?: string;
  /** ustar prefix field (POSIX long paths). */
  prefix?: string;
}

/** A 512-byte ustar header with a correct checksum. */
export function tarHeader(spec: TarSpec): Bytes {
  const h = new Uint8Array(512);
  const enc = new TextEncoder();
  const size = spec.bytes?.length ?? 0;
  h.set(enc.encode(spec.name.slice(0, 100)), 0);
  h.set(enc.encode("0000644\0"), 100);
  h.set(enc.encode("0000000\0"), 108);
  h.set(enc.encode("0000000\0"), 116);
  h.set(enc.encode(size.toString(8).padStart(11, "0") + "\0"), 124);
  h.set(enc.encode("14000000000\0"), 136);
  h[156] = (spec.type ?? "0").charCodeAt(0);
  h.set(enc.encode("ustar\0" + "00"), 257);
  if (spec.prefix) h.set(enc.encode(spec.prefix), 345);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
  return h;
}

/** A tar archive of the entries, ended by two zero blocks. */
export function tar(entries: TarSpec[], end = true): Bytes {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    parts.push(tarHeader(e));
    if (e.bytes && e.bytes.length > 0) {
      parts.push(e.bytes, new Uint8Array((512 - (e.bytes.length % 512)) % 512));
    }
  }
  if (end) parts.push(new Uint8Array(1024));
  return concat(...parts);
}

/** A pax extended header's record: "len key=value\n", len counting its UTF-8 bytes and itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bytes = new TextEncoder().encode(body).length;
  let len = bytes + 1;
  while (String(len).length + bytes !== len) len = String(len).length + bytes;
  return `${len}${body}`;
}

/** Assert that a promise rejects with a DataFormatError whose message matches. */
export async function rejectsFormat(p: Promise<unknown>, re: RegExp, what?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DataFormatError, `${what ?? re}: not a DataFormatError: ${e}`);
    assert.match(e.message, re, what);
    return true;
  });
}

/** Assert that a call throws a DataFormatError whose message matches. */
export function throwsFormat(f: () => unknown, re: RegExp, what?: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof DataFormatError, `${what ?? re}: not a DataFormatError: ${e}`);
    assert.match(e.message, re, what);
    return true;
  });
}
