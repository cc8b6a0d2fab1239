/**
 * A minimal streaming tar reader (POSIX ustar and GNU tar, as written by
 * common tools): 512-byte headers with octal (or base-256) sizes and a
 * checked header checksum, file data padded to 512 bytes, end marked by a
 * zero block. Regular files are yielded one at a time; directories, links
 * and devices are skipped; long names from GNU `L` entries and pax `path`
 * records are honoured. Names that would escape the target folder (absolute,
 * with `..`, a drive letter or a backslash) are rejected.
 *
 * Kept in-house rather than over an npm tar reader: `modern-tar` reports a
 * truncated or corrupt archive without the byte offset, entry or checksum
 * (and hides pax and GNU long-name headers, so an adapter cannot count
 * offsets itself); `nanotar` checks no checksum, does not notice
 * truncation, and silently rewrites `../evil.sh` to `evil.sh`.
 * @module
 */
import { DataFormatError } from "../core/errors.ts";
import { MAX_DATA_BYTES } from "./dataset.ts";

/**
 * A regular file of a tar archive.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type TarEntry, untar } from "./tar.ts";
 * const files: TarEntry[] = await untar(new Uint8Array(1024), "empty.tar");
 * assert.equal(files.length, 0);
 * ```
 */
export interface TarEntry {
  /** Path inside the archive, "/"-separated, relative, without "./". */
  name: string;
  /** The file's content. */
  bytes: Uint8Array;
}

/** Buffered exact-length reads from a byte stream, counting the offset. */
class Reader {
  offset = 0;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #ended = false;
  constructor(
    readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    readonly source: string,
    readonly max: number,
  ) {}

  /** Exactly n bytes, or fewer at the end of the stream. */
  async read(n: number): Promise<Uint8Array> {
    if (this.offset + n > this.max) {
      throw new DataFormatError(
        { source: this.source, offset: this.offset },
        `an archive of at most ${this.max} bytes (the most a data set may hold)`,
        `more (${n} bytes wanted from byte ${this.offset})`,
      );
    }
    while (this.#buffered < n && !this.#ended) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await this.reader.read();
      } catch (e) {
        throw new DataFormatError(
          { source: this.source, offset: this.offset + this.#buffered },
          "more archive data",
          `a read error (${(e as Error).message})`,
        );
      }
      if (r.done) this.#ended = true;
      else if (r.value.length > 0) {
        this.#chunks.push(r.value);
        this.#buffered += r.value.length;
      }
    }
    const take = Math.min(n, this.#buffered);
    let out: Uint8Array;
    if (this.#chunks.length > 0 && this.#chunks[0].length >= take) {
      out = this.#chunks[0].subarray(0, take);
      this.#chunks[0] = this.#chunks[0].subarray(take);
      if (this.#chunks[0].length === 0) this.#chunks.shift();
    } else {
      out = new Uint8Array(take);
      let filled = 0;
      while (filled < take) {
        const c = this.#chunks[0];
        const k = Math.min(c.length, take - filled);
        out.set(c.subarray(0, k), filled);
        filled += k;
        if (k === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(k);
      }
    }
    this.#buffered -= take;
    this.offset += take;
    return out;
  }
}

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function number(field: Uint8Array, source: string, offset: number, what: string): number {
  if (field[0] & 0x80) {
    // GNU base-256: big-endian binary in the remaining bytes (positive only).
    if (field[0] !== 0x80) {
      throw new DataFormatError({ source, offset }, `a non-negative ${what}`, "a negative number");
    }
    let v = 0;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i];
    return v;
  }
  const s = text(field).trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) {
    throw new DataFormatError({ source, offset }, `an octal ${what}`, JSON.stringify(s));
  }
  return Number.parseInt(s, 8);
}

/**
 * A tar entry's name made safe to write under a target folder: "./" prefixes
 * dropped; absolute names, `..` segments, backslashes and drive letters are
 * a `DataFormatError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeEntryName } from "./tar.ts";
 * assert.equal(safeEntryName("./a/b.bin", "x.tar", 0), "a/b.bin");
 * ```
 */
export function safeEntryName(raw: string, source: string, offset: number): string {
  let name = raw;
  while (name.startsWith("./")) name = name.slice(2);
  const bad = name === "" || name.startsWith("/") || name.includes("\\") || name.includes("\0") ||
    /^[A-Za-z]:/.test(name) || name.split("/").some((part) => part === "..");
  if (bad) {
    throw new DataFormatError(
      { source, offset },
      "a relative file name inside the archive's folder",
      JSON.stringify(raw),
    );
  }
  return name;
}

/**
 * The pax extended-header records "len key=value\n" as a map; `len` counts
 * the record's bytes (UTF-8), its own digits and the newline included.
 */
function paxRecords(bytes: Uint8Array): Map<string, string> {
  const map = new Map<string, string>();
  const decoder = new TextDecoder();
  let i = 0;
  while (i < bytes.length) {
    let j = i;
    let len = 0;
    while (j < bytes.length && bytes[j] >= 0x30 && bytes[j] <= 0x39) {
      len = len * 10 + bytes[j++] - 0x30;
    }
    if (j === i || bytes[j] !== 0x20 || len <= j - i + 1 || i + len > bytes.length) break;
    const record = decoder.decode(bytes.subarray(j + 1, i + len - 1));
    const eq = record.indexOf("=");
    if (eq > 0) map.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return map;
}

/**
 * The regular files of a tar stream, one at a time (each file is held in
 * memory once, the archive never is). A truncated or corrupt archive is a
 * `DataFormatError` naming the source and the byte offset in the tar data;
 * so is an archive longer than `maxBytes` (default `MAX_DATA_BYTES`), or a
 * file whose size in its header reaches beyond it (refused before it is read).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTar } from "./tar.ts";
 * const header = new Uint8Array(512);
 * header.set(new TextEncoder().encode("a.txt"), 0);
 * header.set(new TextEncoder().encode("00000000002\0"), 124); // size 2, octal
 * header.set(new TextEncoder().encode("0ustar\u000000"), 156); // type, magic, version
 * header.fill(0x20, 148, 156);
 * const sum = header.reduce((s, b) => s + b, 0);
 * header.set(new TextEncoder().encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
 * const body = new Uint8Array(512);
 * body.set([104, 105]);
 * const archive = new Blob([header, body, new Uint8Array(1024)]);
 * for await (const file of readTar(archive.stream(), "a.tar")) {
 *   assert.equal(file.name, "a.txt");
 *   assert.equal(new TextDecoder().decode(file.bytes), "hi");
 * }
 * ```
 */
export async function* readTar(
  stream: ReadableStream<Uint8Array>,
  source: string,
  maxBytes: number = MAX_DATA_BYTES,
): AsyncGenerator<TarEntry> {
  const reader = stream.getReader();
  const r = new Reader(reader, source, maxBytes);
  let longName: string | undefined;
  let pax = new Map<string, string>();
  try {
    while (true) {
      const at = r.offset;
      const h = await r.read(512);
      if (h.length < 512) {
        throw new DataFormatError(
          { source, offset: at },
          "a 512-byte tar header or the end-of-archive zero block",
          h.length === 0 ? "the end of the data (truncated archive)" : `only ${h.length} bytes`,
        );
      }
      if (h.every((b) => b === 0)) return;
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
      const stored = number(h.subarray(148, 156), source, at + 148, "header checksum");
      if (stored !== sum) {
        throw new DataFormatError(
          { source, offset: at },
          `a tar header with checksum ${stored}`,
          `checksum ${sum}`,
        );
      }
      const paxSize = pax.get("size");
      const size = paxSize !== undefined
        ? Number(paxSize)
        : number(h.subarray(124, 136), source, at + 124, "size");
      if (!Number.isSafeInteger(size) || size < 0) {
        throw new DataFormatError(
          { source, offset: at },
          "a file size in bytes",
          JSON.stringify(paxSize),
        );
      }
      if (r.offset + size > maxBytes) {
        throw new DataFormatError(
          { source, offset: at + 124 },
          `a file that ends within ${maxBytes} bytes of archive (the most a data set may hold)`,
          `a size of ${size} bytes`,
        );
      }
      const type = String.fromCharCode(h[156]);
      const magic = text(h.subarray(257, 263));
      let name = text(h.subarray(0, 100));
      const prefix = magic === "ustar" ? text(h.subarray(345, 500)) : "";
      if (prefix) name = `${prefix}/${name}`;
      if (longName !== undefined) name = longName;
      if (pax.has("path")) name = pax.get("path")!;

      const dataAt = r.offset;
      const data = await r.read(size);
      if (data.length < size) {
        throw new DataFormatError(
          { source, offset: r.offset },
          `${size} bytes of data for ${JSON.stringify(name)} (from byte ${dataAt})`,
          `only ${data.length} (truncated archive)`,
        );
      }
      const pad = (512 - (size % 512)) % 512;
      if ((await r.read(pad)).length < pad) {
        throw new DataFormatError(
          { source, offset: r.offset },
          "padding to a 512-byte block",
          "the end of the data",
        );
      }

      if (type === "L") {
        longName = text(data);
        continue;
      }
      if (type === "x") {
        pax = paxRecords(data);
        continue;
      }
      longName = undefined;
      pax = new Map();
      if (type === "0" || type === "\0" || type === "7") {
        yield { name: safeEntryName(name, source, at), bytes: data };
      }
      // "g" global pax headers, directories, links, devices and FIFOs are skipped.
    }
  } finally {
    // Stop the source (the rest is padding after the end block, or unread after an error).
    await reader.cancel().catch(() => {});
  }
}

/**
 * All regular files of a (not gzipped) tar archive held in memory; each
 * file's bytes are a copy, independent of `bytes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { untar } from "./tar.ts";
 * assert.equal((await untar(new Uint8Array(1024), "empty.tar")).length, 0);
 * ```
 */
export async function untar(bytes: Uint8Array, source: string): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  // One chunk: readTar then hands out views of it, copied once here.
  const whole = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  for await (const e of readTar(whole, source)) out.push({ name: e.name, bytes: e.bytes.slice() });
  return out;
}
