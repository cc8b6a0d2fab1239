/**
 * One entry point for any supported file: the format is recognised from the
 * content (after gunzip), with the file name as a hint for CIFAR-10 and CSV.
 * @module
 */
import { type ByteInput, type Dataset, load, type SizeBound, sourceName } from "./dataset.ts";
import { ConfigError, DataFormatError } from "../core/errors.ts";
import { IDX_LABELS_MAGIC } from "./idx.ts";
import { DATA_FORMAT_NAMES, DATA_FORMATS, type DataFormat } from "./formats.ts";

export type { DataFormat } from "./formats.ts";

/**
 * Recognise the format of (inflated) bytes: `.npy` and IDX by their magic
 * numbers, CIFAR-10 by a `.bin` name or a length that is a multiple of 3073
 * with label bytes 0-9, CSV by a `.csv`/`.txt` name or UTF-8 text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectFormat } from "./detect.ts";
 * assert.equal(detectFormat(new TextEncoder().encode("1,2\n"), "x"), "csv");
 * ```
 */
export function detectFormat(bytes: Uint8Array, source: string): DataFormat {
  const name = source.toLowerCase().replace(/\.gz$/, "");
  if (bytes.length >= 4) {
    const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
    if (magic === IDX_LABELS_MAGIC) {
      throw new DataFormatError(
        { source, offset: 0 },
        "a data file (the IDX images magic 0x00000803)",
        "an IDX labels file (0x00000801): pass it as the labels of readIdx",
      );
    }
  }
  for (const format of DATA_FORMAT_NAMES) {
    if (DATA_FORMATS[format].recognise(bytes, name)) return format;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, 4096));
    return "csv";
  } catch {
    throw new DataFormatError(
      { source, offset: 0 },
      "a CIFAR-10 batch (.bin), an IDX images file, a .npy file or CSV text",
      "binary data of none of these formats",
    );
  }
}

/** Bytes of the beginning of a file looked at to tell text (CSV) from binary data. */
const TEXT_HEAD = 1 << 16;

/**
 * The format of a file from its first bytes, as far as they tell (undefined:
 * more bytes are needed): magic numbers first, then the name (an IDX name
 * such as `train-images-idx3-ubyte` expects the IDX magic), then text or
 * binary.
 */
function formatOfHead(head: Uint8Array, name: string, final: boolean): DataFormat | undefined {
  for (const format of ["npy", "idx"] as const) {
    if (DATA_FORMATS[format].recognise(head, name)) return format;
  }
  if (/idx\d-ubyte$|-ubyte$/.test(name)) return "idx";
  if (name.endsWith(".bin")) return "cifar10";
  if (name.endsWith(".csv") || name.endsWith(".txt")) return "csv";
  if (head.length < TEXT_HEAD && !final) return undefined;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    if (head.indexOf(0) < 0) return "csv";
  } catch {
    // binary: CIFAR-10 is the one binary format without a magic number
  }
  return "cifar10";
}

/**
 * The size bound of a file read by {@link readDataset} (gunzipped bytes):
 * that of `format`, or of the format its first bytes show; an IDX labels
 * file is refused from its magic.
 */
export function detectBound(source: string, format?: DataFormat): SizeBound {
  if (format !== undefined && Object.hasOwn(DATA_FORMATS, format)) {
    return DATA_FORMATS[format].bound(source);
  }
  const name = source.toLowerCase().replace(/\.gz$/, "");
  return (head, final) => {
    if (head.length < 8 && !final) return undefined;
    const magic = head.length >= 4
      ? ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0
      : -1;
    if (magic === IDX_LABELS_MAGIC) detectFormat(head, source); // throws: a labels file
    const found = formatOfHead(head, name, final);
    return found === undefined ? undefined : DATA_FORMATS[found].bound(source)(head, final);
  };
}

/** Options of {@link readDataset}. */
export interface ReadDatasetOptions {
  /** Skip detection and read this format. */
  format?: DataFormat;
}

/**
 * Read any supported data file (gzipped or not) from bytes, a `Blob`/`File`,
 * a `Response` or a stream.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readDataset } from "./detect.ts";
 * const ds = await readDataset(new Blob(["x,y\n1,2\n"]), "points.csv");
 * assert.equal(ds.n, 1);
 * assert.equal(ds.d, 2);
 * ```
 */
export async function readDataset(
  input: ByteInput,
  source?: string,
  options: ReadDatasetOptions = {},
): Promise<Dataset> {
  const name = sourceName(input, source);
  const { bytes, gunzipped } = await load(input, name, detectBound(name, options.format));
  const format = options.format ?? detectFormat(bytes, name);
  if (!Object.hasOwn(DATA_FORMATS, format)) {
    throw new ConfigError("format", format, DATA_FORMAT_NAMES.join(", "));
  }
  try {
    return DATA_FORMATS[format].parse(bytes, name);
  } catch (e) {
    if (gunzipped && e instanceof DataFormatError && e.offset !== undefined) {
      throw new DataFormatError({ source: name, offset: e.offset, gunzipped }, e.expected, e.found);
    }
    throw e;
  }
}
