/**
 * CSV files of numeric rows: one input per line, values separated by commas
 * (spaces around them allowed, and double quotes as RFC 4180 allows), every
 * row the same length. The first line is taken as a header, and skipped,
 * when one of its fields is not a number. Lines may end in LF, CRLF or CR.
 * Blank lines at the end are ignored; elsewhere they are ragged rows. Values
 * are stored as Float32 and must be finite.
 *
 * The splitting into rows and fields (quotes included) is `npm:papaparse`'s
 * (browser-safe); this module adds the numeric checks, with the line of
 * every problem in its `DataFormatError`s.
 * @module
 */
// a full specifier, so that this module also resolves when imported by URL (no import map)
// deno-lint-ignore no-import-prefix
import papaparse from "npm:papaparse@5.7.1";
import {
  type ByteInput,
  type Dataset,
  load,
  MAX_DATA_BYTES,
  type SizeBound,
  sourceName,
} from "./dataset.ts";
import { ConfigError, DataFormatError, type DataLocation } from "../core/errors.ts";

/**
 * The part of papaparse's API used here, typed locally: `@types/papaparse`
 * references Node's types, which would then replace Deno's in every check.
 */
interface PapaParse {
  parse(text: string, config: {
    delimiter: string;
    newline: string;
    quoteChar: string;
    escapeChar: string;
    header: false;
    dynamicTyping: false;
    skipEmptyLines: false;
    comments: false;
  }): { data: string[][]; errors: { code: string; row?: number }[] };
}
const Papa: PapaParse = papaparse;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/**
 * Options of the CSV reader.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type CsvOptions, parseCsv } from "./csv.ts";
 * const options: CsvOptions = { shape: [2, 2] };
 * const ds = parseCsv("0,1,1,0\n", "tiny.csv", options);
 * assert.ok(ds.shape?.[0] === 2);
 * assert.equal(ds.d, 4);
 * ```
 */
export interface CsvOptions {
  /** Image height and width when the rows are flattened images (h x w = d). */
  shape?: [number, number];
}

/**
 * Parse CSV text (or its UTF-8 bytes) into a Float32 data set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCsv } from "./csv.ts";
 * const ds = parseCsv("a,b\n1,2\n3,4.5\n", "x.csv");
 * assert.equal(ds.n, 2);
 * assert.equal(ds.d, 2);
 * assert.equal(ds.data[3], 4.5);
 * ```
 */
export function parseCsv(
  text: string | Uint8Array,
  source: string,
  options: CsvOptions = {},
): Dataset {
  return csvFrom(text, { source }, options);
}

/**
 * Read a CSV file (gzipped or not) from bytes, a `Blob`/`File`, a `Response`
 * or a stream.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsv } from "./csv.ts";
 * const ds = await readCsv(new Blob(["0,1\n1,0\n"]), "eye.csv");
 * assert.equal(ds.n, 2);
 * assert.equal(ds.data[1], 1);
 * ```
 */
export async function readCsv(
  input: ByteInput,
  source?: string,
  options: CsvOptions = {},
): Promise<Dataset> {
  const name = sourceName(input, source);
  const { bytes, gunzipped } = await load(input, name, csvBound(name));
  return csvFrom(bytes, { source: name, gunzipped }, options);
}

/** Bytes of the beginning of a CSV file checked to be text before it is read further. */
const CSV_HEAD = 1 << 16;

/**
 * The size bound of a CSV file (gunzipped bytes): text, so its first 64 KiB
 * are UTF-8 without a NUL byte (binary data, or a bomb of zeros, is refused
 * from them), and at most `MAX_DATA_BYTES` in all.
 */
export function csvBound(source: string): SizeBound {
  return (head, final) => {
    if (head.length < CSV_HEAD && !final) return undefined;
    const nul = head.indexOf(0);
    let text = true;
    try {
      // stream: a character cut at the end of the head is not an error
      new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    } catch {
      text = false;
    }
    if (nul >= 0 || !text) {
      let line = 1;
      const end = nul >= 0 ? nul : head.length;
      for (let i = 0; i < end; i++) if (head[i] === 10) line++;
      throw new DataFormatError(
        { source, line },
        "UTF-8 text",
        nul >= 0 ? "a NUL byte (a binary file?)" : "bytes that are not UTF-8 (a binary file?)",
      );
    }
    return MAX_DATA_BYTES;
  };
}

function csvFrom(input: string | Uint8Array, at: DataLocation, options: CsvOptions): Dataset {
  const fail = (line: number, expected: string, found?: string): never => {
    throw new DataFormatError({ source: at.source, line }, expected, found);
  };
  let text: string;
  if (typeof input === "string") text = input;
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(input);
    } catch {
      return fail(1, "UTF-8 text", "bytes that are not UTF-8 (a binary file?)");
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
  const parsed = Papa.parse(text, {
    delimiter: ",",
    newline: "\n",
    quoteChar: '"',
    escapeChar: '"',
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
    comments: false,
  });
  const rows = parsed.data;
  // The line where a row starts: one row per line, unless quoted fields hold line breaks.
  const quoted = text.includes('"');
  const lineOf = (row: number): number => {
    if (!quoted) return row + 1;
    let line = 1;
    for (let k = 0; k < row; k++) {
      line++;
      for (const f of rows[k]) {
        for (let i = f.indexOf("\n"); i >= 0; i = f.indexOf("\n", i + 1)) line++;
      }
    }
    return line;
  };
  const quoteErrors = new Map<number, string>();
  for (const e of parsed.errors) {
    if (e.row !== undefined && !quoteErrors.has(e.row)) quoteErrors.set(e.row, e.code);
  }
  const blank = (row: string[]) => row.length === 1 && row[0].trim() === "";
  let last = rows.length;
  while (last > 0 && blank(rows[last - 1]) && !quoteErrors.has(last - 1)) last--;
  if (last === 0) fail(1, "rows of comma-separated numbers", "an empty file");

  const quoteFail = (row: number): never =>
    fail(
      lineOf(row),
      "quoted fields closed by a double quote followed by a comma or the line's end",
      quoteErrors.get(row) === "MissingQuotes" ? "an unclosed quote" : "a malformed quoted field",
    );
  const first = rows[0].map((f) => f.trim());
  const header = !first.every((f) => NUMBER.test(f) || NON_FINITE.test(f));
  if (header && quoteErrors.has(0)) quoteFail(0);
  const begin = header ? 1 : 0;
  if (begin >= last) fail(lineOf(begin), "rows of numbers after the header line", "no rows");
  const d = rows[begin].length;
  if (header && first.length !== d) {
    fail(lineOf(begin), `as many values as the header has columns (${first.length})`, String(d));
  }
  const n = last - begin;
  const data = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const raw = rows[begin + r];
    if (quoteErrors.has(begin + r)) quoteFail(begin + r);
    if (blank(raw)) fail(lineOf(begin + r), `${d} comma-separated numbers`, "an empty line");
    if (raw.length !== d) {
      fail(lineOf(begin + r), `${d} values like the first row`, `${raw.length} (a ragged row)`);
    }
    for (let j = 0; j < d; j++) {
      const f = raw[j].trim();
      if (!NUMBER.test(f)) {
        const lineNo = lineOf(begin + r);
        if (NON_FINITE.test(f)) fail(lineNo, `a finite number in column ${j + 1}`, f);
        fail(
          lineNo,
          `a number in column ${j + 1}`,
          f === "" ? "an empty field" : JSON.stringify(f),
        );
      }
      const v = Math.fround(Number(f));
      if (!Number.isFinite(v)) {
        fail(lineOf(begin + r), `a number within the float32 range in column ${j + 1}`, f);
      }
      data[r * d + j] = v;
    }
  }
  const out: Dataset = { n, d, data, source: at.source };
  if (options.shape) {
    const [h, w] = options.shape;
    if (!Number.isInteger(h) || !Number.isInteger(w) || h * w !== d) {
      throw new ConfigError("shape", [h, w], `[h, w] with h * w = d = ${d} of ${at.source}`);
    }
    out.shape = [h, w];
  }
  return out;
}
