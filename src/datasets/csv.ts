/**
 * CSV files of numeric rows: one input per line, values separated by commas
 * (spaces around them allowed), every row the same length. The first line is
 * taken as a header, and skipped, when one of its fields is not a number.
 * Blank lines at the end are ignored; elsewhere they are ragged rows. Values
 * are stored as Float32 and must be finite.
 * @module
 */
import { type ByteInput, type Dataset, load } from "./dataset.ts";
import { ConfigError, DataFormatError, type DataLocation } from "../core/errors.ts";

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/** Options of the CSV reader. */
export interface CsvOptions {
  /** Image height and width when the rows are flattened images (h x w = d). */
  shape?: [number, number];
}

/**
 * Parse CSV text (or its UTF-8 bytes) into a Float32 data set.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./csv.ts";
 * const ds = parseCsv("a,b\n1,2\n3,4.5\n", "x.csv");
 * if (!(ds.n === 2 && ds.d === 2 && ds.data[3] === 4.5)) throw new Error("example failed");
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
 * import { readCsv } from "./csv.ts";
 * const ds = await readCsv(new Blob(["0,1\n1,0\n"]), "eye.csv");
 * if (!(ds.n === 2 && ds.data[1] === 1)) throw new Error("example failed");
 * ```
 */
export async function readCsv(
  input: ByteInput,
  source?: string,
  options: CsvOptions = {},
): Promise<Dataset> {
  const { bytes, source: name, gunzipped } = await load(input, source);
  return csvFrom(bytes, { source: name, gunzipped }, options);
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
  const lines = text.split(/\r\n|\n|\r/);
  let last = lines.length;
  while (last > 0 && lines[last - 1].trim() === "") last--;
  if (last === 0) fail(1, "rows of comma-separated numbers", "an empty file");

  const fields = (line: string) => line.split(",").map((f) => f.trim());
  const first = fields(lines[0]);
  const header = !first.every((f) => NUMBER.test(f) || NON_FINITE.test(f));
  const begin = header ? 1 : 0;
  if (begin >= last) fail(begin + 1, "rows of numbers after the header line", "no rows");
  const d = fields(lines[begin]).length;
  if (header && first.length !== d) {
    fail(begin + 1, `as many values as the header has columns (${first.length})`, String(d));
  }
  const n = last - begin;
  const data = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const lineNo = begin + r + 1;
    const raw = lines[begin + r];
    if (raw.trim() === "") fail(lineNo, `${d} comma-separated numbers`, "an empty line");
    const row = fields(raw);
    if (row.length !== d) {
      fail(lineNo, `${d} values like the first row`, `${row.length} (a ragged row)`);
    }
    for (let j = 0; j < d; j++) {
      const f = row[j];
      if (!NUMBER.test(f)) {
        if (NON_FINITE.test(f)) fail(lineNo, `a finite number in column ${j + 1}`, f);
        fail(
          lineNo,
          `a number in column ${j + 1}`,
          f === "" ? "an empty field" : JSON.stringify(f),
        );
      }
      const v = Math.fround(Number(f));
      if (!Number.isFinite(v)) {
        fail(lineNo, `a number within the float32 range in column ${j + 1}`, f);
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
